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
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/internal/apiconfig"
	"github.com/cogscope/cogscope/internal/awsclient"
	lib "github.com/cogscope/cogscope/internal/doctor"
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

// Flows are the flow names `cogscope login` takes.
var Flows = []string{"srp", "password", "admin-password", "refresh", "user-auth", "custom", "custom-srp", "pkce", "client-credentials", "refresh-token"}

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
	fl.StringVar(&o.Flow, "flow", "", "the sign-in flow to check for: "+strings.Join(Flows, "|")+" (default: the profile's, else srp)")
	fl.StringVar(&o.UserPoolID, "user-pool-id", "", "user pool ID, region_id form")
	fl.StringVar(&o.ClientID, "client-id", "", "app client ID")
	fl.StringVar(&o.RedirectURI, "redirect-uri", "", "the redirect URI the hosted-UI sign-in uses")
	fl.StringVar(&o.Scope, "scope", "", "the scopes the hosted-UI sign-in requests, space-separated")
	fl.StringSliceVar(&o.APIIDs, "api-id", nil, "API Gateway API ids (HTTP or REST) whose authorizers to check (repeatable)")
	fl.BoolVar(&o.JSON, "json", false, `print {"checks":[{"name","status","detail","fix",...}],"unread":[...]}`)
	return cmd
}

// Plan is what doctorRun resolved: the library's target and how to read.
type plan struct {
	target lib.Target
	read   lib.ReadOptions
}

func doctorRun(ctx context.Context, o *DoctorOptions) error {
	f := o.Factory
	p, err := f.Profile()
	if err != nil {
		return err
	}
	flow := cmdutil.FirstNonEmpty(o.Flow, p.Flow, "srp")
	if !slices.Contains(Flows, flow) {
		return cmdutil.UsageErr("--flow %q: want one of %s", flow, strings.Join(Flows, ", "))
	}
	t := f.NewTarget(p, cmdutil.TargetFlags{UserPoolID: o.UserPoolID, ClientID: o.ClientID, RedirectURI: o.RedirectURI, Scope: o.Scope})
	demo := false
	if t.UserPoolID == "" && t.ClientID == "" {
		d, stop, err := f.LocalDemo(ctx, t.Endpoint, t.Region)
		if err != nil {
			return cmdutil.UsageErr("%v", err)
		}
		if stop != nil {
			defer stop()
		}
		redirect := t.RedirectURI
		t.UseDemo(d)
		if redirect != "" {
			t.RedirectURI = redirect
		}
		demo = true
		fmt.Fprintf(o.IO.ErrOut, "No target configured: checking the local demo pool %s at %s.\n", t.UserPoolID, t.Endpoint)
	}
	if err := t.Check(true, true); err != nil {
		return err
	}
	secret, err := t.ProfileSecret(ctx)
	if err != nil {
		return cmdutil.UsageErr("profile %s: %v", p.Name, err)
	}
	pl := plan{target: lib.Target{Region: t.Region, PoolID: t.UserPoolID, ClientID: t.ClientID, Issuer: t.PoolIssuer(),
		Flow: flow, RedirectURI: t.RedirectURI, Scopes: t.Scopes, SecretKnown: secret != "" || (demo && t.ClientID == t.CCClientID)}}
	if flow != "pkce" && !o.FlagsSet["redirect-uri"] {
		pl.target.RedirectURI = ""
	}
	pl.read.ReadAPI = len(o.APIIDs) > 0 || demo
	pl.read.API = apiconfig.Options{APIIDs: o.APIIDs, Region: t.Region}
	if t.IsLoopback() {
		pl.read.API.Endpoint = t.Endpoint
	}
	var clients lib.Clients
	if f.HasAWSCredentials(t) {
		cfg, err := f.AWSConfig(ctx, t)
		if err != nil {
			return cmdutil.UsageErr("AWS configuration: %v", err)
		}
		clients.Cognito = awsclient.Cognito(cfg, t.Endpoint)
		clients.API = apiconfig.Clients{HTTP: awsclient.APIGatewayV2(cfg, t.Endpoint), REST: awsclient.APIGateway(cfg, t.Endpoint)}
	}
	cfg, err := lib.Read(ctx, clients, pl.target, pl.read)
	if err != nil {
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: fmt.Errorf("reading the configuration: %w", err)}
	}
	rep := lib.Run(pl.target, cfg)
	if !pl.read.ReadAPI {
		rep.Unread = append(rep.Unread, lib.Unread{What: lib.PartAPI, Op: "GetApis", Reason: "no --api-id given"})
	}
	if o.JSON {
		if err := writeJSON(o.IO.Out, rep); err != nil {
			return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: err}
		}
	} else {
		writeText(o.IO.Out, pl.target, rep)
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
	s := lib.Safe
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
				fmt.Fprintf(w, "    see:   cogscope explain %s\n", cmdutil.FirstNonEmpty(c.Catalogue, c.Ref))
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
