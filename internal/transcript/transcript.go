// Package transcript is a session you can keep: the sign-ins (their trace
// steps and the tokens they issued, decoded with their checks) and the API
// calls (status, request id, explanation, matched log lines) of one
// target, recorded by `cogscope login`, `cogscope call` and the console,
// kept bounded in the state directory (files 0600), exported as Markdown
// for a ticket or as versioned JSON for tools, and compared with a replay
// against another environment (Diff).
//
// Nothing secret is kept: a Transcript is redacted when it is built
// (Redact) and again when it is written — passwords, SRP private values,
// session strings, client secrets, refresh tokens, one-time codes and
// token signatures are masked, by flows/trace's table of secrets
// (trace.Classify) and the rows a transcript adds (Rules); what was
// masked is listed in Masked, at the top of both forms.
//
// The package imports the standard library, flows/trace, inspect,
// internal/apicall, internal/logtail and internal/atomicfile; never cmd,
// ui or charm.
package transcript

import (
	"time"
)

// Version is the version of the JSON form. A change that renames or
// removes a key bumps it; new keys may be added within a version.
const Version = 1

// Masked is the text a masked value is replaced by.
const Masked = "[masked]"

// Transcript is one session of a target: the sign-ins and the calls made
// with their tokens, in the order they happened.
type Transcript struct {
	Version int       `json:"version"`
	Tool    string    `json:"tool"` // "cogscope"
	Started time.Time `json:"started"`
	Updated time.Time `json:"updated"`
	Target  Target    `json:"target"`
	// Masked lists what was masked, and where: the top of the export.
	Masked  []MaskedItem `json:"masked"`
	SignIns []SignIn     `json:"signIns"`
	Calls   []Call       `json:"calls"`
}

// Target is where the session went.
type Target struct {
	Profile    string `json:"profile,omitempty"`
	Region     string `json:"region,omitempty"`
	Endpoint   string `json:"endpoint,omitempty"`
	UserPoolID string `json:"userPoolId,omitempty"`
	ClientID   string `json:"clientId,omitempty"`
	Username   string `json:"username,omitempty"`
	// APIBaseURL is what call paths were resolved against.
	APIBaseURL string `json:"apiBaseUrl,omitempty"`
}

// MaskedItem is one kind of value that was masked and where it was.
type MaskedItem struct {
	Key   string   `json:"key"`   // "AuthParameters.PASSWORD", "srp.x", "signature"
	What  string   `json:"what"`  // "the user's password"
	Where []string `json:"where"` // "sign-in 1, step 2, request"
}

// Outcomes of a sign-in.
const (
	OutcomeSignedIn = "signed-in" // tokens issued
	OutcomeRefused  = "refused"   // the service refused a call
	OutcomeStopped  = "stopped"   // a challenge could not be answered, input ended, no answer
)

// SignIn is one sign-in or refresh.
type SignIn struct {
	Flow    string    `json:"flow"` // cogscope's --flow name: srp, password, refresh, pkce, …
	Started time.Time `json:"started"`
	Steps   []Step    `json:"steps"`
	// Challenges are the challenges the service asked for, in order.
	Challenges []string `json:"challenges,omitempty"`
	Outcome    string   `json:"outcome"`
	Error      *Error   `json:"error,omitempty"`
	Tokens     []Token  `json:"tokens,omitempty"`
}

// Step is one step of a sign-in's trace (flows/trace.Step, masked, with
// camelCase keys).
type Step struct {
	Index         int               `json:"index"`
	Kind          string            `json:"kind"` // call, compute, decision
	Operation     string            `json:"operation"`
	Title         string            `json:"title,omitempty"`
	AuthFlow      string            `json:"authFlow,omitempty"`
	Challenge     string            `json:"challenge,omitempty"`
	NextChallenge string            `json:"nextChallenge,omitempty"`
	Request       map[string]string `json:"request,omitempty"`
	Response      map[string]string `json:"response,omitempty"`
	Error         *Error            `json:"error,omitempty"`
	RequestID     string            `json:"requestId,omitempty"`
	SRP           *SRP              `json:"srp,omitempty"`
	Notes         []string          `json:"notes,omitempty"`
	Started       time.Time         `json:"started"`
	DurationMS    float64           `json:"durationMs"`
}

// SRP are the public values of a password claim; x, the key and the
// signature (M1) are masked.
type SRP struct {
	Subject     string `json:"subject"`
	PoolName    string `json:"poolName,omitempty"`
	UserID      string `json:"userId,omitempty"`
	A           string `json:"srpA,omitempty"`
	B           string `json:"srpB,omitempty"`
	Salt        string `json:"salt,omitempty"`
	U           string `json:"u,omitempty"`
	X           string `json:"x,omitempty"`
	Key         string `json:"key,omitempty"`
	SecretBlock string `json:"secretBlock,omitempty"`
	Timestamp   string `json:"timestamp,omitempty"`
	Signature   string `json:"signature,omitempty"`
}

// Error is a refusal: the service's type, message and request id, and the
// operation it refused.
type Error struct {
	Operation  string `json:"operation,omitempty"`
	Type       string `json:"type,omitempty"`
	Message    string `json:"message"`
	RequestID  string `json:"requestId,omitempty"`
	HTTPStatus int    `json:"httpStatus,omitempty"`
}

// Token is a token a sign-in issued: its identity (jti, use, client,
// lifetime), its decoded header and claims, and the inspector's checks.
// The signature is never kept; a refresh token is opaque and only said
// to have been issued.
type Token struct {
	Use       string    `json:"use"` // id, access, refresh
	JTI       string    `json:"jti,omitempty"`
	OriginJTI string    `json:"originJti,omitempty"`
	ClientID  string    `json:"clientId,omitempty"` // aud (ID token) or client_id (access token)
	Issuer    string    `json:"issuer,omitempty"`
	Subject   string    `json:"subject,omitempty"`
	Username  string    `json:"username,omitempty"`
	Scopes    []string  `json:"scopes,omitempty"`
	Groups    []string  `json:"groups,omitempty"`
	IssuedAt  time.Time `json:"issuedAt,omitzero"`
	Expires   time.Time `json:"expires,omitzero"`
	// Header and Claims are the decoded JSON of the token's first two
	// parts, as the token carries them.
	Header map[string]any `json:"header,omitempty"`
	Claims map[string]any `json:"claims,omitempty"`
	// Signature is always Masked (or "" for a refresh token).
	Signature string  `json:"signature,omitempty"`
	Checks    []Check `json:"checks,omitempty"`
	Valid     bool    `json:"valid"`
	// Verified says the signature was checked against the issuer's keys
	// when the token was recorded (false: decoded only, see Checks).
	Verified bool `json:"verified"`
}

// Check is one of the inspector's checks of a token.
type Check struct {
	Name   string `json:"name"`
	Status string `json:"status"` // ok, fail, skipped
	Detail string `json:"detail,omitempty"`
}

// Call is one API call made with the session's tokens.
type Call struct {
	Method string `json:"method"`
	URL    string `json:"url"`
	// Path is the URL relative to the target's API base URL ("/private"),
	// what a replay sends to the other environment's API.
	Path      string `json:"path"`
	TokenKind string `json:"tokenKind"` // access, id, raw, none, sigv4
	// Headers are the request's headers (credentials masked); BodyBytes
	// the size of its body.
	Headers   map[string][]string `json:"headers,omitempty"`
	BodyBytes int                 `json:"bodyBytes,omitempty"`
	// TokenJTI is the jti of the token sent, when it was a JWT.
	TokenJTI   string    `json:"tokenJti,omitempty"`
	Started    time.Time `json:"started"`
	DurationMS float64   `json:"durationMs"`
	Status     int       `json:"status,omitempty"` // 0: no answer
	RequestID  string    `json:"requestId,omitempty"`
	ErrorType  string    `json:"errorType,omitempty"`
	// Message is the gateway's message ({"message": …}) on a refusal.
	Message     string       `json:"message,omitempty"`
	Explanation *Explanation `json:"explanation,omitempty"`
	Logs        []LogLine    `json:"logs,omitempty"`
	// Error is why no answer came (network, timeout), or, after NotSent,
	// why the call was not sent at all.
	Error string `json:"error,omitempty"`
	// Skipped, in a replay, says why the call was not re-sent (it sent a
	// pasted token or a signature the replay cannot reproduce); such a
	// call is not compared.
	Skipped string `json:"skipped,omitempty"`
}

// Explanation is why API Gateway refused a call (internal/apicall's
// judgement, in short).
type Explanation struct {
	FailedCheck string   `json:"failedCheck,omitempty"` // aud, scope, exp, …
	Cause       string   `json:"cause,omitempty"`
	Fix         string   `json:"fix,omitempty"`
	Reason      string   `json:"reason,omitempty"`
	Mistakes    []string `json:"mistakes,omitempty"`
}

// LogLine is a log line matched to a call by its request id.
type LogLine struct {
	Kind      string    `json:"kind"` // access, authorizer
	Group     string    `json:"group"`
	Stream    string    `json:"stream,omitempty"`
	Timestamp time.Time `json:"timestamp"`
	Message   string    `json:"message"`
}

// New starts a transcript of target at now.
func New(target Target, now time.Time) *Transcript {
	return &Transcript{Version: Version, Tool: "cogscope", Started: now.UTC(), Updated: now.UTC(), Target: target,
		Masked: []MaskedItem{}, SignIns: []SignIn{}, Calls: []Call{}}
}

// TokenByJTI finds a recorded token by its jti.
func (t *Transcript) TokenByJTI(jti string) (Token, bool) {
	if jti == "" {
		return Token{}, false
	}
	for i := len(t.SignIns) - 1; i >= 0; i-- {
		for _, tk := range t.SignIns[i].Tokens {
			if tk.JTI == jti {
				return tk, true
			}
		}
	}
	return Token{}, false
}

// NotSent begins a Call's Error when the call was not sent at all (a
// smoke run's AWS_IAM route, a replay's signed call, with nothing to sign
// it with): its outcome is "not sent", the rest of Error says why.
const NotSent = "not sent: "
