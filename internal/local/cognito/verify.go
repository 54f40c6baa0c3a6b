package cognito

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// ErrTokenUnverified is VerifyToken's answer for a token this service
// cannot vouch for: malformed, not RS256, an unknown key, a bad signature,
// or an issuer that is not one of its pools.
var ErrTokenUnverified = errors.New("token not signed by a pool of this service")

// VerifiedToken is a JWT one of this service's pools signed. VerifyToken
// does not judge expiry or token_use: the caller (the identity service)
// answers those with its own errors.
type VerifiedToken struct {
	PoolID   string // the pool whose key signed it (and whose issuer it names)
	Issuer   string
	TokenUse string // "id" or "access"
	// Audience is the ID token's aud or the access token's client_id.
	Audience string
	Sub      string
	Expires  time.Time
	// Claims are all the claims, as JSON decodes them (numbers are
	// float64, cognito:groups a []any).
	Claims map[string]any
}

// VerifyToken checks the signature of a token against the keys of the
// pools this service holds and that the key belongs to the pool the
// issuer names. It is the Go API other local services (identity pools)
// verify user-pool tokens with.
func (s *Service) VerifyToken(token string) (VerifiedToken, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return VerifiedToken{}, ErrTokenUnverified
	}
	enc := base64.RawURLEncoding
	hb, err1 := enc.DecodeString(parts[0])
	pb, err2 := enc.DecodeString(parts[1])
	sig, err3 := enc.DecodeString(parts[2])
	if err1 != nil || err2 != nil || err3 != nil {
		return VerifiedToken{}, ErrTokenUnverified
	}
	var h struct {
		Kid string `json:"kid"`
		Alg string `json:"alg"`
	}
	if json.Unmarshal(hb, &h) != nil || h.Alg != "RS256" {
		return VerifiedToken{}, ErrTokenUnverified
	}
	s.mu.Lock()
	key := s.st.kids[h.Kid]
	s.mu.Unlock()
	if key == nil || !key.verify([]byte(parts[0]+"."+parts[1]), sig) {
		return VerifiedToken{}, ErrTokenUnverified
	}
	var claims map[string]any
	if json.Unmarshal(pb, &claims) != nil {
		return VerifiedToken{}, ErrTokenUnverified
	}
	vt := VerifiedToken{Claims: claims}
	vt.Issuer, _ = claims["iss"].(string)
	vt.TokenUse, _ = claims["token_use"].(string)
	vt.Sub, _ = claims["sub"].(string)
	if vt.TokenUse == "access" {
		vt.Audience, _ = claims["client_id"].(string)
	} else {
		vt.Audience, _ = claims["aud"].(string)
	}
	if exp, ok := claims["exp"].(float64); ok {
		vt.Expires = time.Unix(int64(exp), 0)
	}
	s.mu.Lock()
	p := s.poolForIssuer(vt.Issuer)
	owned := p != nil && (p.Keys[0] == key || p.Keys[1] == key)
	if owned {
		vt.PoolID = p.ID
	}
	s.mu.Unlock()
	if !owned {
		return VerifiedToken{}, ErrTokenUnverified
	}
	return vt, nil
}
