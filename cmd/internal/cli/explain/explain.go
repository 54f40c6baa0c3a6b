// Package explain is `cogscope explain`: it decodes any error text — or a
// catalogue id — into its cause and fix
// (internal/doctor's Explain over the diagnosis table).
package explain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/internal/doctor"
	"github.com/cogscope/cogscope/internal/termtext"
)

// ExplainOptions are the parsed arguments.
type ExplainOptions struct {
	IO      *cmdutil.IOStreams
	Factory *cmdutil.Factory

	Text     string
	Stdin    bool
	JSON     bool
	List     bool
	FlagsSet map[string]bool

	// Check runs the doctor's rules for the target (Target's flags, as
	// `cogscope doctor` takes them) and says which cause they confirm.
	Check  bool
	Target cmdutil.DoctorFlags
}

// maxPaste bounds what is read from stdin.
const maxPaste = 64 << 10

// NewCmdExplain builds the command; runF replaces explainRun in flag tests.
func NewCmdExplain(f *cmdutil.Factory, runF func(*ExplainOptions) error) *cobra.Command {
	o := &ExplainOptions{IO: &f.IO, Factory: f}
	cmd := &cobra.Command{
		Use:   "explain [ERROR_TEXT|CATALOGUE_ID]",
		Short: "Explain an error: its cause and the fix",
		Long: `Matches any error text — Cognito's (NotAuthorizedException: …, a {"__type": …} body,
an SDK error string), the hosted UI's (error=redirect_mismatch, {"error":"invalid_grant"}),
API Gateway's (401 {"message":"Unauthorized"}, a www-authenticate header), a JWT library's
or CloudWatch Logs' — against cogscope's catalogue of causes, and prints the cause and
the fix, with a link to the cause on cogscope's troubleshooting page (docs/troubleshooting.md,
which lists every cause explain knows). A catalogue id (cognito.flow-disabled) works too. When the text fits
several causes equally, they are all listed.

--check reads the current target's configuration (the profile, or the flags
cogscope doctor takes) and says which cause it confirms: a doctor check that
fails or warns confirms its cause, one that passes rules it out. For causes
that depend on the clock it measures the skew against the service's Date
header; for a TIMESTAMP error it re-checks cogscope's own format.

Paste the text as one argument (quote it), or give - (or nothing) and paste it on stdin.
--list prints the whole catalogue.

Exit codes: 0 explained, 1 nothing matched (or several causes fit equally), 2 usage error.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.FlagsSet = cmdutil.FlagsSet(cmd)
			o.Target.RedirectGiven = o.FlagsSet["redirect-uri"]
			for _, name := range []string{"flow", "user-pool-id", "client-id", "redirect-uri", "scope", "api-id"} {
				if o.FlagsSet[name] && !o.Check {
					return cmdutil.UsageErr("--%s needs --check", name)
				}
			}
			if len(args) == 1 && args[0] != "-" {
				o.Text = args[0]
			} else if !o.List {
				o.Stdin = true
			}
			if runF != nil {
				return runF(o)
			}
			return explainRun(cmd.Context(), o)
		},
	}
	cmd.Flags().BoolVar(&o.JSON, "json", false, `print {"text","clue","best","ambiguous","candidates","confirmations"} as JSON`)
	cmd.Flags().BoolVar(&o.Check, "check", false, "check the causes against the target's configuration (the profile, or the flags below)")
	cmd.Flags().StringVar(&o.Target.Flow, "flow", "", "with --check: the sign-in flow ("+strings.Join(cmdutil.DoctorFlows, "|")+")")
	cmd.Flags().StringVar(&o.Target.UserPoolID, "user-pool-id", "", "with --check: the user pool ID")
	cmd.Flags().StringVar(&o.Target.ClientID, "client-id", "", "with --check: the app client ID")
	cmd.Flags().StringVar(&o.Target.RedirectURI, "redirect-uri", "", "with --check: the hosted-UI redirect URI")
	cmd.Flags().StringVar(&o.Target.Scope, "scope", "", "with --check: the hosted-UI scopes, space-separated")
	cmd.Flags().StringSliceVar(&o.Target.APIIDs, "api-id", nil, "with --check: API Gateway API ids to read (repeatable)")
	cmd.Flags().BoolVar(&o.List, "list", false, "list every catalogue entry (id, what it matches)")
	return cmd
}

func explainRun(ctx context.Context, o *ExplainOptions) error {
	if o.List {
		return list(o)
	}
	text := o.Text
	if o.Stdin {
		b, err := cmdutil.ReadAllCtx(ctx, o.IO.In, maxPaste)
		if err != nil {
			return cmdutil.UsageErr("reading stdin: %v", err)
		}
		text = string(b)
	}
	if strings.TrimSpace(text) == "" {
		return cmdutil.UsageErr("nothing to explain: give the error text as an argument or on stdin")
	}
	x := doctor.Explain(text)
	var confirmations []doctor.Confirmation
	if o.Check && (x.Best != nil || len(x.Candidates) > 0) {
		target, rep, err := o.Factory.DoctorReport(ctx, o.Target, o.IO.ErrOut)
		if err != nil {
			return err
		}
		var clockErr error
		confirmations, clockErr = o.Factory.ConfirmCauses(ctx, x, target, rep)
		if clockErr != nil {
			fmt.Fprintf(o.IO.ErrOut, "Could not measure the clock: %s\n", termtext.Line(clockErr.Error()))
		}
		if confirmations == nil {
			confirmations = []doctor.Confirmation{}
		}
	}
	if o.JSON {
		enc := json.NewEncoder(o.IO.Out)
		enc.SetIndent("", "  ")
		doc := struct {
			doctor.Explanation
			Confirmations []doctor.Confirmation `json:"confirmations,omitempty"`
		}{x, confirmations}
		if err := enc.Encode(doc); err != nil {
			return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: err}
		}
	} else {
		write(o.IO.Out, x)
		if o.Check {
			writeConfirmations(o.IO.Out, confirmations)
		}
	}
	if x.Best == nil {
		return &cmdutil.ExitError{Code: cmdutil.ExitRefused, Err: errors.New("no single cause"), Silent: true}
	}
	return nil
}

func write(w io.Writer, x doctor.Explanation) {
	s := termtext.Line
	switch {
	case x.Best != nil:
		writeMatch(w, *x.Best, "")
		if len(x.Candidates) > 0 {
			fmt.Fprintln(w, "\nAlso possible:")
			for _, c := range x.Candidates {
				fmt.Fprintf(w, "  %s: %s\n", c.ID, s(cmdutil.FirstSentence(c.Cause)))
			}
		}
	case x.Ambiguous:
		fmt.Fprintf(w, "%d causes fit this text equally; say more (the endpoint, the operation, the grant) or pick one:\n\n", len(x.Candidates))
		for i, c := range x.Candidates {
			if i > 0 {
				fmt.Fprintln(w)
			}
			writeMatch(w, c, "  ")
		}
	default:
		fmt.Fprintln(w, "No cause in the catalogue matches this text. Try the exception name with its message")
		fmt.Fprintln(w, "(NotAuthorizedException: …), the whole response body, or `cogscope explain --list`.")
	}
}

func writeMatch(w io.Writer, m doctor.Match, indent string) {
	s := termtext.Line
	fmt.Fprintf(w, "%s%s\n", indent, s(m.ID))
	fmt.Fprintf(w, "%s  cause: %s\n", indent, s(m.Cause))
	if m.Fix != "" {
		fmt.Fprintf(w, "%s  fix:   %s\n", indent, s(m.Fix))
	}
	if len(m.Why) > 0 {
		fmt.Fprintf(w, "%s  matched on: %s\n", indent, s(strings.Join(m.Why, ", ")))
	}
	if m.Link != "" {
		fmt.Fprintf(w, "%s  see:   %s\n", indent, s(m.Link))
	}
}

func list(o *ExplainOptions) error {
	for _, e := range doctor.Entries() {
		line := e.ID
		what := []string{}
		if e.Code != "" {
			what = append(what, "code "+strings.ReplaceAll(e.Code, "|", " or "))
		}
		if c := e.Context.String(); c != "" {
			what = append(what, c)
		}
		if len(what) > 0 {
			line += ": " + strings.Join(what, ", ")
		}
		fmt.Fprintln(o.IO.Out, line)
	}
	return nil
}

var verdictMarks = map[string]string{doctor.VerdictConfirmed: "✗ confirmed", doctor.VerdictRuledOut: "✓ ruled out", doctor.VerdictUnchecked: "- unchecked"}

func writeConfirmations(w io.Writer, cs []doctor.Confirmation) {
	s := termtext.Line
	fmt.Fprintln(w, "\nChecked against the target's configuration:")
	if len(cs) == 0 {
		fmt.Fprintln(w, "  no configuration check bears on these causes")
		return
	}
	for _, c := range cs {
		subject := ""
		if c.Finding.Subject != "" {
			subject = " (" + s(c.Finding.Subject) + ")"
		}
		fmt.Fprintf(w, "  %s %s by %s%s: %s\n", verdictMarks[c.Verdict], c.Match, c.Rule, subject, s(c.Finding.Detail))
		if c.Verdict == doctor.VerdictConfirmed && c.Finding.Fix != "" {
			fmt.Fprintf(w, "      fix: %s\n", s(c.Finding.Fix))
		}
	}
}
