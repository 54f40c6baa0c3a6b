package cli

import (
	"encoding/json"
	"fmt"

	"github.com/cogscope/cogscope/cmd/internal/build"
	"github.com/spf13/cobra"
)

// NewCmdVersion prints the build's version, commit and date.
func NewCmdVersion(f *Factory) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print cogscope's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			bi := build.Get()
			if asJSON {
				return json.NewEncoder(f.IO.Out).Encode(bi)
			}
			line := "cogscope " + bi.Version
			if bi.Commit != "" {
				c := bi.Commit
				if len(c) > 12 {
					c = c[:12]
				}
				line += " (" + c
				if bi.Modified {
					line += ", modified"
				}
				if bi.Date != "" {
					line += ", " + bi.Date
				}
				line += ")"
			}
			_, err := fmt.Fprintf(f.IO.Out, "%s %s\n", line, bi.GoVersion)
			return err
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}
