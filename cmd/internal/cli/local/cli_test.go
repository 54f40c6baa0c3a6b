package local

import (
	"context"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
)

// runCLI runs a command line as cogscope would, with local under the
// root's global flags.
func runCLI(ctx context.Context, f *cmdutil.Factory, args []string) int {
	root := cmdutil.NewRootCmd(f)
	root.AddCommand(NewCmdLocal(f, nil))
	return cmdutil.Execute(ctx, f, root, args)
}
