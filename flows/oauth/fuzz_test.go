package oauth

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParseLoopbackRedirect: any input is accepted as a loopback URI or
// refused with a RedirectURIError, never a panic; what is accepted binds
// only loopback.
func FuzzParseLoopbackRedirect(f *testing.F) {
	for _, s := range []string{"", "http://localhost:8765/callback", "http://127.0.0.1/cb", "http://[::1]:1/", "https://x.example/cb",
		"myapp://cb", "http://localhost:99999", "http://user@localhost/", "http://localhost/#f", "http://LOCALHOST.:80/", "http://0x7f.1/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		lr, err := parseLoopbackRedirect(raw)
		if err != nil {
			var re *RedirectURIError
			if !errors.As(err, &re) || re.Reason == "" {
				t.Fatalf("%q: error %v is not a RedirectURIError with a reason", raw, err)
			}
			return
		}
		if !isLoopbackHost(lr.bindHost()) || lr.port < 0 || lr.port > 65535 || !strings.HasPrefix(lr.path, "/") {
			t.Fatalf("%q accepted as %+v", raw, lr)
		}
		// Schemes are case-insensitive (RFC 3986 §3.1); the URI is kept as
		// given because the provider compares it byte for byte.
		if u := lr.uri(4242); !strings.HasPrefix(strings.ToLower(u), "http://") {
			t.Fatalf("%q: uri %q", raw, u)
		}
	})
}

// FuzzParseWWWAuthenticate never panics and returns no more than the
// header holds.
func FuzzParseWWWAuthenticate(f *testing.F) {
	f.Add(`error="invalid_token", error_description="Access token is expired"`)
	f.Add(`Bearer error=insufficient_scope, error_description="a \"b\""`)
	f.Fuzz(func(t *testing.T, h string) {
		code, desc := parseWWWAuthenticate(h)
		if len(code) > len(h) || len(desc) > len(h) {
			t.Fatalf("%q → %q %q", h, code, desc)
		}
	})
}

// FuzzIDTokenClaims: a provider's ID token is read without a panic, its
// claims or an error; a read exp is after the epoch.
func FuzzIDTokenClaims(f *testing.F) {
	for _, s := range []string{"", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjE3MDAwMDAwMDAsImF1ZCI6WyJhIiwiYiJdfQ.c2ln",
		"eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjFlMzA4fQ.x", "eyJhbGciOiJSUzI1NiJ9.eyJleHAiOi0xfQ.x", "e30.e30.e30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		c, err := idTokenClaims(token)
		if err == nil && !c.Expiry.IsZero() && c.Expiry.Unix() <= 0 {
			t.Fatalf("%q: exp %v", token, c.Expiry)
		}
	})
}
