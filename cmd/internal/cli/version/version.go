// Package version is `cogscope version`.
package version

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cogscope/cogscope/cmd/internal/build"
	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
)

// VersionOptions are `cogscope version`'s inputs.
type VersionOptions struct {
	IO   *cmdutil.IOStreams
	JSON bool
}

// NewCmdVersion prints the build's version, commit and date. runF, when
// not nil, is called with the parsed options instead of versionRun.
func NewCmdVersion(f *cmdutil.Factory, runF func(*VersionOptions) error) *cobra.Command {
	o := &VersionOptions{IO: &f.IO}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print cogscope's version",
		Example: `  cogscope version
  cogscope --version
  cogscope version --json | jq -r .version`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(o)
			}
			return versionRun(o)
		},
	}
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print as JSON")
	return cmd
}

func versionRun(o *VersionOptions) error {
	bi := build.Get()
	if o.JSON {
		return json.NewEncoder(o.IO.Out).Encode(bi)
	}
	_, err := fmt.Fprintln(o.IO.Out, Line())
	return err
}

// Line is the one line `cogscope version` and `cogscope --version` print:
// "cogscope v1.2.3 (0123456789ab, 2026-01-02T03:04:05Z) go1.26".
func Line() string {
	bi := build.Get()
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
	return line + " " + bi.GoVersion
}
