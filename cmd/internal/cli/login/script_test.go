package login

import (
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

// TestLoginScriptedChallenges signs in as the demo users whose sign-in
// asks questions (mfa-demo's TOTP, new-user's new password, the custom
// challenge, an e-mail code under USER_AUTH) with no terminal, only
// flags: what CI does.
func TestLoginScriptedChallenges(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the code command uses sh and sed")
	}
	t.Parallel()
	// The stack logs the codes it "sends"; the harness reads them there,
	// as a CI job reads a test mailbox.
	logPath := filepath.Join(t.TempDir(), "stack.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = logFile.Close() })
	e := newLoginEnv(t, localtest.WithLogger(slog.New(slog.NewTextHandler(logFile, nil))))
	e.env["MFA_SECRET"] = cognito.DemoTOTPSecret
	e.env["NEW_PW"] = "N3w-Passw0rd!env"
	fetch := `sed -n 's/.*code=\([0-9]*\).*/\1/p' ` + logPath + ` | tail -n 1`

	cases := []struct {
		name  string
		stdin string
		args  []string
	}{
		{"mfa-demo with the TOTP secret", cognito.DemoPassword + "\n",
			e.demoArgs("--username", cognito.DemoMFAUsername, "--password-stdin", "--totp-secret-env", "MFA_SECRET")},
		{"new-user with the new password on stdin", cognito.DemoTempPassword + "\nN3w-Passw0rd!stdin\n",
			e.demoArgs("--username", cognito.DemoNewUsername, "--password-stdin", "--new-password-stdin")},
		{"custom challenge by challenge name", "",
			e.demoArgs("--flow", "custom", "--username", cognito.DemoUsername, "--answer", "CUSTOM_CHALLENGE=42")},
		{"custom challenge by field name", "",
			e.demoArgs("--flow", "custom", "--username", cognito.DemoUsername, "--answer", "answer=42")},
		{"USER_AUTH e-mail code from a command", "",
			e.demoArgs("--flow", "user-auth", "--username", cognito.DemoUsername, "--preferred-challenge", "EMAIL_OTP", "--mfa-code-command", fetch)},
		{"USER_AUTH password factor chosen by --answer", cognito.DemoPassword + "\n",
			e.demoArgs("--flow", "user-auth", "--username", cognito.DemoUsername, "--password-stdin", "--answer", "choice=PASSWORD")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.run(t, c.stdin, false, append(c.args, "--json", "--no-save")...)
			if r.code != cmdutil.ExitOK {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.out, r.errOut)
			}
			var doc struct {
				Tokens struct {
					AccessToken string `json:"accessToken"`
				} `json:"tokens"`
			}
			if err := json.Unmarshal([]byte(r.out), &doc); err != nil || doc.Tokens.AccessToken == "" {
				t.Errorf("no access token in --json: %v\n%s", err, r.out)
			}
		})
	}

	// new-user has a password of its own now; a second scripted run
	// with the env variant needs a fresh stack, so only check the env
	// variant is read: an unset variable is refused before any call.
	r := e.run(t, "x\n", false, e.demoArgs("--username", cognito.DemoNewUsername, "--password-stdin", "--new-password-env", "UNSET_PW")...)
	if r.code != cmdutil.ExitUsage || !strings.Contains(r.errOut, "$UNSET_PW is empty or not set") {
		t.Errorf("unset --new-password-env: exit %d, stderr %q", r.code, r.errOut)
	}
}

// TestLoginNewPasswordEnv: new-user through --new-password-env, then the
// new password signs in.
func TestLoginNewPasswordEnv(t *testing.T) {
	t.Parallel()
	e := newLoginEnv(t)
	e.env["NEW_PW"] = "N3w-Passw0rd!env"
	r := e.run(t, cognito.DemoTempPassword+"\n", false, e.demoArgs("--username", cognito.DemoNewUsername, "--password-stdin", "--new-password-env", "NEW_PW", "--no-save")...)
	if r.code != cmdutil.ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.errOut)
	}
	r = e.run(t, "N3w-Passw0rd!env\n", false, e.demoArgs("--username", cognito.DemoNewUsername, "--password-stdin", "--no-save")...)
	if r.code != cmdutil.ExitOK {
		t.Fatalf("the new password does not sign in: exit %d\n%s", r.code, r.errOut)
	}
}

// TestLoginScriptedRefusals: what the flags cannot answer, or answer
// wrongly, ends with the right exit code and a line that names the flag.
func TestLoginScriptedRefusals(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the code commands use sh")
	}
	t.Parallel()
	e := newLoginEnv(t)
	e.env["MFA_SECRET"] = cognito.DemoTOTPSecret
	e.env["BAD_SECRET"] = "not base32 !!"
	pw := cognito.DemoPassword + "\n"
	cases := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"TOTP without a flag names the flags", pw, e.demoArgs("--username", cognito.DemoMFAUsername, "--password-stdin"),
			cmdutil.ExitUsage, "give --totp-secret-env NAME, --mfa-code-command CMD or --answer code=CODE"},
		{"new password without a flag", cognito.DemoTempPassword + "\n", e.demoArgs("--username", cognito.DemoNewUsername, "--password-stdin"),
			cmdutil.ExitUsage, "give --new-password-stdin or --new-password-env NAME"},
		{"custom challenge without --answer", "", e.demoArgs("--flow", "custom", "--username", "demo"),
			cmdutil.ExitUsage, "give --answer answer=VALUE"},
		{"a wrong custom answer gets another round, which no flag answers", "", e.demoArgs("--flow", "custom", "--username", "demo", "--answer", "CUSTOM_CHALLENGE=41"),
			cmdutil.ExitUsage, "cannot answer the CUSTOM_CHALLENGE challenge: no terminal to prompt on and no flag answers it"},
		{"a wrong fixed code is not retried", pw, e.demoArgs("--username", cognito.DemoMFAUsername, "--password-stdin", "--answer", "code=000000"),
			cmdutil.ExitRefused, "CodeMismatchException"},
		{"--answer without =", "", e.demoArgs("--flow", "custom", "--username", "demo", "--answer", "42"),
			cmdutil.ExitUsage, "--answer (the 1st given): want NAME=VALUE"},
		{"--totp-secret-env unset", pw, e.demoArgs("--username", cognito.DemoMFAUsername, "--password-stdin", "--totp-secret-env", "NOPE"),
			cmdutil.ExitUsage, "$NOPE is empty or not set"},
		{"--totp-secret-env not base32", pw, e.demoArgs("--username", cognito.DemoMFAUsername, "--password-stdin", "--totp-secret-env", "BAD_SECRET"),
			cmdutil.ExitUsage, "not a base32 TOTP secret"},
		{"both new-password sources", "", e.demoArgs("--username", "demo", "--password-stdin", "--new-password-stdin", "--new-password-env", "X"),
			cmdutil.ExitUsage, "not both"},
		{"a failing code command", pw, e.demoArgs("--username", cognito.DemoMFAUsername, "--password-stdin", "--mfa-code-command", "echo mailbox down >&2; exit 3"),
			cmdutil.ExitUsage, "--mfa-code-command for SOFTWARE_TOKEN_MFA: exit status 3: mailbox down"},
		{"a silent code command", pw, e.demoArgs("--username", cognito.DemoMFAUsername, "--password-stdin", "--mfa-code-command", "true"),
			cmdutil.ExitUsage, "printed nothing"},
		{"script flags on a hosted flow", "", e.demoArgs("--flow", "pkce", "--answer", "a=b"),
			cmdutil.ExitUsage, "--answer do not apply to --flow pkce"},
		{"script flags on a refresh", "", e.demoArgs("--flow", "refresh", "--totp-secret-env", "MFA_SECRET"),
			cmdutil.ExitUsage, "--totp-secret-env does not apply to --flow refresh"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := e.run(t, c.stdin, false, append(c.args, "--no-save")...)
			if r.code != c.code || !strings.Contains(r.errOut, c.want) {
				t.Errorf("exit %d (want %d), stderr:\n%s\nwant %q", r.code, c.code, r.errOut, c.want)
			}
		})
	}
}
