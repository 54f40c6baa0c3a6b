package cmdutil

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/spf13/pflag"

	"github.com/cogscope/cogscope/flows"
)

// ScriptOptions are the non-interactive answers to challenges, for
// scripts and CI: what a person would type at the prompts. `cogscope
// login` and `cogscope replay` register them with AddScriptFlags, with
// the same names and meaning.
type ScriptOptions struct {
	NewPasswordStdin bool     // --new-password-stdin
	NewPasswordEnv   string   // --new-password-env NAME
	TOTPSecretEnv    string   // --totp-secret-env NAME: base32 TOTP secret of SOFTWARE_TOKEN_MFA
	MFACodeCommand   string   // --mfa-code-command CMD: prints an SMS/e-mail (or any) code
	Answers          []string // --answer NAME=VALUE, repeatable
}

// ScriptFlagNames are the flag names of ScriptOptions.
var ScriptFlagNames = []string{"new-password-stdin", "new-password-env", "totp-secret-env", "mfa-code-command", "answer"}

// AddScriptFlags registers ScriptOptions' flags on fl.
func AddScriptFlags(fl *pflag.FlagSet, o *ScriptOptions) {
	fl.BoolVar(&o.NewPasswordStdin, "new-password-stdin", false, "NEW_PASSWORD_REQUIRED: read the new password from the next line of stdin (after --password-stdin's)")
	fl.StringVar(&o.NewPasswordEnv, "new-password-env", "", "NEW_PASSWORD_REQUIRED: take the new password from environment variable `NAME`")
	fl.StringVar(&o.TOTPSecretEnv, "totp-secret-env", "", "SOFTWARE_TOKEN_MFA: compute the code from the base32 TOTP secret in environment variable `NAME`")
	fl.StringVar(&o.MFACodeCommand, "mfa-code-command", "", "SMS/e-mail codes: run `CMD` through the shell (60 s at most) and answer with its trimmed stdout")
	fl.StringArrayVar(&o.Answers, "answer", nil, "answer a challenge field, `NAME=VALUE` (CUSTOM_CHALLENGE=42, answer=42, choice=EMAIL_OTP, userAttributes.email=…); repeatable")
}

// IsPasswordFactor says whether c, a USER_AUTH factor (PREFERRED_CHALLENGE
// or a SELECT_CHALLENGE choice), signs in with the password.
func IsPasswordFactor(c string) bool { return c == "PASSWORD" || c == "PASSWORD_SRP" }

// ChoosesPassword says whether an --answer picks a password factor of
// USER_AUTH's SELECT_CHALLENGE: the password is then needed up front.
func (o ScriptOptions) ChoosesPassword() bool {
	for _, a := range o.Answers {
		name, v, _ := strings.Cut(a, "=")
		if (name == flows.FieldChoice || name == "SELECT_CHALLENGE") && IsPasswordFactor(strings.ToUpper(strings.TrimSpace(v))) {
			return true
		}
	}
	return false
}

// CodeCommandTimeout bounds --mfa-code-command: a harness that fetches a
// code from a mailbox answers in seconds; Cognito's session lasts minutes.
const CodeCommandTimeout = 60 * time.Second

// Scripted answers challenges from the script flags; what they do not
// answer goes to Next (the terminal's Prompter, or flows.NonInteractive).
// It is a flows.Retrier only through Next: a fixed answer that was
// refused would be refused again.
type Scripted struct {
	// Next answers what the flags do not (Answer only; Fill never calls it).
	Next flows.Answerer
	// Run runs the code command (RunShell; tests may swap it).
	Run func(ctx context.Context, command string, env []string) (string, error)

	newPassword string
	totpSecret  string
	codeCommand string
	answers     map[string][]string // by field or challenge name, consumed in order
	now         func() time.Time

	// delegated says the last challenge was answered by Next.
	delegated bool
}

// NewScripted reads the script options' sources (the environment, stdin
// through read) and checks them. Bad options are usage errors.
func NewScripted(o ScriptOptions, env func(string) string, read func(what string) (string, error), now func() time.Time, next flows.Answerer) (*Scripted, error) {
	s := &Scripted{codeCommand: strings.TrimSpace(o.MFACodeCommand), now: now, Run: RunShell, Next: next, answers: map[string][]string{}}
	switch {
	case o.NewPasswordStdin && o.NewPasswordEnv != "":
		return nil, UsageErr("give --new-password-stdin or --new-password-env, not both")
	case o.NewPasswordStdin:
		pw, err := read("new password")
		if err != nil {
			return nil, err
		}
		s.newPassword = pw
	case o.NewPasswordEnv != "":
		if s.newPassword = env(o.NewPasswordEnv); s.newPassword == "" {
			return nil, UsageErr("--new-password-env %s: $%s is empty or not set", o.NewPasswordEnv, o.NewPasswordEnv)
		}
	}
	if o.TOTPSecretEnv != "" {
		sec := strings.ToUpper(strings.ReplaceAll(env(o.TOTPSecretEnv), " ", ""))
		if sec == "" {
			return nil, UsageErr("--totp-secret-env %s: $%s is empty or not set", o.TOTPSecretEnv, o.TOTPSecretEnv)
		}
		if _, err := totp.GenerateCode(sec, now()); err != nil {
			return nil, UsageErr("--totp-secret-env %s: not a base32 TOTP secret (the one an authenticator app is given)", o.TOTPSecretEnv)
		}
		s.totpSecret = sec
	}
	if o.MFACodeCommand != "" && s.codeCommand == "" {
		return nil, UsageErr("--mfa-code-command is empty")
	}
	for i, a := range o.Answers {
		name, value, ok := strings.Cut(a, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			// Not echoed: an answer may be a secret given without its name.
			return nil, UsageErr("--answer (the %s given): want NAME=VALUE (NAME a challenge such as CUSTOM_CHALLENGE, or a field: answer, code, choice, userAttributes.<name>); its value is not shown", ordinal(i+1))
		}
		s.answers[name] = append(s.answers[name], value)
	}
	return s, nil
}

// Secrets are the secret values the options gave (the new password, the
// TOTP seed), for redaction. Codes computed or fetched are in the answers
// Answer returns.
func (s *Scripted) Secrets() []string {
	return []string{s.newPassword, s.totpSecret}
}

// Answer fills every field of c it has an answer for; a challenge it
// cannot fill whole goes to Next.
func (s *Scripted) Answer(ctx context.Context, c *flows.Challenge) (flows.Answer, error) {
	ans, missing, err := s.Fill(ctx, c)
	if err != nil {
		return nil, err
	}
	if len(missing) == 0 {
		s.delegated = false
		s.Consume(c)
		return ans, nil
	}
	s.delegated = true
	a, err := s.Next.Answer(ctx, c)
	var ue *flows.UnanswerableError
	if errors.As(err, &ue) {
		return nil, &flows.UnanswerableError{Challenge: c.Name, Reason: "no terminal to prompt on and no flag answers it: give " + ScriptHint(c, missing) + " (" + c.Prompt + ")"}
	}
	return a, err
}

// Fill is the flags' answer to c: the fields they fill, and the names of
// the required fields they do not (none: the answer is whole; then
// Consume it). A code command that fails is an error (exit 2).
func (s *Scripted) Fill(ctx context.Context, c *flows.Challenge) (flows.Answer, []string, error) {
	ans := flows.Answer{}
	var missing []string
	for _, fl := range c.Fields {
		v, ok, err := s.value(ctx, c, fl)
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			if !fl.Optional {
				missing = append(missing, fl.Name)
			}
			continue
		}
		ans[fl.Name] = v
	}
	return ans, missing, nil
}

// Retry implements flows.Retrier: a prompted answer may be asked again;
// a scripted one is not (it would be the same).
func (s *Scripted) Retry(ctx context.Context, c *flows.Challenge, err error) bool {
	if s.delegated {
		r, ok := s.Next.(flows.Retrier)
		return ok && r.Retry(ctx, c, err)
	}
	return false
}

// value is the scripted answer of one field, if any.
func (s *Scripted) value(ctx context.Context, c *flows.Challenge, fl flows.Field) (string, bool, error) {
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
				return "", false, UsageErr("TOTP code: %v", err)
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
func (s *Scripted) peek(c *flows.Challenge, field string) (string, bool) {
	if vs := s.answers[field]; len(vs) > 0 {
		return vs[0], true
	}
	if vs := s.answers[c.Name]; len(vs) > 0 && len(c.Fields) == 1 {
		return vs[0], true
	}
	return "", false
}

// Consume drops the --answer values c used: a repeated NAME answers
// successive rounds (a custom challenge of several questions).
func (s *Scripted) Consume(c *flows.Challenge) {
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
func (s *Scripted) code(ctx context.Context, c *flows.Challenge) (string, error) {
	env := []string{
		"COGSCOPE_CHALLENGE=" + c.Name,
		"COGSCOPE_USERNAME=" + c.Username,
		"COGSCOPE_DELIVERY_MEDIUM=" + c.DeliveryMedium,
		"COGSCOPE_DESTINATION=" + c.Destination,
	}
	if c.OTPAuthURI != "" {
		env = append(env, "COGSCOPE_OTPAUTH_URI="+c.OTPAuthURI)
	}
	out, err := s.Run(ctx, s.codeCommand, env)
	if err != nil {
		return "", &ExitError{Code: ExitUsage, Err: fmt.Errorf("--mfa-code-command for %s: %w", c.Name, err)}
	}
	code := strings.TrimSpace(out)
	if code == "" {
		return "", UsageErr("--mfa-code-command for %s printed nothing", c.Name)
	}
	if strings.ContainsAny(code, "\n\r") {
		return "", UsageErr("--mfa-code-command for %s printed several lines: want the code alone", c.Name)
	}
	return code, nil
}

// RunShell runs command through the shell (sh -c; cmd /C on Windows)
// with env added to the process's, for at most CodeCommandTimeout, and
// returns its stdout. Its stderr is kept for the error.
func RunShell(ctx context.Context, command string, env []string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, CodeCommandTimeout)
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
		return "", fmt.Errorf("no code after %s", CodeCommandTimeout)
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

// ScriptHint names the flags that would answer c's missing fields (the
// field names Fill returns).
func ScriptHint(c *flows.Challenge, missing []string) string {
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

// ordinal is 1st, 2nd, 3rd, 4th, … 11th, 12th, 13th, 21st.
func ordinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return strconv.Itoa(n) + suffix
}
