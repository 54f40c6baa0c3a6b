package console

import (
	"context"
	"errors"
	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"net"
	"net/url"
	"strings"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/flows/oauth"
	"github.com/cogscope/cogscope/internal/awsclient"
	"github.com/cogscope/cogscope/ui/service"
)

// The console's sign-in: the Cognito API flows of package flows (SRP,
// password, refresh) and the hosted-UI flows of flows/oauth (PKCE through
// the browser, client credentials). Steps are recorded unredacted: the
// console masks them itself, with flows.IsSecretKey, so `m` can unmask.

// prepare turns the form's request into a flow to run.
func (c *console) prepare(req service.SignInRequest) (service.RunFunc, error) {
	t := c.current()
	if t.Pending {
		return nil, errStarting
	}
	switch req.Flow {
	case service.FlowPKCE, service.FlowClientCredentials:
		return c.prepareHosted(t, req)
	}
	var kind flows.Kind
	switch req.Flow {
	case service.FlowSRP:
		kind = flows.KindUserSRP
	case service.FlowPassword:
		kind = flows.KindUserPassword
	case service.FlowRefresh:
		kind = flows.KindRefresh
	default:
		return nil, &service.Failure{Diagnosis: flows.Diagnosis{Message: "unknown flow " + string(req.Flow)}}
	}
	if t.UserPoolID == "" {
		return nil, errNoPool(t)
	}
	api, err := c.api(t)
	if err != nil {
		return nil, err
	}
	if req.ClientID != "" {
		// The tour's case: another app client of the pool, with the
		// secret it gives (none is a case of its own).
		t.ClientID, t.ClientSecret = req.ClientID, req.ClientSecret
	}
	opts := flows.Options{
		Kind: kind, API: api, UserPoolID: t.UserPoolID, ClientID: t.ClientID, ClientSecret: t.ClientSecret,
		Username: req.Username, Password: req.Password, RefreshToken: req.RefreshToken, AccessToken: req.AccessToken,
		Reveal: true, Now: c.f.Clock(),
	}
	if _, err := flows.New(opts); err != nil {
		return nil, failureOf(err) // the request itself is unusable: nothing is sent
	}
	return func(ctx context.Context, onStep func(flows.Step), ask flows.Answerer) (*flows.Tokens, error) {
		opts.OnStep = onStep
		fl, err := flows.New(opts)
		if err != nil {
			return nil, failureOf(err)
		}
		res, err := flows.Run(ctx, fl, ask)
		var tk *flows.Tokens
		if res != nil {
			tk = res.Tokens
		}
		c.recordSignIn(ctx, t, t.ClientID, string(req.Flow), kind == flows.KindRefresh, fl.Trace(), tk, err, req.Password, req.RefreshToken, req.AccessToken)
		if err != nil {
			return nil, failureOf(err)
		}
		return res.Tokens, nil
	}, nil
}

// recordSignIn adds a sign-in to the target's recorded session, as
// `cogscope login` does (cmdutil.RecordSignIn): `cogscope transcript
// export` then writes it. The trace was recorded unredacted (the console
// masks it itself); the transcript masks it by the same table and by the
// known secrets. A failure to record cannot be shown under the console's
// screen and does not change the sign-in: it is dropped.
func (c *console) recordSignIn(ctx context.Context, t cmdutil.Target, clientID, flow string, refresh bool, steps []flows.Step, tk *flows.Tokens, err error, secrets ...string) {
	if ctx.Err() != nil {
		return // cancelled (esc): nothing worth keeping
	}
	_ = c.f.RecordSignIn(ctx, t, clientID, flow, refresh, steps, tk, err, nil, secrets...)
}

// prepareHosted runs the authorization code flow with PKCE (the browser
// comes back to a loopback listener, closed when the run is cancelled)
// or the client credentials grant.
func (c *console) prepareHosted(t cmdutil.Target, req service.SignInRequest) (service.RunFunc, error) {
	if t.Issuer == "" && t.Domain == "" {
		return nil, &service.Failure{Diagnosis: flows.Diagnosis{Message: "no hosted UI to sign in with",
			Cause: "The hosted-UI flows need the pool's issuer (user_pool_id) or its domain (hosted_ui.domain); the profile names neither.",
			Fix:   "Set user_pool_id or hosted_ui.domain in the profile."}}
	}
	opts := oauth.Options{
		Issuer: t.Issuer, Domain: t.Domain, ClientID: t.ClientID, ClientSecret: t.ClientSecret,
		RedirectURI: t.RedirectURI, Scopes: req.Scopes, HTTPClient: c.f.HTTP, Reveal: true, Now: c.f.Clock(),
		OpenBrowser: c.open, Timeout: c.redirectTimeout, IdentityProvider: req.IdentityProvider,
	}
	cc := req.Flow == service.FlowClientCredentials
	if req.ClientID != "" {
		// The tour's case: another app client of the pool.
		opts.ClientID, opts.ClientSecret = req.ClientID, req.ClientSecret
		t.CCClientID, t.CCClientSecret = req.ClientID, req.ClientSecret
	}
	if cc {
		opts.ClientID, opts.ClientSecret, opts.RedirectURI, opts.OpenBrowser = t.CCClientID, t.CCClientSecret, "", nil
		if opts.ClientSecret == "" {
			return nil, &service.Failure{Diagnosis: flows.Diagnosis{Message: "client credentials need the app client's secret",
				Cause: "The client_credentials grant authenticates the app client itself with its secret; the profile gives none.",
				Fix:   "Set client_secret_env or client_secret_command in the profile (the client must have a secret and allow client_credentials)."}}
		}
	}
	if _, err := oauth.New(opts); err != nil {
		return nil, hostedFailureOf(err)
	}
	return func(ctx context.Context, onStep func(flows.Step), _ flows.Answerer) (*flows.Tokens, error) {
		opts.OnStep = onStep
		client, err := oauth.New(opts)
		if err != nil {
			return nil, hostedFailureOf(err)
		}
		var res *oauth.Result
		if cc {
			res, err = client.ClientCredentials(ctx)
		} else {
			// Returns when ctx is cancelled (esc), closing the listener.
			res, err = client.AuthorizationCode(ctx)
		}
		var tk *flows.Tokens
		if res != nil {
			tk = res.Tokens
		}
		c.recordSignIn(ctx, t, opts.ClientID, string(req.Flow), false, client.Trace(), tk, err, opts.ClientSecret)
		if err != nil {
			return nil, hostedFailureOf(err)
		}
		return res.Tokens, nil
	}, nil
}

// api is the anonymous user-pools client for the target: sign-in needs
// no AWS credentials.
func (c *console) api(t cmdutil.Target) (flows.API, error) {
	t.Region = regionOr(t.Region)
	cfg, err := c.f.AWSConfig(c.ctx, t)
	if err != nil {
		return nil, &service.Failure{Diagnosis: flows.Diagnosis{Message: "AWS configuration: " + err.Error()}, Err: err}
	}
	return awsclient.AnonymousCognito(cfg, t.Endpoint), nil
}

func regionOr(r string) string {
	if r == "" {
		return "us-east-1"
	}
	return r
}

// errStarting is the sign-in's answer while the local stack starts.
var errStarting = &service.Failure{Diagnosis: flows.Diagnosis{
	Message: "the local stack is still starting",
	Cause:   "The console starts the local stack in-process after drawing its first frame; it has not answered yet.",
	Fix:     "Wait for the header to show the stack's address, then run the flow again.",
}}

// errNoPool refuses the Cognito API flows for a target without a pool.
func errNoPool(t cmdutil.Target) *service.Failure {
	return &service.Failure{Diagnosis: flows.Diagnosis{
		Message: "no user pool to sign in to",
		Cause:   "SRP, password and refresh call the Cognito API of a user pool; " + profileName(t) + " names only a hosted-UI domain.",
		Fix:     "Set user_pool_id in the profile, or use the hosted-UI flows (PKCE, client credentials).",
	}}
}

func profileName(t cmdutil.Target) string {
	if t.Profile == "" {
		return "the target"
	}
	return "profile " + t.Profile
}

// failureOf keeps Cognito's words and adds flows' diagnosis.
func failureOf(err error) *service.Failure {
	return failureFrom(flows.Diagnose(err), err)
}

// hostedFailureOf keeps the provider's words (the OAuth error code and
// description) and adds flows/oauth's diagnosis.
func hostedFailureOf(err error) *service.Failure {
	f := failureFrom(oauth.Diagnose(err), err)
	var le *oauth.ListenError
	if errors.As(err, &le) {
		f.Transport = false // this machine's listener, not the provider
	}
	return f
}

// failureFrom builds the console's failure from a diagnosis, phrased in
// the console's words (service.NewFailure); a service that could not be
// reached at all is a transport failure (the view shows it full-pane).
func failureFrom(d flows.Diagnosis, err error) *service.Failure {
	f := service.NewFailure(d, err)
	var ne net.Error
	var ue *url.Error
	isNet, isURL := errors.As(err, &ne), errors.As(err, &ue)
	if d.Type == "" && (isNet || isURL) {
		f.Transport = true
		if isURL {
			// The SDK's chain ("operation error Cognito Identity
			// Provider: …, https response error StatusCode: 0,
			// RequestID: , request send failed, Post …: dial tcp …")
			// says one thing: this request got no answer, and why.
			why := innermost(ue.Err).Error()
			f.Message = strings.ToUpper(ue.Op) + " " + ue.URL + ": " + why
			f.Cause = strings.Replace(f.Cause, ue.Error(), why, 1) // said once is enough
		}
	}
	return f
}

// innermost is the last error of a chain of single wraps: the syscall's
// "connection refused" under the dial's and the request's words.
func innermost(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}
