package fakes

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/ui/service"
)

// FlowDisabledMessage is Cognito's answer to SRP on a client without
// ALLOW_USER_SRP_AUTH, as a user pastes it.
const FlowDisabledMessage = "operation error Cognito Identity Provider: InitiateAuth, https response error StatusCode: 400, " +
	"RequestID: 3f2c9a1e-0b7d-4c55-9e0a-6f1d2b3c4d5e, InvalidParameterException: USER_SRP_AUTH is not enabled for the client."

// Doctor is a scripted service.Doctor: the demo client with SRP turned
// off and no credentials for the API, and one explained message. It
// records what it was asked.
type Doctor struct {
	// Err fails every call; Hold makes them wait until it is closed.
	Err  error
	Hold chan struct{}

	mu       sync.Mutex
	requests []service.DoctorRequest
	texts    []string
}

// NewDoctor returns the fake doctor.
func NewDoctor() *Doctor { return &Doctor{} }

func (d *Doctor) wait(ctx context.Context, req service.DoctorRequest, text string) error {
	d.mu.Lock()
	d.requests = append(d.requests, req)
	if text != "" {
		d.texts = append(d.texts, text)
	}
	hold, err := d.Hold, d.Err
	d.mu.Unlock()
	if hold != nil {
		select {
		case <-hold:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return err
}

// Doctor implements service.Doctor.
func (d *Doctor) Doctor(ctx context.Context, req service.DoctorRequest) (*service.DoctorReport, error) {
	if err := d.wait(ctx, req, ""); err != nil {
		return nil, err
	}
	return DoctorReport(), nil
}

// Explain implements service.Doctor: the flow-disabled message is
// explained and confirmed, any other text matches nothing.
func (d *Doctor) Explain(ctx context.Context, text string, req service.DoctorRequest) (*service.Explanation, error) {
	if err := d.wait(ctx, req, text); err != nil {
		return nil, err
	}
	if !strings.Contains(text, "is not enabled for the client") {
		return &service.Explanation{}, nil
	}
	return FlowDisabledExplanation(), nil
}

// Requests returns what the doctor was asked for.
func (d *Doctor) Requests() []service.DoctorRequest {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]service.DoctorRequest(nil), d.requests...)
}

// Texts returns the texts Explain received.
func (d *Doctor) Texts() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.texts...)
}

// ErrDoctorDown is a doctor that could not reach the service.
var ErrDoctorDown = errors.New("the local stack is still starting")

// DoctorReport is the demo client with SRP off, a secret it does not
// need, and no credentials to read the API with.
func DoctorReport() *service.DoctorReport {
	return &service.DoctorReport{
		Target: "pool us-east-1_DemoPool1 · client 3n4b5urk1ft4fl3mg5e62d9ado · the SRP flow",
		Checks: []service.Check{
			{Name: "client.auth-flow", Subject: "srp", Status: service.CheckFail,
				Detail: "the flow srp needs ALLOW_USER_SRP_AUTH, which is not in the client's ExplicitAuthFlows (ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH)",
				Fix:    "add ALLOW_USER_SRP_AUTH to the app client's authentication flows, or sign in with a flow it allows",
				Error:  "InvalidParameterException: USER_SRP_AUTH is not enabled for the client.", Catalogue: "cognito.flow-disabled", Link: flows.RefURL("cognito.flow-disabled")},
			{Name: "client.secret", Status: service.CheckOK, Detail: "the app client has no secret: no SECRET_HASH needed"},
			{Name: "client.refresh-rotation", Status: service.CheckWarn,
				Detail: "refresh-token rotation is on: REFRESH_TOKEN_AUTH is refused",
				Fix:    "refresh with GetTokensFromRefreshToken (the Refresh flow), or turn rotation off",
				Error:  "InvalidParameterException: REFRESH_TOKEN_AUTH is not supported for this client."},
			{Name: "client.prevent-user-existence-errors", Status: service.CheckOK, Detail: "PreventUserExistenceErrors is ENABLED"},
			{Name: "api.issuer", Status: service.CheckSkipped, Detail: "the authorizers trust this pool: could not read GetApis: no AWS credentials to call it with"},
		},
		Unread: []service.Unread{{What: "api", Op: "GetApis", Reason: "no AWS credentials to call it with", NoCredentials: true}},
	}
}

// FlowDisabledExplanation is FlowDisabledMessage explained and confirmed
// by the client's configuration.
func FlowDisabledExplanation() *service.Explanation {
	return &service.Explanation{
		Best: &service.Cause{ID: "cognito.flow-disabled", Link: flows.RefURL("cognito.flow-disabled"),
			Cause: "The app client does not allow this authentication flow: its ExplicitAuthFlows lack the flow's ALLOW_… setting.",
			Fix:   "Add the flow's ALLOW_… setting to the app client's authentication flows, or pick a flow it allows (the Password flow).",
			Why:   []string{"code InvalidParameterException", `message "is not enabled for the client"`}},
		Others: []service.Cause{{ID: "cognito.InvalidParameterException", Cause: "A parameter is missing or malformed. Cognito names it."}},
		Confirmations: []service.Confirmation{{Cause: "cognito.flow-disabled", Check: "client.auth-flow", Subject: "srp", Verdict: service.Confirmed,
			Detail: "the flow srp needs ALLOW_USER_SRP_AUTH, which is not in the client's ExplicitAuthFlows (ALLOW_USER_PASSWORD_AUTH)",
			Fix:    "add ALLOW_USER_SRP_AUTH to the app client's authentication flows, or sign in with a flow it allows"}},
		Checked: true,
	}
}
