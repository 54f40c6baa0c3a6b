package inspect

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"unicode"

	"github.com/lestrrat-go/jwx/v3/jwk"
)

// Key is one public key of a JWKS, imported once so verification does not
// touch JSON or jwx again.
type Key struct {
	ID  string // kid, compared as an opaque string (Cognito kids hold '+', '/', '=')
	Alg string // declared "alg", "" when the key does not declare one
	Kty string // "RSA", "EC", "OKP", ...
	Use string // declared "use", "" when absent
	// RSA is the imported public key; nil for key types cogscope does not
	// verify with (see Unsupported).
	RSA *rsa.PublicKey
	// Unsupported says why the key cannot be used; "" when it can.
	Unsupported string
}

// Bits is the RSA modulus size, 0 for other keys.
func (k *Key) Bits() int {
	if k.RSA == nil {
		return 0
	}
	return k.RSA.N.BitLen()
}

// KeySource resolves the key a token names. Implementations must be safe
// for concurrent use.
type KeySource interface {
	// Key returns the key with the given kid from the JWKS that belongs to
	// issuer. An unknown kid is *UnknownKidError; a JWKS that cannot be
	// fetched or parsed is *FetchError.
	Key(ctx context.Context, issuer, kid string) (*Key, error)
	// Keys returns every key of the issuer's JWKS.
	Keys(ctx context.Context, issuer string) ([]*Key, error)
}

// PinnedKeySource is implemented by key sources whose keys do not depend
// on the issuer asked for: keys the caller chose (a JWKS file, or one JWKS
// URL for every issuer). Such keys vouch for a signature by themselves;
// keys looked up from a token's own iss vouch for nothing (see Trust).
type PinnedKeySource interface {
	KeySource
	// Pinned reports whether the keys are the caller's choice.
	Pinned() bool
}

// pinned reports whether ks serves keys the caller chose.
func pinned(ks KeySource) bool {
	p, ok := ks.(PinnedKeySource)
	return ok && p.Pinned()
}

// UnknownKidError says the JWKS has no key with the token's kid, even
// after a refetch.
type UnknownKidError struct {
	Kid    string
	Known  []string // the kids the JWKS does hold
	Source string   // where the keys came from (URL or "file")
	// Skipped, when set, says why the JWKS's key with this kid was skipped.
	Skipped string
}

func (e *UnknownKidError) Error() string {
	if e.Skipped != "" {
		return fmt.Sprintf("kid %q names a key of the JWKS from %s that cannot be used and was skipped: %s", e.Kid, e.Source, e.Skipped)
	}
	return fmt.Sprintf("kid %q is not in the JWKS from %s (it holds %s): the key was rotated, or the token comes from another pool, region or environment",
		e.Kid, e.Source, listOrNone(e.Known))
}

// FetchError says a JWKS could not be had: unreachable, an HTTP error, or a
// body that is not a JWKS. It is an I/O failure, not a verdict on a token.
type FetchError struct {
	URL    string
	Status int // HTTP status, 0 when there was no response
	Err    error
}

func (e *FetchError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("JWKS %s: HTTP %d: %v", e.URL, e.Status, e.Err)
	}
	return fmt.Sprintf("JWKS %s unreachable or unusable: %v", e.URL, e.Err)
}
func (e *FetchError) Unwrap() error { return e.Err }

func listOrNone(s []string) string { return listOr(s, "no keys") }

// listOr quotes a list, or says none when it is empty.
func listOr(s []string, none string) string {
	if len(s) == 0 {
		return none
	}
	q := make([]string, len(s))
	for i, k := range s {
		q[i] = fmt.Sprintf("%q", k)
	}
	return strings.Join(q, ", ")
}

// KeySet is a fixed set of keys, e.g. a JWKS read from a file. It serves
// the same keys whatever the issuer.
type KeySet struct {
	keys    []*Key
	byKid   map[string]*Key
	skipped []SkippedKey
	source  string
}

// SkippedKey is a key of a JWKS that cannot be used and was left out (RFC
// 7517 §5: a JWK Set member that is not understood or not valid is
// ignored, and the rest used).
type SkippedKey struct {
	Index  int    // position in "keys", from 0
	Kid    string // "" when it has none (or it is not a string)
	Kty    string
	Reason string
}

func (k SkippedKey) String() string {
	name := fmt.Sprintf("key #%d", k.Index+1)
	if k.Kid != "" {
		name += fmt.Sprintf(" (kid %q)", k.Kid)
	}
	return name + ": " + k.Reason
}

// minRSABits is the smallest RSA modulus used (RFC 7518 §3.3).
const minRSABits = 2048

// ParseJWKS parses a JWKS document (or a single JWK) and imports its keys
// one by one with jwx. A key that cannot be used (an RSA key under 2048
// bits or missing n or e, an unknown kty, a key jwx cannot read) is
// skipped and named (Skipped) and the rest are kept. source names where
// it came from, for messages.
func ParseJWKS(b []byte, source string) (*KeySet, error) {
	if !json.Valid(b) {
		// jwx's own message for this is a chain of five parsers' names.
		return nil, fmt.Errorf("JWKS from %s is not JSON (a JWKS is {\"keys\": [...]})", source)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("JWKS from %s is not a JSON object (a JWKS is {\"keys\": [...]})", source)
	}
	var raws []json.RawMessage
	if ks, ok := doc["keys"]; ok {
		if err := json.Unmarshal(ks, &raws); err != nil || raws == nil {
			return nil, fmt.Errorf("JWKS from %s: \"keys\" is %s, not a list of keys", source, jsonKind(ks))
		}
	} else if _, ok := doc["kty"]; ok {
		raws = []json.RawMessage{b} // a single JWK
	} else {
		return nil, fmt.Errorf("JWKS from %s has no \"keys\" (a JWKS is {\"keys\": [...]})", source)
	}
	ks := &KeySet{byKid: make(map[string]*Key, len(raws)), source: source}
	for i, raw := range raws {
		k, skip := importKey(raw)
		if skip != "" {
			var names struct{ Kid, Kty any }
			_ = json.Unmarshal(raw, &names)
			sk := SkippedKey{Index: i, Reason: skip}
			sk.Kid, _ = names.Kid.(string)
			sk.Kty, _ = names.Kty.(string)
			ks.skipped = append(ks.skipped, sk)
			continue
		}
		ks.keys = append(ks.keys, k)
		if k.ID != "" {
			if _, dup := ks.byKid[k.ID]; !dup {
				ks.byKid[k.ID] = k
			}
		}
	}
	return ks, nil
}

// importKey imports one JWK, or says why it is skipped.
func importKey(raw json.RawMessage) (*Key, string) {
	var probe struct {
		Kty any `json:"kty"`
		N   any `json:"n"`
		E   any `json:"e"`
	}
	if err := json.Unmarshal(raw, &probe); err != nil {
		return nil, "not a JSON object"
	}
	kty, _ := probe.Kty.(string)
	switch kty {
	case "":
		return nil, "no kty (key type)"
	case "RSA":
		n, _ := probe.N.(string)
		if n == "" {
			return nil, "an RSA key without its modulus n"
		}
		nb, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(n, "="))
		if err != nil {
			return nil, "an RSA key whose modulus n is not base64url"
		}
		if bits := new(big.Int).SetBytes(nb).BitLen(); bits < minRSABits {
			return nil, fmt.Sprintf("an RSA key of %d bits, under the %d bits required (RFC 7518 §3.3)", bits, minRSABits)
		}
		if e, _ := probe.E.(string); e == "" {
			return nil, "an RSA key without its exponent e"
		}
	case "EC", "OKP", "oct":
	default:
		return nil, fmt.Sprintf("unknown key type %q", truncate(kty, 40))
	}
	jk, err := jwk.ParseKey(raw)
	if err != nil {
		return nil, fmt.Sprintf("%s key that cannot be read: %s", article(kty), truncate(err.Error(), 200))
	}
	k := &Key{Kty: jk.KeyType().String()}
	k.ID, _ = jk.KeyID()
	if a, ok := jk.Algorithm(); ok {
		k.Alg = a.String()
	}
	k.Use, _ = jk.KeyUsage()
	if k.Kty == "RSA" {
		var pub rsa.PublicKey
		if err := jwk.Export(jk, &pub); err != nil {
			// A JWKS may hold a private key by mistake; take its public half.
			var priv rsa.PrivateKey
			if err2 := jwk.Export(jk, &priv); err2 != nil {
				return nil, fmt.Sprintf("an RSA key that cannot be imported: %s", truncate(err.Error(), 200))
			}
			pub = priv.PublicKey
		}
		if bits := pub.N.BitLen(); bits < minRSABits {
			return nil, fmt.Sprintf("an RSA key of %d bits, under the %d bits required (RFC 7518 §3.3)", bits, minRSABits)
		}
		if pub.E < 3 || pub.E%2 == 0 {
			return nil, fmt.Sprintf("an RSA key with an invalid exponent %d", pub.E)
		}
		k.RSA = &pub
	} else {
		k.Unsupported = fmt.Sprintf("key type %s: cogscope verifies RSA keys only (Cognito signs with RS256)", k.Kty)
	}
	if k.Use != "" && k.Use != "sig" {
		k.Unsupported = fmt.Sprintf("key use is %q, not \"sig\"", k.Use)
	}
	return k, ""
}

// article is "a X" or "an X" for a key type.
func article(kty string) string {
	switch kty {
	case "RSA", "EC", "OKP", "oct":
		return "an " + kty
	}
	return "a " + kty
}

// truncate shortens a message from a JWKS (jwx's words, which may quote
// the document) and replaces what a terminal would interpret.
func truncate(s string, n int) string {
	if len(s) > n {
		s = strings.ToValidUTF8(s[:n], "") + "…"
	}
	return strings.Map(func(r rune) rune {
		if !unicode.IsPrint(r) {
			return '?'
		}
		return r
	}, s)
}

// Key implements KeySource; issuer is ignored.
func (s *KeySet) Key(_ context.Context, _ string, kid string) (*Key, error) {
	if k, ok := s.byKid[kid]; ok {
		return k, nil
	}
	return nil, s.unknownKid(kid, s.source)
}

// unknownKid is the error for a kid the set lacks, naming the skipped key
// with that kid if there is one.
func (s *KeySet) unknownKid(kid, source string) *UnknownKidError {
	e := &UnknownKidError{Kid: kid, Known: s.Kids(), Source: source}
	for _, sk := range s.skipped {
		if sk.Kid == kid && kid != "" {
			e.Skipped = sk.Reason
			break
		}
	}
	return e
}

// Skipped lists the keys that could not be used, in JWKS order.
func (s *KeySet) Skipped() []SkippedKey { return s.skipped }

// SkippedKeys is Skipped; issuer is ignored.
func (s *KeySet) SkippedKeys(string) []SkippedKey { return s.skipped }

// skippedKeySource is implemented by sources that can name the keys they
// left out (KeySet, Cache), for the report's notes.
type skippedKeySource interface {
	SkippedKeys(issuer string) []SkippedKey
}

// Keys implements KeySource; issuer is ignored.
func (s *KeySet) Keys(context.Context, string) ([]*Key, error) { return s.keys, nil }

// Pinned implements PinnedKeySource: a fixed set is the caller's choice.
func (s *KeySet) Pinned() bool { return true }

// Kids lists the key ids, sorted.
func (s *KeySet) Kids() []string {
	out := make([]string, 0, len(s.keys))
	for _, k := range s.keys {
		if k.ID != "" {
			out = append(out, k.ID)
		}
	}
	sort.Strings(out)
	return out
}

// Len is the number of keys.
func (s *KeySet) Len() int { return len(s.keys) }

// Source says where the keys came from.
func (s *KeySet) Source() string { return s.source }
