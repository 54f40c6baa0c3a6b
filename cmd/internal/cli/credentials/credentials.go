// Package credentials is `cogscope credentials`: trade the user pool's ID
// token (the saved session's, or one on stdin) for AWS credentials through
// a Cognito identity pool — the enhanced or the basic flow, or a guest
// identity — then ask STS who they are, and show the identity, the role
// and why (which rule), the principal tags and the expiry; or print them
// for other tools (--export, --credential-process).
package credentials

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/cmd/internal/config"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/flows/idpool"
	"github.com/cogscope/cogscope/internal/local/identity"
)

// CredentialsOptions are `cogscope credentials`' inputs.
type CredentialsOptions struct {
	IO      *cmdutil.IOStreams
	Factory *cmdutil.Factory

	IdentityPoolID    string
	UserPoolID        string
	ClientID          string
	IDTokenStdin      bool
	Flow              string
	RoleARN           string
	Guest             bool
	JSON              bool
	Reveal            bool
	Export            bool
	CredentialProcess bool

	FlagsSet map[string]bool
}

// NewCmdCredentials builds the command; runF, when not nil, gets the
// parsed options instead of credentialsRun (tests of the flags).
func NewCmdCredentials(f *cmdutil.Factory, runF func(*CredentialsOptions) error) *cobra.Command {
	o := &CredentialsOptions{IO: &f.IO, Factory: f}
	cmd := &cobra.Command{
		Use:   "credentials",
		Short: "Trade the ID token for AWS credentials through an identity pool, and show the role and tags they carry",
		Long: `credentials exchanges the user pool's ID token for AWS credentials through a
Cognito identity pool, then asks STS GetCallerIdentity who they are.

The enhanced flow (default) is GetId then GetCredentialsForIdentity (with
--role-arn as CustomRoleArn, when the pool chooses the role from the token);
the basic flow is GetOpenIdToken then STS AssumeRoleWithWebIdentity (with
--role-arn, else the pool's role). --guest asks for an unauthenticated
identity. The ID token is the saved session's (cogscope login, same target
flags) or the first line of stdin with --id-token-stdin.

It shows the identity id, the role and why the pool chose it (the default
authenticated role, cognito:preferred_role, or the claim rule that matched),
the principal tags mapped from the token's claims, and the expiry. Reading
the pool's roles and tag map takes AWS credentials of the pool's account;
without them the role is still shown, the rule is not.

--json prints {"identityId", "roleArn", "rule", "principalTags",
"expiration", "callerArn", "credentials"} with the secret and session token
masked unless --reveal; --export prints shell export lines, and
--credential-process the JSON of AWS's credential_process, so other tools
can use them: eval "$(cogscope credentials --identity-pool-id ID --export)".

With no target it uses the local stack's demo pool and demo identity pool.
Exit codes: 0 credentials obtained; 1 the identity pool or STS refused;
2 usage or input errors.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.FlagsSet = cmdutil.FlagsSet(cmd)
			if runF != nil {
				return runF(o)
			}
			return credentialsRun(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.IdentityPoolID, "identity-pool-id", "", "identity pool ID, <region>:<uuid> (default with the local demo pool: its demo identity pool)")
	fl.StringVar(&o.UserPoolID, "user-pool-id", "", "user pool ID whose saved session holds the ID token")
	fl.StringVar(&o.ClientID, "client-id", "", "app client ID of the saved session")
	fl.BoolVar(&o.IDTokenStdin, "id-token-stdin", false, "read the ID token from the first line of stdin instead of the saved session")
	fl.StringVar(&o.Flow, "flow", idpool.FlowEnhanced, "enhanced (GetCredentialsForIdentity) or basic (GetOpenIdToken + AssumeRoleWithWebIdentity)")
	fl.StringVar(&o.RoleARN, "role-arn", "", "enhanced: CustomRoleArn, one of the token's cognito:roles; basic: the role to assume")
	fl.BoolVar(&o.Guest, "guest", false, "an unauthenticated (guest) identity: no ID token")
	fl.BoolVar(&o.JSON, "json", false, "print the result as JSON (secrets masked unless --reveal)")
	fl.BoolVar(&o.Reveal, "reveal", false, "show the secret access key and the session token")
	fl.BoolVar(&o.Export, "export", false, "print export AWS_ACCESS_KEY_ID=… lines for a shell (secrets included)")
	fl.BoolVar(&o.CredentialProcess, "credential-process", false, "print the JSON AWS's credential_process expects (secrets included)")
	return cmd
}

// checkFlags refuses contradictions before anything runs.
func checkFlags(o *CredentialsOptions) error {
	n := 0
	for _, b := range []bool{o.JSON, o.Export, o.CredentialProcess} {
		if b {
			n++
		}
	}
	switch {
	case n > 1:
		return cmdutil.UsageErr("--json, --export and --credential-process are different outputs: give one")
	case o.Flow != idpool.FlowEnhanced && o.Flow != idpool.FlowBasic:
		return cmdutil.UsageErr("unknown --flow %q (want enhanced or basic)", o.Flow)
	case o.Guest && o.IDTokenStdin:
		return cmdutil.UsageErr("--guest takes no ID token: leave --id-token-stdin out")
	case o.Guest && o.RoleARN != "" && o.Flow == idpool.FlowEnhanced:
		return cmdutil.UsageErr("--role-arn with --guest: a guest gets the pool's unauthenticated role (use --flow basic to name one)")
	case o.IdentityPoolID != "" && !validPoolID(o.IdentityPoolID):
		return cmdutil.UsageErr("--identity-pool-id %q: want <region>:<uuid>, e.g. us-east-1:0c0ffee0-1234-4abc-8def-0123456789ab", o.IdentityPoolID)
	}
	return nil
}

func validPoolID(id string) bool {
	region, rest, ok := strings.Cut(id, ":")
	if !ok || region == "" || rest == "" || len(id) > 55 {
		return false
	}
	for _, r := range rest {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r == '-') {
			return false
		}
	}
	return true
}

func credentialsRun(ctx context.Context, o *CredentialsOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := checkFlags(o); err != nil {
		return err
	}
	f := o.Factory
	prof, err := f.Profile()
	if err != nil {
		return err
	}
	t := f.NewTarget(prof, cmdutil.TargetFlags{UserPoolID: o.UserPoolID, ClientID: o.ClientID})
	if err := t.CheckPoolAndEndpoint(); err != nil {
		return err
	}
	demo := false
	if t.UserPoolID == "" && t.ClientID == "" {
		d, stop, err := f.LocalDemo(ctx, t.Endpoint, t.Region)
		if err != nil {
			return cmdutil.UsageErr("%v", err)
		}
		if stop != nil {
			defer stop()
		}
		t.UseDemo(d)
		demo = true
	}
	poolID := o.IdentityPoolID
	if poolID == "" {
		if !demo && !t.IsLoopback() {
			return cmdutil.UsageErr("no identity pool: give --identity-pool-id <region>:<uuid>")
		}
		poolID = identity.DemoPoolID(cmdutil.FirstNonEmpty(t.Region, flows.RegionOf(t.UserPoolID)))
	}
	if t.Region == "" {
		t.Region, _, _ = strings.Cut(poolID, ":")
	}

	req := idpool.Request{IdentityPoolID: poolID, Flow: o.Flow, RoleARN: o.RoleARN, Guest: o.Guest,
		NoExplain: !f.HasAWSCredentials(ctx, t)}
	if !o.Guest {
		tok, err := idToken(ctx, o, t)
		if err != nil {
			return err
		}
		req.IDToken = tok
	}
	cfg, err := f.AWSConfig(ctx, t)
	if err != nil {
		return cmdutil.UsageErr("AWS configuration: %v", err)
	}
	res, err := idpool.Exchange(ctx, cmdutil.IdentityPoolClients(cfg, t.Endpoint), req)
	if err != nil {
		return failure(o.IO.ErrOut, err)
	}
	if t.Ephemeral && (o.Export || o.CredentialProcess) {
		fmt.Fprintln(o.IO.ErrOut, "cogscope: warning: these credentials come from an in-process local stack that stops with this command; run `cogscope local` and give --endpoint to use them.")
	}
	now := f.Clock()()
	switch {
	case o.Export:
		return writeExport(o.IO.Out, res, t)
	case o.CredentialProcess:
		return writeCredentialProcess(o.IO.Out, res)
	case o.JSON:
		return writeJSON(o.IO.Out, res, o.Reveal)
	}
	writeHuman(o.IO.Out, res, now, o.Reveal)
	return nil
}

// idToken is the ID token from stdin or the saved session.
func idToken(ctx context.Context, o *CredentialsOptions, t cmdutil.Target) (string, error) {
	if o.IDTokenStdin {
		line, err := cmdutil.NewLineReader(ctx, o.IO.In).Line("ID token")
		if err != nil {
			return "", err
		}
		line = strings.TrimSpace(line)
		if line == "" {
			return "", cmdutil.UsageErr("--id-token-stdin: the first line of stdin is empty")
		}
		return line, nil
	}
	s, err := o.Factory.SavedSession(t, t.ClientID)
	if errors.Is(err, config.ErrNoSession) || err == nil && (s.Tokens == nil || s.Tokens.IDToken == "") {
		hint := "run cogscope login first (same target flags)"
		if t.Ephemeral {
			hint = "the in-process local stack has no sessions: run `cogscope local`, then cogscope login and this command with --endpoint; or use --guest"
		}
		return "", cmdutil.UsageErr("no saved ID token for client %s of pool %s: %s, or give the token with --id-token-stdin", t.ClientID, t.UserPoolID, hint)
	}
	if err != nil {
		return "", cmdutil.UsageErr("read the saved session: %v", err)
	}
	return s.Tokens.IDToken, nil
}

// failure prints the diagnosis and picks the exit code: 1 when the
// identity pool or STS refused, 2 otherwise.
func failure(w io.Writer, err error) error {
	var e *idpool.Error
	if errors.As(err, &e) && e.Op == "input" {
		return cmdutil.UsageErr("%s", e.Diagnosis.Cause)
	}
	d := cmdutil.CLIDiagnosis(idpool.Diagnose(err))
	if _, ok := flows.APIErrorOf(err); ok && e != nil {
		fmt.Fprintf(w, "cogscope: %s refused: %s\n", e.Op, safe(d.String()))
		return &cmdutil.ExitError{Code: cmdutil.ExitRefused, Err: err, Silent: true}
	}
	return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: fmt.Errorf("%s%s", safe(err.Error()), safe(cmdutil.CauseFixLines(d)))}
}

// ---- output ----

type credsDoc struct {
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
	SessionToken    string `json:"sessionToken"`
}

type resultDoc struct {
	IdentityID    string            `json:"identityId"`
	RoleARN       string            `json:"roleArn"`
	Rule          string            `json:"rule"`
	RuleNote      string            `json:"ruleNote,omitempty"`
	PrincipalTags map[string]string `json:"principalTags"`
	TagsNote      string            `json:"tagsNote,omitempty"`
	Expiration    string            `json:"expiration"`
	CallerArn     string            `json:"callerArn"`
	Flow          string            `json:"flow"`
	Credentials   credsDoc          `json:"credentials"`
}

// Masked is what a hidden secret prints as.
const Masked = "********"

func mask(s string, reveal bool) string {
	if reveal || s == "" {
		return s
	}
	return Masked
}

func ruleText(res *idpool.Result) string {
	if !res.RuleKnown {
		return "unknown"
	}
	return res.Rule.String()
}

func writeJSON(w io.Writer, res *idpool.Result, reveal bool) error {
	doc := resultDoc{IdentityID: res.IdentityID, RoleARN: res.RoleARN, Rule: ruleText(res), RuleNote: res.RuleNote,
		PrincipalTags: res.TagsCopy(), TagsNote: res.TagsNote, CallerArn: res.CallerArn, Flow: res.Flow,
		Credentials: credsDoc{AccessKeyID: res.Credentials.AccessKeyID, SecretAccessKey: mask(res.Credentials.SecretAccessKey, reveal),
			SessionToken: mask(res.Credentials.SessionToken, reveal)}}
	if res.Credentials.CanExpire {
		doc.Expiration = res.Credentials.Expires.UTC().Format(time.RFC3339)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// writeCredentialProcess prints what AWS's credential_process expects.
func writeCredentialProcess(w io.Writer, res *idpool.Result) error {
	doc := struct {
		Version         int    `json:"Version"`
		AccessKeyID     string `json:"AccessKeyId"`
		SecretAccessKey string `json:"SecretAccessKey"`
		SessionToken    string `json:"SessionToken"`
		Expiration      string `json:"Expiration,omitempty"`
	}{1, res.Credentials.AccessKeyID, res.Credentials.SecretAccessKey, res.Credentials.SessionToken, ""}
	if res.Credentials.CanExpire {
		doc.Expiration = res.Credentials.Expires.UTC().Format(time.RFC3339)
	}
	return json.NewEncoder(w).Encode(doc)
}

// writeExport prints POSIX shell export lines, values single-quoted.
func writeExport(w io.Writer, res *idpool.Result, t cmdutil.Target) error {
	lines := [][2]string{
		{"AWS_ACCESS_KEY_ID", res.Credentials.AccessKeyID},
		{"AWS_SECRET_ACCESS_KEY", res.Credentials.SecretAccessKey},
		{"AWS_SESSION_TOKEN", res.Credentials.SessionToken},
	}
	if t.Region != "" {
		lines = append(lines, [2]string{"AWS_REGION", t.Region})
	}
	if res.Credentials.CanExpire {
		lines = append(lines, [2]string{"AWS_CREDENTIAL_EXPIRATION", res.Credentials.Expires.UTC().Format(time.RFC3339)})
	}
	for _, l := range lines {
		if _, err := fmt.Fprintf(w, "export %s=%s\n", l[0], shellQuote(l[1])); err != nil {
			return err
		}
	}
	return nil
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func writeHuman(w io.Writer, res *idpool.Result, now time.Time, reveal bool) {
	row := func(k, v string) { fmt.Fprintf(w, "%-12s %s\n", k, safe(v)) }
	row("identity", res.IdentityID)
	row("flow", res.Flow)
	row("role", res.RoleARN)
	why := ruleText(res)
	if res.RuleNote != "" {
		why += " (" + res.RuleNote + ")"
	}
	row("why", why)
	switch {
	case res.PrincipalTags == nil:
		row("tags", "unknown ("+res.TagsNote+")")
	case len(res.PrincipalTags) == 0:
		row("tags", "none ("+res.TagsNote+")")
	default:
		keys := slices.Sorted(maps.Keys(res.PrincipalTags))
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + "=" + res.PrincipalTags[k]
		}
		row("tags", strings.Join(parts, ", "))
	}
	row("caller", res.CallerArn)
	if res.Credentials.CanExpire {
		left := res.Credentials.Expires.Sub(now).Round(time.Second)
		when := "in " + left.String()
		if left <= 0 {
			when = "expired"
		}
		row("expires", res.Credentials.Expires.UTC().Format(time.RFC3339)+" ("+when+")")
	}
	row("access key", res.Credentials.AccessKeyID)
	row("secret", mask(res.Credentials.SecretAccessKey, reveal))
	row("session", mask(res.Credentials.SessionToken, reveal))
	if !reveal {
		fmt.Fprintln(w, "(secrets masked: --reveal shows them; --export and --credential-process print them for other tools)")
	}
}

// safe replaces what a terminal would interpret (escape sequences, other
// control characters) in text from a server or a token; newlines stay.
func safe(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || unicode.IsPrint(r) {
			return r
		}
		return '?'
	}, strings.ToValidUTF8(s, "?"))
}
