package trace

import "time"

// StepKind says what a step of the trace was.
type StepKind string

// Step kinds.
const (
	StepCall     StepKind = "call"     // one API call or HTTP exchange
	StepCompute  StepKind = "compute"  // local computation: SRP password claim, device verifier, PKCE
	StepDecision StepKind = "decision" // the flow chose something: which refresh operation, a retry, a dropped device
)

// Step is one entry of a trace. Its JSON form is public and stable (see
// package flows' documentation); new fields may be added, none renamed.
// Its keys are camelCase, the one style of every command's --json; the
// keys of Request and Response are Cognito's member names (data).
// Secrets in it are already redacted unless it was recorded with Reveal.
type Step struct {
	Index int      `json:"index"` // 1-based position in the trace
	Kind  StepKind `json:"kind"`
	// Operation is the API operation of a call ("InitiateAuth"), or the
	// computation of a compute step ("PASSWORD_CLAIM", "DEVICE_VERIFIER").
	Operation string `json:"operation"`
	// Title is a one-line summary, e.g. "InitiateAuth USER_SRP_AUTH → PASSWORD_VERIFIER".
	Title string `json:"title"`
	// AuthFlow is the AuthFlow sent (InitiateAuth / AdminInitiateAuth).
	AuthFlow string `json:"authFlow,omitempty"`
	// Challenge is the challenge this step answers (RespondToAuthChallenge)
	// or computes for (PASSWORD_CLAIM).
	Challenge string `json:"challenge,omitempty"`
	// NextChallenge is the challenge Cognito returned, if any.
	NextChallenge string `json:"nextChallenge,omitempty"`

	// Request and Response are the members sent and received, flattened
	// with dots ("AuthParameters.USERNAME", "AuthenticationResult.IdToken");
	// lists are JSON text, as Cognito itself sends MFAS_CAN_CHOOSE.
	Request  map[string]string `json:"request,omitempty"`
	Response map[string]string `json:"response,omitempty"`
	// Error is the service's refusal (or the transport failure) of a call.
	Error *APIError `json:"error,omitempty"`
	// RequestID is the request id of the call, when the service sent one.
	RequestID string `json:"requestId,omitempty"`

	// SecretHash says which username SECRET_HASH was computed from, for
	// app clients with a secret.
	SecretHash *SecretHashInfo `json:"secretHash,omitempty"`
	// SRP holds the intermediate values of a password-claim computation.
	SRP *SRPValues `json:"srp,omitempty"`
	// Notes explain, in plain language, what happened and why.
	Notes []string `json:"notes,omitempty"`

	Started    time.Time `json:"started"`
	DurationMS float64   `json:"durationMs"`
	// ServerTime is the Date header of the response, which shows clock
	// skew against the machine (matters for SRP's TIMESTAMP).
	ServerTime *time.Time `json:"serverTime,omitempty"`
}

// APIError is the part of a service's error a user needs: AWS's __type (or
// an OAuth error code), message and request id.
type APIError struct {
	Type       string `json:"type"` // e.g. NotAuthorizedException; empty for transport failures
	Message    string `json:"message"`
	RequestID  string `json:"requestId,omitempty"`
	HTTPStatus int    `json:"httpStatus,omitempty"`
}

func (e *APIError) String() string {
	s := e.Message
	if e.Type != "" {
		s = e.Type + ": " + e.Message
	}
	if e.RequestID != "" {
		s += " (request id " + e.RequestID + ")"
	}
	return s
}

// SecretHashInfo records which username a SECRET_HASH was computed from
// (the hash itself is in Request, redacted).
type SecretHashInfo struct {
	Username string `json:"username"`
	Source   string `json:"source"` // one of flows' HashFrom* values
}

// SRPValues are the intermediate values of one SRP password claim, user or
// device. Numbers are lower-case hex. X and Key are derived from the
// password and are "[redacted]" unless Reveal.
type SRPValues struct {
	Subject     string `json:"subject"`  // "user" or "device"
	PoolName    string `json:"poolName"` // user pool name, or the device group key
	UserID      string `json:"userId"`   // USER_ID_FOR_SRP, or the device key
	A           string `json:"srpA"`     // the public value A = g^a sent as SRP_A (the private a is never recorded)
	B           string `json:"srpB"`     // the public value B received as SRP_B
	Salt        string `json:"salt"`
	U           string `json:"u"`
	X           string `json:"x"`
	Key         string `json:"key"` // the 16-byte HKDF key
	SecretBlock string `json:"secretBlock"`
	Timestamp   string `json:"timestamp"`
	Signature   string `json:"signature"`
}
