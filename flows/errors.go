package flows

import (
	"context"
	"errors"
	"fmt"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
)

// ErrInvalidOptions is wrapped by every error New returns for bad options
// (a missing client ID, a pool ID not in region_id form, an empty password).
var ErrInvalidOptions = errors.New("invalid flow options")

// ErrBadResponse is wrapped by errors about an answer Cognito never gives:
// neither tokens nor a challenge, tokens without an access token, SRP
// values that are malformed or unsafe. It points at an emulator, a proxy
// or an endpoint that is not Cognito's, not at the user's input.
var ErrBadResponse = errors.New("unexpected answer")

// ErrNoPendingChallenge is returned by Respond when the flow is not waiting
// for an answer.
var ErrNoPendingChallenge = errors.New("the flow is not waiting for an answer")

// CallError is a refused or failed Cognito call, with the context a
// diagnosis needs. It unwraps to the SDK's error, so errors.As with the
// SDK's typed exceptions (types.NotAuthorizedException, …) and
// smithy.APIError works.
type CallError struct {
	// Op says what the flow was doing, e.g. "respond to PASSWORD_VERIFIER"
	// or "initiate USER_SRP_AUTH".
	Op        string
	Operation string // API operation, e.g. RespondToAuthChallenge
	Flow      Kind
	Challenge string // the challenge being answered, if any
	// SecretHash is which username SECRET_HASH was computed from; nil when
	// none was sent.
	SecretHash *SecretHashInfo
	// SecretSent is true when a client secret (hash or raw) was sent.
	SecretSent bool
	// Timestamp is the SRP TIMESTAMP sent, for PASSWORD_VERIFIER answers.
	Timestamp string
	// DeviceKey is the remembered device sent, if any.
	DeviceKey string
	// ClockSkew is Cognito's clock minus the machine's, measured from the
	// Date header of the flow's last answered call; nil when unknown.
	ClockSkew *time.Duration
	// API is AWS's error, when the service answered.
	API *APIError
	Err error
}

func (e *CallError) Error() string {
	if e.API != nil && e.API.Type != "" {
		return e.Op + ": " + e.API.String()
	}
	return e.Op + ": " + e.Err.Error()
}

func (e *CallError) Unwrap() error { return e.Err }

// APIErrorOf extracts AWS's __type, message, request id and HTTP status
// from an error returned by the SDK (or anything wrapping it). ok is false
// when err carries no service error (a transport failure, a local error).
func APIErrorOf(err error) (e *APIError, ok bool) {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return nil, false
	}
	e = &APIError{Type: ae.ErrorCode(), Message: ae.ErrorMessage()}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		e.RequestID = re.ServiceRequestID()
		if re.Response != nil {
			e.HTTPStatus = re.Response.StatusCode
		}
	}
	return e, true
}

// UnanswerableError is returned by Run (and by answerers) when a challenge
// cannot be answered: no one to ask (non-interactive), or a challenge a
// terminal cannot satisfy (WEB_AUTHN).
type UnanswerableError struct {
	Challenge string
	Reason    string
}

func (e *UnanswerableError) Error() string {
	return fmt.Sprintf("cannot answer the %s challenge: %s", e.Challenge, e.Reason)
}

// NonInteractive is an Answerer for scripts: it answers nothing and fails
// with an UnanswerableError naming the challenge.
var NonInteractive Answerer = AnswererFunc(func(_ context.Context, c *Challenge) (Answer, error) {
	return nil, &UnanswerableError{Challenge: c.Name, Reason: "no terminal to prompt on (" + c.Prompt + ")"}
})
