// Package cmdutil is what cogscope's commands share, shaped like cli/cli's
// pkg/cmdutil: the Factory that builds a command's dependencies lazily
// (streams, environment, clock, HTTP client, the config file's profile,
// the session store, the resolved Target and the AWS configuration for
// it), the exit codes and their error type, the root's global flags and
// the command runner, and the helpers several commands use (stdin lines,
// the browser, the local stack's demo pool).
//
// A command lives in its own package under cmd/internal/cli and is built
// by NewCmdX(f *cmdutil.Factory, runF func(*XOptions) error); see
// docs/architecture.md.
package cmdutil

import (
	"context"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"golang.org/x/term"

	"github.com/cogscope/cogscope/cmd/internal/config"
	"github.com/cogscope/cogscope/internal/transcript"
)

// IOStreams are the streams a command reads and writes. Data goes to Out,
// messages for people to ErrOut.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	// InTTY, OutTTY and ErrTTY say whether In, Out and ErrOut are
	// terminals; tests set them.
	InTTY  bool
	OutTTY bool
	ErrTTY bool
	// InFd is the file descriptor of In when it is a terminal, for
	// reading a password with echo off.
	InFd int
}

// ColorFor says whether to colour a stream's text (tail, call --logs,
// inspect): the stream is a terminal and NO_COLOR is unset or empty.
func ColorFor(outTTY bool, env func(string) string) bool {
	return outTTY && (env == nil || env("NO_COLOR") == "")
}

// Factory holds the dependencies of every command, built lazily, so tests
// can swap in fakes. The fields are what a test sets; the methods are what
// a command calls.
type Factory struct {
	IO   IOStreams
	Env  func(key string) string
	Now  func() time.Time
	HTTP *http.Client
	// Global holds the root's flags (--endpoint, --config, --profile,
	// --region) once cobra has parsed them.
	Global GlobalOptions
	// AWSConfigFunc builds the SDK configuration of a target; nil is
	// DefaultAWSConfig. Tests give a hermetic one.
	AWSConfigFunc func(ctx context.Context, f *Factory, t Target) (aws.Config, error)
	// EphemeralTranscripts, when set, is where the sessions of a target
	// on the in-process local stack are recorded (nil, or a nil store:
	// they are not, the stack ends with the command). The console sets it
	// for its demo, so that its export key has something to write.
	EphemeralTranscripts func() *transcript.Store
	// OpenBrowser, when set, opens a URL instead of $BROWSER or the
	// desktop's opener (see Browser): a test's scripted browser.
	OpenBrowser func(url string) error

	// debug and progress watch every HTTP exchange once InstallHTTPHooks
	// has run: --debug's log, a terminal's progress line.
	debug    *debugLog
	progress *progress
	hooked   bool
}

// NewSystemFactory wires the factory to the real process.
func NewSystemFactory() *Factory {
	return &Factory{
		IO: IOStreams{
			In:     os.Stdin,
			Out:    os.Stdout,
			ErrOut: os.Stderr,
			InTTY:  term.IsTerminal(int(os.Stdin.Fd())),
			OutTTY: term.IsTerminal(int(os.Stdout.Fd())),
			ErrTTY: term.IsTerminal(int(os.Stderr.Fd())),
			InFd:   int(os.Stdin.Fd()),
		},
		Env:  os.Getenv,
		Now:  time.Now,
		HTTP: NewHTTPClient(),
	}
}

// AWSConfig builds the SDK configuration for t: hermetic dummy
// credentials for a loopback endpoint (the local stack), the standard
// credential chain otherwise (see DefaultAWSConfig). Nothing is read
// until a command asks.
func (f *Factory) AWSConfig(ctx context.Context, t Target) (aws.Config, error) {
	build := DefaultAWSConfig
	if f.AWSConfigFunc != nil {
		build = f.AWSConfigFunc
	}
	cfg, err := build(ctx, f, t)
	if err != nil {
		return cfg, err
	}
	cfg.HTTPClient = f.watchDoer(cfg.HTTPClient)
	return cfg, nil
}

// InstallHTTPHooks puts --debug's log (when f.Global.Debug) and, on a
// terminal's stderr, the progress line of slow requests (unless
// noProgress: the console draws the screen itself) on the factory's HTTP
// client; AWSConfig puts them on the SDK's client. The root command runs
// it once the flags are parsed.
func (f *Factory) InstallHTTPHooks(noProgress bool) {
	if f.Global.Debug && f.debug == nil {
		f.debug = &debugLog{w: f.IO.ErrOut, now: f.Clock()}
	}
	if f.IO.ErrTTY && !noProgress && f.progress == nil {
		f.progress = &progress{w: f.IO.ErrOut, after: progressAfter, tick: time.Second}
	}
	if f.hooked {
		return // a factory run twice (tests) is hooked once
	}
	f.hooked = true
	c := f.HTTPClient()
	wrapped := *c
	wrapped.Transport = f.watchTransport(c.Transport)
	f.HTTP = &wrapped
}

// watchTransport wraps next in the installed hooks.
func (f *Factory) watchTransport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	if f.progress != nil {
		next = progressTransport{next: next, p: f.progress}
	}
	if f.debug != nil {
		next = debugTransport{next: next, log: f.debug}
	}
	return next
}

// watchDoer wraps an SDK client in the installed hooks, unless it is the
// factory's own client (the local stack's configuration), which has them.
func (f *Factory) watchDoer(next aws.HTTPClient) aws.HTTPClient {
	if next == nil || next == aws.HTTPClient(f.HTTP) {
		return next
	}
	if f.progress != nil {
		next = progressDoer{next: next, p: f.progress}
	}
	if f.debug != nil {
		next = debugDoer{next: next, log: f.debug}
	}
	return next
}

// HTTPClient is the client for everything that is not an AWS API call
// (token endpoints, discovery, JWKS, API Gateway routes): bounded in time
// and response size.
func (f *Factory) HTTPClient() *http.Client {
	if f.HTTP == nil {
		f.HTTP = NewHTTPClient()
	}
	return f.HTTP
}

// Clock is the factory's clock (time.Now unless a test fixes it).
func (f *Factory) Clock() func() time.Time {
	if f.Now == nil {
		return time.Now
	}
	return f.Now
}

// Paths are the XDG config and state locations under the factory's
// environment.
func (f *Factory) Paths() config.Paths {
	return config.DefaultPaths(f.Env)
}

// Sessions is the session store (saved tokens and devices) under the
// XDG state directory.
func (f *Factory) Sessions() *config.Store {
	return config.NewStore(f.Paths().StateDir)
}
