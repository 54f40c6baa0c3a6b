package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/spf13/cobra"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/inspect"
	"github.com/cogscope/cogscope/internal/awsclient"
	"github.com/cogscope/cogscope/ui"
	"github.com/cogscope/cogscope/ui/service"
)

// localHint tells a user of the local stack how to reach AWS instead.
const localHint = "--profile NAME or --endpoint URL targets AWS"

// runConsole opens the interactive console (plain `cogscope`): it builds
// the services the views need and runs the program in the alternate
// screen. Bubble Tea restores the terminal on quit, on Ctrl-C (a key in raw
// mode, or SIGINT through the context) and on a panic.
func runConsole(cmd *cobra.Command, f *Factory) error {
	if !f.IO.OutTTY || !f.IO.InTTY {
		return usageErr("the console needs a terminal; without one use `cogscope login`, `cogscope inspect` or `cogscope local`")
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	c := newConsole(ctx, f)
	defer c.close()
	progOpts := []tea.ProgramOption{
		tea.WithContext(ctx),
		tea.WithInput(f.IO.In),
		tea.WithOutput(f.IO.Out),
	}
	opts := c.options()
	if opts.NoColor {
		// NO_COLOR means any non-empty value (no-color.org), while the
		// terminal detection only honours values that parse as true.
		progOpts = append(progOpts, tea.WithColorProfile(colorprofile.Ascii))
	}
	_, err := tea.NewProgram(ui.New(opts), progOpts...).Run()
	switch {
	case err == nil, errors.Is(err, tea.ErrInterrupted):
		return nil
	case errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil:
		return nil // SIGINT/SIGTERM: the terminal is restored, nothing failed
	}
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf("console: %w", err)}
}

// console holds what the console's services share: the target, which is
// final only once the local stack has started (after the first frame).
type console struct {
	ctx context.Context
	f   *Factory

	mu     sync.Mutex
	target service.Target
	stop   func()        // stops the in-process stack
	done   chan struct{} // closed when connect has returned
	keys   *inspect.Cache
}

func newConsole(ctx context.Context, f *Factory) *console {
	c := &console{ctx: ctx, f: f, done: make(chan struct{}),
		keys: inspect.NewCache(inspect.CacheOptions{Client: f.HTTP, Now: f.Now})}
	g := f.Global
	c.target = service.Target{Region: g.Region, Scopes: "openid email profile"}
	switch {
	case g.Profile != "" && g.Endpoint == "":
		// Profiles (a real pool on AWS) are not resolved here yet: the
		// header names the profile and sign-in says what is missing.
		c.target.Kind, c.target.Profile = service.TargetAWS, g.Profile
	case g.Endpoint != "":
		c.target.Kind, c.target.Endpoint = service.TargetEndpoint, g.Endpoint
	default:
		c.target.Kind, c.target.Hint = service.TargetLocal, localHint
	}
	return c
}

func (c *console) options() ui.Options {
	o := ui.Options{
		Target:  c.current(),
		SignIn:  service.NewSignIn(c.prepare),
		Tokens:  consoleTokens{c: c},
		NoColor: c.f.Env("NO_COLOR") != "",
		Now:     c.f.Now,
	}
	if c.target.Kind == service.TargetAWS {
		close(c.done)
	} else {
		o.Connect = c.connect
	}
	return o
}

// connect targets the local stack's demo pool: the stack started here on
// a free loopback port, or the `cogscope local` at --endpoint (as login
// does). It runs in a Cmd: starting the stack takes longer than a frame.
func (c *console) connect(context.Context) (service.Target, error) {
	defer close(c.done)
	c.mu.Lock()
	t := c.target
	c.mu.Unlock()
	demo, stop, err := localDemoTarget(c.ctx, c.f, t.Endpoint)
	if err != nil {
		return t, err
	}
	t.Endpoint, t.Region, t.PoolID, t.ClientID = demo.Endpoint, demo.Region, demo.UserPoolID, demo.ClientID
	// The demo user's password is public (README); pre-filling it makes
	// the first sign-in three presses of enter.
	t.Username, t.Password = demo.Username, demo.Password
	c.mu.Lock()
	c.target, c.stop = t, stop
	c.mu.Unlock()
	return t, nil
}

// close stops the stack, waiting briefly for a start still under way.
func (c *console) close() {
	select {
	case <-c.done:
	case <-time.After(5 * time.Second):
	}
	c.mu.Lock()
	stop := c.stop
	c.mu.Unlock()
	if stop != nil {
		stop()
	}
}

func (c *console) current() service.Target {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.target
}

// api is the anonymous user-pools client for the target.
func (c *console) api(t service.Target) flows.API {
	return awsclient.AnonymousCognito(awsclient.Static(regionOr(t.Region), c.f.HTTP), t.Endpoint)
}

func regionOr(r string) string {
	if r == "" {
		return "us-east-1"
	}
	return r
}

// errNoPool is the sign-in's answer while the target names no pool.
var errNoPool = &service.Failure{
	Message:   "no user pool and app client to sign in to",
	Diagnosis: "The console has no target pool: the local stack is still starting, or profiles from the config file are not wired into the console yet.",
	Fix:       "Wait for the header to show the local stack, use `cogscope login --profile NAME`, or paste a token on the Tokens view (2, then p).",
}

// prepare runs the SRP, password and refresh flows of package flows,
// recording steps unredacted (the console masks them).
func (c *console) prepare(req service.SignInRequest) (service.RunFunc, error) {
	t := c.current()
	if t.PoolID == "" || t.ClientID == "" {
		return nil, errNoPool
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
		return nil, &service.Failure{Message: "the " + string(req.Flow) + " flow arrives with the hosted-UI client (flows/oauth)"}
	}
	api := c.api(t)
	return func(ctx context.Context, onStep func(flows.Step), ask flows.Answerer) (*flows.Tokens, error) {
		fl, err := flows.New(flows.Options{
			Kind: kind, API: api, UserPoolID: t.PoolID, ClientID: t.ClientID,
			Username: req.Username, Password: req.Password, RefreshToken: req.RefreshToken,
			Reveal: true, OnStep: onStep, Now: c.f.Now,
		})
		if err != nil {
			return nil, failureOf(err)
		}
		res, err := flows.Run(ctx, fl, ask)
		if err != nil {
			return nil, failureOf(err)
		}
		return res.Tokens, nil
	}, nil
}

// failureOf keeps Cognito's words and adds flows' diagnosis.
func failureOf(err error) *service.Failure {
	d := flows.Diagnose(err)
	f := &service.Failure{Op: d.Operation, Code: d.Type, Message: d.Message, RequestID: d.RequestID,
		Diagnosis: d.Cause, Fix: d.Fix, Err: err}
	var ne net.Error
	var ue *url.Error
	if d.Type == "" && (errors.As(err, &ne) || errors.As(err, &ue)) {
		f.Transport = true
	}
	return f
}

// consoleTokens inspects with package inspect (JWKS fetched over the
// factory's HTTP client and cached) and refreshes with package flows.
type consoleTokens struct{ c *console }

func (ct consoleTokens) Describe(raw string) *inspect.Report {
	return inspect.Describe(raw, ct.c.f.Now())
}

func (ct consoleTokens) Inspect(ctx context.Context, raw string, use service.TokenUse) (*inspect.Report, error) {
	t := ct.c.current()
	opts := inspect.Options{Now: ct.c.f.Now, Keys: ct.c.keys}
	if t.PoolID != "" {
		opts.Issuer = inspect.CognitoIssuer(regionOr(t.Region), t.PoolID)
		if t.Endpoint != "" {
			opts.Issuer = t.Endpoint + "/" + t.PoolID // the local stack's issuer
		}
	}
	if t.ClientID != "" && use != service.TokenUnknown {
		opts.ClientIDs = []string{t.ClientID}
	}
	switch use {
	case service.TokenID, service.TokenAccess:
		opts.TokenUse = string(use)
	}
	v, err := inspect.NewVerifier(opts)
	if err != nil {
		return nil, fmt.Errorf("inspect: %w", err)
	}
	r, err := v.Verify(ctx, raw)
	if r == nil && err != nil {
		// Empty input and the like: a description says what it is.
		return inspect.Describe(raw, ct.c.f.Now()), nil
	}
	return r, err
}

func (ct consoleTokens) Refresh(ctx context.Context, s flows.Tokens) (flows.Tokens, error) {
	t := ct.c.current()
	if t.PoolID == "" || t.ClientID == "" {
		return flows.Tokens{}, errNoPool
	}
	fl, err := flows.New(flows.Options{Kind: flows.KindRefresh, API: ct.c.api(t), UserPoolID: t.PoolID,
		ClientID: t.ClientID, RefreshToken: s.RefreshToken, AccessToken: s.AccessToken, Now: ct.c.f.Now})
	if err != nil {
		return flows.Tokens{}, failureOf(err)
	}
	res, err := flows.Run(ctx, fl, flows.NonInteractive)
	if err != nil {
		return flows.Tokens{}, failureOf(err)
	}
	return *res.Tokens, nil
}
