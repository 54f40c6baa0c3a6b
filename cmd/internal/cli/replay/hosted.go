package replay

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/flows/oauth"
	"github.com/cogscope/cogscope/internal/termtext"
	"github.com/cogscope/cogscope/internal/transcript"
)

// The hosted-UI sign-ins of a transcript: `login --flow pkce` (the
// authorization code grant with PKCE through the browser and a loopback
// redirect) and `login --flow refresh-token` (a refresh at the OAuth
// token endpoint), re-run against the target's hosted UI. The transcript
// keeps no password and no code: the person signs in again in the
// browser.

// Login's --flow names of the hosted-UI sign-ins replay re-runs.
const (
	flowPKCE         = "pkce"
	flowRefreshToken = "refresh-token"
)

// isHosted says whether a sign-in of that --flow is a user's hosted-UI
// sign-in (flows/oauth's authorization code or refresh), which hosted
// re-runs.
func isHosted(flow string) bool {
	return flow == flowPKCE || flow == flowRefreshToken
}

// HostedOptions are replay's flags for pkce sign-ins.
type HostedOptions struct {
	// RedirectURI is the loopback callback to listen on; "" is the
	// profile's hosted_ui.callback_url, else the app client's registered
	// loopback callback, else the demo's, else the recorded one.
	RedirectURI string
	// NoBrowser prints the authorize URL instead of opening a browser.
	NoBrowser bool
	// Timeout bounds the wait for each redirect.
	Timeout time.Duration
}

// hostedFlagNames are the flags only pkce sign-ins read.
var hostedFlagNames = []string{"redirect-uri", "no-browser", "timeout"}

// addHostedFlags registers the pkce sign-ins' flags.
func addHostedFlags(fl *pflag.FlagSet, h *HostedOptions) {
	fl.StringVar(&h.RedirectURI, "redirect-uri", "", "pkce sign-ins: loopback callback URL registered on the target's app client (default: the profile's hosted_ui.callback_url, else the client's own loopback callback URL when it can be read, else the recorded one)")
	fl.BoolVar(&h.NoBrowser, "no-browser", false, "pkce sign-ins: print the sign-in URL (alone on a line of stderr) instead of opening a browser")
	fl.DurationVar(&h.Timeout, "timeout", oauth.DefaultTimeout, "pkce sign-ins: how long to wait for each browser redirect")
}

// hostedWithoutPool lets a transcript of hosted-UI sign-ins alone (pkce,
// refresh-token, client-credentials) be replayed against a target that
// names a client but no pool, as login does: by its hosted_ui.domain, or,
// on an endpoint (the local stack, an emulator), by the pool found to
// have the client. It says whether the target may go without a pool.
func (r *runner) hostedWithoutPool(ctx context.Context, t *cmdutil.Target, rec *transcript.Transcript) (bool, error) {
	if t.UserPoolID != "" || t.ClientID == "" || len(rec.SignIns) == 0 {
		return false, nil
	}
	for _, s := range rec.SignIns {
		if !isHosted(s.Flow) && s.Flow != flowClientCredentials {
			return false, nil
		}
	}
	if t.Issuer != "" || t.Domain != "" {
		return true, nil
	}
	if t.Endpoint == "" {
		return false, nil
	}
	if err := r.f.ResolveHostedPool(ctx, t); err != nil {
		return false, err
	}
	t.Issuer = t.PoolIssuer()
	return true, nil
}

// prepareHosted checks the pkce flags against the transcript and picks
// the redirect URI, before anything is sent.
func (r *runner) prepareHosted(ctx context.Context, rec *transcript.Transcript) error {
	o, h := r.o, &r.o.Hosted
	first := -1
	for i, s := range rec.SignIns {
		if s.Flow == flowPKCE {
			first = i
			break
		}
	}
	if first < 0 {
		var given []string
		for _, n := range hostedFlagNames {
			if o.FlagsSet[n] {
				given = append(given, "--"+n)
			}
		}
		if len(given) > 0 {
			return cmdutil.UsageErr("%s apply to pkce sign-ins; %s has none", strings.Join(given, ", "), o.File)
		}
		return nil
	}
	if h.Timeout <= 0 {
		return cmdutil.UsageErr("--timeout must be positive")
	}
	t := &r.target
	if t.Issuer == "" && t.Domain == "" {
		return cmdutil.UsageErr("sign-in %d of %s is a hosted-UI sign-in: the target needs a pool (its issuer lists its domain's endpoints) or hosted_ui.domain in the profile", first+1, o.File)
	}
	switch {
	case h.RedirectURI != "":
		t.RedirectURI = h.RedirectURI
	case t.RedirectURI == "" && t.UserPoolID != "":
		if err := r.f.ResolveHostedCallback(ctx, t, o.IO.ErrOut); err != nil {
			// The target's client registers no loopback callback: for a
			// replay that is a difference between the environments, not
			// bad input. The recorded URI is tried, and the hosted UI's
			// refusal (redirect_mismatch) is the outcome compared.
			recorded := recordedAuthorize(rec.SignIns[first]).redirectURI
			if recorded == "" {
				return err
			}
			t.RedirectURI = recorded
			fmt.Fprintf(o.IO.ErrOut, "cogscope: warning: %s; trying the recorded redirect URI %s, which its hosted UI will refuse unless it is registered.\n",
				termtext.Line(err.Error()), termtext.Line(recorded))
			return nil
		}
	}
	if t.RedirectURI == "" {
		if rec := recordedAuthorize(rec.SignIns[first]).redirectURI; rec != "" {
			t.RedirectURI = rec
			fmt.Fprintf(o.IO.ErrOut, "Using the recorded redirect URI %s (give --redirect-uri for another).\n", termtext.Line(rec))
		}
	}
	return nil
}

// authorizeRequest is what a recorded pkce sign-in asked the authorize
// endpoint for.
type authorizeRequest struct {
	scopes                          []string // nil: the client's defaults
	identityProvider, idpIdentifier string
	redirectURI                     string
}

// recordedAuthorize reads the authorize request of a recorded pkce
// sign-in: the Authorize step's parameters, else the query of the
// authorize URL its check sent (a refused request has no Authorize step).
func recordedAuthorize(s transcript.SignIn) authorizeRequest {
	var q url.Values
	for _, op := range []string{oauth.OpAuthorize, oauth.OpAuthorizeCheck} {
		for _, st := range s.Steps {
			if st.Operation != op {
				continue
			}
			if u, err := url.Parse(st.Request["url"]); err == nil && u.RawQuery != "" {
				q = u.Query()
			}
			for _, k := range []string{"scope", "identity_provider", "idp_identifier", "redirect_uri"} {
				if v := st.Request[k]; v != "" && v != transcript.Masked {
					if q == nil {
						q = url.Values{}
					}
					q.Set(k, v)
				}
			}
			if q != nil {
				return authorizeRequest{scopes: strings.Fields(q.Get("scope")), identityProvider: q.Get("identity_provider"),
					idpIdentifier: q.Get("idp_identifier"), redirectURI: q.Get("redirect_uri")}
			}
		}
	}
	return authorizeRequest{}
}

// hosted re-runs one pkce or refresh-token sign-in (n counts from 1) and
// returns it as the replay's transcript records it, with the session's
// tokens after it (tokens unchanged when it issued none). The error is
// the replay's end: bad options, no browser, a timeout (exit 2), Ctrl-C
// (130); a refusal is an outcome.
func (r *runner) hosted(ctx context.Context, n int, s transcript.SignIn, tokens *flows.Tokens) (transcript.SignIn, *flows.Tokens, error) {
	f, t, now := r.f, r.target, r.f.Clock()
	var refreshToken string
	if s.Flow == flowRefreshToken {
		if tokens == nil || tokens.RefreshToken == "" {
			return transcript.SignIn{Flow: s.Flow, Started: now().UTC(), Outcome: transcript.OutcomeStopped,
				Error: &transcript.Error{Message: "no refresh token: the replay's earlier sign-in issued none"}}, tokens, nil
		}
		refreshToken = tokens.RefreshToken
	}
	opts := oauth.Options{Issuer: t.Issuer, Domain: t.Domain, ClientID: t.ClientID, ClientSecret: t.ClientSecret,
		HTTPClient: f.HTTP, Now: now, Timeout: r.o.Hosted.Timeout}
	// A pkce sign-in's browser: its failure to start ends the wait at
	// once (cancel) instead of after the timeout.
	flowCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var openErr error
	var openMu sync.Mutex
	if s.Flow == flowPKCE {
		ar := recordedAuthorize(s)
		opts.RedirectURI, opts.Scopes = t.RedirectURI, ar.scopes
		opts.IdentityProvider, opts.IDPIdentifier = ar.identityProvider, ar.idpIdentifier
		r.sayHosted(n, ar)
		if !r.o.Hosted.NoBrowser {
			open := f.Browser()
			opts.OpenBrowser = func(u string) error {
				err := open(u)
				if err != nil {
					openMu.Lock()
					openErr = err
					openMu.Unlock()
					cancel()
				}
				return err
			}
		}
		opts.OnAuthorizeURL = func(u string) {
			cmdutil.WriteAuthorizeURL(r.o.IO.ErrOut, u, r.o.Hosted.NoBrowser, r.o.Hosted.Timeout)
		}
	}
	client, err := oauth.New(opts)
	if err != nil {
		return transcript.SignIn{}, nil, cmdutil.UsageErr("sign-in %d (%s): %s", n, s.Flow, cmdutil.OptionsText(err))
	}
	var res *oauth.Result
	var runErr error
	if s.Flow == flowPKCE {
		res, runErr = client.AuthorizationCode(flowCtx)
	} else {
		res, runErr = client.Refresh(flowCtx, refreshToken)
	}
	openMu.Lock()
	opened := openErr
	openMu.Unlock()
	if opened != nil && ctx.Err() == nil {
		return transcript.SignIn{}, nil, cmdutil.UsageErr("sign-in %d (%s) needs a browser, and none could be opened: %s; give --no-browser and open the printed URL yourself",
			n, s.Flow, termtext.Line(opened.Error()))
	}
	if err := hostedFatal(ctx, n, s.Flow, runErr); err != nil {
		return transcript.SignIn{}, nil, err
	}
	var issued transcript.IssuedTokens
	if res != nil && res.Tokens != nil {
		tk := *res.Tokens
		if tk.RefreshToken == "" && tokens != nil {
			tk.RefreshToken = tokens.RefreshToken // a refresh hands back none: keep the session's
		}
		issued = transcript.IssuedTokens{IDToken: tk.IDToken, AccessToken: tk.AccessToken, RefreshToken: res.Tokens.RefreshToken}
		if s.Flow == flowRefreshToken && !tk.RefreshRotated {
			issued.RefreshToken = "" // handed back, not issued
		}
		r.secrets = append(r.secrets, tk.IDToken, tk.AccessToken, tk.RefreshToken)
		tokens = &tk
	}
	reports := cmdutil.VerifyForTranscript(ctx, t, t.ClientID, r.keys, now, map[string]string{"id": issued.IDToken, "access": issued.AccessToken})
	si := transcript.SignInFrom(s.Flow, client.Trace(), issued, reports, runErr, now())
	if si.Error != nil && si.Error.Message == "" && runErr != nil {
		// Cognito's error page (redirect_mismatch) says nothing more than
		// its code: the diagnosis says why.
		si.Error.Message = cmdutil.FirstSentence(cmdutil.CLIDiagnosis(oauth.Diagnose(runErr)).Cause)
	}
	return si, tokens, nil
}

// sayHosted tells, on stderr, which sign-in of the transcript is being
// replayed and that a browser and a person are needed.
func (r *runner) sayHosted(n int, ar authorizeRequest) {
	o, t := r.o, r.target
	asked := "the client's default scopes"
	if len(ar.scopes) > 0 {
		asked = "scope " + strings.Join(ar.scopes, " ")
	}
	if ar.identityProvider != "" {
		asked += ", identity provider " + ar.identityProvider
	}
	if ar.idpIdentifier != "" {
		asked += ", idp_identifier " + ar.idpIdentifier
	}
	who := "sign in again"
	switch {
	case t.Password != "" && t.Username != "":
		// The local demo's user, whose password is no secret.
		who = "sign in as the demo user " + t.Username + " / " + t.Password
	case r.username != "":
		who = "sign in again as " + r.username
	}
	fmt.Fprintf(o.IO.ErrOut, "Replaying sign-in %d of %s (pkce, the hosted UI; %s) with app client %s: it needs a browser and a person to %s.\n",
		n, termtext.Line(o.File), termtext.Line(asked), t.ClientID, termtext.Line(who))
}

// hostedFatal is a hosted-UI sign-in's error that ends the replay:
// Ctrl-C (130), or anything that is not the provider's OAuth refusal —
// no redirect in time, a port in use, no discovery document — (exit 2,
// with the diagnosis). A refusal is an outcome to compare.
func hostedFatal(ctx context.Context, n int, flow string, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		what := "interrupted"
		if flow == flowPKCE {
			what += " while waiting for the browser's redirect"
		}
		return &cmdutil.ExitError{Code: cmdutil.ExitInterrupted, Err: fmt.Errorf("sign-in %d (%s): %s", n, flow, what)}
	}
	var oe *oauth.Error
	if errors.As(err, &oe) {
		return nil
	}
	if errors.Is(err, flows.ErrInvalidOptions) {
		return cmdutil.UsageErr("sign-in %d (%s): %s", n, flow, cmdutil.OptionsText(err))
	}
	d := cmdutil.CLIDiagnosis(oauth.Diagnose(err))
	return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: fmt.Errorf("sign-in %d (%s): %s%s", n, flow, termtext.Line(err.Error()), cmdutil.CauseFixLines(d))}
}
