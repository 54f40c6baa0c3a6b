package cmdutil

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/cogscope/cogscope/internal/apiconfig"
	"github.com/cogscope/cogscope/internal/awsclient"
	"github.com/cogscope/cogscope/internal/doctor"
)

// DoctorFlags are the target flags of `cogscope doctor` (and of
// `cogscope explain --check`): login's, plus the APIs to read.
type DoctorFlags struct {
	Flow, UserPoolID, ClientID, RedirectURI, Scope string
	APIIDs                                         []string
	RedirectGiven                                  bool // --redirect-uri was on the command line
}

// DoctorFlows are the flow names `cogscope login` takes.
var DoctorFlows = []string{"srp", "password", "admin-password", "refresh", "user-auth", "custom", "custom-srp", "pkce", "client-credentials", "refresh-token"}

// DoctorReport resolves the target (flags over the profile; with neither
// a pool nor a client, the local demo — said on notices — and its APIs),
// reads the configuration with the caller's AWS credentials (none: every
// read is reported as not made) and runs internal/doctor's rules.
func (f *Factory) DoctorReport(ctx context.Context, fl DoctorFlags, notices io.Writer) (doctor.Target, doctor.Report, error) {
	p, err := f.Profile()
	if err != nil {
		return doctor.Target{}, doctor.Report{}, err
	}
	flow := FirstNonEmpty(fl.Flow, p.Flow, "srp")
	if !slices.Contains(DoctorFlows, flow) {
		return doctor.Target{}, doctor.Report{}, UsageErr("--flow %q: want one of %s", flow, strings.Join(DoctorFlows, ", "))
	}
	t := f.NewTarget(p, TargetFlags{UserPoolID: fl.UserPoolID, ClientID: fl.ClientID, RedirectURI: fl.RedirectURI, Scope: fl.Scope})
	demo := false
	if t.UserPoolID == "" && t.ClientID == "" {
		d, stop, err := f.LocalDemo(ctx, t.Endpoint, t.Region)
		if err != nil {
			return doctor.Target{}, doctor.Report{}, UsageErr("%v", err)
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
		fmt.Fprintf(notices, "No target configured: checking the local demo pool %s at %s.\n", t.UserPoolID, t.Endpoint)
	}
	if err := t.Check(true, true); err != nil {
		return doctor.Target{}, doctor.Report{}, err
	}
	secret, err := t.ProfileSecret(ctx)
	if err != nil {
		return doctor.Target{}, doctor.Report{}, UsageErr("profile %s: %v", p.Name, err)
	}
	dt := doctor.Target{Region: t.Region, Endpoint: t.Endpoint, PoolID: t.UserPoolID, ClientID: t.ClientID, Issuer: t.PoolIssuer(),
		Flow: flow, RedirectURI: t.RedirectURI, Scopes: t.Scopes, SecretKnown: secret != "" || (demo && t.ClientID == t.CCClientID)}
	if flow != "pkce" && !fl.RedirectGiven {
		dt.RedirectURI = ""
	}
	read := doctor.ReadOptions{ReadAPI: len(fl.APIIDs) > 0 || demo, API: apiconfig.Options{APIIDs: fl.APIIDs, Region: t.Region}}
	if t.IsLoopback() {
		read.API.Endpoint = t.Endpoint
	}
	clients, err := f.DoctorClients(ctx, t)
	if err != nil {
		return dt, doctor.Report{}, UsageErr("%v", err)
	}
	cfg, err := doctor.Read(ctx, clients, dt, read)
	if err != nil {
		return dt, doctor.Report{}, &ExitError{Code: ExitUsage, Err: fmt.Errorf("reading the configuration: %w", err)}
	}
	rep := doctor.Run(dt, cfg)
	if !read.ReadAPI {
		rep.Unread = append(rep.Unread, doctor.Unread{What: doctor.PartAPI, Op: "GetApis", Reason: "no --api-id given"})
	}
	return dt, rep, nil
}

// DoctorClients are the clients the doctor reads the target's
// configuration with, built with the caller's AWS credentials; without
// any, none (doctor.Read then lists every read as not made for want of
// credentials).
func (f *Factory) DoctorClients(ctx context.Context, t Target) (doctor.Clients, error) {
	var clients doctor.Clients
	if !f.HasAWSCredentials(ctx, t) {
		return clients, nil
	}
	cfg, err := f.AWSConfig(ctx, t)
	if err != nil {
		return clients, fmt.Errorf("AWS configuration: %w", err)
	}
	clients.Cognito = awsclient.Cognito(cfg, t.Endpoint)
	clients.API = apiconfig.Clients{HTTP: awsclient.APIGatewayV2(cfg, t.Endpoint), REST: awsclient.APIGateway(cfg, t.Endpoint)}
	return clients, nil
}

// ConfirmCauses runs explain's spot checks for the target: the doctor's
// report against the explanation's causes, cogscope's SRP TIMESTAMP
// format, and, for causes that depend on the clock, the skew against the
// service's Date header (clockErr says why it could not be measured).
// `cogscope explain --check` and the console's pasted errors share it.
func (f *Factory) ConfirmCauses(ctx context.Context, x doctor.Explanation, dt doctor.Target, rep doctor.Report) (cs []doctor.Confirmation, clockErr error) {
	cs = doctor.Confirm(x, rep)
	now := f.Clock()
	cs = append(cs, doctor.ConfirmTimestamp(x, now())...)
	if doctor.NeedsClock(x) {
		skew, err := doctor.ClockSkew(ctx, f.HTTPClient(), dt.ServiceURL(), now)
		if err != nil {
			return cs, err
		}
		cs = append(cs, doctor.ConfirmClock(x, skew)...)
	}
	return cs, nil
}
