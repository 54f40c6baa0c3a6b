package flows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/cogscope/cogscope/flows/trace"
)

// rec builds one step while it happens: a trace.Recording with what a
// flow adds (the SDK's metadata, its CallError).
type rec struct {
	*trace.Recording
	f *Flow
}

func (f *Flow) begin(kind StepKind, op, title string) *rec {
	return &rec{Recording: f.rec.Begin(kind, op, title), f: f}
}

// meta records what the SDK learnt about the exchange: the request id and
// the server's clock.
func (r *rec) meta(md middleware.Metadata) {
	if id, ok := awsmiddleware.GetRequestIDMetadata(md); ok {
		r.Step.RequestID = id
	}
	if t, ok := awsmiddleware.GetServerTime(md); ok {
		t = t.UTC()
		r.Step.ServerTime = &t
		// The Date header has one-second resolution; compare it with the
		// middle of the exchange on the flow's clock.
		mid := r.Step.Started.Add(r.Elapsed() / 2)
		skew := t.Sub(mid.Truncate(time.Second))
		r.f.skew = &skew
	}
}

// fail records err on the step and returns the CallError to hand back.
func (r *rec) fail(ce *CallError, err error) *CallError {
	ce.Err = err
	if ce.Flow == "" {
		ce.Flow = r.f.o.Kind
	}
	ce.ClockSkew = r.f.skew
	if ae, ok := APIErrorOf(err); ok {
		ce.API = ae
		r.Step.Error = ae
		r.Step.Title += " → " + ae.Type
		if r.Step.RequestID == "" {
			r.Step.RequestID = ae.RequestID
		}
	} else {
		r.Step.Error = &APIError{Message: errorMessage(err)}
	}
	return ce
}

// errorMessage keeps the useful part of a transport failure: the SDK's
// "operation error …, https response error StatusCode: 0" preamble says
// nothing the step does not already say.
func errorMessage(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Error()
	}
	return err.Error()
}

// decision records a step in which the flow chose something.
func (f *Flow) decision(title string, notes ...string) {
	r := f.begin(StepDecision, "DECISION", title)
	r.Step.Notes = notes
	r.End()
}

// authOut is the part of every sign-in response the flow reads.
type authOut struct {
	name      string
	params    map[string]string
	session   *string
	result    *types.AuthenticationResultType
	available []string
}

// recordAuthOut puts a sign-in response in the step.
func (r *rec) recordAuthOut(o authOut) {
	if o.name != "" {
		r.Response("ChallengeName", o.name)
		r.Step.NextChallenge = o.name
	}
	for k, v := range o.params {
		r.Response("ChallengeParameters."+k, v)
	}
	if o.session != nil {
		r.Response("Session", *o.session)
	}
	if len(o.available) > 0 {
		r.Response("AvailableChallenges", jsonList(o.available))
	}
	if ar := o.result; ar != nil {
		r.Response("AuthenticationResult.IdToken", deref(ar.IdToken))
		r.Response("AuthenticationResult.AccessToken", deref(ar.AccessToken))
		r.Response("AuthenticationResult.RefreshToken", deref(ar.RefreshToken))
		r.Response("AuthenticationResult.ExpiresIn", strconv.Itoa(int(ar.ExpiresIn)))
		r.Response("AuthenticationResult.TokenType", deref(ar.TokenType))
		if md := ar.NewDeviceMetadata; md != nil {
			r.Response("AuthenticationResult.NewDeviceMetadata.DeviceKey", deref(md.DeviceKey))
			r.Response("AuthenticationResult.NewDeviceMetadata.DeviceGroupKey", deref(md.DeviceGroupKey))
		}
	}
}

func jsonList(v []string) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// ctxDone turns a cancelled context into a plain error before a call, so a
// cancelled flow does not record a half-made step.
func ctxDone(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("flow cancelled: %w", err)
	}
	return nil
}
