package hostedui

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/cogscope/cogscope/internal/local/cognito"
)

func TestBaseURLAndPatterns(t *testing.T) {
	t.Parallel()
	if got := BaseURL("http://127.0.0.1:9229/", "auth.example.com"); got != "http://127.0.0.1:9229/_domain/auth.example.com" {
		t.Errorf("BaseURL = %q", got)
	}
	// Every pattern must register next to the issuer's well-known ones.
	mux := http.NewServeMux()
	mux.Handle("GET /{pool}/.well-known/jwks.json", http.NotFoundHandler())
	mux.Handle("GET /{pool}/.well-known/openid-configuration", http.NotFoundHandler())
	for _, p := range Patterns() {
		mux.Handle(p, http.NotFoundHandler())
	}
	if !slices.Contains(Patterns(), "/_domain/{domain}/oauth2/authorize") || len(Patterns()) != len(endpointPaths) {
		t.Errorf("Patterns = %v", Patterns())
	}
}

func TestGrantScopes(t *testing.T) {
	t.Parallel()
	client := cognito.HostedClient{AllowedOAuthScopes: []string{"openid", "email", "api/read", scopeAdmin}}
	pool := cognito.HostedPool{CustomScopes: []string{"api/read", "api/write"}}
	tests := []struct {
		scope string
		want  []string
		fail  string
	}{
		{"", []string{"openid", "email", "api/read", scopeAdmin}, ""},
		{"openid openid email", []string{"openid", "email"}, ""},
		{"api/read", []string{"api/read"}, ""},
		{"openid api/write", nil, "not allowed"},
		{"openid offline_access", nil, "unknown scope"},
		{"email", nil, "requires openid"},
		{"openid phone", nil, "not allowed"},
	}
	for _, tt := range tests {
		got, f := grantScopes(url.Values{"scope": {tt.scope}}, client, pool)
		switch {
		case tt.fail != "" && (f == nil || f.code != "invalid_scope" || !strings.Contains(f.description, tt.fail)):
			t.Errorf("%q: %v, want invalid_scope %q", tt.scope, f, tt.fail)
		case tt.fail == "" && (f != nil || !slices.Equal(got, tt.want)):
			t.Errorf("%q = %v %v, want %v", tt.scope, got, f, tt.want)
		}
	}
}

func TestClientCredentialsScopes(t *testing.T) {
	t.Parallel()
	client := cognito.HostedClient{AllowedOAuthScopes: []string{"openid", "api/read", "api/write"}}
	pool := cognito.HostedPool{CustomScopes: []string{"api/read", "api/write", "api/admin"}}
	tests := []struct {
		scope string
		want  []string
		fail  string
	}{
		{"", []string{"api/read", "api/write"}, ""},
		{"api/write", []string{"api/write"}, ""},
		{"api/admin", nil, "not allowed"},
		{"openid", nil, "only resource-server scopes"},
		{"nope/x", nil, "unknown scope"},
	}
	for _, tt := range tests {
		got, why := clientCredentialsScopes(tt.scope, client, pool)
		if !strings.Contains(why, tt.fail) || (tt.fail == "") != (why == "") || !slices.Equal(got, tt.want) {
			t.Errorf("%q = %v %q, want %v %q", tt.scope, got, why, tt.want, tt.fail)
		}
	}
	if _, why := clientCredentialsScopes("", cognito.HostedClient{AllowedOAuthScopes: []string{"openid"}}, pool); why == "" {
		t.Error("a client without custom scopes got client_credentials scopes")
	}
}

func TestBasicAuth(t *testing.T) {
	t.Parallel()
	enc := func(s string) string { return "Basic " + base64.StdEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		header          string
		ids, secrets    []string
		present, failed bool
	}{
		{"", nil, nil, false, false},
		{enc("client:s3cret"), []string{"client"}, []string{"s3cret"}, true, false},
		{enc("client:a%3Ab"), []string{"client"}, []string{"a:b", "a%3Ab"}, true, false}, // form-urlencoded per RFC 6749 §2.3.1
		{enc("client:a+b"), []string{"client"}, []string{"a b", "a+b"}, true, false},     // an encoded space, or a raw '+'
		{enc("client:100%"), []string{"client"}, []string{"100%"}, true, false},          // not decodable: raw
		{"basic " + base64.StdEncoding.EncodeToString([]byte("c:s")), []string{"c"}, []string{"s"}, true, false},
		{enc("no-colon"), nil, nil, false, true},
		{"Basic !!!", nil, nil, false, true},
		{"Bearer abc", nil, nil, false, true},
	}
	for _, tt := range tests {
		r, _ := http.NewRequest(http.MethodPost, "/", nil)
		if tt.header != "" {
			r.Header.Set("Authorization", tt.header)
		}
		cred, fail := basicAuth(r)
		if (cred != nil) != tt.present || (fail != nil) != tt.failed {
			t.Errorf("%q = %+v %+v", tt.header, cred, fail)
			continue
		}
		if cred != nil && (!slices.Equal(cred.ids(), tt.ids) || !slices.Equal(cred.secrets(), tt.secrets)) {
			t.Errorf("%q: ids %q secrets %q", tt.header, cred.ids(), cred.secrets())
		}
		if fail != nil && (fail.status != http.StatusUnauthorized || fail.code != "invalid_client") {
			t.Errorf("%q: %+v", tt.header, fail)
		}
	}
}

func TestIsJWT(t *testing.T) {
	t.Parallel()
	hdr := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","kid":"k"}`))
	for tok, want := range map[string]bool{
		hdr + ".e30.sig": true,
		"a.b.c":          false,
		hdr + ".e30":     false,
		"eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.a.b.c.d": false,
		"": false,
	} {
		if isJWT(tok) != want {
			t.Errorf("isJWT(%q) = %v", tok, !want)
		}
	}
}

func TestWithParams(t *testing.T) {
	t.Parallel()
	v := url.Values{"code": {"c"}, "state": {"a b&c"}}
	for _, tt := range []struct {
		uri      string
		fragment bool
		want     string
	}{
		{"http://localhost/cb", false, "http://localhost/cb?code=c&state=a+b%26c"},
		{"myapp://cb?x=1", false, "myapp://cb?x=1&code=c&state=a+b%26c"},
		{"http://localhost/cb", true, "http://localhost/cb#code=c&state=a+b%26c"},
	} {
		if got := withParams(tt.uri, v, tt.fragment); got != tt.want {
			t.Errorf("withParams(%q) = %q, want %q", tt.uri, got, tt.want)
		}
	}
}

func TestCheckVerifier(t *testing.T) {
	t.Parallel()
	// RFC 7636 appendix B.
	const verifier, challenge = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
	if f := checkVerifier(challenge, verifier); f != nil {
		t.Errorf("RFC 7636 vector refused: %+v", f)
	}
	// The longest verifier with every unreserved character.
	long := strings.Repeat("AZaz09-._~", 12) + "abcdefgh"
	if f := checkVerifier(s256(long), long); f != nil {
		t.Errorf("128 unreserved characters refused: %+v", f)
	}
	for _, tt := range []struct{ challenge, verifier string }{
		{challenge, ""}, {challenge, verifier[:42]}, {challenge, strings.Repeat("a", 43)}, {"", verifier},
		{challenge, strings.Repeat("a", 129)},
		// Outside the unreserved alphabet, though the hash matches.
		{s256("dBjftJeZ4CVP+mB92K27uhbUJU1p1r/wW1gFWFOEjXk="), "dBjftJeZ4CVP+mB92K27uhbUJU1p1r/wW1gFWFOEjXk="},
		{s256(strings.Repeat("é", 43)), strings.Repeat("é", 43)},
	} {
		if f := checkVerifier(tt.challenge, tt.verifier); f == nil || f.code != "invalid_grant" {
			t.Errorf("checkVerifier(%q, %q) = %v", tt.challenge, tt.verifier, f)
		}
	}
}

func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
