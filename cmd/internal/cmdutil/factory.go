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
)

// IOStreams are the streams a command reads and writes. Data goes to Out,
// messages for people to ErrOut.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	// InTTY and OutTTY say whether In and Out are terminals; tests set them.
	InTTY  bool
	OutTTY bool
	// InFd is the file descriptor of In when it is a terminal, for
	// reading a password with echo off.
	InFd int
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
	if f.AWSConfigFunc != nil {
		return f.AWSConfigFunc(ctx, f, t)
	}
	return DefaultAWSConfig(ctx, f, t)
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
