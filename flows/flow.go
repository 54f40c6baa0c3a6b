package flows

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogscope/cogscope/flows/srp"
	"github.com/cogscope/cogscope/flows/trace"
)

// Flow is one sign-in in progress. Start it, answer the challenges it
// returns with Respond, and read its trace with Trace. A Flow is driven
// from one goroutine at a time; Trace may be read from any.
type Flow struct {
	o   Options
	now func() time.Time

	rec *trace.Recorder

	started bool

	// username is the name Cognito knows the user by, as it last echoed
	// it (USER_ID_FOR_SRP, challenge USERNAME); hashSource says where it
	// came from. Until Cognito echoes one it is the name as typed.
	username   string
	hashSource string
	password   string // for USER_AUTH, when asked for through the PASSWORD pseudo-challenge
	session    *string
	srpUser    *srp.Client // the SRP exchange in progress (PASSWORD_VERIFIER)
	device     *Device
	forgotten  string
	skew       *time.Duration // Cognito's clock minus ours, from the last Date header

	pending *pending
}

// pending is a challenge the caller has yet to answer.
type pending struct {
	c      *Challenge
	params map[string]string
	// setupSession is the Session AssociateSoftwareToken returned
	// (MFA_SETUP); VerifySoftwareToken needs it.
	setupSession string
	// choice is the factor chosen at SELECT_CHALLENGE that then asked for
	// a password (the PASSWORD pseudo-challenge).
	choice string
}

// New checks the options and prepares a flow; nothing is sent until Start.
// Errors wrap ErrInvalidOptions.
func New(o Options) (*Flow, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	f := &Flow{o: o, now: o.Now, username: o.Username, hashSource: HashFromTyped, password: o.Password, device: o.Device}
	if f.now == nil {
		f.now = time.Now
	}
	f.rec = trace.NewRecorder(trace.Options{Reveal: o.Reveal, OnStep: o.OnStep, Now: f.now})
	if f.o.DeviceName == "" {
		f.o.DeviceName = "cogscope"
	}
	if f.o.TOTPIssuer == "" {
		f.o.TOTPIssuer = "AWSCognito"
	}
	return f, nil
}

// Kind is the flow's kind.
func (f *Flow) Kind() Kind { return f.o.Kind }

// Trace returns a copy of the steps so far, in order.
func (f *Flow) Trace() []Step { return f.rec.Steps() }

// Pending returns the challenge waiting for an answer, or nil.
func (f *Flow) Pending() *Challenge {
	if f.pending == nil {
		return nil
	}
	return f.pending.c
}

// Start sends the first request and runs the flow as far as it can go
// without the caller: to tokens, or to a challenge that needs an answer.
func (f *Flow) Start(ctx context.Context) (*Result, error) {
	if f.started {
		return nil, errors.New("flow already started")
	}
	f.started = true
	if err := ctxDone(ctx); err != nil {
		return nil, err
	}
	if f.o.Kind.IsRefresh() {
		return f.startRefresh(ctx)
	}
	out, err := f.initiate(ctx)
	if err != nil {
		return f.partial(), err
	}
	return f.advance(ctx, out)
}

// partial is the Result to return beside an error: empty, except for a
// device the pool turned out not to know.
func (f *Flow) partial() *Result {
	if f.forgotten == "" {
		return nil
	}
	return &Result{ForgottenDevice: f.forgotten}
}

// Respond answers the pending challenge and runs on to tokens or the next
// challenge. After a refused answer (a wrong code) the challenge stays
// pending, so the caller may try again while Cognito's session lasts.
func (f *Flow) Respond(ctx context.Context, a Answer) (*Result, error) {
	p := f.pending
	if p == nil {
		return nil, ErrNoPendingChallenge
	}
	if err := ctxDone(ctx); err != nil {
		return nil, err
	}
	if p.c.Unanswerable != "" {
		return nil, &UnanswerableError{Challenge: p.c.Name, Reason: p.c.Unanswerable}
	}
	if err := checkAnswer(p.c, a); err != nil {
		return nil, err
	}
	out, next, err := f.answer(ctx, p, a)
	if err != nil {
		return f.partial(), err
	}
	if next != nil {
		// A pseudo-challenge the flow asks itself (PASSWORD).
		f.pending = next
		return &Result{Challenge: next.c}, nil
	}
	f.pending = nil
	return f.advance(ctx, out)
}

// advance runs through the challenges the flow answers by itself and stops
// at tokens or at a challenge for the caller.
func (f *Flow) advance(ctx context.Context, out authOut) (*Result, error) {
	for {
		if out.session != nil {
			f.session = out.session
		}
		f.learnUsername(out)
		if out.result != nil && out.name == "" {
			return f.finish(ctx, out.result)
		}
		var err error
		switch out.name {
		case "":
			return nil, fmt.Errorf("%w: Cognito returned neither tokens nor a challenge", ErrBadResponse)
		case string(types.ChallengeNameTypePasswordVerifier):
			out, err = f.answerPasswordVerifier(ctx, out)
		case string(types.ChallengeNameTypeDeviceSrpAuth):
			out, err = f.answerDeviceSRP(ctx, out)
		case string(types.ChallengeNameTypeMfaSetup):
			p, err := f.startMFASetup(ctx, out)
			if err != nil {
				return f.partial(), err
			}
			return f.hold(p), nil
		default:
			return f.hold(&pending{c: f.buildChallenge(out), params: out.params}), nil
		}
		if err != nil {
			return f.partial(), err
		}
	}
}

// hold parks a challenge for the caller.
func (f *Flow) hold(p *pending) *Result {
	f.pending = p
	return &Result{Challenge: p.c, ForgottenDevice: f.forgotten}
}

// learnUsername keeps the name Cognito echoes: every later SECRET_HASH and
// USERNAME must use it, not the alias typed.
func (f *Flow) learnUsername(out authOut) {
	switch {
	case out.name == string(types.ChallengeNameTypePasswordVerifier) && out.params["USER_ID_FOR_SRP"] != "":
		f.username, f.hashSource = out.params["USER_ID_FOR_SRP"], HashFromUserIDForSRP
	case out.params["USERNAME"] != "":
		if out.params["USERNAME"] != f.username {
			f.username, f.hashSource = out.params["USERNAME"], HashFromChallenge
		}
	case out.params["USER_ID_FOR_SRP"] != "":
		if out.params["USER_ID_FOR_SRP"] != f.username {
			f.username, f.hashSource = out.params["USER_ID_FOR_SRP"], HashFromUserIDForSRP
		}
	}
}

// finish turns an AuthenticationResult into tokens and confirms a new
// device if Cognito offered one.
func (f *Flow) finish(ctx context.Context, ar *types.AuthenticationResultType) (*Result, error) {
	if deref(ar.AccessToken) == "" {
		// Every AuthenticationResult Cognito sends holds an access token;
		// tokens without one must not pass for a sign-in (or be saved).
		return nil, fmt.Errorf("%w: Cognito's AuthenticationResult holds no access token", ErrBadResponse)
	}
	t := &Tokens{
		IDToken:      deref(ar.IdToken),
		AccessToken:  deref(ar.AccessToken),
		RefreshToken: deref(ar.RefreshToken),
		ExpiresIn:    ar.ExpiresIn,
		TokenType:    deref(ar.TokenType),
		IssuedAt:     f.now(),
	}
	if f.o.Kind.IsRefresh() {
		t.RefreshRotated = t.RefreshToken != "" && t.RefreshToken != f.o.RefreshToken
		if t.RefreshToken == "" {
			t.RefreshToken = f.o.RefreshToken
		}
	}
	res := &Result{Tokens: t, ForgottenDevice: f.forgotten}
	f.pending = nil
	if md := ar.NewDeviceMetadata; md != nil && !f.o.SkipDeviceConfirmation && t.AccessToken != "" {
		// A failed confirmation costs the device, not the sign-in: the
		// tokens are good, and the trace shows what went wrong.
		if d, err := f.confirmDevice(ctx, t.AccessToken, md); err == nil {
			res.NewDevice = d
		}
	}
	return res, nil
}

// secretHash returns SECRET_HASH for username, or "" when the client has
// no secret.
func (f *Flow) secretHash(username, source string) (string, *SecretHashInfo) {
	if f.o.ClientSecret == "" {
		return "", nil
	}
	return srp.SecretHash(f.o.ClientSecret, username, f.o.ClientID), &SecretHashInfo{Username: username, Source: source}
}

// poolName is the SRP pool name: the part of the pool ID after "_".
func (f *Flow) poolName() string { return srp.PoolName(f.o.UserPoolID) }

func isDeviceNotFound(err error) bool {
	var rnf *types.ResourceNotFoundException
	return errors.As(err, &rnf) && strings.Contains(strings.ToLower(rnf.ErrorMessage()), "device")
}
