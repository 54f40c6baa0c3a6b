package hostedui

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/cogscope/cogscope/internal/local/cognito"
)

const (
	fuzzEndpoint = "http://127.0.0.1:9229"
	fuzzCallback = "http://localhost:8765/callback"
)

var (
	fuzzOnce    sync.Once
	fuzzHandler *Handler
	fuzzErr     error
)

// fuzzStack is a demo pool with a domain behind a Handler, without a
// listener, signed with the cognito package's fixed test key.
func fuzzStack(t testing.TB) *Handler {
	t.Helper()
	fuzzOnce.Do(func() {
		var key *rsa.PrivateKey
		b, err := os.ReadFile("../cognito/testdata/test-keys.pem")
		if err != nil {
			fuzzErr = err
			return
		}
		block, _ := pem.Decode(b)
		if block == nil {
			fuzzErr = os.ErrInvalid
			return
		}
		if key, fuzzErr = x509.ParsePKCS1PrivateKey(block.Bytes); fuzzErr != nil {
			return
		}
		svc := cognito.New(cognito.Options{BaseURL: func() string { return fuzzEndpoint },
			DomainURL: func(d string) string { return BaseURL(fuzzEndpoint, d) },
			NewKey:    func() (*rsa.PrivateKey, error) { return key, nil }})
		seed := cognito.DemoSeed()
		seed.UserPools[0].Domain = "demo"
		if fuzzErr = svc.ApplySeed(seed); fuzzErr != nil {
			return
		}
		fuzzHandler = New(Options{Cognito: svc, Endpoint: func() string { return fuzzEndpoint }})
	})
	if fuzzErr != nil {
		t.Fatalf("fuzz stack: %v", fuzzErr)
	}
	return fuzzHandler
}

// FuzzAuthorize feeds arbitrary queries to /oauth2/authorize and /login:
// never a panic, and never a redirect anywhere but the domain itself or a
// registered callback URL.
func FuzzAuthorize(f *testing.F) {
	for _, q := range []string{
		"response_type=code&client_id=" + cognito.DemoPublicClientID + "&redirect_uri=" + fuzzCallback,
		"response_type=token&client_id=" + cognito.DemoPublicClientID + "&redirect_uri=http://evil.example/&state=%zz",
		"client_id=" + cognito.DemoPublicClientID + "&redirect_uri=" + fuzzCallback + "&redirect_uri=http://evil.example/",
		"response_type=code&client_id=" + cognito.DemoPublicClientID + "&redirect_uri=" + fuzzCallback + "&scope=openid%00email&code_challenge=x",
		"", ";;&&==", "prompt=none&response_type=code&client_id=x",
	} {
		f.Add(q, false)
		f.Add(q, true)
	}
	h := fuzzStack(f)
	f.Fuzz(func(t *testing.T, query string, login bool) {
		path := "/_domain/demo/oauth2/authorize"
		if login {
			path = "/_domain/demo/login"
		}
		r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:9229/", nil)
		r.URL.Path, r.URL.RawQuery = path, query
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		switch w.Code {
		case http.StatusOK, http.StatusFound:
		default:
			t.Fatalf("status %d for %q", w.Code, query)
		}
		if w.Code != http.StatusFound {
			return
		}
		loc := w.Header().Get("Location")
		if !strings.HasPrefix(loc, fuzzEndpoint+"/_domain/demo/") && !strings.HasPrefix(loc, fuzzCallback+"?") &&
			!strings.HasPrefix(loc, fuzzCallback+"#") {
			t.Fatalf("redirect to %q for %q", loc, query)
		}
	})
}

// FuzzToken feeds arbitrary form bodies and Authorization headers to
// /oauth2/token: never a panic, always a JSON answer with a known status.
func FuzzToken(f *testing.F) {
	f.Add("grant_type=client_credentials", "Basic "+"Y29nc2NvcGVkZW1vc2VjcmV0Y2xpZW50MDE6eA==")
	f.Add("grant_type=authorization_code&code=x&redirect_uri="+fuzzCallback+"&client_id="+cognito.DemoPublicClientID, "")
	f.Add("grant_type=refresh_token&refresh_token=a.b.c.d.e&client_id="+cognito.DemoPublicClientID, "")
	f.Add("grant_type=%zz", "Basic ???")
	h := fuzzStack(f)
	f.Fuzz(func(t *testing.T, body, auth string) {
		r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:9229/_domain/demo/oauth2/token", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if auth != "" {
			r.Header["Authorization"] = []string{auth}
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		switch w.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusUnauthorized:
		default:
			t.Fatalf("status %d for %q / %q", w.Code, body, auth)
		}
		var out map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
			t.Fatalf("body %q is not JSON: %v", w.Body.String(), err)
		}
	})
}

// FuzzSAMLEndpoints feeds arbitrary queries to the SAML endpoints that take
// a message from the browser: the pool's single logout (/saml2/logout) and
// the built-in IdP's SingleSignOnService and SingleLogoutService: never a
// panic or a dropped connection, and never a redirect but to the domain
// or a registered URL.
func FuzzSAMLEndpoints(f *testing.F) {
	for _, q := range []string{
		"SAMLResponse=nZJNb9swDIb%2FiqF7bMn5aCvEAbJ2wwJ0W7B0O%2BwyqBKTCZBITyKd9t8P&RelayState=x",
		"SAMLRequest=%%%&SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256&Signature=AAAA",
		"SAMLRequest=fZDNCsIwEIRfJey9TX9QJDQpQhEERUH04C1slq5%2Fzu6&RelayState=",
		"", "RelayState=forged", ";;&&==",
	} {
		for i := range 3 {
			f.Add(q, i)
		}
	}
	h := fuzzStack(f)
	paths := []string{"/_domain/demo/saml2/logout", "/_domain/" + cognito.DemoUpstreamDomain + "/saml2/idp/slo",
		"/_domain/" + cognito.DemoUpstreamDomain + "/saml2/idp/sso"}
	f.Fuzz(func(t *testing.T, query string, which int) {
		if which < 0 {
			which = -which
		}
		r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:9229/", nil)
		r.URL.Path, r.URL.RawQuery = paths[which%len(paths)], query
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		switch w.Code {
		case http.StatusOK, http.StatusBadRequest:
		case http.StatusFound:
			if loc := w.Header().Get("Location"); !strings.HasPrefix(loc, fuzzEndpoint+"/_domain/") {
				t.Fatalf("redirect to %q for %q", loc, query)
			}
		default:
			t.Fatalf("status %d for %q at %s: %s", w.Code, query, r.URL.Path, w.Body.String())
		}
	})
}
