package inspect

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

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
}

func (e *UnknownKidError) Error() string {
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
	keys   []*Key
	byKid  map[string]*Key
	source string
}

// ParseJWKS parses a JWKS document (or a single JWK) with jwx and imports
// its keys. source names where it came from, for messages.
func ParseJWKS(b []byte, source string) (*KeySet, error) {
	if !json.Valid(b) {
		// jwx's own message for this is a chain of five parsers' names.
		return nil, fmt.Errorf("JWKS from %s is not JSON (a JWKS is {\"keys\": [...]})", source)
	}
	set, err := jwk.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("parse JWKS from %s: %w", source, err)
	}
	ks := &KeySet{byKid: make(map[string]*Key, set.Len()), source: source}
	for i := range set.Len() {
		jk, _ := set.Key(i)
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
					k.Unsupported = fmt.Sprintf("cannot import RSA key: %v", err)
				} else {
					pub = priv.PublicKey
				}
			}
			if k.Unsupported == "" {
				k.RSA = &pub
			}
		} else {
			k.Unsupported = fmt.Sprintf("key type %s: cogscope verifies RSA keys only (Cognito signs with RS256)", k.Kty)
		}
		if k.Use != "" && k.Use != "sig" {
			k.Unsupported = fmt.Sprintf("key use is %q, not \"sig\"", k.Use)
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

// Key implements KeySource; issuer is ignored.
func (s *KeySet) Key(_ context.Context, _ string, kid string) (*Key, error) {
	if k, ok := s.byKid[kid]; ok {
		return k, nil
	}
	return nil, &UnknownKidError{Kid: kid, Known: s.Kids(), Source: s.source}
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
