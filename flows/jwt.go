package flows

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Claims are a few claims of a Cognito token, read WITHOUT verifying the
// signature: enough to pick the username for SECRET_HASH and to show a
// token's lifetime. Use the inspect package to verify a token.
type Claims struct {
	TokenUse  string    // "id" or "access"
	Username  string    // access token "username", ID token "cognito:username"
	Sub       string    // the user's immutable id
	ClientID  string    // access token "client_id", ID token "aud"
	Issuer    string    // "iss"
	IssuedAt  time.Time // "iat"
	ExpiresAt time.Time // "exp"
	AuthTime  time.Time // "auth_time"
}

// UnverifiedClaims decodes the payload of a JWT without checking its
// signature.
func UnverifiedClaims(token string) (Claims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return Claims{}, fmt.Errorf("not a JWT: %d parts, want 3", len(parts))
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return Claims{}, fmt.Errorf("JWT payload is not base64url: %w", err)
	}
	var raw struct {
		TokenUse        string          `json:"token_use"`
		Username        string          `json:"username"`
		CognitoUsername string          `json:"cognito:username"`
		Sub             string          `json:"sub"`
		ClientID        string          `json:"client_id"`
		Aud             json.RawMessage `json:"aud"`
		Iss             string          `json:"iss"`
		Iat             json.Number     `json:"iat"`
		Exp             json.Number     `json:"exp"`
		AuthTime        json.Number     `json:"auth_time"`
	}
	dec := json.NewDecoder(strings.NewReader(string(payload)))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return Claims{}, fmt.Errorf("JWT payload is not a JSON object: %w", err)
	}
	c := Claims{TokenUse: raw.TokenUse, Username: raw.Username, Sub: raw.Sub, ClientID: raw.ClientID, Issuer: raw.Iss}
	if c.Username == "" {
		c.Username = raw.CognitoUsername
	}
	if c.ClientID == "" && len(raw.Aud) > 0 {
		var aud string
		if json.Unmarshal(raw.Aud, &aud) == nil {
			c.ClientID = aud
		}
	}
	c.IssuedAt = unixTime(raw.Iat)
	c.ExpiresAt = unixTime(raw.Exp)
	c.AuthTime = unixTime(raw.AuthTime)
	if c.Sub == "" && c.Username == "" && c.ExpiresAt.IsZero() {
		return c, errors.New("JWT payload has none of sub, username, exp")
	}
	return c, nil
}

func unixTime(n json.Number) time.Time {
	if n == "" {
		return time.Time{}
	}
	f, err := n.Float64()
	if err != nil {
		return time.Time{}
	}
	return time.Unix(int64(f), 0).UTC()
}

// JWTSegment decodes one part of a JWT (its header or payload: base64url,
// padding tolerated) as a JSON object, without checking anything; nil
// when it is not one. For showing and reading what a token says, never
// for trusting it.
func JWTSegment(seg string) map[string]any {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(seg, "="))
	if err != nil {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return nil
	}
	return m
}
