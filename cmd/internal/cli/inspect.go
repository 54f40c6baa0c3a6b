package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// NewCmdInspect decodes and verifies a token. (Placeholder: the inspector
// issue fills it in.)
func NewCmdInspect(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "inspect [TOKEN | -]",
		Short: "Decode, verify and explain a JWT",
		RunE: func(*cobra.Command, []string) error {
			return &ExitError{Code: ExitUsage, Err: errors.New("inspect: not implemented yet")}
		},
	}
}
