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
)

// rec builds one step while it happens.
type rec struct {
	f     *Flow
	st    Step
	began time.Time // monotonic, for the duration
}

func (f *Flow) begin(kind StepKind, op, title string) *rec {
	return &rec{f: f, st: Step{Kind: kind, Operation: op, Title: title, Started: f.now()}, began: time.Now()}
}

func (r *rec) req(key, val string, c valueClass) {
	if val == "" {
		return
	}
	if r.st.Request == nil {
		r.st.Request = map[string]string{}
	}
	r.st.Request[key] = redact(val, c, r.f.o.Reveal)
}

func (r *rec) resp(key, val string, c valueClass) {
	if val == "" {
		return
	}
	if r.st.Response == nil {
		r.st.Response = map[string]string{}
	}
	r.st.Response[key] = redact(val, c, r.f.o.Reveal)
}

func (r *rec) note(format string, args ...any) {
	r.st.Notes = append(r.st.Notes, fmt.Sprintf(format, args...))
}

// meta records what the SDK learnt about the exchange: the request id and
// the server's clock.
func (r *rec) meta(md middleware.Metadata) {
	if id, ok := awsmiddleware.GetRequestIDMetadata(md); ok {
		r.st.RequestID = id
	}
	if t, ok := awsmiddleware.GetServerTime(md); ok {
		t = t.UTC()
		r.st.ServerTime = &t
		// The Date header has one-second resolution; compare it with the
		// middle of the exchange on the flow's clock.
		mid := r.st.Started.Add(time.Since(r.began) / 2)
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
		r.st.Error = ae
		r.st.Title += " → " + ae.Type
		if r.st.RequestID == "" {
			r.st.RequestID = ae.RequestID
		}
	} else {
		r.st.Error = &APIError{Message: errorMessage(err)}
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

// end finishes a step: it gets its index and duration, joins the trace and
// goes to the observer.
func (r *rec) end() Step {
	r.st.DurationMS = float64(time.Since(r.began).Microseconds()) / 1000
	f := r.f
	f.mu.Lock()
	r.st.Index = len(f.steps) + 1
	f.steps = append(f.steps, r.st)
	f.mu.Unlock()
	if f.o.OnStep != nil {
		f.o.OnStep(r.st)
	}
	return r.st
}

// decision records a step in which the flow chose something.
func (f *Flow) decision(title string, notes ...string) {
	r := f.begin(StepDecision, "DECISION", title)
	r.st.Notes = notes
	r.end()
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
		r.resp("ChallengeName", o.name, plain)
		r.st.NextChallenge = o.name
	}
	for k, v := range o.params {
		c := plain
		if k == "SECRET_BLOCK" || k == "SRP_B" {
			c = shorten
		}
		r.resp("ChallengeParameters."+k, v, c)
	}
	if o.session != nil {
		r.resp("Session", *o.session, shorten)
	}
	if len(o.available) > 0 {
		r.resp("AvailableChallenges", jsonList(o.available), plain)
	}
	if ar := o.result; ar != nil {
		r.resp("AuthenticationResult.IdToken", deref(ar.IdToken), shorten)
		r.resp("AuthenticationResult.AccessToken", deref(ar.AccessToken), shorten)
		r.resp("AuthenticationResult.RefreshToken", deref(ar.RefreshToken), secret)
		r.resp("AuthenticationResult.ExpiresIn", strconv.Itoa(int(ar.ExpiresIn)), plain)
		r.resp("AuthenticationResult.TokenType", deref(ar.TokenType), plain)
		if md := ar.NewDeviceMetadata; md != nil {
			r.resp("AuthenticationResult.NewDeviceMetadata.DeviceKey", deref(md.DeviceKey), plain)
			r.resp("AuthenticationResult.NewDeviceMetadata.DeviceGroupKey", deref(md.DeviceGroupKey), plain)
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
