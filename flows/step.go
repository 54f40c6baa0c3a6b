package flows

import "github.com/cogscope/cogscope/flows/trace"

// The trace's types live in flows/trace, which every trace of the project
// (the hosted-UI client, API calls, log tails) records with; these names
// keep flows' API whole.
type (
	// StepKind says what a step of the trace was.
	StepKind = trace.StepKind
	// Step is one entry of a flow's trace. Its JSON form is public and
	// stable (see the package documentation); new fields may be added,
	// none renamed. Secrets in it are already redacted unless the flow ran
	// with Reveal.
	Step = trace.Step
	// APIError is the part of a Cognito error a user needs: AWS's __type,
	// message and request id.
	APIError = trace.APIError
	// SecretHashInfo records which username a SECRET_HASH was computed
	// from (the hash itself is in Request, redacted).
	SecretHashInfo = trace.SecretHashInfo
	// SRPValues are the intermediate values of one SRP password claim,
	// user or device. Numbers are lower-case hex. X and Key are derived
	// from the password and are "[redacted]" unless Reveal.
	SRPValues = trace.SRPValues
)

// Step kinds.
const (
	StepCall     = trace.StepCall     // one Cognito API call
	StepCompute  = trace.StepCompute  // local computation: SRP password claim, device verifier
	StepDecision = trace.StepDecision // the flow chose something: which refresh operation, a retry, a dropped device
)

// Where the username hashed into SECRET_HASH came from.
const (
	HashFromTyped         = "USERNAME as given"
	HashFromUserIDForSRP  = "USER_ID_FOR_SRP"
	HashFromChallenge     = "challenge USERNAME"
	HashFromUsernameClaim = "access token username claim"
	HashFromSubClaim      = "access token sub claim"
)

// Redacted is what a secret looks like in a trace without Reveal.
const Redacted = trace.Redacted

// Shorten keeps the first and last characters of a long value and says
// how long it was: how traces show tokens without printing them whole.
// It is trace.Shorten.
func Shorten(v string) string { return trace.Shorten(v) }
