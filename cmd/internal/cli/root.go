// Package cli is cogscope's command tree: one file per command, each with an
// options struct, a NewCmdX constructor and a runX function that does the
// work through the Factory, so every command can be tested with fake
// streams, environment and clock.
package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/cogscope/cogscope/internal/termtext"
)

// Exit codes, documented in the README.
const (
	ExitOK      = 0 // success: tokens obtained, token valid, server stopped cleanly
	ExitRefused = 1 // the service refused (Cognito error, failed token check)
	ExitUsage   = 2 // bad flags or input, I/O or network failure
)

// ExitError carries an exit code out of a command. Its message is printed
// on stderr as one line, unless Silent is set because the command already
// said what went wrong.
type ExitError struct {
	Code   int
	Err    error
	Silent bool
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// usageErr is a bad-input error (exit 2).
func usageErr(format string, args ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, args...)}
}

// GlobalOptions are the flags every command shares.
type GlobalOptions struct {
	Endpoint   string // --endpoint / COGSCOPE_ENDPOINT
	ConfigPath string // --config
	Profile    string // --profile / COGSCOPE_PROFILE
	Region     string // --region
}

// Main runs cogscope with the process's arguments and streams and returns
// the exit code.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, NewSystemFactory(), os.Args[1:])
}

// Run executes one command line with the given factory and returns the
// exit code.
func Run(ctx context.Context, f *Factory, args []string) int {
	root := NewCmdRoot(f)
	root.SetArgs(args)
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		if !ee.Silent {
			fmt.Fprintf(f.IO.ErrOut, "cogscope: %s\n", termtext.Block(fmt.Sprint(ee.Err)))
		}
		return ee.Code
	}
	// Flag and argument errors from cobra itself.
	fmt.Fprintf(f.IO.ErrOut, "cogscope: %s\n", termtext.Block(fmt.Sprint(err)))
	return ExitUsage
}

// NewCmdRoot builds the whole command tree.
func NewCmdRoot(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "cogscope",
		Short: "Debug AWS Cognito sign-in end to end",
		Long: `cogscope walks through Cognito sign-in flows step by step, inspects the tokens
field by field, calls protected API Gateway routes and tails the authorizer's
logs. With no AWS target configured it runs against a local stack.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runConsole(cmd, f)
		},
	}
	pf := root.PersistentFlags()
	pf.StringVar(&f.Global.Endpoint, "endpoint", f.Env("COGSCOPE_ENDPOINT"), "send every AWS call to this endpoint URL (the local stack or an emulator) [$COGSCOPE_ENDPOINT]")
	pf.StringVar(&f.Global.ConfigPath, "config", f.Env("COGSCOPE_CONFIG"), "config file (default: $XDG_CONFIG_HOME/cogscope/config.toml) [$COGSCOPE_CONFIG]")
	pf.StringVar(&f.Global.Profile, "profile", f.Env("COGSCOPE_PROFILE"), "named profile from the config file [$COGSCOPE_PROFILE]")
	pf.StringVar(&f.Global.Region, "region", "", "AWS region (default: the profile's, then the AWS configuration's)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &ExitError{Code: ExitUsage, Err: err}
	})

	root.AddCommand(
		NewCmdVersion(f),
		NewCmdLocal(f),
		NewCmdLogin(f),
		NewCmdInspect(f),
	)
	return root
}
