package replay

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/cogscope/cogscope/cmd/internal/cli/call"
	"github.com/cogscope/cogscope/cmd/internal/cli/login"
	"github.com/cogscope/cogscope/cmd/internal/cli/transcriptcmd"
	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/local/apigw"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
	"github.com/cogscope/cogscope/internal/transcript"
)

const (
	cdevClient  = "cdevclient0000000000000001"
	ctwinClient = "ctwinclient000000000000001"
	cmfaClient  = "cmfaclient0000000000000001"

	newbie       = "newbie"
	tempPassword = "Temp-Passw0rd!1"
	newPassword  = "N3w-Passw0rd!replay"
	// customAnswer is long enough to be looked for in the output.
	customAnswer = "s3cret-answer-42"
)

// challengeWorld is a world with three more pools whose sign-ins ask
// questions, and the stack's log (where a test's --mfa-code-command
// reads the codes it "sends", as CI reads a test mailbox):
//
//	cdev   USER_AUTH (PASSWORD, EMAIL_OTP), a custom challenge, alice (with an
//	       e-mail address) and newbie (FORCE_CHANGE_PASSWORD); API cdevapi001
//	ctwin  configured as cdev; API ctwinapi01
//	cmfa   as cdev, with MFA on and alice enrolled in TOTP; API cmfaapi001
type challengeWorld struct {
	*world
	log   string
	pools map[string]string
}

func newChallengeWorld(t *testing.T) *challengeWorld {
	t.Helper()
	logPath := filepath.Join(t.TempDir(), "stack.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = logFile.Close() })
	w := &challengeWorld{world: newWorld(t, localtest.WithLogger(slog.New(slog.NewTextHandler(logFile, nil)))), log: logPath, pools: map[string]string{}}

	flowsAllowed := []string{"ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_USER_AUTH"}
	pool := func(name, client string, mfa bool) cognito.PoolSeed {
		alice := cognito.UserSeed{Username: user, Password: password, Attributes: map[string]string{"email": "alice@example.com", "email_verified": "true"}}
		p := cognito.PoolSeed{Name: name, FirstAuthFactors: []string{"PASSWORD", "EMAIL_OTP"},
			Clients: []cognito.ClientSeed{{ID: client, Name: client, ExplicitAuthFlows: flowsAllowed}},
			CustomChallenges: []cognito.CustomChallengeSeed{{Rounds: []cognito.ChallengeRound{{
				PublicParameters: map[string]string{"question": "The replay's secret?"}, Answer: customAnswer}}}}}
		if mfa {
			p.MFA, p.MFATypes = "ON", []string{"SOFTWARE_TOKEN_MFA"}
			alice.TOTPSecret, alice.PreferredMFA = totpSeed, "SOFTWARE_TOKEN_MFA"
		}
		p.Users = []cognito.UserSeed{alice, {Username: newbie, Password: tempPassword, Status: "FORCE_CHANGE_PASSWORD",
			Attributes: map[string]string{"email": "newbie@example.com", "email_verified": "true"}}}
		return p
	}
	if err := w.stack.Cognito.ApplySeed(cognito.Seed{UserPools: []cognito.PoolSeed{
		pool("cdev", cdevClient, false), pool("ctwin", ctwinClient, false), pool("cmfa", cmfaClient, true)}}); err != nil {
		t.Fatal(err)
	}
	for _, p := range w.stack.Cognito.Describe() {
		w.pools[p.Name] = p.ID
	}
	var apis []apigw.HTTPAPISeed
	var cfg strings.Builder
	for _, p := range []struct{ name, client, api string }{{"cdev", cdevClient, "cdevapi001"}, {"ctwin", ctwinClient, "ctwinapi01"}, {"cmfa", cmfaClient, "cmfaapi001"}} {
		apis = append(apis, apigw.HTTPAPISeed{ID: p.api, Name: p.api,
			Authorizers: []apigw.HTTPAuthorizerSeed{{Name: "jwt", Type: "JWT", UserPoolID: w.pools[p.name], Audience: []string{p.client}}},
			Routes:      []apigw.HTTPRouteSeed{{RouteKey: "GET /private", Authorizer: "jwt"}}})
		fmt.Fprintf(&cfg, "[profiles.%s]\nregion = %q\nendpoint = %q\nuser_pool_id = %q\nclient_id = %q\nusername = %q\n[profiles.%s.api]\nbase_url = %q\n",
			p.name, w.stack.Region, w.stack.Endpoint, w.pools[p.name], p.client, user, p.name, apigw.InvokeURL(w.stack.Endpoint, p.api, ""))
	}
	if err := w.stack.Gateway.ApplySeed(apigw.Seed{HTTPAPIs: apis}); err != nil {
		t.Fatal(err)
	}
	old, err := os.ReadFile(w.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(w.cfg, append(old, cfg.String()...), 0o600); err != nil {
		t.Fatal(err)
	}
	return w
}

// fetch is a --mfa-code-command printing the last code the stack sent
// in the profile's pool.
func (w *challengeWorld) fetch(profile string) string {
	return `sed -n 's/.*pool=` + w.pools[profile] + ` .*code=\([0-9]*\).*/\1/p' ` + w.log + ` | tail -n 1`
}

// runIO runs `cogscope --config <file> ARGS` with stdin, a terminal or
// not.
func (w *world) runIO(t *testing.T, stdin io.Reader, tty bool, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	f := &cmdutil.Factory{IO: cmdutil.IOStreams{In: stdin, Out: &out, ErrOut: &errOut, InTTY: tty},
		Env: func(k string) string { return w.env[k] }}
	root := cmdutil.NewRootCmd(f)
	root.AddCommand(login.NewCmdLogin(f, nil), call.NewCmdCall(f, nil), transcriptcmd.NewCmdTranscript(f, nil), NewCmdReplay(f, nil))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	code := cmdutil.Execute(ctx, f, root, append([]string{"--config", w.cfg}, args...))
	return code, out.String(), errOut.String()
}

// export writes the profile's latest recorded session as JSON to name.
func (w *challengeWorld) export(t *testing.T, profile, name string) string {
	t.Helper()
	file := filepath.Join(w.dir, name)
	w.must(t, "", "--profile", profile, "transcript", "export", "--format", "json", "--output", file)
	return file
}

// TestReplayChallenges: sign-ins that met challenges (a custom challenge,
// an e-mail code under USER_AUTH, USER_AUTH's factor chosen, a new
// password), recorded with login on cdev and replayed: against a twin,
// with the flags login takes or on a terminal, no difference (exit 0);
// against a pool that asks for a challenge the recording did not meet, the
// difference (exit 1), never a prompt; a challenge the recording met that
// nothing answers, exit 2 naming the flag. No answer, code or password
// given reaches the replay's output.
func TestReplayChallenges(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the code command uses sh and sed")
	}
	t.Parallel()
	w := newChallengeWorld(t)
	w.env["NEWPW"] = newPassword + "-dev"
	w.env["REPLAY_TOTP"] = totpSeed

	w.must(t, "", "--profile", "cdev", "login", "--flow", "custom", "--answer", "CUSTOM_CHALLENGE="+customAnswer)
	w.must(t, "", "--profile", "cdev", "call", "/private")
	custom := w.export(t, "cdev", "custom.json")
	w.must(t, "", "--profile", "cdev", "login", "--flow", "user-auth", "--preferred-challenge", "EMAIL_OTP", "--mfa-code-command", w.fetch("cdev"))
	w.must(t, "", "--profile", "cdev", "call", "/private")
	otp := w.export(t, "cdev", "otp.json")
	w.must(t, password+"\n", "--profile", "cdev", "login", "--flow", "user-auth", "--password-stdin", "--answer", "choice=PASSWORD")
	choice := w.export(t, "cdev", "choice.json")
	w.must(t, tempPassword+"\n", "--profile", "cdev", "login", "--username", newbie, "--password-stdin", "--new-password-env", "NEWPW")
	newpw := w.export(t, "cdev", "newpw.json")
	w.must(t, password+"\n", "--profile", "cdev", "login", "--flow", "custom-srp", "--password-stdin", "--answer", "CUSTOM_CHALLENGE="+customAnswer)
	customSRP := w.export(t, "cdev", "custom-srp.json")
	// A sign-in that stopped at a challenge no one answered is recorded too.
	if code, _, errOut := w.run(t, "", "--profile", "cdev", "login", "--flow", "custom"); code != cmdutil.ExitUsage {
		t.Fatalf("login --flow custom without an answer: exit %d\n%s", code, errOut)
	}
	stopped := w.export(t, "cdev", "stopped.json")

	// What the recordings kept that the replay re-runs with.
	for _, c := range []struct {
		file, flow string
		met        []string
	}{{custom, "custom", []string{"CUSTOM_CHALLENGE"}}, {otp, "user-auth", []string{"EMAIL_OTP"}},
		{choice, "user-auth", []string{"SELECT_CHALLENGE"}}, {newpw, "srp", []string{"PASSWORD_VERIFIER", "NEW_PASSWORD_REQUIRED"}},
		{customSRP, "custom-srp", []string{"PASSWORD_VERIFIER", "CUSTOM_CHALLENGE"}}, {stopped, "custom", []string{"CUSTOM_CHALLENGE"}}} {
		rec, err := readTranscript(c.file)
		if err != nil {
			t.Fatal(err)
		}
		s := rec.SignIns[0]
		want := transcript.OutcomeSignedIn
		if c.file == stopped {
			want = transcript.OutcomeStopped
		}
		if s.Flow != c.flow || s.Outcome != want || strings.Join(s.Challenges, ",") != strings.Join(c.met, ",") {
			t.Fatalf("%s: recorded %s %s meeting %v; want %s %s meeting %v", filepath.Base(c.file), s.Flow, s.Outcome, s.Challenges, c.flow, want, c.met)
		}
	}

	cases := []struct {
		name    string
		file    string
		stdin   string
		tty     bool
		args    []string
		code    int
		differs []string // in sign-in 1's differences (exit 1)
		stderr  []string
		// notStderr must not be on stderr (a prompt that must not be made).
		notStderr string
	}{
		{name: "custom, --answer", file: custom, args: []string{"--profile", "ctwin", "--answer", "CUSTOM_CHALLENGE=" + customAnswer}},
		{name: "custom, no answer, no terminal", file: custom, args: []string{"--profile", "ctwin"}, code: 2,
			stderr: []string{"sign-in 1 (custom) asks for CUSTOM_CHALLENGE, as the recorded one did, and nothing answers it: give --answer answer=VALUE"}},
		{name: "custom, asked on the terminal", file: custom, stdin: customAnswer + "\n", tty: true, args: []string{"--profile", "ctwin"},
			stderr: []string{"Sign-in 1 (custom) on ctwin asks for CUSTOM_CHALLENGE, as the recorded one did.", "CUSTOM_CHALLENGE: Answer the custom challenge: question=The replay's secret?"}},
		// The pool asks again; the one --answer is used up (as login).
		{name: "custom, a wrong answer", file: custom, args: []string{"--profile", "ctwin", "--answer", "CUSTOM_CHALLENGE=wrong-answer"}, code: 2,
			stderr: []string{"asks for CUSTOM_CHALLENGE, as the recorded one did, and nothing answers it"}},
		{name: "custom, a wrong answer then the right one on the terminal", file: custom, stdin: "wrong-answer\n" + customAnswer + "\n", tty: true,
			args: []string{"--profile", "ctwin"}},
		{name: "custom-srp, --answer", file: customSRP, stdin: password + "\n", args: []string{"--profile", "ctwin", "--password-stdin", "--answer", "CUSTOM_CHALLENGE=" + customAnswer}},
		{name: "a recording that stopped unanswered stops there again, unasked", file: stopped, tty: true, args: []string{"--profile", "ctwin"},
			notStderr: "CUSTOM_CHALLENGE:"},
		{name: "e-mail code, --mfa-code-command", file: otp, args: []string{"--profile", "ctwin", "--mfa-code-command", w.fetch("ctwin")}},
		{name: "e-mail code, no flag, no terminal", file: otp, args: []string{"--profile", "ctwin"}, code: 2,
			stderr: []string{"asks for EMAIL_OTP, as the recorded one did, and nothing answers it: give --mfa-code-command CMD or --answer code=CODE"}},
		{name: "the recorded factor chosen again", file: choice, stdin: password + "\n", args: []string{"--profile", "ctwin", "--password-stdin"}},
		{name: "a challenge the recording did not meet", file: choice, stdin: password + "\n", args: []string{"--profile", "cmfa", "--password-stdin"}, code: 1,
			differs: []string{"cmfa asks for SOFTWARE_TOKEN_MFA where cdev did not", "the recorded session did not meet it", "--totp-secret-env NAME"}},
		{name: "a challenge the recording did not meet, on a terminal: not asked", file: choice, stdin: password + "\n", tty: true,
			args: []string{"--profile", "cmfa", "--password-stdin"}, code: 1, differs: []string{"cmfa asks for SOFTWARE_TOKEN_MFA where cdev did not"},
			notStderr: "SOFTWARE_TOKEN_MFA:"},
		{name: "a challenge the recording did not meet, answered by a flag", file: choice, stdin: password + "\n",
			args: []string{"--profile", "cmfa", "--password-stdin", "--totp-secret-env", "REPLAY_TOTP"}, code: 1,
			differs: []string{"cmfa asks for SOFTWARE_TOKEN_MFA where cdev did not"}},
		// newbie's on ctwin: first without the new password, then with it.
		{name: "new password, no flag", file: newpw, stdin: tempPassword + "\n", args: []string{"--profile", "ctwin", "--password-stdin"}, code: 2,
			stderr: []string{"asks for NEW_PASSWORD_REQUIRED, as the recorded one did, and nothing answers it: give --new-password-stdin or --new-password-env NAME"}},
		{name: "new password on stdin", file: newpw, stdin: tempPassword + "\n" + newPassword + "\n", args: []string{"--profile", "ctwin", "--password-stdin", "--new-password-stdin"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := w.runIO(t, strings.NewReader(tc.stdin), tc.tty, append([]string{"replay", tc.file, "--json"}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstderr: %s\nstdout: %s", code, tc.code, errOut, out)
			}
			for _, want := range tc.stderr {
				if !strings.Contains(errOut, want) {
					t.Errorf("stderr lacks %q:\n%s", want, errOut)
				}
			}
			if tc.notStderr != "" && strings.Contains(errOut, tc.notStderr) {
				t.Errorf("stderr has %q:\n%s", tc.notStderr, errOut)
			}
			secrets := []string{customAnswer, password, tempPassword, newPassword, newPassword + "-dev", totpSeed}
			for _, c := range w.stack.Cognito.SentCodes() {
				secrets = append(secrets, c.Code)
			}
			for _, s := range secrets {
				if strings.Contains(out, s) || strings.Contains(errOut, s) {
					t.Errorf("the replay's output holds a secret given or sent: %q", s)
				}
			}
			var doc Document
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatalf("replay --json: %v\n%s", err, out)
			}
			if code == 2 {
				// Cut short: the document as far as it got, with the
				// error stderr says (as login --json prints its own).
				if doc.Error == nil || doc.Error.ExitCode != 2 || !strings.Contains(doc.Error.Message, tc.stderr[0]) || doc.Comparison.Steps[0].B != "not replayed" {
					t.Errorf("exit 2 with the document's error %+v, steps %+v", doc.Error, doc.Comparison.Steps)
				}
				return
			}
			if doc.Comparison.Same != (code == 0) {
				t.Errorf("same = %v with exit %d: %+v", doc.Comparison.Same, code, doc.Comparison.Steps)
			}
			for _, s := range doc.Comparison.Steps {
				switch {
				case code == 0 && !s.Same:
					t.Errorf("%s differs: %v", s.Step, s.Differences)
				case s.Step == "sign-in 1" && code == 1:
					all := strings.Join(s.Differences, "\n")
					for _, want := range tc.differs {
						if !strings.Contains(all, want) {
							t.Errorf("sign-in 1's differences lack %q:\n%s", want, all)
						}
					}
				}
			}
			wantOutcome := transcript.OutcomeSignedIn
			if tc.file == stopped {
				wantOutcome = transcript.OutcomeStopped
			}
			if code == 0 && doc.Replay.SignIns[0].Outcome != wantOutcome {
				t.Errorf("replayed sign-in: %+v", doc.Replay.SignIns[0])
			}
		})
	}

	t.Run("text", func(t *testing.T) {
		code, out, errOut := w.run(t, password+"\n", "--profile", "cmfa", "replay", choice, "--password-stdin")
		if code != 1 || !strings.Contains(out, "cdev signed in, cmfa stopped at SOFTWARE_TOKEN_MFA  DIFFERS") ||
			!strings.Contains(out, "      cmfa asks for SOFTWARE_TOKEN_MFA where cdev did not\n") {
			t.Errorf("exit %d\n%s%s", code, out, errOut)
		}
	})

	// The new password replay set is newbie's password on ctwin now.
	w.must(t, newPassword+"\n", "--profile", "ctwin", "login", "--username", newbie, "--password-stdin", "--no-save")
}

// TestReplayChallengeFlagsRefused: the challenge flags on a transcript
// whose sign-ins cannot meet a challenge are a usage error, as a bad
// flag's value is.
func TestReplayChallengeFlagsRefused(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	file := filepath.Join(w.dir, "cc.json")
	if err := os.WriteFile(file, []byte(`{"version": 1, "signIns": [{"flow": "client-credentials"}, {"flow": "refresh"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	srp := filepath.Join(w.dir, "srp.json")
	if err := os.WriteFile(srp, []byte(`{"version": 1, "target": {"username": "alice"}, "signIns": [{"flow": "srp"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	w.env["BAD_TOTP"] = "not base32 !!"
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"--answer without a challenge flow", "", []string{"replay", file, "--answer", "code=1"}, "--answer answers sign-in challenges; " + file + " has no sign-in that can meet one (its flows: client-credentials, refresh)"},
		{"--answer without =", password + "\n", []string{"replay", srp, "--password-stdin", "--answer", "42"}, "--answer (the 1st given): want NAME=VALUE"},
		{"--password-stdin without a sign-in that sends it", "pw\n", []string{"replay", file, "--password-stdin"}, "--password-stdin and --password-env apply to sign-ins that send the password; " + file + " has none (its flows: client-credentials, refresh)"},
		{"--totp-secret-env not base32", password + "\n", []string{"replay", srp, "--password-stdin", "--totp-secret-env", "BAD_TOTP"}, "not a base32 TOTP secret"},
		{"--new-password-stdin after the password, missing", password + "\n", []string{"replay", srp, "--password-stdin", "--new-password-stdin"}, "expected the new password on stdin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := w.run(t, tc.stdin, append([]string{"--profile", "twin"}, tc.args...)...)
			if code != cmdutil.ExitUsage || out != "" || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 and %q", code, out, errOut, tc.want)
			}
		})
	}
}

// TestRecordedParameters: what a recorded sign-in says about how to
// re-run it, from its steps (the values of secrets masked, their keys
// kept).
func TestRecordedParameters(t *testing.T) {
	t.Parallel()
	m := transcript.Masked
	initiate := func(params map[string]string) transcript.Step {
		return transcript.Step{Operation: "InitiateAuth", Request: params}
	}
	respond := func(challenge, next string, params map[string]string) transcript.Step {
		return transcript.Step{Operation: "RespondToAuthChallenge", Challenge: challenge, NextChallenge: next, Request: params}
	}
	cases := []struct {
		name      string
		signIn    transcript.SignIn
		password  bool
		preferred string
		choices   map[string]string
	}{
		{"srp", transcript.SignIn{Flow: "srp"}, true, "", map[string]string{}},
		{"custom", transcript.SignIn{Flow: "custom", Steps: []transcript.Step{initiate(map[string]string{"AuthParameters.USERNAME": "a"}),
			respond("CUSTOM_CHALLENGE", "", map[string]string{"ChallengeResponses.ANSWER": m})}}, false, "", map[string]string{}},
		{"user-auth, EMAIL_OTP preferred", transcript.SignIn{Flow: "user-auth", Steps: []transcript.Step{
			initiate(map[string]string{"AuthParameters.PREFERRED_CHALLENGE": "EMAIL_OTP"}),
			respond("EMAIL_OTP", "", map[string]string{"ChallengeResponses.EMAIL_OTP_CODE": m})}}, false, "EMAIL_OTP", map[string]string{}},
		{"user-auth, PASSWORD preferred", transcript.SignIn{Flow: "user-auth", Steps: []transcript.Step{
			initiate(map[string]string{"AuthParameters.PREFERRED_CHALLENGE": "PASSWORD", "AuthParameters.PASSWORD": m})}}, true, "PASSWORD", map[string]string{}},
		{"user-auth, PASSWORD chosen", transcript.SignIn{Flow: "user-auth", Steps: []transcript.Step{initiate(nil),
			respond("SELECT_CHALLENGE", "", map[string]string{"ChallengeResponses.ANSWER": m, "ChallengeResponses.PASSWORD": m})}},
			true, "", map[string]string{"SELECT_CHALLENGE": "PASSWORD"}},
		{"user-auth, PASSWORD_SRP chosen", transcript.SignIn{Flow: "user-auth", Steps: []transcript.Step{initiate(nil),
			respond("SELECT_CHALLENGE", "PASSWORD_VERIFIER", map[string]string{"ChallengeResponses.ANSWER": m, "ChallengeResponses.SRP_A": "abc"})}},
			true, "", map[string]string{"SELECT_CHALLENGE": "PASSWORD_SRP"}},
		{"user-auth, EMAIL_OTP chosen, then SOFTWARE_TOKEN_MFA of SELECT_MFA_TYPE", transcript.SignIn{Flow: "user-auth", Steps: []transcript.Step{initiate(nil),
			respond("SELECT_CHALLENGE", "EMAIL_OTP", map[string]string{"ChallengeResponses.ANSWER": m}),
			{Operation: "AdminRespondToAuthChallenge", Challenge: "SELECT_MFA_TYPE", NextChallenge: "SOFTWARE_TOKEN_MFA"}}},
			false, "", map[string]string{"SELECT_CHALLENGE": "EMAIL_OTP", "SELECT_MFA_TYPE": "SOFTWARE_TOKEN_MFA"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := sentPassword(tc.signIn); got != tc.password {
				t.Errorf("sentPassword = %v, want %v", got, tc.password)
			}
			if got := recordedPreferred(tc.signIn); got != tc.preferred {
				t.Errorf("recordedPreferred = %q, want %q", got, tc.preferred)
			}
			got := recordedChoices(tc.signIn)
			if fmt.Sprint(got) != fmt.Sprint(tc.choices) {
				t.Errorf("recordedChoices = %v, want %v", got, tc.choices)
			}
		})
	}
}

// TestAnswersAreSecrets: what the answerer answers a code, a custom
// answer or a new password with joins the runner's secrets, which
// Redact masks wherever the replayed transcript shows them; a choice
// does not (it names a factor, and is kept).
func TestAnswersAreSecrets(t *testing.T) {
	t.Parallel()
	var errOut bytes.Buffer
	o := &ReplayOptions{IO: &cmdutil.IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: &errOut}}
	env := map[string]string{"NP": "N3w-Passw0rd!unit"}
	script, err := cmdutil.NewScripted(cmdutil.ScriptOptions{NewPasswordEnv: "NP", Answers: []string{"CUSTOM_CHALLENGE=custom-secret-1", "code=654321", "choice=EMAIL_OTP"}},
		func(k string) string { return env[k] }, nil, time.Now, flows.NonInteractive)
	if err != nil {
		t.Fatal(err)
	}
	r := &runner{o: o, script: script, secrets: script.Secrets()}
	a := r.answererFor(1, transcript.SignIn{Flow: "user-auth"})
	for _, c := range []*flows.Challenge{
		{Name: "SELECT_CHALLENGE", Fields: []flows.Field{{Name: flows.FieldChoice, Options: []string{"PASSWORD", "EMAIL_OTP"}}}},
		{Name: "EMAIL_OTP", Fields: []flows.Field{{Name: flows.FieldCode}}},
		{Name: "CUSTOM_CHALLENGE", Fields: []flows.Field{{Name: flows.FieldAnswer}}},
		{Name: "NEW_PASSWORD_REQUIRED", Fields: []flows.Field{{Name: flows.FieldNewPassword, Secret: true}}},
	} {
		if _, err := a.Answer(context.Background(), c); err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
	}
	note := "answers: EMAIL_OTP 654321 custom-secret-1 N3w-Passw0rd!unit"
	tr := &transcript.Transcript{SignIns: []transcript.SignIn{{Flow: "user-auth", Steps: []transcript.Step{{Notes: []string{note}}}}}}
	transcript.Redact(tr, r.secrets...)
	if got, want := tr.SignIns[0].Steps[0].Notes[0], "answers: EMAIL_OTP [masked] [masked] [masked]"; got != want {
		t.Errorf("redacted note %q, want %q", got, want)
	}
}
