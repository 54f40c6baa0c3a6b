package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// NewCmdLogin signs in. (Placeholder: the flows issue fills it in.)
func NewCmdLogin(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "login",
		Short: "Sign in to a Cognito user pool and print the tokens and the trace",
		RunE: func(*cobra.Command, []string) error {
			return &ExitError{Code: ExitUsage, Err: errors.New("login: not implemented yet")}
		},
	}
}
