package replay

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cogscope/cogscope/cmd/internal/cli/call"
	"github.com/cogscope/cogscope/cmd/internal/cli/login"
	"github.com/cogscope/cogscope/cmd/internal/cli/transcriptcmd"
	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/cmd/internal/cmdutil/cmdtest"
	"github.com/cogscope/cogscope/flows/oauth"
	"github.com/cogscope/cogscope/flows/oauth/oauthtest"
	"github.com/cogscope/cogscope/internal/local/apigw"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/transcript"
)

const (
	hdevClient    = "hdevclient0000000000000001"
	htwinClient   = "htwinclient000000000000001"
	hconfClient   = "hconfclient000000000000001"
	hnarrowClient = "hnarrowclient0000000000001"
	hcbClient     = "hcbclient00000000000000001"
	hwebClient    = "hwebclient0000000000000001"
	hconfSecret   = "hconfclientsecretforthereplaytest0123456789abcdef"
)

// hostedWorld adds to the world pools with a hosted UI, each configured
// as hdev but for one thing, an API per pool, and their profiles:
//
//	hdev     pool hdev, client hdevClient (scopes openid email profile, callback cb), API hdevapi (GET /private: JWT, audience hdevClient)
//	htwin    pool htwin, client htwinClient configured as hdevClient, API htwinapi (audience htwinClient, hconfClient)
//	hsecret  pool htwin, confidential client hconfClient, client_secret_env naming an unset variable
//	hnarrow  pool htwin, client hnarrowClient allowed scope openid only
//	hcb      pool htwin, client hcbClient registering another loopback callback; hosted_ui.callback_url = cb
//	hweb     pool htwin, client hwebClient registering no loopback callback
//	hnopool  no pool: client htwinClient on the stack's endpoint (its pool is looked up)
type hostedWorld struct {
	*world
	cb string // the loopback callback most clients register
}

func newHostedWorld(t *testing.T) *hostedWorld {
	t.Helper()
	w := &hostedWorld{world: newWorld(t), cb: freeCallback(t)}
	other := freeCallback(t)
	scopes := []string{"openid", "email", "profile"}
	client := func(id string, scopes []string, callbacks ...string) cognito.ClientSeed {
		return cognito.ClientSeed{ID: id, Name: id, AllowedOAuthFlows: []string{"code"}, AllowedOAuthScopes: scopes,
			AllowedOAuthFlowsUserPoolClient: true, SupportedIdentityProviders: []string{"COGNITO"}, CallbackURLs: callbacks,
			ExplicitAuthFlows: []string{"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}
	}
	conf := client(hconfClient, scopes, w.cb)
	conf.Secret = hconfSecret
	alice := []cognito.UserSeed{{Username: user, Password: password}}
	err := w.stack.Cognito.ApplySeed(cognito.Seed{UserPools: []cognito.PoolSeed{
		{Name: "hdev", Domain: "cogscope-hdev", Users: alice, Clients: []cognito.ClientSeed{client(hdevClient, scopes, w.cb)}},
		{Name: "htwin", Domain: "cogscope-htwin", Users: alice, Clients: []cognito.ClientSeed{client(htwinClient, scopes, w.cb), conf,
			client(hnarrowClient, []string{"openid"}, w.cb), client(hcbClient, scopes, other),
			client(hwebClient, scopes, "https://app.example.com/callback")}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	pools := map[string]string{}
	for _, p := range w.stack.Cognito.Describe() {
		pools[p.Name] = p.ID
	}
	api := func(id, pool string, audience ...string) apigw.HTTPAPISeed {
		return apigw.HTTPAPISeed{ID: id, Name: id,
			Authorizers: []apigw.HTTPAuthorizerSeed{{Name: "jwt", Type: "JWT", UserPoolID: pool, Audience: audience}},
			Routes:      []apigw.HTTPRouteSeed{{RouteKey: "GET /private", Authorizer: "jwt"}}}
	}
	if err := w.stack.Gateway.ApplySeed(apigw.Seed{HTTPAPIs: []apigw.HTTPAPISeed{
		api("hdevapi001", pools["hdev"], hdevClient), api("htwinapi01", pools["htwin"], htwinClient, hconfClient),
	}}); err != nil {
		t.Fatal(err)
	}
	profile := func(name, pool, client, apiID, extra string) string {
		return fmt.Sprintf("[profiles.%s]\nregion = %q\nendpoint = %q\nuser_pool_id = %q\nclient_id = %q\n%s[profiles.%s.api]\nbase_url = %q\n",
			name, w.stack.Region, w.stack.Endpoint, pool, client, extra, name, apigw.InvokeURL(w.stack.Endpoint, apiID, ""))
	}
	cfg, err := os.ReadFile(w.cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg = append(cfg, profile("hdev", pools["hdev"], hdevClient, "hdevapi001", "")+
		profile("htwin", pools["htwin"], htwinClient, "htwinapi01", "")+
		profile("hsecret", pools["htwin"], hconfClient, "htwinapi01", "client_secret_env = \"HCONF_SECRET_UNSET\"\n")+
		profile("hnarrow", pools["htwin"], hnarrowClient, "htwinapi01", "")+
		profile("hcb", pools["htwin"], hcbClient, "htwinapi01", "")+fmt.Sprintf("[profiles.hcb.hosted_ui]\ncallback_url = %q\n", w.cb)+
		profile("hweb", pools["htwin"], hwebClient, "htwinapi01", "")+
		strings.Replace(profile("hnopool", "", htwinClient, "htwinapi01", ""), "user_pool_id = \"\"\n", "", 1)...)
	if err := os.WriteFile(w.cfg, cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	return w
}

// freeCallback is a loopback callback URL on a port free when it returns.
func freeCallback(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return "http://" + ln.Addr().String() + "/callback"
}

// watchedErr is a stderr safe for the flows' goroutines that hands over
// every line that is a URL alone (the authorize URL --no-browser prints).
type watchedErr struct {
	mu   sync.Mutex
	b    strings.Builder
	urls chan string
}

func (w *watchedErr) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b.Write(p)
	for _, line := range strings.Split(string(p), "\n") {
		if strings.HasPrefix(line, "http") && !strings.Contains(line, " ") {
			select {
			case w.urls <- line:
			default:
			}
		}
	}
	return len(p), nil
}

func (w *watchedErr) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

type hostedResult struct {
	code        int
	out, errOut string
	opened      int // URLs the browser was asked to open
}

// runHosted runs `cogscope --config <file> ARGS` with stdin (not a
// terminal). browse, when not nil, plays the person at the browser for
// each URL: the one the command opens (the Factory's OpenBrowser), or,
// with --no-browser, the one it prints alone on a line of stderr. With
// browse nil the browser is $BROWSER's.
func (w *hostedWorld) runHosted(t *testing.T, ctx context.Context, stdin string, browse func(u string), args ...string) hostedResult {
	t.Helper()
	var out strings.Builder
	errOut := &watchedErr{urls: make(chan string, 4)}
	f := &cmdutil.Factory{IO: cmdutil.IOStreams{In: strings.NewReader(stdin), Out: &out, ErrOut: errOut},
		Env: func(k string) string { return w.env[k] }}
	var browsers sync.WaitGroup
	var mu sync.Mutex
	opened := 0
	play := func(u string) {
		mu.Lock()
		opened++
		mu.Unlock()
		browsers.Add(1)
		go func() {
			defer browsers.Done()
			browse(u)
		}()
	}
	noBrowser := slices.Contains(args, "--no-browser")
	if browse != nil && !noBrowser {
		f.OpenBrowser = func(u string) error {
			play(u)
			return nil
		}
	}
	root := cmdutil.NewRootCmd(f)
	root.AddCommand(login.NewCmdLogin(f, nil), call.NewCmdCall(f, nil), transcriptcmd.NewCmdTranscript(f, nil), NewCmdReplay(f, nil))
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- cmdutil.Execute(ctx, f, root, append([]string{"--config", w.cfg}, args...)) }()
	var code int
	for finished := false; !finished; {
		select {
		case code = <-done:
			finished = true
		case u := <-errOut.urls:
			if browse != nil && noBrowser {
				play(u)
			}
		}
	}
	browsers.Wait()
	mu.Lock()
	defer mu.Unlock()
	return hostedResult{code: code, out: out.String(), errOut: errOut.String(), opened: opened}
}

// signIn is the person at the browser: alice signs in on the hosted UI.
func signIn(t *testing.T, ctx context.Context) func(string) {
	return func(u string) {
		b := oauthtest.New(map[string]string{"username": user, "password": password})
		if p, err := b.Open(ctx, u); err != nil || !strings.Contains(p.Body, "Signed in") {
			t.Errorf("browser: %v; last page %d %.200q; visited %v", err, p.Status, p.Body, b.Visited)
		}
	}
}

// recordHosted signs alice in on hdev through the hosted UI (pkce, scope
// openid email), refreshes at the token endpoint, calls /private, and
// exports the session as JSON.
func (w *hostedWorld) recordHosted(t *testing.T, ctx context.Context) string {
	t.Helper()
	for _, args := range [][]string{
		{"--profile", "hdev", "login", "--flow", "pkce", "--scope", "openid email", "--timeout", "20s"},
		{"--profile", "hdev", "login", "--flow", "refresh-token"},
		{"--profile", "hdev", "call", "/private"},
	} {
		if r := w.runHosted(t, ctx, "", signIn(t, ctx), args...); r.code != 0 {
			t.Fatalf("cogscope %s: exit %d\nstderr: %s\nstdout: %s", strings.Join(args, " "), r.code, r.errOut, r.out)
		}
	}
	file := filepath.Join(w.dir, "hosted.json")
	w.must(t, "", "--profile", "hdev", "transcript", "export", "--format", "json", "--output", file)
	rec, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var tr transcript.Transcript
	if err := json.Unmarshal(rec, &tr); err != nil {
		t.Fatal(err)
	}
	if len(tr.SignIns) != 2 || tr.SignIns[0].Flow != "pkce" || tr.SignIns[1].Flow != "refresh-token" || len(tr.Calls) != 1 || tr.Calls[0].Status != 200 {
		t.Fatalf("the recorded transcript:\n%s", rec)
	}
	if got := recordedAuthorize(tr.SignIns[0]); strings.Join(got.scopes, " ") != "openid email" || got.redirectURI != w.cb {
		t.Fatalf("recorded authorize request %+v, want scope openid email and redirect %s", got, w.cb)
	}
	return file
}

// TestReplayHostedUI: a hosted-UI session (pkce, refresh-token, a call)
// recorded on hdev, replayed with the person signing in again in the
// browser: against a twin pool and client it reports no difference;
// against a client not allowed a recorded scope, or one whose callback
// URL is not the one the profile names, it reports the provider's
// refusal and what followed from it.
func TestReplayHostedUI(t *testing.T) {
	t.Parallel()
	w := newHostedWorld(t)
	ctx := context.Background()
	file := w.recordHosted(t, ctx)

	cases := []struct {
		name     string
		profile  string
		stdin    string
		args     []string
		wantCode int
		opened   int      // browsers opened
		signIn1  string   // the replay's outcome of sign-in 1
		want     []string // in sign-in 1's differences
		stderr   []string
	}{
		{"twin", "htwin", "", nil, 0, 1, "signed in", nil,
			[]string{"Replaying sign-in 1 of " + file + " (pkce, the hosted UI; scope openid email)", "needs a browser and a person to sign in again as alice",
				"Using the app client's loopback callback URL " + w.cb, "Opening the browser to sign in"}},
		{"twin, no browser", "htwin", "", []string{"--no-browser"}, 0, 1, "signed in", nil, []string{"Open this URL in a browser to sign in:"}},
		{"confidential client, secret on stdin", "hsecret", hconfSecret + "\n", []string{"--client-secret-stdin"}, 0, 1, "signed in", nil, nil},
		{"scope not allowed", "hnarrow", "", nil, 1, 0, "refused (invalid_scope)", []string{"hdev signed in, hnarrow refused (invalid_scope): AuthorizeCheck invalid_scope"}, nil},
		{"client without its pool", "hnopool", "", nil, 0, 1, "signed in", nil, []string{"Using the app client's loopback callback URL " + w.cb}},
		{"callback differs", "hcb", "", nil, 1, 0, "refused (redirect_mismatch)", []string{"hdev signed in, hcb refused (redirect_mismatch): AuthorizeCheck redirect_mismatch"}, nil},
		// A client with no loopback callback is a difference between the
		// environments, not bad input: the recorded URI is tried.
		{"client registers no loopback callback", "hweb", "", nil, 1, 0, "refused (redirect_mismatch)",
			[]string{"hweb refused (redirect_mismatch): AuthorizeCheck redirect_mismatch: The redirect URI \"" + w.cb + "\" is not one of the app client's callback URLs."},
			[]string{"has no loopback callback URL", "trying the recorded redirect URI " + w.cb}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := w.runHosted(t, ctx, tc.stdin, signIn(t, ctx), append([]string{"--profile", tc.profile, "replay", file, "--json", "--timeout", "20s"}, tc.args...)...)
			if r.code != tc.wantCode {
				t.Fatalf("exit %d, want %d\nstderr: %s\nstdout: %s", r.code, tc.wantCode, r.errOut, r.out)
			}
			if r.opened != tc.opened {
				t.Errorf("the browser was opened %d time(s), want %d\nstderr: %s", r.opened, tc.opened, r.errOut)
			}
			var doc Document
			if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
				t.Fatalf("stdout is not the replay's JSON alone: %v\n%s", err, r.out)
			}
			c := doc.Comparison
			if c.A != "hdev" || c.B != tc.profile || len(c.Steps) != 3 || c.Same != (tc.wantCode == 0) {
				t.Fatalf("comparison %+v", c)
			}
			s1 := c.Steps[0]
			if s1.What != "pkce" || s1.A != "signed in" || s1.B != tc.signIn1 {
				t.Errorf("sign-in 1: %+v", s1)
			}
			all := strings.Join(s1.Differences, "\n")
			for _, want := range tc.want {
				if !strings.Contains(all, want) {
					t.Errorf("sign-in 1's differences lack %q:\n%s", want, all)
				}
			}
			if tc.wantCode == 0 {
				for _, s := range c.Steps {
					if !s.Same || s.B == "not replayed" {
						t.Errorf("%s differs: %+v", s.Step, s)
					}
				}
				if got := doc.Replay.SignIns[0].Tokens; len(got) != 3 {
					t.Errorf("the replayed pkce sign-in's tokens: %+v", got)
				}
			} else {
				// No token, so the refresh stops and the call is not sent.
				if s := c.Steps[1]; s.Same || s.B != "stopped" {
					t.Errorf("sign-in 2: %+v", s)
				}
				if s := c.Steps[2]; s.Same || s.B != "not sent" || !strings.Contains(strings.Join(s.Differences, " "), "no token") {
					t.Errorf("call 1: %+v", s)
				}
			}
			for _, want := range tc.stderr {
				if !strings.Contains(r.errOut, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.errOut)
				}
			}
			if strings.Contains(r.out+r.errOut, hconfSecret) {
				t.Error("the replay's output holds the client secret")
			}
		})
	}

	t.Run("text", func(t *testing.T) {
		r := w.runHosted(t, ctx, "", signIn(t, ctx), "--profile", "hnarrow", "replay", file)
		if r.code != 1 {
			t.Fatalf("exit %d\n%s\n%s", r.code, r.errOut, r.out)
		}
		for _, want := range []string{"sign-in 1 pkce", "hdev signed in, hnarrow refused (invalid_scope)  DIFFERS",
			"hdev signed in, hnarrow refused (invalid_scope): AuthorizeCheck invalid_scope", "3 of 3 step(s) differ"} {
			if !strings.Contains(r.out, want) {
				t.Errorf("stdout lacks %q:\n%s", want, r.out)
			}
		}
	})
	// The scopes the recording asked for are the ones the replay asks
	// for: the replayed tokens carry them.
	t.Run("scopes asked for", func(t *testing.T) {
		r := w.runHosted(t, ctx, "", signIn(t, ctx), "--profile", "htwin", "replay", file, "--json")
		var doc Document
		if err := json.Unmarshal([]byte(r.out), &doc); err != nil || r.code != 0 {
			t.Fatalf("exit %d, %v\n%s", r.code, err, r.errOut)
		}
		for _, tk := range doc.Replay.SignIns[0].Tokens {
			if tk.Use == "access" && !(slices.Contains(tk.Scopes, "openid") && slices.Contains(tk.Scopes, "email") && !slices.Contains(tk.Scopes, "profile")) {
				t.Errorf("the replayed access token's scopes: %v", tk.Scopes)
			}
		}
	})
	// No target configured: the in-process stack's demo pool, its client
	// and callback; the person signs in as the demo user.
	t.Run("demo", func(t *testing.T) {
		demoSignIn := func(u string) {
			b := oauthtest.New(map[string]string{"username": cognito.DemoUsername, "password": cognito.DemoPassword})
			if p, err := b.Open(ctx, u); err != nil || !strings.Contains(p.Body, "Signed in") {
				t.Errorf("browser: %v; last page %d %.200q", err, p.Status, p.Body)
			}
		}
		r := w.runHosted(t, ctx, "", demoSignIn, "replay", file, "--json")
		var doc Document
		if err := json.Unmarshal([]byte(r.out), &doc); err != nil || r.code == cmdutil.ExitUsage {
			t.Fatalf("exit %d, %v\n%s\n%s", r.code, err, r.errOut, r.out)
		}
		if s := doc.Comparison.Steps; s[0].B != "signed in" || s[1].B != "signed in" || r.opened != 1 {
			t.Errorf("steps %+v, opened %d", s, r.opened)
		}
		for _, want := range []string{"local stack's demo pool", "sign in as the demo user " + cognito.DemoUsername} {
			if !strings.Contains(r.errOut, want) {
				t.Errorf("stderr lacks %q:\n%s", want, r.errOut)
			}
		}
	})
	// Ctrl-C while waiting for the browser: exit 130.
	t.Run("interrupted", func(t *testing.T) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		r := w.runHosted(t, ctx, "", func(string) { cancel() }, "--profile", "htwin", "replay", file, "--no-browser")
		if r.code != cmdutil.ExitInterrupted || !strings.Contains(r.errOut, "cogscope: sign-in 1 (pkce): interrupted while waiting for the browser's redirect") || r.out != "" {
			t.Fatalf("exit %d\nstdout: %s\nstderr: %s", r.code, r.out, r.errOut)
		}
	})
}

// TestReplayHostedClientSecretStdin: the profile names its client secret
// in a variable that is not set; --client-secret-stdin gives it instead,
// and the profile's variable is not read. Without the flag the unset
// variable is the error it is.
func TestReplayHostedClientSecretStdin(t *testing.T) {
	t.Parallel()
	w := newHostedWorld(t)
	ctx := context.Background()
	file := w.recordHosted(t, ctx)
	if r := w.runHosted(t, ctx, hconfSecret+"\n", signIn(t, ctx), "--profile", "hsecret", "replay", file, "--client-secret-stdin"); r.code != 0 ||
		!strings.Contains(r.out, "No difference") {
		t.Errorf("with --client-secret-stdin: exit %d\nstderr: %s\nstdout: %s", r.code, r.errOut, r.out)
	}
	r := w.runHosted(t, ctx, "", signIn(t, ctx), "--profile", "hsecret", "replay", file)
	if r.code != cmdutil.ExitUsage || !strings.Contains(r.errOut, "profile hsecret") || !strings.Contains(r.errOut, "HCONF_SECRET_UNSET") || r.opened != 0 {
		t.Errorf("without it: exit %d, opened %d\n%s", r.code, r.opened, r.errOut)
	}
}

// TestReplayRefreshTokenAlone: a refresh-token sign-in with no earlier
// sign-in in the replay has no refresh token to send: it stops, and the
// difference says so.
func TestReplayRefreshTokenAlone(t *testing.T) {
	t.Parallel()
	w := newHostedWorld(t)
	file := filepath.Join(w.dir, "refresh.json")
	if err := os.WriteFile(file, []byte(`{"version": 1, "target": {"profile": "hdev", "username": "alice"}, "signIns": [{"flow": "refresh-token", "outcome": "signed-in"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	r := w.runHosted(t, context.Background(), "", nil, "--profile", "htwin", "replay", file, "--json")
	if r.code != 1 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.errOut, r.out)
	}
	var doc Document
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatal(err)
	}
	s := doc.Replay.SignIns[0]
	if s.Outcome != transcript.OutcomeStopped || s.Error == nil || !strings.Contains(s.Error.Message, "no refresh token") || doc.Comparison.Steps[0].B != "stopped" {
		t.Errorf("replayed sign-in %+v, comparison %+v", s, doc.Comparison.Steps)
	}
}

// TestReplayHostedBadInput: what cannot work is a usage error (exit 2)
// with a clear message, before or instead of a wait for nothing.
func TestReplayHostedBadInput(t *testing.T) {
	t.Parallel()
	w := newHostedWorld(t)
	ctx := context.Background()
	pkce := filepath.Join(w.dir, "pkce.json")
	srp := filepath.Join(w.dir, "srp.json")
	for name, content := range map[string]string{
		pkce: `{"version": 1, "target": {"profile": "hdev", "username": "alice"}, "signIns": [{"flow": "pkce", "steps": [{"operation": "Authorize", "request": {"scope": "openid"}}]}]}`,
		srp:  `{"version": 1, "target": {"username": "alice"}, "signIns": [{"flow": "srp"}]}`,
	} {
		if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	w.env["BROWSER"] = filepath.Join(w.dir, "no-such-browser")
	for _, tc := range []struct {
		name    string
		file    string
		browser bool // a scripted browser (else $BROWSER, which does not exist)
		args    []string
		want    []string
	}{
		{"timeout 0", pkce, true, []string{"--timeout", "0s"}, []string{"--timeout must be positive"}},
		{"negative timeout", pkce, true, []string{"--timeout", "-1s"}, []string{"--timeout must be positive"}},
		{"no browser possible", pkce, false, nil, []string{"sign-in 1 (pkce) needs a browser, and none could be opened", "no-such-browser", "give --no-browser"}},
		{"no redirect in time", pkce, false, []string{"--no-browser", "--timeout", "300ms"}, []string{"sign-in 1 (pkce):", "nothing arrived at " + w.cb}},
		{"client without a loopback callback", pkce, true, []string{"--profile", "hweb"}, []string{"has no loopback callback URL", "https://app.example.com/callback", "--redirect-uri"}},
		{"pkce flags without a pkce sign-in", srp, true, []string{"--redirect-uri", w.cb, "--no-browser"}, []string{"--redirect-uri, --no-browser apply to pkce sign-ins"}},
		{"non-loopback redirect", pkce, true, []string{"--redirect-uri", "https://app.example.com/callback"}, []string{"is not this machine's loopback"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var browse func(string)
			if tc.browser {
				browse = func(string) { t.Error("a browser was opened") }
			}
			args := append([]string{"--profile", "htwin", "replay", tc.file}, tc.args...)
			r := w.runHosted(t, ctx, "", browse, args...)
			if r.code != cmdutil.ExitUsage || r.out != "" {
				t.Fatalf("exit %d, want 2\nstderr: %s\nstdout: %s", r.code, r.errOut, r.out)
			}
			for _, want := range tc.want {
				if !strings.Contains(r.errOut, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.errOut)
				}
			}
		})
	}
	// Nothing listens on the callback port after the failures.
	if c, err := net.DialTimeout("tcp", strings.TrimSuffix(strings.TrimPrefix(w.cb, "http://"), "/callback"), time.Second); err == nil {
		c.Close()
		t.Errorf("the callback port is still open")
	}
}

// TestNewCmdReplayHostedFlags parses the pkce sign-ins' flags through
// runF.
func TestNewCmdReplayHostedFlags(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		args    []string
		want    HostedOptions
		wantErr string
	}{
		{"defaults", []string{"f.json"}, HostedOptions{Timeout: oauth.DefaultTimeout}, ""},
		{"given", []string{"f.json", "--redirect-uri", "http://localhost:8765/callback", "--no-browser", "--timeout", "90s"},
			HostedOptions{RedirectURI: "http://localhost:8765/callback", NoBrowser: true, Timeout: 90 * time.Second}, ""},
		{"bad duration", []string{"f.json", "--timeout", "soon"}, HostedOptions{}, "invalid argument \"soon\""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, o := cmdtest.ParseFlags(t, NewCmdReplay, tc.args, tc.wantErr)
			if tc.wantErr == "" && o.Hosted != tc.want {
				t.Errorf("hosted options %+v, want %+v", o.Hosted, tc.want)
			}
		})
	}
}

// TestRecordedAuthorize reads what a recorded pkce sign-in asked the
// authorize endpoint for: the Authorize step's parameters, else the URL
// its check sent (a refused request has no Authorize step).
func TestRecordedAuthorize(t *testing.T) {
	t.Parallel()
	step := func(op string, req map[string]string) transcript.Step {
		return transcript.Step{Operation: op, Request: req}
	}
	checkURL := "http://127.0.0.1:9/_domain/d/oauth2/authorize?client_id=c&identity_provider=Okta&idp_identifier=example.com" +
		"&redirect_uri=http%3A%2F%2Flocalhost%3A8765%2Fcallback&scope=openid%20email&state=%5Bmasked%5D"
	cases := []struct {
		name  string
		steps []transcript.Step
		want  authorizeRequest
	}{
		{"none", nil, authorizeRequest{}},
		{"authorize step", []transcript.Step{step(oauth.OpAuthorizeCheck, map[string]string{"url": "http://x/oauth2/authorize?scope=other"}),
			step(oauth.OpAuthorize, map[string]string{"scope": "openid profile", "identity_provider": "Google", "redirect_uri": "http://localhost:1/cb"})},
			authorizeRequest{scopes: []string{"openid", "profile"}, identityProvider: "Google", redirectURI: "http://localhost:1/cb"}},
		{"refused check only", []transcript.Step{step(oauth.OpDiscovery, map[string]string{"url": "http://x/.well-known/openid-configuration"}),
			step(oauth.OpAuthorizeCheck, map[string]string{"url": checkURL})},
			authorizeRequest{scopes: []string{"openid", "email"}, identityProvider: "Okta", idpIdentifier: "example.com", redirectURI: "http://localhost:8765/callback"}},
		{"default scopes", []transcript.Step{step(oauth.OpAuthorize, map[string]string{"url": "http://x/oauth2/authorize?client_id=c", "client_id": "c"})},
			authorizeRequest{}},
		{"masked value", []transcript.Step{step(oauth.OpAuthorize, map[string]string{"scope": "openid", "identity_provider": transcript.Masked})},
			authorizeRequest{scopes: []string{"openid"}}},
	}
	for _, tc := range cases {
		got := recordedAuthorize(transcript.SignIn{Flow: "pkce", Steps: tc.steps})
		if !slices.Equal(got.scopes, tc.want.scopes) || got.identityProvider != tc.want.identityProvider ||
			got.idpIdentifier != tc.want.idpIdentifier || got.redirectURI != tc.want.redirectURI {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
