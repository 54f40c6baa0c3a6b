package hostedui_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
	"github.com/pquerna/otp/totp"
)

// loginPage opens the login page of an authorize request for the public
// demo client.
func loginPage(t *testing.T, env *localtest.Env, b *browser, client string) response {
	t.Helper()
	r := b.get(authorizeURL(env.Demo.HostedUI, "response_type", "code", "client_id", client,
		"redirect_uri", callback, "state", "s1"))
	if r.status != http.StatusFound {
		t.Fatalf("authorize: %d %s", r.status, r.body)
	}
	page := b.get(r.location.String())
	if page.status != http.StatusOK || !strings.Contains(page.body, `name="password"`) {
		t.Fatalf("login page: %d\n%s", page.status, page.body)
	}
	return page
}

func totpNow(t *testing.T, secret string) string {
	t.Helper()
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func TestLoginPageErrors(t *testing.T) {
	t.Parallel()
	env := demo(t)
	b := newBrowser(t)
	page := loginPage(t, env, b, cognito.DemoPublicClientID)
	f := pageForm(t, page)
	if !strings.Contains(page.header.Get("Content-Type"), "text/html") {
		t.Errorf("content type %q", page.header.Get("Content-Type"))
	}

	// A wrong password: the page again, with Cognito's message; what the
	// user typed comes back escaped.
	r := b.submit(f, map[string]string{"username": `demo"><script>alert(1)</script>`, "password": "wrong"})
	if r.status != http.StatusOK || pageError(r) != "User does not exist." {
		t.Errorf("unknown user: %d %q", r.status, pageError(r))
	}
	if strings.Contains(r.body, "<script>") || !strings.Contains(r.body, "&lt;script&gt;") {
		t.Errorf("username not escaped:\n%s", r.body)
	}
	r = b.submit(f, map[string]string{"username": cognito.DemoUsername, "password": "wrong"})
	if r.status != http.StatusOK || pageError(r) != "Incorrect username or password." || r.location != nil {
		t.Errorf("wrong password: %d %q %v", r.status, pageError(r), r.location)
	}
	r = b.submit(f, map[string]string{"username": cognito.DemoUsername})
	if pageError(r) == "" {
		t.Errorf("empty password accepted")
	}

	// CSRF: a form without the token, or with another one, is refused.
	token := f.fields.Get("_csrf")
	other := "x" + token[1:]
	if token[0] == 'x' {
		other = "y" + token[1:]
	}
	for name, csrf := range map[string]string{"missing": "", "wrong": other} {
		g := form{action: f.action, fields: url.Values{"_csrf": {csrf}}}
		if r := b.submit(g, map[string]string{"username": cognito.DemoUsername, "password": cognito.DemoPassword}); r.status != http.StatusForbidden {
			t.Errorf("CSRF %s: %d", name, r.status)
		}
	}
	// A browser without the cookie (another jar) is refused too.
	if r := newBrowser(t).submit(f, map[string]string{"username": cognito.DemoUsername, "password": cognito.DemoPassword}); r.status != http.StatusForbidden {
		t.Errorf("CSRF without cookie: %d", r.status)
	}
	// An oversized form is refused before it is read.
	if r := b.submit(f, map[string]string{"username": strings.Repeat("u", 20<<10), "password": "p"}); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized form: %d", r.status)
	}
	// The login page validates the authorize parameters itself.
	bad, _ := url.Parse(f.action)
	q := bad.Query()
	q.Set("redirect_uri", "https://evil.example/cb")
	bad.RawQuery = q.Encode()
	if r := b.get(bad.String()); r.status != http.StatusFound || r.location.Path != "/_domain/cogscope-demo/error" ||
		r.location.Query().Get("error") != "redirect_mismatch" {
		t.Errorf("login with a foreign redirect_uri: %d %v", r.status, r.location)
	}
	// Finally the right password signs in.
	r = b.submit(f, map[string]string{"username": cognito.DemoUsername, "password": cognito.DemoPassword})
	if q := callbackParams(t, r); q.Get("code") == "" || q.Get("state") != "s1" {
		t.Errorf("callback %v", q)
	}
	var sessionCookie bool
	for _, c := range b.c.Jar.Cookies(mustURL(t, env.Demo.HostedUI+"/login")) {
		sessionCookie = sessionCookie || c.Name == "cognito"
	}
	if !sessionCookie {
		t.Error("no domain session cookie after sign-in")
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestTOTPPage(t *testing.T) {
	t.Parallel()
	env := demo(t)
	b := newBrowser(t)
	page := b.submit(pageForm(t, loginPage(t, env, b, cognito.DemoPublicClientID)),
		map[string]string{"username": cognito.DemoMFAUsername, "password": cognito.DemoPassword})
	f := pageForm(t, page)
	if !strings.HasSuffix(f.action, "/mfa") || f.fields.Get("session") == "" || !strings.Contains(page.body, "authenticator app") {
		t.Fatalf("MFA page: %s\n%s", f.action, page.body)
	}
	r := b.submit(f, map[string]string{"code": "000000"})
	if r.status != http.StatusOK || pageError(r) != "Invalid verification code provided, please try again." {
		t.Fatalf("wrong code: %d %q", r.status, pageError(r))
	}
	f = pageForm(t, r)
	r = b.submit(f, map[string]string{"code": totpNow(t, cognito.DemoTOTPSecret)})
	q := callbackParams(t, r)
	tr := exchange(t, env, q.Get("code"), "")
	if c := verify(t, env, tr.str("access_token")); c["username"] != cognito.DemoMFAUsername {
		t.Errorf("tokens of %v", c["username"])
	}
	// The pending sign-in is spent.
	if r := b.submit(f, map[string]string{"code": totpNow(t, cognito.DemoTOTPSecret)}); r.status != http.StatusBadRequest ||
		!strings.Contains(r.body, "expired") {
		t.Errorf("replayed MFA form: %d", r.status)
	}
}

func TestEmailAndSelectMFAPages(t *testing.T) {
	t.Parallel()
	env := demo(t, localtestSeed(t, func(p *cognito.PoolSeed) {
		p.Users = append(p.Users,
			cognito.UserSeed{Username: "email-mfa", Password: cognito.DemoPassword, EmailMFA: true, PreferredMFA: "EMAIL_OTP",
				Attributes: map[string]string{"email": "email-mfa@example.com", "email_verified": "true"}},
			cognito.UserSeed{Username: "both-mfa", Password: cognito.DemoPassword, EmailMFA: true, TOTPSecret: cognito.DemoTOTPSecret,
				Attributes: map[string]string{"email": "both@example.com", "email_verified": "true"}})
	}))
	lastCode := func(user string) string {
		codes := env.Cognito.SentCodes()
		for i := len(codes) - 1; i >= 0; i-- {
			if codes[i].Username == user {
				return codes[i].Code
			}
		}
		t.Fatalf("no code sent to %s", user)
		return ""
	}

	t.Run("email", func(t *testing.T) {
		t.Parallel()
		b := newBrowser(t)
		page := b.submit(pageForm(t, loginPage(t, env, b, cognito.DemoPublicClientID)),
			map[string]string{"username": "email-mfa", "password": cognito.DemoPassword})
		if !strings.Contains(page.body, "e-mail to") {
			t.Fatalf("e-mail MFA page:\n%s", page.body)
		}
		r := b.submit(pageForm(t, page), map[string]string{"code": lastCode("email-mfa")})
		if q := callbackParams(t, r); q.Get("code") == "" {
			t.Errorf("callback %v", q)
		}
	})
	t.Run("select", func(t *testing.T) {
		t.Parallel()
		b := newBrowser(t)
		page := b.submit(pageForm(t, loginPage(t, env, b, cognito.DemoPublicClientID)),
			map[string]string{"username": "both-mfa", "password": cognito.DemoPassword})
		f := pageForm(t, page)
		if !strings.HasSuffix(f.action, "/select-mfa") || !strings.Contains(page.body, `value="SOFTWARE_TOKEN_MFA"`) ||
			!strings.Contains(page.body, `value="EMAIL_OTP"`) {
			t.Fatalf("select page %s\n%s", f.action, page.body)
		}
		if r := b.submit(f, map[string]string{"mfa": "SMS_MFA"}); pageError(r) == "" {
			t.Errorf("a method not offered was accepted")
		}
		page = b.submit(f, map[string]string{"mfa": "SOFTWARE_TOKEN_MFA"})
		r := b.submit(pageForm(t, page), map[string]string{"code": totpNow(t, cognito.DemoTOTPSecret)})
		if q := callbackParams(t, r); q.Get("code") == "" {
			t.Errorf("callback %v", q)
		}
	})
}

func TestNewPasswordPage(t *testing.T) {
	t.Parallel()
	env := demo(t)
	b := newBrowser(t)
	page := b.submit(pageForm(t, loginPage(t, env, b, cognito.DemoPublicClientID)),
		map[string]string{"username": cognito.DemoNewUsername, "password": cognito.DemoTempPassword})
	f := pageForm(t, page)
	if !strings.HasSuffix(f.action, "/new-password") {
		t.Fatalf("new-password page: %s\n%s", f.action, page.body)
	}
	r := b.submit(f, map[string]string{"new_password": "N3w-Passw0rd!", "confirm_password": "other"})
	if pageError(r) != "The passwords do not match." {
		t.Errorf("mismatch: %q", pageError(r))
	}
	r = b.submit(pageForm(t, r), map[string]string{"new_password": "short", "confirm_password": "short"})
	if r.status != http.StatusOK || !strings.Contains(pageError(r), "Password") {
		t.Errorf("weak password: %d %q", r.status, pageError(r))
	}
	r = b.submit(pageForm(t, r), map[string]string{"new_password": "N3w-Passw0rd!", "confirm_password": "N3w-Passw0rd!"})
	if q := callbackParams(t, r); q.Get("code") == "" {
		t.Fatalf("callback %v", q)
	}
	// The new password works in a fresh browser.
	r = newBrowser(t).signIn(authorizeURL(env.Demo.HostedUI, "response_type", "code", "client_id", cognito.DemoPublicClientID,
		"redirect_uri", callback), cognito.DemoNewUsername, "N3w-Passw0rd!")
	if q := callbackParams(t, r); q.Get("code") == "" {
		t.Errorf("sign-in with the new password: %v", q)
	}
}

func TestMFASetupPage(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t, localtest.WithSeed(cognito.Seed{UserPools: []cognito.PoolSeed{{
		ID: "us-east-1_SetupPool", Name: "setup", Domain: "setup-pool", MFA: "ON", MFATypes: []string{"SOFTWARE_TOKEN_MFA"},
		Clients: []cognito.ClientSeed{{ID: "setupclient000000000000001", Name: "web", AllowedOAuthFlows: []string{"code"},
			AllowedOAuthScopes: []string{"openid"}, AllowedOAuthFlowsUserPoolClient: true, CallbackURLs: []string{callback},
			SupportedIdentityProviders: []string{"COGNITO"}}},
		Users: []cognito.UserSeed{{Username: "carol", Password: cognito.DemoPassword}},
	}}}))
	b := newBrowser(t)
	page := b.submit(pageForm(t, loginPage(t, env, b, "setupclient000000000000001")),
		map[string]string{"username": "carol", "password": cognito.DemoPassword})
	f := pageForm(t, page)
	secret := between(page.body, `<code id="secret">`, "</code>")
	if !strings.HasSuffix(f.action, "/mfa-setup") || len(secret) < 16 || !strings.Contains(page.body, "otpauth://totp/") {
		t.Fatalf("setup page %s\n%s", f.action, page.body)
	}
	if r := b.submit(f, map[string]string{"code": "000000"}); r.status != http.StatusOK || pageError(r) == "" {
		t.Errorf("wrong setup code: %d %q", r.status, pageError(r))
	}
	r := b.submit(f, map[string]string{"code": totpNow(t, secret)})
	if q := callbackParams(t, r); q.Get("code") == "" {
		t.Fatalf("callback %v", q)
	}
	// Enrolled: the next sign-in asks for the code.
	b2 := newBrowser(t)
	page = b2.submit(pageForm(t, loginPage(t, env, b2, "setupclient000000000000001")),
		map[string]string{"username": "carol", "password": cognito.DemoPassword})
	if f := pageForm(t, page); !strings.HasSuffix(f.action, "/mfa") {
		t.Errorf("after setup: %s", f.action)
	}
}

func between(s, start, end string) string {
	_, rest, ok := strings.Cut(s, start)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, end)
	return v
}
