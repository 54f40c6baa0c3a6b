package cli

import "github.com/spf13/cobra"

// runConsole opens the interactive console. Until the console lands, plain
// `cogscope` prints help.
func runConsole(cmd *cobra.Command, f *Factory) error {
	return cmd.Help()
}
