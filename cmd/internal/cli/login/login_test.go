package login

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/cogscope/cogscope/cmd/internal/config"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

// loginEnv is a local stack with the demo pool and a hermetic factory
// environment (config and state under a temporary directory).
type loginEnv struct {
	stack *localtest.Env
	dir   string
	env   map[string]string
}

func newLoginEnv(t *testing.T, opts ...localtest.Option) *loginEnv {
	t.Helper()
	dir := t.TempDir()
	return &loginEnv{
		stack: localtest.Start(t, opts...),
		dir:   dir,
		env: map[string]string{
			"XDG_CONFIG_HOME": filepath.Join(dir, "config"),
			"XDG_STATE_HOME":  filepath.Join(dir, "state"),
		},
	}
}

type runResult struct {
	code        int
	out, errOut string
}

func (e *loginEnv) run(t *testing.T, stdin string, tty bool, args ...string) runResult {
	t.Helper()
	return e.runWith(t, func(*bytes.Buffer) io.Reader { return strings.NewReader(stdin) }, tty, args...)
}

// runWith builds stdin from what the command has written to stderr so
// far, for answers that depend on a prompt (an MFA_SETUP secret).
func (e *loginEnv) runWith(t *testing.T, stdin func(errOut *bytes.Buffer) io.Reader, tty bool, args ...string) runResult {
	t.Helper()
	var out, errOut bytes.Buffer
	f := &cmdutil.Factory{
		IO:   cmdutil.IOStreams{In: stdin(&errOut), Out: &out, ErrOut: &errOut, InTTY: tty},
		Env:  func(k string) string { return e.env[k] },
		Now:  time.Now,
		HTTP: &http.Client{Timeout: 10 * time.Second},
	}
	code := runCLI(context.Background(), f, args)
	return runResult{code: code, out: out.String(), errOut: errOut.String()}
}

// demoArgs targets the stack's demo pool with its public client.
func (e *loginEnv) demoArgs(extra ...string) []string {
	return append([]string{"login", "--endpoint", e.stack.Endpoint, "--user-pool-id", cognito.DemoPoolID,
		"--client-id", cognito.DemoPublicClientID}, extra...)
}

func (e *loginEnv) store() *config.Store {
	return config.NewStore(filepath.Join(e.dir, "state", "cogscope"))
}

func TestLoginSRPReadable(t *testing.T) {
	t.Parallel()
	e := newLoginEnv(t)
	r := e.run(t, cognito.DemoPassword+"\n", false, e.demoArgs("--username", cognito.DemoUsername, "--password-stdin")...)
	if r.code != cmdutil.ExitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.out, r.errOut)
	}
	for _, want := range []string{
		" 1. InitiateAuth USER_SRP_AUTH → PASSWORD_VERIFIER",
		" 2. Compute the password claim for PASSWORD_VERIFIER",
		" 3. RespondToAuthChallenge PASSWORD_VERIFIER → tokens",
		"TIMESTAMP", "x ", "[redacted]",
		"id token       expires", "access token   expires", "lifetime 1h0m0s, user demo",
	} {
		if !strings.Contains(r.out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.out)
		}
	}
	if strings.Contains(r.out+r.errOut, cognito.DemoPassword) {
		t.Error("the password was printed")
	}
	key := config.SessionKey("", cognito.DemoPoolID, cognito.DemoPublicClientID)
	sess, err := e.store().Load(key)
	if err != nil {
		t.Fatalf("session not saved: %v\n%s", err, r.errOut)
	}
	if sess.Tokens == nil || sess.Tokens.RefreshToken == "" || sess.Username != cognito.DemoUsername || sess.Flow != "srp" {
		t.Errorf("session = %+v", sess)
	}
	if runtime.GOOS != "windows" {
		st, err := os.Stat(filepath.Join(e.dir, "state", "cogscope", "sessions", key+".json"))
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("session file mode: %v %v", st, err)
		}
	}
}

func TestLoginJSON(t *testing.T) {
	t.Parallel()
	e := newLoginEnv(t)
	r := e.run(t, cognito.DemoPassword+"\n", false, e.demoArgs("--flow", "password", "--username", cognito.DemoUsername, "--password-stdin", "--json", "--no-save")...)
	if r.code != cmdutil.ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.errOut)
	}
	var doc struct {
		Tokens map[string]any   `json:"tokens"`
		Trace  []map[string]any `json:"trace"`
	}
	dec := json.NewDecoder(strings.NewReader(r.out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("stdout is not the documented JSON: %v\n%s", err, r.out)
	}
	keys := []string{"accessToken", "expiresIn", "idToken", "refreshToken", "tokenType"}
	if len(doc.Tokens) != len(keys) {
		t.Errorf("tokens keys = %v", doc.Tokens)
	}
	for _, k := range keys {
		if doc.Tokens[k] == nil || doc.Tokens[k] == "" {
			t.Errorf("tokens.%s missing", k)
		}
	}
	if len(doc.Trace) != 1 || doc.Trace[0]["operation"] != "InitiateAuth" || doc.Trace[0]["index"] != float64(1) {
		t.Errorf("trace = %v", doc.Trace)
	}
	if strings.Contains(r.out, cognito.DemoPassword) {
		t.Error("password in JSON output")
	}
	if _, err := e.store().Load(config.SessionKey("", cognito.DemoPoolID, cognito.DemoPublicClientID)); err == nil {
		t.Error("--no-save saved a session")
	}
}

func TestLoginReveal(t *testing.T) {
	t.Parallel()
	e := newLoginEnv(t)
	r := e.run(t, cognito.DemoPassword+"\n", false, e.demoArgs("--flow", "password", "--username", cognito.DemoUsername, "--password-stdin", "--reveal", "--no-save")...)
	if r.code != cmdutil.ExitOK || !strings.Contains(r.out, "AuthParameters.PASSWORD") || !strings.Contains(r.out, cognito.DemoPassword) {
		t.Fatalf("exit %d; --reveal did not show the password:\n%s", r.code, r.out)
	}
}

func TestLoginRefusedExit1(t *testing.T) {
	t.Parallel()
	e := newLoginEnv(t)
	cases := []struct {
		name  string
		stdin string
		args  []string
		want  []string
	}{
		{"wrong password", "Wr0ng-pass!\n", []string{"--username", cognito.DemoUsername, "--password-stdin"},
			[]string{"RespondToAuthChallenge refused: NotAuthorizedException: Incorrect username or password.", "cause: ", "fix:", "request id"}},
		{"bad secret", "not-the-secret\n" + cognito.DemoPassword + "\n",
			[]string{"--client-id", cognito.DemoSecretClientID, "--client-secret-stdin", "--username", cognito.DemoUsername, "--password-stdin"},
			[]string{"Unable to verify secret hash for client " + cognito.DemoSecretClientID, `computed from "demo"`}},
		{"flow not enabled", cognito.DemoPassword + "\n",
			[]string{"--client-id", cognito.DemoRotateClientID, "--flow", "custom", "--username", cognito.DemoUsername},
			[]string{"InvalidParameterException", "ALLOW_CUSTOM_AUTH"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := e.run(t, c.stdin, false, e.demoArgs(c.args...)...)
			if r.code != cmdutil.ExitRefused {
				t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", r.code, r.out, r.errOut)
			}
			for _, w := range c.want {
				if !strings.Contains(r.errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.errOut)
				}
			}
			if !strings.Contains(r.out, "✗") {
				t.Errorf("the trace does not mark the failed step:\n%s", r.out)
			}
		})
	}
}

func TestLoginUsageExit2(t *testing.T) {
	t.Parallel()
	e := newLoginEnv(t)
	cases := []struct {
		name  string
		stdin string
		tty   bool
		args  []string
		want  string
	}{
		{"unknown profile", "", false, []string{"login", "--profile", "staging"}, `unknown profile "staging"`},
		{"pool id form", "", false, []string{"login", "--endpoint", e.stack.Endpoint, "--user-pool-id", "CogScope1", "--client-id", "x"}, "not in region_id form"},
		{"empty password", "\n", false, e.demoArgs("--username", "demo", "--password-stdin"), "the password on stdin is empty"},
		{"no password without a terminal", "", false, e.demoArgs("--username", "demo"), "--password-stdin"},
		{"unknown flow", "", false, e.demoArgs("--flow", "magic"), `unknown --flow "magic"`},
		{"challenge without a terminal", cognito.DemoPassword + "\n", false, e.demoArgs("--username", cognito.DemoMFAUsername, "--password-stdin"),
			"cannot answer the SOFTWARE_TOKEN_MFA challenge"},
		{"refresh without a token", "", false, e.demoArgs("--flow", "refresh"), "no refresh token"},
		{"stdin ends early", "", false, e.demoArgs("--username", "demo", "--password-stdin"), "expected the password on stdin"},
		{"both secrets", "", false, e.demoArgs("--client-secret", "a", "--client-secret-stdin"), "not both"},
		{"bad flag", "", false, []string{"login", "--nope"}, "unknown flag"},
		{"missing config file", "", false, []string{"login", "--config", "/nonexistent/cogscope.toml"}, "no such file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := e.run(t, c.stdin, c.tty, c.args...)
			if r.code != cmdutil.ExitUsage {
				t.Fatalf("exit %d, want 2\nstdout:\n%s\nstderr:\n%s", r.code, r.out, r.errOut)
			}
			lines := strings.Split(strings.TrimRight(r.errOut, "\n"), "\n")
			last := lines[len(lines)-1]
			if !strings.HasPrefix(last, "cogscope: ") || !strings.Contains(last, c.want) {
				t.Errorf("stderr = %q, want one line containing %q", r.errOut, c.want)
			}
		})
	}
}

func TestLoginRefusedJSON(t *testing.T) {
	t.Parallel()
	e := newLoginEnv(t)
	r := e.run(t, "Wr0ng-pass!\n", false, e.demoArgs("--flow", "password", "--username", cognito.DemoUsername, "--password-stdin", "--json")...)
	if r.code != cmdutil.ExitRefused {
		t.Fatalf("exit %d\n%s", r.code, r.errOut)
	}
	var doc struct {
		Tokens *struct{}         `json:"tokens"`
		Trace  []json.RawMessage `json:"trace"`
		Error  struct {
			Type, Message, Cause, Ref string
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, r.out)
	}
	if doc.Tokens != nil || len(doc.Trace) != 1 || doc.Error.Type != "NotAuthorizedException" || doc.Error.Ref != flows.RefURL("cognito.NotAuthorizedException.incorrect-password") || doc.Error.Cause == "" {
		t.Errorf("doc = %+v", doc)
	}
	if !strings.Contains(r.errOut, "cause: ") {
		t.Errorf("no diagnosis on stderr: %s", r.errOut)
	}
}

func TestLoginUnreachableEndpoint(t *testing.T) {
	t.Parallel()
	e := &loginEnv{dir: t.TempDir()}
	e.env = map[string]string{"XDG_CONFIG_HOME": filepath.Join(e.dir, "c"), "XDG_STATE_HOME": filepath.Join(e.dir, "s")}
	r := e.run(t, "pw\n", false, "login", "--endpoint", "http://127.0.0.1:1", "--user-pool-id", "us-east-1_Abc",
		"--client-id", "c", "--username", "u", "--password-stdin", "--flow", "password")
	if r.code != cmdutil.ExitUsage || !strings.Contains(r.errOut, "could not be reached") || strings.Count(r.errOut, "\n") != 1 {
		t.Fatalf("exit %d, stderr %q", r.code, r.errOut)
	}
}

func TestLoginProfileWithSecretAndRefresh(t *testing.T) {
	t.Parallel()
	e := newLoginEnv(t)
	cfg := `default_profile = "demo"
[profiles.demo]
user_pool_id = "` + cognito.DemoPoolID + `"
client_id = "` + cognito.DemoSecretClientID + `"
client_secret_env = "DEMO_SECRET"
username = "` + cognito.DemoUsername + `"
endpoint = "` + e.stack.Endpoint + `"
flow = "password"
`
	p := filepath.Join(e.dir, "config", "cogscope", "config.toml")
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	e.env["DEMO_SECRET"] = cognito.DemoClientSecret

	r := e.run(t, cognito.DemoPassword+"\n", false, "login", "--password-stdin")
	if r.code != cmdutil.ExitOK {
		t.Fatalf("login: exit %d\n%s\n%s", r.code, r.out, r.errOut)
	}
	if !strings.Contains(r.out, "AuthParameters.SECRET_HASH") {
		t.Errorf("no SECRET_HASH sent:\n%s", r.out)
	}
	first, err := e.store().Load("demo")
	if err != nil {
		t.Fatal(err)
	}

	// Refresh from the saved session: REFRESH_TOKEN_AUTH, hashed with the
	// access token's username claim.
	r = e.run(t, "", false, "login", "--flow", "refresh", "--json")
	if r.code != cmdutil.ExitOK {
		t.Fatalf("refresh: exit %d\n%s\n%s", r.code, r.out, r.errOut)
	}
	var doc struct {
		Tokens struct {
			AccessToken  string `json:"accessToken"`
			RefreshToken string `json:"refreshToken"`
		} `json:"tokens"`
		Trace []struct {
			AuthFlow   string `json:"authFlow"`
			SecretHash *struct {
				Username, Source string
			} `json:"secretHash"`
		} `json:"trace"`
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Tokens.AccessToken == "" || doc.Tokens.RefreshToken != first.Tokens.RefreshToken {
		t.Errorf("refresh tokens = %+v", doc.Tokens)
	}
	found := false
	for _, s := range doc.Trace {
		if s.AuthFlow == "REFRESH_TOKEN_AUTH" && s.SecretHash != nil && s.SecretHash.Username == cognito.DemoUsername {
			found = true
		}
	}
	if !found {
		t.Errorf("no REFRESH_TOKEN_AUTH hashed with the username claim:\n%s", r.out)
	}

	// A refresh token from stdin works too.
	r = e.run(t, first.Tokens.RefreshToken+"\n", false, "login", "--flow", "refresh", "--refresh-token-stdin", "--no-save")
	if r.code != cmdutil.ExitOK {
		t.Fatalf("refresh from stdin: exit %d\n%s", r.code, r.errOut)
	}
}

func TestLoginInteractive(t *testing.T) {
	t.Parallel()
	e := newLoginEnv(t)
	t.Run("TOTP", func(t *testing.T) {
		t.Parallel()
		code, err := totp.GenerateCode(cognito.DemoTOTPSecret, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		// A terminal: the password prompt, then the MFA code.
		r := e.run(t, cognito.DemoPassword+"\n"+code+"\n", true, e.demoArgs("--username", cognito.DemoMFAUsername, "--no-save")...)
		if r.code != cmdutil.ExitOK {
			t.Fatalf("exit %d\n%s\n%s", r.code, r.out, r.errOut)
		}
		for _, w := range []string{"Password for mfa-demo:", "SOFTWARE_TOKEN_MFA: Enter the 6-digit code", "Code:"} {
			if !strings.Contains(r.errOut, w) {
				t.Errorf("stderr lacks prompt %q:\n%s", w, r.errOut)
			}
		}
	})
	t.Run("new password", func(t *testing.T) {
		t.Parallel()
		r := e.run(t, cognito.DemoTempPassword+"\nN3w-Passw0rd!\nN3w-Passw0rd!\n", true, e.demoArgs("--username", cognito.DemoNewUsername, "--no-save")...)
		if r.code != cmdutil.ExitOK {
			t.Fatalf("exit %d\n%s\n%s", r.code, r.out, r.errOut)
		}
		if !strings.Contains(r.errOut, "NEW_PASSWORD_REQUIRED") || !strings.Contains(r.errOut, "New password:") {
			t.Errorf("stderr:\n%s", r.errOut)
		}
		if strings.Contains(r.out+r.errOut, "N3w-Passw0rd!") {
			t.Error("new password printed")
		}
	})
	t.Run("select challenge", func(t *testing.T) {
		t.Parallel()
		// --password-stdin takes the first line; the prompt then reads a
		// wrong choice and a right one (a name; a number works too).
		r := e.run(t, cognito.DemoPassword+"\ncarrier-pigeon\npassword\n", true,
			e.demoArgs("--flow", "user-auth", "--username", cognito.DemoUsername, "--password-stdin", "--no-save")...)
		if r.code != cmdutil.ExitOK {
			t.Fatalf("exit %d\n%s\n%s", r.code, r.out, r.errOut)
		}
		for _, w := range []string{"SELECT_CHALLENGE: Choose how to sign in", "1) ", `"carrier-pigeon" is not one of the choices`} {
			if !strings.Contains(r.errOut, w) {
				t.Errorf("stderr lacks %q:\n%s", w, r.errOut)
			}
		}
	})
}

func TestLoginAdminPassword(t *testing.T) {
	t.Parallel()
	e := newLoginEnv(t)
	r := e.run(t, cognito.DemoClientSecret+"\n"+cognito.DemoPassword+"\n", false, e.demoArgs("--flow", "admin-password",
		"--client-id", cognito.DemoSecretClientID, "--client-secret-stdin", "--username", cognito.DemoUsername, "--password-stdin", "--no-save")...)
	if r.code != cmdutil.ExitOK || !strings.Contains(r.out, "AdminInitiateAuth ADMIN_USER_PASSWORD_AUTH → tokens") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.out, r.errOut)
	}
}

// TestLoginNoTarget starts the local stack in-process and signs in to its
// demo pool as the demo user.
func TestLoginNoTarget(t *testing.T) {
	t.Parallel()
	e := &loginEnv{dir: t.TempDir()}
	e.env = map[string]string{"XDG_CONFIG_HOME": filepath.Join(e.dir, "c"), "XDG_STATE_HOME": filepath.Join(e.dir, "s")}
	r := e.run(t, "", false, "login")
	if r.code != cmdutil.ExitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.out, r.errOut)
	}
	if !strings.Contains(r.errOut, "demo pool "+cognito.DemoPoolID) || !strings.Contains(r.errOut, "Not saved") {
		t.Errorf("stderr:\n%s", r.errOut)
	}
}

// scriptReader answers one line per Read, each computed when it is read.
type scriptReader struct {
	lines []func() string
	i     int
}

func (r *scriptReader) Read(p []byte) (int, error) {
	if r.i >= len(r.lines) {
		return 0, io.EOF
	}
	s := r.lines[r.i]() + "\n"
	r.i++
	return copy(p, s), nil
}

var otpauthRE = regexp.MustCompile(`otpauth://totp/\S+`)

// TestLoginMFASetupAndDevice: the first sign-in sets up an authenticator
// (QR code and otpauth URI on the terminal) and the pool remembers the
// device; the second sign-in skips MFA with DEVICE_SRP_AUTH, using the
// device kept in the session store.
func TestLoginMFASetupAndDevice(t *testing.T) {
	t.Parallel()
	const poolID, clientID = "us-east-1_DevCli", "devclipublic00000000000000"
	seed := cognito.Seed{UserPools: []cognito.PoolSeed{{
		ID: poolID, Name: "devcli", MFA: "ON", MFATypes: []string{"SOFTWARE_TOKEN_MFA"},
		DeviceTracking: &cognito.DeviceTrackingSeed{ChallengeRequiredOnNewDevice: true},
		Clients:        []cognito.ClientSeed{{ID: clientID, Name: "p", ExplicitAuthFlows: []string{"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}},
		Users:          []cognito.UserSeed{{Username: "eve", Password: "Passw0rd!"}},
	}}}
	e := newLoginEnv(t, localtest.WithSeed(seed))
	args := []string{"login", "--endpoint", e.stack.Endpoint, "--user-pool-id", poolID, "--client-id", clientID, "--username", "eve"}

	r := e.runWith(t, func(errOut *bytes.Buffer) io.Reader {
		return &scriptReader{lines: []func() string{
			func() string { return "Passw0rd!" },
			func() string {
				u, err := url.Parse(otpauthRE.FindString(errOut.String()))
				if err != nil {
					return "no-uri"
				}
				code, err := totp.GenerateCode(u.Query().Get("secret"), time.Now())
				if err != nil {
					return "bad-secret"
				}
				return code
			},
		}}
	}, true, args...)
	if r.code != cmdutil.ExitOK {
		t.Fatalf("first sign-in: exit %d\n%s\n%s", r.code, r.out, r.errOut)
	}
	if !strings.Contains(r.errOut, "MFA_SETUP: ") || !otpauthRE.MatchString(r.errOut) || !strings.Contains(r.errOut, "▄") {
		t.Errorf("no QR code and otpauth URI on stderr:\n%s", r.errOut)
	}
	if strings.Contains(r.out, "secret=") {
		t.Error("the TOTP secret reached the trace")
	}
	sess, err := e.store().Load(config.SessionKey("", poolID, clientID))
	if err != nil {
		t.Fatal(err)
	}
	d, ok := sess.DeviceFor("eve")
	if !ok || d.Key == "" || d.Password == "" || !d.Remembered {
		t.Fatalf("device not stored: %+v", sess)
	}
	if strings.Contains(r.out, d.Password) {
		t.Error("device password printed")
	}

	r = e.run(t, "Passw0rd!\n", false, append(args, "--password-stdin")...)
	if r.code != cmdutil.ExitOK {
		t.Fatalf("second sign-in: exit %d\n%s\n%s", r.code, r.out, r.errOut)
	}
	if !strings.Contains(r.out, "RespondToAuthChallenge DEVICE_SRP_AUTH → DEVICE_PASSWORD_VERIFIER") ||
		!strings.Contains(r.out, "RespondToAuthChallenge DEVICE_PASSWORD_VERIFIER → tokens") {
		t.Errorf("no device sign-in:\n%s", r.out)
	}

	// Refresh sends the device key.
	r = e.run(t, "", false, "login", "--endpoint", e.stack.Endpoint, "--user-pool-id", poolID, "--client-id", clientID, "--flow", "refresh")
	if r.code != cmdutil.ExitOK || !strings.Contains(r.out, "AuthParameters.DEVICE_KEY") {
		t.Fatalf("refresh: exit %d\n%s\n%s", r.code, r.out, r.errOut)
	}
}
