// Package tour is the console's demo tour as data: the cases a user can
// try against the local stack's demo pool and APIs in a minute, each one
// classic Cognito or API Gateway mistake (or the clean path beside it),
// and the matcher that says which case an event of the console was.
//
// It knows nothing of the console: the console turns its own events (a
// sign-in finished or stopped at a challenge, an API call answered) into
// an Event, asks Match which cases happened, and ticks them off with the
// outcome Match phrased. The demo's names are copied here (this package
// must not pull the local stack into the console); a test keeps them
// equal to internal/local's.
//
// It imports flows (diagnoses, tokens, steps) and pquerna/otp (the TOTP
// code helper), never charm.land/*, ui or cmd.
package tour

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/cogscope/cogscope/flows"
)

// The demo's names (internal/local/cognito's and apigw's constants; a
// test keeps them equal).
const (
	PoolID              = "us-east-1_CogScope1"
	PublicClientID      = "cogscopedemopublicclient01"
	SecretClientID      = "cogscopedemosecretclient01"
	ClientSecret        = "democlientsecretforthecogscopelocalstack0123456789a"
	RotateClientID      = "cogscopedemorotateclient01"
	NoSRPClientID       = "cogscopedemonosrpclient001"
	MachineClientID     = "cogscopedemomachineclient1"
	MachineClientSecret = "machineclientsecretforthecogscopelocalstack01234567"
	MachineScope        = "test/test.read"
	Username            = "demo"
	AliasUsername       = "demo@example.com"
	Password            = "Passw0rd!"
	MFAUsername         = "mfa-demo"
	TOTPSecret          = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	NewUsername         = "new-user"
	TempPassword        = "TempPassw0rd!"
	UnconfirmedUsername = "unconfirmed-user"
	AdminsGroup         = "admins"
	HTTPLogGroup        = "/aws/apigateway/cogscope-demo-http"
	RestLogGroup        = "/aws/apigateway/cogscope-demo-rest"
	AdminsFunctionGroup = "/aws/lambda/cogscope-demo-admins"
)

// The sign-in flows, as the console names them (ui/service.Flow).
const (
	FlowSRP               = "srp"
	FlowPassword          = "password"
	FlowPKCE              = "pkce"
	FlowClientCredentials = "client-credentials"
	FlowRefresh           = "refresh"
)

// The tokens an API call can send (ui/service.TokenChoice).
const (
	TokenAccess = "access"
	TokenID     = "id"
	TokenNone   = "none"
)

// Section groups the cases in the tour's list.
type Section string

// The sections, in the order the tour lists them.
const (
	SectionUsers   Section = "Users"
	SectionClients Section = "App clients"
	SectionAPI     Section = "API routes"
)

// Sections lists the sections in order.
func Sections() []Section { return []Section{SectionUsers, SectionClients, SectionAPI} }

// View names the console view a case is tried in.
type View string

// The views a case can be tried in.
const (
	ViewSignIn View = "signin"
	ViewAPI    View = "api"
)

// Try is what the console fills in for a case when the user picks it in
// the tour: the view, and the sign-in form or the call. ClientID and
// ClientSecret, when set, replace the console's own app client for that
// sign-in (the demo's secrets are public); an empty ClientSecret with a
// ClientID means "send no secret".
type Try struct {
	View     View
	Flow     string
	Username string
	Password string
	ClientID string
	// ClientSecret is the secret sent with ClientID ("" sends none).
	ClientSecret string
	Scopes       []string
	// API calls: the route's method and path, and the token sent.
	Method, Path, Token string
}

// Case is one thing to try.
type Case struct {
	ID      string
	Section Section
	Title   string
	// Do says what to do in the console, Expect what the tour promises
	// will happen, and Why the mistake it shows.
	Do, Expect, Why string
	Try             Try
	// Diagnosis is the catalogue entry (flows.Entry.ID) the case ends
	// in, when it ends in a failure; Challenge the challenge it stops at;
	// Status the API status it promises (0: none).
	Diagnosis string
	Challenge string
	Status    []int
	// match says whether e is this case, with the outcome to show.
	match func(e Event) (string, bool)
}

// EventKind says what happened in the console.
type EventKind int

// The events the tour listens to.
const (
	// EventSignIn: a sign-in ended, with tokens or a failure.
	EventSignIn EventKind = iota + 1
	// EventChallenge: a sign-in stopped at a challenge for the user.
	EventChallenge
	// EventCall: an API call was answered (or failed to be sent).
	EventCall
)

// Event is one thing the console saw, in the tour's terms.
type Event struct {
	Kind EventKind
	// Sign-ins: the flow (Flow* constants), the username typed, the app
	// client used, the challenge (EventChallenge), and either the tokens
	// or the failure's diagnosis, with the steps recorded so far.
	Flow      string
	Username  string
	ClientID  string
	Challenge string
	Tokens    *flows.Tokens
	Failure   *flows.Diagnosis
	Steps     []flows.Step
	// Calls: the route's method and path, the token sent (Token*
	// constants), the answer's status, the check that failed, and the
	// console's diagnosis of it.
	Method, Path, Token string
	Status              int
	FailedCheck         string
	Said                string
}

// Hit is a case that happened, with what the console showed for it.
type Hit struct {
	Case    string
	Outcome string
}

// Match returns the cases e is, in the cases' order.
func Match(cases []Case, e Event) []Hit {
	var hits []Hit
	for _, c := range cases {
		if out, ok := c.Matches(e); ok {
			hits = append(hits, Hit{Case: c.ID, Outcome: out})
		}
	}
	return hits
}

// Matches says whether e is this case, with the outcome to show.
func (c Case) Matches(e Event) (string, bool) {
	if c.match == nil {
		return "", false
	}
	return c.match(e)
}

// CaseByID finds a case.
func CaseByID(cases []Case, id string) (Case, bool) {
	i := slices.IndexFunc(cases, func(c Case) bool { return c.ID == id })
	if i < 0 {
		return Case{}, false
	}
	return cases[i], true
}

// TOTPCode is the authenticator code for secret at now, and how long it
// stays valid: the tour's code helper for mfa-demo.
func TOTPCode(secret string, now time.Time) (string, time.Duration, error) {
	code, err := totp.GenerateCodeCustom(secret, now, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return "", 0, fmt.Errorf("TOTP code: %w", err)
	}
	left := 30*time.Second - time.Duration(now.Unix()%30)*time.Second
	return code, left, nil
}

// --- what the matchers read ---

func (e Event) signedIn() bool { return e.Kind == EventSignIn && e.Tokens != nil && e.Failure == nil }

func (e Event) failedWith(id string) bool {
	return e.Kind == EventSignIn && e.Failure != nil && e.Failure.ID == id
}

// client is the app client the event used: the console's own client is
// the public one on the demo stack.
func (e Event) client() string {
	if e.ClientID == "" {
		return PublicClientID
	}
	return e.ClientID
}

// answered reports whether the flow answered challenge on the way.
func (e Event) answered(challenge string) bool {
	return slices.ContainsFunc(e.Steps, func(s flows.Step) bool { return s.Challenge == challenge })
}

// secretHashUser is the username the last SECRET_HASH was computed from,
// with its source.
func (e Event) secretHashUser() (user, source string) {
	for _, s := range e.Steps {
		if s.SecretHash != nil {
			user, source = s.SecretHash.Username, s.SecretHash.Source
		}
	}
	return user, source
}

// failureText is a failure as the tour shows it: Cognito's code, then
// our cause.
func failureText(d *flows.Diagnosis) string {
	parts := []string{}
	if d.Type != "" {
		parts = append(parts, d.Type)
	}
	if d.Cause != "" {
		parts = append(parts, d.Cause)
	} else if d.Message != "" {
		parts = append(parts, d.Message)
	}
	return strings.Join(parts, " — ")
}

// callText is a call's answer as the tour shows it.
func callText(e Event) string {
	s := fmt.Sprintf("%d", e.Status)
	if e.Token != "" {
		s = e.Token + " token → " + s
	}
	if e.FailedCheck != "" {
		s += " (failed check: " + e.FailedCheck + ")"
	}
	if e.Said != "" {
		s += " — " + e.Said
	}
	return s
}

// Claims reads a JWT's payload without checking its signature (the
// console's Tokens view verifies; the tour only reads).
func Claims(token string) map[string]any {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil
	}
	return flows.JWTSegment(parts[1])
}

// claimList is a claim that is a list of strings (cognito:groups), or a
// space-separated string (scope).
func claimList(token, name string) []string {
	switch v := Claims(token)[name].(type) {
	case string:
		return strings.Fields(v)
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func (e Event) isCall(path string) bool { return e.Kind == EventCall && e.Path == path }
