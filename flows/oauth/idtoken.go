package oauth

import (
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"math"
	"slices"
	"strings"
	"time"
)

// idTokenLeeway is the clock skew allowed when judging an ID token's exp:
// the provider's clock and this machine's may differ a little.
const idTokenLeeway = 5 * time.Minute

// idClaims are the ID token claims checked against the request (OpenID
// Connect Core §3.1.3.7), and the header's alg, which picks at_hash's
// hash.
type idClaims struct {
	Nonce           string
	Audience        []string
	AuthorizedParty string // azp
	Issuer          string
	Expiry          time.Time // zero when the token has no exp
	AtHash          string
	alg             string
}

// idTokenClaims reads, without verifying, the claims of a JWT that the
// code flow checks against its request.
func idTokenClaims(token string) (idClaims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return idClaims{}, fmt.Errorf("not a JWT: %d parts, want 3", len(parts))
	}
	var hdr struct {
		Alg string `json:"alg"`
	}
	if raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[0], "=")); err != nil || json.Unmarshal(raw, &hdr) != nil {
		return idClaims{}, errors.New("header is not base64url JSON")
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return idClaims{}, fmt.Errorf("payload is not base64url: %w", err)
	}
	var raw struct {
		Nonce  string          `json:"nonce"`
		Aud    json.RawMessage `json:"aud"`
		Azp    string          `json:"azp"`
		Iss    string          `json:"iss"`
		Exp    json.RawMessage `json:"exp"`
		AtHash string          `json:"at_hash"`
	}
	if err := json.Unmarshal(payload, &raw); err != nil {
		return idClaims{}, fmt.Errorf("payload is not a JSON object: %w", err)
	}
	c := idClaims{Nonce: raw.Nonce, AuthorizedParty: raw.Azp, Issuer: raw.Iss, AtHash: raw.AtHash, alg: hdr.Alg}
	if len(raw.Aud) > 0 {
		var one string
		if json.Unmarshal(raw.Aud, &one) == nil {
			c.Audience = []string{one}
		} else if json.Unmarshal(raw.Aud, &c.Audience) != nil {
			return idClaims{}, errors.New("aud is neither a string nor a list of strings")
		}
	}
	if len(raw.Exp) > 0 && string(raw.Exp) != "null" {
		var exp float64
		if json.Unmarshal(raw.Exp, &exp) != nil || exp <= 0 || exp > math.MaxInt64/2 {
			return idClaims{}, fmt.Errorf("exp %s is not a number of seconds", raw.Exp)
		}
		sec, frac := math.Modf(exp)
		c.Expiry = time.Unix(int64(sec), int64(frac*1e9)).UTC()
	}
	return c, nil
}

// atHashFunc is the hash of at_hash for a JWS alg (OpenID Connect Core
// §3.1.3.6: the hash of the alg, SHA-2 by its bit length); ok is false for
// an alg it is not defined for here.
func atHashFunc(alg string) (h func() hash.Hash, ok bool) {
	switch {
	case strings.HasSuffix(alg, "256"):
		return sha256.New, true
	case strings.HasSuffix(alg, "384"):
		return sha512.New384, true
	case strings.HasSuffix(alg, "512"), alg == "EdDSA", alg == "Ed25519":
		return sha512.New, true
	}
	return nil, false
}

// atHash is base64url(left half of hash(accessToken)).
func atHash(h func() hash.Hash, accessToken string) string {
	d := h()
	d.Write([]byte(accessToken))
	sum := d.Sum(nil)
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
}

// idTokenCheck is what an ID token is checked against: the request's
// nonce (empty when it is not known: a refresh, a code from elsewhere) and
// the access token it came with (for at_hash).
type idTokenCheck struct {
	grant       string
	nonce       string
	accessToken string
}

// checkIDToken compares an ID token with this sign-in (OpenID Connect
// Core §3.1.3.7): nonce, audience and azp, issuer, expiry, and at_hash
// when the token has one. The signature is not checked here (cogscope
// inspect verifies it against the JWKS).
func (c *Client) checkIDToken(s *rec, ep *Endpoints, idToken string, want idTokenCheck) error {
	if idToken == "" {
		if want.grant == GrantAuthorizationCode {
			s.Note("No ID token: the openid scope was not requested or not granted.")
		}
		return nil
	}
	fail := func(claim, wantV, got string) error {
		return &IDTokenError{Grant: want.grant, Claim: claim, Want: wantV, Got: got}
	}
	cl, err := idTokenClaims(idToken)
	if err != nil {
		return &IDTokenError{Grant: want.grant, Err: err}
	}
	switch {
	case want.nonce == "" && want.grant == GrantAuthorizationCode:
		s.Note("The ID token's nonce is not checked: the authorization request is not known here.")
	case want.nonce != "" && subtle.ConstantTimeCompare([]byte(cl.Nonce), []byte(want.nonce)) != 1:
		return fail("nonce", want.nonce, cl.Nonce)
	}
	if !slices.Contains(cl.Audience, c.o.ClientID) {
		return fail("aud", c.o.ClientID, strings.Join(cl.Audience, " "))
	}
	if cl.AuthorizedParty != "" && cl.AuthorizedParty != c.o.ClientID {
		return fail("azp", c.o.ClientID, cl.AuthorizedParty)
	}
	if ep.Issuer != "" && cl.Issuer != ep.Issuer {
		return &IssuerMismatchError{Where: "ID token iss", Want: ep.Issuer, Got: cl.Issuer}
	}
	now := c.o.Now()
	switch {
	case cl.Expiry.IsZero():
		return fail("exp", "a time in the future", "")
	case now.After(cl.Expiry.Add(idTokenLeeway)):
		return fail("exp", "after "+now.UTC().Format(time.RFC3339), cl.Expiry.Format(time.RFC3339))
	}
	hashed := ""
	if cl.AtHash != "" && want.accessToken != "" {
		h, ok := atHashFunc(cl.alg)
		if !ok {
			s.Note("The ID token's at_hash is not checked: no hash is defined here for alg %q.", cl.alg)
		} else if got := atHash(h, want.accessToken); subtle.ConstantTimeCompare([]byte(got), []byte(cl.AtHash)) != 1 {
			return fail("at_hash", got, cl.AtHash)
		} else {
			hashed = ", at_hash"
		}
	}
	if want.nonce != "" {
		s.Note("ID token: nonce, aud, iss, exp%s match this sign-in (signature not checked here; cogscope inspect verifies it).", hashed)
	} else {
		s.Note("ID token: aud, iss, exp%s match this client (signature not checked here; cogscope inspect verifies it).", hashed)
	}
	return nil
}
