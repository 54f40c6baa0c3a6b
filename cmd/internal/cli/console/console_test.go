package console

import (
	"bytes"
	"context"
	"errors"
	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/inspect"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
	"github.com/cogscope/cogscope/ui"
	"github.com/cogscope/cogscope/ui/service"
)

func TestConsoleNeedsATerminal(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, out bool }{{false, false}, {true, false}, {false, true}} {
		var out, errOut bytes.Buffer
		f := &cmdutil.Factory{
			IO:  cmdutil.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, InTTY: c.in, OutTTY: c.out},
			Env: func(string) string { return "" }, Now: time.Now, HTTP: &http.Client{},
		}
		if code := runCLI(context.Background(), f, nil); code != cmdutil.ExitUsage {
			t.Errorf("tty in=%v out=%v: exit %d, want %d", c.in, c.out, code, cmdutil.ExitUsage)
		}
		msg := errOut.String()
		if strings.Count(msg, "\n") != 1 || !strings.Contains(msg, "needs a terminal") || !strings.Contains(msg, "cogscope login") {
			t.Errorf("want one line naming the non-interactive commands, got %q", msg)
		}
		if out.Len() != 0 {
			t.Errorf("nothing goes to stdout, got %q", out.String())
		}
	}
}

// consoleEnv is a hermetic environment for the console: XDG directories in
// a temporary directory, a config file written by the test.
type consoleEnv struct {
	dir string
	env map[string]string
}

// endpointConsole is the console cmd builds for `--endpoint` at a local
// stack of the test's own, with a fresh config and state; it is closed
// when the test ends.
func endpointConsole(ctx context.Context, t testing.TB) (*console, *localtest.Env) {
	t.Helper()
	env := localtest.Start(t)
	e := newConsoleEnv(t, "")
	c, err := newConsole(ctx, e.factory(cmdutil.GlobalOptions{Endpoint: env.Endpoint}), cmdutil.TargetFlags{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.close)
	return c, env
}

func newConsoleEnv(t testing.TB, configTOML string) *consoleEnv {
	t.Helper()
	dir := t.TempDir()
	e := &consoleEnv{dir: dir, env: map[string]string{
		"XDG_CONFIG_HOME": filepath.Join(dir, "config"),
		"XDG_STATE_HOME":  filepath.Join(dir, "state"),
	}}
	if configTOML != "" {
		p := filepath.Join(dir, "config", "cogscope", "config.toml")
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(configTOML), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func (e *consoleEnv) factory(g cmdutil.GlobalOptions) *cmdutil.Factory {
	return &cmdutil.Factory{
		IO:   cmdutil.IOStreams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}},
		Env:  func(k string) string { return e.env[k] },
		Now:  time.Now,
		HTTP: &http.Client{Timeout: 10 * time.Second},
		// Global is what the root's flags would have set.
		Global: g,
	}
}

// The target comes from flags and the profile as login resolves it: the
// header names it, the form is pre-filled, sessions are kept except for
// the in-process stack.
func TestConsoleTarget(t *testing.T) {
	t.Parallel()
	const cfg = `default_profile = "dev"

[profiles.dev]
user_pool_id = "eu-west-1_AbCdEfGhI"
client_id    = "1example23456789"
username     = "alice"

[profiles.dev.hosted_ui]
scopes = ["openid", "email"]

[profiles.local]
endpoint = "http://127.0.0.1:9229"

[profiles.broken]
user_pool_id = "eu-west-1_AbCdEfGhI"
client_id    = "1example23456789"
client_secret_env = "UNSET_SECRET"
`
	cases := []struct {
		name    string
		config  string
		g       cmdutil.GlobalOptions
		fl      cmdutil.TargetFlags
		kind    service.TargetKind
		label   string
		connect bool
		saves   bool
		check   func(t *testing.T, tg service.Target)
		wantErr string
	}{
		{name: "nothing configured", kind: service.TargetLocal, label: "local stack", connect: true,
			check: func(t *testing.T, tg service.Target) {
				if tg.Hint == "" || !strings.Contains(tg.Hint, "--profile") {
					t.Errorf("the local stack's header says how to target AWS: %q", tg.Hint)
				}
			}},
		{name: "endpoint", g: cmdutil.GlobalOptions{Endpoint: "http://127.0.0.1:9229"}, kind: service.TargetEndpoint,
			label: "endpoint http://127.0.0.1:9229", saves: true,
			check: func(t *testing.T, tg service.Target) {
				if tg.PoolID != cognito.DemoPoolID || tg.ClientID != cognito.DemoPublicClientID || tg.Username != cognito.DemoUsername || tg.Password != cognito.DemoPassword {
					t.Errorf("a `cogscope local` endpoint targets its demo pool: %+v", tg)
				}
			}},
		{name: "default profile", config: cfg, kind: service.TargetAWS, label: "AWS profile dev", saves: true,
			check: func(t *testing.T, tg service.Target) {
				if tg.Region != "eu-west-1" || tg.PoolID != "eu-west-1_AbCdEfGhI" || tg.ClientID != "1example23456789" ||
					tg.Username != "alice" || tg.Password != "" || tg.Scopes != "openid email" {
					t.Errorf("target %+v", tg)
				}
			}},
		{name: "region flag over the pool's", config: cfg, g: cmdutil.GlobalOptions{Region: "eu-central-1"}, kind: service.TargetAWS,
			label: "AWS profile dev", saves: true,
			check: func(t *testing.T, tg service.Target) {
				if tg.Region != "eu-central-1" {
					t.Errorf("region %q", tg.Region)
				}
			}},
		{name: "profile with only an endpoint", config: cfg, g: cmdutil.GlobalOptions{Profile: "local"}, kind: service.TargetEndpoint,
			label: "profile local at http://127.0.0.1:9229", saves: true},
		{name: "the console's own --user-pool-id and --client-id, no config file", kind: service.TargetAWS, label: "AWS", saves: true,
			fl: cmdutil.TargetFlags{UserPoolID: "ap-south-1_FlagPool1", ClientID: "flagclient"},
			check: func(t *testing.T, tg service.Target) {
				if tg.PoolID != "ap-south-1_FlagPool1" || tg.ClientID != "flagclient" || tg.Region != "ap-south-1" {
					t.Errorf("target %+v", tg)
				}
			}},
		{name: "--client-id over the profile's", config: cfg, fl: cmdutil.TargetFlags{ClientID: "other"}, kind: service.TargetAWS,
			label: "AWS profile dev", saves: true,
			check: func(t *testing.T, tg service.Target) {
				if tg.PoolID != "eu-west-1_AbCdEfGhI" || tg.ClientID != "other" {
					t.Errorf("target %+v", tg)
				}
			}},
		{name: "a bad --region is the region's", g: cmdutil.GlobalOptions{Region: "not a region"}, wantErr: `--region "not a region" is not an AWS region`},
		{name: "unknown profile", config: cfg, g: cmdutil.GlobalOptions{Profile: "prod"}, wantErr: `unknown profile "prod"`},
		{name: "missing config", g: cmdutil.GlobalOptions{ConfigPath: "/nonexistent/cogscope.toml"}, wantErr: "no such file"},
		{name: "secret not in the environment", config: cfg, g: cmdutil.GlobalOptions{Profile: "broken"}, wantErr: "UNSET_SECRET"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newConsoleEnv(t, tc.config)
			c, err := newConsole(context.Background(), e.factory(tc.g), tc.fl)
			if tc.wantErr != "" {
				var ee *cmdutil.ExitError
				if !errors.As(err, &ee) || ee.Code != cmdutil.ExitUsage || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want a usage error with %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer c.close()
			o := c.options()
			if o.Target.Kind != tc.kind || o.Target.Label() != tc.label || (o.Connect != nil) != tc.connect || (o.SaveSession != nil) != tc.saves {
				t.Fatalf("kind %v label %q connect %v saves %v", o.Target.Kind, o.Target.Label(), o.Connect != nil, o.SaveSession != nil)
			}
			if tc.check != nil {
				tc.check(t, o.Target)
			}
		})
	}
}

// drain reads a run's events to its end.
func drain(t testing.TB, run service.Run) (steps []flows.Step, tokens *flows.Tokens, err error) {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case ev, ok := <-run.Events():
			switch {
			case !ok:
				return steps, tokens, err
			case ev.Step != nil:
				steps = append(steps, *ev.Step)
			case ev.Tokens != nil:
				tokens = ev.Tokens
			case ev.Err != nil:
				err = ev.Err
			case ev.Challenge != nil:
				t.Fatalf("unexpected challenge %s", ev.Challenge.Name)
			}
		case <-timeout:
			t.Fatal("the run did not end")
		}
	}
}

// The console's services, as cmd wires them, against the local stack
// through the real SDK: sign in, inspect, refresh, and fail as Cognito
// does.
func TestConsoleServicesAgainstTheLocalStack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, env := endpointConsole(ctx, t)
	opts := c.options()
	if opts.Connect != nil {
		t.Fatal("a `cogscope local` at --endpoint needs no start")
	}
	if tg := opts.Target; tg.PoolID != env.Demo.PoolID || tg.ClientID != env.Demo.ClientID || tg.Username != env.Demo.Username {
		t.Fatalf("target %+v is not the demo pool %+v", tg, env.Demo)
	}

	run, err := opts.SignIn.Start(ctx, service.SignInRequest{Flow: service.FlowSRP, Username: env.Demo.Username, Password: env.Demo.Password})
	if err != nil {
		t.Fatal(err)
	}
	steps, tokens, err := drain(t, run)
	if err != nil || tokens == nil {
		t.Fatalf("SRP sign-in: tokens %v, err %v", tokens, err)
	}
	var srp *flows.SRPValues
	for _, s := range steps {
		if s.SRP != nil {
			srp = s.SRP
		}
	}
	if srp == nil || srp.Key == "" || srp.Key == flows.Redacted {
		t.Fatalf("the console records unredacted steps (it masks them itself): %+v", srp)
	}

	access, err := opts.Tokens.Inspect(ctx, tokens.AccessToken, service.TokenAccess)
	if err != nil || !access.Valid || access.Kind != inspect.KindAccess {
		t.Fatalf("access token: valid %v kind %v err %v failed %v", access != nil && access.Valid, access.Kind, err, access.Failed())
	}
	if id, err := opts.Tokens.Inspect(ctx, tokens.IDToken, service.TokenID); err != nil || !id.Valid {
		t.Fatalf("ID token: %v %v", err, id.Failed())
	}
	// Presented as an ID token, the access token fails the token_use check.
	if wrong, _ := opts.Tokens.Inspect(ctx, tokens.AccessToken, service.TokenID); wrong.Valid || wrong.Check(inspect.CheckTokenUse).Status != inspect.StatusFail {
		t.Fatal("an access token is not a valid ID token")
	}
	refresh, err := opts.Tokens.Inspect(ctx, tokens.RefreshToken, service.TokenRefresh)
	if err != nil || refresh.Token != nil || !strings.Contains(refresh.Check(inspect.CheckParse).Detail, "encrypted") {
		t.Fatalf("the refresh token is said to be encrypted: %+v, %v", refresh.Check(inspect.CheckParse), err)
	}
	if d := opts.Tokens.Describe("not a token"); d.Check(inspect.CheckParse).Status != inspect.StatusFail {
		t.Fatal("Describe refuses a non-token")
	}

	renewed, err := opts.Tokens.Refresh(ctx, *tokens)
	if err != nil || renewed.AccessToken == "" || renewed.AccessToken == tokens.AccessToken || renewed.RefreshToken != tokens.RefreshToken {
		t.Fatalf("refresh: %v", err)
	}
	// The refresh flow of the Sign-in view, with the session's tokens.
	run, err = opts.SignIn.Start(ctx, service.SignInRequest{Flow: service.FlowRefresh, RefreshToken: tokens.RefreshToken, AccessToken: tokens.AccessToken})
	if err != nil {
		t.Fatal(err)
	}
	if _, tk, err := drain(t, run); err != nil || tk == nil || tk.AccessToken == "" {
		t.Fatalf("refresh flow: %v", err)
	}

	run, err = opts.SignIn.Start(ctx, service.SignInRequest{Flow: service.FlowPassword, Username: env.Demo.Username, Password: "wrong"})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = drain(t, run)
	var fail *service.Failure
	if !errors.As(err, &fail) || fail.Type != "NotAuthorizedException" || fail.Message != "Incorrect username or password." || fail.Cause == "" || fail.Transport {
		t.Fatalf("a wrong password is Cognito's refusal with a diagnosis: %+v", fail)
	}

	// With SRP the advice names the console's Password flow, not the
	// command line's --flow password.
	run, err = opts.SignIn.Start(ctx, service.SignInRequest{Flow: service.FlowSRP, Username: env.Demo.Username, Password: "wrong"})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = drain(t, run)
	if !errors.As(err, &fail) || fail.Type != "NotAuthorizedException" || !strings.Contains(fail.Fix, "the Password flow") ||
		strings.Contains(fail.Fix+fail.Cause, "--") {
		t.Fatalf("a wrong SRP password's advice, in the console's words: %+v", fail)
	}
}

func TestConsoleSaysWhenTheServiceIsGone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, env := endpointConsole(ctx, t)
	opts := c.options()
	if err := env.Stack.Close(); err != nil {
		t.Fatal(err)
	}
	for _, req := range []service.SignInRequest{
		{Flow: service.FlowSRP, Username: "demo", Password: "x"},
		{Flow: service.FlowClientCredentials},
	} {
		run, err := opts.SignIn.Start(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = drain(t, run)
		var fail *service.Failure
		if !errors.As(err, &fail) || !fail.Transport || fail.Fix == "" {
			t.Fatalf("%s: an endpoint that went away is a transport failure with a fix: %+v", req.Flow, fail)
		}
		// One line the console can show whole: the request and why it got
		// no answer, not the SDK's chain of wrappers.
		if !strings.Contains(fail.Message, " "+env.Endpoint+"/") || !strings.HasSuffix(fail.Message, ": connection refused") ||
			strings.Contains(fail.Message, "operation error") || strings.Contains(fail.Message, "StatusCode: 0") {
			t.Errorf("%s: message %q", req.Flow, fail.Message)
		}
		if strings.Contains(fail.Cause, "dial tcp") {
			t.Errorf("%s: the diagnosis repeats the raw error: %q", req.Flow, fail.Cause)
		}
	}
}

// The in-process stack starts after the first frame; until then sign-in
// says so instead of calling nowhere.
func TestConsoleStartsTheStackInProcess(t *testing.T) {
	t.Parallel()
	e := newConsoleEnv(t, "")
	ctx := context.Background()
	c, err := newConsole(ctx, e.factory(cmdutil.GlobalOptions{}), cmdutil.TargetFlags{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	opts := c.options()
	if _, err := opts.SignIn.Start(ctx, service.SignInRequest{Flow: service.FlowSRP, Username: "demo", Password: "x"}); err == nil ||
		!strings.Contains(err.Error(), "still starting") {
		t.Fatalf("sign-in before the stack started: %v", err)
	}
	tg, err := opts.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if tg.Kind != service.TargetLocal || !strings.HasPrefix(tg.Endpoint, "http://127.0.0.1:") || tg.PoolID != cognito.DemoPoolID || tg.Password != cognito.DemoPassword {
		t.Fatalf("target %+v", tg)
	}
	// The hosted-UI flow offers the demo pool's identity providers, read
	// from the stack the console started once it has started.
	if l := opts.Providers(ctx); strings.Join(l.Names, " ") != cognito.DemoOIDCProvider+" "+cognito.DemoSAMLProvider ||
		l.From != "ListIdentityProviders" || l.Unread != "" {
		t.Errorf("identity providers %+v, want the demo's built-in upstream", l)
	}
	run, err := opts.SignIn.Start(ctx, service.SignInRequest{Flow: service.FlowClientCredentials, Scopes: []string{"cogscope-api/read"}})
	if err != nil {
		t.Fatal(err)
	}
	steps, tk, err := drain(t, run)
	if err != nil || tk == nil || tk.AccessToken == "" || tk.RefreshToken != "" {
		t.Fatalf("client credentials with the demo's confidential client: %+v %v", tk, err)
	}
	if last := steps[len(steps)-1]; last.Request["grant_type"] != "client_credentials" || !strings.HasPrefix(last.Request["Authorization"], "Basic ") {
		t.Fatalf("token step %+v (the console records it unredacted)", last)
	}
	r, err := opts.Tokens.Inspect(ctx, tk.AccessToken, service.TokenAccess)
	if err != nil || !r.Valid {
		t.Fatalf("the client-credentials token verifies against the target: %v %v", err, r.Failed())
	}
}

// The background: COGSCOPE_THEME chooses; COLORFGBG guesses; a bad value
// is a usage error before anything is drawn.
func TestConsoleBackground(t *testing.T) {
	t.Parallel()
	cases := []struct {
		theme, fgbg string
		want        ui.Background
		fixed, bad  bool
	}{
		{want: ui.BackgroundAuto},
		{theme: "light", want: ui.BackgroundLight, fixed: true},
		{theme: "Dark", fgbg: "0;15", want: ui.BackgroundDark, fixed: true},
		{theme: "auto", fgbg: "0;15", want: ui.BackgroundLight},
		{fgbg: "15;0", want: ui.BackgroundDark},
		{fgbg: "0;default;15", want: ui.BackgroundLight},
		{fgbg: "0;7", want: ui.BackgroundLight},
		{fgbg: "default;default", want: ui.BackgroundAuto},
		{theme: "solarized", bad: true},
	}
	for _, c := range cases {
		env := map[string]string{"COGSCOPE_THEME": c.theme, "COLORFGBG": c.fgbg}
		bg, fixed, err := consoleBackground(func(k string) string { return env[k] })
		if c.bad {
			var ee *cmdutil.ExitError
			if !errors.As(err, &ee) || ee.Code != cmdutil.ExitUsage || !strings.Contains(err.Error(), "light, dark or auto") {
				t.Errorf("%+v: error %v, want a usage error naming the choices", c, err)
			}
			continue
		}
		if err != nil || bg != c.want || fixed != c.fixed {
			t.Errorf("%+v: %v %v %v", c, bg, fixed, err)
		}
	}
}
