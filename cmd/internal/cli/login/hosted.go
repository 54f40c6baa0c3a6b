package login

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/cmd/internal/config"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/flows/oauth"
	"github.com/cogscope/cogscope/internal/termtext"
)

// The hosted-UI flows of `cogscope login`: the OAuth 2.0 token endpoint
// of a Cognito domain (or any OpenID provider) instead of the Cognito API.

// HostedOptions are the flags of the hosted-UI flows.
type HostedOptions struct {
	Issuer           string
	Domain           string
	RedirectURI      string
	Scope            string
	NoBrowser        bool
	Timeout          time.Duration
	ClientAuth       string
	IdentityProvider string
	IDPIdentifier    string
	Prompt           string
	Lang             string
}

// hostedFlags are the flag names that only the hosted-UI flows read.
var hostedFlags = []string{"issuer", "domain", "redirect-uri", "scope", "no-browser", "timeout", "client-auth",
	"identity-provider", "idp-identifier", "prompt", "lang"}

// addHostedLoginFlags registers the hosted-UI flows' flags on login.
func addHostedLoginFlags(cmd *cobra.Command, h *HostedOptions) {
	fl := cmd.Flags()
	fl.StringVar(&h.Issuer, "issuer", "", "hosted-UI flows: OpenID issuer URL; endpoints from its /.well-known/openid-configuration (default: the pool's Cognito issuer)")
	fl.StringVar(&h.Domain, "domain", "", "hosted-UI flows: Cognito domain URL (https://<prefix>.auth.<region>.amazoncognito.com or a custom domain) with its standard /oauth2 paths")
	fl.StringVar(&h.RedirectURI, "redirect-uri", "", "pkce: loopback callback URL registered on the app client, e.g. http://localhost:8765/callback (its port is listened on; default: the client's own loopback callback URL when it can be read, else a free port on 127.0.0.1)")
	fl.StringVar(&h.Scope, "scope", "", `hosted-UI flows: space-separated scopes, quoted ("openid email", "cogscope-api/read"); default: all the client allows`)
	fl.BoolVar(&h.NoBrowser, "no-browser", false, "pkce: print the sign-in URL (alone on a line of stderr) instead of opening a browser")
	fl.DurationVar(&h.Timeout, "timeout", oauth.DefaultTimeout, "pkce: how long to wait for the browser's redirect")
	fl.StringVar(&h.ClientAuth, "client-auth", "basic", "hosted-UI flows: how the client secret is sent to the token endpoint: basic (HTTP Basic) or post (form fields)")
	fl.StringVar(&h.IdentityProvider, "identity-provider", "", "pkce: identity_provider, to skip the sign-in page for a federated IdP (Google, SignInWithApple, a SAML/OIDC provider's name)")
	fl.StringVar(&h.IDPIdentifier, "idp-identifier", "", "pkce: idp_identifier of a SAML/OIDC IdP")
	fl.StringVar(&h.Prompt, "prompt", "", "pkce: OIDC prompt (login, none, consent, select_account)")
	fl.StringVar(&h.Lang, "lang", "", "pkce: managed-login page language (fr, de, ja, …)")
}

// checkHostedFlags refuses, before anything is read or sent, the
// hosted-UI flows' flags with the other flows, and the flags a hosted-UI
// flow would ignore.
func checkHostedFlags(lf loginFlow, o *LoginOptions) error {
	given := func(names ...string) []string {
		var out []string
		for _, n := range names {
			if o.FlagsSet[n] {
				out = append(out, "--"+n)
			}
		}
		return out
	}
	if !lf.hosted {
		if c := given(hostedFlags...); len(c) > 0 {
			return cmdutil.UsageErr("%s only apply to --flow %s|%s|%s", strings.Join(c, ", "), flowPKCE, flowClientCredentials, flowRefreshToken)
		}
		return nil
	}
	if c := given(append([]string{"username", "password-stdin", "preferred-challenge", "remember-device"}, scriptFlags...)...); len(c) > 0 {
		return cmdutil.UsageErr("%s do not apply to --flow %s: the hosted UI asks for the user in the browser", strings.Join(c, ", "), lf.name)
	}
	if lf.name != flowPKCE {
		if c := given("redirect-uri", "no-browser", "timeout", "identity-provider", "idp-identifier", "prompt", "lang"); len(c) > 0 {
			return cmdutil.UsageErr("%s only apply to --flow %s", strings.Join(c, ", "), flowPKCE)
		}
	}
	if lf.name != flowRefreshToken && o.RefreshTokenStdin {
		return cmdutil.UsageErr("--refresh-token-stdin only applies to --flow %s (or refresh)", flowRefreshToken)
	}
	return nil
}

func (l *run) resolveHostedTarget(ctx context.Context, prof cmdutil.ActiveProfile) error {
	f, o, h := l.f, l.o, &l.o.Hosted
	t := f.NewTarget(prof, cmdutil.TargetFlags{UserPoolID: o.UserPoolID, ClientID: o.ClientID,
		Issuer: h.Issuer, Domain: h.Domain, RedirectURI: h.RedirectURI, Scope: h.Scope})
	auth, err := oauth.ParseClientAuth(h.ClientAuth)
	if err != nil {
		return cmdutil.UsageErr("--client-auth %q: want basic or post", h.ClientAuth)
	}
	l.clientAuth = auth
	if h.Timeout <= 0 {
		return cmdutil.UsageErr("--timeout must be positive")
	}
	if err := t.CheckPoolAndEndpoint(); err != nil {
		return err
	}

	if t.Issuer == "" && t.Domain == "" && t.UserPoolID == "" && t.ClientID == "" {
		if err := l.hostedDemoTarget(ctx, &t); err != nil {
			return err
		}
	}
	if t.ClientID == "" {
		return cmdutil.UsageErr("no app client: give --client-id or set client_id in the profile")
	}
	if t.Issuer == "" && t.Domain == "" && t.UserPoolID == "" && t.Endpoint != "" {
		// `cogscope local` (or an emulator) and a client: its pool.
		if err := f.ResolveHostedPool(ctx, &t); err != nil {
			return err
		}
	}
	if t.Issuer == "" && t.UserPoolID != "" {
		// A pool's issuer lists its domain's endpoints.
		t.Issuer = t.PoolIssuer()
	}
	if t.Issuer == "" && t.Domain == "" {
		return cmdutil.UsageErr("no provider: give --issuer, --domain, --user-pool-id or --endpoint (or set hosted_ui.domain in the profile)")
	}

	// Secrets from stdin, in the order resolve uses: client secret, then
	// refresh token.
	secret, err := l.clientSecret(ctx, t)
	if err != nil {
		return err
	}
	t.ClientSecret = secret
	if l.flow.name == flowClientCredentials && t.ClientSecret == "" {
		return cmdutil.UsageErr("--flow %s needs the app client's secret: --client-secret-stdin, or client_secret_env / client_secret_command in the profile", flowClientCredentials)
	}
	if l.flow.name == flowPKCE && t.RedirectURI == "" && t.UserPoolID != "" {
		if err := f.ResolveHostedCallback(ctx, &t, l.io.ErrOut); err != nil {
			return err
		}
	}
	l.target = t
	l.store = f.Sessions()
	l.key = t.SessionKey(t.ClientID)
	return nil
}

// hostedDemoTarget points a login without any target at the local stack's
// demo pool and its hosted UI.
func (l *run) hostedDemoTarget(ctx context.Context, t *cmdutil.Target) error {
	demo, stop, err := l.f.LocalDemo(ctx, t.Endpoint, t.Region)
	if err != nil {
		return cmdutil.UsageErr("%v", err)
	}
	l.stop = stop
	t.Ephemeral = demo.Ephemeral
	t.Endpoint, t.UserPoolID = demo.Endpoint, demo.UserPoolID
	t.Region = cmdutil.FirstNonEmpty(t.Region, demo.Region)
	t.Issuer = demo.Issuer
	switch l.flow.name {
	case flowClientCredentials:
		t.ClientID = demo.CCClientID
		if l.o.ClientSecret == "" && !l.o.ClientSecretStdin {
			t.ClientSecret = demo.CCClientSecret
		}
	default:
		t.ClientID = demo.ClientID
		if t.RedirectURI == "" {
			t.RedirectURI = demo.RedirectURI
		}
	}
	who := ""
	if l.flow.name == flowPKCE {
		who = fmt.Sprintf("; sign in as %s / %s", demo.Username, demo.Password)
	}
	fmt.Fprintf(l.io.ErrOut, "No AWS target configured: using the local stack's demo pool %s at %s (client %s)%s.\n",
		t.UserPoolID, t.Endpoint, t.ClientID, who)
	return nil
}

// runHostedLogin runs a hosted-UI flow and prints the outcome like the
// other flows: the trace as it happens (or --json), the lifetimes, the
// session saved.
func runHostedLogin(ctx context.Context, l *run) error {
	f, o, t := l.f, l.o, l.target
	opts := oauth.Options{
		Issuer:           t.Issuer,
		Domain:           t.Domain,
		ClientID:         t.ClientID,
		ClientSecret:     t.ClientSecret,
		ClientAuth:       l.clientAuth,
		RedirectURI:      t.RedirectURI,
		Scopes:           t.Scopes,
		IdentityProvider: o.Hosted.IdentityProvider,
		IDPIdentifier:    o.Hosted.IDPIdentifier,
		Prompt:           o.Hosted.Prompt,
		Lang:             o.Hosted.Lang,
		HTTPClient:       f.HTTP,
		Reveal:           o.Reveal,
		Now:              f.Clock(),
		Timeout:          o.Hosted.Timeout,
	}
	// Steps arrive on the flow's goroutine; stderr lines from
	// OnAuthorizeURL interleave with them, so both take this lock.
	var mu sync.Mutex
	if !o.JSON {
		tw := &traceWriter{w: l.io.Out, reveal: o.Reveal}
		opts.OnStep = func(s flows.Step) {
			mu.Lock()
			defer mu.Unlock()
			tw.step(s)
		}
	}
	if !o.Hosted.NoBrowser {
		opts.OpenBrowser = f.Browser()
	}
	opts.OnAuthorizeURL = func(u string) {
		mu.Lock()
		defer mu.Unlock()
		cmdutil.WriteAuthorizeURL(l.io.ErrOut, u, o.Hosted.NoBrowser, o.Hosted.Timeout)
	}
	client, err := oauth.New(opts)
	if err != nil {
		return cmdutil.UsageErr("%s", cmdutil.OptionsText(err))
	}

	var refreshToken string
	if l.flow.name == flowRefreshToken {
		if refreshToken, err = l.hostedRefreshToken(); err != nil {
			return err
		}
	}
	var res *oauth.Result
	var runErr error
	switch l.flow.name {
	case flowPKCE:
		res, runErr = client.AuthorizationCode(ctx)
	case flowClientCredentials:
		res, runErr = client.ClientCredentials(ctx)
	default:
		res, runErr = client.Refresh(ctx, refreshToken)
	}
	var fres *flows.Result
	if res != nil {
		fres = &flows.Result{Tokens: res.Tokens}
	}

	save := o.Save && !t.Ephemeral && fres.Done()
	var saveErr error
	if save {
		saveErr = l.saveHosted(res)
	}
	if o.Save && !t.Ephemeral {
		var tk *flows.Tokens
		if res != nil {
			tk = res.Tokens
		}
		l.record(ctx, client.Trace(), tk, runErr, refreshToken, t.ClientSecret, t.CCClientSecret)
	}
	if o.JSON {
		if err := writeHostedJSON(l.io.Out, fres, client.Trace(), runErr); err != nil {
			return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: fmt.Errorf("write output: %w", err)}
		}
	} else if fres.Done() {
		mu.Lock()
		writeLifetimes(l.io.Out, fres, f.Clock()())
		mu.Unlock()
	}
	if runErr != nil {
		return hostedFailure(l.io.ErrOut, runErr)
	}
	return l.reportSave(save, t.Ephemeral, saveErr)
}

// hostedRefreshToken is the refresh token to use: stdin, else the saved
// session's.
func (l *run) hostedRefreshToken() (string, error) {
	if l.o.RefreshTokenStdin {
		return l.stdinValue("refresh token")
	}
	sess, err := l.store.Load(l.key)
	if err != nil && !errors.Is(err, config.ErrNoSession) {
		fmt.Fprintf(l.io.ErrOut, "cogscope: warning: %s (ignoring the saved session)\n", termtext.Line(err.Error()))
	}
	if sess != nil && sess.Tokens != nil && sess.Tokens.RefreshToken != "" {
		return sess.Tokens.RefreshToken, nil
	}
	return "", cmdutil.UsageErr("no refresh token: use --refresh-token-stdin, or sign in first (without --no-save; session %q has none)", l.key)
}

// saveHosted records the tokens in the session store; a refresh that did
// not rotate keeps the saved refresh token.
func (l *run) saveHosted(res *oauth.Result) error {
	t := l.target
	return l.store.Update(l.key, func(s *config.Session) error {
		cmdutil.RecordTokens(s, t, t.ClientID, l.flow.name, cmdutil.TokenUsername(res.Tokens.AccessToken), *res.Tokens)
		return nil
	})
}

// hostedFailure prints the diagnosis and picks the exit code: 1 when the
// provider refused (an OAuth error), 2 for input, listener, timeout and
// I/O.
func hostedFailure(w io.Writer, err error) error {
	d := cmdutil.CLIDiagnosis(oauth.Diagnose(err))
	var oe *oauth.Error
	if errors.As(err, &oe) {
		fmt.Fprintf(w, "cogscope: %s refused: %s\n", d.Operation, termtext.Block(d.String()))
		return &cmdutil.ExitError{Code: cmdutil.ExitRefused, Err: err, Silent: true}
	}
	if errors.Is(err, flows.ErrInvalidOptions) {
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: errors.New(cmdutil.OptionsText(err))}
	}
	return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: errors.New(err.Error() + cmdutil.CauseFixLines(d))}
}

// writeHostedJSON writes the same document as the other flows, with the
// hosted-UI diagnosis.
func writeHostedJSON(w io.Writer, res *flows.Result, trace []flows.Step, runErr error) error {
	doc := loginJSON{Trace: trace}
	if doc.Trace == nil {
		doc.Trace = []flows.Step{}
	}
	if res != nil {
		doc.Tokens = res.Tokens
	}
	if runErr != nil {
		d := cmdutil.CLIDiagnosis(oauth.Diagnose(runErr))
		doc.Error = &d
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
