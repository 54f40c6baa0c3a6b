package apigw

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"strings"
	"sync"
	"time"
)

// keyTTL is how long the gateway keeps an issuer's keys: AWS caches the
// JWKS "for up to two hours" (cognito-protocol.md §6.1). An unknown kid
// refetches at once (in-process, so cheap), at most every refetchGap.
const (
	keyTTL     = 2 * time.Hour
	refetchGap = time.Second
)

type keyEntry struct {
	keys    map[string]*rsa.PublicKey
	err     error
	fetched time.Time
}

type keyCache struct {
	mu sync.RWMutex
	m  map[string]*keyEntry

	// verified remembers tokens whose signature a key has checked: the
	// same bytes under the same key verify the same way, so a client that
	// repeats its token (every client does) costs one RSA operation, not
	// one per request. Bounded; cleared when full.
	tmu      sync.RWMutex
	verified map[string]verifiedToken
	noMemo   bool // tests and benchmarks: verify every request
}

type verifiedToken struct {
	tok *token
	key *rsa.PublicKey
}

const (
	maxVerified = 4096
	maxIssuers  = 256
)

func (c *keyCache) init() {
	c.m = map[string]*keyEntry{}
	c.verified = map[string]verifiedToken{}
}

// decodeCached decodes a token, reusing an earlier decode of the same
// string (decoded tokens are never changed).
func (s *Service) decodeCached(raw string) (*token, *rsa.PublicKey, error) {
	s.keys.tmu.RLock()
	v, ok := s.keys.verified[raw]
	s.keys.tmu.RUnlock()
	if ok {
		return v.tok, v.key, nil
	}
	t, err := decodeToken(raw)
	return t, nil, err
}

func (s *Service) rememberVerified(raw string, t *token, key *rsa.PublicKey) {
	if s.keys.noMemo {
		return
	}
	s.keys.tmu.Lock()
	defer s.keys.tmu.Unlock()
	if len(s.keys.verified) >= maxVerified {
		clear(s.keys.verified)
	}
	s.keys.verified[raw] = verifiedToken{t, key}
}

// key returns the issuer's key for kid, from the warm cache when it can.
func (s *Service) key(issuer, kid string) (*rsa.PublicKey, error) {
	now := s.opts.Now()
	s.keys.mu.RLock()
	e := s.keys.m[issuer]
	s.keys.mu.RUnlock()
	if e != nil && now.Sub(e.fetched) < keyTTL {
		if k := e.keys[kid]; k != nil {
			return k, nil
		}
		if now.Sub(e.fetched) < refetchGap {
			if e.err != nil {
				return nil, e.err
			}
			return nil, errUnknownKid
		}
	}
	keys, err := s.opts.Keys(issuer)
	s.keys.mu.Lock()
	if len(s.keys.m) >= maxIssuers {
		// Issuers come from configuration and from tokens the demo
		// functions see; a flood of made-up ones must not grow the map.
		clear(s.keys.m)
	}
	s.keys.m[issuer] = &keyEntry{keys: keys, err: err, fetched: now}
	s.keys.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if k := keys[kid]; k != nil {
		return k, nil
	}
	return nil, errUnknownKid
}

var errUnknownKid = errors.New("kid not in the issuer's JWKS")

// token is a decoded JWT; claims keep numbers as json.Number.
type token struct {
	alg, kid     string
	claims       map[string]any
	signingInput []byte
	sig          []byte
}

// failure names the check a token failed and the phrase the HTTP API puts
// in error_description (cognito-protocol.md §6.1: only the audience
// phrase is documented; the others are the widely reported ones, the same
// the inspector expects).
type failure struct {
	check, description string
}

var (
	failParse    = failure{"parse", "the token is malformed"}
	failAlg      = failure{"alg", "the token signing method is not supported"}
	failKid      = failure{"kid", "the token signing key was not found"}
	failSig      = failure{"signature", "the token signature is invalid"}
	failIss      = failure{"iss", "the token does not have a valid issuer"}
	failAud      = failure{"aud", "the token does not have a valid audience"}
	failExp      = failure{"exp", "the token has expired"}
	failNbf      = failure{"nbf", "the token is not valid yet"}
	failTokenUse = failure{"token_use", "the token has no valid token_use"}
)

func decodeToken(raw string) (*token, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("a JWT has 3 dot-separated parts, this has %d", len(parts))
	}
	enc := base64.RawURLEncoding
	hb, err := enc.DecodeString(parts[0])
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	pb, err := enc.DecodeString(parts[1])
	if err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	sig, err := enc.DecodeString(parts[2])
	if err != nil {
		return nil, fmt.Errorf("signature: %w", err)
	}
	var h struct {
		Alg *string `json:"alg"`
		Kid *string `json:"kid"`
	}
	if err := json.Unmarshal(hb, &h); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	t := &token{signingInput: []byte(raw[:len(parts[0])+1+len(parts[1])]), sig: sig}
	if h.Alg != nil {
		t.alg = *h.Alg
	}
	if h.Kid != nil {
		t.kid = *h.Kid
	}
	dec := json.NewDecoder(bytes.NewReader(pb))
	dec.UseNumber()
	if err := dec.Decode(&t.claims); err != nil || t.claims == nil {
		return nil, fmt.Errorf("payload is not a JSON object")
	}
	for _, name := range []string{"iss", "sub", "token_use", "client_id", "scope"} {
		if v, ok := t.claims[name]; ok {
			if _, isStr := v.(string); !isStr {
				return nil, fmt.Errorf("claim %s is not a string", name)
			}
		}
	}
	for _, name := range []string{"exp", "nbf", "iat"} {
		if v, ok := t.claims[name]; ok {
			if _, isNum := v.(json.Number); !isNum {
				return nil, fmt.Errorf("claim %s is not a number", name)
			}
		}
	}
	return t, nil
}

func (t *token) str(name string) string {
	v, _ := t.claims[name].(string)
	return v
}

func (t *token) num(name string) (float64, bool) {
	n, ok := t.claims[name].(json.Number)
	if !ok {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil
}

// audiences are the aud values (string or array of strings).
func (t *token) audiences() ([]string, bool) {
	switch v := t.claims["aud"].(type) {
	case string:
		return []string{v}, true
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out, true
	}
	return nil, false
}

func (t *token) scopes() []string {
	if sc := t.str("scope"); sc != "" {
		return strings.Fields(sc)
	}
	if arr, ok := t.claims["scp"].([]any); ok {
		out := []string{}
		for _, x := range arr {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func (t *token) groups() []string {
	arr, _ := t.claims["cognito:groups"].([]any)
	out := []string{}
	for _, x := range arr {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// verifySignature checks alg, kid and the signature with issuer's keys.
func (s *Service) verifySignature(t *token, issuer string) *failure {
	f, _ := s.verifySignatureKey(t, issuer, nil)
	return f
}

// verifyRaw decodes and verifies raw with issuer's keys, skipping the RSA
// operation when this exact token was verified with the same key before.
func (s *Service) verifyRaw(raw, issuer string) (*token, *failure) {
	t, verifiedWith, err := s.decodeCached(raw)
	if err != nil {
		return nil, &failParse
	}
	f, key := s.verifySignatureKey(t, issuer, verifiedWith)
	if f == nil && verifiedWith == nil {
		s.rememberVerified(raw, t, key)
	}
	return t, f
}

func (s *Service) verifySignatureKey(t *token, issuer string, verifiedWith *rsa.PublicKey) (*failure, *rsa.PublicKey) {
	var h hash.Hash
	var ch crypto.Hash
	switch t.alg {
	case "RS256":
		h, ch = sha256.New(), crypto.SHA256
	case "RS384":
		h, ch = sha512.New384(), crypto.SHA384
	case "RS512":
		h, ch = sha512.New(), crypto.SHA512
	default:
		return &failAlg, nil
	}
	if t.kid == "" {
		return &failKid, nil
	}
	key, err := s.key(issuer, t.kid)
	if err != nil {
		return &failKid, nil
	}
	if key == verifiedWith {
		return nil, key
	}
	h.Write(t.signingInput)
	if rsa.VerifyPKCS1v15(key, ch, h.Sum(nil), t.sig) != nil {
		return &failSig, nil
	}
	return nil, key
}

// checkTimes checks exp, nbf and iat against now (whole seconds).
func checkTimes(t *token, now time.Time) *failure {
	sec := float64(now.Unix())
	exp, ok := t.num("exp")
	if !ok || exp < sec {
		return &failExp
	}
	if nbf, ok := t.num("nbf"); ok && nbf > sec {
		return &failNbf
	}
	if iat, ok := t.num("iat"); ok && iat > sec {
		return &failNbf
	}
	return nil
}

func overlaps(have, want []string) bool {
	for _, w := range want {
		for _, h := range have {
			if h == w {
				return true
			}
		}
	}
	return false
}

// bearerToken strips one leading "Bearer " (any case) from a header value.
func bearerToken(v string) string {
	v = strings.TrimSpace(v)
	if len(v) > 7 && strings.EqualFold(v[:7], "bearer ") {
		return strings.TrimSpace(v[7:])
	}
	return v
}
