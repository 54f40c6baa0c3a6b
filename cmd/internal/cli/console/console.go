// Package console is the interactive console (plain `cogscope`): this
// file runs the program and holds what its services share; target.go
// shows where it points, signin.go runs the flows, tokens.go inspects and
// refreshes, session.go keeps sessions, api.go and logs.go serve views 3
// and 4, doctor.go checks the target and explains pasted errors.
package console

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/spf13/cobra"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/cmd/internal/config"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/flows/oauth"
	"github.com/cogscope/cogscope/inspect"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/tour"
	"github.com/cogscope/cogscope/ui"
	"github.com/cogscope/cogscope/ui/service"
)

// ConsoleOptions are the console's inputs (plain `cogscope`): its
// streams, and the factory that resolves the target and builds the
// services (AWS configuration, HTTP client, clock, session store,
// browser, the in-process local stack).
type ConsoleOptions struct {
	IO      *cmdutil.IOStreams
	Factory *cmdutil.Factory

	// UserPoolID and ClientID are the root's --user-pool-id and
	// --client-id: a pool without a config file.
	UserPoolID, ClientID string
}

// AddConsoleFlags puts the console's own flags on the root command (not
// persistent: login and the others have theirs).
func AddConsoleFlags(root *cobra.Command, o *ConsoleOptions) {
	fl := root.Flags()
	fl.StringVar(&o.UserPoolID, "user-pool-id", "", "console: user pool ID (region_id form), over the profile's")
	fl.StringVar(&o.ClientID, "client-id", "", "console: app client ID, over the profile's")
}

// NewConsoleOptions are the console's options from the factory; the root
// command runs ConsoleRun with them.
func NewConsoleOptions(f *cmdutil.Factory) *ConsoleOptions {
	return &ConsoleOptions{IO: &f.IO, Factory: f}
}

// ConsoleRun opens the interactive console: it resolves the target (as
// login does), builds the services the views need and runs the program in
// the alternate screen. Bubble Tea restores the terminal on quit, on
// Ctrl-C (a key in raw mode, or SIGINT through the context) and on a
// panic.
func ConsoleRun(ctx context.Context, o *ConsoleOptions) error {
	f, io := o.Factory, o.IO
	if !io.OutTTY || !io.InTTY {
		return cmdutil.UsageErr("the console needs a terminal; without one use `cogscope login`, `cogscope inspect` or `cogscope local`")
	}
	if ctx == nil {
		ctx = context.Background()
	}
	bg, fixed, err := consoleBackground(f.Env)
	if err != nil {
		return err
	}
	c, err := newConsole(ctx, f, cmdutil.TargetFlags{UserPoolID: o.UserPoolID, ClientID: o.ClientID})
	if err != nil {
		return err
	}
	defer c.close()
	progOpts := []tea.ProgramOption{
		tea.WithContext(ctx),
		tea.WithInput(io.In),
		tea.WithOutput(io.Out),
	}
	opts := c.options()
	opts.Background, opts.FixedBackground = bg, fixed
	if opts.NoColor {
		// NO_COLOR means any non-empty value (no-color.org), while the
		// terminal detection only honours values that parse as true.
		progOpts = append(progOpts, tea.WithColorProfile(colorprofile.Ascii))
	}
	_, err = tea.NewProgram(ui.New(opts), progOpts...).Run()
	switch {
	case err == nil, errors.Is(err, tea.ErrInterrupted):
		return nil
	case errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil:
		return nil // SIGINT/SIGTERM: the terminal is restored, nothing failed
	}
	return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: fmt.Errorf("console: %w", err)}
}

// consoleBackground is what is known of the terminal's background before
// the console asks the terminal (OSC 11, which not every terminal
// answers): COGSCOPE_THEME=light or dark chooses for good (auto, or
// unset, leaves it to the terminal); otherwise COLORFGBG ("fg;bg", set by
// rxvt, Konsole and others) is a first guess the terminal's answer may
// replace.
func consoleBackground(env func(string) string) (bg ui.Background, fixed bool, err error) {
	switch v := strings.ToLower(strings.TrimSpace(env("COGSCOPE_THEME"))); v {
	case "light":
		return ui.BackgroundLight, true, nil
	case "dark":
		return ui.BackgroundDark, true, nil
	case "", "auto":
	default:
		return 0, false, cmdutil.UsageErr("COGSCOPE_THEME=%q: want light, dark or auto", v)
	}
	fgbg := env("COLORFGBG")
	if i := strings.LastIndexByte(fgbg, ';'); i >= 0 {
		// The background is an ANSI colour number: 0–6 and 8 are dark,
		// 7 and 9–15 light.
		if n, err := strconv.Atoi(fgbg[i+1:]); err == nil && n >= 0 && n <= 15 {
			if n == 7 || n >= 9 {
				return ui.BackgroundLight, false, nil
			}
			return ui.BackgroundDark, false, nil
		}
	}
	return ui.BackgroundAuto, false, nil
}

// console holds what the console's services share: the target, which is
// final only once the in-process local stack has started (after the
// first frame), the session store and the JWKS cache.
type console struct {
	ctx context.Context
	f   *cmdutil.Factory
	// open opens a URL in the browser: $BROWSER, else the desktop's.
	open func(string) error
	// redirectTimeout bounds the hosted UI's wait for the browser.
	redirectTimeout time.Duration
	store           *config.Store
	keys            *inspect.Cache
	// session is the saved session the console starts with.
	session *flows.Tokens
	// apiCache is API Gateway's configuration of the target, read once
	// and shared by the API and Logs views and the doctor (apiconf.go).
	apiCache apiConfigCache

	mu      sync.Mutex
	target  cmdutil.Target
	stop    func()        // stops the in-process stack
	demoDir string        // the in-process stack's recorded sessions (export.go), removed by close
	started bool          // connect has begun
	closed  bool          // close has run: connect must not start a stack
	done    chan struct{} // closed when connect has returned (or was never needed)
}

// newConsole resolves the target: a bad config file or profile is a
// usage error before anything is drawn.
func newConsole(ctx context.Context, f *cmdutil.Factory, fl cmdutil.TargetFlags) (*console, error) {
	t, err := f.ResolveTargetWith(ctx, fl)
	if err != nil {
		return nil, err
	}
	c := &console{ctx: ctx, f: f, target: t, done: make(chan struct{}),
		open:            f.Browser(),
		redirectTimeout: oauth.DefaultTimeout,
		store:           f.Sessions(),
		keys:            inspect.NewCache(inspect.CacheOptions{Client: f.HTTP, Now: f.Now})}
	if !t.Pending {
		close(c.done)
		c.session = c.loadSession()
	} else {
		// The demo records its sessions for x, until the console quits.
		f.EphemeralTranscripts = c.demoTranscripts
	}
	return c, nil
}

func (c *console) options() ui.Options {
	t := c.current()
	o := ui.Options{
		Target:  targetView(t),
		SignIn:  service.NewSignIn(c.prepare),
		Tokens:  consoleTokens{c: c},
		Session: c.session,
		OpenURL: c.open,
		NoColor: c.f.Env("NO_COLOR") != "",
		Now:     c.f.Clock(),
		Logs:    newConsoleLogs(c),
		// Read after the first frame (and after Connect): the
		// credential chain alone can take seconds.
		Providers:        c.providers,
		ExportTranscript: c.exportTranscript,
	}
	api := &consoleAPI{c: c}
	o.API = api
	o.Doctor = &consoleDoctor{c: c, api: api}
	if t.Pending {
		o.Connect = c.connect
	} else if !t.Ephemeral {
		o.SaveSession = c.saveSession
	}
	if demoStack(t) {
		o.Tour = tour.Demo()
	}
	return o
}

// demoStack reports whether the console targets the local stack's demo
// (in-process, or a `cogscope local` at --endpoint with the demo pool and
// client): only there does the tour's data hold, so only there is it
// offered.
func demoStack(t cmdutil.Target) bool {
	if t.Pending || t.Ephemeral {
		return true
	}
	return t.Endpoint != "" && t.UserPoolID == cognito.DemoPoolID && t.ClientID == cognito.DemoPublicClientID
}

// connect starts the local stack in-process on a free loopback port and
// targets its demo pool. It runs in a Cmd: starting the stack takes
// longer than a frame.
func (c *console) connect(context.Context) (service.Target, error) {
	c.mu.Lock()
	if c.closed || c.started {
		c.mu.Unlock()
		return targetView(c.current()), errors.New("the console is closing")
	}
	c.started = true
	c.mu.Unlock()
	defer close(c.done)
	demo, stop, err := c.f.LocalDemo(c.ctx, "", c.f.Global.Region)
	if err != nil {
		return targetView(c.current()), err
	}
	// Where the demo's sessions are recorded; without it (no temporary
	// directory) they are not, and x says there is nothing to export.
	dir := newDemoDir(c.f.Clock()())
	c.mu.Lock()
	defer c.mu.Unlock()
	c.target.UseDemo(demo)
	c.stop, c.demoDir = stop, dir
	return targetView(c.target), nil
}

// close stops the stack, waiting briefly for a start still under way.
func (c *console) close() {
	c.mu.Lock()
	c.closed = true
	started := c.started
	c.mu.Unlock()
	if started {
		select {
		case <-c.done:
		case <-time.After(5 * time.Second):
		}
	}
	c.mu.Lock()
	stop, dir := c.stop, c.demoDir
	c.stop, c.demoDir = nil, ""
	c.mu.Unlock()
	if stop != nil {
		stop()
	}
	if dir != "" {
		_ = os.RemoveAll(dir)
	}
}

func (c *console) current() cmdutil.Target {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.target
}
