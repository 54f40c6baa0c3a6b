// Package cli is cogscope's command tree, shaped like cli/cli's: one
// package per command (login, inspect, local, console, version), each with
// an XOptions struct, a NewCmdX(f, runF) constructor and an xRun(opts)
// that never sees cobra, all built on cmd/internal/cmdutil's Factory.
// This package only assembles the tree and runs it.
package cli

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/cogscope/cogscope/cmd/internal/cli/call"
	"github.com/cogscope/cogscope/cmd/internal/cli/console"
	"github.com/cogscope/cogscope/cmd/internal/cli/credentials"
	"github.com/cogscope/cogscope/cmd/internal/cli/initcmd"
	"github.com/cogscope/cogscope/cmd/internal/cli/inspect"
	"github.com/cogscope/cogscope/cmd/internal/cli/local"
	"github.com/cogscope/cogscope/cmd/internal/cli/login"
	"github.com/cogscope/cogscope/cmd/internal/cli/tail"
	"github.com/cogscope/cogscope/cmd/internal/cli/version"
	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
)

// Main runs cogscope with the process's arguments and streams and returns
// the exit code.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, cmdutil.NewSystemFactory(), os.Args[1:])
}

// Run executes one command line with the given factory and returns the
// exit code.
func Run(ctx context.Context, f *cmdutil.Factory, args []string) int {
	return cmdutil.Execute(ctx, f, NewCmdRoot(f), args)
}

// NewCmdRoot builds the whole command tree. Without a command, cogscope
// is the console.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	root := cmdutil.NewRootCmd(f)
	root.Short = "Debug AWS Cognito sign-in end to end"
	root.Long = `cogscope walks through Cognito sign-in flows step by step, inspects the tokens
field by field, calls protected API Gateway routes and tails the authorizer's
logs. With no AWS target configured it runs against a local stack.`
	root.RunE = func(cmd *cobra.Command, _ []string) error {
		return console.ConsoleRun(cmd.Context(), console.NewConsoleOptions(f))
	}
	root.AddCommand(
		version.NewCmdVersion(f, nil),
		local.NewCmdLocal(f, nil),
		login.NewCmdLogin(f, nil),
		inspect.NewCmdInspect(f, nil),
		call.NewCmdCall(f, nil),
		tail.NewCmdTail(f, nil),
		credentials.NewCmdCredentials(f, nil),
		initcmd.NewCmdInit(f, nil),
	)
	return root
}
