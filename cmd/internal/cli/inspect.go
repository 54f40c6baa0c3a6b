package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/cogscope/cogscope/cmd/internal/config"
	"github.com/cogscope/cogscope/inspect"
	"github.com/spf13/cobra"
)

// inspectOptions are the flags of `cogscope inspect`.
type inspectOptions struct {
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
}

// maxTokenInput bounds what inspect reads from stdin; tokens are a few KB.
const maxTokenInput = 1 << 20

// NewCmdInspect decodes, verifies and explains a token.
func NewCmdInspect(f *Factory) *cobra.Command {
	o := &inspectOptions{}
	cmd := &cobra.Command{
		Use:   "inspect [TOKEN | -]",
		Short: "Decode, verify and explain a JWT",
		Long: `Decode a Cognito ID or access token, verify it against its issuer's JWKS and
explain every claim and check.

The token comes from the argument, from stdin ("-", or no argument when stdin
is not a terminal), or from the saved session (--session id|access). A
"Bearer " prefix and whitespace are ignored.

Keys come from <iss>/.well-known/jwks.json (the expected --issuer when given,
else the token's own iss) or from --jwks URL|FILE. Checks without an
expectation (no --client-id, --scope, ...) are skipped and say so.

Exit status: 0 valid, 1 a check failed, 2 usage or I/O error (an unreachable
JWKS included).`,
		Example: `  cogscope inspect eyJraWQiOi...
  pbpaste | cogscope inspect - --issuer us-east-1_AbC123 --client-id 3n4b5urk1ft4fl3mg5e62d9ado --token-use access
  cogscope inspect --session access --scope orders/read --json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runInspect(cmd.Context(), f, o, args)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Session, "session", "", `inspect the saved session's token: "id" or "access"`)
	fl.StringVar(&o.JWKS, "jwks", "", "JWKS URL or file to verify with (default: <issuer>/.well-known/jwks.json)")
	fl.StringVar(&o.Issuer, "issuer", "", "expected issuer URL, or a user pool id (us-east-1_AbC123)")
	fl.StringArrayVar(&o.ClientIDs, "client-id", nil, "accepted app client id: aud of ID tokens, client_id of access tokens (repeatable)")
	fl.StringVar(&o.TokenUse, "token-use", "", `expected token kind: "id" or "access" (default: either)`)
	fl.StringArrayVar(&o.Scopes, "scope", nil, "required scope; the token needs at least one of those given (repeatable)")
	fl.StringArrayVar(&o.Groups, "group", nil, "required cognito:groups member; at least one of those given (repeatable)")
	fl.StringVar(&o.Skew, "skew", "0s", `clock-skew allowance for exp, nbf and iat ("30s", "2m", or seconds)`)
	fl.StringVar(&o.Now, "now", "", "judge the token at this time (RFC 3339) instead of now")
	fl.BoolVar(&o.JSON, "json", false, `print {"header", "claims", "checks", "valid"} as JSON`)
	return cmd
}

func runInspect(ctx context.Context, f *Factory, o *inspectOptions, args []string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	opts, err := o.verifierOptions(f)
	if err != nil {
		return err
	}
	raw, sess, err := o.readToken(f, args)
	if err != nil {
		return err
	}
	if sess != nil {
		// Expectations the user did not give come from the session.
		if opts.Issuer == "" && sess.UserPoolID != "" {
			opts.Issuer = sessionIssuer(sess)
		}
		if len(opts.ClientIDs) == 0 && sess.ClientID != "" {
			opts.ClientIDs = []string{sess.ClientID}
		}
		if opts.TokenUse == "" {
			opts.TokenUse = o.Session
		}
	}
	if opts.Keys, err = o.keySource(f); err != nil {
		return err
	}
	v, err := inspect.NewVerifier(opts)
	if err != nil {
		return usageErr("%v", err)
	}
	rep, verr := v.Verify(ctx, raw)
	if errors.Is(verr, inspect.ErrEmpty) {
		return usageErr("no token: the input is empty")
	}
	if o.JSON {
		b, err := rep.MarshalJSON()
		if err != nil {
			return &ExitError{Code: ExitUsage, Err: fmt.Errorf("encode report: %w", err)}
		}
		if _, err := fmt.Fprintf(f.IO.Out, "%s\n", b); err != nil {
			return &ExitError{Code: ExitUsage, Err: err}
		}
	} else {
		renderReport(f.IO.Out, rep, colourOn(f))
	}
	if verr != nil {
		var fe *inspect.FetchError
		if errors.As(verr, &fe) {
			return &ExitError{Code: ExitUsage, Err: fmt.Errorf("cannot verify: %v", fe)}
		}
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("cannot verify: %v", verr)}
	}
	if !rep.Valid {
		return &ExitError{Code: ExitRefused, Err: errors.New("token invalid"), Silent: true}
	}
	return nil
}

// verifierOptions turns the flags into verifier options.
func (o *inspectOptions) verifierOptions(f *Factory) (inspect.Options, error) {
	opts := inspect.Options{
		Issuer:    o.Issuer,
		ClientIDs: o.ClientIDs,
		TokenUse:  o.TokenUse,
		Scopes:    o.Scopes,
		Groups:    o.Groups,
	}
	switch o.TokenUse {
	case "", "id", "access":
	default:
		return opts, usageErr(`--token-use %q: want "id" or "access"`, o.TokenUse)
	}
	skew, err := parseSkew(o.Skew)
	if err != nil {
		return opts, usageErr("--skew: %v", err)
	}
	opts.Skew = skew
	now := f.Now
	if o.Now != "" {
		t, err := time.Parse(time.RFC3339, o.Now)
		if err != nil {
			return opts, usageErr("--now %q: want an RFC 3339 time such as 2026-11-26T12:00:00Z", o.Now)
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
	if n, err := strconv.ParseFloat(s, 64); err == nil {
		s = strconv.FormatFloat(n, 'f', -1, 64) + "s"
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration (30s, 2m) or a number of seconds", s)
	}
	if d < 0 {
		return 0, fmt.Errorf("%q is negative", s)
	}
	return d, nil
}

// readToken gets the token from the argument, stdin or the session.
func (o *inspectOptions) readToken(f *Factory, args []string) (string, *config.Session, error) {
	if o.Session != "" {
		if len(args) > 0 {
			return "", nil, usageErr("give a token or --session, not both")
		}
		if o.Session != "id" && o.Session != "access" {
			return "", nil, usageErr(`--session %q: want "id" or "access"`, o.Session)
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
			return "", nil, usageErr("the saved session has no %s token", o.Session)
		}
		return tok, sess, nil
	}
	if len(args) == 1 && args[0] != "-" {
		return args[0], nil, nil
	}
	if len(args) == 0 && f.IO.InTTY {
		return "", nil, usageErr(`give a token, "-" to read one from stdin, or --session id|access`)
	}
	b, err := io.ReadAll(io.LimitReader(f.IO.In, maxTokenInput+1))
	if err != nil {
		return "", nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("read the token from stdin: %w", err)}
	}
	if len(b) > maxTokenInput {
		return "", nil, usageErr("stdin holds more than 1 MiB: not a token")
	}
	return string(b), nil, nil
}

// loadLatestSession loads the session of the selected profile or, with no
// profile, the most recently saved session.
func loadLatestSession(f *Factory) (*config.Session, error) {
	paths := config.DefaultPaths(f.Env)
	cfgPath := f.Global.ConfigPath
	if cfgPath == "" {
		cfgPath = paths.ConfigFile
	}
	file, err := config.Load(cfgPath)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	prof, profName, _, err := file.Profile(f.Global.Profile)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	store := config.NewStore(paths.StateDir)
	key := config.SessionKey(profName, prof.UserPoolID, prof.ClientID)
	if profName == "" && (prof.UserPoolID == "" || prof.ClientID == "") {
		key = newestSessionKey(filepath.Join(paths.StateDir, "sessions"))
		if key == "" {
			return nil, usageErr("no saved session: sign in first with `cogscope login`")
		}
	}
	sess, err := store.Load(key)
	if errors.Is(err, config.ErrNoSession) {
		return nil, usageErr("no saved session for %s: sign in first with `cogscope login`", key)
	}
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("read the saved session: %w", err)}
	}
	if sess.Tokens == nil {
		return nil, usageErr("the saved session %s holds no tokens: sign in again", key)
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
	return inspect.CognitoIssuer(region, s.UserPoolID)
}

// keySource builds the JWKS source from --jwks.
func (o *inspectOptions) keySource(f *Factory) (inspect.KeySource, error) {
	if o.JWKS == "" {
		return inspect.NewCache(inspect.CacheOptions{Client: f.HTTP, Now: f.Now}), nil
	}
	if u, err := url.Parse(o.JWKS); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		return inspect.NewCache(inspect.CacheOptions{Client: f.HTTP, URL: o.JWKS, Now: f.Now}), nil
	}
	b, err := os.ReadFile(o.JWKS)
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("--jwks: %w", err)}
	}
	ks, err := inspect.ParseJWKS(b, o.JWKS)
	if err != nil {
		return nil, usageErr("--jwks: %v", err)
	}
	return ks, nil
}

// colourOn says whether to colour: only on a terminal, never with NO_COLOR.
func colourOn(f *Factory) bool {
	return f.IO.OutTTY && (f.Env == nil || f.Env("NO_COLOR") == "")
}

// ANSI styles for the report; plain codes keep inspect free of lipgloss.
const (
	ansiReset = "\x1b[0m"
	ansiBold  = "\x1b[1m"
	ansiDim   = "\x1b[2m"
	ansiRed   = "\x1b[31m"
	ansiGreen = "\x1b[32m"
	ansiYell  = "\x1b[33m"
)

type painter bool

func (p painter) paint(style, s string) string {
	if !p || s == "" {
		return s
	}
	return style + s + ansiReset
}

func (p painter) status(s inspect.Status) string {
	switch s {
	case inspect.StatusOK:
		return p.paint(ansiGreen, "✓")
	case inspect.StatusFail:
		return p.paint(ansiRed, "✗")
	case inspect.StatusSkipped:
		return p.paint(ansiDim, "–")
	}
	return " "
}

// renderReport writes the readable report.
func renderReport(w io.Writer, r *inspect.Report, colour bool) {
	p := painter(colour)
	kind := map[inspect.TokenKind]string{inspect.KindID: "ID token", inspect.KindAccess: "Access token"}[r.Kind]
	if kind == "" {
		kind = "Token"
	}
	verdict := p.paint(ansiGreen+ansiBold, "✓ valid")
	if !r.Valid {
		n := len(r.Failed())
		switch {
		case n == 0:
			verdict = p.paint(ansiYell+ansiBold, "? not verified")
		case n == 1:
			verdict = p.paint(ansiRed+ansiBold, "✗ invalid: 1 check failed")
		default:
			verdict = p.paint(ansiRed+ansiBold, fmt.Sprintf("✗ invalid: %d checks failed", n))
		}
	}
	fmt.Fprintf(w, "%s  %s  %s\n", p.paint(ansiBold, kind), verdict, p.paint(ansiDim, "at "+inspect.FormatTime(r.Now)))

	section := func(title string) { fmt.Fprintf(w, "\n%s\n", p.paint(ansiBold, title)) }
	claims := func(list []inspect.Claim) {
		width := 0
		for _, c := range list {
			width = max(width, len(c.Name))
		}
		for _, c := range list {
			fmt.Fprintf(w, "  %s %-*s  %s\n", p.status(c.Status), width, c.Name, c.Display)
			if c.Meaning != "" {
				fmt.Fprintf(w, "    %*s  %s\n", width, "", p.paint(ansiDim, c.Meaning))
			}
		}
	}
	if len(r.Header) > 0 {
		section("Header")
		claims(r.Header)
	}
	if len(r.Claims) > 0 {
		section("Claims")
		claims(r.Claims)
	}
	if l := r.Lifetime; l.Known {
		section("Lifetime")
		const barWidth = 30
		used := int(l.Elapsed*barWidth + 0.5)
		bar := strings.Repeat("█", used) + strings.Repeat("░", barWidth-used)
		left := "expired " + inspect.HumanDuration(-l.Remaining) + " ago"
		if l.Remaining > 0 {
			left = inspect.HumanDuration(l.Remaining) + " left"
		}
		fmt.Fprintf(w, "  iat %s [%s] exp %s  %d%% used, %s of %s\n",
			l.IssuedAt.UTC().Format("15:04:05"), bar, l.ExpiresAt.UTC().Format("15:04:05"),
			int(l.Elapsed*100+0.5), left, inspect.HumanDuration(l.Total))
	}
	section("Checks")
	for _, c := range r.Checks {
		detail := c.Detail
		if c.Status == inspect.StatusSkipped {
			detail = p.paint(ansiDim, "skipped: "+detail)
		}
		fmt.Fprintf(w, "  %s %-9s  %s\n", p.status(c.Status), c.Name, detail)
		if c.Attack != "" {
			fmt.Fprintf(w, "    %-9s  %s\n", "", p.paint(ansiRed, "attack: "+c.Attack))
		}
		if c.Hint != "" && c.Status == inspect.StatusFail {
			fmt.Fprintf(w, "    %-9s  %s\n", "", p.paint(ansiYell, "hint: "+c.Hint))
		}
	}
	if len(r.Notes) > 0 {
		section("Notes")
		for _, n := range r.Notes {
			fmt.Fprintf(w, "  • %s\n", n)
		}
	}
}
