// Package cli is cogscope's command tree, shaped like cli/cli's: one
// package per command (login, inspect, local, console, version, doctor,
// explain), each with an XOptions struct, a NewCmdX(f, runF) constructor
// and an xRun(opts) that never sees cobra, all built on
// cmd/internal/cmdutil's Factory.
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
	"github.com/cogscope/cogscope/cmd/internal/cli/doctor"
	"github.com/cogscope/cogscope/cmd/internal/cli/explain"
	"github.com/cogscope/cogscope/cmd/internal/cli/initcmd"
	"github.com/cogscope/cogscope/cmd/internal/cli/inspect"
	"github.com/cogscope/cogscope/cmd/internal/cli/local"
	"github.com/cogscope/cogscope/cmd/internal/cli/login"
	"github.com/cogscope/cogscope/cmd/internal/cli/logout"
	"github.com/cogscope/cogscope/cmd/internal/cli/replay"
	"github.com/cogscope/cogscope/cmd/internal/cli/tail"
	"github.com/cogscope/cogscope/cmd/internal/cli/token"
	"github.com/cogscope/cogscope/cmd/internal/cli/transcriptcmd"
	"github.com/cogscope/cogscope/cmd/internal/cli/userinfo"
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
	root.Example = `  cogscope                                  # the console, on the local stack's demo pool
  cogscope --profile dev                    # the console on a configured pool
  cogscope --user-pool-id eu-west-1_AbCdEfGhI --client-id 1example23456789   # the console on a pool, no config file
  cogscope login --username demo --password-stdin <<<'Passw0rd!'
  cogscope token access                     # the saved session's access token, for a shell
  cogscope --debug login …                  # every HTTP exchange on stderr`
	root.Version = version.Line()
	root.SetVersionTemplate("{{.Version}}\n")
	co := console.NewConsoleOptions(f)
	console.AddConsoleFlags(root, co)
	root.RunE = func(cmd *cobra.Command, _ []string) error {
		return console.ConsoleRun(cmd.Context(), co)
	}
	inspectCmd := inspect.NewCmdInspect(f, nil)
	cmdutil.CompleteValues(inspectCmd, "token-use", "id\tan ID token", "access\tan access token")
	cmdutil.CompleteValues(inspectCmd, "session", "id\tthe saved ID token", "access\tthe saved access token")
	cmdutil.CompleteValues(inspectCmd, "authorizer", "http-jwt\tHTTP API JWT authorizer", "rest-cognito\tREST COGNITO_USER_POOLS authorizer")
	doctorCmd := doctor.NewCmdDoctor(f, nil)
	cmdutil.CompleteValues(doctorCmd, "flow", cmdutil.DoctorFlows...)
	if doctorCmd.Example == "" {
		doctorCmd.Example = `  cogscope doctor                            # the local stack's demo pool
  cogscope --profile dev doctor --flow pkce
  cogscope doctor --user-pool-id eu-west-1_AbCdEfGhI --client-id 1example23456789 --json`
	}
	explainCmd := explain.NewCmdExplain(f, nil)
	if explainCmd.Example == "" {
		explainCmd.Example = `  cogscope explain 'NotAuthorizedException: Incorrect username or password.'
  cogscope explain cognito.NotAuthorizedException.incorrect-password-srp
  pbpaste | cogscope explain`
	}
	callCmd := call.NewCmdCall(f, nil)
	cmdutil.CompleteValues(callCmd, "token", "access\tthe saved access token", "id\tthe saved ID token", "none\tno token")
	cmdutil.CompleteValues(callCmd, "auth-scheme", "bearer\tAuthorization: Bearer <token>", "raw\tthe bare token")
	tailCmd := tail.NewCmdTail(f, nil)
	credentialsCmd := credentials.NewCmdCredentials(f, nil)
	cmdutil.CompleteValues(credentialsCmd, "flow", "enhanced\tGetId + GetCredentialsForIdentity", "basic\tGetOpenIdToken + AssumeRoleWithWebIdentity")
	if credentialsCmd.Example == "" {
		credentialsCmd.Example = `  cogscope credentials                                    # the local stack's demo pools
  cogscope --profile dev credentials --identity-pool-id eu-west-1:0c5d7a8e-1b2c-4d3e-9f80-123456789abc
  eval "$(cogscope --profile dev credentials --identity-pool-id eu-west-1:0c5d7a8e-1b2c-4d3e-9f80-123456789abc --export)"
  cogscope credentials --flow basic --role-arn arn:aws:iam::123456789012:role/app`
	}
	cmdutil.CompleteValues(tailCmd, "format", "short\tone line an event", "detailed\tgroup/stream, JSON pretty-printed")
	root.AddCommand(
		version.NewCmdVersion(f, nil),
		local.NewCmdLocal(f, nil),
		login.NewCmdLogin(f, nil),
		inspectCmd,
		callCmd,
		tailCmd,
		credentialsCmd,
		token.NewCmdToken(f, nil),
		userinfo.NewCmdUserinfo(f, nil),
		logout.NewCmdLogout(f, nil),
		doctorCmd,
		explainCmd,
		initcmd.NewCmdInit(f, nil),
		transcriptcmd.NewCmdTranscript(f, nil),
		replay.NewCmdReplay(f, nil),
	)
	return root
}
