package console

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/cogscope/cogscope/cmd/internal/cli/login"
	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
)

// runCLI runs a command line as cogscope would: no command is the
// console, and login (which some tests sign in with) is there too.
func runCLI(ctx context.Context, f *cmdutil.Factory, args []string) int {
	root := cmdutil.NewRootCmd(f)
	root.RunE = func(cmd *cobra.Command, _ []string) error {
		return ConsoleRun(cmd.Context(), NewConsoleOptions(f))
	}
	root.AddCommand(login.NewCmdLogin(f, nil))
	return cmdutil.Execute(ctx, f, root, args)
}
