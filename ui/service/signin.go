package service

import (
	"context"

	"github.com/cogscope/cogscope/flows"
)

// Flow names a way of getting tokens.
type Flow string

// The flows the Sign-in view offers.
const (
	FlowSRP               Flow = "srp"                // USER_SRP_AUTH
	FlowPassword          Flow = "password"           // USER_PASSWORD_AUTH
	FlowPKCE              Flow = "pkce"               // hosted UI, authorization code + PKCE
	FlowClientCredentials Flow = "client-credentials" // token endpoint, client_credentials grant
	FlowRefresh           Flow = "refresh"            // REFRESH_TOKEN_AUTH / GetTokensFromRefreshToken
)

// SignInRequest is what the Sign-in form collects.
type SignInRequest struct {
	Flow     Flow
	Username string
	Password string
	Scopes   []string
	// RefreshToken is the session's refresh token, for FlowRefresh, and
	// AccessToken its access token (whose username claim a client with a
	// secret hashes into SECRET_HASH).
	RefreshToken string
	AccessToken  string
	// IdentityProvider, for FlowPKCE, skips the hosted UI's page for one
	// of Target.IdentityProviders ("" shows the page).
	IdentityProvider string
	// ClientID, when set, signs in as this app client instead of the
	// target's (the client-credentials client for that flow), with
	// ClientSecret ("" sends none): the tour's cases on the demo stack.
	ClientID     string
	ClientSecret string
}

// Event is one thing a running flow reports. Exactly one of Step,
// Challenge, Tokens and Err is set.
//
// Steps are recorded unredacted (flows.Options.Reveal): the view masks
// secrets itself, so that the user can unmask them. Err is preferably a
// *Failure carrying the diagnosis.
//
// A Challenge asked again, because Cognito refused the answer in a way
// that leaves it open (a mistyped code, a new password the policy
// refuses: flows.Retryable), comes with Refused, the refusal, and
// TriesLeft, the answers it may still get (this one included).
type Event struct {
	Step      *flows.Step
	Challenge *flows.Challenge
	Tokens    *flows.Tokens
	Err       error

	Refused   error
	TriesLeft int
}

// Run is a flow in progress.
//
// Events delivers its steps in order, then either a Challenge (the flow
// waits for Answer), Tokens (done) or an Err (failed), and is closed
// when the flow ends. Implementations never block forever on a send: they
// give up when the context given to Start is cancelled.
type Run interface {
	Events() <-chan Event
	// Answer resumes the flow after a Challenge. It returns promptly; what
	// follows arrives on Events.
	Answer(flows.Answer) error
}

// SignIn starts flows.
type SignIn interface {
	// Start begins a flow. It returns promptly; an error here means the
	// request itself is unusable (missing field, flow not available for
	// this target). Cancelling ctx abandons the flow.
	Start(ctx context.Context, req SignInRequest) (Run, error)
}
