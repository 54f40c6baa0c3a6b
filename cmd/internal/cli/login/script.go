package login

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/flows"
)

// ScriptOptions are login's non-interactive answers to challenges, for
// scripts and CI: what a person would type at the prompts.
type ScriptOptions struct {
	NewPasswordStdin bool     // --new-password-stdin
	NewPasswordEnv   string   // --new-password-env NAME
	TOTPSecretEnv    string   // --totp-secret-env NAME: base32 TOTP secret of SOFTWARE_TOKEN_MFA
	MFACodeCommand   string   // --mfa-code-command CMD: prints an SMS/e-mail (or any) code
	Answers          []string // --answer NAME=VALUE, repeatable
}

// scriptFlags are the flag names of ScriptOptions (API flows only).
var scriptFlags = []string{"new-password-stdin", "new-password-env", "totp-secret-env", "mfa-code-command", "answer"}

// codeCommandTimeout bounds --mfa-code-command: a harness that fetches a
// code from a mailbox answers in seconds; Cognito's session lasts minutes.
const codeCommandTimeout = 60 * time.Second

// scripted answers challenges from login's flags; what they do not answer
// goes to next (the terminal's prompter, or flows.NonInteractive). It
// is a flows.Retrier only through next: a fixed answer that was refused
// would be refused again.
type scripted struct {
	newPassword string
	totpSecret  string
	codeCommand string
	answers     map[string][]string // by field or challenge name, consumed in order
	now         func() time.Time
	// run runs the code command (runShell; tests may swap it).
	run  func(ctx context.Context, command string, env []string) (string, error)
	next flows.Answerer

	// delegated says the last challenge was answered by next.
	delegated bool
}

// newScripted reads the script options' sources (the environment, stdin
// through read) and checks them. It returns nil when no option is given.
func newScripted(o ScriptOptions, env func(string) string, read func(what string) (string, error), now func() time.Time, next flows.Answerer) (*scripted, error) {
	s := &scripted{codeCommand: strings.TrimSpace(o.MFACodeCommand), now: now, run: runShell, next: next, answers: map[string][]string{}}
	switch {
	case o.NewPasswordStdin && o.NewPasswordEnv != "":
		return nil, cmdutil.UsageErr("give --new-password-stdin or --new-password-env, not both")
	case o.NewPasswordStdin:
		pw, err := read("new password")
		if err != nil {
			return nil, err
		}
		s.newPassword = pw
	case o.NewPasswordEnv != "":
		if s.newPassword = env(o.NewPasswordEnv); s.newPassword == "" {
			return nil, cmdutil.UsageErr("--new-password-env %s: $%s is empty or not set", o.NewPasswordEnv, o.NewPasswordEnv)
		}
	}
	if o.TOTPSecretEnv != "" {
		sec := strings.ToUpper(strings.ReplaceAll(env(o.TOTPSecretEnv), " ", ""))
		if sec == "" {
			return nil, cmdutil.UsageErr("--totp-secret-env %s: $%s is empty or not set", o.TOTPSecretEnv, o.TOTPSecretEnv)
		}
		if _, err := totp.GenerateCode(sec, now()); err != nil {
			return nil, cmdutil.UsageErr("--totp-secret-env %s: not a base32 TOTP secret (the one an authenticator app is given)", o.TOTPSecretEnv)
		}
		s.totpSecret = sec
	}
	if o.MFACodeCommand != "" && s.codeCommand == "" {
		return nil, cmdutil.UsageErr("--mfa-code-command is empty")
	}
	for _, a := range o.Answers {
		name, value, ok := strings.Cut(a, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, cmdutil.UsageErr("--answer %q: want NAME=VALUE (NAME a challenge such as CUSTOM_CHALLENGE, or a field: answer, code, choice, userAttributes.<name>)", a)
		}
		s.answers[name] = append(s.answers[name], value)
	}
	return s, nil
}

// Answer fills every field of c it has an answer for; a challenge it
// cannot fill whole goes to next.
func (s *scripted) Answer(ctx context.Context, c *flows.Challenge) (flows.Answer, error) {
	ans := flows.Answer{}
	var missing []string
	for _, fl := range c.Fields {
		v, ok, err := s.value(ctx, c, fl)
		if err != nil {
			return nil, err
		}
		if !ok {
			if !fl.Optional {
				missing = append(missing, fl.Name)
			}
			continue
		}
		ans[fl.Name] = v
	}
	if len(missing) == 0 {
		s.delegated = false
		s.consume(c)
		return ans, nil
	}
	s.delegated = true
	a, err := s.next.Answer(ctx, c)
	var ue *flows.UnanswerableError
	if errors.As(err, &ue) {
		return nil, &flows.UnanswerableError{Challenge: c.Name, Reason: "no terminal to prompt on and no flag answers it: give " + hint(c, missing) + " (" + c.Prompt + ")"}
	}
	return a, err
}

// Retry implements flows.Retrier: a prompted answer may be asked again;
// a scripted one is not (it would be the same). A code from the command
// or the TOTP secret is tried once more: the code may have turned over.
func (s *scripted) Retry(ctx context.Context, c *flows.Challenge, err error) bool {
	if s.delegated {
		r, ok := s.next.(flows.Retrier)
		return ok && r.Retry(ctx, c, err)
	}
	return false
}

// value is the scripted answer of one field, if any.
func (s *scripted) value(ctx context.Context, c *flows.Challenge, fl flows.Field) (string, bool, error) {
	if v, ok := s.peek(c, fl.Name); ok {
		return v, true, nil
	}
	switch fl.Name {
	case flows.FieldNewPassword:
		return s.newPassword, s.newPassword != "", nil
	case flows.FieldCode:
		if c.Name == "SOFTWARE_TOKEN_MFA" && s.totpSecret != "" {
			code, err := totp.GenerateCode(s.totpSecret, s.now())
			if err != nil {
				return "", false, cmdutil.UsageErr("TOTP code: %v", err)
			}
			return code, true, nil
		}
		if s.codeCommand != "" {
			code, err := s.code(ctx, c)
			return code, err == nil, err
		}
	}
	return "", false, nil
}

// peek finds --answer's value for a field: by field name, or by
// challenge name for a one-field challenge (CUSTOM_CHALLENGE=42).
func (s *scripted) peek(c *flows.Challenge, field string) (string, bool) {
	if vs := s.answers[field]; len(vs) > 0 {
		return vs[0], true
	}
	if vs := s.answers[c.Name]; len(vs) > 0 && len(c.Fields) == 1 {
		return vs[0], true
	}
	return "", false
}

// consume drops the --answer values c used: a repeated NAME answers
// successive rounds (a custom challenge of several questions).
func (s *scripted) consume(c *flows.Challenge) {
	for _, fl := range c.Fields {
		if vs := s.answers[fl.Name]; len(vs) > 0 {
			s.answers[fl.Name] = vs[1:]
			continue
		}
		if vs := s.answers[c.Name]; len(vs) > 0 && len(c.Fields) == 1 {
			s.answers[c.Name] = vs[1:]
		}
	}
}

// code runs --mfa-code-command with the challenge in its environment.
func (s *scripted) code(ctx context.Context, c *flows.Challenge) (string, error) {
	env := []string{
		"COGSCOPE_CHALLENGE=" + c.Name,
		"COGSCOPE_USERNAME=" + c.Username,
		"COGSCOPE_DELIVERY_MEDIUM=" + c.DeliveryMedium,
		"COGSCOPE_DESTINATION=" + c.Destination,
	}
	if c.OTPAuthURI != "" {
		env = append(env, "COGSCOPE_OTPAUTH_URI="+c.OTPAuthURI)
	}
	out, err := s.run(ctx, s.codeCommand, env)
	if err != nil {
		return "", &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: fmt.Errorf("--mfa-code-command for %s: %w", c.Name, err)}
	}
	code := strings.TrimSpace(out)
	if code == "" {
		return "", cmdutil.UsageErr("--mfa-code-command for %s printed nothing", c.Name)
	}
	if strings.ContainsAny(code, "\n\r") {
		return "", cmdutil.UsageErr("--mfa-code-command for %s printed several lines: want the code alone", c.Name)
	}
	return code, nil
}

// runShell runs command through the shell (sh -c; cmd /C on Windows)
// with env added to the process's, for at most codeCommandTimeout, and
// returns its stdout. Its stderr is kept for the error.
func runShell(ctx context.Context, command string, env []string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, codeCommandTimeout)
	defer cancel()
	var cmd *exec.Cmd
	if runtime.GOOS == "windows" {
		cmd = exec.CommandContext(ctx, "cmd", "/C", command)
	} else {
		cmd = exec.CommandContext(ctx, "sh", "-c", command)
	}
	cmd.Env = append(os.Environ(), env...)
	cmd.WaitDelay = time.Second
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &limited{w: &out, n: 64 << 10}, &limited{w: &errOut, n: 4 << 10}
	err := cmd.Run()
	if ctx.Err() == context.DeadlineExceeded {
		return "", fmt.Errorf("no code after %s", codeCommandTimeout)
	}
	if err != nil {
		if msg := strings.TrimSpace(errOut.String()); msg != "" {
			return "", fmt.Errorf("%w: %s", err, firstLine(msg))
		}
		return "", err
	}
	return out.String(), nil
}

// limited keeps at most n bytes of what is written to it.
type limited struct {
	w interface{ Write([]byte) (int, error) }
	n int
}

func (l *limited) Write(p []byte) (int, error) {
	k := min(len(p), l.n)
	if k > 0 {
		_, _ = l.w.Write(p[:k])
		l.n -= k
	}
	return len(p), nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// hint names the flags that would answer c's missing fields.
func hint(c *flows.Challenge, missing []string) string {
	var hs []string
	for _, m := range missing {
		switch {
		case m == flows.FieldNewPassword:
			hs = append(hs, "--new-password-stdin or --new-password-env NAME")
		case m == flows.FieldCode && c.Name == "SOFTWARE_TOKEN_MFA":
			hs = append(hs, "--totp-secret-env NAME, --mfa-code-command CMD or --answer code=CODE")
		case m == flows.FieldCode:
			hs = append(hs, "--mfa-code-command CMD or --answer code=CODE")
		case m == flows.FieldPassword:
			hs = append(hs, "--password-stdin")
		default:
			hs = append(hs, "--answer "+m+"=VALUE")
		}
	}
	hs = slices.Compact(hs)
	return strings.Join(hs, "; ")
}
