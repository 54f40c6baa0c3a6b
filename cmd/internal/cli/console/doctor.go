package console

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/apiconfig"
	"github.com/cogscope/cogscope/internal/doctor"
	"github.com/cogscope/cogscope/ui/service"
)

// consoleDoctor is the Sign-in view's service.Doctor on top of
// internal/doctor: `cogscope doctor`'s checks for the console's target
// (its pool and client, the flow and scopes the view has picked, the
// hosted UI's redirect URI, and the API the API view lists), and
// `cogscope explain`'s catalogue match and spot checks. Findings and
// causes are phrased in the console's words (service.Words): the console
// has no flags to name.
type consoleDoctor struct {
	c   *console
	api *consoleAPI // the API configuration the API view read
}

// Doctor runs the checks for req.
func (d *consoleDoctor) Doctor(ctx context.Context, req service.DoctorRequest) (*service.DoctorReport, error) {
	dt, rep, api, err := d.report(ctx, req)
	if err != nil {
		return nil, err
	}
	out := &service.DoctorReport{Target: describe(dt, api)}
	for _, f := range rep.Checks {
		out.Checks = append(out.Checks, checkOf(f))
	}
	out.Unread = unreadOf(rep.Unread)
	return out, nil
}

// Explain matches text against the catalogue, then checks the causes
// against the target's configuration (for req), the clock and the SRP
// TIMESTAMP format, as `cogscope explain --check` does.
func (d *consoleDoctor) Explain(ctx context.Context, text string, req service.DoctorRequest) (*service.Explanation, error) {
	if strings.TrimSpace(text) == "" {
		return nil, errors.New("nothing to explain")
	}
	x := doctor.Explain(text)
	out := &service.Explanation{Ambiguous: x.Ambiguous}
	if x.Best != nil {
		c := causeOf(*x.Best)
		out.Best = &c
	}
	for _, m := range x.Candidates {
		out.Others = append(out.Others, causeOf(m))
	}
	if x.Best == nil && len(x.Candidates) == 0 {
		return out, nil
	}
	dt, rep, _, err := d.report(ctx, req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		out.Notes = append(out.Notes, "The causes could not be checked against the target's configuration: "+service.AsFailure(err).Error())
		return out, nil
	}
	cs, clockErr := d.c.f.ConfirmCauses(ctx, x, dt, rep)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if clockErr != nil {
		out.Notes = append(out.Notes, "Could not measure the clock against the service's: "+clockErr.Error())
	}
	out.Checked = true
	for _, c := range cs {
		f := c.Finding.Phrase(service.Words)
		out.Confirmations = append(out.Confirmations, service.Confirmation{Cause: c.Match, Check: c.Rule, Subject: f.Subject,
			Verdict: service.CauseVerdict(c.Verdict), Detail: f.Detail, Fix: f.Fix})
	}
	out.Unread = unreadOf(rep.Unread)
	return out, nil
}

// report reads the target's configuration with the caller's AWS
// credentials and runs the doctor's rules. The API is the one the API
// view lists (read once, by it).
func (d *consoleDoctor) report(ctx context.Context, req service.DoctorRequest) (doctor.Target, doctor.Report, *apiconfig.Config, error) {
	select {
	case <-d.c.done:
	case <-ctx.Done():
		return doctor.Target{}, doctor.Report{}, nil, ctx.Err()
	}
	t := d.c.current()
	if t.Pending {
		return doctor.Target{}, doctor.Report{}, nil, errStarting
	}
	if t.UserPoolID == "" {
		return doctor.Target{}, doctor.Report{}, nil, &service.Failure{Diagnosis: flows.Diagnosis{
			Message: "no user pool to check",
			Cause:   "The doctor reads the user pool's and the app client's configuration; " + profileName(t) + " names only a hosted-UI domain.",
			Fix:     "Set user_pool_id in the profile.",
		}}
	}
	if t.Region == "" {
		t.Region = regionOr(flows.RegionOf(t.UserPoolID))
	}
	dt := targetOf(t, req)
	clients, err := d.c.f.DoctorClients(ctx, t)
	if err != nil {
		return dt, doctor.Report{}, nil, &service.Failure{Diagnosis: flows.Diagnosis{Message: err.Error()}, Err: err}
	}
	cfg, err := doctor.Read(ctx, clients, dt, doctor.ReadOptions{})
	if err != nil {
		return dt, doctor.Report{}, nil, fmt.Errorf("reading the configuration: %w", err)
	}
	var api *apiconfig.Config
	if d.api != nil {
		var apiErr error
		api, apiErr = d.api.config(ctx)
		if ctx.Err() != nil {
			return dt, doctor.Report{}, nil, ctx.Err()
		}
		cfg.API = api
		switch {
		case api != nil:
			for _, p := range api.Problems {
				u := doctor.Unread{What: doctor.PartAPI, Op: p.Op, Reason: p.Message, Code: p.Code, NoCredentials: errors.Is(p, apiconfig.ErrNoCredentials)}
				if u.Reason == "" {
					u.Reason = p.Error()
				}
				cfg.Unread = append(cfg.Unread, u)
			}
		case apiErr != nil:
			cfg.Unread = append(cfg.Unread, doctor.Unread{What: doctor.PartAPI, Op: "GetApis", Reason: apiErr.Error(),
				NoCredentials: errors.Is(apiErr, errNoAPICredentials)})
		default:
			cfg.Unread = append(cfg.Unread, doctor.Unread{What: doctor.PartAPI, Op: "GetApis", Reason: "the console knows no API for this target"})
		}
	}
	return dt, doctor.Run(dt, cfg), api, nil
}

// targetOf is what the console signs in with, for req's flow: the client
// credentials flow signs in as the confidential client; only the hosted
// UI uses the redirect URI.
func targetOf(t cmdutil.Target, req service.DoctorRequest) doctor.Target {
	dt := doctor.Target{Region: t.Region, Endpoint: t.Endpoint, PoolID: t.UserPoolID, ClientID: t.ClientID, Issuer: t.PoolIssuer(),
		Flow: string(req.Flow), Scopes: req.Scopes, SecretKnown: t.ClientSecret != ""}
	switch req.Flow {
	case service.FlowClientCredentials:
		if t.CCClientID != "" {
			dt.ClientID, dt.SecretKnown = t.CCClientID, t.CCClientSecret != ""
		}
	case service.FlowPKCE:
		dt.RedirectURI = t.RedirectURI
	}
	return dt
}

// describe says what was checked.
func describe(dt doctor.Target, api *apiconfig.Config) string {
	parts := []string{"pool " + dt.PoolID, "client " + dt.ClientID, service.Words.Flow(dt.Flow)}
	if dt.RedirectURI != "" {
		parts = append(parts, "redirect "+dt.RedirectURI)
	}
	if len(dt.Scopes) > 0 {
		parts = append(parts, "scopes "+strings.Join(dt.Scopes, " "))
	}
	if api != nil && len(api.APIs) > 0 {
		var names []string
		for _, a := range api.APIs {
			names = append(names, cmdutil.FirstNonEmpty(a.Name, a.ID))
		}
		parts = append(parts, "APIs "+strings.Join(names, ", "))
	}
	return strings.Join(parts, " · ")
}

// checkOf is a finding in the console's words.
func checkOf(f doctor.Finding) service.Check {
	f = f.Phrase(service.Words)
	return service.Check{Name: f.Name, Subject: f.Subject, Status: service.CheckStatus(f.Status), Detail: f.Detail, Fix: f.Fix,
		Error: f.Error, Catalogue: f.Catalogue, Link: f.Link}
}

func causeOf(m doctor.Match) service.Cause {
	t := m.Phrase(service.Words)
	return service.Cause{ID: m.ID, Link: m.Link, Cause: t.Cause, Fix: t.Fix, Why: m.Why}
}

func unreadOf(us []doctor.Unread) []service.Unread {
	var out []service.Unread
	for _, u := range us {
		out = append(out, service.Unread{What: u.What, Op: u.Op, Reason: u.Reason, NoCredentials: u.NoCredentials})
	}
	return out
}
