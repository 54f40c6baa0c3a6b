package identity

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// OpenIDIssuer is the issuer of GetOpenIdToken's tokens.
const OpenIDIssuer = "https://cognito-identity.amazonaws.com"

// openIDTTL is the lifetime of GetOpenIdToken's token (10 minutes).
const openIDTTL = 10 * time.Minute

type openIDClaims struct {
	Iss string   `json:"iss"`
	Sub string   `json:"sub"`
	Aud string   `json:"aud"`
	Amr []string `json:"amr"`
	Iat int64    `json:"iat"`
	Exp int64    `json:"exp"`
}

func (s *Service) openIDKey() (*rsa.PrivateKey, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.oidcKey == nil {
		k, err := s.opts.NewKey()
		if err != nil {
			return nil, "", fmt.Errorf("identity: signing key: %w", err)
		}
		s.oidcKey, s.oidcKid = k, s.opts.Region+"-"+uuid.NewString()[:8]
	}
	return s.oidcKey, s.oidcKid, nil
}

func (s *Service) signOpenIDToken(identityID, poolID string, amr []string) (string, error) {
	key, kid, err := s.openIDKey()
	if err != nil {
		return "", err
	}
	now := s.now()
	h, _ := json.Marshal(map[string]string{"kid": kid, "typ": "JWS", "alg": "RS256"})
	c, _ := json.Marshal(openIDClaims{Iss: OpenIDIssuer, Sub: identityID, Aud: poolID, Amr: amr,
		Iat: now.Unix(), Exp: now.Add(openIDTTL).Unix()})
	enc := base64.RawURLEncoding
	input := enc.EncodeToString(h) + "." + enc.EncodeToString(c)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("identity: sign: %w", err)
	}
	return input + "." + enc.EncodeToString(sig), nil
}

var (
	errNotOurs      = errors.New("not a token of this identity service")
	errTokenExpired = errors.New("token expired")
)

// verifyOpenIDToken checks a GetOpenIdToken token for STS.
func (s *Service) verifyOpenIDToken(tok string) (openIDClaims, error) {
	var c openIDClaims
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return c, errNotOurs
	}
	enc := base64.RawURLEncoding
	pb, err1 := enc.DecodeString(parts[1])
	sig, err2 := enc.DecodeString(parts[2])
	if err1 != nil || err2 != nil || json.Unmarshal(pb, &c) != nil {
		return c, errNotOurs
	}
	s.mu.Lock()
	key := s.oidcKey
	s.mu.Unlock()
	if c.Iss != OpenIDIssuer || key == nil {
		return c, errNotOurs
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA256, sum[:], sig) != nil {
		return c, errNotOurs
	}
	if s.now().Unix() >= c.Exp {
		return c, errTokenExpired
	}
	return c, nil
}
