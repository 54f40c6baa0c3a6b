package cognito

import (
	"strings"
)

// RevokeToken revokes a refresh token and everything minted from it. An
// unknown or already revoked token succeeds, as at the OAuth revocation
// endpoint; a JWT is refused as the wrong token type.
func opRevokeToken(s *Service, c *call) (any, error) {
	var in struct {
		Token        string `json:"Token"`
		ClientId     string `json:"ClientId"`
		ClientSecret string `json:"ClientSecret"`
	}
	if err := c.decode(&in, "Token", "ClientId"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, cl, err := s.client(in.ClientId)
	if err != nil {
		return nil, err
	}
	if err := checkClientSecret(cl, in.ClientSecret); err != nil {
		return nil, err
	}
	if !cl.EnableTokenRevocation {
		return nil, newErr(excUnsupportedOperation, "Token revocation is not enabled for the client.")
	}
	if strings.Count(in.Token, ".") == 2 {
		return nil, newErr(excUnsupportedTokenType, "Only refresh tokens can be revoked.")
	}
	if rec := s.st.Refresh[refreshHash(in.Token)]; rec != nil && rec.ClientID == cl.ClientID {
		s.revokeFamily(rec.OriginJTI)
	}
	return empty{}, nil
}

// checkClientSecret checks a raw client secret (GetTokensFromRefreshToken,
// RevokeToken) in constant time.
func checkClientSecret(cl *client, got string) error {
	if cl.Secret == "" {
		return nil
	}
	if got == "" {
		return errSecretNotReceived(cl.ClientID)
	}
	if !secretEqual(got, cl.Secret) {
		return errf(excNotAuthorized, "Unable to verify secret for client %s", cl.ClientID)
	}
	return nil
}

func opGetTokensFromRefreshToken(s *Service, c *call) (any, error) {
	var in struct {
		RefreshToken string `json:"RefreshToken"`
		ClientId     string `json:"ClientId"`
		ClientSecret string `json:"ClientSecret"`
		DeviceKey    string `json:"DeviceKey"`
	}
	if err := c.decode(&in, "RefreshToken", "ClientId"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	_, cl, err := s.client(in.ClientId)
	rotate := err == nil && cl.rotates()
	if err == nil {
		err = checkClientSecret(cl, in.ClientSecret)
	}
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	res, err := s.refresh(refreshRequest{clientID: in.ClientId, token: in.RefreshToken, deviceKey: in.DeviceKey, rotate: rotate})
	if err != nil {
		return nil, err
	}
	return map[string]any{"AuthenticationResult": res}, nil
}
