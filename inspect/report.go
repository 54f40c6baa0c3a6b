package inspect

import "time"

// Status is the outcome of one check.
type Status string

// The three outcomes of a check. A claim that feeds no check has Status "".
const (
	StatusOK      Status = "ok"
	StatusFail    Status = "fail"
	StatusSkipped Status = "skipped"
)

// CheckName names one verification step. The names are stable: they appear
// in `cogscope inspect --json` and in tests.
type CheckName string

// The checks, in the order a report lists them.
const (
	CheckParse     CheckName = "parse"
	CheckAlg       CheckName = "alg"
	CheckKid       CheckName = "kid"
	CheckSignature CheckName = "signature"
	CheckIss       CheckName = "iss"
	CheckTokenUse  CheckName = "token_use"
	CheckAud       CheckName = "aud"
	CheckExp       CheckName = "exp"
	CheckNbf       CheckName = "nbf"
	CheckIat       CheckName = "iat"
	CheckScope     CheckName = "scope"
	CheckGroup     CheckName = "group"
)

// CheckNames lists every check in report order.
var CheckNames = [...]CheckName{
	CheckParse, CheckAlg, CheckKid, CheckSignature, CheckIss, CheckTokenUse,
	CheckAud, CheckExp, CheckNbf, CheckIat, CheckScope, CheckGroup,
}

const numChecks = len(CheckNames)

// Check is the result of one verification step.
type Check struct {
	Name   CheckName
	Status Status
	// Detail says what was found: the reason for a failure, why the check
	// was skipped, or for a pass what was compared (and, for times, how
	// close to the edge the token is).
	Detail string
	// Hint, when set, names the likely mistake behind a failure in plain
	// words (e.g. "an ID token sent where an access token is expected").
	Hint string
	// Attack, when set, names the attack a refused token matches (alg
	// "none", HMAC/RSA key confusion, algorithm substitution).
	Attack string
	// Fix, when set, is the code (FixExpectIssuer…) of what the user
	// could give to change this outcome — an expected issuer, keys, a
	// clock allowance — which only an edge can name (a flag, a profile
	// key). Detail and Hint name no flag: an edge adds its words with
	// Phrase, to Hint when the check has one, else to Detail.
	Fix string
}

// OK reports whether the check passed.
func (c Check) OK() bool { return c.Status == StatusOK }

// TokenKind says which Cognito token a token_use claim declares.
type TokenKind string

// Token kinds. KindUnknown covers tokens without a usable token_use.
const (
	KindID      TokenKind = "id"
	KindAccess  TokenKind = "access"
	KindUnknown TokenKind = "unknown"
)

// Trust says who vouched for the keys a signature was checked with.
type Trust string

// The trust a verification rests on.
const (
	// TrustNone: no keys were consulted (Describe), or the token could not
	// be decoded.
	TrustNone Trust = ""
	// TrustExpectedIssuer: the keys are those of the issuer the caller
	// expected (--issuer, a profile or a session), and iss was compared
	// with it.
	TrustExpectedIssuer Trust = "expected-issuer"
	// TrustGivenKeys: the caller gave the keys (a JWKS file or URL).
	TrustGivenKeys Trust = "given-jwks"
	// TrustTokenIssuer: the keys came from the token's own iss, which
	// nobody confirmed. Whoever wrote the token chose them, so a signature
	// that verifies proves nothing; the iss check fails.
	TrustTokenIssuer Trust = "token-issuer-unconfirmed"
)

// IssuerInfo says what the token's iss is.
type IssuerInfo struct {
	// URL is the token's iss ("" when it has none or it is not a string).
	URL string
	// Cognito is true for a user pool's issuer,
	// https://cognito-idp.<region>.amazonaws.com/<poolId> (or the
	// issuer-cognito-idp form); Pool and Region are then set.
	Cognito      bool
	Pool, Region string
	// PoolShaped is true when the last path segment is a user-pool id
	// (<region>_<id>) without a Cognito host: a local stack or emulator.
	// Pool and Region are then set too.
	PoolShaped bool
}

// Claim is one header field or payload claim, ready to be shown.
type Claim struct {
	Name string
	// Value is the claim's raw JSON, exactly as in the token.
	Value []byte
	// Display is the value formatted for people: times as UTC plus a
	// relative age ("in 42m", "3h ago"), lists joined with ", ".
	Display string
	// Items holds list-valued claims one item per entry (scope,
	// cognito:groups, cognito:roles, aud, amr, identities); nil otherwise.
	Items []string
	// Time is set for time-valued claims (exp, iat, nbf, auth_time,
	// updated_at); zero otherwise.
	Time time.Time
	// Meaning is a one-line explanation from the claim catalogue.
	Meaning string
	// Known is false for a claim that is neither standard, Cognito's, nor
	// custom:*.
	Known bool
	// Check is the check this claim feeds ("" if none) and Status that
	// check's outcome ("" if none).
	Check  CheckName
	Status Status
}

// Lifetime places a token on its timeline, for a bar from iat to exp.
type Lifetime struct {
	// Known is false when the token lacks a numeric iat or exp.
	Known     bool
	IssuedAt  time.Time
	ExpiresAt time.Time
	NotBefore time.Time // zero when the token has no nbf
	Now       time.Time
	Total     time.Duration // ExpiresAt - IssuedAt
	Remaining time.Duration // ExpiresAt - Now; negative once expired
	// Elapsed is the fraction of Total already used, clamped to [0, 1].
	Elapsed float64
}

// Report is everything the inspector knows about one token: the decoded
// header and claims, explained, and the checks with a verdict. A report is
// built by Describe (no verification: every check but parse is skipped) or
// by Verifier.Verify.
type Report struct {
	// Token is the decoded (unverified) token, nil when parse failed.
	Token *Token
	// Header lists the JOSE header fields in token order.
	Header []Claim
	// Claims lists the payload claims in token order.
	Claims []Claim
	// Checks holds one entry per CheckNames item, in that order.
	Checks []Check
	// Valid is true only when the signature check passed and no check
	// failed. Skipped checks (no expectation given) do not fail a token.
	Valid bool
	Kind  TokenKind
	// Trust says who vouched for the keys; TrustTokenIssuer never comes
	// with Valid (the iss check fails).
	Trust Trust
	// Issuer describes the token's iss (Cognito or not).
	Issuer IssuerInfo
	// Now is the instant the token was judged at.
	Now      time.Time
	Lifetime Lifetime
	// Notes are remarks that are neither claims nor checks: how the input
	// was cleaned, where keys came from, revocation caveats.
	Notes []string
}

// Check returns the named check; a zero Check if the name is unknown.
func (r *Report) Check(name CheckName) Check {
	for _, c := range r.Checks {
		if c.Name == name {
			return c
		}
	}
	return Check{}
}

// Failed returns the checks that failed, in report order.
func (r *Report) Failed() []Check {
	var out []Check
	for _, c := range r.Checks {
		if c.Status == StatusFail {
			out = append(out, c)
		}
	}
	return out
}

// Claim returns the named payload claim and whether the token has it.
func (r *Report) Claim(name string) (Claim, bool) {
	for _, c := range r.Claims {
		if c.Name == name {
			return c, true
		}
	}
	return Claim{}, false
}
