// Package inspect is `cogscope inspect`: decode, verify and explain a JWT
// with package inspect (imported as jwtinspect), or judge it as an API
// Gateway authorizer would (authorizer.go).
package inspect

import (
	"context"
	"errors"
	"fmt"
	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/cogscope/cogscope/cmd/internal/config"
	"github.com/cogscope/cogscope/flows"
	jwtinspect "github.com/cogscope/cogscope/inspect"
	"github.com/spf13/cobra"
)

// InspectOptions are `cogscope inspect`'s inputs: its streams and
// dependencies, its flags and argument, and which flags were given.
// inspectRun reads only these, never cobra.
type InspectOptions struct {
	IO *cmdutil.IOStreams
	// Factory gives the HTTP client (JWKS), the clock, the environment,
	// the config file's profile and the session store.
	Factory *cmdutil.Factory
	// Args is the token argument: none, one token, or "-" for stdin.
	Args []string
	// FlagsSet names the flags given on the command line (flags that do
	// not go together are refused).
	FlagsSet map[string]bool

	Session   string
	JWKS      string
	Issuer    string
	ClientIDs []string
	TokenUse  string
	Scopes    []string
	Groups    []string
	Skew      string
	Now       string
	JSON      bool
	// RelaxedFetch relaxes the JWKS fetch policy for local emulators.
	RelaxedFetch bool
	Judge        authorizerOptions // --authorizer and its settings (authorizer.go)
}

// maxTokenInput bounds what inspect reads from stdin; tokens are a few KB.
const maxTokenInput = 1 << 20

// NewCmdInspect decodes, verifies and explains a token.
//
// runF, when not nil, is called with the parsed options instead of
// inspectRun (tests of the flags).
func NewCmdInspect(f *cmdutil.Factory, runF func(*InspectOptions) error) *cobra.Command {
	o := &InspectOptions{IO: &f.IO, Factory: f}
	cmd := &cobra.Command{
		Use:   "inspect [TOKEN | -]",
		Short: "Decode, verify and explain a JWT",
		Long: `Decode a Cognito ID or access token, verify it against its issuer's JWKS and
explain every claim and check.

The token comes from the argument, from stdin ("-", or no argument when stdin
is not a terminal), or from the saved session (--session id|access). A
"Bearer " prefix and whitespace are ignored.

Keys come from <iss>/.well-known/jwks.json (the expected --issuer when given,
else the token's own iss) or from --jwks URL|FILE. Without an expected issuer
(--issuer, --profile or --session) or --jwks, the keys are the ones the
token's own iss points at, which nobody confirmed: the iss check then fails
and the exit status is 1, since whoever wrote the token chose those keys.
Checks without an expectation (no --client-id, --scope, ...) are skipped and
say so. With --profile, the profile's pool and client are the expected issuer
and client. --client-id is compared as API Gateway's JWT authorizer does: aud
when the token has one, client_id only when it has none. token_use is
required only with --token-use or for a Cognito user pool's token.

Keys are fetched over https only (plain http only to loopback, so the local
stack works); never from link-local or cloud-metadata addresses; from private
addresses only for an issuer you confirmed; with addresses checked again when
connecting, redirects kept on the same host, and an issuer holding '?', '#',
credentials or '..' refused. --relaxed-fetch allows plain http and private
addresses, for an emulator on another host or in a container.

--authorizer judges the token as API Gateway would instead: "http-jwt" (an
HTTP API JWT authorizer: --issuer, --audience, --route-scope) or
"rest-cognito" (a REST API COGNITO_USER_POOLS authorizer: --provider-arn or
--issuer, --route-scope), with the status, body and www-authenticate header
it would answer and the mistake behind a refusal. The token is read as the
header's value, so a "Bearer " prefix is judged as the gateway would.

Exit status: 0 valid (or let through), 1 a check failed (or refused; an
unconfirmed issuer included), 2 usage or I/O error (an unreachable JWKS, or
one the fetch policy refused, included).`,
		Example: `  cogscope inspect eyJraWQiOi...
  pbpaste | cogscope inspect - --issuer us-east-1_AbC123 --client-id 3n4b5urk1ft4fl3mg5e62d9ado --token-use access
  cogscope inspect --session access --scope orders/read --json
  cogscope inspect --session access --authorizer http-jwt --audience 3n4b5urk1ft4fl3mg5e62d9ado --route-scope orders/read
  cogscope inspect --session id --authorizer rest-cognito --provider-arn arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC123`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Args = args
			o.FlagsSet = cmdutil.FlagsSet(cmd)
			if runF != nil {
				return runF(o)
			}
			return inspectRun(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Session, "session", "", `inspect the saved session's token: "id" or "access"`)
	fl.StringVar(&o.JWKS, "jwks", "", "JWKS URL or file to verify with (default: <issuer>/.well-known/jwks.json)")
	fl.StringVar(&o.Issuer, "issuer", "", "expected issuer URL, or a user pool id (us-east-1_AbC123)")
	fl.StringArrayVar(&o.ClientIDs, "client-id", nil, "accepted app client id or audience: matched against aud when the token has one, else client_id, as API Gateway does (repeatable)")
	fl.StringVar(&o.TokenUse, "token-use", "", `expected token kind: "id" or "access" (default: either; required at all only for Cognito pools' tokens)`)
	fl.StringArrayVar(&o.Scopes, "scope", nil, "required scope; the token needs at least one of those given (repeatable)")
	fl.StringArrayVar(&o.Groups, "group", nil, "required cognito:groups member; at least one of those given (repeatable)")
	fl.StringVar(&o.Skew, "skew", "0s", `clock-skew allowance for exp, nbf and iat ("30s", "2m", or seconds)`)
	fl.StringVar(&o.Now, "now", "", "judge the token at this time (RFC 3339) instead of now")
	fl.BoolVar(&o.JSON, "json", false, `print {"header", "claims", "checks", "valid", "trust", "issuer"} as JSON (with --authorizer, also "authorizer")`)
	fl.BoolVar(&o.RelaxedFetch, "relaxed-fetch", false, "for local emulators: fetch keys over plain http from any host and from private addresses (link-local and metadata addresses stay refused)")
	addAuthorizerFlags(cmd, &o.Judge)
	return cmd
}

// inspectRun decodes, verifies and explains the token, or judges it as
// an authorizer would.
func inspectRun(ctx context.Context, o *InspectOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	f, args := o.Factory, o.Args
	if err := checkAuthorizerFlags(o.FlagsSet, &o.Judge); err != nil {
		return err
	}
	opts, err := o.verifierOptions(f)
	if err != nil {
		return err
	}
	prof, err := explicitProfile(f)
	if err != nil {
		return err
	}
	raw, sess, err := o.readToken(ctx, f, args)
	if err != nil {
		return err
	}
	if sess != nil {
		// Expectations the user did not give come from the session.
		if opts.Issuer == "" && sess.UserPoolID != "" {
			opts.Issuer = sessionIssuer(sess)
		}
		if len(opts.ClientIDs) == 0 && sess.ClientID != "" && o.Judge.Type == "" {
			opts.ClientIDs = []string{sess.ClientID}
		}
		if opts.TokenUse == "" && o.Judge.Type == "" {
			opts.TokenUse = o.Session
		}
	}
	if prof != nil {
		// Then from the profile named with --profile.
		if opts.Issuer == "" && prof.UserPoolID != "" {
			opts.Issuer = f.NewTarget(*prof, cmdutil.TargetFlags{}).PoolIssuer()
		}
		if len(opts.ClientIDs) == 0 && prof.ClientID != "" && o.Judge.Type == "" {
			opts.ClientIDs = []string{prof.ClientID}
		}
	}
	if id := strings.TrimSpace(opts.Issuer); flows.ValidateUserPoolID(id) == nil {
		// A bare pool id names the pool at --endpoint (the local stack),
		// as login's --user-pool-id does, not on AWS.
		endpoint := f.Global.Endpoint
		if endpoint == "" && prof != nil {
			endpoint = prof.Endpoint
		}
		if endpoint != "" {
			opts.Issuer = cmdutil.PoolIssuer(endpoint, "", id)
		}
	}
	if opts.Keys, err = o.keySource(f); err != nil {
		return err
	}
	if o.Judge.Type != "" {
		if strings.TrimSpace(raw) == "" {
			return cmdutil.UsageErr("no token: the input is empty")
		}
		az, err := o.Judge.authorizer(jwtinspect.ExpandIssuer(strings.TrimSpace(opts.Issuer)))
		if err != nil {
			return err
		}
		return runJudge(ctx, f, o, az, raw, opts.Keys, opts.Now)
	}
	v, err := jwtinspect.NewVerifier(opts)
	if err != nil {
		return cmdutil.UsageErr("%v", err)
	}
	rep, verr := v.Verify(ctx, raw)
	if errors.Is(verr, jwtinspect.ErrEmpty) {
		return cmdutil.UsageErr("no token: the input is empty")
	}
	rep, hints := phraseReport(rep)
	if o.JSON {
		b, err := rep.MarshalJSON()
		if err != nil {
			return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: fmt.Errorf("encode report: %w", err)}
		}
		if _, err := fmt.Fprintf(f.IO.Out, "%s\n", b); err != nil {
			return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: err}
		}
	} else {
		renderReport(f.IO.Out, rep, cmdutil.ColorFor(f.IO.OutTTY, f.Env))
	}
	if verr != nil {
		var fe *jwtinspect.FetchError
		if errors.As(verr, &fe) {
			return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: fmt.Errorf("cannot verify: %v", jwtinspect.PhraseError(fe, hints))}
		}
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: fmt.Errorf("cannot verify: %v", jwtinspect.PhraseError(verr, hints))}
	}
	if !rep.Valid {
		return &cmdutil.ExitError{Code: cmdutil.ExitRefused, Err: errors.New("token invalid"), Silent: true}
	}
	return nil
}

// verifierOptions turns the flags into verifier options.
func (o *InspectOptions) verifierOptions(f *cmdutil.Factory) (jwtinspect.Options, error) {
	opts := jwtinspect.Options{
		Issuer:    o.Issuer,
		ClientIDs: o.ClientIDs,
		TokenUse:  o.TokenUse,
		Scopes:    o.Scopes,
		Groups:    o.Groups,
	}
	switch o.TokenUse {
	case "", "id", "access":
	default:
		return opts, cmdutil.UsageErr(`--token-use %q: want "id" or "access"`, o.TokenUse)
	}
	skew, err := parseSkew(o.Skew)
	if err != nil {
		return opts, cmdutil.UsageErr("--skew: %v", err)
	}
	opts.Skew = skew
	now := f.Now
	if o.Now != "" {
		t, err := time.Parse(time.RFC3339, o.Now)
		if err != nil {
			return opts, cmdutil.UsageErr("--now %q: want an RFC 3339 time such as 2026-11-26T12:00:00Z", o.Now)
		}
		now = func() time.Time { return t }
	}
	if now == nil {
		now = time.Now
	}
	opts.Now = now
	return opts, nil
}

// parseSkew reads "30s", "2m" or a bare number of seconds.
func parseSkew(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	in := s
	if n, err := strconv.ParseFloat(s, 64); err == nil {
		s = strconv.FormatFloat(n, 'f', -1, 64) + "s"
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration (30s, 2m) or a number of seconds", in)
	}
	if d < 0 {
		return 0, fmt.Errorf("%q is negative", in)
	}
	return d, nil
}

// readToken gets the token from the argument, stdin or the session.
func (o *InspectOptions) readToken(ctx context.Context, f *cmdutil.Factory, args []string) (string, *config.Session, error) {
	if o.Session != "" {
		if len(args) > 0 {
			return "", nil, cmdutil.UsageErr("give a token or --session, not both")
		}
		if o.Session != "id" && o.Session != "access" {
			return "", nil, cmdutil.UsageErr(`--session %q: want "id" or "access"`, o.Session)
		}
		sess, err := loadLatestSession(f)
		if err != nil {
			return "", nil, err
		}
		tok := sess.Tokens.AccessToken
		if o.Session == "id" {
			tok = sess.Tokens.IDToken
		}
		if tok == "" {
			return "", nil, cmdutil.UsageErr("the saved session has no %s token", o.Session)
		}
		return tok, sess, nil
	}
	if len(args) == 1 && args[0] != "-" {
		return args[0], nil, nil
	}
	if len(args) == 0 && f.IO.InTTY {
		return "", nil, cmdutil.UsageErr(`give a token, "-" to read one from stdin, or --session id|access`)
	}
	b, err := cmdutil.ReadAllCtx(ctx, f.IO.In, maxTokenInput)
	if errors.Is(err, cmdutil.ErrTooMuchInput) {
		return "", nil, cmdutil.UsageErr("stdin holds more than 1 MiB: not a token")
	}
	if err != nil {
		if ee := (*cmdutil.ExitError)(nil); errors.As(err, &ee) {
			return "", nil, ee
		}
		return "", nil, &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: fmt.Errorf("read the token from stdin: %w", err)}
	}
	return string(b), nil, nil
}

// explicitProfile is the profile named with --profile ($COGSCOPE_PROFILE),
// or nil without one. inspect reads no config otherwise: a token can be
// inspected whatever the config file says, but a profile the user names
// must exist, and its pool and client are the expectations not given.
func explicitProfile(f *cmdutil.Factory) (*cmdutil.ActiveProfile, error) {
	if f.Global.Profile == "" {
		return nil, nil
	}
	prof, err := f.Profile()
	if err != nil {
		return nil, err
	}
	return &prof, nil
}

// loadLatestSession loads the session of the selected profile or, with no
// profile, the most recently saved session.
func loadLatestSession(f *cmdutil.Factory) (*config.Session, error) {
	paths := f.Paths()
	cfgPath := f.Global.ConfigPath
	if cfgPath == "" {
		cfgPath = paths.ConfigFile
	}
	file, err := config.Load(cfgPath)
	if err != nil {
		return nil, cmdutil.UsageErr("%v", err)
	}
	prof, profName, _, err := file.Profile(f.Global.Profile)
	if err != nil {
		return nil, cmdutil.UsageErr("%v", err)
	}
	store := config.NewStore(paths.StateDir)
	key := config.SessionKey(profName, prof.UserPoolID, prof.ClientID)
	if profName == "" && (prof.UserPoolID == "" || prof.ClientID == "") {
		key = newestSessionKey(filepath.Join(paths.StateDir, "sessions"))
		if key == "" {
			return nil, cmdutil.UsageErr("no saved session: sign in first with `cogscope login`")
		}
	}
	sess, err := store.Load(key)
	if errors.Is(err, config.ErrNoSession) {
		return nil, cmdutil.UsageErr("no saved session for %s: sign in first with `cogscope login`", key)
	}
	if err != nil {
		return nil, &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: fmt.Errorf("read the saved session: %w", err)}
	}
	if sess.Tokens == nil {
		return nil, cmdutil.UsageErr("the saved session %s holds no tokens: sign in again", key)
	}
	return sess, nil
}

// newestSessionKey names the most recently written session file in dir.
func newestSessionKey(dir string) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	var best string
	var bestTime time.Time
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || e.IsDir() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		if best == "" || info.ModTime().After(bestTime) {
			best, bestTime = name, info.ModTime()
		}
	}
	return best
}

// sessionIssuer is the issuer of a saved session's pool: the local stack's
// (endpoint + "/" + pool) or Cognito's.
func sessionIssuer(s *config.Session) string {
	if s.Endpoint != "" {
		return strings.TrimRight(s.Endpoint, "/") + "/" + s.UserPoolID
	}
	region := s.Region
	if region == "" {
		region, _, _ = strings.Cut(s.UserPoolID, "_")
	}
	return jwtinspect.CognitoIssuer(region, s.UserPoolID)
}

// keySource builds the JWKS source from --jwks.
func (o *InspectOptions) keySource(f *cmdutil.Factory) (jwtinspect.KeySource, error) {
	if o.JWKS == "" {
		return jwtinspect.NewCache(jwtinspect.CacheOptions{Client: f.HTTP, Now: f.Now, RelaxFetch: o.RelaxedFetch}), nil
	}
	if u, err := url.Parse(o.JWKS); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		return jwtinspect.NewCache(jwtinspect.CacheOptions{Client: f.HTTP, URL: o.JWKS, Now: f.Now, RelaxFetch: o.RelaxedFetch}), nil
	}
	b, err := readFileLimit(o.JWKS, maxJWKSFile)
	if err != nil {
		return nil, &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: fmt.Errorf("--jwks: %w", err)}
	}
	ks, err := jwtinspect.ParseJWKS(b, o.JWKS)
	if err != nil {
		return nil, cmdutil.UsageErr("--jwks: %v", err)
	}
	return ks, nil
}

// maxJWKSFile bounds --jwks FILE as the cache bounds a fetched JWKS: a few
// KB are real, /dev/zero is not.
const maxJWKSFile = 1 << 20

// readFileLimit reads a file of at most limit bytes.
func readFileLimit(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s is larger than %d MiB: not a JWKS", path, limit>>20)
	}
	return b, nil
}
