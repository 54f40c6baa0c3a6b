package trace

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Class says how a recorded value is treated in a trace without Reveal.
type Class int

const (
	// Plain values are shown as they are.
	Plain Class = iota
	// Secret values (passwords, SECRET_HASH, refresh tokens, client
	// secrets, codes, credentials in headers) are replaced by Redacted,
	// and a viewer of a revealed trace masks them until asked.
	Secret
	// Short values (ID and access tokens, sessions, long opaque blobs) are
	// shortened to their first and last characters and their length, so
	// two can still be told apart.
	Short
)

func (c Class) String() string {
	switch c {
	case Secret:
		return "secret"
	case Short:
		return "short"
	}
	return "plain"
}

// Redacted is what a secret looks like in a trace without Reveal.
const Redacted = "[redacted]"

// What a key of a rule is matched against.
const (
	KindMember = "member" // the last dot-separated segment of a request or response key, exactly
	KindHeader = "header" // an HTTP header name, in any case
	KindSRP    = "srp"    // a value of Step.SRP by its JSON name, as "srp.<name>"
)

// Rule is one row of the classification table.
type Rule struct {
	Key   string // "PASSWORD", "Authorization", "srp.x"
	Kind  string // KindMember, KindHeader or KindSRP
	Class Class
	Why   string // what the value is
}

// rules is the one table of values a trace treats as secret or shortens.
// Every key not in it is Plain.
var rules = []Rule{
	// Cognito API members (flattened "AuthParameters.PASSWORD", …).
	{"PASSWORD", KindMember, Secret, "the user's password"},
	{"NEW_PASSWORD", KindMember, Secret, "a new password (NEW_PASSWORD_REQUIRED)"},
	{"SECRET_HASH", KindMember, Secret, "HMAC of the username with the client secret"},
	{"REFRESH_TOKEN", KindMember, Secret, "a refresh token sent"},
	{"RefreshToken", KindMember, Secret, "a refresh token sent or received"},
	{"ClientSecret", KindMember, Secret, "the app client's secret"},
	{"SecretCode", KindMember, Secret, "the TOTP seed (AssociateSoftwareToken)"},
	{"DevicePassword", KindMember, Secret, "a remembered device's password"},
	{"SRP_A", KindMember, Short, "the client's SRP public value"},
	{"SRP_B", KindMember, Short, "the server's SRP public value"},
	{"SECRET_BLOCK", KindMember, Short, "Cognito's opaque SRP state"},
	{"PASSWORD_CLAIM_SECRET_BLOCK", KindMember, Short, "the SECRET_BLOCK echoed with the claim"},
	{"Session", KindMember, Short, "a challenge session"},
	{"IdToken", KindMember, Short, "an ID token"},
	{"AccessToken", KindMember, Short, "an access token"},
	{"PasswordVerifier", KindMember, Short, "a device's SRP verifier"},
	// OAuth 2.0 form fields, query parameters and answers (flows/oauth).
	{"code", KindMember, Secret, "an authorization code"},
	{"code_verifier", KindMember, Secret, "the PKCE verifier"},
	{"refresh_token", KindMember, Secret, "a refresh token"},
	{"client_secret", KindMember, Secret, "the app client's secret"},
	{"token", KindMember, Secret, "a token sent for revocation"},
	{"access_token", KindMember, Short, "an access token"},
	{"id_token", KindMember, Short, "an ID token"},
	// Federation through the hosted UI (browser hops).
	{"SAMLResponse", KindMember, Secret, "a SAML response: the IdP's signed assertion, good for a sign-in"},
	{"SAMLRequest", KindMember, Short, "a SAML AuthnRequest (deflated, base64)"},
	{"RelayState", KindMember, Short, "the hosted UI's handle on a sign-in waiting at the SAML IdP"},
	// HTTP headers (the hosted-UI client, API calls).
	{"Authorization", KindHeader, Secret, "credentials: Basic client credentials, a SigV4 signature; a Bearer token is shortened like any token, and masked"},
	{"Proxy-Authorization", KindHeader, Secret, "credentials for a proxy"},
	{"Cookie", KindHeader, Secret, "session cookies sent"},
	{"Set-Cookie", KindHeader, Secret, "session cookies received"},
	{"X-Api-Key", KindHeader, Secret, "an API Gateway API key"},
	{"X-Amz-Security-Token", KindHeader, Secret, "an AWS session token"},
	// SRP intermediate values (Step.SRP).
	{"srp.x", KindSRP, Secret, "derived from the password"},
	{"srp.key", KindSRP, Secret, "the HKDF key derived from the password"},
	{"srp.secretBlock", KindSRP, Short, "Cognito's opaque SRP state"},
}

var (
	members = map[string]Class{}
	headers = map[string]Class{} // lower-case
	srpKeys = map[string]Class{}
)

func init() {
	for _, r := range rules {
		switch r.Kind {
		case KindMember:
			members[r.Key] = r.Class
		case KindHeader:
			headers[strings.ToLower(r.Key)] = r.Class
		case KindSRP:
			srpKeys[r.Key] = r.Class
		}
	}
}

// Rules returns the classification table, in a stable order, for
// documentation (the README's trace section, the troubleshooting page).
func Rules() []Rule { return append([]Rule(nil), rules...) }

// classOf is the table's class for key, whatever the value.
func classOf(key string) Class {
	if strings.HasPrefix(key, "srp.") {
		return srpKeys[key]
	}
	if c, ok := headers[strings.ToLower(key)]; ok {
		return c
	}
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		key = key[i+1:]
	}
	return members[key]
}

// Classify says how the value under key is recorded without Reveal. key
// is a member of Step.Request or Step.Response as recorded
// ("AuthParameters.SECRET_HASH", "code_verifier", "Authorization"), or
// "srp.<name>" for a value of Step.SRP by its JSON name. The one
// value-dependent row: an Authorization header carrying a Bearer token is
// shortened, as tokens are elsewhere, rather than hidden.
func Classify(key, value string) Class {
	c := classOf(key)
	if c == Secret && strings.EqualFold(key, "Authorization") && len(value) > 7 && strings.EqualFold(value[:7], "Bearer ") {
		return Short
	}
	return c
}

// IsSecret reports whether the value under key is a secret: one that a
// trace recorded without Reveal holds as Redacted (or, for a bearer
// token, shortened), and that a viewer of a trace recorded with Reveal
// (the console, which masks values itself so the user can unmask them)
// must not show unasked.
func IsSecret(key string) bool { return classOf(key) == Secret }

// Render renders v as a trace records it.
func Render(v string, c Class, reveal bool) string {
	if reveal || v == "" {
		return v
	}
	switch c {
	case Secret:
		return Redacted
	case Short:
		return Shorten(v)
	}
	return v
}

const (
	shortPrefix = 10
	shortSuffix = 6
)

// Shorten keeps the first and last characters of a long value and says
// how long it was, so two values can still be told apart: how traces show
// tokens without printing them whole.
func Shorten(v string) string {
	n := utf8.RuneCountInString(v)
	if n <= shortPrefix+shortSuffix+8 {
		return v
	}
	r := []rune(v)
	return fmt.Sprintf("%s…%s (%d chars)", string(r[:shortPrefix]), string(r[n-shortSuffix:]), n)
}

// RedactURL replaces the values of the secret query parameters of raw
// (an authorization code in a redirect's Location, an api key in a query)
// by Redacted. A URL that does not parse, or has none, is kept as is.
func RedactURL(raw string, reveal bool) string {
	if reveal {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.RawQuery == "" {
		return raw
	}
	q := u.Query()
	changed := false
	for k := range q {
		if classOf(k) == Secret {
			q.Set(k, Redacted)
			changed = true
		}
	}
	if !changed {
		return raw
	}
	u.RawQuery = q.Encode()
	return u.String()
}
