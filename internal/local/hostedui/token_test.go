package hostedui_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

// clock is a settable clock for the stack.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// codeFor signs the browser in once (later calls reuse its session) and
// returns a fresh code for client with the given extra parameters.
func codeFor(t *testing.T, env *localtest.Env, b *browser, client string, params ...string) string {
	t.Helper()
	all := append([]string{"response_type", "code", "client_id", client, "redirect_uri", callback}, params...)
	u := authorizeURL(env.Demo.HostedUI, all...)
	r := b.get(u)
	if r.location != nil && strings.HasSuffix(r.location.Path, "/login") {
		r = b.signIn(u, cognito.DemoUsername, cognito.DemoPassword)
	}
	q := callbackParams(t, r)
	if q.Get("code") == "" {
		t.Fatalf("no code: %v", q)
	}
	return q.Get("code")
}

func TestTokenErrors(t *testing.T) {
	t.Parallel()
	clk := &clock{t: time.Now()}
	env := demo(t, localtest.WithNow(clk.Now))
	b := newBrowser(t)
	tokenURL := env.Demo.HostedUI + "/oauth2/token"
	pub, sec := cognito.DemoPublicClientID, cognito.DemoSecretClientID
	secBasic := sec + ":" + cognito.DemoClientSecret
	verifier, challenge := pkce(t)
	pkceCode := func() string {
		return codeFor(t, env, b, pub, "code_challenge", challenge, "code_challenge_method", "S256")
	}
	codeGrant := func(code, client, redirect, verifier string) url.Values {
		v := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}}
		if client != "" {
			v.Set("client_id", client)
		}
		if verifier != "" {
			v.Set("code_verifier", verifier)
		}
		return v
	}
	tests := []struct {
		name   string
		form   func() url.Values
		basic  string
		status int
		error  string
		desc   string // in error_description, to tell the invalid_grant cases apart
	}{
		{name: "no grant_type", form: func() url.Values { return url.Values{"client_id": {pub}} }, status: 400, error: "invalid_request"},
		{name: "unsupported grant", form: func() url.Values { return url.Values{"grant_type": {"password"}, "client_id": {pub}} }, status: 400, error: "unsupported_grant_type"},
		{name: "no code", form: func() url.Values { return codeGrant("", pub, callback, "") }, status: 400, error: "invalid_request"},
		{name: "no redirect_uri", form: func() url.Values { return codeGrant(pkceCode(), pub, "", verifier) }, status: 400, error: "invalid_request"},
		{name: "no client_id", form: func() url.Values { return codeGrant(pkceCode(), "", callback, verifier) }, status: 400, error: "invalid_request"},
		{name: "repeated parameter", form: func() url.Values {
			v := codeGrant(pkceCode(), pub, callback, verifier)
			v.Add("code", "again")
			return v
		}, status: 400, error: "invalid_request"},
		{name: "refresh without token", form: func() url.Values { return url.Values{"grant_type": {"refresh_token"}, "client_id": {pub}} }, status: 400, error: "invalid_request"},
		{name: "unknown client", form: func() url.Values { return codeGrant("x", "nosuchclient", callback, "") }, status: 400, error: "invalid_client"},
		{name: "wrong secret by Basic", form: func() url.Values { return codeGrant("x", "", callback, "") }, basic: sec + ":wrong", status: 401, error: "invalid_client"},
		{name: "secret missing", form: func() url.Values { return codeGrant("x", sec, callback, "") }, status: 400, error: "invalid_client"},
		{name: "wrong secret by form", form: func() url.Values {
			v := codeGrant("x", sec, callback, "")
			v.Set("client_secret", "wrong")
			return v
		}, status: 400, error: "invalid_client"},
		{name: "secret for public client", form: func() url.Values {
			v := codeGrant("x", pub, callback, "")
			v.Set("client_secret", "anything")
			return v
		}, status: 400, error: "invalid_client"},
		{name: "Basic and form secret", form: func() url.Values {
			v := codeGrant("x", "", callback, "")
			v.Set("client_secret", cognito.DemoClientSecret)
			return v
		}, basic: secBasic, status: 400, error: "invalid_request"},
		{name: "unknown code", form: func() url.Values { return codeGrant("00000000-0000-4000-8000-000000000000", pub, callback, "") }, status: 400, error: "invalid_grant", desc: "unknown"},
		{name: "wrong verifier", form: func() url.Values {
			other, _ := pkce(t)
			return codeGrant(pkceCode(), pub, callback, other)
		}, status: 400, error: "invalid_grant", desc: "does not match"},
		{name: "missing verifier", form: func() url.Values { return codeGrant(pkceCode(), pub, callback, "") }, status: 400, error: "invalid_grant", desc: "code_verifier is required"},
		{name: "verifier without challenge", form: func() url.Values { return codeGrant(codeFor(t, env, b, pub), pub, callback, verifier) }, status: 400, error: "invalid_grant", desc: "without code_challenge"},
		{name: "wrong redirect_uri", form: func() url.Values { return codeGrant(pkceCode(), pub, "http://localhost:8765/other", verifier) }, status: 400, error: "invalid_grant", desc: "redirect_uri"},
		{name: "code of another client", form: func() url.Values { return codeGrant(pkceCode(), "", callback, verifier) }, basic: secBasic, status: 400, error: "invalid_grant", desc: "another client"},
		{name: "expired code", form: func() url.Values {
			code := pkceCode()
			clk.Add(5*time.Minute + time.Second)
			return codeGrant(code, pub, callback, verifier)
		}, status: 400, error: "invalid_grant", desc: "expired"},
		{name: "client_credentials on a public client", form: func() url.Values {
			return url.Values{"grant_type": {"client_credentials"}, "client_id": {pub}}
		}, status: 400, error: "unauthorized_client"},
		{name: "client_credentials with openid", form: func() url.Values {
			return url.Values{"grant_type": {"client_credentials"}, "scope": {"openid"}}
		}, basic: secBasic, status: 400, error: "invalid_scope"},
		{name: "client_credentials unknown scope", form: func() url.Values {
			return url.Values{"grant_type": {"client_credentials"}, "scope": {"cogscope-api/delete"}}
		}, basic: secBasic, status: 400, error: "invalid_scope"},
		{name: "bad refresh token", form: func() url.Values {
			return url.Values{"grant_type": {"refresh_token"}, "client_id": {pub}, "refresh_token": {"nope"}}
		}, status: 400, error: "invalid_grant"},
	}
	// Not parallel: the cases share the browser session and the clock.
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := tokenRequest(t, tokenURL, tt.form(), tt.basic)
			if tr.status != tt.status || tr.str("error") != tt.error || !strings.Contains(tr.str("error_description"), tt.desc) {
				t.Errorf("got %d %v, want %d error=%s (%q)", tr.status, tr.body, tt.status, tt.error, tt.desc)
			}
			if tr.status == 401 && tr.header.Get("WWW-Authenticate") == "" {
				t.Errorf("401 without WWW-Authenticate")
			}
		})
	}

	t.Run("wrong content type", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, tokenURL, strings.NewReader(`{"grant_type":"client_credentials"}`))
		req.Header.Set("Content-Type", "application/json")
		r := b.do(req)
		if r.status != 400 || !strings.Contains(r.body, `"error":"invalid_request"`) {
			t.Errorf("JSON body: %d %s", r.status, r.body)
		}
	})
	t.Run("GET", func(t *testing.T) {
		if r := b.get(tokenURL); r.status != http.StatusMethodNotAllowed {
			t.Errorf("GET token: %d", r.status)
		}
	})
	t.Run("oversized body", func(t *testing.T) {
		form := url.Values{"grant_type": {"refresh_token"}, "client_id": {pub}, "refresh_token": {strings.Repeat("a", 70<<10)}}
		if tr := tokenRequest(t, tokenURL, form, ""); tr.status != http.StatusRequestEntityTooLarge || tr.str("error") != "invalid_request" {
			t.Errorf("oversized: %d %v", tr.status, tr.body)
		}
	})
}

// TestReusedCodeRevokes checks single use: a second redemption fails and
// revokes what the first one issued.
func TestReusedCodeRevokes(t *testing.T) {
	t.Parallel()
	env := demo(t)
	b := newBrowser(t)
	verifier, challenge := pkce(t)
	code := codeFor(t, env, b, cognito.DemoPublicClientID, "code_challenge", challenge, "code_challenge_method", "S256")
	first := exchange(t, env, code, verifier)
	if first.status != http.StatusOK {
		t.Fatalf("first: %d %v", first.status, first.body)
	}
	again := exchange(t, env, code, verifier)
	if again.status != 400 || again.str("error") != "invalid_grant" {
		t.Fatalf("reuse: %d %v", again.status, again.body)
	}
	refresh := tokenRequest(t, env.Demo.HostedUI+"/oauth2/token", url.Values{"grant_type": {"refresh_token"},
		"client_id": {cognito.DemoPublicClientID}, "refresh_token": {first.str("refresh_token")}}, "")
	if refresh.str("error") != "invalid_grant" {
		t.Errorf("refresh token of a reused code still works: %d %v", refresh.status, refresh.body)
	}
	if r := userInfo(t, env, first.str("access_token")); r.status != http.StatusUnauthorized {
		t.Errorf("access token of a reused code still works at userInfo: %d", r.status)
	}
}

func TestClientCredentials(t *testing.T) {
	t.Parallel()
	env := demo(t)
	tokenURL := env.Demo.HostedUI + "/oauth2/token"
	sec := cognito.DemoSecretClientID
	tests := []struct {
		name      string
		form      url.Values
		basic     string
		wantScope string
	}{
		{"basic, default scopes", url.Values{"grant_type": {"client_credentials"}}, sec + ":" + cognito.DemoClientSecret,
			"cogscope-api/read cogscope-api/write"},
		{"form post, one scope", url.Values{"grant_type": {"client_credentials"}, "scope": {"cogscope-api/read"},
			"client_id": {sec}, "client_secret": {cognito.DemoClientSecret}}, "", "cogscope-api/read"},
		{"basic with client_id in the form", url.Values{"grant_type": {"client_credentials"}, "client_id": {sec},
			"scope": {"cogscope-api/write cogscope-api/read"}}, sec + ":" + cognito.DemoClientSecret, "cogscope-api/write cogscope-api/read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tr := tokenRequest(t, tokenURL, tt.form, tt.basic)
			if tr.status != http.StatusOK || tr.str("id_token") != "" || tr.str("refresh_token") != "" || tr.str("token_type") != "Bearer" {
				t.Fatalf("%d %v", tr.status, tr.body)
			}
			c := verify(t, env, tr.str("access_token"))
			if c["sub"] != sec || c["client_id"] != sec || c["scope"] != tt.wantScope || c["username"] != nil || c["version"] != float64(2) {
				t.Errorf("claims %v", c)
			}
		})
	}
}

func TestRefreshGrant(t *testing.T) {
	t.Parallel()
	env := demo(t, localtestSeed(t, func(p *cognito.PoolSeed) {
		rot := &p.Clients[2]
		rot.AllowedOAuthFlows, rot.AllowedOAuthScopes = []string{"code"}, []string{"openid", "email"}
		rot.AllowedOAuthFlowsUserPoolClient, rot.CallbackURLs = true, []string{callback}
		rot.SupportedIdentityProviders = []string{"COGNITO"}
	}))
	b := newBrowser(t)
	tokenURL := env.Demo.HostedUI + "/oauth2/token"
	for _, tt := range []struct {
		client      string
		wantRefresh bool
	}{{cognito.DemoPublicClientID, false}, {cognito.DemoRotateClientID, true}} {
		code := codeFor(t, env, b, tt.client, "scope", "openid email")
		first := tokenRequest(t, tokenURL, url.Values{"grant_type": {"authorization_code"}, "client_id": {tt.client},
			"code": {code}, "redirect_uri": {callback}}, "")
		if first.status != http.StatusOK {
			t.Fatalf("%s code grant: %d %v", tt.client, first.status, first.body)
		}
		tr := tokenRequest(t, tokenURL, url.Values{"grant_type": {"refresh_token"}, "client_id": {tt.client},
			"refresh_token": {first.str("refresh_token")}}, "")
		if tr.status != http.StatusOK || tr.str("access_token") == "" || tr.str("id_token") == "" {
			t.Fatalf("%s refresh: %d %v", tt.client, tr.status, tr.body)
		}
		if got := tr.str("refresh_token") != ""; got != tt.wantRefresh {
			t.Errorf("%s: new refresh token %v, want %v", tt.client, got, tt.wantRefresh)
		}
		if c := verify(t, env, tr.str("access_token")); c["scope"] != "openid email" || c["client_id"] != tt.client || c["version"] != float64(2) {
			t.Errorf("%s refreshed access token %v", tt.client, c)
		}
		// A refreshed ID token releases what the granted scopes release,
		// like the first one: email, not the profile's name.
		if c := verify(t, env, tr.str("id_token")); c["email"] != "demo@example.com" || c["name"] != nil || c["custom:tenant"] != nil {
			t.Errorf("%s refreshed ID token %v", tt.client, c)
		}
	}
	// The refresh grant authenticates confidential clients too.
	code := codeFor(t, env, b, cognito.DemoSecretClientID, "scope", "openid")
	first := tokenRequest(t, tokenURL, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {callback}},
		cognito.DemoSecretClientID+":"+cognito.DemoClientSecret)
	if first.status != http.StatusOK {
		t.Fatalf("secret client code grant: %d %v", first.status, first.body)
	}
	noSecret := tokenRequest(t, tokenURL, url.Values{"grant_type": {"refresh_token"}, "client_id": {cognito.DemoSecretClientID},
		"refresh_token": {first.str("refresh_token")}}, "")
	if noSecret.str("error") != "invalid_client" {
		t.Errorf("refresh without the secret: %d %v", noSecret.status, noSecret.body)
	}
	// Another client cannot use the refresh token.
	foreign := tokenRequest(t, tokenURL, url.Values{"grant_type": {"refresh_token"}, "client_id": {cognito.DemoPublicClientID},
		"refresh_token": {first.str("refresh_token")}}, "")
	if foreign.str("error") != "invalid_grant" {
		t.Errorf("foreign refresh token: %d %v", foreign.status, foreign.body)
	}
}

// A secret with characters RFC 6749 §2.3.1 has clients form-encode before
// HTTP Basic (a seed may fix any secret): accepted encoded, as the RFC
// and our own client send it, and raw, as many clients send it.
func TestClientSecretBasicEncodings(t *testing.T) {
	t.Parallel()
	const secret = "s3 cr:t+/=%x"
	env := demo(t, localtestSeed(t, func(p *cognito.PoolSeed) {
		for i := range p.Clients {
			if p.Clients[i].ID == cognito.DemoSecretClientID {
				p.Clients[i].Secret = secret
			}
		}
	}))
	tokenURL := env.Demo.HostedUI + "/oauth2/token"
	id := cognito.DemoSecretClientID
	form := url.Values{"grant_type": {"client_credentials"}}
	for name, basic := range map[string]string{
		"form-encoded": url.QueryEscape(id) + ":" + url.QueryEscape(secret),
		"raw":          id + ":" + secret,
	} {
		if tr := tokenRequest(t, tokenURL, form, basic); tr.status != http.StatusOK {
			t.Errorf("%s: %d %v", name, tr.status, tr.body)
		}
	}
	post := url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}}
	if tr := tokenRequest(t, tokenURL, post, ""); tr.status != http.StatusOK {
		t.Errorf("post: %d %v", tr.status, tr.body)
	}
	// Still refused: the encoded reading of another secret.
	if tr := tokenRequest(t, tokenURL, form, id+":"+url.QueryEscape("s3 cr:t+/=%y")); tr.status != http.StatusUnauthorized || tr.str("error") != "invalid_client" {
		t.Errorf("wrong secret: %d %v", tr.status, tr.body)
	}
}
