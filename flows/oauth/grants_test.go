package oauth

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/cogscope/cogscope/flows"
)

// RFC 7636 Appendix B.
func TestChallengeS256KnownAnswer(t *testing.T) {
	t.Parallel()
	if got := ChallengeS256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"); got != "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM" {
		t.Fatalf("challenge = %s", got)
	}
	a, err := NewPKCE()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewPKCE()
	if len(a.Verifier) != 43 || a.Verifier == b.Verifier || a.Challenge != ChallengeS256(a.Verifier) || a.Method != "S256" {
		t.Errorf("PKCE = %+v, %+v", a, b)
	}
	if strings.Trim(a.Verifier, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
		t.Errorf("verifier %q has characters RFC 7636 does not allow", a.Verifier)
	}
}

func TestClientCredentials(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		mod      func(*fakeOP)
		opts     Options
		wantCode string
		invalid  bool
	}{
		{name: "basic with custom scope", opts: Options{ClientSecret: "s", Scopes: []string{"api/read"}}},
		{name: "post", mod: func(op *fakeOP) { op.auth = ClientSecretPost }, opts: Options{ClientSecret: "s", ClientAuth: ClientSecretPost}},
		{name: "no secret", opts: Options{}, invalid: true},
		{name: "wrong secret", opts: Options{ClientSecret: "x"}, wantCode: "invalid_client"},
		{name: "grant not enabled", mod: func(op *fakeOP) { op.clientCreds = false }, opts: Options{ClientSecret: "s"}, wantCode: "unauthorized_client"},
		{name: "unknown scope", opts: Options{ClientSecret: "s", Scopes: []string{"api/delete"}}, wantCode: "invalid_scope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			op := newFakeOP(t, func(op *fakeOP) { op.secret, op.clientCreds = "s", true })
			if tc.mod != nil {
				tc.mod(op)
			}
			o := tc.opts
			o.Issuer, o.ClientID = op.issuer, op.clientID
			c, err := New(o)
			if err != nil {
				t.Fatal(err)
			}
			res, err := c.ClientCredentials(context.Background())
			switch {
			case tc.invalid:
				if !errors.Is(err, flows.ErrInvalidOptions) || op.requests.Load() != 0 {
					t.Fatalf("err = %v after %d requests", err, op.requests.Load())
				}
				return
			case tc.wantCode != "":
				var oe *Error
				if !errors.As(err, &oe) || oe.Code != tc.wantCode || oe.Grant != GrantClientCredentials {
					t.Fatalf("err = %v, want %s", err, tc.wantCode)
				}
				d := Diagnose(err)
				if d.Cause == "" || d.Fix == "" || d.Operation != "Token (client_credentials)" {
					t.Errorf("diagnosis = %+v", d)
				}
				tok := stepOf(t, c.Trace(), OpToken)
				if tok.Error == nil || tok.Error.Type != tc.wantCode || !strings.HasSuffix(tok.Title, "→ "+tc.wantCode) {
					t.Errorf("token step = %+v", tok)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Tokens.AccessToken == "" || res.Tokens.IDToken != "" || res.Tokens.RefreshToken != "" || res.Tokens.ExpiresIn != 3600 {
				t.Errorf("tokens = %+v", res.Tokens)
			}
			tok := stepOf(t, c.Trace(), OpToken)
			if tok.Request["grant_type"] != GrantClientCredentials || tok.Request["scope"] != strings.Join(o.Scopes, " ") {
				t.Errorf("request = %v", tok.Request)
			}
			if o.ClientAuth == ClientSecretPost {
				if tok.Request["client_secret"] != flows.Redacted || tok.Request["Authorization"] != "" {
					t.Errorf("post request = %v", tok.Request)
				}
			} else if tok.Request["Authorization"] != flows.Redacted || tok.Request["client_secret"] != "" {
				t.Errorf("basic request = %v", tok.Request)
			}
		})
	}
}

// Sign in, read userInfo, refresh (no rotation keeps the refresh token),
// revoke, and see the refresh token and access token refused afterwards.
func TestRefreshUserInfoRevoke(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	op := newFakeOP(t)
	ln, redirect := loopbackListener(t)
	op.redirects = []string{redirect}
	run := runCode(t, Options{Issuer: op.issuer, ClientID: op.clientID, RedirectURI: redirect, Listener: ln}, newBrowser())
	if run.err != nil {
		t.Fatal(run.err)
	}
	c, tk := run.client, run.res.Tokens
	claims, err := c.UserInfo(ctx, tk.AccessToken)
	if err != nil || claims["email"] != "user@example.com" || claims["email_verified"] != "true" {
		t.Fatalf("userInfo = %v, %v", claims, err)
	}
	ref, err := c.Refresh(ctx, tk.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if ref.Tokens.RefreshToken != tk.RefreshToken || ref.Tokens.RefreshRotated || ref.Tokens.AccessToken == tk.AccessToken || ref.Tokens.IDToken == "" {
		t.Errorf("refreshed tokens = %+v", ref.Tokens)
	}
	if err := c.Revoke(ctx, tk.AccessToken); !isCode(err, "unsupported_token_type") {
		t.Errorf("revoking an access token: %v", err)
	}
	if err := c.Revoke(ctx, tk.RefreshToken); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	if err := c.Revoke(ctx, tk.RefreshToken); err != nil {
		t.Errorf("revoking twice must succeed (RFC 7009): %v", err)
	}
	_, err = c.Refresh(ctx, tk.RefreshToken)
	if !isCode(err, "invalid_grant") || Diagnose(err).Ref != "b22" || !strings.Contains(Diagnose(err).Cause, "revoked") {
		t.Errorf("refresh after revoke: %v / %+v", err, Diagnose(err))
	}
	_, err = c.UserInfo(ctx, "not-a-token")
	var oe *Error
	if !errors.As(err, &oe) || oe.Code != "invalid_token" || oe.HTTPStatus != 401 || !strings.Contains(oe.Description, "globally signed out") {
		t.Errorf("userInfo with a bad token: %#v", err)
	}
	want := []string{OpUserInfo, OpToken, OpRevoke, OpRevoke, OpRevoke, OpToken, OpUserInfo}
	got := ops(c.Trace())[6:]
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("trace tail = %v, want %v", got, want)
	}
	for _, s := range c.Trace() {
		if s.Operation == OpRevoke && s.Request["token"] != flows.Redacted {
			t.Errorf("revoke step shows the token: %v", s.Request)
		}
	}
}

func isCode(err error, code string) bool {
	var oe *Error
	return errors.As(err, &oe) && oe.Code == code
}

// Token-endpoint errors the client's own requests cannot provoke, sent by
// hand, and their diagnoses.
func TestTokenEndpointErrors(t *testing.T) {
	t.Parallel()
	op := newFakeOP(t)
	c, _ := New(Options{Issuer: op.issuer, ClientID: op.clientID})
	ctx := context.Background()
	ep, err := c.Endpoints(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		grant string
		form  url.Values
		want  string
		ref   string
	}{
		{grant: "password", form: url.Values{}, want: "unsupported_grant_type"},
		{grant: GrantRefreshToken, form: url.Values{}, want: "invalid_request", ref: "b25"},
		{grant: GrantAuthorizationCode, form: url.Values{"code": {"unknown"}, "redirect_uri": {"http://localhost/x"}}, want: "invalid_grant", ref: "b22"},
	} {
		s := c.rec.begin(flows.StepCall, OpToken, "Token "+tc.grant)
		_, err := c.token(ctx, s, ep, tc.grant, tc.form)
		s.End()
		if !isCode(err, tc.want) {
			t.Errorf("%s: err = %v, want %s", tc.grant, err, tc.want)
			continue
		}
		if d := Diagnose(err); d.Ref != tc.ref || d.Cause == "" || d.Fix == "" {
			t.Errorf("%s: diagnosis = %+v", tc.grant, d)
		}
	}
}

func TestDiscovery(t *testing.T) {
	t.Parallel()
	op := newFakeOP(t)
	for _, tc := range []struct {
		name   string
		issuer string
		check  func(t *testing.T, ep *Endpoints, err error)
	}{
		{name: "issuer", issuer: op.issuer, check: func(t *testing.T, ep *Endpoints, err error) {
			if err != nil || ep.Token != op.srv.URL+"/oauth2/token" || ep.Issuer != op.issuer || !ep.Cognito() {
				t.Fatalf("ep = %+v, err = %v", ep, err)
			}
		}},
		{name: "trailing slash and pasted discovery URL", issuer: op.issuer + "/" + wellKnownPath[1:], check: func(t *testing.T, ep *Endpoints, err error) {
			if err != nil || ep.Issuer != op.issuer {
				t.Fatalf("ep = %+v, err = %v", ep, err)
			}
		}},
		{name: "document of another issuer", issuer: op.srv.URL, check: func(t *testing.T, _ *Endpoints, err error) {
			var im *IssuerMismatchError
			if !errors.As(err, &im) || im.Got != op.issuer || !strings.Contains(Diagnose(err).Fix, op.issuer) {
				t.Fatalf("err = %v", err)
			}
		}},
		{name: "no document", issuer: op.srv.URL + "/nothing", check: func(t *testing.T, _ *Endpoints, err error) {
			var he *HTTPError
			if !errors.As(err, &he) || he.Status != 404 || !strings.Contains(Diagnose(err).Fix, "cognito-idp") {
				t.Fatalf("err = %v", err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := New(Options{Issuer: tc.issuer, ClientID: "x"})
			if err != nil {
				t.Fatal(err)
			}
			ep, err := c.Endpoints(context.Background())
			tc.check(t, ep, err)
			if s := stepOf(t, c.Trace(), OpDiscovery); (err != nil) != (s.Error != nil) {
				t.Errorf("discovery step error = %v, err = %v", s.Error, err)
			}
		})
	}
}

func TestNewRefusesBadOptions(t *testing.T) {
	t.Parallel()
	for _, o := range []Options{
		{Issuer: "https://x"},
		{ClientID: "c"},
		{ClientID: "c", Issuer: "ftp://x"},
		{ClientID: "c", Issuer: "http://issuer.example.com/pool"},
		{ClientID: "c", Domain: "myprefix"},
		{ClientID: "c", Domain: "https://d.example.com?x=1"},
		{ClientID: "c", Domain: "d.example.com", ClientAuth: "jwt"},
		{ClientID: "c", Domain: "d.example.com", Scopes: []string{"openid email"}},
		{ClientID: "c", Domain: "d.example.com", Scopes: []string{""}},
		{ClientID: "c", Endpoints: &Endpoints{Token: "http://evil.example.com/token"}},
		{ClientID: "c", Domain: "d.example.com", Timeout: -1},
	} {
		if _, err := New(o); !errors.Is(err, flows.ErrInvalidOptions) {
			t.Errorf("New(%+v) = %v, want ErrInvalidOptions", o, err)
		}
	}
}

func TestLogoutURL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cog, _ := New(Options{Domain: "auth.example.com", ClientID: "abc"})
	got, err := cog.LogoutURL(ctx, LogoutRequest{LogoutURI: "http://localhost:8765/signed-out", IDTokenHint: "ignored"})
	if err != nil || got != "https://auth.example.com/logout?client_id=abc&logout_uri=http%3A%2F%2Flocalhost%3A8765%2Fsigned-out" {
		t.Errorf("Cognito logout = %s, %v", got, err)
	}
	if _, err := cog.LogoutURL(ctx, LogoutRequest{}); !errors.Is(err, flows.ErrInvalidOptions) {
		t.Errorf("Cognito logout without URI: %v", err)
	}
	oidc, _ := New(Options{ClientID: "abc", Endpoints: &Endpoints{Authorization: "https://op.example.com/auth", EndSession: "https://op.example.com/session/end"}})
	got, err = oidc.LogoutURL(ctx, LogoutRequest{LogoutURI: "https://app.example.com/", IDTokenHint: "eyJ.x.y", State: "s 1"})
	want := "https://op.example.com/session/end?client_id=abc&id_token_hint=eyJ.x.y&post_logout_redirect_uri=https%3A%2F%2Fapp.example.com%2F&state=s%201"
	if err != nil || got != want {
		t.Errorf("OIDC logout = %s, %v; want %s", got, err, want)
	}
	none, _ := New(Options{ClientID: "abc", Endpoints: &Endpoints{Token: "https://op.example.com/token"}})
	if _, err := none.LogoutURL(ctx, LogoutRequest{}); !errors.Is(err, flows.ErrInvalidOptions) {
		t.Errorf("no end_session_endpoint: %v", err)
	}
}

func TestParseWWWAuthenticate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ h, code, desc string }{
		{`error="invalid_request", error_description="Bad OAuth2 request at UserInfo Endpoint"`, "invalid_request", "Bad OAuth2 request at UserInfo Endpoint"},
		{`Bearer realm="x", error="invalid_token", error_description="a \"quoted\" word"`, "invalid_token", `a "quoted" word`},
		{`Bearer error=insufficient_scope`, "insufficient_scope", ""},
		{`Basic realm="x"`, "", ""},
	} {
		code, desc := parseWWWAuthenticate(tc.h)
		if code != tc.code || desc != tc.desc {
			t.Errorf("%s: got %q %q", tc.h, code, desc)
		}
	}
}

// With refresh-token rotation the new token replaces the old one, which
// then stops working.
func TestRefreshRotation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	op := newFakeOP(t, func(op *fakeOP) { op.rotate = true })
	op.refresh["refresh-0"] = true
	c, _ := New(Options{Issuer: op.issuer, ClientID: op.clientID})
	res, err := c.Refresh(ctx, "refresh-0")
	if err != nil {
		t.Fatal(err)
	}
	if !res.Tokens.RefreshRotated || res.Tokens.RefreshToken == "refresh-0" || res.Tokens.RefreshToken == "" {
		t.Errorf("tokens = %+v", res.Tokens)
	}
	if tok := stepOf(t, c.Trace(), OpToken); !strings.Contains(strings.Join(tok.Notes, " "), "rotation") {
		t.Errorf("notes = %v", tok.Notes)
	}
	if _, err := c.Refresh(ctx, "refresh-0"); !isCode(err, "invalid_grant") {
		t.Errorf("the rotated-out token: %v", err)
	}
}

// OpenID Connect Core §3.3.2.11, with the access token and at_hash of the
// specification's example (RS256: SHA-256's left half).
func TestAtHashKnownAnswer(t *testing.T) {
	t.Parallel()
	h, ok := atHashFunc("RS256")
	if !ok {
		t.Fatal("no hash for RS256")
	}
	if got := atHash(h, "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"); got != "77QmUPtjPfzWtF2AnpK9RQ" {
		t.Errorf("at_hash = %q", got)
	}
	for alg, size := range map[string]int{"RS384": 24, "ES512": 32, "PS256": 16, "EdDSA": 32} {
		h, ok := atHashFunc(alg)
		if !ok || len(h().Sum(nil))/2 != size {
			t.Errorf("%s: hash half of %d bytes, want %d", alg, len(h().Sum(nil))/2, size)
		}
	}
	if _, ok := atHashFunc("none"); ok {
		t.Error("a hash for alg none")
	}
}

// A refreshed ID token is checked like the first one, without a nonce
// (OpenID Connect Core §12.2): for this client, from this issuer.
func TestRefreshChecksTheIDToken(t *testing.T) {
	t.Parallel()
	op := newFakeOP(t)
	op.refresh["rt-1"] = true
	c, err := New(Options{Issuer: op.issuer, ClientID: op.clientID})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Refresh(context.Background(), "rt-1")
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if res.Tokens.IDToken == "" {
		t.Fatal("no ID token")
	}
	tr := c.Trace()
	if n := strings.Join(tr[len(tr)-1].Notes, " "); !strings.Contains(n, "aud, iss, exp, at_hash match") {
		t.Errorf("notes = %q", n)
	}

	op.idAud = "someone-else"
	_, err = c.Refresh(context.Background(), "rt-1")
	var e *IDTokenError
	if !errors.As(err, &e) || e.Claim != "aud" || e.Grant != GrantRefreshToken {
		t.Fatalf("err = %v", err)
	}
	if d := Diagnose(err); d.Operation != "Token (refresh_token)" || d.Fix == "" {
		t.Errorf("diagnosis = %+v", d)
	}
}

func TestCheckVerifier(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", strings.Repeat("AZaz09-._~", 12) + "abcdefgh"} {
		if err := CheckVerifier(v); err != nil {
			t.Errorf("CheckVerifier(%q) = %v", v, err)
		}
	}
	for _, v := range []string{"", strings.Repeat("a", 42), strings.Repeat("a", 129),
		"dBjftJeZ4CVP+mB92K27uhbUJU1p1r/wW1gFWFOEjXk=", strings.Repeat("a", 42) + " "} {
		if err := CheckVerifier(v); !errors.Is(err, flows.ErrInvalidOptions) {
			t.Errorf("CheckVerifier(%q) = %v", v, err)
		}
	}
	// A pasted verifier is checked before anything is sent.
	op := newFakeOP(t)
	c, err := New(Options{Issuer: op.issuer, ClientID: op.clientID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExchangeCode(context.Background(), "code", "http://127.0.0.1:1/cb", "short"); !errors.Is(err, flows.ErrInvalidOptions) {
		t.Errorf("ExchangeCode with a short verifier: %v", err)
	}
	if n := op.requests.Load(); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}
