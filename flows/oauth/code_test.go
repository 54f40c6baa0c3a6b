package oauth

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cogscope/cogscope/flows"
)

func TestAuthorizationCodeSignsIn(t *testing.T) {
	t.Parallel()
	op := newFakeOP(t)
	ln, redirect := loopbackListener(t)
	op.redirects = []string{redirect}
	var steps []flows.Step
	run := runCode(t, Options{Issuer: op.issuer, ClientID: op.clientID, RedirectURI: redirect, Listener: ln,
		Scopes: []string{"openid", "email"}, OnStep: func(s flows.Step) { steps = append(steps, s) }}, newBrowser())
	if run.err != nil {
		t.Fatalf("AuthorizationCode: %v", run.err)
	}
	tk := run.res.Tokens
	if tk.AccessToken == "" || tk.IDToken == "" || !strings.HasPrefix(tk.RefreshToken, "refresh-") || tk.ExpiresIn != 3600 || tk.TokenType != "Bearer" {
		t.Fatalf("tokens = %+v", tk)
	}
	if run.res.RedirectURI != redirect {
		t.Errorf("RedirectURI = %q, want %q", run.res.RedirectURI, redirect)
	}
	if run.page.status != 200 || !strings.Contains(run.page.body, "Signed in") {
		t.Errorf("browser page = %d %q", run.page.status, run.page.body)
	}
	want := []string{OpDiscovery, OpPKCE, OpAuthorizeCheck, OpAuthorize, OpRedirect, OpToken}
	if got := ops(run.client.Trace()); !slices.Equal(got, want) {
		t.Fatalf("trace = %v, want %v", got, want)
	}
	if !slices.EqualFunc(steps, run.client.Trace(), func(a, b flows.Step) bool { return a.Index == b.Index && a.Title == b.Title }) {
		t.Errorf("OnStep saw %v, trace is %v", ops(steps), ops(run.client.Trace()))
	}
	tr := run.client.Trace()
	auth := stepOf(t, tr, OpAuthorize)
	u, _ := url.Parse(auth.Request["url"])
	q := u.Query()
	for k, v := range map[string]string{"response_type": "code", "client_id": op.clientID, "redirect_uri": redirect,
		"code_challenge_method": "S256", "scope": "openid email"} {
		if q.Get(k) != v {
			t.Errorf("authorize %s = %q, want %q", k, q.Get(k), v)
		}
	}
	if !strings.Contains(u.RawQuery, "scope=openid%20email") {
		t.Errorf("scope not joined with %%20: %s", u.RawQuery)
	}
	if len(q.Get("state")) < 32 || len(q.Get("nonce")) < 32 || len(q.Get("code_challenge")) != 43 {
		t.Errorf("state/nonce/challenge too short: %v", q)
	}
	pk := stepOf(t, tr, OpPKCE)
	if pk.Response["code_verifier"] != flows.Redacted || pk.Response["code_challenge"] != q.Get("code_challenge") {
		t.Errorf("PKCE step = %v", pk.Response)
	}
	red := stepOf(t, tr, OpRedirect)
	if red.Response["code"] != flows.Redacted || red.Response["state"] != q.Get("state") || !strings.HasSuffix(red.Title, "→ code") {
		t.Errorf("Redirect step = %q %v", red.Title, red.Response)
	}
	tok := stepOf(t, tr, OpToken)
	for _, k := range []string{"code", "code_verifier", "refresh_token"} {
		v := tok.Request[k] + tok.Response[k]
		if v != flows.Redacted {
			t.Errorf("token step %s = %q, want redacted", k, v)
		}
	}
	if !strings.Contains(tok.Response["access_token"], "chars)") {
		t.Errorf("access token not shortened: %q", tok.Response["access_token"])
	}
	if !slices.ContainsFunc(tok.Notes, func(n string) bool { return strings.Contains(n, "nonce, aud, iss, exp, at_hash match") }) {
		t.Errorf("token notes = %v", tok.Notes)
	}
	assertClosed(t, ln.Addr().String())
}

func TestAuthorizationCodeRevealKeepsSecrets(t *testing.T) {
	t.Parallel()
	op := newFakeOP(t)
	ln, redirect := loopbackListener(t)
	op.redirects = []string{redirect}
	run := runCode(t, Options{Issuer: op.issuer, ClientID: op.clientID, RedirectURI: redirect, Listener: ln, Reveal: true}, newBrowser())
	if run.err != nil {
		t.Fatal(run.err)
	}
	tok := stepOf(t, run.client.Trace(), OpToken)
	if tok.Request["code_verifier"] == flows.Redacted || ChallengeS256(tok.Request["code_verifier"]) != stepOf(t, run.client.Trace(), OpPKCE).Response["code_challenge"] {
		t.Errorf("revealed verifier %q does not hash to the challenge", tok.Request["code_verifier"])
	}
	if tok.Response["access_token"] != run.res.Tokens.AccessToken {
		t.Errorf("access token shortened despite Reveal")
	}
}

// A confidential client authenticates with Basic by default, or in the
// form; the wrong one is invalid_client.
func TestAuthorizationCodeConfidentialClient(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		server    ClientAuth
		client    ClientAuth
		secret    string
		wantError string
	}{
		{name: "basic", server: ClientSecretBasic, secret: "s3cret"},
		{name: "post", server: ClientSecretPost, client: ClientSecretPost, secret: "s3cret"},
		{name: "basic to a post server", server: ClientSecretPost, client: ClientSecretBasic, secret: "s3cret", wantError: "invalid_client"},
		{name: "wrong secret", server: ClientSecretBasic, secret: "nope", wantError: "invalid_client"},
		{name: "no secret", server: ClientSecretBasic, wantError: "invalid_client"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			op := newFakeOP(t, func(op *fakeOP) { op.secret, op.auth = "s3cret", tc.server })
			ln, redirect := loopbackListener(t)
			op.redirects = []string{redirect}
			run := runCode(t, Options{Issuer: op.issuer, ClientID: op.clientID, ClientSecret: tc.secret, ClientAuth: tc.client,
				RedirectURI: redirect, Listener: ln}, newBrowser())
			if tc.wantError == "" {
				if run.err != nil {
					t.Fatal(run.err)
				}
				tok := stepOf(t, run.client.Trace(), OpToken)
				if _, basic := tok.Request["Authorization"]; basic != (tc.server == ClientSecretBasic) {
					t.Errorf("token request = %v", tok.Request)
				}
				return
			}
			var oe *Error
			if !errors.As(run.err, &oe) || oe.Code != tc.wantError || oe.Op != OpToken {
				t.Fatalf("err = %v, want %s at the token endpoint", run.err, tc.wantError)
			}
			if d := Diagnose(run.err); d.Ref != "b23" || d.Type != "invalid_client" {
				t.Errorf("diagnosis = %+v", d)
			}
			if !strings.Contains(run.page.body, "could not be exchanged") {
				t.Errorf("browser page = %q", run.page.body)
			}
		})
	}
}

// Every error the provider redirects to the app becomes an *Error with a
// diagnosis; through the browser (preflight skipped) and caught before
// the browser by the preflight.
func TestAuthorizeErrorRedirects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		mod       func(*fakeOP)
		opts      func(*Options)
		wantCode  string
		ref       string
		preflight bool // the error shows in the check (the request itself is refused)
	}{
		{name: "invalid_scope", opts: func(o *Options) { o.Scopes = []string{"openid", "offline_access"} }, wantCode: "invalid_scope", ref: "b24", preflight: true},
		{name: "unauthorized_client", mod: func(op *fakeOP) { op.authorizeError = "unauthorized_client" }, wantCode: "unauthorized_client", ref: "b21"},
		{name: "access_denied", mod: func(op *fakeOP) { op.authorizeError = "access_denied" }, wantCode: "access_denied"},
		{name: "invalid_request", mod: func(op *fakeOP) { op.authorizeError = "invalid_request" }, wantCode: "invalid_request"},
		{name: "server_error", mod: func(op *fakeOP) { op.authorizeError = "server_error" }, wantCode: "server_error"},
	} {
		for _, skip := range []bool{true, false} {
			name := tc.name + "/browser"
			if !skip {
				name = tc.name + "/preflight"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				var mods []func(*fakeOP)
				if tc.mod != nil {
					mods = append(mods, tc.mod)
				}
				op := newFakeOP(t, mods...)
				ln, redirect := loopbackListener(t)
				op.redirects = []string{redirect}
				o := Options{Issuer: op.issuer, ClientID: op.clientID, RedirectURI: redirect, Listener: ln, SkipPreflight: skip}
				if tc.opts != nil {
					tc.opts(&o)
				}
				run := runCode(t, o, newBrowser())
				var oe *Error
				if !errors.As(run.err, &oe) || oe.Code != tc.wantCode || oe.Op != OpAuthorize {
					t.Fatalf("err = %v, want %s from the authorize step", run.err, tc.wantCode)
				}
				if oe.ErrorPage {
					t.Errorf("ErrorPage set for an error redirected to the app")
				}
				d := Diagnose(run.err)
				if d.Type != tc.wantCode || d.Cause == "" || d.Fix == "" || d.Ref != tc.ref {
					t.Errorf("diagnosis = %+v", d)
				}
				caughtEarly := run.url == ""
				if wantEarly := !skip && tc.preflight; caughtEarly != wantEarly {
					t.Errorf("caught before the browser = %v, want %v (trace %v)", caughtEarly, wantEarly, ops(run.client.Trace()))
				}
				if !caughtEarly && !strings.Contains(run.page.body, tc.wantCode) {
					t.Errorf("browser page does not name the error: %q", run.page.body)
				}
				if op.tokenReq.Load() != 0 {
					t.Errorf("the token endpoint was called after an error redirect")
				}
				assertClosed(t, ln.Addr().String())
			})
		}
	}
}

// redirect_mismatch never reaches the app: Cognito shows its /error page.
// The preflight catches it; without it the wait times out with a diagnosis
// that says how to recognise it.
func TestRedirectMismatch(t *testing.T) {
	t.Parallel()
	t.Run("preflight", func(t *testing.T) {
		t.Parallel()
		op := newFakeOP(t)
		ln, redirect := loopbackListener(t)
		op.redirects = []string{"http://localhost:8765/callback"}
		run := runCode(t, Options{Issuer: op.issuer, ClientID: op.clientID, RedirectURI: redirect, Listener: ln}, nil)
		var oe *Error
		if !errors.As(run.err, &oe) || oe.Code != "redirect_mismatch" || !oe.ErrorPage || oe.RedirectURI != redirect {
			t.Fatalf("err = %#v", run.err)
		}
		if run.url != "" {
			t.Errorf("the browser was sent to %s although the request is refused", run.url)
		}
		d := Diagnose(run.err)
		if d.Ref != "b20" || !strings.Contains(d.Cause, redirect) || !strings.Contains(d.Cause, "/error?error=redirect_mismatch") {
			t.Errorf("diagnosis = %+v", d)
		}
		assertClosed(t, ln.Addr().String())
	})
	t.Run("browser", func(t *testing.T) {
		t.Parallel()
		op := newFakeOP(t)
		ln, redirect := loopbackListener(t)
		op.redirects = []string{"http://localhost:8765/callback"}
		b := newBrowser()
		run := runCode(t, Options{Issuer: op.issuer, ClientID: op.clientID, RedirectURI: redirect, Listener: ln,
			SkipPreflight: true, Timeout: 300 * time.Millisecond}, b)
		var te *TimeoutError
		if !errors.As(run.err, &te) || te.RedirectURI != redirect || te.AuthorizeURL != run.url {
			t.Fatalf("err = %v, want a timeout", run.err)
		}
		if !strings.Contains(run.page.url, "/error?") || !strings.Contains(run.page.url, "redirect_mismatch") {
			t.Errorf("browser ended at %s", run.page.url)
		}
		if d := Diagnose(run.err); !strings.Contains(d.Cause, "redirect_mismatch") || d.Ref != "b20" {
			t.Errorf("diagnosis = %+v", d)
		}
		assertClosed(t, ln.Addr().String())
	})
}

// The state, iss and nonce checks refuse what is not this sign-in's.
func TestRedirectChecks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		mod    func(*fakeOP)
		tamper func(*url.URL)
		check  func(t *testing.T, err error)
		tokens bool // the token endpoint is reached
	}{
		{name: "state mismatch", tamper: setQuery("state", "forged"), check: func(t *testing.T, err error) {
			var e *StateMismatchError
			var te *TimeoutError
			if !errors.As(err, &e) || e.Got != "forged" || !errors.As(err, &te) || te.Ignored != 1 {
				t.Fatalf("err = %v", err)
			}
		}},
		{name: "state missing", tamper: setQuery("state", ""), check: func(t *testing.T, err error) {
			var e *StateMismatchError
			var te *TimeoutError
			if !errors.As(err, &e) || e.Got != "" || !errors.As(err, &te) || te.Ignored != 1 {
				t.Fatalf("err = %v", err)
			}
		}},
		{name: "iss from another issuer", mod: func(op *fakeOP) { op.redirectIss = "https://evil.example" }, check: func(t *testing.T, err error) {
			var e *IssuerMismatchError
			if !errors.As(err, &e) || e.Got != "https://evil.example" || !strings.Contains(e.Where, "9207") {
				t.Fatalf("err = %v", err)
			}
		}},
		{name: "iss promised but missing", mod: func(op *fakeOP) { op.issParam = true }, tamper: setQuery("iss", ""), check: func(t *testing.T, err error) {
			var e *IssuerMismatchError
			if !errors.As(err, &e) || e.Got != "" {
				t.Fatalf("err = %v", err)
			}
		}},
		{name: "nonce mismatch", mod: func(op *fakeOP) { op.idNonce = "another" }, tokens: true, check: func(t *testing.T, err error) {
			var e *IDTokenError
			if !errors.As(err, &e) || e.Claim != "nonce" || e.Got != "another" {
				t.Fatalf("err = %v", err)
			}
		}},
		{name: "ID token for another client", mod: func(op *fakeOP) { op.idAud = "someone-else" }, tokens: true, check: func(t *testing.T, err error) {
			var e *IDTokenError
			if !errors.As(err, &e) || e.Claim != "aud" {
				t.Fatalf("err = %v", err)
			}
		}},
		{name: "ID token for another authorized party", mod: func(op *fakeOP) { op.idAzp = "someone-else" }, tokens: true, check: func(t *testing.T, err error) {
			var e *IDTokenError
			if !errors.As(err, &e) || e.Claim != "azp" || e.Got != "someone-else" {
				t.Fatalf("err = %v", err)
			}
		}},
		{name: "ID token expired", mod: func(op *fakeOP) { op.idExp = time.Now().Add(-time.Hour).Unix() }, tokens: true, check: func(t *testing.T, err error) {
			var e *IDTokenError
			if !errors.As(err, &e) || e.Claim != "exp" || !strings.Contains(err.Error(), "expired at") {
				t.Fatalf("err = %v", err)
			}
		}},
		{name: "ID token without exp", mod: func(op *fakeOP) { op.idExp = -1 }, tokens: true, check: func(t *testing.T, err error) {
			var e *IDTokenError
			if !errors.As(err, &e) || e.Claim != "exp" || e.Got != "" {
				t.Fatalf("err = %v", err)
			}
		}},
		{name: "at_hash of another access token", mod: func(op *fakeOP) { op.idAtHash = "77QmUPtjPfzWtF2AnpK9RQ" }, tokens: true, check: func(t *testing.T, err error) {
			var e *IDTokenError
			if !errors.As(err, &e) || e.Claim != "at_hash" || e.Got != "77QmUPtjPfzWtF2AnpK9RQ" {
				t.Fatalf("err = %v", err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var mods []func(*fakeOP)
			if tc.mod != nil {
				mods = append(mods, tc.mod)
			}
			op := newFakeOP(t, mods...)
			ln, redirect := loopbackListener(t)
			op.redirects = []string{redirect}
			b := newBrowser()
			b.tamper = tc.tamper
			// A redirect with another state is ignored until the
			// timeout, which then reports it.
			run := runCode(t, Options{Issuer: op.issuer, ClientID: op.clientID, RedirectURI: redirect, Listener: ln, Timeout: time.Second}, b)
			if run.res != nil {
				t.Fatalf("tokens returned: %+v", run.res.Tokens)
			}
			tc.check(t, run.err)
			if got := op.tokenReq.Load() > 0; got != tc.tokens {
				t.Errorf("token endpoint reached = %v, want %v", got, tc.tokens)
			}
			if run.page.status == 200 || strings.Contains(run.page.body, "Signed in") {
				t.Errorf("browser told %d %q", run.page.status, run.page.body)
			}
			if d := Diagnose(run.err); d.Cause == "" || d.Fix == "" {
				t.Errorf("diagnosis = %+v", d)
			}
			assertClosed(t, ln.Addr().String())
		})
	}
}

func setQuery(k, v string) func(*url.URL) {
	return func(u *url.URL) {
		q := u.Query()
		if v == "" {
			q.Del(k)
		} else {
			q.Set(k, v)
		}
		u.RawQuery = q.Encode()
	}
}

// A code is exchanged once; a second exchange, even with the right
// verifier, is invalid_grant, and so is a fresh code with another
// verifier.
func TestCodeReuseAndWrongVerifier(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	op := newFakeOP(t)
	ln, redirect := loopbackListener(t)
	op.redirects = []string{redirect}
	var code string
	b := newBrowser()
	b.tamper = func(u *url.URL) { code = u.Query().Get("code") }
	run := runCode(t, Options{Issuer: op.issuer, ClientID: op.clientID, RedirectURI: redirect, Listener: ln, Reveal: true}, b)
	if run.err != nil || code == "" {
		t.Fatalf("sign-in: %v (code %q)", run.err, code)
	}
	ep, _ := run.client.Endpoints(ctx)
	verifier := stepOf(t, run.client.Trace(), OpPKCE).Response["code_verifier"] // revealed
	_, err := run.client.exchangeCode(ctx, ep, &authRequest{redirectURI: redirect, pkce: PKCE{Verifier: verifier}}, code)
	assertInvalidGrant(t, err)

	// A fresh code, exchanged with another verifier: the pieces of
	// AuthorizationCode driven by hand so the verifier can be swapped.
	ln2, redirect2 := loopbackListener(t)
	op.redirects = append(op.redirects, redirect2)
	c, err := New(Options{Issuer: op.issuer, ClientID: op.clientID})
	if err != nil {
		t.Fatal(err)
	}
	lr, err := parseLoopbackRedirect(redirect2)
	if err != nil {
		t.Fatal(err)
	}
	recv, err := listen(lr, ln2)
	if err != nil {
		t.Fatal(err)
	}
	defer recv.close()
	ar, err := c.newAuthRequest(ep, recv.redirectURI)
	if err != nil {
		t.Fatal(err)
	}
	recv.expect(ar.state)
	go func() { _, _ = newBrowser().open(ctx, ar.url) }()
	cb, err := c.awaitRedirect(ctx, ep, ar, recv)
	if err != nil {
		t.Fatal(err)
	}
	ar.pkce.Verifier = strings.Repeat("x", 43)
	_, err = c.exchangeCode(ctx, ep, ar, cb.query.Get("code"))
	cb.reply <- failurePage("done", "")
	assertInvalidGrant(t, err)
}

func assertInvalidGrant(t *testing.T, err error) {
	t.Helper()
	var oe *Error
	if !errors.As(err, &oe) || oe.Code != "invalid_grant" || oe.Grant != GrantAuthorizationCode {
		t.Fatalf("err = %v, want invalid_grant", err)
	}
	d := Diagnose(err)
	if d.Ref != "b22" || !strings.Contains(d.Cause, "already used") || !strings.Contains(d.Cause, "code_verifier") {
		t.Errorf("diagnosis = %+v", d)
	}
}

// A provider that already has a session redirects straight back with a
// code; the check's code is not shown in the trace and not used.
func TestPreflightWithSession(t *testing.T) {
	t.Parallel()
	op := newFakeOP(t, func(op *fakeOP) { op.session = true })
	ln, redirect := loopbackListener(t)
	op.redirects = []string{redirect}
	run := runCode(t, Options{Issuer: op.issuer, ClientID: op.clientID, RedirectURI: redirect, Listener: ln}, newBrowser())
	if run.err != nil {
		t.Fatal(run.err)
	}
	chk := stepOf(t, run.client.Trace(), OpAuthorizeCheck)
	loc, _ := url.Parse(chk.Response["Location"])
	if loc.Query().Get("code") != flows.Redacted || !strings.Contains(strings.Join(chk.Notes, " "), "redirected straight back") {
		t.Errorf("check step = %v %v", chk.Response, chk.Notes)
	}
	if n := op.tokenReq.Load(); n != 1 {
		t.Errorf("%d token requests, want 1 (the browser's code)", n)
	}
}
