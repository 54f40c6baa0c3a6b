package oauth

import (
	"context"
	"errors"
	"net"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/pquerna/otp/totp"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/flows/oauth/oauthtest"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

// The hosted-UI client end to end against the local stack's hosted UI:
// the test plays the browser with a form-filling HTTP client.

type stackEnv struct {
	*localtest.Env
	api *cip.Client
}

func newStack(t *testing.T) *stackEnv {
	t.Helper()
	env := localtest.Start(t)
	if env.Demo.HostedUI == "" {
		t.Fatal("the demo pool has no hosted-UI domain")
	}
	return &stackEnv{Env: env, api: env.CognitoClient()}
}

// oauthClient creates an app client of the demo pool whose callback URL
// is a fresh loopback listener's, so tests never share a port.
type oauthClient struct {
	id, secret string
	ln         net.Listener
	redirect   string
}

func (s *stackEnv) newClient(t *testing.T, mod func(in *cip.CreateUserPoolClientInput)) oauthClient {
	t.Helper()
	ln, redirect := loopbackListener(t)
	in := &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(cognito.DemoPoolID), ClientName: aws.String("oauth-test"),
		AllowedOAuthFlows: []types.OAuthFlowType{"code"}, AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthScopes: []string{"openid", "email", "profile", "aws.cognito.signin.user.admin"},
		CallbackURLs:       []string{redirect}, SupportedIdentityProviders: []string{"COGNITO"},
		ExplicitAuthFlows:     []types.ExplicitAuthFlowsType{"ALLOW_REFRESH_TOKEN_AUTH"},
		EnableTokenRevocation: aws.Bool(true),
	}
	if mod != nil {
		mod(in)
	}
	out, err := s.api.CreateUserPoolClient(context.Background(), in)
	if err != nil {
		t.Fatalf("CreateUserPoolClient: %v", err)
	}
	return oauthClient{id: aws.ToString(out.UserPoolClient.ClientId), secret: aws.ToString(out.UserPoolClient.ClientSecret), ln: ln, redirect: redirect}
}

// signIn runs AuthorizationCode against the stack, driving b.
func (s *stackEnv) signIn(t *testing.T, o Options, b *oauthtest.Browser) (*Client, *Result, oauthtest.Page, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if o.Issuer == "" && o.Domain == "" {
		o.Issuer = s.Demo.Issuer
	}
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Second
	}
	urls := make(chan string, 1)
	o.OnAuthorizeURL = func(u string) { urls <- u }
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	type out struct {
		res *Result
		err error
	}
	done := make(chan out, 1)
	go func() {
		res, err := c.AuthorizationCode(ctx)
		done <- out{res, err}
	}()
	var page oauthtest.Page
	select {
	case u := <-urls:
		page, _ = b.Open(ctx, u) // the outcome is judged from the flow's error and the page
	case r := <-done:
		return c, r.res, page, r.err
	}
	r := <-done
	return c, r.res, page, r.err
}

func demoBrowser() *oauthtest.Browser {
	return oauthtest.New(map[string]string{"username": cognito.DemoUsername, "password": cognito.DemoPassword})
}

func TestLocalStackPKCE(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	cl := s.newClient(t, nil)
	var code string
	b := demoBrowser()
	b.Tamper = func(u *url.URL) { code = u.Query().Get("code") }
	c, res, page, err := s.signIn(t, Options{ClientID: cl.id, RedirectURI: cl.redirect, Listener: cl.ln,
		Scopes: []string{"openid", "email", "aws.cognito.signin.user.admin"}, Reveal: true}, b)
	if err != nil {
		t.Fatalf("sign-in: %v\n%s\nvisited %v", err, Diagnose(err), b.Visited)
	}
	if !strings.Contains(page.Body, "Signed in") || !strings.Contains(b.Visited[1], "/_domain/cogscope-demo/login") {
		t.Errorf("browser: %v, last page %q", b.Visited, page.Body)
	}
	tk := res.Tokens
	id, err := flows.UnverifiedClaims(tk.IDToken)
	if err != nil || id.TokenUse != "id" || id.Username != cognito.DemoUsername || id.Issuer != s.Demo.Issuer || id.ClientID != cl.id {
		t.Fatalf("ID token claims = %+v, %v", id, err)
	}
	if tk.RefreshToken == "" || tk.TokenType != "Bearer" || tk.ExpiresIn != 3600 {
		t.Errorf("tokens = %+v", tk)
	}
	if got := ops(c.Trace()); !slices.Equal(got, []string{OpDiscovery, OpPKCE, OpAuthorizeCheck, OpAuthorize, OpRedirect, OpToken}) {
		t.Errorf("trace = %v", got)
	}
	disc := stepOf(t, c.Trace(), OpDiscovery)
	if disc.Response["authorization_endpoint"] != s.Demo.HostedUI+"/oauth2/authorize" {
		t.Errorf("discovery = %v", disc.Response)
	}

	// The same tokens are good for userInfo, refresh and revocation.
	claims, err := c.UserInfo(ctx, tk.AccessToken)
	if err != nil || claims["email"] != "demo@example.com" || claims["username"] != cognito.DemoUsername {
		t.Errorf("userInfo = %v, %v", claims, err)
	}
	ref, err := c.Refresh(ctx, tk.RefreshToken)
	if err != nil || ref.Tokens.AccessToken == "" || ref.Tokens.RefreshToken != tk.RefreshToken || ref.Tokens.RefreshRotated {
		t.Fatalf("refresh = %+v, %v", ref, err)
	}

	// The code again, with the right verifier: refused, and Cognito-style
	// the first exchange's refresh token dies with it.
	verifier := stepOf(t, c.Trace(), OpPKCE).Response["code_verifier"]
	_, err = c.ExchangeCode(ctx, code, cl.redirect, verifier)
	assertInvalidGrant(t, err)
	if err := c.Revoke(ctx, tk.RefreshToken); err != nil {
		t.Errorf("revoke: %v", err)
	}
	_, err = c.Refresh(ctx, tk.RefreshToken)
	if !isCode(err, "invalid_grant") {
		t.Errorf("refresh after revoke: %v", err)
	}
	_, err = c.UserInfo(ctx, tk.AccessToken)
	if !isCode(err, "invalid_token") {
		t.Errorf("userInfo after revoke: %v", err)
	}
	if err := c.Revoke(ctx, tk.AccessToken); !isCode(err, "unsupported_token_type") {
		t.Errorf("revoking an access token: %v", err)
	}
	logout, err := c.LogoutURL(ctx, LogoutRequest{LogoutURI: "http://localhost:8765/signed-out"})
	if err != nil || !strings.HasPrefix(logout, s.Demo.HostedUI+"/logout?client_id="+cl.id+"&logout_uri=") {
		t.Errorf("logout URL = %s, %v", logout, err)
	}
	assertClosed(t, cl.ln.Addr().String())
}

// --domain alone: the standard paths under the domain, no discovery, so
// no issuer to check.
func TestLocalStackDomain(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	cl := s.newClient(t, nil)
	c, res, _, err := s.signIn(t, Options{Domain: s.Demo.HostedUI, ClientID: cl.id, RedirectURI: cl.redirect, Listener: cl.ln,
		Scopes: []string{"openid"}}, demoBrowser())
	if err != nil {
		t.Fatalf("sign-in: %v", err)
	}
	if res.Tokens.IDToken == "" || slices.Contains(ops(c.Trace()), OpDiscovery) {
		t.Errorf("tokens %+v, trace %v", res.Tokens, ops(c.Trace()))
	}
}

// A user with TOTP MFA answers the hosted UI's MFA page.
func TestLocalStackMFA(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	cl := s.newClient(t, nil)
	code, err := totp.GenerateCode(cognito.DemoTOTPSecret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	b := oauthtest.New(map[string]string{"username": cognito.DemoMFAUsername, "password": cognito.DemoPassword, "code": code})
	_, res, _, err := s.signIn(t, Options{ClientID: cl.id, RedirectURI: cl.redirect, Listener: cl.ln, Scopes: []string{"openid"}}, b)
	if err != nil {
		t.Fatalf("sign-in: %v (visited %v)", err, b.Visited)
	}
	if cl, _ := flows.UnverifiedClaims(res.Tokens.IDToken); cl.Username != cognito.DemoMFAUsername {
		t.Errorf("signed in as %q", cl.Username)
	}
	if !slices.ContainsFunc(b.Visited, func(v string) bool { return strings.HasPrefix(v, "POST ") && strings.Contains(v, "/mfa") }) {
		t.Errorf("no MFA page: %v", b.Visited)
	}
}

// Confidential clients authenticate with Basic (default) or in the form.
func TestLocalStackConfidentialClient(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	for _, auth := range []ClientAuth{ClientSecretBasic, ClientSecretPost} {
		cl := s.newClient(t, func(in *cip.CreateUserPoolClientInput) { in.GenerateSecret = true })
		_, res, _, err := s.signIn(t, Options{ClientID: cl.id, ClientSecret: cl.secret, ClientAuth: auth, RedirectURI: cl.redirect, Listener: cl.ln}, demoBrowser())
		if err != nil || res.Tokens.AccessToken == "" {
			t.Errorf("%s: %v", auth, err)
		}
	}
	// Without the secret, or with a wrong one: invalid_client at the
	// token endpoint, after the browser part succeeded.
	for _, secret := range []string{"", "wrong"} {
		cl := s.newClient(t, func(in *cip.CreateUserPoolClientInput) { in.GenerateSecret = true })
		_, _, page, err := s.signIn(t, Options{ClientID: cl.id, ClientSecret: secret, RedirectURI: cl.redirect, Listener: cl.ln}, demoBrowser())
		oe, ok := asError(err)
		if !ok || oe.Code != "invalid_client" || oe.Op != OpToken {
			t.Fatalf("secret %q: err = %v", secret, err)
		}
		d := Diagnose(err)
		wantSent := "no client secret was sent"
		if secret != "" {
			wantSent = "sent with HTTP Basic"
		}
		if d.Ref != "b23" || !strings.Contains(d.Cause, wantSent) {
			t.Errorf("secret %q: diagnosis %+v", secret, d)
		}
		if !strings.Contains(page.Body, "invalid_client") {
			t.Errorf("browser page = %q", page.Body)
		}
	}
}

// Every refusal the hosted UI sends for an authorize request, caught by
// the check before the browser, and (where it redirects to the app) the
// same through the browser.
func TestLocalStackAuthorizeErrors(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	for _, tc := range []struct {
		name      string
		mod       func(in *cip.CreateUserPoolClientInput)
		opts      func(o *Options, cl oauthClient)
		code      string
		errorPage bool
		ref       string
	}{
		{name: "redirect_mismatch", opts: func(o *Options, cl oauthClient) {
			o.RedirectURI = strings.Replace(cl.redirect, "127.0.0.1", "localhost", 1)
		}, code: "redirect_mismatch", errorPage: true, ref: "b20"},
		{name: "unknown client", opts: func(o *Options, _ oauthClient) { o.ClientID = "nosuchclient0000000000000" }, code: "invalid_request", errorPage: true},
		{name: "invalid_scope", opts: func(o *Options, _ oauthClient) { o.Scopes = []string{"openid", "offline_access"} }, code: "invalid_scope", ref: "b24"},
		{name: "unauthorized_client", mod: func(in *cip.CreateUserPoolClientInput) {
			in.GenerateSecret = true
			in.AllowedOAuthFlows = []types.OAuthFlowType{"client_credentials"}
			in.AllowedOAuthScopes = []string{"cogscope-api/read"}
		}, code: "unauthorized_client", ref: "b21"},
	} {
		for _, skip := range []bool{false, true} {
			if skip && tc.errorPage {
				continue // the browser path of an error page is TestRedirectMismatch's timeout
			}
			name := tc.name + map[bool]string{false: "/preflight", true: "/browser"}[skip]
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				cl := s.newClient(t, tc.mod)
				o := Options{ClientID: cl.id, ClientSecret: cl.secret, RedirectURI: cl.redirect, SkipPreflight: skip}
				if tc.opts != nil {
					tc.opts(&o, cl)
				}
				if o.RedirectURI == cl.redirect {
					o.Listener = cl.ln
				} else {
					// another host name for the same port: the listener
					// binds it itself
					cl.ln.Close()
				}
				_, _, page, err := s.signIn(t, o, demoBrowser())
				oe, ok := asError(err)
				if !ok || oe.Code != tc.code || oe.ErrorPage != tc.errorPage {
					t.Fatalf("err = %#v, want %s (error page %v)", err, tc.code, tc.errorPage)
				}
				d := Diagnose(err)
				if d.Ref != tc.ref || d.Cause == "" || d.Fix == "" {
					t.Errorf("diagnosis = %+v", d)
				}
				if skip && !strings.Contains(page.Body, tc.code) {
					t.Errorf("browser page = %q", page.Body)
				}
			})
		}
	}
}

// Token-endpoint refusals of the hosted UI and their diagnoses.
func TestLocalStackTokenErrors(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	demo := func(o Options) *Client {
		o.Issuer = s.Demo.Issuer
		c, err := New(o)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	// client_credentials with the demo's confidential client.
	cc := demo(Options{ClientID: cognito.DemoSecretClientID, ClientSecret: cognito.DemoClientSecret, Scopes: []string{"cogscope-api/read"}})
	res, err := cc.ClientCredentials(ctx)
	if err != nil {
		t.Fatalf("client_credentials: %v", err)
	}
	at, _ := flows.UnverifiedClaims(res.Tokens.AccessToken)
	if at.ClientID != cognito.DemoSecretClientID || at.TokenUse != "access" || res.Tokens.IDToken != "" || res.Tokens.RefreshToken != "" {
		t.Errorf("client_credentials tokens = %+v (%+v)", res.Tokens, at)
	}
	for _, tc := range []struct {
		name string
		run  func() error
		code string
		ref  string
	}{
		{"client_credentials with the secret in the form", func() error {
			_, err := demo(Options{ClientID: cognito.DemoSecretClientID, ClientSecret: cognito.DemoClientSecret, ClientAuth: ClientSecretPost}).ClientCredentials(ctx)
			return err
		}, "", ""},
		{"client_credentials with a wrong secret", func() error {
			_, err := demo(Options{ClientID: cognito.DemoSecretClientID, ClientSecret: "wrong"}).ClientCredentials(ctx)
			return err
		}, "invalid_client", "b23"},
		{"client_credentials with an unknown scope", func() error {
			_, err := demo(Options{ClientID: cognito.DemoSecretClientID, ClientSecret: cognito.DemoClientSecret, Scopes: []string{"cogscope-api/delete"}}).ClientCredentials(ctx)
			return err
		}, "invalid_scope", "b24"},
		{"client_credentials not enabled", func() error {
			cl := s.newClient(t, func(in *cip.CreateUserPoolClientInput) { in.GenerateSecret = true })
			_, err := demo(Options{ClientID: cl.id, ClientSecret: cl.secret}).ClientCredentials(ctx)
			return err
		}, "unauthorized_client", "b21"},
		{"refresh with a made-up token", func() error {
			_, err := demo(Options{ClientID: cognito.DemoPublicClientID}).Refresh(ctx, "not-a-refresh-token")
			return err
		}, "invalid_grant", "b22"},
		{"unknown code", func() error {
			_, err := demo(Options{ClientID: cognito.DemoPublicClientID}).ExchangeCode(ctx, "nope", "http://localhost:8765/callback", strings.Repeat("v", 43))
			return err
		}, "invalid_grant", "b22"},
		{"unsupported grant", func() error {
			c := demo(Options{ClientID: cognito.DemoPublicClientID})
			ep, err := c.Endpoints(ctx)
			if err != nil {
				return err
			}
			st := c.rec.begin(flows.StepCall, OpToken, "Token password")
			defer st.End()
			_, err = c.token(ctx, st, ep, "password", url.Values{})
			return err
		}, "unsupported_grant_type", ""},
		{"refresh without a token", func() error {
			c := demo(Options{ClientID: cognito.DemoPublicClientID})
			ep, err := c.Endpoints(ctx)
			if err != nil {
				return err
			}
			st := c.rec.begin(flows.StepCall, OpToken, "Token refresh_token")
			defer st.End()
			_, err = c.token(ctx, st, ep, GrantRefreshToken, url.Values{})
			return err
		}, "invalid_request", "b25"},
	} {
		err := tc.run()
		if tc.code == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		oe, ok := asError(err)
		if !ok || oe.Code != tc.code {
			t.Errorf("%s: err = %v, want %s", tc.name, err, tc.code)
			continue
		}
		// The domain's x-amz-cognito-request-id, for AWS support.
		if d := Diagnose(err); d.Ref != tc.ref || d.Cause == "" || d.Fix == "" || len(d.RequestID) != 36 {
			t.Errorf("%s: diagnosis = %+v", tc.name, d)
		}
	}
}

// A fresh code exchanged with another verifier is refused.
func TestLocalStackWrongVerifier(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	cl := s.newClient(t, nil)
	ctx := context.Background()
	c, err := New(Options{Issuer: s.Demo.Issuer, ClientID: cl.id})
	if err != nil {
		t.Fatal(err)
	}
	ep, err := c.Endpoints(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lr, _ := parseLoopbackRedirect(cl.redirect)
	recv, err := listen(lr, cl.ln)
	if err != nil {
		t.Fatal(err)
	}
	defer recv.close()
	ar, err := c.newAuthRequest(ep, recv.redirectURI)
	if err != nil {
		t.Fatal(err)
	}
	recv.expect(ar.state)
	go func() { _, _ = demoBrowser().Open(ctx, ar.url) }()
	cb, err := c.awaitRedirect(ctx, ep, ar, recv)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { cb.reply <- failurePage("done", "") }()
	ar.pkce.Verifier = strings.Repeat("w", 43)
	_, err = c.exchangeCode(ctx, ep, ar, cb.query.Get("code"))
	assertInvalidGrant(t, err)
	if oe, _ := asError(err); !strings.Contains(oe.Description, "code_verifier") {
		t.Errorf("description = %q", oe.Description)
	}
}

// prompt=none signs in with the browser's domain session: the check before
// the browser has no session and hears login_required, which must not end
// the sign-in; without a session the browser brings login_required back.
func TestLocalStackPromptNone(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	cl := s.newClient(t, nil)
	b := demoBrowser()
	if _, _, _, err := s.signIn(t, Options{ClientID: cl.id, RedirectURI: cl.redirect, Listener: cl.ln}, b); err != nil {
		t.Fatalf("first sign-in: %v", err)
	}
	ln, err := net.Listen("tcp", strings.TrimSuffix(strings.TrimPrefix(cl.redirect, "http://"), "/callback"))
	if err != nil {
		t.Fatal(err)
	}
	c, res, page, err := s.signIn(t, Options{ClientID: cl.id, RedirectURI: cl.redirect, Listener: ln, Prompt: "none"}, b)
	if err != nil || res.Tokens.AccessToken == "" || !strings.Contains(page.Body, "Signed in") {
		t.Fatalf("prompt=none with a session: %v; page %q", err, page.Body)
	}
	check := stepOf(t, c.Trace(), OpAuthorizeCheck)
	if !strings.Contains(check.Title, "login_required without the browser's session") || check.Error != nil {
		t.Errorf("check step = %+v", check)
	}

	ln, err = net.Listen("tcp", strings.TrimSuffix(strings.TrimPrefix(cl.redirect, "http://"), "/callback"))
	if err != nil {
		t.Fatal(err)
	}
	_, _, _, err = s.signIn(t, Options{ClientID: cl.id, RedirectURI: cl.redirect, Listener: ln, Prompt: "none"}, demoBrowser())
	var oe *Error
	if !errors.As(err, &oe) || oe.Code != "login_required" || oe.Op != OpAuthorize {
		t.Fatalf("prompt=none without a session: %v", err)
	}
}
