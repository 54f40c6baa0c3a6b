// Package doctor is `cogscope doctor`: it reads the user pool's, the app
// client's and the API's configuration and lists every failure the setup
// will produce, before anyone signs in (internal/doctor's rules).
package doctor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	lib "github.com/cogscope/cogscope/internal/doctor"
	"github.com/cogscope/cogscope/internal/termtext"
)

// DoctorOptions are the parsed flags.
type DoctorOptions struct {
	IO      *cmdutil.IOStreams
	Factory *cmdutil.Factory

	Flow, UserPoolID, ClientID, RedirectURI, Scope string
	APIIDs                                         []string
	JSON                                           bool
	FlagsSet                                       map[string]bool
}

// NewCmdDoctor builds the command; runF replaces doctorRun in flag tests.
func NewCmdDoctor(f *cmdutil.Factory, runF func(*DoctorOptions) error) *cobra.Command {
	o := &DoctorOptions{IO: &f.IO, Factory: f}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Find the configuration mistakes that will break sign-in and API calls",
		Long: `Reads the user pool (DescribeUserPool, GetUserPoolMfaConfig, DescribeUserPoolDomain),
the app client (DescribeUserPoolClient) and, with --api-id, the API's routes, authorizers
and stages, with your AWS credentials, and lists every failure the setup will produce:
each with the exact error the user would see and the fix.

Checks: the flow is in ExplicitAuthFlows; a client secret (SECRET_HASH, and front ends
on amazon-cognito-identity-js or Amplify); aliases and SECRET_HASH; refresh-token
rotation; the hosted UI's domain, grant, callback URL and scopes; PreventUserExistenceErrors;
MFA; token lifetimes; authorizers' issuer and audience; routes' scopes; REST Cognito
methods' token kind; identity validation expressions; Lambda authorizer caches;
access-log formats. Without credentials it says which checks it could not run.

With no target configured it checks the local demo (and its APIs).

Exit codes: 0 nothing fails (warnings allowed), 1 a check fails, 2 usage error.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.FlagsSet = cmdutil.FlagsSet(cmd)
			if runF != nil {
				return runF(o)
			}
			return doctorRun(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Flow, "flow", "", "the sign-in flow to check for: "+strings.Join(cmdutil.DoctorFlows, "|")+" (default: the profile's, else srp)")
	fl.StringVar(&o.UserPoolID, "user-pool-id", "", "user pool ID, region_id form")
	fl.StringVar(&o.ClientID, "client-id", "", "app client ID")
	fl.StringVar(&o.RedirectURI, "redirect-uri", "", "the redirect URI the hosted-UI sign-in uses")
	fl.StringVar(&o.Scope, "scope", "", "the scopes the hosted-UI sign-in requests, space-separated")
	fl.StringSliceVar(&o.APIIDs, "api-id", nil, "API Gateway API ids (HTTP or REST) whose authorizers to check (repeatable)")
	fl.BoolVar(&o.JSON, "json", false, `print {"checks":[{"name","status","detail","fix",...}],"unread":[...]}`)
	return cmd
}

func doctorRun(ctx context.Context, o *DoctorOptions) error {
	target, rep, err := o.Factory.DoctorReport(ctx, cmdutil.DoctorFlags{Flow: o.Flow, UserPoolID: o.UserPoolID, ClientID: o.ClientID,
		RedirectURI: o.RedirectURI, Scope: o.Scope, APIIDs: o.APIIDs, RedirectGiven: o.FlagsSet["redirect-uri"]}, o.IO.ErrOut)
	if err != nil {
		return err
	}
	if o.JSON {
		if err := writeJSON(o.IO.Out, rep); err != nil {
			return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: err}
		}
	} else {
		writeText(o.IO.Out, target, rep)
	}
	if rep.Failed() {
		return &cmdutil.ExitError{Code: cmdutil.ExitRefused, Err: errors.New("a check failed"), Silent: true}
	}
	return nil
}

func writeJSON(w io.Writer, rep lib.Report) error {
	if rep.Checks == nil {
		rep.Checks = []lib.Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

var marks = map[lib.Status]string{lib.StatusOK: "✓", lib.StatusWarn: "⚠", lib.StatusFail: "✗", lib.StatusSkipped: "-"}

func writeText(w io.Writer, t lib.Target, rep lib.Report) {
	s := termtext.Line
	fmt.Fprintf(w, "cogscope doctor: pool %s, client %s, flow %s\n\n", s(t.PoolID), s(t.ClientID), s(t.Flow))
	for _, c := range rep.Checks {
		name := c.Name
		if c.Subject != "" {
			name += " (" + s(c.Subject) + ")"
		}
		fmt.Fprintf(w, "%s %s: %s\n", marks[c.Status], name, s(c.Detail))
		if c.Status == lib.StatusWarn || c.Status == lib.StatusFail {
			if c.Error != "" {
				fmt.Fprintf(w, "    error: %s\n", s(c.Error))
			}
			if c.Fix != "" {
				fmt.Fprintf(w, "    fix:   %s\n", s(c.Fix))
			}
			if c.Catalogue != "" || c.Ref != "" {
				fmt.Fprintf(w, "    see:   cogscope explain %s\n", s(cmdutil.FirstNonEmpty(c.Catalogue, c.Ref)))
			}
			if c.Link != "" {
				fmt.Fprintf(w, "    link:  %s\n", s(c.Link))
			}
		}
	}
	if len(rep.Unread) > 0 {
		fmt.Fprintln(w, "\nNot read:")
		for _, u := range rep.Unread {
			line := fmt.Sprintf("  %s (%s): %s", u.What, s(u.Op), s(u.Reason))
			if u.NoCredentials {
				line += " — the checks that need it were skipped; set AWS credentials (AWS_PROFILE, or aws_profile in the cogscope profile)"
			}
			fmt.Fprintln(w, line)
		}
	}
	fmt.Fprintf(w, "\n%d ok, %d warnings, %d failed, %d skipped\n", rep.Count(lib.StatusOK), rep.Count(lib.StatusWarn), rep.Count(lib.StatusFail), rep.Count(lib.StatusSkipped))
}
