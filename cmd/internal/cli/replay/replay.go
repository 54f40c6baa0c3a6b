// Package replay is `cogscope replay FILE`: the sign-ins and calls of an
// exported transcript (internal/transcript, JSON) re-run against another
// environment — another profile, pool or client — and a step-by-step diff
// of the outcomes: which challenges one asks for and the other does not,
// which calls one answers and the other refuses, and why.
package replay

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/flows/oauth"
	"github.com/cogscope/cogscope/inspect"
	"github.com/cogscope/cogscope/internal/apicall"
	"github.com/cogscope/cogscope/internal/apiconfig"
	"github.com/cogscope/cogscope/internal/awsclient"
	"github.com/cogscope/cogscope/internal/local/apigw"
	"github.com/cogscope/cogscope/internal/termtext"
	"github.com/cogscope/cogscope/internal/transcript"
)

// ReplayOptions are `cogscope replay`'s inputs; replayRun reads only
// these, never cobra.
type ReplayOptions struct {
	IO      *cmdutil.IOStreams
	Factory *cmdutil.Factory

	File string

	UserPoolID, ClientID, Username string
	// The password, when a sign-in needs one and the target does not know
	// it (the local demo user's is known): stdin, an environment
	// variable, or the terminal.
	PasswordStdin bool
	PasswordEnv   string
	// Script answers challenges as login's flags do (challenges.go).
	Script cmdutil.ScriptOptions
	// ClientSecretStdin reads the app client's secret (for every sign-in:
	// SECRET_HASH, the token endpoint's client authentication) from the
	// first line of stdin, before the password. Without it the
	// profile's client_secret_env / client_secret_command is used; with
	// it that is never read.
	ClientSecretStdin bool
	JSON              bool
	// Hosted are the pkce sign-ins' flags (hosted.go).
	Hosted HostedOptions
	// IdentityPoolID is where the signed calls' credentials come from
	// (sigv4.go).
	IdentityPoolID string

	FlagsSet map[string]bool
}

// replayable are the --flow names a replay can re-run through the
// user-pools API.
var replayable = map[string]flows.Kind{
	"srp": flows.KindUserSRP, "password": flows.KindUserPassword, "refresh": flows.KindRefresh,
	"user-auth": flows.KindUserAuth, "custom": flows.KindCustom, "custom-srp": flows.KindCustomSRP,
}

// flowClientCredentials is login's --flow name of the OAuth
// client_credentials grant, which replay re-runs at the target's token
// endpoint.
const flowClientCredentials = "client-credentials"

// canReplay says whether replay re-runs a sign-in of that --flow.
func canReplay(flow string) bool {
	_, ok := replayable[flow]
	return ok || flow == flowClientCredentials || isHosted(flow)
}

// NewCmdReplay is `cogscope replay FILE`. runF, when not nil, is called
// with the parsed options instead of replayRun (tests of the flags).
func NewCmdReplay(f *cmdutil.Factory, runF func(*ReplayOptions) error) *cobra.Command {
	o := &ReplayOptions{IO: &f.IO, Factory: f}
	cmd := &cobra.Command{
		Use:   "replay FILE",
		Short: "Re-run a transcript's sign-ins and calls against another environment and diff the outcomes",
		Long: `Re-run the sign-ins (srp, password, refresh, user-auth, custom, custom-srp,
client-credentials, pkce, refresh-token) and the API calls of a transcript
exported with "cogscope transcript export --format json" against the target
of this command — usually another --profile — and print, step by step, where
the outcomes differ: a challenge one environment asks for and the other does
not, a sign-in one refuses, a call one answers and the other refuses, with
the reason ("dev 200, prod 401: ` + "`aud`" + ` differs (dev client 4ymsan…, prod
client 7c2k…)"). Calls go to the same paths under the target's API
(api.base_url; on the local stack its demo HTTP API) with the tokens the
replayed sign-in got.

The transcript keeps no secret, so the password is asked for: on the
terminal, or from --password-stdin or --password-env NAME (as login takes
it). A sign-in is re-run with what the recording kept that is not secret:
USER_AUTH's PREFERRED_CHALLENGE, and the factor (SELECT_CHALLENGE) or
second factor (SELECT_MFA_TYPE) it chose when the target offers it.

Challenges are answered as login answers them, with the same flags:
--new-password-stdin or --new-password-env NAME (NEW_PASSWORD_REQUIRED),
--totp-secret-env NAME (SOFTWARE_TOKEN_MFA), --mfa-code-command CMD (SMS and
e-mail codes), --answer NAME=VALUE (custom challenges: --answer
CUSTOM_CHALLENGE=42; any field by name; repeated values are used in turn,
across the transcript's sign-ins). A challenge the flags do not
answer is asked on the terminal only when the recorded session met it too;
without a terminal the replay stops (exit 2) naming the flag that would
answer it. A challenge the recorded session did not meet is a difference to
report, not a question to ask: the sign-in stops there ("prod asks for
SOFTWARE_TOKEN_MFA where dev did not"), unless a flag answers it — then it is
still reported, and the calls are compared with the tokens it got. Answers,
codes and new passwords appear nowhere in the output.

A client-credentials sign-in is re-run at the target's token endpoint with
the scopes the recorded one requested; the target client's secret comes
from --client-secret-stdin (read before the password) or the profile's
client_secret_env / client_secret_command, as login takes it.

A pkce sign-in (the hosted UI) is re-run against the target's hosted UI
(its pool's issuer, or the profile's hosted_ui.domain) with the scopes and
identity provider the recorded one asked for: the transcript keeps no
password, so a browser opens (or, with --no-browser, the URL is printed
alone on a line of stderr) and the person signs in again; replay waits up
to --timeout for the redirect. The redirect URI is --redirect-uri, else the
profile's hosted_ui.callback_url, else the app client's registered loopback
callback URL, else the recorded one. A refresh-token sign-in refreshes the
tokens of the replay's earlier sign-in at the token endpoint. A refusal
(redirect_mismatch, invalid_scope, unauthorized_client) is an outcome
compared like the others; a confidential client's secret is taken as
above.

A call recorded with "call --sigv4" (an AWS_IAM route) is re-sent signed,
with credentials got as call --sigv4 gets them, from the replay's own ID
token: traded at --identity-pool-id, else (on the local stack) at its demo
identity pool, else the target's AWS credential chain — once, at the first
signed call. When none can be had (the replayed sign-in got no ID token,
the identity pool refuses it, no AWS credentials) the call is not sent, and
that is a difference with the reason. The signature and the session token
appear nowhere in the output.

Any sign-in with a client that has a secret (SECRET_HASH for srp, password,
refresh and the challenge flows) takes it the same way: --client-secret-stdin
or the profile's reference. Secrets on stdin are read in login's order: the
client secret, the password, the new password.

Exit status: 0 the outcomes are the same, 1 they differ, 2 usage, input or
I/O error (an unreadable transcript, an environment that cannot be
reached, a challenge the recording met that nothing answers).`,
		Example: `  cogscope --profile dev transcript export --format json --output dev.json
  cogscope --profile prod replay dev.json
  pass show cognito/alice | cogscope --profile prod replay dev.json --password-stdin --json
  cogscope --profile staging replay dev.json --password-env ALICE_PASSWORD --totp-secret-env ALICE_TOTP
  pass show cognito/machine-client | cogscope --profile prod replay machine.json --client-secret-stdin
  cogscope --profile prod replay custom.json --answer CUSTOM_CHALLENGE=42
  cogscope --profile prod replay otp.json --mfa-code-command './fetch-code "$COGSCOPE_USERNAME"'
  cogscope --profile prod replay hosted-ui.json --redirect-uri http://localhost:8765/callback --json
  cogscope --profile prod replay iam.json --identity-pool-id eu-west-1:11111111-2222-3333-4444-555555555555`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.File, o.FlagsSet = args[0], cmdutil.FlagsSet(cmd)
			if o.PasswordStdin && o.PasswordEnv != "" {
				return cmdutil.UsageErr("give --password-stdin or --password-env, not both")
			}
			if err := checkIdentityPoolFlag(o); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return replayRun(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.UserPoolID, "user-pool-id", "", "the pool to replay against (default: the profile's)")
	fl.StringVar(&o.ClientID, "client-id", "", "the app client to replay with (default: the profile's)")
	fl.StringVar(&o.Username, "username", "", "sign in as this user (default: the transcript's)")
	fl.BoolVar(&o.PasswordStdin, "password-stdin", false, "read the password from stdin's first line (its second after --client-secret-stdin's)")
	fl.StringVar(&o.PasswordEnv, "password-env", "", "take the password from environment variable `NAME`")
	fl.BoolVar(&o.ClientSecretStdin, "client-secret-stdin", false, "read the app client's secret (any sign-in of a client that has one) from the first line of stdin, before the password; the profile's client_secret_env / client_secret_command is then not read")
	cmdutil.AddScriptFlags(fl, &o.Script)
	addHostedFlags(fl, &o.Hosted)
	addSigV4Flags(fl, o)
	fl.BoolVar(&o.JSON, "json", false, `print {"version", "comparison": {"a", "b", "steps", "same"}, "replay": <transcript>} as JSON (with "error" when cut short)`)
	return cmd
}

// Document is the --json output.
type Document struct {
	Version    int                    `json:"version"`
	Comparison *transcript.Comparison `json:"comparison"`
	Replay     *transcript.Transcript `json:"replay"`
	// Error is why the replay ended before its last step (the comparison
	// and the replay are then as far as it got); nil when it ran whole.
	Error *DocumentError `json:"error,omitempty"`
}

// DocumentError is a replay cut short: its message (stderr's line) and
// the exit code it ends with (2, or 130 for Ctrl-C).
type DocumentError struct {
	Message  string `json:"message"`
	ExitCode int    `json:"exitCode"`
}

func replayRun(ctx context.Context, o *ReplayOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	rec, err := readTranscript(o.File)
	if err != nil {
		return err
	}
	if len(rec.SignIns) == 0 && len(rec.Calls) == 0 {
		return cmdutil.UsageErr("%s has no sign-in and no call: nothing to replay (export a session that has some with `cogscope transcript export --format json`)", o.File)
	}
	// A recorded session holds at most the store's bounds; more is not a
	// session cogscope recorded, and would send that many requests.
	if len(rec.SignIns) > transcript.DefaultMaxSignIns || len(rec.Calls) > transcript.DefaultMaxCalls {
		return cmdutil.UsageErr("%s has %d sign-ins and %d calls: a recorded session holds at most %d and %d (split it, or export the session again)",
			o.File, len(rec.SignIns), len(rec.Calls), transcript.DefaultMaxSignIns, transcript.DefaultMaxCalls)
	}
	for i, s := range rec.SignIns {
		if !canReplay(s.Flow) {
			return cmdutil.UsageErr("sign-in %d of %s used --flow %s, which replay cannot re-run (it re-runs %s)", i+1, o.File, termtext.Line(s.Flow), replayableNames)
		}
	}
	if err := checkScriptFlags(o, rec); err != nil {
		return err
	}
	if err := checkSigV4Flags(o, rec); err != nil {
		return err
	}
	r, err := newRunner(ctx, o, rec)
	if err != nil {
		return err
	}
	defer r.close()
	replayed, err := r.run(ctx, rec)
	if err != nil {
		// Cut short once under way (an environment that cannot be
		// reached, a missing answer, Ctrl-C): --json still prints the
		// document, as far as the replay got, with the error — as login
		// and call print theirs.
		if o.JSON && replayed != nil {
			cmp := transcript.Diff(rec, replayed, rec.Target.Profile, r.target.Profile)
			doc := Document{Version: transcript.Version, Comparison: cmp, Replay: replayed, Error: &DocumentError{Message: r.mask(err.Error())}}
			var ee *cmdutil.ExitError
			if errors.As(err, &ee) {
				doc.Error.ExitCode = ee.Code
			}
			if ctx.Err() != nil {
				doc.Error.ExitCode = cmdutil.ExitInterrupted
			}
			if werr := transcript.EncodeJSON(o.IO.Out, doc); werr != nil {
				return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: werr}
			}
		}
		return err
	}
	cmp := transcript.Diff(rec, replayed, rec.Target.Profile, r.target.Profile)
	if o.JSON {
		if err := transcript.EncodeJSON(o.IO.Out, Document{Version: transcript.Version, Comparison: cmp, Replay: replayed}); err != nil {
			return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: err}
		}
	} else {
		writeComparison(o.IO, cmp, replayed)
	}
	if !cmp.Same {
		return &cmdutil.ExitError{Code: cmdutil.ExitRefused, Silent: true, Err: fmt.Errorf("%d step(s) differ", cmp.Differences())}
	}
	return nil
}

func readTranscript(name string) (*transcript.Transcript, error) {
	fh, err := os.Open(name)
	if err != nil {
		return nil, cmdutil.UsageErr("%v", err)
	}
	defer fh.Close()
	t, err := transcript.ReadJSON(fh)
	if err != nil {
		// The console's x writes the JSON beside the Markdown.
		if sibling := strings.TrimSuffix(name, ".md") + ".json"; sibling != name {
			if fi, serr := os.Stat(sibling); serr == nil && fi.Mode().IsRegular() {
				return nil, cmdutil.UsageErr("%s: %v\nIts JSON form is beside it: cogscope replay %s", termtext.Line(name), err, termtext.Line(sibling))
			}
		}
		return nil, cmdutil.UsageErr("%s: %v", termtext.Line(name), err)
	}
	return t, nil
}

// runner replays against one target.
type runner struct {
	f        *cmdutil.Factory
	o        *ReplayOptions
	target   cmdutil.Target
	baseURL  string
	username string
	password string
	stdin    *cmdutil.LineReader
	// ccClientID and ccSecret are the client of client-credentials
	// sign-ins: the target's client and its secret.
	ccClientID, ccSecret string
	// stdinSecret is --client-secret-stdin's line once read.
	stdinSecret string
	// script answers challenges from the flags; prompter, on a
	// terminal, those the recorded session met (challenges.go).
	script   *cmdutil.Scripted
	prompter *cmdutil.Prompter
	stop     func()
	secrets  []string
	keys     *inspect.Cache
	explain  *apicall.Explainer
	sigv4    sigv4Creds // the signed calls' credentials (sigv4.go)
}

func newRunner(ctx context.Context, o *ReplayOptions, rec *transcript.Transcript) (*runner, error) {
	f := o.Factory
	r := &runner{f: f, o: o, stdin: cmdutil.NewLineReader(ctx, o.IO.In)}
	needPassword, needSecret, hosted := false, false, false
	for _, s := range rec.SignIns {
		needPassword = needPassword || sentPassword(s) || (s.Flow == "user-auth" && o.Script.ChoosesPassword())
		needSecret = needSecret || s.Flow == flowClientCredentials
		hosted = hosted || isHosted(s.Flow)
	}
	if (o.PasswordStdin || o.PasswordEnv != "") && !needPassword {
		return nil, cmdutil.UsageErr("--password-stdin and --password-env apply to sign-ins that send the password; %s has none (its flows: %s)", o.File, flowList(rec))
	}
	// Every sign-in sends the app client's secret when the client has one
	// (SECRET_HASH, the token endpoint's client authentication), as login
	// takes it with any flow: only a transcript without a sign-in has no
	// use for it.
	if o.ClientSecretStdin && len(rec.SignIns) == 0 {
		return nil, cmdutil.UsageErr("--client-secret-stdin gives the app client's secret to the transcript's sign-ins; %s has none", o.File)
	}
	// --client-secret-stdin wins over the profile's reference, which is
	// then not read (an unset client_secret_env is no error).
	t, err := f.ResolveTargetWith(ctx, cmdutil.TargetFlags{UserPoolID: o.UserPoolID, ClientID: o.ClientID, Username: o.Username,
		Secret: cmdutil.ClientSecretFlags{Stdin: o.ClientSecretStdin, Read: r.clientSecretLine}})
	if err != nil {
		return nil, err
	}
	if t.Pending {
		demo, stop, err := f.LocalDemo(ctx, "", f.Global.Region)
		if err != nil {
			return nil, cmdutil.UsageErr("%v", err)
		}
		r.stop = stop
		t.UseDemo(demo)
		fmt.Fprintf(o.IO.ErrOut, "No target configured: replaying against the local stack's demo pool at %s (started for this command).\n", t.Endpoint)
	}
	poolless, err := r.hostedWithoutPool(ctx, &t, rec)
	if err != nil {
		return nil, err
	}
	if (t.UserPoolID == "" && !poolless) || t.ClientID == "" {
		return nil, cmdutil.UsageErr("replay needs a pool and a client: give --profile, or --user-pool-id and --client-id")
	}
	if o.ClientSecretStdin {
		// Read once, before the password: the profile's target has it
		// already; the local demo's, resolved without a profile, reads it
		// here. The demo's client-credentials client is another client
		// (its machine client): the secret is that one's, not the
		// public client's the user-pools sign-ins use.
		line, err := r.clientSecretLine("client secret")
		if err != nil {
			return nil, err
		}
		if t.CCClientID == "" || t.CCClientID == t.ClientID || hosted {
			t.ClientSecret = line
		}
	}
	r.target = t
	if err := r.prepareHosted(ctx, rec); err != nil {
		return nil, err
	}
	prof, err := f.Profile()
	if err != nil {
		return nil, err
	}
	r.baseURL = prof.API.BaseURL
	if r.baseURL == "" && t.Endpoint != "" {
		r.baseURL = apigw.InvokeURL(t.Endpoint, apigw.DemoHTTPAPIID, "")
	}
	if err := r.checkCalls(ctx, rec); err != nil {
		return nil, err
	}
	r.username = cmdutil.FirstNonEmpty(o.Username, rec.Target.Username, t.Username)
	if r.username == "" {
		for i, s := range rec.SignIns {
			if _, api := replayable[s.Flow]; api && s.Flow != "refresh" {
				return nil, cmdutil.UsageErr("sign-in %d of %s (%s) signs a user in, and neither the transcript nor the target names one: give --username (or set username in the profile)",
					i+1, o.File, termtext.Line(s.Flow))
			}
		}
	}
	// Secrets from stdin in login's order: the client secret, then the
	// password.
	if needSecret {
		if err := r.readClientSecret(); err != nil {
			return nil, err
		}
	}
	if needPassword {
		if err := r.readPassword(); err != nil {
			return nil, err
		}
	}
	// Then the new password (--new-password-stdin), as login reads them.
	script, err := cmdutil.NewScripted(o.Script, f.Env, r.stdinValue, f.Clock(), flows.NonInteractive)
	if err != nil {
		return nil, err
	}
	r.script = script
	if o.IO.InTTY {
		r.prompter = cmdutil.NewPrompter(o.IO, r.stdin)
	}
	r.secrets = append([]string{r.password, r.target.ClientSecret, r.ccSecret}, script.Secrets()...)
	r.keys = inspect.NewCache(inspect.CacheOptions{Client: f.HTTPClient(), Now: f.Now})
	return r, nil
}

func (r *runner) close() {
	if r.stop != nil {
		r.stop()
	}
}

// readClientSecret takes the app client's secret as `cogscope login --flow
// client-credentials` does: --client-secret-stdin, else the one the target
// resolved (the profile's client_secret_env / client_secret_command, or
// the local demo's).
func (r *runner) readClientSecret() error {
	t := r.target
	// A profile's target has CCClientID = ClientID; the local demo's is
	// its confidential machine client.
	r.ccClientID, r.ccSecret = t.CCClientID, t.CCClientSecret
	if r.ccClientID == "" {
		r.ccClientID, r.ccSecret = t.ClientID, t.ClientSecret
	}
	if r.o.ClientSecretStdin {
		v, err := r.clientSecretLine("client secret")
		if err != nil {
			return err
		}
		r.ccSecret = v
	}
	if r.ccSecret == "" {
		return cmdutil.UsageErr("the transcript's %s sign-in needs app client %s's secret: --client-secret-stdin, or client_secret_env / client_secret_command in the profile",
			flowClientCredentials, r.ccClientID)
	}
	return nil
}

// clientSecretLine reads --client-secret-stdin's line once, however
// many times it is asked for (the target's resolution, then the
// client-credentials client's).
func (r *runner) clientSecretLine(what string) (string, error) {
	if r.stdinSecret != "" {
		return r.stdinSecret, nil
	}
	v, err := r.stdin.Line(what)
	if err != nil {
		return "", err
	}
	if v == "" {
		return "", cmdutil.UsageErr("the %s on stdin is empty", what)
	}
	r.stdinSecret = v
	return v, nil
}

// recordedScopes are the scopes a recorded client-credentials sign-in
// asked for: the token request's scope, else the scopes its access token
// was granted.
func recordedScopes(s transcript.SignIn) []string {
	for _, st := range s.Steps {
		if st.Operation == oauth.OpToken && st.Request["scope"] != "" {
			return strings.Fields(st.Request["scope"])
		}
	}
	for _, tk := range s.Tokens {
		if tk.Use == "access" {
			return tk.Scopes
		}
	}
	return nil
}

// clientCredentials re-runs a client_credentials grant at the target's
// token endpoint, with the recorded scopes.
// The result's err is the grant's (a refusal is an outcome); the error
// returned is bad options (exit 2).
func (r *runner) clientCredentials(ctx context.Context, s transcript.SignIn) (ccOutcome, error) {
	t := r.target
	client, err := oauth.New(oauth.Options{Issuer: t.Issuer, Domain: t.Domain, ClientID: r.ccClientID, ClientSecret: r.ccSecret,
		Scopes: recordedScopes(s), HTTPClient: r.f.HTTP, Now: r.f.Clock()})
	if err != nil {
		return ccOutcome{}, cmdutil.UsageErr("%s", cmdutil.OptionsText(err))
	}
	res, runErr := client.ClientCredentials(ctx)
	out := ccOutcome{steps: client.Trace(), err: runErr}
	if res != nil {
		out.tokens = res.Tokens
	}
	return out, nil
}

// ccOutcome is a replayed client_credentials grant.
type ccOutcome struct {
	tokens *flows.Tokens
	steps  []flows.Step
	err    error
}

// readPassword takes the password as login does: the target's own (the
// demo user's), --password-stdin, --password-env, or the terminal.
func (r *runner) readPassword() error {
	o, t := r.o, r.target
	switch {
	case o.PasswordStdin:
		pw, err := r.stdin.Line("password")
		if err != nil {
			return err
		}
		r.password = pw
	case o.PasswordEnv != "":
		r.password = r.f.Env(o.PasswordEnv)
		if r.password == "" {
			return cmdutil.UsageErr("--password-env %s: $%s is empty or not set", o.PasswordEnv, o.PasswordEnv)
		}
	case t.Password != "" && strings.EqualFold(r.username, t.Username):
		r.password = t.Password
	case o.IO.InTTY:
		pw, err := r.stdin.Secret(*o.IO, fmt.Sprintf("Password for %s: ", termtext.Line(r.username)))
		if err != nil {
			return err
		}
		r.password = pw
	default:
		return cmdutil.UsageErr("no password for %s: use --password-stdin or --password-env (stdin is not a terminal to prompt on)", r.username)
	}
	if r.password == "" {
		return cmdutil.UsageErr("the password is empty")
	}
	return nil
}

// run re-runs rec's sign-ins, then its calls, and records them as a
// transcript of the target.
func (r *runner) run(ctx context.Context, rec *transcript.Transcript) (*transcript.Transcript, error) {
	f, t := r.f, r.target
	now := f.Clock()
	out := transcript.New(cmdutil.TranscriptTarget(t, t.ClientID, r.baseURL), now())
	out.Target.Username = r.username
	cfg, err := f.AWSConfig(ctx, t)
	if err != nil {
		return r.partial(out), cmdutil.UsageErr("AWS configuration: %v", err)
	}
	api := awsclient.AnonymousCognito(cfg, t.Endpoint)
	var tokens *flows.Tokens
	for i, s := range rec.SignIns {
		if isHosted(s.Flow) {
			si, tk, err := r.hosted(ctx, i+1, s, tokens)
			if err != nil {
				return r.partial(out), err
			}
			tokens = tk
			out.SignIns = append(out.SignIns, si)
			continue
		}
		if s.Flow == flowClientCredentials {
			cc, err := r.clientCredentials(ctx, s)
			if err != nil {
				return r.partial(out), err
			}
			if err := fatal(ctx, i+1, s.Flow, cc.err); err != nil {
				return r.partial(out), err
			}
			var issued transcript.IssuedTokens
			if tk := cc.tokens; tk != nil {
				tokens = tk
				issued = transcript.IssuedTokens{AccessToken: tk.AccessToken}
				r.secrets = append(r.secrets, tk.AccessToken)
			}
			reports := cmdutil.VerifyForTranscript(ctx, t, r.ccClientID, r.keys, now, map[string]string{"access": issued.AccessToken})
			out.SignIns = append(out.SignIns, transcript.SignInFrom(s.Flow, cc.steps, issued, reports, cc.err, now()))
			continue
		}
		opts := flows.Options{Kind: replayable[s.Flow], API: api, UserPoolID: t.UserPoolID, ClientID: t.ClientID,
			ClientSecret: t.ClientSecret, Username: r.username, Password: r.password, Now: now}
		if s.Flow == "user-auth" {
			opts.PreferredChallenge = recordedPreferred(s)
		}
		if s.Flow == "refresh" {
			if tokens == nil || tokens.RefreshToken == "" {
				out.SignIns = append(out.SignIns, transcript.SignIn{Flow: s.Flow, Started: now().UTC(), Outcome: transcript.OutcomeStopped,
					Error: &transcript.Error{Message: "no refresh token: the replay's earlier sign-in issued none"}})
				continue
			}
			opts.RefreshToken, opts.AccessToken = tokens.RefreshToken, tokens.AccessToken
		}
		fl, err := flows.New(opts)
		if err != nil {
			return r.partial(out), cmdutil.UsageErr("%s", cmdutil.OptionsText(err))
		}
		res, runErr := flows.Run(ctx, fl, r.answererFor(i+1, s))
		if err := answerFailure(ctx, runErr); err != nil {
			return r.partial(out), err
		}
		if err := fatal(ctx, i+1, s.Flow, runErr); err != nil {
			return r.partial(out), err
		}
		var issued transcript.IssuedTokens
		if res != nil && res.Tokens != nil {
			if tokens == nil || res.Tokens.RefreshToken != "" {
				tokens = res.Tokens
			} else {
				keep := tokens.RefreshToken
				tokens = res.Tokens
				tokens.RefreshToken = keep
			}
			issued = transcript.IssuedTokens{IDToken: res.Tokens.IDToken, AccessToken: res.Tokens.AccessToken, RefreshToken: res.Tokens.RefreshToken}
			r.secrets = append(r.secrets, issued.IDToken, issued.AccessToken, issued.RefreshToken)
			if s.Flow == "refresh" && !res.Tokens.RefreshRotated {
				issued.RefreshToken = "" // handed back, not issued
			}
		}
		reports := cmdutil.VerifyForTranscript(ctx, t, t.ClientID, r.keys, now, map[string]string{"id": issued.IDToken, "access": issued.AccessToken})
		out.SignIns = append(out.SignIns, transcript.SignInFrom(s.Flow, fl.Trace(), issued, reports, runErr, now()))
	}
	for _, c := range rec.Calls {
		call, err := r.call(ctx, c, tokens)
		if err != nil {
			return r.partial(out), err
		}
		out.Calls = append(out.Calls, call)
	}
	return r.partial(out), nil
}

// mask replaces the replay's known secrets in text.
func (r *runner) mask(text string) string {
	for _, s := range r.secrets {
		if len(s) >= 4 {
			text = strings.ReplaceAll(text, s, transcript.Masked)
		}
	}
	return text
}

// partial is the replayed session as far as it got, masked.
func (r *runner) partial(out *transcript.Transcript) *transcript.Transcript {
	out.Updated = r.f.Clock()().UTC()
	transcript.Redact(out, r.secrets...)
	return out
}

// fatal is a sign-in's error that ends the replay (exit 2, or 130 when
// interrupted): not a refusal, which is an outcome to compare, nor a
// challenge the replay could not answer.
func fatal(ctx context.Context, n int, flow string, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return &cmdutil.ExitError{Code: cmdutil.ExitInterrupted, Err: fmt.Errorf("sign-in %d (%s): interrupted", n, termtext.Line(flow))}
	}
	var ce *flows.CallError
	if errors.As(err, &ce) && ce.API != nil && ce.API.Type != "" {
		return nil
	}
	var ue *flows.UnanswerableError
	if errors.As(err, &ue) {
		return nil
	}
	var oe *oauth.Error
	if errors.As(err, &oe) && oe.Code != "" {
		return nil // the provider's OAuth error: an outcome
	}
	d := cmdutil.CLIDiagnosis(flows.Diagnose(err))
	text := strings.TrimSpace(d.Cause + " " + d.Fix)
	if text == "" {
		text = err.Error()
	}
	return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: fmt.Errorf("sign-in %d (%s): %s", n, termtext.Line(flow), termtext.Line(text))}
}

// call re-sends one recorded call with the replay's token of the same
// kind, to the same path under the target's API.
func (r *runner) call(ctx context.Context, c transcript.Call, tokens *flows.Tokens) (transcript.Call, error) {
	started := r.f.Clock()()
	skipped := transcript.Call{Method: c.Method, Path: c.Path, TokenKind: c.TokenKind, Started: started.UTC()}
	path, why := r.replayable(c)
	if why != "" {
		skipped.Skipped = why
		return skipped, nil
	}
	var token string
	var sign func(*http.Request, []byte) error
	var signer *cmdutil.SigV4
	switch c.TokenKind {
	case apicall.TokenNone:
	case apicall.TokenSigV4:
		var notSent string
		var err error
		if sign, signer, notSent, err = r.sign(ctx, c, tokens); err != nil || sign == nil {
			skipped.Error = transcript.NotSent + notSent
			return skipped, err
		}
	case apicall.TokenAccess, apicall.TokenID:
		if tokens == nil {
			return skipped, nil // not sent: no token
		}
		token = tokens.AccessToken
		if c.TokenKind == apicall.TokenID {
			token = tokens.IDToken
		}
		if token == "" {
			// The replay's sign-in issued no token of that kind (a
			// client_credentials grant has no ID token): not sent, rather
			// than sent without one.
			return skipped, nil
		}
	}
	req := apicall.Request{Method: c.Method, Target: path, BaseURL: r.baseURL, Token: token, TokenKind: c.TokenKind, Sign: sign}
	res, err := apicall.Do(ctx, req, apicall.Options{MaxBody: apicall.DefaultMaxBody})
	var ue *apicall.UsageError
	if errors.As(err, &ue) {
		return skipped, cmdutil.UsageErr("call %s %s: %s", termtext.Line(c.Method), termtext.Line(c.Path), termtext.Line(err.Error()))
	}
	if signer != nil && res != nil {
		signer.Redact(res.Response)
	}
	if res != nil && res.Response != nil && explainable(res.Response) {
		if b, err := apicall.Build(ctx, req); err == nil {
			res.Judgement = r.explainer(ctx).Explain(ctx, b, res.Response)
			if signer != nil {
				explainSigned(res.Judgement)
			}
		}
	}
	jti := ""
	if token != "" {
		jti = transcript.TokenFrom("", token, nil, started).JTI
	}
	return transcript.CallFrom(res, jti, r.baseURL, nil, started), nil
}

// replayable is the path a recorded call is re-sent to, under the
// target's API, or why it is not re-sent (a token replay cannot send, a
// URL outside the target's API).
func (r *runner) replayable(c transcript.Call) (path, skipped string) {
	switch c.TokenKind {
	case apicall.TokenNone, apicall.TokenAccess, apicall.TokenID, apicall.TokenSigV4:
	default:
		return "", fmt.Sprintf("the recorded call sent a %s token; replay sends the session's access or ID token, or a SigV4 signature, only", cmdutil.FirstNonEmpty(c.TokenKind, "(unnamed)"))
	}
	path = c.Path
	if strings.Contains(path, "://") {
		// Recorded against another base URL (a full URL called, or a
		// transcript written by hand): only what lies under the target's
		// API is re-sent. The replay's tokens never go where a
		// transcript file points.
		rel := transcript.PathOf(path, r.baseURL)
		if strings.Contains(rel, "://") {
			return "", fmt.Sprintf("it was sent to %s, outside the API under test; replay re-sends only paths under the target's API (%s, api.base_url) and sends its tokens nowhere else",
				path, cmdutil.FirstNonEmpty(r.baseURL, "none"))
		}
		path = rel
	}
	return path, ""
}

// checkCalls refuses, before anything is sent (a sign-in, a browser), a
// recorded call that cannot be built: a method that is not one, no API
// to send a path to. Bad input, exit 2, rather than a replay cut short.
func (r *runner) checkCalls(ctx context.Context, rec *transcript.Transcript) error {
	for i, c := range rec.Calls {
		path, skip := r.replayable(c)
		if skip != "" {
			continue
		}
		if _, err := apicall.Build(ctx, apicall.Request{Method: c.Method, Target: path, BaseURL: r.baseURL, TokenKind: apicall.TokenNone}); err != nil {
			return cmdutil.UsageErr("call %d of %s (%s %s): %s", i+1, r.o.File, termtext.Line(c.Method), termtext.Line(c.Path), termtext.Line(err.Error()))
		}
	}
	return nil
}

// explainable says which answers get an explanation: 401/403, a
// gateway's 404, a 500 (as `cogscope call`).
func explainable(resp *apicall.ResponseInfo) bool {
	s := resp.Status
	return s == 401 || s == 403 || s == 500 || (s == 404 && resp.RequestIDHeader == "apigw-requestid")
}

// explainer reads API Gateway's configuration once, with the target's
// credentials (without them the explanation is from the answer alone).
func (r *runner) explainer(ctx context.Context) *apicall.Explainer {
	if r.explain != nil {
		return r.explain
	}
	t, f := r.target, r.f
	x := &apicall.Explainer{Keys: r.keys, Now: f.Clock()}
	if t.Endpoint != "" {
		x.PoolIssuer = apicall.LocalPoolIssuer(t.Endpoint)
	}
	if f.HasAWSCredentials(ctx, t) {
		if cfg, err := f.AWSConfig(ctx, t); err == nil {
			region := cmdutil.FirstNonEmpty(t.Region, cfg.Region)
			clients := apiconfig.Clients{HTTP: awsclient.APIGatewayV2(cfg, t.Endpoint), REST: awsclient.APIGateway(cfg, t.Endpoint)}
			x.Config, _ = apiconfig.Read(ctx, clients, apiconfig.Options{Endpoint: t.Endpoint, Region: region})
		}
	}
	r.explain = x
	return x
}

// writeComparison prints the diff for people.
func writeComparison(io *cmdutil.IOStreams, c *transcript.Comparison, replayed *transcript.Transcript) {
	w := io.Out
	tg := replayed.Target
	// c.B is a label ("replay" when both sides have the same profile);
	// the heading names the target itself.
	against := "the target"
	if tg.Profile != "" {
		against = "profile " + tg.Profile
	}
	fmt.Fprintf(w, "Replayed against %s (pool %s, client %s, user %s) at %s.\n\n", termtext.Line(against),
		termtext.Line(tg.UserPoolID), termtext.Line(tg.ClientID), termtext.Line(tg.Username), replayed.Updated.Format(time.RFC3339))
	width := 0
	for _, s := range c.Steps {
		width = max(width, len(s.Step)+1+len([]rune(s.What)))
	}
	for _, s := range c.Steps {
		mark := "same"
		if !s.Same {
			mark = "DIFFERS"
		}
		label := s.Step + " " + s.What
		fmt.Fprintf(w, "  %-*s  %s %s, %s %s  %s\n", width, termtext.Line(label), termtext.Line(c.A), termtext.Line(s.A),
			termtext.Line(c.B), termtext.Line(s.B), mark)
		for _, d := range s.Differences {
			fmt.Fprintf(w, "      %s\n", termtext.Line(d))
		}
		if s.Note != "" {
			fmt.Fprintf(w, "      (not compared: %s)\n", termtext.Line(s.Note))
		}
	}
	fmt.Fprintln(w)
	if c.Same {
		fmt.Fprintf(w, "No difference: %s behaves as %s did.\n", termtext.Line(c.B), termtext.Line(c.A))
		return
	}
	fmt.Fprintf(w, "%d of %d step(s) differ.\n", c.Differences(), len(c.Steps))
}
