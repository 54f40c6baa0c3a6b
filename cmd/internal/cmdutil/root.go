package cmdutil

import (
	"context"
	"errors"
	"fmt"

	"github.com/cogscope/cogscope/internal/termtext"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// GlobalOptions are the flags every command shares.
type GlobalOptions struct {
	Endpoint   string // --endpoint / COGSCOPE_ENDPOINT
	ConfigPath string // --config
	Profile    string // --profile / COGSCOPE_PROFILE
	Region     string // --region
}

// NewRootCmd is the bare root command: the global flags bound to
// f.Global, flag errors as usage errors, cobra's own printing off (Execute
// prints). The command tree (cmd/internal/cli) adds the help, the console
// and the subcommands; a command's tests add only what they run.
func NewRootCmd(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:           "cogscope",
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
	}
	pf := root.PersistentFlags()
	pf.StringVar(&f.Global.Endpoint, "endpoint", f.Env("COGSCOPE_ENDPOINT"), "send every AWS call to this endpoint URL (the local stack or an emulator) [$COGSCOPE_ENDPOINT]")
	pf.StringVar(&f.Global.ConfigPath, "config", f.Env("COGSCOPE_CONFIG"), "config file (default: $XDG_CONFIG_HOME/cogscope/config.toml) [$COGSCOPE_CONFIG]")
	pf.StringVar(&f.Global.Profile, "profile", f.Env("COGSCOPE_PROFILE"), "named profile from the config file [$COGSCOPE_PROFILE]")
	pf.StringVar(&f.Global.Region, "region", "", "AWS region (default: the profile's, then the AWS configuration's)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &ExitError{Code: ExitUsage, Err: err}
	})
	return root
}

// Execute runs one command line on root with the factory's streams and
// returns the exit code: an ExitError's code (its message on stderr as
// one line unless Silent), ExitUsage for cobra's flag and argument errors.
func Execute(ctx context.Context, f *Factory, root *cobra.Command, args []string) int {
	root.SetArgs(args)
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		if !ee.Silent {
			fmt.Fprintf(f.IO.ErrOut, "cogscope: %s\n", termtext.Block(fmt.Sprint(ee.Err)))
		}
		return ee.Code
	}
	// Flag and argument errors from cobra itself.
	fmt.Fprintf(f.IO.ErrOut, "cogscope: %s\n", termtext.Block(fmt.Sprint(err)))
	return ExitUsage
}

// FlagsSet names the flags given on cmd's command line, for the
// Options' "was this flag set" facts: run functions never see cobra.
func FlagsSet(cmd *cobra.Command) map[string]bool {
	set := map[string]bool{}
	cmd.Flags().Visit(func(fl *pflag.Flag) { set[fl.Name] = true })
	return set
}
