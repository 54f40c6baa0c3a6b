package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/cli/browser"
	"github.com/spf13/cobra"

	"github.com/cogscope/cogscope/cmd/internal/config"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/flows/oauth"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/termtext"
)

// The hosted-UI flows of `cogscope login`: the OAuth 2.0 token endpoint
// of a Cognito domain (or any OpenID provider) instead of the Cognito API.

const (
	flowPKCE              = "pkce"
	flowClientCredentials = "client-credentials"
	flowRefreshToken      = "refresh-token"
)

// hostedLoginFlows join loginFlows (see init).
var hostedLoginFlows = []loginFlow{
	{name: flowPKCE, about: "authorization code + PKCE through the hosted UI in a browser, back to a loopback listener", run: runHostedLogin},
	{name: flowClientCredentials, about: "client_credentials at the token endpoint: a token for the app client itself (needs its secret)", run: runHostedLogin},
	{name: flowRefreshToken, about: "refresh_token at the token endpoint (the saved session's, or --refresh-token-stdin)", needsRefresh: true, run: runHostedLogin},
}

func init() {
	loginFlows = append(loginFlows, hostedLoginFlows...)
}

func isHostedFlow(name string) bool {
	for _, lf := range hostedLoginFlows {
		if lf.name == name {
			return true
		}
	}
	return false
}

// hostedOptions are the flags of the hosted-UI flows.
type hostedOptions struct {
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

	// target is what resolveHosted worked out, for runHostedLogin.
	target *hostedTarget
}

// hostedFlags are the flag names that only the hosted-UI flows read.
var hostedFlags = []string{"issuer", "domain", "redirect-uri", "scope", "no-browser", "timeout", "client-auth",
	"identity-provider", "idp-identifier", "prompt", "lang"}

// addHostedLoginFlags registers the hosted-UI flows' flags on login.
func addHostedLoginFlags(cmd *cobra.Command, h *hostedOptions) {
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

// hostedTarget is what a hosted-UI login talks to.
type hostedTarget struct {
	loginTarget
	Issuer      string
	Domain      string
	RedirectURI string
	Scopes      []string
	ClientAuth  oauth.ClientAuth
}

// resolveHosted takes over resolve for the hosted-UI flows (done is then
// true); for the other flows it only refuses the hosted-UI flags.
func resolveHosted(ctx context.Context, l *loginRun, cmd *cobra.Command, prof config.Profile, profName string) (done bool, err error) {
	changed := func(names ...string) []string {
		var out []string
		for _, n := range names {
			if cmd.Flags().Changed(n) {
				out = append(out, "--"+n)
			}
		}
		return out
	}
	if !isHostedFlow(l.flow.name) {
		if c := changed(hostedFlags...); len(c) > 0 {
			return true, usageErr("%s only apply to --flow %s|%s|%s", strings.Join(c, ", "), flowPKCE, flowClientCredentials, flowRefreshToken)
		}
		return false, nil
	}
	if c := changed("username", "password-stdin", "preferred-challenge", "remember-device"); len(c) > 0 {
		return true, usageErr("%s do not apply to --flow %s: the hosted UI asks for the user in the browser", strings.Join(c, ", "), l.flow.name)
	}
	if l.flow.name != flowPKCE {
		if c := changed("redirect-uri", "no-browser", "timeout", "identity-provider", "idp-identifier", "prompt", "lang"); len(c) > 0 {
			return true, usageErr("%s only apply to --flow %s", strings.Join(c, ", "), flowPKCE)
		}
	}
	if l.flow.name != flowRefreshToken && l.o.RefreshTokenStdin {
		return true, usageErr("--refresh-token-stdin only applies to --flow %s (or refresh)", flowRefreshToken)
	}
	return true, l.resolveHostedTarget(ctx, prof, profName)
}

func (l *loginRun) resolveHostedTarget(ctx context.Context, prof config.Profile, profName string) error {
	f, o, h := l.f, l.o, &l.o.Hosted
	t := hostedTarget{
		loginTarget: profileTarget(f, prof, profName, o.UserPoolID, o.ClientID, ""),
		Issuer:      h.Issuer,
		Domain:      firstNonEmpty(h.Domain, prof.HostedUI.Domain),
		RedirectURI: firstNonEmpty(h.RedirectURI, prof.HostedUI.CallbackURL),
		Scopes:      strings.Fields(h.Scope),
	}
	if h.Scope == "" {
		t.Scopes = prof.HostedUI.Scopes
	}
	auth, err := oauth.ParseClientAuth(h.ClientAuth)
	if err != nil {
		return usageErr("--client-auth %q: want basic or post", h.ClientAuth)
	}
	t.ClientAuth = auth
	if h.Timeout <= 0 {
		return usageErr("--timeout must be positive")
	}
	if err := checkPoolAndEndpoint(&t.loginTarget); err != nil {
		return err
	}

	if t.Issuer == "" && t.Domain == "" && t.UserPoolID == "" && t.ClientID == "" {
		if err := l.hostedDemoTarget(ctx, &t); err != nil {
			return err
		}
	}
	if t.ClientID == "" {
		return usageErr("no app client: give --client-id or set client_id in the profile")
	}
	if t.Issuer == "" && t.Domain == "" && t.UserPoolID == "" && t.Endpoint != "" {
		// `cogscope local` (or an emulator) and a client: its pool.
		if err := l.resolveHostedPool(ctx, &t); err != nil {
			return err
		}
	}
	if t.Issuer == "" && t.UserPoolID != "" {
		// A pool's issuer lists its domain's endpoints.
		t.Issuer = poolIssuer(t.Endpoint, t.Region, t.UserPoolID)
	}
	if t.Issuer == "" && t.Domain == "" {
		return usageErr("no provider: give --issuer, --domain, --user-pool-id or --endpoint (or set hosted_ui.domain in the profile)")
	}

	// Secrets from stdin, in the order resolve uses: client secret, then
	// refresh token.
	secret, err := l.clientSecret(ctx, prof, profName, t.ClientSecret)
	if err != nil {
		return err
	}
	t.ClientSecret = secret
	if l.flow.name == flowClientCredentials && t.ClientSecret == "" {
		return usageErr("--flow %s needs the app client's secret: --client-secret-stdin, or client_secret_env / client_secret_command in the profile", flowClientCredentials)
	}
	if l.flow.name == flowPKCE && t.RedirectURI == "" && t.UserPoolID != "" {
		if err := l.resolveHostedCallback(ctx, &t); err != nil {
			return err
		}
	}
	l.target = t.loginTarget
	l.o.Hosted.target = &t
	l.store = config.NewStore(config.DefaultPaths(f.Env).StateDir)
	l.key = config.SessionKey(t.Profile, firstNonEmpty(t.UserPoolID, poolOf(t.Issuer), hostOf(t.Domain)), t.ClientID)
	return nil
}

// hostedDemoTarget points a login without any target at the local stack's
// demo pool and its hosted UI.
func (l *loginRun) hostedDemoTarget(ctx context.Context, t *hostedTarget) error {
	demo, stop, err := localDemoTarget(ctx, l.f, t.Endpoint, t.Region)
	if err != nil {
		return usageErr("%v", err)
	}
	l.stop = stop
	t.Ephemeral = demo.Ephemeral
	t.Endpoint, t.UserPoolID = demo.Endpoint, demo.UserPoolID
	t.Region = firstNonEmpty(t.Region, demo.Region)
	t.Issuer = poolIssuer(demo.Endpoint, demo.Region, demo.UserPoolID)
	switch l.flow.name {
	case flowClientCredentials:
		t.ClientID = cognito.DemoSecretClientID
		if l.o.ClientSecret == "" && !l.o.ClientSecretStdin {
			t.ClientSecret = cognito.DemoClientSecret
		}
	default:
		t.ClientID = demo.ClientID
		if t.RedirectURI == "" {
			t.RedirectURI = demoCallbackURL
		}
	}
	who := ""
	if l.flow.name == flowPKCE {
		who = fmt.Sprintf("; sign in as %s / %s", demo.Username, demo.Password)
	}
	fmt.Fprintf(l.f.IO.ErrOut, "No AWS target configured: using the local stack's demo pool %s at %s (client %s)%s.\n",
		t.UserPoolID, t.Endpoint, t.ClientID, who)
	return nil
}

// demoCallbackURL is the demo public client's registered callback URL.
const demoCallbackURL = "http://localhost:8765/callback"

// poolOf is the user pool id at the end of a Cognito issuer URL, or "".
func poolOf(issuer string) string {
	u, err := url.Parse(issuer)
	if err != nil {
		return ""
	}
	last := u.Path[strings.LastIndex(u.Path, "/")+1:]
	if flows.ValidateUserPoolID(last) != nil {
		return u.Host
	}
	return last
}

func hostOf(raw string) string {
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}

// runHostedLogin runs a hosted-UI flow and prints the outcome like the
// other flows: the trace as it happens (or --json), the lifetimes, the
// session saved.
func runHostedLogin(ctx context.Context, l *loginRun) error {
	f, o, t := l.f, l.o, l.o.Hosted.target
	opts := oauth.Options{
		Issuer:           t.Issuer,
		Domain:           t.Domain,
		ClientID:         t.ClientID,
		ClientSecret:     t.ClientSecret,
		ClientAuth:       t.ClientAuth,
		RedirectURI:      t.RedirectURI,
		Scopes:           t.Scopes,
		IdentityProvider: o.Hosted.IdentityProvider,
		IDPIdentifier:    o.Hosted.IDPIdentifier,
		Prompt:           o.Hosted.Prompt,
		Lang:             o.Hosted.Lang,
		HTTPClient:       f.HTTP,
		Reveal:           o.Reveal,
		Now:              f.Now,
		Timeout:          o.Hosted.Timeout,
	}
	// Steps arrive on the flow's goroutine; stderr lines from
	// OnAuthorizeURL interleave with them, so both take this lock.
	var mu sync.Mutex
	if !o.JSON {
		tw := &traceWriter{w: f.IO.Out, reveal: o.Reveal}
		opts.OnStep = func(s flows.Step) {
			mu.Lock()
			defer mu.Unlock()
			tw.step(s)
		}
	}
	if !o.Hosted.NoBrowser {
		opts.OpenBrowser = browserOpener(f)
	}
	opts.OnAuthorizeURL = func(u string) {
		mu.Lock()
		defer mu.Unlock()
		w := f.IO.ErrOut
		if o.Hosted.NoBrowser {
			fmt.Fprintln(w, "Open this URL in a browser to sign in:")
		} else {
			fmt.Fprintln(w, "Opening the browser to sign in; if it does not open, visit:")
		}
		fmt.Fprintln(w, u)
		fmt.Fprintf(w, "Waiting up to %s for the redirect (Ctrl-C to cancel)…\n", o.Hosted.Timeout)
	}
	client, err := oauth.New(opts)
	if err != nil {
		return usageErr("%s", strings.TrimPrefix(err.Error(), flows.ErrInvalidOptions.Error()+": "))
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
	if o.JSON {
		if err := writeHostedJSON(f.IO.Out, fres, client.Trace(), runErr); err != nil {
			return &ExitError{Code: ExitUsage, Err: fmt.Errorf("write output: %w", err)}
		}
	} else if fres.Done() {
		mu.Lock()
		writeLifetimes(f.IO.Out, fres, f.Now())
		mu.Unlock()
	}
	if runErr != nil {
		return hostedFailure(f.IO.ErrOut, runErr)
	}
	return l.reportSave(save, t.Ephemeral, saveErr)
}

// hostedRefreshToken is the refresh token to use: stdin, else the saved
// session's.
func (l *loginRun) hostedRefreshToken() (string, error) {
	if l.o.RefreshTokenStdin {
		rt, err := l.stdin.line("refresh token")
		if err != nil {
			return "", err
		}
		if rt == "" {
			return "", usageErr("the refresh token on stdin is empty")
		}
		return rt, nil
	}
	sess, err := l.store.Load(l.key)
	if err != nil && !errors.Is(err, config.ErrNoSession) {
		fmt.Fprintf(l.f.IO.ErrOut, "cogscope: warning: %s (ignoring the saved session)\n", termtext.Line(err.Error()))
	}
	if sess != nil && sess.Tokens != nil && sess.Tokens.RefreshToken != "" {
		return sess.Tokens.RefreshToken, nil
	}
	return "", usageErr("no refresh token: use --refresh-token-stdin, or sign in first with --save (session %q has none)", l.key)
}

// saveHosted records the tokens in the session store; a refresh that did
// not rotate keeps the saved refresh token.
func (l *loginRun) saveHosted(res *oauth.Result) error {
	t := l.o.Hosted.target
	return l.store.Update(l.key, func(s *config.Session) error {
		s.Profile, s.Region, s.Endpoint = t.Profile, t.Region, t.Endpoint
		s.UserPoolID, s.ClientID, s.Flow = t.UserPoolID, t.ClientID, l.flow.name
		tk := res.Tokens
		if c, err := flows.UnverifiedClaims(tk.AccessToken); err == nil && c.Username != "" {
			s.Username = c.Username
		}
		s.Tokens = &config.Tokens{IDToken: tk.IDToken, AccessToken: tk.AccessToken, RefreshToken: tk.RefreshToken,
			ExpiresIn: tk.ExpiresIn, TokenType: tk.TokenType}
		s.ObtainedAt = tk.IssuedAt.UTC()
		return nil
	})
}

// hostedFailure prints the diagnosis and picks the exit code: 1 when the
// provider refused (an OAuth error), 2 for input, listener, timeout and
// I/O.
func hostedFailure(w io.Writer, err error) error {
	d := oauth.Diagnose(err)
	var oe *oauth.Error
	if errors.As(err, &oe) {
		fmt.Fprintf(w, "cogscope: %s refused: %s\n", d.Operation, termtext.Block(d.String()))
		return &ExitError{Code: ExitRefused, Err: err, Silent: true}
	}
	if errors.Is(err, flows.ErrInvalidOptions) {
		return &ExitError{Code: ExitUsage, Err: errors.New(strings.TrimPrefix(err.Error(), flows.ErrInvalidOptions.Error()+": "))}
	}
	msg := err.Error() + "\n  cause: " + d.Cause
	if d.Fix != "" {
		msg += "\n  fix:   " + d.Fix
	}
	return &ExitError{Code: ExitUsage, Err: errors.New(msg)}
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
		d := oauth.Diagnose(runErr)
		doc.Error = &d
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

var quietBrowser sync.Once

// browserOpener opens a URL with $BROWSER when set (a command, as git and
// gh read it), else with the desktop's opener (cli/browser). The opener's
// own output never reaches stdout, which may be JSON.
func browserOpener(f *Factory) func(string) error {
	if cmdline := strings.Fields(f.Env("BROWSER")); len(cmdline) > 0 {
		return func(u string) error {
			out, err := exec.Command(cmdline[0], append(cmdline[1:], u)...).CombinedOutput()
			if err != nil {
				return fmt.Errorf("$BROWSER %s: %w: %s", cmdline[0], err, strings.TrimSpace(string(out)))
			}
			return nil
		}
	}
	quietBrowser.Do(func() { browser.Stdout, browser.Stderr = io.Discard, io.Discard })
	return browser.OpenURL
}
