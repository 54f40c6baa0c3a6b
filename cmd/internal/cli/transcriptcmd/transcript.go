// Package transcriptcmd is `cogscope transcript`: the sessions `login`,
// `call` and the console recorded (internal/transcript), exported for a
// ticket (Markdown) or for tools (versioned JSON), secrets masked.
package transcriptcmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/internal/atomicfile"
	"github.com/cogscope/cogscope/internal/transcript"
)

// ExportOptions are `cogscope transcript export`'s inputs; exportRun
// reads only these, never cobra.
type ExportOptions struct {
	IO      *cmdutil.IOStreams
	Factory *cmdutil.Factory

	Format     string // md or json
	Output     string // a file (0600); "" or "-": stdout
	UserPoolID string
	ClientID   string

	FlagsSet map[string]bool
}

// NewCmdTranscript is `cogscope transcript`, the parent of export.
func NewCmdTranscript(f *cmdutil.Factory, runF func(*ExportOptions) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "transcript",
		Short: "Export the recorded session of the target (Markdown for a ticket, JSON for tools)",
		Long: `The sign-ins of "cogscope login" and the calls of "cogscope call" (and the
console's) are recorded per target in the state directory, beside the saved
session: the last 10 sessions of each target, 2 MiB at most, files 0600,
secrets already masked. "cogscope transcript export" writes the latest one.`,
		Example: `  cogscope --profile dev transcript export > ticket.md
  cogscope --profile dev transcript export --format json --output dev-session.json
  cogscope --profile prod replay dev-session.json`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(NewCmdExport(f, runF))
	return cmd
}

// NewCmdExport is `cogscope transcript export`. runF, when not nil, is
// called with the parsed options instead of exportRun (tests of the
// flags).
func NewCmdExport(f *cmdutil.Factory, runF func(*ExportOptions) error) *cobra.Command {
	o := &ExportOptions{IO: &f.IO, Factory: f}
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the target's latest recorded session, secrets masked",
		Long: `Write the latest recorded session of the target — every sign-in with its
steps and challenges, the tokens it issued (jti, client, lifetime, decoded
header and claims, the inspector's checks), every call with its status,
request id, explanation and matched log lines — as Markdown (for a ticket)
or JSON (for tools; versioned, documented in docs/transcript.md).

Passwords, SRP private values (x, the key, the password claim M1), session
strings, client secrets, refresh tokens, one-time codes and token signatures
are masked; the list of what was masked, and where, comes first.

The target is the profile's (or --user-pool-id and --client-id, or the
demo pool of the "cogscope local" at --endpoint). Exit status: 0 written,
1 nothing recorded for the target, 2 usage or I/O error.`,
		Example: `  cogscope --profile dev transcript export
  cogscope --profile dev transcript export --format json --output dev-session.json
  cogscope --endpoint http://127.0.0.1:9229 transcript export --format md --output ticket.md`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.FlagsSet = cmdutil.FlagsSet(cmd)
			if o.Format != transcript.FormatMarkdown && o.Format != transcript.FormatJSON {
				return cmdutil.UsageErr("--format %q: want md or json", o.Format)
			}
			if runF != nil {
				return runF(o)
			}
			return exportRun(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Format, "format", transcript.FormatMarkdown, "md (Markdown, for a ticket) or json (for tools)")
	fl.StringVarP(&o.Output, "output", "o", "", "write to FILE (mode 0600) instead of stdout")
	fl.StringVar(&o.UserPoolID, "user-pool-id", "", "the pool of the session (default: the profile's)")
	fl.StringVar(&o.ClientID, "client-id", "", "the app client of the session (default: the profile's)")
	cmdutil.CompleteValues(cmd, "format", "md\tMarkdown, for a ticket", "json\tversioned JSON, for tools")
	return cmd
}

func exportRun(ctx context.Context, o *ExportOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	f := o.Factory
	// An export reads the store: the client's secret is not needed (a
	// profile naming an unset client_secret_env can still export).
	t, err := f.ResolveTargetWith(ctx, cmdutil.TargetFlags{UserPoolID: o.UserPoolID, ClientID: o.ClientID, NoSecret: true})
	if err != nil {
		return err
	}
	if t.Pending {
		return cmdutil.UsageErr("no target: give --profile, --user-pool-id and --client-id, or the --endpoint of a running `cogscope local` (the in-process stack records nothing)")
	}
	key := t.SessionKey(t.ClientID)
	var buf bytes.Buffer
	tr, err := f.ExportTranscript(t, t.ClientID, o.Format, &buf)
	switch {
	case errors.Is(err, transcript.ErrNoTranscript):
		return &cmdutil.ExitError{Code: cmdutil.ExitRefused, Err: fmt.Errorf("no recorded session for %s: sign in with `cogscope login` (and call with `cogscope call`) first", key)}
	case err != nil:
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: err}
	}
	if o.Output == "" || o.Output == "-" {
		_, err := o.IO.Out.Write(buf.Bytes())
		return err
	}
	if err := atomicfile.WriteFile(o.Output, buf.Bytes(), 0o600); err != nil {
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: fmt.Errorf("write %s: %w", o.Output, err)}
	}
	// A file that existed keeps its mode through a rename only on some
	// systems: make sure it is the user's alone.
	if err := os.Chmod(o.Output, 0o600); err != nil {
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: fmt.Errorf("restrict %s: %w", o.Output, err)}
	}
	fmt.Fprintf(o.IO.ErrOut, "Session of %s written to %s (%d masked value kinds listed at the top).\n", key, o.Output, len(tr.Masked))
	return nil
}
