package console

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/cmd/internal/cmdutil/cmdtest"
	"github.com/cogscope/cogscope/internal/local/localtest"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/flows/oauth"
	"github.com/cogscope/cogscope/flows/oauth/oauthtest"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/ui/service"
)

// profileFor writes a profile "local" for a client of the demo pool on
// the stack, with its loopback callback.
func profileFor(endpoint, clientID, redirect string) string {
	return fmt.Sprintf(`default_profile = "local"

[profiles.local]
endpoint     = %q
user_pool_id = %q
client_id    = %q

[profiles.local.hosted_ui]
callback_url = %q
scopes       = ["openid", "email"]
`, endpoint, cognito.DemoPoolID, clientID, redirect)
}

// signInAsDemo plays the browser: it fills the hosted UI's login form as
// the demo user and follows the redirect to the console's listener. The
// client returns once the redirect arrived, while the browser still reads
// the answer: the browser is waited for when the test ends.
func signInAsDemo(t *testing.T, ctx context.Context) func(string) error {
	var wg sync.WaitGroup
	t.Cleanup(wg.Wait)
	return func(u string) error {
		wg.Add(1)
		defer wg.Done()
		b := oauthtest.New(map[string]string{"username": cognito.DemoUsername, "password": cognito.DemoPassword})
		p, err := b.Open(ctx, u)
		if err == nil && !strings.Contains(p.Body, "Signed in") {
			err = fmt.Errorf("last page %d %q", p.Status, p.Body)
		}
		if err != nil {
			t.Errorf("browser: %v (visited %v)", err, b.Visited)
		}
		return err
	}
}

// Hosted-UI PKCE from a profile: the browser is opened with the authorize
// URL, the steps are flows/oauth's (unredacted: the console masks), the
// tokens verify, they are saved under the profile (0600) and the next
// console starts with them.
func TestConsolePKCEWithAProfile(t *testing.T) {
	t.Parallel()
	le := localtest.Start(t)
	id, _, redirect := cmdtest.OAuthClient(t, le, false)
	e := newConsoleEnv(t, profileFor(le.Endpoint, id, redirect))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := newConsole(ctx, e.factory(cmdutil.GlobalOptions{}), cmdutil.TargetFlags{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	c.open = signInAsDemo(t, ctx)
	opts := c.options()
	if opts.Target.Label() != "profile local at "+le.Endpoint || opts.Target.Scopes != "openid email" || opts.Session != nil {
		t.Fatalf("target %+v, session %v", opts.Target, opts.Session)
	}
	run, err := opts.SignIn.Start(ctx, service.SignInRequest{Flow: service.FlowPKCE, Scopes: strings.Fields(opts.Target.Scopes)})
	if err != nil {
		t.Fatal(err)
	}
	steps, tk, err := drain(t, run)
	if err != nil || tk == nil || tk.IDToken == "" || tk.RefreshToken == "" {
		t.Fatalf("PKCE: %+v %v", tk, err)
	}
	var ops []string
	for _, s := range steps {
		ops = append(ops, s.Operation)
	}
	want := []string{oauth.OpDiscovery, oauth.OpPKCE, oauth.OpAuthorizeCheck, oauth.OpAuthorize, oauth.OpRedirect, oauth.OpToken}
	if strings.Join(ops, " ") != strings.Join(want, " ") {
		t.Fatalf("steps %v, want %v", ops, want)
	}
	if v := steps[1].Response["code_verifier"]; v == "" || v == flows.Redacted {
		t.Errorf("the verifier is recorded for m to show: %q", v)
	}
	if u := steps[3].Request["url"]; !strings.HasPrefix(u, le.Demo.HostedUI+"/oauth2/authorize?") || !strings.Contains(u, url.QueryEscape(redirect)) {
		t.Errorf("the Authorize step carries the URL the browser opened: %q", u)
	}
	if r, err := opts.Tokens.Inspect(ctx, tk.AccessToken, service.TokenAccess); err != nil || !r.Valid {
		t.Fatalf("access token: %v %v", err, r.Failed())
	}

	where, err := opts.SaveSession(ctx, *tk, string(service.FlowPKCE))
	if err != nil || where != "local" {
		t.Fatalf("save: %q %v", where, err)
	}
	file := filepath.Join(e.dir, "state", "cogscope", "sessions", "local.json")
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("session file %v: %v", fi, err)
	}
	sess, err := c.store.Load("local")
	if err != nil || sess.Flow != "pkce" || sess.Username != cognito.DemoUsername || sess.ClientID != id || sess.Tokens.RefreshToken != tk.RefreshToken {
		t.Fatalf("saved session %+v %v", sess, err)
	}

	// The next console (and `cogscope login --flow refresh`) starts with it.
	c2, err := newConsole(ctx, e.factory(cmdutil.GlobalOptions{}), cmdutil.TargetFlags{})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.close()
	o2 := c2.options()
	if o2.Session == nil || o2.Session.AccessToken != tk.AccessToken || o2.Session.RefreshToken != tk.RefreshToken {
		t.Fatalf("the console starts with the saved session: %+v", o2.Session)
	}
	renewed, err := o2.Tokens.Refresh(ctx, *o2.Session)
	if err != nil || renewed.AccessToken == tk.AccessToken {
		t.Fatalf("refresh of the saved session: %v", err)
	}
	// `cogscope login` reads the same store: its refresh uses the
	// console's session.
	f := e.factory(cmdutil.GlobalOptions{})
	if code := runCLI(ctx, f, []string{"login", "--flow", "refresh", "--json"}); code != cmdutil.ExitOK {
		t.Fatalf("login --flow refresh after the console: exit %d: %s", code, f.IO.ErrOut)
	}
	if doc := cmdtest.DecodeLogin(t, f.IO.Out.(*bytes.Buffer).String()); doc.Tokens == nil || doc.Tokens.AccessToken == "" {
		t.Fatalf("login refreshed nothing: %+v", doc)
	}
}

// esc cancels the run's context: the loopback listener closes at once and
// its port is free again.
func TestConsolePKCECancelClosesTheListener(t *testing.T) {
	t.Parallel()
	le := localtest.Start(t)
	id, _, redirect := cmdtest.OAuthClient(t, le, false)
	e := newConsoleEnv(t, profileFor(le.Endpoint, id, redirect))
	c, err := newConsole(context.Background(), e.factory(cmdutil.GlobalOptions{}), cmdutil.TargetFlags{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	opened := make(chan string, 1)
	c.open = func(u string) error { opened <- u; return nil } // a browser nobody uses
	opts := c.options()
	ctx, cancel := context.WithCancel(context.Background())
	run, err := opts.SignIn.Start(ctx, service.SignInRequest{Flow: service.FlowPKCE, Scopes: []string{"openid"}})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-opened:
	case <-time.After(10 * time.Second):
		t.Fatal("the browser was never opened")
	}
	addr := strings.TrimSuffix(strings.TrimPrefix(redirect, "http://"), "/callback")
	if ln, err := net.Listen("tcp", addr); err == nil {
		ln.Close()
		t.Fatalf("nothing listens on %s while the sign-in waits", addr)
	}
	cancel()
	deadline := time.Now().Add(5 * time.Second)
	for {
		ln, err := net.Listen("tcp", addr)
		if err == nil {
			ln.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the listener on %s is still open after cancel: %v", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for ev := range run.Events() {
		if ev.Tokens != nil || ev.Err != nil {
			t.Fatalf("a cancelled run reported %+v", ev)
		}
	}
}

// The browser is $BROWSER when set, as for `cogscope login`.
func TestConsoleOpensBrowserFromTheEnvironment(t *testing.T) {
	t.Parallel()
	e := newConsoleEnv(t, "")
	got := filepath.Join(e.dir, "opened")
	script := filepath.Join(e.dir, "browser.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nprintf '%s' \"$1\" > "+got+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	e.env["BROWSER"] = script
	c, err := newConsole(context.Background(), e.factory(cmdutil.GlobalOptions{Endpoint: "http://127.0.0.1:9"}), cmdutil.TargetFlags{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	const u = "http://127.0.0.1:9/_domain/cogscope-demo/oauth2/authorize?client_id=x"
	if err := c.options().OpenURL(u); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(got); err != nil || string(b) != u {
		t.Fatalf("$BROWSER got %q, %v", b, err)
	}
}

// The console records hosted-UI steps unredacted and masks with
// flows.IsSecretKey: every value flows/oauth redacts must be under a key
// IsSecretKey names, or `m` would be the only thing hiding nothing.
func TestOAuthRedactionIsWhatTheConsoleMasks(t *testing.T) {
	t.Parallel()
	le := localtest.Start(t)
	id, secret, redirect := cmdtest.OAuthClient(t, le, true, "code", "client_credentials")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := oauth.New(oauth.Options{Issuer: le.Endpoint + "/" + cognito.DemoPoolID, ClientID: id, ClientSecret: secret,
		RedirectURI: redirect, Scopes: []string{"openid", "email"}, OpenBrowser: signInAsDemo(t, ctx)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.AuthorizationCode(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Refresh(ctx, res.Tokens.RefreshToken); err != nil {
		t.Fatal(err)
	}
	if err := c.Revoke(ctx, res.Tokens.RefreshToken); err != nil {
		t.Fatal(err)
	}
	post, err := oauth.New(oauth.Options{Issuer: le.Endpoint + "/" + cognito.DemoPoolID, ClientID: id, ClientSecret: secret,
		ClientAuth: oauth.ClientSecretPost, Scopes: []string{"cogscope-api/read"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := post.ClientCredentials(ctx); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, s := range append(c.Trace(), post.Trace()...) {
		for _, m := range []map[string]string{s.Request, s.Response} {
			for k, v := range m {
				if v == flows.Redacted {
					seen[k] = true
					if !flows.IsSecretKey(k) {
						t.Errorf("%s step: %s is redacted but the console would show it", s.Operation, k)
					}
				} else if flows.IsSecretKey(k) && v != "" && !strings.HasPrefix(v, "Bearer ") {
					t.Errorf("%s step: %s = %q is shown by the CLI but masked by the console", s.Operation, k, v)
				}
			}
		}
	}
	for _, k := range []string{"code_verifier", "code", "refresh_token", "client_secret", "Authorization", "token"} {
		if !seen[k] {
			t.Errorf("no step redacted %s: the journey no longer covers it", k)
		}
	}
}

// A callback port another program holds is this machine's problem, said
// inline (not as a service that went away), with the diagnosis.
func TestConsolePKCEPortInUse(t *testing.T) {
	t.Parallel()
	le := localtest.Start(t)
	id, _, redirect := cmdtest.OAuthClient(t, le, false)
	held, err := net.Listen("tcp", strings.TrimSuffix(strings.TrimPrefix(redirect, "http://"), "/callback"))
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	e := newConsoleEnv(t, profileFor(le.Endpoint, id, redirect))
	c, err := newConsole(context.Background(), e.factory(cmdutil.GlobalOptions{}), cmdutil.TargetFlags{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	c.open = func(string) error { t.Error("no browser is opened without a listener"); return nil }
	run, err := c.options().SignIn.Start(context.Background(), service.SignInRequest{Flow: service.FlowPKCE})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = drain(t, run)
	var fail *service.Failure
	if !errors.As(err, &fail) || fail.Transport || fail.Operation != "listen" || !strings.Contains(fail.Cause, "Another program") || fail.Fix == "" {
		t.Fatalf("failure %+v", fail)
	}
	// The console has no --redirect-uri: the profile's key is its way.
	if strings.Contains(fail.Fix, "--redirect-uri") || !strings.Contains(fail.Fix, "hosted_ui.callback_url") {
		t.Errorf("fix %q", fail.Fix)
	}
}
