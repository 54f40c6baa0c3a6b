package cmdutil

import (
	"context"
	"errors"
	"fmt"

	"github.com/cogscope/cogscope/internal/termtext"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/cogscope/cogscope/cmd/internal/config"
)

// GlobalOptions are the flags every command shares.
type GlobalOptions struct {
	Endpoint   string // --endpoint (alias --endpoint-url) / COGSCOPE_ENDPOINT
	ConfigPath string // --config
	Profile    string // --profile / COGSCOPE_PROFILE: cogscope's config-file profile
	AWSProfile string // --aws-profile: the AWS shared-config profile (over the profile's aws_profile; AWS_PROFILE otherwise)
	Region     string // --region
	Debug      bool   // --debug: every HTTP exchange on stderr
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
	pf.StringVar(&f.Global.Endpoint, "endpoint", f.Env("COGSCOPE_ENDPOINT"), "send every AWS call to this endpoint `URL` (the local stack or an emulator); --endpoint-url is the same flag [$COGSCOPE_ENDPOINT]")
	pf.StringVar(&f.Global.ConfigPath, "config", f.Env("COGSCOPE_CONFIG"), "config `file` (default: $XDG_CONFIG_HOME/cogscope/config.toml) [$COGSCOPE_CONFIG]")
	pf.StringVar(&f.Global.Profile, "profile", f.Env("COGSCOPE_PROFILE"), "named `profile` from cogscope's config file [$COGSCOPE_PROFILE]")
	pf.StringVar(&f.Global.AWSProfile, "aws-profile", "", "AWS shared-config `profile` for AWS credentials (default: the profile's aws_profile, then $AWS_PROFILE)")
	pf.StringVar(&f.Global.Region, "region", "", "AWS `region` (default: the profile's, then the AWS configuration's)")
	pf.BoolVar(&f.Global.Debug, "debug", false, "print every HTTP exchange on stderr: method, URL, status, timing, headers (secrets masked)")
	// --endpoint-url is the AWS CLI's name for --endpoint.
	root.SetGlobalNormalizationFunc(func(_ *pflag.FlagSet, name string) pflag.NormalizedName {
		if name == "endpoint-url" {
			name = "endpoint"
		}
		return pflag.NormalizedName(name)
	})
	_ = root.RegisterFlagCompletionFunc("profile", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return f.profileNames(), cobra.ShellCompDirectiveNoFileComp
	})
	_ = root.RegisterFlagCompletionFunc("region", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return awsRegions, cobra.ShellCompDirectiveNoFileComp
	})
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		// The console (the root itself) draws the whole screen: a progress
		// line or --debug's log on the same terminal would scribble on it.
		console := !cmd.HasParent()
		if console && f.Global.Debug && f.IO.ErrTTY {
			return UsageErr("--debug does not apply to the console, which draws over the terminal; use it with a command (cogscope login --debug …), or send stderr to a file (2>debug.log)")
		}
		f.InstallHTTPHooks(console)
		return nil
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &ExitError{Code: ExitUsage, Err: err}
	})
	return root
}

// awsRegions complete --region: the regions Cognito user pools run in.
var awsRegions = []string{"us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1", "ap-south-1",
	"ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-northeast-1",
	"ap-northeast-2", "ap-northeast-3", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1",
	"eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1", "me-south-1",
	"sa-east-1", "us-gov-east-1", "us-gov-west-1"}

// profileNames are the config file's profiles, for completing --profile;
// none when it cannot be read (completion never fails loudly).
func (f *Factory) profileNames() []string {
	p := f.Global.ConfigPath
	if p == "" {
		p = f.Paths().ConfigFile
	}
	file, err := config.Load(p)
	if err != nil {
		return nil
	}
	return file.Names()
}

// Execute runs one command line on root with the factory's streams and
// returns the exit code: an ExitError's code (its message on stderr as
// one line unless Silent), ExitUsage for cobra's flag and argument errors,
// ExitInterrupted (130) for whatever failed once ctx was cancelled (Ctrl-C).
func Execute(ctx context.Context, f *Factory, root *cobra.Command, args []string) int {
	root.SetArgs(args)
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	code := ExitUsage // flag and argument errors from cobra itself
	var ee *ExitError
	if errors.As(err, &ee) {
		code = ee.Code
		if !ee.Silent {
			fmt.Fprintf(f.IO.ErrOut, "cogscope: %s\n", termtext.Block(fmt.Sprint(ee.Err)))
		}
	} else {
		fmt.Fprintf(f.IO.ErrOut, "cogscope: %s\n", termtext.Block(fmt.Sprint(err)))
	}
	if ctx.Err() != nil {
		// Ctrl-C (or SIGTERM): 130, as shells report a command killed by
		// SIGINT, whatever the command was doing when it was cut short.
		return ExitInterrupted
	}
	return code
}

// FlagsSet names the flags given on cmd's command line, for the
// Options' "was this flag set" facts: run functions never see cobra.
func FlagsSet(cmd *cobra.Command) map[string]bool {
	set := map[string]bool{}
	cmd.Flags().Visit(func(fl *pflag.Flag) { set[fl.Name] = true })
	return set
}

// CompleteValues makes the shell complete cmd's flag with values (each
// "value" or "value\tdescription"), and nothing else.
func CompleteValues(cmd *cobra.Command, flag string, values ...string) {
	_ = cmd.RegisterFlagCompletionFunc(flag, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	})
}
