package oauth

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// idTokenClaims reads, without verifying, the claims of a JWT that the
// code flow checks against its request.
func idTokenClaims(token string) (idClaims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return idClaims{}, fmt.Errorf("not a JWT: %d parts, want 3", len(parts))
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return idClaims{}, fmt.Errorf("payload is not base64url: %w", err)
	}
	var raw struct {
		Nonce string          `json:"nonce"`
		Aud   json.RawMessage `json:"aud"`
		Iss   string          `json:"iss"`
	}
	if err := json.Unmarshal(payload, &raw); err != nil {
		return idClaims{}, fmt.Errorf("payload is not a JSON object: %w", err)
	}
	c := idClaims{Nonce: raw.Nonce, Issuer: raw.Iss}
	if len(raw.Aud) > 0 {
		var one string
		if json.Unmarshal(raw.Aud, &one) == nil {
			c.Audience = []string{one}
		} else if json.Unmarshal(raw.Aud, &c.Audience) != nil {
			return idClaims{}, errors.New("aud is neither a string nor a list of strings")
		}
	}
	return c, nil
}
