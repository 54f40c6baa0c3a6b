package oauth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
)

// PKCE is one authorization request's proof key (RFC 7636).
type PKCE struct {
	Verifier  string // 43 characters of base64url from 32 random bytes (§4.1)
	Challenge string // BASE64URL-nopad(SHA256(ASCII(Verifier))) (§4.2)
	Method    string // always "S256": Cognito rejects plain
}

// NewPKCE draws a fresh verifier from crypto/rand.
func NewPKCE() (PKCE, error) {
	v, err := randomToken(32)
	if err != nil {
		return PKCE{}, err
	}
	return PKCE{Verifier: v, Challenge: ChallengeS256(v), Method: "S256"}, nil
}

// ChallengeS256 is the S256 code_challenge of a verifier.
func ChallengeS256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// CheckVerifier refuses a code_verifier that RFC 7636 §4.1 does not
// allow: fewer than 43 or more than 128 characters, or a character outside
// A-Z a-z 0-9 - . _ ~ (standard base64's "+/=" included). Errors wrap
// flows.ErrInvalidOptions.
func CheckVerifier(v string) error {
	if n := len(v); n < 43 || n > 128 {
		return errInvalid("code verifier of %d characters: RFC 7636 wants 43 to 128", len(v))
	}
	for _, c := range v {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
			return errInvalid("code verifier holds %q: RFC 7636 allows only A-Z a-z 0-9 - . _ ~", c)
		}
	}
	return nil
}

// randomToken is n random bytes, base64url without padding: URL-safe, and
// of the unreserved characters RFC 7636 allows in a verifier.
func randomToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random bytes: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
