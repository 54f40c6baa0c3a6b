package doctor

import (
	"slices"

	"github.com/cogscope/cogscope/flows"
)

// The explain table's entries on the troubleshooting page
// (docs/troubleshooting.md): flows' catalogue, then a section per source
// of explainEntries, each entry headed by the exact error it explains.
// flows renders the page (flows.TroubleshootingPage); it cannot import
// this package, so `go generate ./flows` runs internal/gen/troubleshooting,
// which writes TroubleshootingPage().

// explainSections are the page's sections for explainEntries, in order.
var explainSections = []struct{ source, title, about string }{
	{SourceGateway, "API Gateway refused",
		"API Gateway answered a route (`cogscope call`, a browser, curl) with an answer of its own, before or instead of the integration: the code is the HTTP status; the body, `www-authenticate` (HTTP APIs' JWT authorizers) and `x-amzn-ErrorType` (REST APIs) say which check failed. ‹…› marks the parts that vary."},
	{SourceJWT, "A JWT library refused",
		"A back end or an authorizer verifying a Cognito token with a JWT library (aws-jwt-verify, jsonwebtoken, jose) refused it: the library's message is the error. The entry is found by that message."},
	{SourceIdentity, "SigV4 refused",
		"An AWS service refused a SigV4-signed request (identity pools, STS, an `AWS_IAM` route). The identity pools' own refusals are under \"Identity pools refused\"."},
	{SourceLogs, "CloudWatch Logs refused",
		"CloudWatch Logs answered `cogscope tail` or `cogscope call --logs` (FilterLogEvents, StartLiveTail) with an error: its `__type` is the code."},
}

// explainErrors are, per explain entry, the exact error text it
// explains, as the failure catalogue (§c, §d, §e) and the protocol
// reference (§6, §7) quote it: the entry's heading on the page. A test
// keeps each one explained as its own entry. Explain ranks by them too:
// an entry whose exact error is part of another's is the less specific
// of the two (generalisations).
var explainErrors = map[string]string{
	"gateway.jwt.audience":                 `401 {"message":"Unauthorized"}, www-authenticate: Bearer scope="" error="invalid_token" error_description="the token does not have a valid audience"`,
	"gateway.jwt.issuer":                   `401 {"message":"Unauthorized"}, www-authenticate: Bearer scope="" error="invalid_token" error_description="the token does not have a valid issuer"`,
	"gateway.jwt.signature":                `401 {"message":"Unauthorized"}, www-authenticate: Bearer scope="" error="invalid_token" error_description="the token signature is invalid"`,
	"gateway.expired.rest":                 `401 {"message":"The incoming token has expired"}`,
	"gateway.jwt.expired":                  `401 {"message":"Unauthorized"}, www-authenticate: Bearer scope="" error="invalid_token" error_description="the token has expired"`,
	"gateway.jwt.invalid_token":            `401 {"message":"Unauthorized"}, www-authenticate: Bearer scope="" error="invalid_token" error_description="‹another reason›"`,
	"gateway.forbidden.scope":              `403 {"message":"Forbidden"}, www-authenticate: Bearer scope="‹route scopes›" error="insufficient_scope"`,
	"gateway.lambda.explicit-deny":         `403 {"Message":"User is not authorized to access this resource with an explicit deny"}`,
	"gateway.lambda.policy":                `403 {"Message":"User is not authorized to access this resource"}`,
	"gateway.missing-authentication-token": `403 {"message":"Missing Authentication Token"}`,
	"gateway.iam":                          `403 … not a valid key=value pair (missing equal-sign) in Authorization header: 'Bearer ‹token›'`,
	"gateway.authorizer-configuration":     `500 {"message":null}, x-amzn-ErrorType: AuthorizerConfigurationException`,
	"gateway.forbidden":                    `403 {"message":"Forbidden"}`,
	"gateway.not-found":                    `404 {"message":"Not Found"}`,
	"gateway.unauthorized":                 `401 {"message":"Unauthorized"}`,
	"gateway.cors":                         `Access to fetch at '‹route›' from origin '‹origin›' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.`,

	"jwt.token-use":     "CognitoJwtInvalidTokenUseError: Token use not allowed: id. Expected: access",
	"jwt.scope":         "JwtInvalidScopeError: Missing Scope. Expected: read",
	"jwt.jwks-fetch":    "FetchError: Failed to fetch https://cognito-idp.‹region›.amazonaws.com/‹pool›/.well-known/jwks.json: Response time-out (after 1500 ms.)",
	"jwt.kid":           "kid not found in JWKS",
	"jwt.not-yet-valid": "The token is not yet valid (iat)",
	"jwt.audience":      `JWTClaimValidationFailed: missing required "aud" claim`,
	"jwt.algorithm":     "JsonWebTokenError: invalid algorithm",
	"jwt.expired":       "TokenExpiredError: jwt expired",
	"jwt.signature":     "JsonWebTokenError: invalid signature",

	"identity.signature-expired": "Signature expired: ‹signed at› is now earlier than ‹limit› (‹now› - 15 min.)",

	"logs.livetail-limit":  "StartLiveTail: LimitExceededException: Rate exceeded",
	"logs.throttling":      "ThrottlingException: Rate exceeded",
	"logs.filter-pattern":  "InvalidParameterException: Invalid filter pattern: ‹pattern›",
	"logs.live-tail-arns":  "StartLiveTail: InvalidParameterException: … logGroupIdentifiers …",
	"logs.group-not-found": "ResourceNotFoundException: The specified log group does not exist.",
	"logs.endpoint":        `Could not connect to the endpoint URL: "https://streaming-logs.‹region›.amazonaws.com/"`,
}

// ExplainError is the exact error text an entry of the explain table
// explains (its heading on the troubleshooting page); "", false for an
// entry of flows' catalogue or an unknown id.
func ExplainError(id string) (string, bool) {
	s, ok := explainErrors[id]
	return s, ok
}

// TroubleshootingSections are the troubleshooting page's sections for
// the explain table's entries (API Gateway, JWT libraries, SigV4,
// CloudWatch Logs), after flows' catalogue.
func TroubleshootingSections() []flows.PageSection {
	sections := explainSections
	// A source added to the table without a title here still gets a
	// section (the test finds every entry's anchor on the page).
	for _, e := range explainEntries {
		if !slices.ContainsFunc(sections, func(t struct{ source, title, about string }) bool { return t.source == e.Source }) {
			sections = append(sections, struct{ source, title, about string }{e.Source, "Source " + e.Source, "Errors of " + e.Source + "."})
		}
	}
	out := make([]flows.PageSection, 0, len(sections))
	for _, s := range sections {
		sec := flows.PageSection{Title: s.title, About: s.about, Errors: explainErrors}
		for _, e := range explainEntries {
			if e.Source == s.source {
				sec.Entries = append(sec.Entries, e)
			}
		}
		out = append(out, sec)
	}
	return out
}

// TroubleshootingPage is docs/troubleshooting.md: flows' catalogue and
// the explain table, every entry Explain knows. `go generate ./flows`
// writes it; a test keeps the file equal to it.
func TroubleshootingPage() string {
	return flows.TroubleshootingPage(TroubleshootingSections()...)
}

// EntryURL is the link to an entry Explain knows (flows' catalogue or
// the explain table) on the troubleshooting page; "", false for any
// other id. Findings, matches and `cogscope call`'s "link" row use it.
func EntryURL(id string) (string, bool) {
	if _, ok := EntryByID(id); !ok {
		return "", false
	}
	return flows.RefURL(id), true
}
