package interop

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cogscope/cogscope/flows/oauth"
	"github.com/cogscope/cogscope/flows/oauth/oauthtest"
)

// oidcOP is oidc-provider (peers/oidc-op.js) running on loopback.
type oidcOP struct {
	issuer       string
	clientID     string
	postClientID string // confidentialOP: the client_secret_post client
}

// startOIDCProvider starts oidc-op.js with the given redirect URIs and
// waits until it listens.
func startOIDCProvider(t *testing.T, redirects ...string) oidcOP {
	t.Helper()
	script, err := os.ReadFile(filepath.Join("peers", "oidc-op.js"))
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"--opaque-access-tokens"}
	for _, r := range redirects {
		args = append(args, "--redirect", r)
	}
	return startProviderScript(t, "oidc-op.js", script, args...)
}

// startProviderScript runs a script of oidc-provider on a free loopback
// port (--port P --keyfile F are added) and waits for its KEY=VALUE lines.
// The script imports oidc-provider as an ES module, which NODE_PATH does
// not reach, so it runs from a directory whose node_modules links to the
// peers'.
func startProviderScript(t *testing.T, name string, script []byte, args ...string) oidcOP {
	t.Helper()
	dir := peers(t)
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "oidc-provider")); err != nil {
		t.Fatalf("COGSCOPE_PEERS=%s has no oidc-provider: %v", dir, err)
	}
	work := t.TempDir()
	if err := os.WriteFile(filepath.Join(work, name), script, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "node_modules"), filepath.Join(work, "node_modules")); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	args = append([]string{name, "--port", port, "--keyfile", filepath.Join(work, "key.json")}, args...)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "NODE_PATH=")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &lockedWriter{w: &stderr}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
	})
	ready := make(chan oidcOP, 1)
	go func() {
		var op oidcOP
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			k, v, _ := strings.Cut(sc.Text(), "=")
			switch k {
			case "OIDC_OP_ISSUER":
				op.issuer = v
			case "CLIENT_ID":
				op.clientID = v
			case "POST_CLIENT_ID":
				op.postClientID = v
			case "ACCESS_TOKEN_FORMAT":
				ready <- op
			}
		}
	}()
	select {
	case op := <-ready:
		return op
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not start; stderr:\n%s", name, stderr.String())
	}
	return oidcOP{}
}

type lockedWriter struct {
	mu sync.Mutex
	w  *strings.Builder
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

// signInWithBrowser runs the authorization code flow with c, driving a
// form-filling browser through the authorize URL.
func signInWithBrowser(t *testing.T, opts oauth.Options, b *oauthtest.Browser) (*oauth.Client, *oauth.Result, oauthtest.Page, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	urls := make(chan string, 1)
	opts.OnAuthorizeURL = func(u string) { urls <- u }
	c, err := oauth.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	type out struct {
		res *oauth.Result
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
		var perr error
		page, perr = b.Open(ctx, u)
		if perr != nil {
			t.Errorf("browser: %v (visited %v)", perr, b.Visited)
		}
	case o := <-done:
		return c, o.res, page, o.err
	}
	o := <-done
	return c, o.res, page, o.err
}

// Our hosted-UI client against a certified OpenID provider we did not
// write: discovery, PKCE S256, state, nonce, RFC 9207 iss, login and
// consent pages, the code exchange, userinfo, refresh, revocation, and the
// provider's refusals.
func TestOIDCProviderPKCE(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	redirect := "http://" + ln.Addr().String() + "/callback"
	op := startOIDCProvider(t, redirect)
	ctx := context.Background()

	var code string
	b := oauthtest.New(map[string]string{"login": "alice", "password": "any"})
	b.Tamper = func(u *url.URL) { code = u.Query().Get("code") }
	c, res, page, err := signInWithBrowser(t, oauth.Options{Issuer: op.issuer, ClientID: op.clientID, RedirectURI: redirect,
		Listener: ln, Scopes: []string{"openid", "email", "profile"}, Timeout: 30 * time.Second, Reveal: true}, b)
	if err != nil {
		t.Fatalf("sign-in: %v\ndiagnosis: %s\nvisited: %v", err, oauth.Diagnose(err), b.Visited)
	}
	if !strings.Contains(page.Body, "Signed in") || len(b.Pages) < 3 {
		t.Errorf("the browser saw %d pages, last %d %q", len(b.Pages), page.Status, page.Body)
	}
	tk := res.Tokens
	if tk.IDToken == "" || tk.AccessToken == "" || tk.RefreshToken == "" || tk.ExpiresIn <= 0 || tk.TokenType != "Bearer" {
		t.Fatalf("tokens = %+v", tk)
	}
	var redirectNotes, tokenNotes string
	for _, s := range c.Trace() {
		switch s.Operation {
		case oauth.OpRedirect:
			redirectNotes = strings.Join(s.Notes, " ")
			if s.Response["iss"] != op.issuer {
				t.Errorf("redirect iss = %q", s.Response["iss"])
			}
		case oauth.OpToken:
			tokenNotes = strings.Join(s.Notes, " ")
		}
	}
	if !strings.Contains(redirectNotes, "iss matches") || !strings.Contains(tokenNotes, "nonce, aud, iss, exp") {
		t.Errorf("checks not recorded: redirect %q, token %q", redirectNotes, tokenNotes)
	}

	claims, err := c.UserInfo(ctx, tk.AccessToken)
	if err != nil || claims["sub"] != "alice" || claims["email"] != "alice@example.com" {
		t.Errorf("userinfo = %v, %v", claims, err)
	}
	ref, err := c.Refresh(ctx, tk.RefreshToken)
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if ref.Tokens.AccessToken == tk.AccessToken || ref.Tokens.RefreshToken != tk.RefreshToken || ref.Tokens.RefreshRotated {
		t.Errorf("refreshed = %+v", ref.Tokens)
	}
	if err := c.Revoke(ctx, tk.RefreshToken); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	_, err = c.Refresh(ctx, tk.RefreshToken)
	assertOAuthError(t, err, "invalid_grant")

	// Replaying the code last: oidc-provider then revokes the grant.
	if code == "" {
		t.Fatal("the browser never saw the code")
	}
	var verifier string
	for _, s := range c.Trace() {
		if s.Operation == oauth.OpPKCE {
			verifier = s.Response["code_verifier"] // revealed
		}
	}
	_, err = c.ExchangeCode(ctx, code, redirect, verifier)
	assertOAuthError(t, err, "invalid_grant")
	if d := oauth.Diagnose(err); d.Ref != "b22" || !strings.Contains(d.Cause, "already used") {
		t.Errorf("replayed code: %+v", d)
	}
}

// An unregistered redirect URI: oidc-provider shows its own error page
// (400), which the check before the browser reads.
func TestOIDCProviderRedirectNotRegistered(t *testing.T) {
	op := startOIDCProvider(t, "http://127.0.0.1:1/registered")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	redirect := "http://" + ln.Addr().String() + "/callback"
	c, err := oauth.New(oauth.Options{Issuer: op.issuer, ClientID: op.clientID, RedirectURI: redirect, Listener: ln, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.AuthorizationCode(context.Background())
	oe := assertOAuthError(t, err, "invalid_redirect_uri")
	if !oe.ErrorPage || oe.HTTPStatus != 400 {
		t.Errorf("error = %#v", oe)
	}
	if d := oauth.Diagnose(err); d.Ref != "b20" || !strings.Contains(d.Cause, redirect) {
		t.Errorf("diagnosis = %+v", d)
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Errorf("the listener is still open")
	}
}

func assertOAuthError(t *testing.T, err error, code string) *oauth.Error {
	t.Helper()
	var oe *oauth.Error
	if !errors.As(err, &oe) || oe.Code != code {
		t.Fatalf("err = %v, want %s", err, code)
	}
	return oe
}
