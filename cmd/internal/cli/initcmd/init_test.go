package initcmd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogscope/cogscope/cmd/internal/cli"
	"github.com/cogscope/cogscope/cmd/internal/cli/initcmd"
	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/cmd/internal/config"
	"github.com/cogscope/cogscope/internal/local/apigw"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

// env is a hermetic cogscope environment: config and state under a
// temporary directory, no AWS variables unless a test adds them.
type env struct {
	dir  string
	vars map[string]string
}

func newEnv(t *testing.T) *env {
	dir := t.TempDir()
	return &env{dir: dir, vars: map[string]string{
		"XDG_CONFIG_HOME": filepath.Join(dir, "config"),
		"XDG_STATE_HOME":  filepath.Join(dir, "state"),
	}}
}

func (e *env) configPath() string { return filepath.Join(e.dir, "config", "cogscope", "config.toml") }

type result struct {
	code        int
	out, errOut string
}

// run runs a whole cogscope command line (the real command tree).
func (e *env) run(t *testing.T, stdin string, tty bool, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	f := &cmdutil.Factory{
		IO:   cmdutil.IOStreams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut, InTTY: tty},
		Env:  func(k string) string { return e.vars[k] },
		Now:  time.Now,
		HTTP: &http.Client{Timeout: 10 * time.Second},
	}
	code := cli.Run(context.Background(), f, args)
	return result{code, out.String(), errOut.String()}
}

func (e *env) load(t *testing.T) *config.File {
	t.Helper()
	f, err := config.Load(e.configPath())
	if err != nil {
		t.Fatal(err)
	}
	if !f.Found {
		t.Fatalf("no config file at %s", e.configPath())
	}
	return f
}

// The test: init against the local stack writes a profile that
// login then uses with nothing but --profile.
func TestInitThenLogin(t *testing.T) {
	t.Parallel()
	stack := localtest.Start(t)
	tests := []struct {
		name      string
		profile   string
		args      []string
		secretEnv map[string]string
		check     func(t *testing.T, p config.Profile)
		// smoke: after login, `call --routes` runs the routes init
		// wrote; these are the rows it should fail ("" for none).
		smoke []string
	}{
		{
			name:    "public client with an HTTP API",
			profile: "demo",
			args:    []string{"--client-id", cognito.DemoPublicClientID, "--api-id", stack.API.HTTPAPIID, "--username", cognito.DemoUsername},
			check: func(t *testing.T, p config.Profile) {
				want := config.HostedUI{
					Domain:      stack.Endpoint + "/_domain/" + cognito.DemoDomain,
					CallbackURL: "http://localhost:8765/callback",
					LogoutURL:   "http://localhost:8765/signed-out",
					Scopes:      []string{"openid", "email", "profile", "aws.cognito.signin.user.admin"},
					// The pool's providers, for the console to offer
					// when it cannot read the pool.
					IdentityProviders: []string{cognito.DemoOIDCProvider, cognito.DemoSAMLProvider},
				}
				if !equalHosted(p.HostedUI, want) {
					t.Errorf("hosted_ui = %+v, want %+v", p.HostedUI, want)
				}
				if p.ClientSecretEnv != "" || p.Flow != "" {
					t.Errorf("a public SRP client got client_secret_env %q flow %q", p.ClientSecretEnv, p.Flow)
				}
				if p.API.BaseURL != stack.API.HTTPURL {
					t.Errorf("api.base_url = %q, want %q", p.API.BaseURL, stack.API.HTTPURL)
				}
				var paths []string
				for _, r := range p.API.Routes {
					paths = append(paths, r.Method+" "+r.Path+" "+r.Token)
				}
				for _, w := range []string{"GET /hello none", "GET /private access", "GET /scoped access", "GET /admin access", "GET /iam sigv4"} {
					if !slices.Contains(paths, w) {
						t.Errorf("api.routes %v lack %s", paths, w)
					}
				}
				for _, g := range []string{stack.API.HTTPLogGroup, apigw.FunctionLogGroup(apigw.DemoAdminsFunction)} {
					if !slices.Contains(p.Logs.Groups, g) {
						t.Errorf("logs.groups %v lack %s", p.Logs.Groups, g)
					}
				}
			},
			// GET /iam is signed and passes; GET /scoped wants a scope
			// an SRP sign-in never gets (by design of the demo).
			smoke: []string{"/scoped"},
		},
		{
			name:      "confidential client names its secret's variable",
			profile:   "secret",
			args:      []string{"--client-id", cognito.DemoSecretClientID, "--username", cognito.DemoUsername, "--api-id", stack.API.RestAPIID},
			secretEnv: map[string]string{initcmd.DefaultSecretEnv: cognito.DemoClientSecret},
			check: func(t *testing.T, p config.Profile) {
				if p.ClientSecretEnv != initcmd.DefaultSecretEnv {
					t.Errorf("client_secret_env = %q, want %q", p.ClientSecretEnv, initcmd.DefaultSecretEnv)
				}
				if p.API.BaseURL != stack.API.RestURL {
					t.Errorf("api.base_url = %q, want %q", p.API.BaseURL, stack.API.RestURL)
				}
				tokens := map[string]string{}
				for _, r := range p.API.Routes {
					tokens[r.Path] = r.Token
				}
				if tokens["/hello"] != "none" || tokens["/profile"] != "id" || tokens["/orders"] != "access" {
					t.Errorf("route tokens %v: want /hello none, /profile id, /orders access", tokens)
				}
				if !slices.Contains(p.Logs.Groups, apigw.FunctionLogGroup(apigw.DemoPolicyFunction)) {
					t.Errorf("logs.groups %v lack the TOKEN authorizer's", p.Logs.Groups)
				}
			},
		},
		{
			name:    "client without OAuth has no hosted UI settings",
			profile: "rotate",
			args:    []string{"--client-id", cognito.DemoRotateClientID, "--username", cognito.DemoUsername},
			check: func(t *testing.T, p config.Profile) {
				if p.Flow != "" {
					t.Errorf("flow = %q, want none", p.Flow)
				}
				if p.HostedUI.CallbackURL != "" {
					t.Errorf("a client without OAuth got callback_url %q", p.HostedUI.CallbackURL)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			args := append([]string{"init", "--profile", tt.profile, "--endpoint", stack.Endpoint, "--user-pool-id", cognito.DemoPoolID}, tt.args...)
			r := e.run(t, "", false, args...)
			if r.code != 0 {
				t.Fatalf("init: exit %d\n%s", r.code, r.errOut)
			}
			if !strings.Contains(r.errOut, "Wrote profile "+tt.profile+" (the default profile)") {
				t.Errorf("init said:\n%s", r.errOut)
			}
			file := e.load(t)
			p := file.Profiles[tt.profile]
			if p.UserPoolID != cognito.DemoPoolID || p.Region != "us-east-1" || p.Endpoint != stack.Endpoint {
				t.Errorf("profile = %+v", p)
			}
			tt.check(t, p)

			// login with the profile alone (COGSCOPE_PROFILE selects it).
			for k, v := range tt.secretEnv {
				e.vars[k] = v
			}
			e.vars["COGSCOPE_PROFILE"] = tt.profile
			r = e.run(t, cognito.DemoPassword+"\n", false, "login", "--password-stdin", "--json")
			if r.code != 0 {
				t.Fatalf("login with the profile: exit %d\n%s", r.code, r.errOut)
			}
			var doc struct {
				Tokens struct {
					AccessToken string `json:"accessToken"`
				} `json:"tokens"`
			}
			if err := json.Unmarshal([]byte(r.out), &doc); err != nil || doc.Tokens.AccessToken == "" {
				t.Errorf("login printed no access token (%v):\n%s", err, r.out)
			}
			if tt.smoke == nil {
				return
			}
			r = e.run(t, "", false, "call", "--routes", "--json")
			var smoke struct {
				Results []struct {
					Route  struct{ Path, Token string }
					Status int
					Pass   bool
				}
			}
			if err := json.Unmarshal([]byte(r.out), &smoke); err != nil || len(smoke.Results) != len(p.API.Routes) {
				t.Fatalf("call --routes: exit %d, %v\n%s\n%s", r.code, err, r.out, r.errOut)
			}
			var failed []string
			for _, res := range smoke.Results {
				if !res.Pass {
					failed = append(failed, res.Route.Path)
				}
				if res.Route.Path == "/iam" && (res.Route.Token != "sigv4" || res.Status != 200) {
					t.Errorf("GET /iam: token %s, status %d; want signed, 200\n%s", res.Route.Token, res.Status, r.errOut)
				}
			}
			if !slices.Equal(failed, tt.smoke) {
				t.Errorf("call --routes failed %v, want %v\n%s", failed, tt.smoke, r.out)
			}
		})
	}
}

func equalHosted(a, b config.HostedUI) bool {
	return a.Domain == b.Domain && a.CallbackURL == b.CallbackURL && a.LogoutURL == b.LogoutURL && slices.Equal(a.Scopes, b.Scopes) &&
		slices.Equal(a.IdentityProviders, b.IdentityProviders)
}

// Without AWS credentials init writes what it was given and says what it
// could not read; it makes no call (the pool is on AWS, unreachable here).
func TestInitWithoutCredentials(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.run(t, "", false, "init", "--user-pool-id", "eu-west-1_AbCdEfGhI", "--client-id", "1example23456789", "--api-id", "a1b2c3d4e5", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.errOut)
	}
	var res initcmd.Result
	if err := json.Unmarshal([]byte(r.out), &res); err != nil {
		t.Fatalf("%v\n%s", err, r.out)
	}
	if res.Profile != "default" || !res.Default || res.Written.Region != "eu-west-1" || res.Written.HostedUI.Domain != "" {
		t.Errorf("result = %+v", res)
	}
	whats := ""
	for _, u := range res.Unread {
		whats += u.What + ": " + u.Why + "\n"
	}
	for _, w := range []string{"no AWS credentials", "API a1b2c3d4e5"} {
		if !strings.Contains(whats, w) {
			t.Errorf("unread lacks %q:\n%s", w, whats)
		}
	}
	p := e.load(t).Profiles["default"]
	if p.ClientID != "1example23456789" || p.UserPoolID != "eu-west-1_AbCdEfGhI" {
		t.Errorf("written %+v", p)
	}
}

// Refusals: bad input is a usage error (exit 2) with a clear message and
// nothing written.
func TestInitRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no client, no terminal", []string{"init", "--user-pool-id", "eu-west-1_AbCdEfGhI"}, "give --user-pool-id and --client-id"},
		{"malformed pool", []string{"init", "--user-pool-id", "nounderscore", "--client-id", "c"}, "--user-pool-id"},
		{"both secret sources", []string{"init", "--user-pool-id", "eu-west-1_AbCdEfGhI", "--client-id", "c", "--client-secret-env", "X", "--client-secret-command", "pass x"}, "not both"},
		{"bad profile name", []string{"init", "--profile", "../x", "--user-pool-id", "eu-west-1_AbCdEfGhI", "--client-id", "c"}, "a profile name is"},
		{"bad endpoint", []string{"init", "--endpoint", "ftp://x", "--user-pool-id", "eu-west-1_AbCdEfGhI", "--client-id", "c"}, "scheme"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			r := e.run(t, "", false, tt.args...)
			if r.code != cmdutil.ExitUsage || !strings.Contains(r.errOut, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", r.code, r.errOut, tt.want)
			}
			if _, err := os.Stat(e.configPath()); err == nil {
				t.Error("a config file was written")
			}
		})
	}
}

// A second profile joins the file; an existing one needs --force, and the
// previous file is kept as .bak.
func TestInitExistingProfile(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	base := []string{"init", "--no-read", "--user-pool-id", "eu-west-1_AbCdEfGhI"}
	if r := e.run(t, "", false, append(base, "--profile", "dev", "--client-id", "one")...); r.code != 0 {
		t.Fatalf("first: %d %s", r.code, r.errOut)
	}
	if r := e.run(t, "", false, append(base, "--profile", "prod", "--client-id", "two")...); r.code != 0 {
		t.Fatalf("second: %d %s", r.code, r.errOut)
	}
	r := e.run(t, "", false, append(base, "--profile", "dev", "--client-id", "three")...)
	if r.code != cmdutil.ExitUsage || !strings.Contains(r.errOut, "--force") {
		t.Fatalf("replacing without --force: exit %d %s", r.code, r.errOut)
	}
	if r := e.run(t, "", false, append(base, "--profile", "dev", "--client-id", "three", "--force", "--default")...); r.code != 0 {
		t.Fatalf("--force: %d %s", r.code, r.errOut)
	}
	f := e.load(t)
	if f.DefaultProfile != "dev" || f.Profiles["dev"].ClientID != "three" || f.Profiles["prod"].ClientID != "two" {
		t.Errorf("file = %+v", f)
	}
	bak, err := os.ReadFile(e.configPath() + ".bak")
	if err != nil || !strings.Contains(string(bak), `client_id = 'one'`) && !strings.Contains(string(bak), `client_id = "one"`) {
		t.Errorf("the .bak does not hold the previous file (%v):\n%s", err, bak)
	}
	if st, err := os.Stat(e.configPath()); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("config file mode: %v %v", st.Mode(), err)
	}
}

// At a terminal init asks for what the flags did not give.
func TestInitAsks(t *testing.T) {
	t.Parallel()
	stack := localtest.Start(t)
	e := newEnv(t)
	// pool (a bad one first), region (default), client, API (skipped).
	stdin := "not-a-pool\n" + cognito.DemoPoolID + "\n\n" + cognito.DemoPublicClientID + "\n\n"
	r := e.run(t, stdin, true, "init", "--endpoint", stack.Endpoint)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.errOut)
	}
	for _, w := range []string{"user pool id", "region [us-east-1]", "app client id", "API Gateway API id"} {
		if !strings.Contains(r.errOut, w) {
			t.Errorf("no prompt %q:\n%s", w, r.errOut)
		}
	}
	p := e.load(t).Profiles["default"]
	if p.ClientID != cognito.DemoPublicClientID || p.Region != "us-east-1" || p.HostedUI.Domain == "" {
		t.Errorf("profile = %+v", p)
	}
}

// An API id nobody has is said, not silently dropped.
func TestInitUnknownAPI(t *testing.T) {
	t.Parallel()
	stack := localtest.Start(t)
	e := newEnv(t)
	r := e.run(t, "", false, "init", "--endpoint", stack.Endpoint, "--user-pool-id", cognito.DemoPoolID,
		"--client-id", cognito.DemoPublicClientID, "--api-id", "nosuchapi1")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.errOut)
	}
	if !strings.Contains(r.errOut, "Could not read:") || !strings.Contains(r.errOut, "API nosuchapi1: no HTTP or REST API has this id") {
		t.Errorf("stderr:\n%s", r.errOut)
	}
}

// A client with ALLOW_USER_SRP_AUTH off gets flow = "password", and login
// then signs in with it.
func TestInitPasswordOnlyClient(t *testing.T) {
	t.Parallel()
	stack := localtest.Start(t)
	out, err := stack.CognitoClient().CreateUserPoolClient(context.Background(), &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(cognito.DemoPoolID), ClientName: aws.String("no-srp"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	r := e.run(t, "", false, "init", "--endpoint", stack.Endpoint, "--user-pool-id", cognito.DemoPoolID,
		"--client-id", aws.ToString(out.UserPoolClient.ClientId), "--username", cognito.DemoUsername)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.errOut)
	}
	if p := e.load(t).Profiles["default"]; p.Flow != "password" {
		t.Errorf("flow = %q, want password", p.Flow)
	}
	r = e.run(t, cognito.DemoPassword+"\n", false, "login", "--password-stdin")
	if r.code != 0 {
		t.Errorf("login: exit %d\n%s", r.code, r.errOut)
	}
}

// The summary's values start in one column, after the longest key
// printed (hosted_ui.identity_providers is the longest here).
func TestInitSummaryAligned(t *testing.T) {
	t.Parallel()
	stack := localtest.Start(t)
	e := newEnv(t)
	r := e.run(t, "", false, "init", "--profile", "dev", "--endpoint", stack.Endpoint, "--user-pool-id", cognito.DemoPoolID,
		"--client-id", cognito.DemoPublicClientID, "--api-id", stack.API.HTTPAPIID)
	if r.code != 0 {
		t.Fatalf("init: exit %d\n%s", r.code, r.errOut)
	}
	longest := "hosted_ui.identity_providers"
	col := -1
	keys := 0
	for _, l := range strings.Split(r.errOut, "\n") {
		rest, ok := strings.CutPrefix(l, "  ")
		if !ok || strings.HasPrefix(rest, " ") {
			continue
		}
		key, _, _ := strings.Cut(rest, " ")
		// The value starts after the key's padding.
		at := 2 + len(key) + len(rest[len(key):]) - len(strings.TrimLeft(rest[len(key):], " "))
		if col == -1 {
			col = at
		}
		if at != col {
			t.Errorf("%q: value at column %d, want %d", l, at, col)
		}
		keys++
	}
	if keys < 10 || col != 2+len(longest)+1 || !strings.Contains(r.errOut, "  "+longest+" "+cognito.DemoOIDCProvider+" "+cognito.DemoSAMLProvider+"\n") {
		t.Errorf("%d keys, values at column %d, want %d:\n%s", keys, col, 2+len(longest)+1, r.errOut)
	}
	if !strings.Contains(r.errOut, "iam = GET /iam (sigv4)") {
		t.Errorf("the summary does not say how GET /iam is called:\n%s", r.errOut)
	}
}
