package hostedui

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/cogscope/cogscope/internal/local/cognito"
)

// serve runs one request through h in-process.
func serve(h http.Handler, method, target, body string, cookies []*http.Cookie, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	if body != "" {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	for _, c := range cookies {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

var benchAuthorize = fuzzEndpoint + "/_domain/demo/oauth2/authorize?" + url.Values{"response_type": {"code"},
	"client_id": {cognito.DemoPublicClientID}, "redirect_uri": {fuzzCallback}, "scope": {"openid email"}}.Encode()

// BenchmarkLoginPage renders the sign-in page.
func BenchmarkLoginPage(b *testing.B) {
	h := fuzzStack(b)
	target := strings.Replace(benchAuthorize, "/oauth2/authorize", "/login", 1)
	for b.Loop() {
		if w := serve(h, http.MethodGet, target, "", nil); w.Code != http.StatusOK {
			b.Fatalf("login page: %d", w.Code)
		}
	}
}

// BenchmarkCodeFlowWithSession is a signed-in browser's authorize (session
// cookie → code) plus the app's code exchange (two RSA signatures).
func BenchmarkCodeFlowWithSession(b *testing.B) {
	h := fuzzStack(b)
	login := serve(h, http.MethodGet, strings.Replace(benchAuthorize, "/oauth2/authorize", "/login", 1), "", nil)
	csrf := login.Result().Cookies()
	form := url.Values{"_csrf": {csrf[0].Value}, "username": {cognito.DemoUsername}, "password": {cognito.DemoPassword}}
	signed := serve(h, http.MethodPost, strings.Replace(benchAuthorize, "/oauth2/authorize", "/login", 1), form.Encode(), csrf)
	if signed.Code != http.StatusFound {
		b.Fatalf("sign-in: %d %s", signed.Code, signed.Body)
	}
	session := signed.Result().Cookies()
	tokenURL := fuzzEndpoint + "/_domain/demo/oauth2/token"
	for b.Loop() {
		w := serve(h, http.MethodGet, benchAuthorize, "", session)
		loc, err := url.Parse(w.Header().Get("Location"))
		if err != nil || loc.Query().Get("code") == "" {
			b.Fatalf("authorize: %d %s", w.Code, w.Header().Get("Location"))
		}
		tok := serve(h, http.MethodPost, tokenURL, url.Values{"grant_type": {"authorization_code"}, "client_id": {cognito.DemoPublicClientID},
			"code": {loc.Query().Get("code")}, "redirect_uri": {fuzzCallback}}.Encode(), nil)
		if tok.Code != http.StatusOK {
			b.Fatalf("token: %d %s", tok.Code, tok.Body)
		}
	}
}

// BenchmarkClientCredentials is one client_credentials grant (HTTP Basic,
// one RSA signature).
func BenchmarkClientCredentials(b *testing.B) {
	h := fuzzStack(b)
	tokenURL := fuzzEndpoint + "/_domain/demo/oauth2/token"
	basic := "Basic " + basicHeaderValue(cognito.DemoSecretClientID, cognito.DemoClientSecret)
	for b.Loop() {
		if w := serve(h, http.MethodPost, tokenURL, "grant_type=client_credentials", nil, "Authorization", basic); w.Code != http.StatusOK {
			b.Fatalf("client_credentials: %d %s", w.Code, w.Body)
		}
	}
}

func basicHeaderValue(id, secret string) string {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.SetBasicAuth(id, secret)
	return strings.TrimPrefix(r.Header.Get("Authorization"), "Basic ")
}
