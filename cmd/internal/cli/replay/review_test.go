package replay

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/internal/local/apigw"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/transcript"
)

// writeTranscript writes tr as a transcript file in the world's
// directory: what a hand-edited, merged or hostile transcript looks like
// to replay.
func (w *world) writeTranscript(t *testing.T, name string, tr *transcript.Transcript) string {
	t.Helper()
	tr.Version = transcript.Version
	b, err := json.Marshal(tr)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(w.dir, name)
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

// signedIn is a recorded sign-in of flow that got the tokens a user
// pool issues (the refresh token unless it is a refresh).
func signedIn(flow string, challenges ...string) transcript.SignIn {
	s := transcript.SignIn{Flow: flow, Outcome: transcript.OutcomeSignedIn, Challenges: challenges,
		Tokens: []transcript.Token{{Use: "id"}, {Use: "access", Scopes: []string{"aws.cognito.signin.user.admin"}}}}
	if flow != "refresh" {
		s.Tokens = append(s.Tokens, transcript.Token{Use: "refresh"})
	}
	return s
}

// srpSession is a recorded session of one SRP sign-in as username,
// signed in, then calls.
func srpSession(username string, calls ...transcript.Call) *transcript.Transcript {
	return &transcript.Transcript{Target: transcript.Target{Profile: "dev", Username: username},
		SignIns: []transcript.SignIn{signedIn("srp", "PASSWORD_VERIFIER")}, Calls: calls}
}

// TestReplayCallsStayOnTheTargetAPI: a call recorded against another base
// URL (a full URL called, or a transcript written by hand) is re-sent
// only when it lies under the target's API; anywhere else it is skipped
// with the reason, and the replay's token is never sent there.
func TestReplayCallsStayOnTheTargetAPI(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	var hits atomic.Int32
	var gotAuth atomic.Value
	foreign := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		gotAuth.Store(r.Header.Get("Authorization"))
		rw.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(foreign.Close)
	twinBase := apigw.InvokeURL(w.stack.Endpoint, "twinapi001", "")

	cases := []struct {
		name, path, tokenKind string
		wantStatus            int
		wantSkipped           string // in the replayed call's reason; "" when sent
	}{
		{"a path", "/private", "access", 200, ""},
		{"a full URL under the target's API", twinBase + "/private", "access", 200, ""},
		{"another host, with a token", foreign.URL + "/steal", "access", 0, "outside the API under test"},
		{"another host, without a token", foreign.URL + "/hello", "none", 0, "outside the API under test"},
		{"another API on the same host", apigw.InvokeURL(w.stack.Endpoint, "devapi0001", "") + "/private", "access", 0, "outside the API under test"},
	}
	var calls []transcript.Call
	for _, tc := range cases {
		calls = append(calls, transcript.Call{Method: "GET", Path: tc.path, TokenKind: tc.tokenKind, Status: 200})
	}
	file := w.writeTranscript(t, "urls.json", srpSession(user, calls...))
	code, out, errOut := w.run(t, password+"\n", "--profile", "twin", "replay", file, "--password-stdin", "--json")
	if code != 0 && code != 1 {
		t.Fatalf("exit %d\nstderr: %s\nstdout: %s", code, errOut, out)
	}
	var doc Document
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("replay --json: %v\n%s", err, out)
	}
	if len(doc.Replay.Calls) != len(cases) {
		t.Fatalf("%d calls replayed, want %d", len(doc.Replay.Calls), len(cases))
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := doc.Replay.Calls[i]
			if c.Status != tc.wantStatus || !strings.Contains(c.Skipped, tc.wantSkipped) || (tc.wantSkipped == "") != (c.Skipped == "") {
				t.Errorf("status %d, skipped %q; want %d, %q", c.Status, c.Skipped, tc.wantStatus, tc.wantSkipped)
			}
			if step := doc.Comparison.Steps[1+i]; tc.wantSkipped != "" && (step.B != "skipped" || !step.Same) {
				t.Errorf("comparison: %+v", step)
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the host the transcript named got %d request(s) (Authorization %q)", n, gotAuth.Load())
	}
}

// TestReplayClientSecretStdinAnyFlow: an SRP sign-in with a client that
// has a secret needs it (SECRET_HASH), as login takes it with any flow:
// --client-secret-stdin gives it, read before the password, and the
// profile's unset variable is not read. Only a transcript without a
// sign-in refuses the flag.
func TestReplayClientSecretStdinAnyFlow(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	const (
		confClient = "confsrpclient0000000000001"
		confSecret = "confsrpclientsecretforthereplaytest0123456789abcd"
	)
	err := w.stack.Cognito.ApplySeed(cognito.Seed{UserPools: []cognito.PoolSeed{{Name: "confsrp",
		Users:   []cognito.UserSeed{{Username: user, Password: password}},
		Clients: []cognito.ClientSeed{{ID: confClient, Name: "confsrp", Secret: confSecret, ExplicitAuthFlows: []string{"ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	var pool string
	for _, p := range w.stack.Cognito.Describe() {
		if p.Name == "confsrp" {
			pool = p.ID
		}
	}
	cfg, err := os.ReadFile(w.cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg = append(cfg, fmt.Sprintf("[profiles.confsrp]\nregion = %q\nendpoint = %q\nuser_pool_id = %q\nclient_id = %q\nclient_secret_env = \"CONFSRP_SECRET_UNSET\"\nusername = %q\n",
		w.stack.Region, w.stack.Endpoint, pool, confClient, user)...)
	if err := os.WriteFile(w.cfg, cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	srp := w.writeTranscript(t, "srp.json", srpSession(user))
	refresh := &transcript.Transcript{Target: transcript.Target{Profile: "dev", Username: user},
		SignIns: []transcript.SignIn{signedIn("password"), signedIn("refresh")}}
	pwRefresh := w.writeTranscript(t, "password-refresh.json", refresh)
	callsOnly := w.writeTranscript(t, "calls.json", &transcript.Transcript{Calls: []transcript.Call{{Method: "GET", Path: "/private", TokenKind: "none", Status: 401}}})

	cases := []struct {
		name     string
		file     string
		stdin    string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"srp, secret then password", srp, confSecret + "\n" + password + "\n", []string{"--client-secret-stdin", "--password-stdin"}, 0, ""},
		{"password and refresh, secret then password", pwRefresh, confSecret + "\n" + password + "\n", []string{"--client-secret-stdin", "--password-stdin"}, 0, ""},
		{"without the flag, the profile's variable", srp, password + "\n", []string{"--password-stdin"}, cmdutil.ExitUsage, "CONFSRP_SECRET_UNSET"},
		{"a transcript without a sign-in", callsOnly, confSecret + "\n", []string{"--client-secret-stdin"}, cmdutil.ExitUsage, "--client-secret-stdin gives the app client's secret to the transcript's sign-ins; "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := w.run(t, tc.stdin, append([]string{"--profile", "confsrp", "replay", tc.file, "--json"}, tc.args...)...)
			if code != tc.wantCode || !strings.Contains(errOut, tc.wantErr) {
				t.Fatalf("exit %d, want %d and %q\nstderr: %s\nstdout: %s", code, tc.wantCode, tc.wantErr, errOut, out)
			}
			if strings.Contains(out+errOut, confSecret) || strings.Contains(out+errOut, password) {
				t.Error("the output holds the client secret or the password")
			}
			if code == 0 {
				var doc Document
				if err := json.Unmarshal([]byte(out), &doc); err != nil {
					t.Fatal(err)
				}
				for _, s := range doc.Replay.SignIns {
					if s.Outcome != transcript.OutcomeSignedIn {
						t.Errorf("%s: %s (%+v)", s.Flow, s.Outcome, s.Error)
					}
				}
			}
		})
	}
}

// TestReplayHostileTranscript: a transcript's values (the username the
// password is asked for, the profile, flow-side errors, calls' methods
// and paths) reach the terminal only with their control characters shown
// as escapes, on stdout and stderr, at a terminal or not, in text or
// JSON.
func TestReplayHostileTranscript(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	const evil = "\x1b[2J\x1b]0;pwned\a\u202e\u009b"
	tr := srpSession(user+evil, transcript.Call{Method: "GET", Path: "/private" + evil, TokenKind: "access", Status: 200, Message: "m" + evil})
	tr.Target.Profile = "dev" + evil
	tr.SignIns[0].Error = &transcript.Error{Type: "X" + evil, Message: "y" + evil}
	tr.SignIns[0].Outcome = transcript.OutcomeRefused
	file := w.writeTranscript(t, "hostile.json", tr)
	for _, tc := range []struct {
		name string
		tty  bool
		args []string
	}{
		{"terminal, text", true, nil},
		{"terminal, json", true, []string{"--json"}},
		{"pipe, text", false, []string{"--password-stdin"}},
		{"pipe, json", false, []string{"--password-stdin", "--json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := w.runIO(t, strings.NewReader(password+"\n"), tc.tty, append([]string{"--profile", "twin", "replay", file}, tc.args...)...)
			if code != 1 {
				t.Fatalf("exit %d\nstderr: %s\nstdout: %s", code, errOut, out)
			}
			for _, s := range []struct{ name, text string }{{"stdout", out}, {"stderr", errOut}} {
				if strings.ContainsAny(s.text, "\x1b\a\u202e\u009b") {
					t.Errorf("%s holds a raw control character: %q", s.name, s.text)
				}
			}
			if tc.tty && !strings.Contains(errOut, `Password for alice\x1b[2J`) {
				t.Errorf("the prompt does not name the user, escaped: %q", errOut)
			}
		})
	}
}

// TestReplayNeedsAUsername: a transcript that names no user, replayed
// against a target that names none, is refused before anything is sent,
// saying which flag gives one.
func TestReplayNeedsAUsername(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	var pool string
	for _, p := range w.stack.Cognito.Describe() {
		if p.Name == "twin" {
			pool = p.ID
		}
	}
	file := w.writeTranscript(t, "nouser.json", srpSession(""))
	target := []string{"--endpoint", w.stack.Endpoint, "--region", w.stack.Region, "replay", file, "--user-pool-id", pool, "--client-id", twinClient}
	cases := []struct {
		name     string
		args     []string
		wantCode int
		want     string
	}{
		{"no username", []string{"--password-stdin"}, cmdutil.ExitUsage, "sign-in 1 of " + file + " (srp) signs a user in, and neither the transcript nor the target names one: give --username"},
		{"--username", []string{"--password-stdin", "--username", user}, 0, "No difference"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := w.run(t, password+"\n", append(target, tc.args...)...)
			if code != tc.wantCode || !strings.Contains(out+errOut, tc.want) {
				t.Errorf("exit %d, want %d and %q\nstderr: %s\nstdout: %s", code, tc.wantCode, tc.want, errOut, out)
			}
		})
	}
}

// TestReplayHeadingNamesTheTarget: the text output's first line names the
// target's profile, also when the transcript was recorded with the same
// profile (the comparison's labels are then "recorded" and "replay"), and
// "the target" without one.
func TestReplayHeadingNamesTheTarget(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	var pool string
	for _, p := range w.stack.Cognito.Describe() {
		if p.Name == "twin" {
			pool = p.ID
		}
	}
	same := srpSession(user)
	same.Target.Profile = "twin"
	sameFile := w.writeTranscript(t, "same.json", same)
	devFile := w.writeTranscript(t, "dev.json", srpSession(user))
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"another profile", []string{"--profile", "twin", "replay", devFile}, "Replayed against profile twin (pool " + pool + ", client " + twinClient + ", user alice)"},
		{"the same profile", []string{"--profile", "twin", "replay", sameFile}, "Replayed against profile twin (pool " + pool},
		{"no profile", []string{"--endpoint", w.stack.Endpoint, "--region", w.stack.Region, "replay", devFile, "--user-pool-id", pool, "--client-id", twinClient},
			"Replayed against the target (pool " + pool},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := w.run(t, password+"\n", append(tc.args, "--password-stdin")...)
			if code != 0 || !strings.HasPrefix(out, tc.want) {
				t.Errorf("exit %d, want 0 and a first line %q\nstderr: %s\nstdout: %s", code, tc.want, errOut, out)
			}
		})
	}
}

// TestReplayChecksCallsFirst: a recorded call that cannot be built (a
// method that is not one) is bad input refused before anything is asked
// for or sent — not after the sign-ins, cutting the comparison short.
// Calls replay does not send (another token kind, another host) are not
// checked.
func TestReplayChecksCallsFirst(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	cases := []struct {
		name     string
		calls    []transcript.Call
		wantCode int
		want     string
	}{
		{"a method that is not one", []transcript.Call{{Method: "GET", Path: "/private", TokenKind: "access"}, {Method: "G\x1bET", Path: "/private", TokenKind: "access"}},
			cmdutil.ExitUsage, `call 2 of FILE (G\x1bET /private): method "G\x1bET": want a word such as GET or POST`},
		{"a method not sent", []transcript.Call{{Method: "G ET", Path: "/private", TokenKind: "raw"}, {Method: "G ET", Path: "https://elsewhere.example/x", TokenKind: "access"}},
			cmdutil.ExitUsage, "no password for alice"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			file := w.writeTranscript(t, fmt.Sprintf("calls%d.json", i), srpSession(user, tc.calls...))
			code, out, errOut := w.run(t, "", "--profile", "twin", "replay", file, "--json")
			want := strings.ReplaceAll(tc.want, "FILE", file)
			if code != tc.wantCode || !strings.Contains(errOut, want) || out != "" {
				t.Errorf("exit %d, want %d and %q\nstderr: %s\nstdout: %s", code, tc.wantCode, want, errOut, out)
			}
		})
	}
}

// TestReplayJSONCutShort: with --json, a replay that ends before its last
// step once under way (a challenge nothing answers, an environment that
// cannot be reached) still prints one JSON document — the comparison and
// the replay as far as it got, and the error with its exit code — as
// login and call print theirs; bad input found before anything is sent
// prints nothing on stdout, as login's usage errors.
func TestReplayJSONCutShort(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	mfa := srpSession(user, transcript.Call{Method: "GET", Path: "/private", TokenKind: "access", Status: 200})
	mfa.SignIns[0].Challenges = []string{"PASSWORD_VERIFIER", "SOFTWARE_TOKEN_MFA"}
	mfaFile := w.writeTranscript(t, "mfa.json", mfa)
	srpFile := w.writeTranscript(t, "srp.json", srpSession(user))
	cases := []struct {
		name     string
		args     []string
		wantCode int
		want     string // in the document's error (stderr's too); "" for no document
	}{
		{"a challenge nothing answers", []string{"--profile", "mfa", "replay", mfaFile}, cmdutil.ExitUsage, "asks for SOFTWARE_TOKEN_MFA, as the recorded one did, and nothing answers it: give --totp-secret-env NAME"},
		{"an environment that cannot be reached", []string{"--profile", "twin", "--endpoint", "http://127.0.0.1:1", "replay", srpFile}, cmdutil.ExitUsage, "sign-in 1 (srp): "},
		{"bad input", []string{"--profile", "twin", "replay", srpFile, "--redirect-uri", "http://127.0.0.1:9/cb"}, cmdutil.ExitUsage, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := w.run(t, password+"\n", append(tc.args, "--password-stdin", "--json")...)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d\nstderr: %s\nstdout: %s", code, tc.wantCode, errOut, out)
			}
			if tc.want == "" {
				if out != "" {
					t.Errorf("stdout holds %q", out)
				}
				return
			}
			var doc Document
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatalf("stdout is not one JSON document: %v\n%s", err, out)
			}
			if doc.Error == nil || doc.Error.ExitCode != tc.wantCode || !strings.Contains(doc.Error.Message, tc.want) || !strings.Contains(errOut, tc.want) {
				t.Errorf("error %+v, want exit %d and %q\nstderr: %s", doc.Error, tc.wantCode, tc.want, errOut)
			}
			if c := doc.Comparison; c == nil || c.Same || len(c.Steps) == 0 || c.Steps[0].B != "not replayed" || doc.Replay == nil {
				t.Errorf("comparison %+v", doc.Comparison)
			}
			if strings.Contains(out, password) {
				t.Error("the document holds the password")
			}
		})
	}
}

// TestReplayCallbackFromTheServerIsEscaped: the app client's loopback
// callback URL, read from the user pool and said on stderr, reaches the
// terminal with its bidi and C1 characters escaped.
func TestReplayCallbackFromTheServerIsEscaped(t *testing.T) {
	t.Parallel()
	w := &hostedWorld{world: newWorld(t)}
	const bidiClient = "bidiclient0000000000000001"
	cb := freeCallback(t) + "\u202e\u009b"
	err := w.stack.Cognito.ApplySeed(cognito.Seed{UserPools: []cognito.PoolSeed{{Name: "bidi", Domain: "cogscope-bidi",
		Users: []cognito.UserSeed{{Username: user, Password: password}},
		Clients: []cognito.ClientSeed{{ID: bidiClient, Name: bidiClient, AllowedOAuthFlows: []string{"code"}, AllowedOAuthScopes: []string{"openid"},
			AllowedOAuthFlowsUserPoolClient: true, SupportedIdentityProviders: []string{"COGNITO"}, CallbackURLs: []string{cb}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	var pool string
	for _, p := range w.stack.Cognito.Describe() {
		if p.Name == "bidi" {
			pool = p.ID
		}
	}
	file := w.writeTranscript(t, "pkce.json", &transcript.Transcript{SignIns: []transcript.SignIn{signedIn("pkce")}})
	r := w.runHosted(t, context.Background(), "", func(string) {}, "--endpoint", w.stack.Endpoint, "--region", w.stack.Region,
		"replay", file, "--user-pool-id", pool, "--client-id", bidiClient, "--no-browser", "--timeout", "1s")
	if !strings.Contains(r.errOut, "Using the app client's loopback callback URL http://127.0.0.1:") || !strings.Contains(r.errOut, `\u202e`) {
		t.Fatalf("exit %d: stderr does not say the callback, escaped:\n%s", r.code, r.errOut)
	}
	// No redirect within --timeout: exit 2, naming the sign-in and its flow.
	if r.code != cmdutil.ExitUsage || !strings.Contains(r.errOut, "cogscope: sign-in 1 (pkce): redirect: nothing arrived at http://127.0.0.1:") {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.errOut)
	}
	if strings.ContainsAny(r.errOut+r.out, "\u202e\u009b") {
		t.Errorf("a raw bidi or C1 character reached the terminal:\n%q", r.errOut)
	}
}

// TestReplayCallWithoutItsKindOfToken: a call recorded with an ID token,
// replayed after a client_credentials grant (which issues none), is not
// sent — it used to go without any Authorization header — and the
// difference says why.
func TestReplayCallWithoutItsKindOfToken(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	cfg, err := os.ReadFile(w.cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg = append(cfg, fmt.Sprintf("[profiles.machine]\nregion = %q\nendpoint = %q\nuser_pool_id = %q\nclient_id = %q\nclient_secret_env = \"MACHINE_SECRET\"\n[profiles.machine.api]\nbase_url = %q\n",
		w.stack.Region, w.stack.Endpoint, cognito.DemoPoolID, cognito.DemoMachineClientID, apigw.InvokeURL(w.stack.Endpoint, "devapi0001", ""))...)
	if err := os.WriteFile(w.cfg, cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	w.env["MACHINE_SECRET"] = cognito.DemoMachineClientSecret
	cc := transcript.SignIn{Flow: "client-credentials", Outcome: transcript.OutcomeSignedIn, Tokens: []transcript.Token{{Use: "access", Scopes: []string{"test/test.read"}}}}
	file := w.writeTranscript(t, "cc.json", &transcript.Transcript{SignIns: []transcript.SignIn{cc},
		Calls: []transcript.Call{{Method: "GET", Path: "/private", TokenKind: "id", Status: 200}, {Method: "GET", Path: "/private", TokenKind: "access", Status: 401}}})
	code, out, errOut := w.run(t, "", "--profile", "machine", "replay", file, "--json")
	if code != 1 {
		t.Fatalf("exit %d\nstderr: %s\nstdout: %s", code, errOut, out)
	}
	var doc Document
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name       string
		status     int
		difference string // "" for the same outcome
	}{
		{"an ID token, none issued", 0, "recorded 200, machine not sent: no id token (machine's sign-ins issued none)"},
		{"the access token", 401, ""},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, step := doc.Replay.Calls[i], doc.Comparison.Steps[1+i]
			if c.Status != tc.status || (tc.status == 0 && (c.Headers != nil || c.TokenKind != "id")) {
				t.Errorf("replayed call %+v", c)
			}
			if got := strings.Join(step.Differences, "\n"); got != tc.difference {
				t.Errorf("differences %q, want %q", got, tc.difference)
			}
		})
	}
}
