package hostedui_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jwt"
)

const callback = "http://localhost:8765/callback"

// browser plays the user's browser: a cookie jar, and redirects are
// returned rather than followed, so each hop can be checked.
type browser struct {
	t *testing.T
	c *http.Client
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, c: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// response is a finished response with its body read.
type response struct {
	status   int
	header   http.Header
	body     string
	location *url.URL
}

func (b *browser) do(req *http.Request) response {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	r := response{status: resp.StatusCode, header: resp.Header, body: string(body)}
	if loc := resp.Header.Get("Location"); loc != "" {
		u, err := url.Parse(loc)
		if err != nil {
			b.t.Fatalf("Location %q: %v", loc, err)
		}
		r.location = u
	}
	return r
}

func (b *browser) get(u string) response {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

func (b *browser) post(u string, form url.Values) response {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// form is an HTML form as the page shows it.
type form struct {
	action string
	fields url.Values // hidden fields
}

var (
	formRE   = regexp.MustCompile(`<form method="post" action="([^"]*)"`)
	hiddenRE = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`)
	errorRE  = regexp.MustCompile(`<div class="error"[^>]*>([^<]*)</div>`)
)

// pageForm finds the page's form and its hidden fields.
func pageForm(t *testing.T, r response) form {
	t.Helper()
	m := formRE.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("no form on the page (status %d):\n%s", r.status, r.body)
	}
	f := form{action: html.UnescapeString(m[1]), fields: url.Values{}}
	for _, h := range hiddenRE.FindAllStringSubmatch(r.body, -1) {
		f.fields.Set(h[1], html.UnescapeString(h[2]))
	}
	return f
}

// submit posts the form with the hidden fields plus extra.
func (b *browser) submit(f form, extra map[string]string) response {
	b.t.Helper()
	v := url.Values{}
	for k, vs := range f.fields {
		v[k] = vs
	}
	for k, x := range extra {
		v.Set(k, x)
	}
	return b.post(f.action, v)
}

func pageError(r response) string {
	if m := errorRE.FindStringSubmatch(r.body); m != nil {
		return html.UnescapeString(m[1])
	}
	return ""
}

// pkce is a code verifier and its S256 challenge.
func pkce(t *testing.T) (verifier, challenge string) {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	verifier = base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

// authorizeURL builds an authorize URL on base from pairs of parameters.
func authorizeURL(base string, params ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(params); i += 2 {
		v.Add(params[i], params[i+1])
	}
	return base + "/oauth2/authorize?" + v.Encode()
}

// signIn walks authorize → login page → form post and returns the final
// response (normally the 302 to the callback).
func (b *browser) signIn(authorize, username, password string) response {
	b.t.Helper()
	r := b.get(authorize)
	if r.status != http.StatusFound || r.location == nil || !strings.HasSuffix(r.location.Path, "/login") {
		b.t.Fatalf("authorize: status %d, Location %v, want a redirect to /login\n%s", r.status, r.location, r.body)
	}
	page := b.get(r.location.String())
	if page.status != http.StatusOK {
		b.t.Fatalf("login page: status %d\n%s", page.status, page.body)
	}
	return b.submit(pageForm(b.t, page), map[string]string{"username": username, "password": password})
}

// callbackParams checks that r redirects to the callback and returns its
// query and fragment parameters.
func callbackParams(t *testing.T, r response) url.Values {
	t.Helper()
	if r.status != http.StatusFound || r.location == nil {
		t.Fatalf("want a 302 to the callback, got %d %v\n%s", r.status, r.location, r.body)
	}
	u := *r.location
	q := u.Query()
	// The implicit grant answers in the fragment (RFC 6749 §4.2.2).
	frag, err := url.ParseQuery(u.EscapedFragment())
	if err != nil {
		t.Fatalf("fragment of %s: %v", r.location, err)
	}
	for k, v := range frag {
		q[k] = v
	}
	u.RawQuery, u.Fragment = "", ""
	if u.String() != callback {
		t.Fatalf("redirected to %s, want %s", r.location, callback)
	}
	return q
}

// tokenResult is a token endpoint answer.
type tokenResult struct {
	status int
	header http.Header
	body   map[string]any
}

func (tr tokenResult) str(k string) string { s, _ := tr.body[k].(string); return s }

// tokenRequest posts form to the token (or another OAuth) endpoint; basic
// is "id:secret" for HTTP Basic, or "".
func tokenRequest(t *testing.T, endpoint string, form url.Values, basic string) tokenResult {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basic != "" {
		req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(basic)))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	tr := tokenResult{status: resp.StatusCode, header: resp.Header, body: map[string]any{}}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &tr.body); err != nil {
			t.Fatalf("token endpoint body is not JSON (%d): %s", resp.StatusCode, raw)
		}
	}
	return tr
}

// verify checks a token's signature against the pool's JWKS and its iss,
// and returns its claims.
func verify(t *testing.T, env *localtest.Env, token string) map[string]any {
	t.Helper()
	set, err := jwk.Fetch(context.Background(), env.Demo.JWKSURL)
	if err != nil {
		t.Fatalf("fetch JWKS: %v", err)
	}
	if _, err := jwt.ParseString(token, jwt.WithKeySet(set), jwt.WithIssuer(env.Demo.Issuer)); err != nil {
		t.Fatalf("token does not verify: %v", err)
	}
	// The claims as the wire has them (jwx would turn aud into a list).
	parts := strings.Split(token, ".")
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(raw, &claims); err != nil {
		t.Fatal(err)
	}
	return claims
}

// demo is a stack with the demo pool (domain cogscope-demo).
func demo(t *testing.T, opts ...localtest.Option) *localtest.Env {
	t.Helper()
	env := localtest.Start(t, opts...)
	if env.Demo.HostedUI == "" {
		t.Fatal("the demo pool has no hosted UI")
	}
	return env
}

// exchange redeems a code at the token endpoint as the public demo client.
func exchange(t *testing.T, env *localtest.Env, code, verifier string) tokenResult {
	t.Helper()
	return tokenRequest(t, env.Demo.HostedUI+"/oauth2/token", url.Values{"grant_type": {"authorization_code"},
		"client_id": {cognito.DemoPublicClientID}, "code": {code}, "redirect_uri": {callback}, "code_verifier": {verifier}}, "")
}

// localtestSeed is the demo seed (with its domain) changed by mutate.
func localtestSeed(t *testing.T, mutate func(p *cognito.PoolSeed)) localtest.Option {
	t.Helper()
	seed := cognito.DemoSeed()
	if seed.UserPools[0].Domain != cognito.DemoDomain {
		t.Fatalf("the demo seed's domain is %q", seed.UserPools[0].Domain)
	}
	mutate(&seed.UserPools[0])
	return localtest.WithSeed(seed)
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
