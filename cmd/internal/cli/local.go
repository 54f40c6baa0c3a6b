package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// NewCmdLocal starts the local stack. (Placeholder: the foundation issue
// fills it in.)
func NewCmdLocal(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "local",
		Short: "Run the local AWS stack (Cognito, hosted UI, JWKS) in the foreground",
		RunE: func(*cobra.Command, []string) error {
			return &ExitError{Code: ExitUsage, Err: errors.New("local: not implemented yet")}
		},
	}
}
