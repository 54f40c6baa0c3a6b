package apigw

import (
	"testing"
)

// FuzzDecodeToken: any Authorization value decodes or is refused,
// never panics; a decoded token's claims are an object.
func FuzzDecodeToken(f *testing.F) {
	for _, s := range []string{
		"eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.eyJzdWIiOiJ4IiwiZXhwIjoxfQ.c2ln",
		"a.b.c", "..", "e30.e30.", "eyJhbGciOiJub25lIn0.W10.", "not-a-jwt",
		"eyJhbGciOiJSUzI1NiJ9.eyJleHAiOiIxIn0.AA",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		tok, err := decodeToken(raw)
		if err == nil && tok.claims == nil {
			t.Fatalf("%q decoded without claims", raw)
		}
		if err == nil {
			_ = stringClaimsHTTP(tok.claims)
			_ = stringClaimsREST(tok.claims)
			_, _ = tok.audiences()
			_ = tok.scopes()
			_ = tok.groups()
		}
	})
}

// FuzzMatchPath: route templates and paths never panic the matcher.
func FuzzMatchPath(f *testing.F) {
	f.Add("/orders/{id}", "/orders/1")
	f.Add("/files/{proxy+}", "/files/a/b")
	f.Add("/", "/")
	f.Add("{+}", "")
	f.Fuzz(func(t *testing.T, tmpl, path string) {
		_, _, _ = matchPath(tmpl, path)
	})
}
