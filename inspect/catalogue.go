package inspect

import (
	"sort"
	"strings"
)

// ValueKind says how a claim's value is shown.
type ValueKind string

// Value kinds of catalogued claims.
const (
	ValueString     ValueKind = "string"
	ValueTime       ValueKind = "time"       // NumericDate, seconds since 1970
	ValueSpaceList  ValueKind = "space-list" // one string, items separated by spaces (scope)
	ValueList       ValueKind = "list"       // array of strings (or one string)
	ValueBool       ValueKind = "bool"
	ValueNumber     ValueKind = "number"
	ValueIdentities ValueKind = "identities" // Cognito's federated identities array
	ValueObject     ValueKind = "object"
)

// ClaimInfo describes one claim of the catalogue.
type ClaimInfo struct {
	Name    string
	Meaning string // one line
	Kind    ValueKind
	// In says which tokens carry it: "id", "access", "both", "header".
	In string
	// Check is the check that reads it, "" if none.
	Check CheckName
}

var catalogue = map[string]ClaimInfo{}

func init() {
	for _, c := range catalogueList {
		catalogue[c.In+"|"+c.Name] = c
	}
}

// catalogueList holds every standard (RFC 7519, OpenID Connect) and
// Cognito claim, from cognito-protocol.md §5, plus the JOSE header fields.
var catalogueList = []ClaimInfo{
	// JOSE header.
	{Name: "alg", In: "header", Kind: ValueString, Check: CheckAlg, Meaning: "signature algorithm; Cognito signs with RS256 (RSA + SHA-256)"},
	{Name: "kid", In: "header", Kind: ValueString, Check: CheckKid, Meaning: "id of the signing key in the issuer's JWKS; ID and access tokens use different keys"},
	{Name: "typ", In: "header", Kind: ValueString, Meaning: "media type of the token (usually JWT); not relied on"},
	{Name: "cty", In: "header", Kind: ValueString, Meaning: "content type of the payload (JWT for a nested token)"},
	{Name: "enc", In: "header", Kind: ValueString, Meaning: "content encryption algorithm of a JWE"},
	{Name: "jku", In: "header", Kind: ValueString, Meaning: "a URL of keys chosen by the token itself: ignored, keys come from the issuer"},
	{Name: "jwk", In: "header", Kind: ValueObject, Meaning: "a key embedded in the token itself: ignored, trusting it would let anyone sign"},
	{Name: "x5u", In: "header", Kind: ValueString, Meaning: "a certificate URL chosen by the token itself: ignored"},
	{Name: "x5c", In: "header", Kind: ValueObject, Meaning: "a certificate chain embedded in the token: ignored"},
	{Name: "crit", In: "header", Kind: ValueList, Meaning: "header extensions a verifier must understand"},

	// Registered claims (RFC 7519).
	{Name: "iss", In: "both", Kind: ValueString, Check: CheckIss, Meaning: "issuer: the user pool, https://cognito-idp.<region>.amazonaws.com/<poolId>"},
	{Name: "sub", In: "both", Kind: ValueString, Meaning: "subject: the user's immutable id (UUID); for client_credentials, the client id"},
	{Name: "aud", In: "id", Kind: ValueList, Check: CheckAud, Meaning: "audience: the app client id the ID token was issued to (access tokens have none)"},
	{Name: "exp", In: "both", Kind: ValueTime, Check: CheckExp, Meaning: "expires at: the token must not be accepted after this"},
	{Name: "nbf", In: "both", Kind: ValueTime, Check: CheckNbf, Meaning: "not before: the token must not be accepted before this (Cognito sets none)"},
	{Name: "iat", In: "both", Kind: ValueTime, Check: CheckIat, Meaning: "issued at: when this token was minted (on sign-in or refresh)"},
	{Name: "jti", In: "both", Kind: ValueString, Meaning: "JWT id: unique per token"},

	// Cognito.
	{Name: "token_use", In: "both", Kind: ValueString, Check: CheckTokenUse, Meaning: `which token this is: "id" (who the user is) or "access" (what the bearer may call)`},
	{Name: "auth_time", In: "both", Kind: ValueTime, Check: CheckIat, Meaning: "when the user signed in; unchanged when tokens are refreshed"},
	{Name: "origin_jti", In: "both", Kind: ValueString, Meaning: "jti of the original sign-in: ties every refreshed token to its session (token revocation)"},
	{Name: "event_id", In: "both", Kind: ValueString, Meaning: "id of the authentication event (look it up in the user's auth events)"},
	{Name: "cognito:username", In: "id", Kind: ValueString, Meaning: "the user's internal username (a UUID in pools that sign in by e-mail or phone)"},
	{Name: "username", In: "access", Kind: ValueString, Meaning: "the user's internal username (absent for client_credentials)"},
	{Name: "cognito:groups", In: "both", Kind: ValueList, Check: CheckGroup, Meaning: "groups the user belongs to (only when in at least one)"},
	{Name: "cognito:roles", In: "id", Kind: ValueList, Meaning: "IAM role ARNs of the user's groups"},
	{Name: "cognito:preferred_role", In: "id", Kind: ValueString, Meaning: "IAM role of the user's highest-precedence group"},
	{Name: "identities", In: "id", Kind: ValueIdentities, Meaning: "federated identities linked to this user (Google, SAML, OIDC providers)"},
	{Name: "client_id", In: "access", Kind: ValueString, Check: CheckAud, Meaning: "the app client the access token was issued to (access tokens carry this instead of aud)"},
	{Name: "scope", In: "access", Kind: ValueSpaceList, Check: CheckScope, Meaning: "OAuth scopes granted: what APIs may let the bearer do"},
	{Name: "device_key", In: "access", Kind: ValueString, Meaning: "the remembered device used or created at sign-in"},
	{Name: "version", In: "access", Kind: ValueNumber, Meaning: "access-token format version (2 from the OAuth endpoints and pre-token-generation v2)"},
	{Name: "scp", In: "access", Kind: ValueSpaceList, Meaning: "scopes in the form some issuers use; API Gateway's JWT authorizer reads it when scope is absent"},

	// OpenID Connect.
	{Name: "nonce", In: "id", Kind: ValueString, Meaning: "echo of the sign-in request's nonce: guards against replayed ID tokens (hosted UI)"},
	{Name: "at_hash", In: "id", Kind: ValueString, Meaning: "hash of the access token issued alongside, binding the two (hosted UI)"},
	{Name: "c_hash", In: "id", Kind: ValueString, Meaning: "hash of the authorization code issued alongside"},
	{Name: "acr", In: "both", Kind: ValueString, Meaning: "authentication context class: how strongly the user was authenticated"},
	{Name: "amr", In: "both", Kind: ValueList, Meaning: "authentication methods used (e.g. pwd, mfa)"},
	{Name: "azp", In: "id", Kind: ValueString, Meaning: "authorized party: the client the token was issued to"},
	{Name: "sid", In: "id", Kind: ValueString, Meaning: "session id at the identity provider"},
	{Name: "email", In: "id", Kind: ValueString, Meaning: "e-mail address attribute (needs the email scope from the hosted UI)"},
	{Name: "email_verified", In: "id", Kind: ValueBool, Meaning: "whether the e-mail address was verified"},
	{Name: "phone_number", In: "id", Kind: ValueString, Meaning: "phone number attribute, E.164"},
	{Name: "phone_number_verified", In: "id", Kind: ValueBool, Meaning: "whether the phone number was verified"},
	{Name: "name", In: "id", Kind: ValueString, Meaning: "full name attribute"},
	{Name: "given_name", In: "id", Kind: ValueString, Meaning: "given (first) name attribute"},
	{Name: "family_name", In: "id", Kind: ValueString, Meaning: "family (last) name attribute"},
	{Name: "middle_name", In: "id", Kind: ValueString, Meaning: "middle name attribute"},
	{Name: "nickname", In: "id", Kind: ValueString, Meaning: "casual name attribute"},
	{Name: "preferred_username", In: "id", Kind: ValueString, Meaning: "the username the user chose (an alias, not the internal username)"},
	{Name: "profile", In: "id", Kind: ValueString, Meaning: "profile page URL attribute"},
	{Name: "picture", In: "id", Kind: ValueString, Meaning: "profile picture URL attribute"},
	{Name: "website", In: "id", Kind: ValueString, Meaning: "web page URL attribute"},
	{Name: "gender", In: "id", Kind: ValueString, Meaning: "gender attribute"},
	{Name: "birthdate", In: "id", Kind: ValueString, Meaning: "birth date attribute (YYYY-MM-DD)"},
	{Name: "zoneinfo", In: "id", Kind: ValueString, Meaning: "time zone attribute (e.g. Europe/Paris)"},
	{Name: "locale", In: "id", Kind: ValueString, Meaning: "locale attribute (e.g. en-US)"},
	{Name: "address", In: "id", Kind: ValueObject, Meaning: "postal address attribute ({\"formatted\": ...})"},
	{Name: "updated_at", In: "id", Kind: ValueTime, Meaning: "when the user's attributes last changed"},
}

// LookupClaim returns the catalogue entry of a payload claim. custom:*
// claims get a generated entry.
func LookupClaim(name string) (ClaimInfo, bool) {
	for _, in := range [...]string{"both", "id", "access"} {
		if c, ok := catalogue[in+"|"+name]; ok {
			return c, true
		}
	}
	if attr, ok := strings.CutPrefix(name, "custom:"); ok && attr != "" {
		return ClaimInfo{Name: name, In: "id", Kind: ValueString,
			Meaning: "custom attribute " + attr + " of the user pool (always a string in tokens, whatever its type)"}, true
	}
	return ClaimInfo{}, false
}

// LookupHeader returns the catalogue entry of a JOSE header field.
func LookupHeader(name string) (ClaimInfo, bool) {
	c, ok := catalogue["header|"+name]
	return c, ok
}

// Catalogue lists every catalogued claim and header field, sorted by where
// it appears and then by name.
func Catalogue() []ClaimInfo {
	out := append([]ClaimInfo(nil), catalogueList...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].In != out[j].In {
			return out[i].In < out[j].In
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// unknownMeaning describes a claim outside the catalogue.
const unknownMeaning = "not a standard or Cognito claim (added by a pre-token-generation trigger, or another issuer's)"
