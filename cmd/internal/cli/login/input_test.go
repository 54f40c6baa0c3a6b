package login

import (
	"bytes"
	"context"
	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/cogscope/cogscope/cmd/internal/config"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

// runFactory runs a command line with a hermetic environment under dir and
// the given HTTP client.
func runFactory(t *testing.T, dir string, client *http.Client, stdin io.Reader, args ...string) runResult {
	t.Helper()
	var out, errOut bytes.Buffer
	env := map[string]string{"XDG_CONFIG_HOME": filepath.Join(dir, "c"), "XDG_STATE_HOME": filepath.Join(dir, "s")}
	f := &cmdutil.Factory{
		IO:   cmdutil.IOStreams{In: stdin, Out: &out, ErrOut: &errOut},
		Env:  func(k string) string { return env[k] },
		Now:  time.Now,
		HTTP: client,
	}
	code := runCLI(context.Background(), f, args)
	return runResult{code: code, out: out.String(), errOut: errOut.String()}
}

// wantOneLine checks exit 2 and a single "cogscope: …" line on stderr.
func wantOneLine(t *testing.T, r runResult, want ...string) {
	t.Helper()
	if r.code != cmdutil.ExitUsage {
		t.Fatalf("exit %d, want 2\nstdout:\n%s\nstderr:\n%s", r.code, r.out, r.errOut)
	}
	if !strings.HasPrefix(r.errOut, "cogscope: ") || strings.Count(r.errOut, "\n") != 1 {
		t.Errorf("stderr is not one line:\n%s", r.errOut)
	}
	for _, w := range want {
		if !strings.Contains(r.errOut, w) {
			t.Errorf("stderr lacks %q:\n%s", w, r.errOut)
		}
	}
}

// TestLoginHostileEndpoint: an endpoint that is not Cognito (a web page, a
// proxy error, garbage, answers Cognito never gives, an endless body, a
// server that never answers) ends the command with one clear line and
// exit 2, bounded in time and memory, and no session is saved.
func TestLoginHostileEndpoint(t *testing.T) {
	t.Parallel()
	amzJSON := func(status int, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, body)
		}
	}
	cases := []struct {
		name    string
		handler http.HandlerFunc
		want    []string
	}{
		{"HTML page", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = io.WriteString(w, "<html><body>Welcome to nginx!</body></html>")
		}, []string{"HTTP 200, text/html", "not in Cognito's JSON protocol (an HTML page)", "--endpoint"}},
		{"proxy error page", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = io.WriteString(w, "<html>502 Bad Gateway</html>")
		}, []string{"HTTP 502", "an HTML page"}},
		{"binary garbage", func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte("\x00\x01\xff{{{{"))
		}, []string{"not in Cognito's JSON protocol"}},
		{"empty object", amzJSON(200, `{}`), []string{"neither tokens nor a challenge"}},
		{"tokens without an access token", amzJSON(200, `{"AuthenticationResult":{"ExpiresIn":3600}}`), []string{"no access token"}},
		{"endless body", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			w.WriteHeader(400)
			chunk := bytes.Repeat([]byte("A"), 1<<20)
			_, _ = io.WriteString(w, `{"__type":"X","message":"`)
			for range 64 {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}, []string{"larger than 4 MiB"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(c.handler)
			defer srv.Close()
			dir := t.TempDir()
			r := runFactory(t, dir, cmdutil.NewHTTPClient(), strings.NewReader("pw\n"), "login", "--endpoint", srv.URL, "--flow", "password",
				"--user-pool-id", "us-east-1_Abc", "--client-id", "c", "--username", "u", "--password-stdin")
			wantOneLine(t, r, c.want...)
			if strings.Contains(r.out, "Tokens (") {
				t.Errorf("tokens reported:\n%s", r.out)
			}
			if _, err := config.NewStore(filepath.Join(dir, "s", "cogscope")).Load(config.SessionKey("", "us-east-1_Abc", "c")); err == nil {
				t.Error("a session was saved")
			}
		})
	}

	t.Run("never answers", func(t *testing.T) {
		t.Parallel()
		release := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
		defer srv.Close()
		defer close(release)
		client := &http.Client{Timeout: 300 * time.Millisecond, Transport: cmdutil.LimitTransport(nil)}
		start := time.Now()
		r := runFactory(t, t.TempDir(), client, strings.NewReader("pw\n"), "login", "--endpoint", srv.URL, "--flow", "password",
			"--user-pool-id", "us-east-1_Abc", "--client-id", "c", "--username", "u", "--password-stdin")
		wantOneLine(t, r, "ran out of time")
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %v", d)
		}
	})
}

// TestLoginFlagMisuse: flags that make no sense for the flow, values out
// of range and unusable endpoints are refused before anything is read or
// sent.
func TestLoginFlagMisuse(t *testing.T) {
	t.Parallel()
	e := newLoginEnv(t)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"endpoint without scheme", []string{"login", "--endpoint", "127.0.0.1:9229"}, "not an absolute URL"},
		{"endpoint with another scheme", []string{"login", "--endpoint", "ftp://127.0.0.1/"}, `scheme "ftp"`},
		{"preferred challenge unknown", e.demoArgs("--flow", "user-auth", "--username", "demo", "--preferred-challenge", "CARRIER_PIGEON"), "PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP"},
		{"preferred challenge with srp", e.demoArgs("--username", "demo", "--preferred-challenge", "PASSWORD"), "only applies to --flow user-auth"},
		{"refresh token for srp", e.demoArgs("--username", "demo", "--refresh-token-stdin"), "--refresh-token-stdin only applies"},
		{"password for refresh", e.demoArgs("--flow", "refresh", "--password-stdin"), "a refresh needs no password"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := e.run(t, "Passw0rd!\n", false, c.args...)
			wantOneLine(t, r, c.want)
			if r.out != "" {
				t.Errorf("stdout:\n%s", r.out)
			}
		})
	}

	// A lower-case factor is understood.
	r := e.run(t, cognito.DemoPassword+"\n", false, e.demoArgs("--flow", "user-auth", "--username", "demo", "--preferred-challenge", "password", "--password-stdin", "--no-save")...)
	if r.code != cmdutil.ExitOK {
		t.Errorf("--preferred-challenge password: exit %d\n%s", r.code, r.errOut)
	}
}

// TestLoginProfileValuesNamed: a bad value from the config file is named
// as the profile's key, not as a flag the user never typed.
func TestLoginProfileValuesNamed(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ profile, want string }{
		{"user_pool_id = \"CogScope1\"\nclient_id = \"x\"\n", "user_pool_id of profile dev"},
		{"client_id = \"x\"\nendpoint = \"localhost:9229\"\n", "endpoint of profile dev"},
	} {
		dir := t.TempDir()
		p := filepath.Join(dir, "c", "cogscope", "config.toml")
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("[profiles.dev]\n"+c.profile), 0o600); err != nil {
			t.Fatal(err)
		}
		r := runFactory(t, dir, nil, strings.NewReader(""), "login", "--profile", "dev", "--username", "u", "--password-stdin")
		wantOneLine(t, r, c.want)
		if strings.Contains(r.errOut, "--user-pool-id") || strings.Contains(r.errOut, "--endpoint") {
			t.Errorf("names a flag: %s", r.errOut)
		}
	}
}

// TestLoginDemoPoolFollowsRegion: `cogscope --region R local` names its
// demo pool R_CogScope1; login --region R with its endpoint must target
// (and save the session of) that pool, or inspect --session checks the
// token against the wrong issuer.
func TestLoginDemoPoolFollowsRegion(t *testing.T) {
	t.Parallel()
	e := newLoginEnv(t, localtest.WithRegion("eu-west-1"), localtest.WithSeed(demoSeedIn("eu-west-1")))
	r := e.run(t, "", false, "--region", "eu-west-1", "login", "--endpoint", e.stack.Endpoint)
	if r.code != cmdutil.ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.errOut)
	}
	key := config.SessionKey("", "eu-west-1_CogScope1", cognito.DemoPublicClientID)
	if _, err := e.store().Load(key); err != nil {
		t.Fatalf("session %s: %v\n%s", key, err, r.errOut)
	}
	r = e.run(t, "", false, "inspect", "--session", "access")
	if r.code != cmdutil.ExitOK {
		t.Errorf("inspect --session: exit %d\n%s\n%s", r.code, r.out, r.errOut)
	}
}

// demoSeedIn is the demo seed with its pool in region, as `cogscope
// --region R local` creates it.
func demoSeedIn(region string) cognito.Seed {
	seed := cognito.DemoSeed()
	for i := range seed.UserPools {
		_, suffix, _ := strings.Cut(seed.UserPools[i].ID, "_")
		seed.UserPools[i].ID = region + "_" + suffix
	}
	return seed
}

// TestLoginInteractiveRetries: at a terminal, a mistyped code or a new
// password the policy refuses is asked for again, and a new password is
// typed twice.
func TestLoginInteractiveRetries(t *testing.T) {
	t.Parallel()
	e := newLoginEnv(t)
	t.Run("wrong code, then the right one", func(t *testing.T) {
		t.Parallel()
		code, err := totp.GenerateCode(cognito.DemoTOTPSecret, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		bad := "000000"
		if code == bad {
			bad = "111111"
		}
		r := e.run(t, cognito.DemoPassword+"\n"+bad+"\n"+code+"\n", true, e.demoArgs("--username", cognito.DemoMFAUsername, "--no-save")...)
		if r.code != cmdutil.ExitOK {
			t.Fatalf("exit %d\n%s\n%s", r.code, r.out, r.errOut)
		}
		if !strings.Contains(r.errOut, "✗ CodeMismatchException") || !strings.Contains(r.errOut, "Try again (2 tries left)") {
			t.Errorf("stderr:\n%s", r.errOut)
		}
	})
	t.Run("three wrong codes", func(t *testing.T) {
		t.Parallel()
		r := e.run(t, cognito.DemoPassword+"\n1\n2\n3\n4\n", true, e.demoArgs("--username", cognito.DemoMFAUsername, "--no-save")...)
		if r.code != cmdutil.ExitRefused || !strings.Contains(r.errOut, "Try again (1 try left)") || strings.Count(r.errOut, "Code:") != 3 {
			t.Errorf("exit %d\n%s", r.code, r.errOut)
		}
	})
	t.Run("new password typed twice, refused once", func(t *testing.T) {
		t.Parallel()
		in := cognito.DemoTempPassword + "\n" +
			"N3w-Passw0rd!\nN3w-Passw0rd?\n" + // differ
			"short\nshort\n" + // the policy refuses it
			"N3w-Passw0rd!\nN3w-Passw0rd!\n"
		r := e.run(t, in, true, e.demoArgs("--username", cognito.DemoNewUsername, "--no-save")...)
		if r.code != cmdutil.ExitOK {
			t.Fatalf("exit %d\n%s\n%s", r.code, r.out, r.errOut)
		}
		for _, w := range []string{"Repeat new password:", "The two passwords differ.", "✗ InvalidPasswordException"} {
			if !strings.Contains(r.errOut, w) {
				t.Errorf("stderr lacks %q:\n%s", w, r.errOut)
			}
		}
		if strings.Contains(r.out+r.errOut, "N3w-Passw0rd") {
			t.Error("the new password was printed")
		}
	})
}

func TestLoginStdinLineTooLong(t *testing.T) {
	t.Parallel()
	e := newLoginEnv(t)
	r := e.run(t, strings.Repeat("x", 100<<10)+"\n", false, e.demoArgs("--username", "demo", "--password-stdin")...)
	wantOneLine(t, r, "longer than 64 KiB")
}

// TestReadsEndOnInterrupt: a read of stdin that nothing answers (a
// terminal, an open pipe) ends when the command's context does (Ctrl-C),
// for login's prompts and inspect's token alike.
func TestReadsEndOnInterrupt(t *testing.T) {
	t.Parallel()
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	lr := cmdutil.NewLineReader(ctx, pr)
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	if _, err := lr.Line("password"); err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("line: %v", err)
	}

	pr2, pw2 := io.Pipe()
	defer pw2.Close()
	var out, errOut bytes.Buffer
	f := &cmdutil.Factory{IO: cmdutil.IOStreams{In: pr2, Out: &out, ErrOut: &errOut}, Env: func(string) string { return "" }, Now: time.Now}
	ctx2, cancel2 := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel2() }()
	if code := runCLI(ctx2, f, []string{"inspect", "-"}); code != cmdutil.ExitInterrupted || !strings.Contains(errOut.String(), "interrupted") {
		t.Errorf("inspect: exit %d, stderr %q", code, errOut.String())
	}
}

// TestLoginReplacesCorruptSession: a session file that no longer parses
// is said once and replaced by the next sign-in, not a reason to refuse
// saving every sign-in after it.
func TestLoginReplacesCorruptSession(t *testing.T) {
	t.Parallel()
	e := newLoginEnv(t)
	key := config.SessionKey("", cognito.DemoPoolID, cognito.DemoPublicClientID)
	p := filepath.Join(e.dir, "state", "cogscope", "sessions", key+".json")
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("garbage{"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := e.run(t, cognito.DemoPassword+"\n", false, e.demoArgs("--username", cognito.DemoUsername, "--password-stdin")...)
	if r.code != cmdutil.ExitOK || !strings.Contains(r.errOut, "corrupt") || !strings.Contains(r.errOut, "Session saved") {
		t.Fatalf("exit %d\n%s", r.code, r.errOut)
	}
	if sess, err := e.store().Load(key); err != nil || sess.Tokens == nil {
		t.Errorf("session not replaced: %v", err)
	}
}
