package call

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/cmd/internal/config"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/inspect"
	"github.com/cogscope/cogscope/internal/apicall"
	"github.com/cogscope/cogscope/internal/apiconfig"
	"github.com/cogscope/cogscope/internal/awsclient"
	"github.com/cogscope/cogscope/internal/local/apigw"
	"github.com/cogscope/cogscope/internal/termtext"
)

// Context is what a call needs around the request: the target, the API
// base URL, the profile's routes, the tokens and API Gateway's
// configuration (read once, when first needed). The console's API view
// builds on the same pieces.
type Context struct {
	f      *cmdutil.Factory
	io     *cmdutil.IOStreams
	Target cmdutil.Target
	// Profile is the config file's active profile (its api routes).
	Profile cmdutil.ActiveProfile
	// BaseURL is what a PATH resolves against: the profile's
	// api.base_url, else the local stack's demo HTTP API.
	BaseURL string
	// Demo says the target is the local stack's demo pool (its user's
	// password is known).
	Demo bool

	stop func()

	once   sync.Once
	cfg    *apiconfig.Config
	cfgErr error
	keys   *inspect.Cache
	tokens map[string]string

	credsOnce sync.Once
	hasCreds  bool
}

// hasAWSCredentials is the factory's HasAWSCredentials for the target,
// asked once a call: --sigv4 and the API Gateway reads both need it, and
// each question walks the credential chain (up to 2 s without any).
func (c *Context) hasAWSCredentials(ctx context.Context) bool {
	c.credsOnce.Do(func() { c.hasCreds = c.f.HasAWSCredentials(ctx, c.Target) })
	return c.hasCreds
}

// NewContext resolves the target as the console does: the profile, or
// the local stack (at --endpoint, or started in-process for the command).
func NewContext(ctx context.Context, f *cmdutil.Factory, io *cmdutil.IOStreams) (*Context, error) {
	prof, err := f.Profile()
	if err != nil {
		return nil, err
	}
	t, err := f.ResolveTarget(ctx)
	if err != nil {
		return nil, err
	}
	c := &Context{f: f, io: io, Profile: prof}
	if t.Pending && prof.API.BaseURL != "" {
		// A profile that names an API but no pool: its API, with a
		// token from stdin (or none); no local stack.
		t.Pending = false
	} else if t.Pending {
		demo, stop, err := f.LocalDemo(ctx, "", f.Global.Region)
		if err != nil {
			return nil, cmdutil.UsageErr("%v", err)
		}
		c.stop = stop
		t.UseDemo(demo)
		fmt.Fprintf(io.ErrOut, "No AWS target configured: using the local stack's demo APIs at %s (started for this command).\n", t.Endpoint)
	}
	c.Target = t
	c.Demo = t.Password != "" && t.Endpoint != ""
	c.BaseURL = prof.API.BaseURL
	if c.BaseURL == "" && t.Endpoint != "" {
		c.BaseURL = apigw.InvokeURL(t.Endpoint, apigw.DemoHTTPAPIID, "")
	}
	c.keys = inspect.NewCache(inspect.CacheOptions{Client: f.HTTPClient(), Now: f.Now})
	return c, nil
}

// Close stops an in-process local stack.
func (c *Context) Close() {
	if c.stop != nil {
		c.stop()
		c.stop = nil
	}
}

// Tokens are the saved session's tokens by kind (access, id), or, on
// the local stack's demo pool without a saved session, the demo user's
// from a fresh sign-in (as `cogscope login` signs in there).
//
// forURL is where the tokens go: the demo user is signed in only for a
// URL on the local stack, so its tokens never go anywhere else.
func (c *Context) Tokens(ctx context.Context, forURL string) (map[string]string, error) {
	if c.tokens != nil {
		return c.tokens, nil
	}
	t := c.Target
	var sess *config.Session
	var err error
	if !t.Ephemeral {
		sess, err = c.f.SavedSession(t, t.ClientID)
	}
	switch {
	case err == nil && sess != nil && sess.Tokens != nil && (sess.Tokens.AccessToken != "" || sess.Tokens.IDToken != ""):
		c.tokens = map[string]string{apicall.TokenAccess: sess.Tokens.AccessToken, apicall.TokenID: sess.Tokens.IDToken}
		return c.tokens, nil
	case err != nil && !errors.Is(err, config.ErrNoSession):
		return nil, cmdutil.UsageErr("read the saved session: %v", err)
	case c.Demo && !c.OnStack(forURL):
		return nil, cmdutil.UsageErr("no saved session, and %s is not on the local stack (%s): the demo user's tokens are only sent there; give a token with --bearer-stdin, or call without one (--token none)", termtext.Line(forURL), t.Endpoint)
	case c.Demo:
		tk, err := c.signInDemo(ctx)
		if err != nil {
			return nil, err
		}
		c.tokens = map[string]string{apicall.TokenAccess: tk.AccessToken, apicall.TokenID: tk.IDToken}
		return c.tokens, nil
	}
	where := "the profile's pool"
	if t.Profile != "" {
		where = "profile " + t.Profile
	}
	return nil, cmdutil.UsageErr("no saved session for %s: sign in first (cogscope login), or give the token with --bearer-stdin, or call without one (--token none)", where)
}

// signInDemo signs the demo user in with SRP.
func (c *Context) signInDemo(ctx context.Context) (*flows.Tokens, error) {
	t := c.Target
	cfg, err := c.f.AWSConfig(ctx, t)
	if err != nil {
		return nil, cmdutil.UsageErr("AWS configuration: %v", err)
	}
	fl, err := flows.New(flows.Options{Kind: flows.KindUserSRP, API: awsclient.AnonymousCognito(cfg, t.Endpoint),
		UserPoolID: t.UserPoolID, ClientID: t.ClientID, Username: t.Username, Password: t.Password, Now: c.f.Now})
	if err != nil {
		return nil, cmdutil.UsageErr("%s", cmdutil.OptionsText(err))
	}
	res, err := flows.Run(ctx, fl, flows.NonInteractive)
	if err != nil || res == nil || res.Tokens == nil {
		d := flows.Diagnose(err)
		return nil, cmdutil.UsageErr("signing in as the demo user %s failed: %s", t.Username, termtext.Line(d.Message))
	}
	fmt.Fprintf(c.io.ErrOut, "No saved session: signed in as the demo user %s (as cogscope login does on the local stack).\n", t.Username)
	return res.Tokens, nil
}

// Config reads API Gateway's configuration with the target's AWS
// credentials, once. Without credentials (or with some APIs unreadable)
// it says on stderr what it could not read and returns what it has.
func (c *Context) Config(ctx context.Context) *apiconfig.Config {
	c.once.Do(func() {
		t := c.Target
		if !c.hasAWSCredentials(ctx) {
			c.cfgErr = errors.New("no AWS credentials (set AWS_PROFILE, or aws_profile in the profile)")
		} else if cfg, err := c.f.AWSConfig(ctx, t); err != nil {
			c.cfgErr = err
		} else {
			region := cmdutil.FirstNonEmpty(t.Region, cfg.Region)
			clients := apiconfig.Clients{HTTP: awsclient.APIGatewayV2(cfg, t.Endpoint), REST: awsclient.APIGateway(cfg, t.Endpoint)}
			c.cfg, c.cfgErr = apiconfig.Read(ctx, clients, apiconfig.Options{Endpoint: t.Endpoint, Region: region})
		}
		if c.cfgErr != nil {
			fmt.Fprintf(c.io.ErrOut, "note: could not read API Gateway's configuration (%s); going on with the profile's routes and the answer alone.\n", termtext.Line(c.cfgErr.Error()))
		}
	})
	return c.cfg
}

// Explainer builds the explanation of a refusal: the route's authorizer
// from API Gateway's configuration, the JWKS cache, the target's clock.
func (c *Context) Explainer(ctx context.Context) *apicall.Explainer {
	x := &apicall.Explainer{Config: c.Config(ctx), Keys: c.keys, Now: c.f.Clock()}
	if c.Target.Endpoint != "" {
		x.PoolIssuer = apicall.LocalPoolIssuer(c.Target.Endpoint)
	}
	return x
}

// OnStack says whether u is on the target's local stack.
func (c *Context) OnStack(u string) bool {
	e := strings.TrimRight(c.Target.Endpoint, "/")
	return e != "" && (u == e || strings.HasPrefix(u, e+"/"))
}
