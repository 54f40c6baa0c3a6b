package login

import (
	"context"

	"github.com/cogscope/cogscope/cmd/internal/cli/inspect"
	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
)

// runCLI runs a command line as cogscope would, with login (and inspect,
// which some tests read the saved session with) under the root's global
// flags.
func runCLI(ctx context.Context, f *cmdutil.Factory, args []string) int {
	root := cmdutil.NewRootCmd(f)
	root.AddCommand(NewCmdLogin(f, nil), inspect.NewCmdInspect(f, nil))
	return cmdutil.Execute(ctx, f, root, args)
}
