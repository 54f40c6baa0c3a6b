package login

import (
	"context"
	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/cmd/internal/cmdutil/cmdtest"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogscope/cogscope/cmd/internal/config"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/flows/oauth/oauthtest"
	"github.com/cogscope/cogscope/internal/local/cognito"
)

// watchedBuffer is a stderr that tells when a line starting with a prefix
// is written (the authorize URL), safe for the flow's goroutines.
type watchedBuffer struct {
	mu     sync.Mutex
	b      strings.Builder
	prefix string
	lines  chan string
}

func (w *watchedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b.Write(p)
	for _, line := range strings.Split(string(p), "\n") {
		if w.prefix != "" && strings.HasPrefix(line, w.prefix) {
			select {
			case w.lines <- line:
			default:
			}
		}
	}
	return len(p), nil
}

func (w *watchedBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// hostedRun runs one login command; while it runs, drive gets the
// authorize URL printed on stderr (if any) and plays the browser.
func (e *loginEnv) hostedRun(t *testing.T, ctx context.Context, stdin string, drive func(authorizeURL string), args ...string) runResult {
	t.Helper()
	var out strings.Builder
	errOut := &watchedBuffer{prefix: "http", lines: make(chan string, 1)}
	f := &cmdutil.Factory{
		IO:   cmdutil.IOStreams{In: strings.NewReader(stdin), Out: &out, ErrOut: errOut},
		Env:  func(k string) string { return e.env[k] },
		Now:  time.Now,
		HTTP: &http.Client{Timeout: 10 * time.Second},
	}
	code := make(chan int, 1)
	go func() { code <- runCLI(ctx, f, args) }()
	var driven sync.WaitGroup
	if drive != nil {
		driven.Add(1)
		go func() {
			defer driven.Done()
			select {
			case u := <-errOut.lines:
				drive(u)
			case <-ctx.Done():
			}
		}()
	}
	var c int
	select {
	case c = <-code:
	case <-time.After(30 * time.Second):
		t.Fatalf("login did not end; stderr:\n%s", errOut.String())
	}
	if drive != nil {
		// A run that failed before printing the URL leaves the driver
		// waiting: release it.
		select {
		case errOut.lines <- "":
		default:
		}
		driven.Wait()
	}
	return runResult{code: c, out: out.String(), errOut: errOut.String()}
}

// oauthClient creates a client of the demo pool (cmdtest.OAuthClient).
func (e *loginEnv) oauthClient(t *testing.T, secret bool, flows ...types.OAuthFlowType) (id, sec, redirect string) {
	t.Helper()
	return cmdtest.OAuthClient(t, e.stack, secret, flows...)
}

func demoSignIn(t *testing.T, ctx context.Context) func(string) {
	return func(u string) {
		if u == "" {
			return
		}
		b := oauthtest.New(map[string]string{"username": cognito.DemoUsername, "password": cognito.DemoPassword})
		if p, err := b.Open(ctx, u); err != nil || !strings.Contains(p.Body, "Signed in") {
			t.Errorf("browser: %v; last page %d %q; visited %v", err, p.Status, p.Body, b.Visited)
		}
	}
}

type loginDoc = cmdtest.LoginDoc

func decodeLogin(t *testing.T, out string) loginDoc {
	t.Helper()
	return cmdtest.DecodeLogin(t, out)
}

// pkce --no-browser --json: the URL alone on a line of stderr, the tokens
// and the trace on stdout; then refresh-token from the saved session.
func TestLoginPKCEJSONAndRefresh(t *testing.T) {
	t.Parallel()
	e := newLoginEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	id, _, redirect := e.oauthClient(t, false)
	base := []string{"login", "--endpoint", e.stack.Endpoint, "--user-pool-id", cognito.DemoPoolID, "--client-id", id}
	r := e.hostedRun(t, ctx, "", demoSignIn(t, ctx), append(base, "--flow", "pkce", "--no-browser", "--json",
		"--redirect-uri", redirect, "--scope", "openid email", "--timeout", "20s")...)
	if r.code != cmdutil.ExitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.out, r.errOut)
	}
	var urlLine string
	for _, line := range strings.Split(r.errOut, "\n") {
		if strings.HasPrefix(line, "http") {
			urlLine = line
		}
	}
	if !strings.HasPrefix(urlLine, e.stack.Demo.HostedUI+"/oauth2/authorize?") || strings.Contains(urlLine, " ") {
		t.Errorf("the authorize URL is not alone on a line of stderr:\n%s", r.errOut)
	}
	doc := decodeLogin(t, r.out)
	if doc.Tokens == nil || doc.Tokens.IDToken == "" || doc.Tokens.RefreshToken == "" || doc.Error != nil {
		t.Fatalf("doc = %+v", doc)
	}
	var ops []string
	for _, s := range doc.Trace {
		ops = append(ops, s.Operation)
	}
	if strings.Join(ops, " ") != "Discovery PKCE AuthorizeCheck Authorize Redirect Token" {
		t.Errorf("trace = %v", ops)
	}
	if strings.Contains(r.out, `"code_verifier": "`+doc.Trace[1].Response["code_verifier"]) && doc.Trace[1].Response["code_verifier"] != flows.Redacted {
		t.Errorf("the verifier is not redacted: %v", doc.Trace[1].Response)
	}
	key := config.SessionKey("", cognito.DemoPoolID, id)
	sess, err := e.store().Load(key)
	if err != nil || sess.Flow != "pkce" || sess.Tokens.RefreshToken != doc.Tokens.RefreshToken || sess.Username != cognito.DemoUsername {
		t.Fatalf("session = %+v, %v", sess, err)
	}

	// The saved refresh token, at the token endpoint.
	r = e.hostedRun(t, ctx, "", nil, append(base, "--flow", "refresh-token")...)
	if r.code != cmdutil.ExitOK {
		t.Fatalf("refresh: exit %d\n%s\n%s", r.code, r.out, r.errOut)
	}
	for _, want := range []string{" 1. Discovery ", " 2. Token refresh_token → tokens", "refresh_token", "[redacted]", "access token   expires"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("refresh output lacks %q:\n%s", want, r.out)
		}
	}
	if strings.Contains(r.out+r.errOut, doc.Tokens.RefreshToken) {
		t.Error("the refresh token was printed")
	}
}

// The readable output, and $BROWSER opening the URL instead of
// --no-browser.
func TestLoginPKCEWithBrowserCommand(t *testing.T) {
	t.Parallel()
	e := newLoginEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	id, _, redirect := e.oauthClient(t, false)
	urlFile := filepath.Join(e.dir, "opened-url")
	script := filepath.Join(e.dir, "browser.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nprintf '%s' \"$1\" > "+urlFile+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	e.env["BROWSER"] = script
	opened := make(chan string, 1)
	go func() {
		for ctx.Err() == nil {
			if b, err := os.ReadFile(urlFile); err == nil && len(b) > 0 {
				opened <- string(b)
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	drive := func(printed string) {
		select {
		case u := <-opened:
			if u != printed {
				t.Errorf("opened %q, printed %q", u, printed)
			}
			demoSignIn(t, ctx)(u)
		case <-ctx.Done():
		}
	}
	r := e.hostedRun(t, ctx, "", drive, "login", "--endpoint", e.stack.Endpoint, "--user-pool-id", cognito.DemoPoolID,
		"--client-id", id, "--flow", "pkce", "--redirect-uri", redirect, "--no-save")
	if r.code != cmdutil.ExitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.out, r.errOut)
	}
	for _, want := range []string{"Discovery", "Compute the PKCE proof key", "Authorize in the browser", "Redirect to " + redirect + " → code",
		"Token authorization_code → tokens", "code_verifier", "[redacted]", "id token       expires"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.out)
		}
	}
	if !strings.Contains(r.errOut, "Opening the browser") {
		t.Errorf("stderr:\n%s", r.errOut)
	}
}

func TestLoginClientCredentials(t *testing.T) {
	t.Parallel()
	e := newLoginEnv(t)
	ctx := context.Background()
	base := []string{"login", "--endpoint", e.stack.Endpoint, "--user-pool-id", cognito.DemoPoolID, "--client-id", cognito.DemoSecretClientID,
		"--flow", "client-credentials", "--client-secret-stdin", "--json", "--no-save"}
	for _, auth := range []string{"basic", "post"} {
		r := e.hostedRun(t, ctx, cognito.DemoClientSecret+"\n", nil, append(base, "--scope", "cogscope-api/read", "--client-auth", auth)...)
		if r.code != cmdutil.ExitOK {
			t.Fatalf("%s: exit %d\n%s\n%s", auth, r.code, r.out, r.errOut)
		}
		doc := decodeLogin(t, r.out)
		c, err := flows.UnverifiedClaims(doc.Tokens.AccessToken)
		if err != nil || c.ClientID != cognito.DemoSecretClientID || doc.Tokens.IDToken != "" {
			t.Errorf("%s: tokens %+v claims %+v", auth, doc.Tokens, c)
		}
		if strings.Contains(r.out, cognito.DemoClientSecret) {
			t.Errorf("%s: the client secret is in the output", auth)
		}
	}
	// A wrong secret: the provider refuses, exit 1, diagnosis on stderr
	// and in the JSON.
	r := e.hostedRun(t, ctx, "wrong\n", nil, base...)
	if r.code != cmdutil.ExitRefused {
		t.Fatalf("exit %d\n%s", r.code, r.errOut)
	}
	doc := decodeLogin(t, r.out)
	if doc.Error == nil || doc.Error.Type != "invalid_client" || !strings.HasPrefix(doc.Error.Link, flows.TroubleshootingURL+"#oauth.") || doc.Tokens != nil {
		t.Errorf("doc.error = %+v", doc.Error)
	}
	if !strings.Contains(r.errOut, "Token (client_credentials) refused: invalid_client") || !strings.Contains(r.errOut, "cause:") {
		t.Errorf("stderr:\n%s", r.errOut)
	}
}

// With no target at all, the hosted-UI flows use the in-process local
// stack's demo pool.
func TestLoginHostedNoTarget(t *testing.T) {
	t.Parallel()
	e := &loginEnv{dir: t.TempDir()}
	e.env = map[string]string{"XDG_CONFIG_HOME": filepath.Join(e.dir, "c"), "XDG_STATE_HOME": filepath.Join(e.dir, "s")}
	r := e.hostedRun(t, context.Background(), "", nil, "login", "--flow", "client-credentials", "--json")
	if r.code != cmdutil.ExitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.out, r.errOut)
	}
	if doc := decodeLogin(t, r.out); doc.Tokens == nil || doc.Tokens.AccessToken == "" {
		t.Errorf("doc = %+v", doc)
	}
	if !strings.Contains(r.errOut, "demo pool "+cognito.DemoPoolID) || !strings.Contains(r.errOut, cognito.DemoSecretClientID) {
		t.Errorf("stderr:\n%s", r.errOut)
	}
}

// Bad input: exit 2, a clear message, nothing left waiting.
func TestLoginHostedBadInput(t *testing.T) {
	t.Parallel()
	e := newLoginEnv(t)
	id, _, redirect := e.oauthClient(t, false)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	busyRedirect := "http://" + busy.Addr().String() + "/callback"
	web, err := e.stack.CognitoClient().CreateUserPoolClient(context.Background(), &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(cognito.DemoPoolID), ClientName: aws.String("web-only"), AllowedOAuthFlows: []types.OAuthFlowType{"code"},
		AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: []string{"openid"}, SupportedIdentityProviders: []string{"COGNITO"},
		CallbackURLs: []string{"https://app.example.com/callback", "myapp://callback"},
	})
	if err != nil {
		t.Fatal(err)
	}
	webOnly := aws.ToString(web.UserPoolClient.ClientId)
	base := []string{"login", "--endpoint", e.stack.Endpoint, "--user-pool-id", cognito.DemoPoolID, "--client-id", id, "--no-save"}
	for _, tc := range []struct {
		name  string
		args  []string
		code  int
		wants []string
	}{
		{"hosted flag on an API flow", []string{"--flow", "srp", "--issuer", "https://x.example.com"}, cmdutil.ExitUsage, []string{"--issuer only apply to --flow pkce"}},
		{"username with pkce", []string{"--flow", "pkce", "--username", "demo"}, cmdutil.ExitUsage, []string{"--username do not apply"}},
		{"redirect with client credentials", []string{"--flow", "client-credentials", "--redirect-uri", redirect}, cmdutil.ExitUsage, []string{"--redirect-uri only apply to --flow pkce"}},
		{"client without a loopback callback", []string{"--flow", "pkce", "--client-id", webOnly}, cmdutil.ExitUsage,
			[]string{"has no loopback callback URL", "https://app.example.com/callback", "--redirect-uri"}},
		{"client auth", []string{"--flow", "pkce", "--client-auth", "jwt"}, cmdutil.ExitUsage, []string{"--client-auth"}},
		{"timeout", []string{"--flow", "pkce", "--timeout", "0s"}, cmdutil.ExitUsage, []string{"--timeout must be positive"}},
		{"client credentials without secret", []string{"--flow", "client-credentials"}, cmdutil.ExitUsage, []string{"needs the app client's secret"}},
		{"non-loopback redirect", []string{"--flow", "pkce", "--no-browser", "--redirect-uri", "https://app.example.com/callback"}, cmdutil.ExitUsage,
			[]string{"is not this machine's loopback", "cause:", "fix:"}},
		{"port taken", []string{"--flow", "pkce", "--no-browser", "--redirect-uri", busyRedirect}, cmdutil.ExitUsage,
			[]string{"already in use", busy.Addr().String()}},
		{"redirect not registered", []string{"--flow", "pkce", "--no-browser", "--redirect-uri", strings.Replace(redirect, "/callback", "/other", 1)}, cmdutil.ExitRefused,
			[]string{"redirect_mismatch", "/error?error=redirect_mismatch"}},
		{"scope not allowed", []string{"--flow", "pkce", "--no-browser", "--redirect-uri", redirect, "--scope", "openid offline_access"}, cmdutil.ExitRefused,
			[]string{"invalid_scope", "AllowedOAuthScopes"}},
		{"no redirect in time", []string{"--flow", "pkce", "--no-browser", "--redirect-uri", redirect, "--timeout", "200ms"}, cmdutil.ExitUsage,
			[]string{"nothing arrived at " + redirect, "redirect_mismatch"}},
		{"bad issuer", []string{"--flow", "pkce", "--issuer", e.stack.Endpoint + "/us-east-1_NoSuchPool"}, cmdutil.ExitUsage,
			[]string{"no discovery document", "does not exist"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.hostedRun(t, context.Background(), "", nil, append(append([]string{}, base...), tc.args...)...)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tc.code, r.out, r.errOut)
			}
			for _, w := range tc.wants {
				if !strings.Contains(r.errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.errOut)
				}
			}
		})
	}
	// Nothing listens on the callback port after the failures.
	if c, err := net.DialTimeout("tcp", strings.TrimSuffix(strings.TrimPrefix(redirect, "http://"), "/callback"), time.Second); err == nil {
		c.Close()
		t.Errorf("the callback port is still open")
	}
}

// Ctrl-C while waiting for the browser: exit 130 and the listener is gone.
func TestLoginPKCECancelled(t *testing.T) {
	t.Parallel()
	e := newLoginEnv(t)
	id, _, redirect := e.oauthClient(t, false)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := e.hostedRun(t, ctx, "", func(string) { cancel() }, "login", "--endpoint", e.stack.Endpoint, "--user-pool-id", cognito.DemoPoolID,
		"--client-id", id, "--flow", "pkce", "--no-browser", "--redirect-uri", redirect)
	if r.code != cmdutil.ExitInterrupted || !strings.Contains(r.errOut, "cancelled") {
		t.Fatalf("exit %d\n%s", r.code, r.errOut)
	}
	addr := strings.TrimSuffix(strings.TrimPrefix(redirect, "http://"), "/callback")
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Errorf("%s still listening after cancel", addr)
	}
}

// With --endpoint and --client-id alone (the README's commands), the
// client's pool is found on the endpoint, and a PKCE sign-in listens on
// the client's registered loopback callback URL, port included.
func TestLoginHostedFindsPoolAndCallback(t *testing.T) {
	t.Parallel()
	e := newLoginEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r := e.hostedRun(t, ctx, cognito.DemoClientSecret+"\n", nil, "login", "--endpoint", e.stack.Endpoint, "--flow", "client-credentials",
		"--client-id", cognito.DemoSecretClientID, "--client-secret-stdin", "--scope", "cogscope-api/read", "--json", "--no-save")
	if r.code != cmdutil.ExitOK {
		t.Fatalf("client credentials: exit %d\n%s\n%s", r.code, r.out, r.errOut)
	}
	if doc := decodeLogin(t, r.out); doc.Tokens == nil || doc.Trace[0].Request["url"] != e.stack.Demo.Issuer+"/.well-known/openid-configuration" {
		t.Errorf("doc = %+v", doc)
	}

	id, _, redirect := e.oauthClient(t, false)
	r = e.hostedRun(t, ctx, "", demoSignIn(t, ctx), "login", "--endpoint", e.stack.Endpoint, "--client-id", id, "--flow", "pkce",
		"--no-browser", "--json", "--no-save")
	if r.code != cmdutil.ExitOK {
		t.Fatalf("pkce: exit %d\n%s\n%s", r.code, r.out, r.errOut)
	}
	if !strings.Contains(r.errOut, "Using the app client's loopback callback URL "+redirect) {
		t.Errorf("stderr:\n%s", r.errOut)
	}
	doc := decodeLogin(t, r.out)
	if doc.Tokens == nil || doc.Trace[3].Request["redirect_uri"] != redirect {
		t.Errorf("doc = %+v", doc)
	}

	r = e.hostedRun(t, ctx, "", nil, "login", "--endpoint", e.stack.Endpoint, "--client-id", "nosuchclient", "--flow", "pkce", "--no-browser")
	if r.code != cmdutil.ExitUsage || !strings.Contains(r.errOut, "no user pool at "+e.stack.Endpoint+" has the app client nosuchclient") {
		t.Errorf("unknown client: exit %d\n%s", r.code, r.errOut)
	}
}
