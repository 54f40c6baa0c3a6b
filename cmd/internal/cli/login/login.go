// Package login is `cogscope login`: the Cognito API flows (SRP, password,
// admin, refresh, USER_AUTH, custom) through package flows, and the
// hosted-UI flows (PKCE, client credentials, refresh at the token
// endpoint) through flows/oauth (hosted.go), with the trace as it happens,
// the lifetimes, the --json document and the session saved.
package login

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/cmd/internal/config"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/flows/oauth"
	"github.com/cogscope/cogscope/internal/awsclient"
	"github.com/cogscope/cogscope/internal/termtext"
)

// LoginOptions are `cogscope login`'s inputs: its streams and
// dependencies, its flags, and which flags were given. loginRun reads
// only these, never cobra.
type LoginOptions struct {
	IO *cmdutil.IOStreams
	// Config is the config file's active profile.
	Config func() (cmdutil.ActiveProfile, error)
	// Factory builds the rest lazily: the target's AWS configuration, the
	// HTTP client, the clock, the environment, the session store, the
	// local stack's demo pool.
	Factory *cmdutil.Factory

	Flow               string
	UserPoolID         string
	ClientID           string
	ClientSecret       string
	ClientSecretStdin  bool
	Username           string
	PasswordStdin      bool
	RefreshTokenStdin  bool
	PreferredChallenge string
	RememberDevice     bool
	JSON               bool
	Reveal             bool
	Save               bool
	NoSave             bool
	Hosted             HostedOptions // the hosted-UI flows' flags (hosted.go)
	Script             ScriptOptions // non-interactive answers to challenges (script.go)

	// FlagsSet names the flags given on the command line: a flag the
	// chosen flow would ignore is refused, and --save --no-save
	// contradict each other.
	FlagsSet map[string]bool
}

// loginFlow is one --flow value.
type loginFlow struct {
	name  string
	kind  flows.Kind
	about string
	// needs says what the flow must be given.
	needsPassword bool
	passwordMaybe bool // USER_AUTH: only for a password factor
	needsRefresh  bool
	needsAWS      bool // AWS credentials (admin API)
	// hosted flows talk to the token endpoint of a Cognito domain (or
	// any OpenID provider) instead of the Cognito API (hosted.go).
	hosted bool
}

const (
	flowPKCE              = "pkce"
	flowClientCredentials = "client-credentials"
	flowRefreshToken      = "refresh-token"
)

var loginFlows = []loginFlow{
	{name: "srp", kind: flows.KindUserSRP, about: "USER_SRP_AUTH: proves the password with SRP, which never leaves the machine", needsPassword: true},
	{name: "password", kind: flows.KindUserPassword, about: "USER_PASSWORD_AUTH: sends the password over TLS", needsPassword: true},
	{name: "admin-password", kind: flows.KindAdminUserPassword, about: "ADMIN_USER_PASSWORD_AUTH: AdminInitiateAuth with AWS credentials", needsPassword: true, needsAWS: true},
	{name: "refresh", kind: flows.KindRefresh, about: "REFRESH_TOKEN_AUTH or GetTokensFromRefreshToken, chosen from the client's rotation setting", needsRefresh: true},
	{name: "user-auth", kind: flows.KindUserAuth, about: "USER_AUTH: choice-based sign-in (password, SRP, e-mail or SMS one-time code)", passwordMaybe: true},
	{name: "custom", kind: flows.KindCustom, about: "CUSTOM_AUTH: challenges defined by the pool's Lambda triggers"},
	{name: "custom-srp", kind: flows.KindCustomSRP, about: "CUSTOM_AUTH starting with an SRP password check", needsPassword: true},
	{name: flowPKCE, about: "authorization code + PKCE through the hosted UI in a browser, back to a loopback listener", hosted: true},
	{name: flowClientCredentials, about: "client_credentials at the token endpoint: a token for the app client itself (needs its secret)", hosted: true},
	{name: flowRefreshToken, about: "refresh_token at the token endpoint (the saved session's, or --refresh-token-stdin)", needsRefresh: true, hosted: true},
}

func findLoginFlow(name string) (loginFlow, bool) {
	for _, lf := range loginFlows {
		if lf.name == name {
			return lf, true
		}
	}
	return loginFlow{}, false
}

func loginFlowNames() string {
	names := make([]string, len(loginFlows))
	for i, lf := range loginFlows {
		names[i] = lf.name
	}
	return strings.Join(names, "|")
}

// NewCmdLogin signs in and prints the trace and the tokens. runF, when
// not nil, is called with the parsed options instead of loginRun (tests
// of the flags).
func NewCmdLogin(f *cmdutil.Factory, runF func(*LoginOptions) error) *cobra.Command {
	o := &LoginOptions{IO: &f.IO, Config: f.Profile, Factory: f}
	width := 0
	for _, lf := range loginFlows {
		width = max(width, len(lf.name))
	}
	var flowHelp strings.Builder
	for _, lf := range loginFlows {
		fmt.Fprintf(&flowHelp, "  %-*s  %s\n", width, lf.name, lf.about)
	}
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Sign in to a Cognito user pool and print the tokens and the trace",
		Long: `Sign in to a Cognito user pool, step by step, and print what happened: every
API call with its parameters (secrets redacted unless --reveal), the challenges
and the SRP values, then the tokens' lifetimes (--json prints the tokens).

The target comes from flags, else from --profile (or default_profile) in the
config file. With neither, login targets the local stack's demo pool.

Flows (--flow):
` + flowHelp.String() + `
Challenges (MFA codes, new password, MFA setup with a QR code, custom answers)
are asked for on the terminal; a mistyped code or a new password the pool's
policy refuses is asked for again (3 tries), and a new password is typed
twice. Scripts and CI answer them with flags instead: --new-password-stdin or
--new-password-env NAME (NEW_PASSWORD_REQUIRED), --totp-secret-env NAME
(SOFTWARE_TOKEN_MFA, the code computed from the base32 secret),
--mfa-code-command CMD (SMS and e-mail codes: CMD runs through the shell with
$COGSCOPE_CHALLENGE, $COGSCOPE_USERNAME, $COGSCOPE_DESTINATION set, and prints
the code), --answer NAME=VALUE (custom challenges: --answer CUSTOM_CHALLENGE=42
or --answer answer=42, repeated for several rounds; any field by name:
choice, code, userAttributes.email). A challenge neither the flags nor a
terminal can answer fails with exit code 2, naming the flag that would.

Exit codes: 0 tokens obtained, 1 Cognito refused (the diagnosis is on
stderr), 2 usage, input or I/O error.`,
		Example: `  # the local stack's demo pool (started in-process), as the demo user
  cogscope login

  # a pool on AWS, the password from a secret store
  pass show cognito/alice | cogscope login --user-pool-id eu-west-1_AbCdEfGhI --client-id 1example23456789 \
      --username alice --password-stdin

  # CI: the demo users that need MFA and a new password, no terminal
  MFA_SECRET=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP cogscope --endpoint http://127.0.0.1:9229 login \
      --username mfa-demo --password-stdin --totp-secret-env MFA_SECRET <<<'Passw0rd!'
  printf 'TempPassw0rd!\nN3w-Passw0rd!\n' | cogscope --endpoint http://127.0.0.1:9229 login \
      --username new-user --password-stdin --new-password-stdin
  cogscope login --flow custom --username demo --answer CUSTOM_CHALLENGE=42
  cogscope login --flow user-auth --preferred-challenge EMAIL_OTP --username demo \
      --mfa-code-command './fetch-code "$COGSCOPE_USERNAME"'

  # the hosted UI in a browser, then a token for curl
  cogscope login --flow pkce --profile dev
  curl -H "Authorization: Bearer $(cogscope --profile dev token access)" https://api.example.com/me`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.FlagsSet = cmdutil.FlagsSet(cmd)
			if runF != nil {
				return runF(o)
			}
			return loginRun(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Flow, "flow", "", "sign-in flow: "+loginFlowNames()+" (default: the profile's, else srp)")
	fl.StringVar(&o.UserPoolID, "user-pool-id", "", "user pool ID, region_id form (us-east-1_AbCdEfGhI)")
	fl.StringVar(&o.ClientID, "client-id", "", "app client ID")
	fl.StringVar(&o.ClientSecret, "client-secret", "", "app client secret (visible to other users of this machine; prefer --client-secret-stdin)")
	fl.BoolVar(&o.ClientSecretStdin, "client-secret-stdin", false, "read the client secret from the first line of stdin")
	fl.StringVar(&o.Username, "username", "", "username or alias to sign in as")
	fl.BoolVar(&o.PasswordStdin, "password-stdin", false, "read the password from the next line of stdin")
	fl.BoolVar(&o.RefreshTokenStdin, "refresh-token-stdin", false, "read the refresh token from the next line of stdin (--flow refresh; default: the saved session's)")
	fl.StringVar(&o.PreferredChallenge, "preferred-challenge", "", "USER_AUTH's PREFERRED_CHALLENGE: PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP")
	fl.BoolVar(&o.RememberDevice, "remember-device", false, "mark a newly confirmed device remembered, in pools where users opt in")
	fl.BoolVar(&o.JSON, "json", false, `print {"tokens": {...}, "trace": [...]} as JSON`)
	fl.BoolVar(&o.Reveal, "reveal", false, "show secrets (passwords, SECRET_HASH, tokens, sessions, SRP x and key) in the trace")
	fl.BoolVar(&o.Save, "save", true, "save the tokens (and a remembered device) in the session store")
	fl.BoolVar(&o.NoSave, "no-save", false, "do not save the tokens in the session store (saving is the default)")
	// One of the pair is enough: saving is the default, --no-save turns
	// it off. --save stays accepted for the scripts that pass it.
	_ = fl.MarkHidden("save")
	cmdutil.AddScriptFlags(fl, &o.Script)
	addHostedLoginFlags(cmd, &o.Hosted)
	flowNames := make([]string, len(loginFlows))
	for i, lf := range loginFlows {
		flowNames[i] = lf.name + "\t" + lf.about
	}
	cmdutil.CompleteValues(cmd, "flow", flowNames...)
	cmdutil.CompleteValues(cmd, "preferred-challenge", preferredChallenges...)
	cmdutil.CompleteValues(cmd, "client-auth", "basic\tHTTP Basic", "post\tform fields")
	cmdutil.CompleteValues(cmd, "prompt", "login", "none", "consent", "select_account")
	return cmd
}

// run is one resolved login: the target and everything the flow
// needs.
type run struct {
	f      *cmdutil.Factory
	o      *LoginOptions
	io     *cmdutil.IOStreams
	flow   loginFlow
	stdin  *cmdutil.LineReader
	target cmdutil.Target
	// clientAuth is how a hosted-UI flow sends the client secret.
	clientAuth oauth.ClientAuth
	store      *config.Store
	key        string            // session key
	script     *cmdutil.Scripted // the flags' answers to challenges, then the terminal's
	stop       func()            // stops an in-process local stack
}

// loginRun signs in as o says.
func loginRun(ctx context.Context, o *LoginOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	l := &run{f: o.Factory, o: o, io: o.IO, stdin: cmdutil.NewLineReader(ctx, o.IO.In)}
	defer func() {
		if l.stop != nil {
			l.stop()
		}
	}()
	if err := l.resolve(ctx); err != nil {
		return err
	}
	if l.flow.hosted {
		return runHostedLogin(ctx, l)
	}
	return runAPILogin(ctx, l)
}

// runAPILogin runs a flows flow and prints the outcome.
func runAPILogin(ctx context.Context, l *run) error {
	f, o, t := l.f, l.o, l.target
	cfg, err := f.AWSConfig(ctx, t)
	if err != nil {
		return cmdutil.UsageErr("AWS configuration: %v", err)
	}
	opts := flows.Options{
		Kind:               l.flow.kind,
		API:                awsclient.AnonymousCognito(cfg, t.Endpoint),
		UserPoolID:         t.UserPoolID,
		ClientID:           t.ClientID,
		ClientSecret:       t.ClientSecret,
		Username:           t.Username,
		Password:           t.Password,
		PreferredChallenge: o.PreferredChallenge,
		RememberDevice:     o.RememberDevice,
		Reveal:             o.Reveal,
		Now:                f.Clock(),
	}
	if l.flow.needsAWS || (l.flow.needsRefresh && f.HasAWSCredentials(ctx, t)) {
		opts.Admin = awsclient.Cognito(cfg, t.Endpoint)
	}

	// The session store gives the remembered device, and the refresh token
	// when none is given.
	sess, err := l.store.Load(l.key)
	switch {
	case errors.Is(err, config.ErrCorruptSession) && o.Save && !t.Ephemeral:
		fmt.Fprintf(l.io.ErrOut, "cogscope: warning: %v (ignoring it; a sign-in replaces it and keeps it as .corrupt)\n", err)
	case err != nil && !errors.Is(err, config.ErrNoSession):
		fmt.Fprintf(l.io.ErrOut, "cogscope: warning: %v (ignoring the saved session)\n", err)
	}
	if l.flow.needsRefresh {
		if err := l.refreshInput(sess, &opts); err != nil {
			return err
		}
	}
	if d, ok := sess.DeviceFor(opts.Username); ok && opts.Username != "" {
		opts.Device = &flows.Device{Key: d.Key, GroupKey: d.GroupKey, Password: d.Password, Remembered: d.Remembered}
	}

	var tw *traceWriter
	if !o.JSON {
		tw = &traceWriter{w: l.io.Out, reveal: o.Reveal}
		opts.OnStep = tw.step
	}
	flow, err := flows.New(opts)
	if err != nil {
		return cmdutil.UsageErr("%s", cmdutil.OptionsText(err))
	}
	var answerer flows.Answerer = flows.NonInteractive
	if l.io.InTTY {
		answerer = cmdutil.NewPrompter(l.io, l.stdin)
	}
	l.script.Next = answerer
	answerer = l.script
	res, runErr := flows.Run(ctx, flow, answerer)

	save := o.Save && !t.Ephemeral
	saveErr := error(nil)
	if res != nil && save && (res.Done() || res.ForgottenDevice != "") {
		saveErr = l.save(res, opts)
	}
	if save {
		var tk *flows.Tokens
		if res != nil {
			tk = res.Tokens
		}
		l.record(ctx, flow.Trace(), tk, runErr, opts.RefreshToken, opts.AccessToken)
	}
	if o.JSON {
		if err := writeLoginJSON(l.io.Out, res, flow.Trace(), runErr); err != nil {
			return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: fmt.Errorf("write output: %w", err)}
		}
	} else if res.Done() {
		writeLifetimes(l.io.Out, res, f.Clock()())
	}
	if runErr != nil {
		return loginFailure(l.io.ErrOut, runErr)
	}
	return l.reportSave(save, t.Ephemeral, saveErr)
}

// reportSave ends a sign-in that got its tokens: a session that could not
// be saved is an error (exit 2); otherwise stderr says where the session
// went, or why an in-process stack's tokens were not kept.
func (l *run) reportSave(saved, ephemeral bool, saveErr error) error {
	if saveErr != nil {
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: fmt.Errorf("tokens obtained, but the session was not saved: %w", saveErr)}
	}
	switch {
	case l.o.JSON:
	case saved:
		fmt.Fprintf(l.io.ErrOut, "Session saved (%s).\n", l.key)
	case ephemeral:
		fmt.Fprintln(l.io.ErrOut, "Not saved: the in-process local stack ends with this command (run `cogscope local` to keep one).")
	}
	return nil
}

// refreshInput finds the refresh token (stdin, else the saved session) and
// the access token whose username claim SECRET_HASH needs.
func (l *run) refreshInput(sess *config.Session, opts *flows.Options) error {
	if l.o.RefreshTokenStdin {
		rt, err := l.stdinValue("refresh token")
		if err != nil {
			return err
		}
		opts.RefreshToken = rt
	}
	if sess != nil && sess.Tokens != nil {
		if opts.RefreshToken == "" {
			opts.RefreshToken = sess.Tokens.RefreshToken
			opts.AccessToken = sess.Tokens.AccessToken
		} else if opts.RefreshToken == sess.Tokens.RefreshToken {
			opts.AccessToken = sess.Tokens.AccessToken
		}
		if opts.Username == "" {
			opts.Username = sess.Username
		}
	}
	if opts.RefreshToken == "" {
		return cmdutil.UsageErr("no refresh token: use --refresh-token-stdin, or sign in first (without --no-save; session %q is empty)", l.key)
	}
	return nil
}

// save records the tokens and device changes in the session store.
func (l *run) save(res *flows.Result, opts flows.Options) error {
	t := l.target
	return l.store.Update(l.key, func(s *config.Session) error {
		if res.ForgottenDevice != "" {
			if d, ok := s.DeviceFor(opts.Username); ok && d.Key == res.ForgottenDevice {
				s.SetDevice(opts.Username, config.Device{})
			}
		}
		if !res.Done() {
			return nil
		}
		tk := res.Tokens
		cmdutil.RecordTokens(s, t, t.ClientID, l.flow.name, opts.Username, *tk)
		if d := res.NewDevice; d != nil && opts.Username != "" {
			s.SetDevice(opts.Username, config.Device{Key: d.Key, GroupKey: d.GroupKey, Password: d.Password,
				Remembered: d.Remembered, ConfirmedAt: tk.IssuedAt.UTC()})
		}
		return nil
	})
}

// loginFailure prints why the flow failed and picks the exit code: 1 when
// Cognito refused, 2 for input, answers and I/O.
func loginFailure(w io.Writer, err error) error {
	var ce *flows.CallError
	if errors.As(err, &ce) && ce.API != nil && ce.API.Type != "" {
		d := cmdutil.CLIDiagnosis(flows.Diagnose(err))
		fmt.Fprintf(w, "cogscope: %s refused: %s\n", ce.Operation, termtext.Block(d.String()))
		return &cmdutil.ExitError{Code: cmdutil.ExitRefused, Err: err, Silent: true}
	}
	var ue *flows.UnanswerableError
	if errors.As(err, &ue) {
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: ue}
	}
	var ee *cmdutil.ExitError
	if errors.As(err, &ee) {
		return ee // a prompt's own error: input ended, interrupted
	}
	// No answer from Cognito, or one it never gives: the diagnosis says
	// what came back (or did not) and where to look.
	d := cmdutil.CLIDiagnosis(flows.Diagnose(err))
	text := strings.TrimSpace(d.Cause + " " + d.Fix)
	if errors.As(err, &ce) {
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: fmt.Errorf("%s: %s", ce.Op, text)}
	}
	if errors.Is(err, flows.ErrBadResponse) {
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: errors.New(text)}
	}
	return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: err}
}

// untilText says how long until t, for lifetimes.
func untilText(t, now time.Time) string {
	d := t.Sub(now).Round(time.Second)
	if d < 0 {
		return "expired " + (-d).String() + " ago"
	}
	return "in " + d.String()
}
