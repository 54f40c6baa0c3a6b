package doctor

import "github.com/cogscope/cogscope/flows"

// Sources of the explain table beside flows.Catalogue's.
const (
	SourceGateway  = "gateway"  // API Gateway's own answers (Code: the HTTP status)
	SourceJWT      = "jwt"      // JWT libraries in back ends and authorizers
	SourceLogs     = "logs"     // CloudWatch Logs, as the tailer meets it
	SourceIdentity = "identity" // Cognito identity pools and SigV4
)

// explainEntries are the errors `cogscope explain` decodes beyond the
// flows' catalogue: API Gateway, JWT libraries and CloudWatch Logs
// (failure catalogue §c, §d, §e). Same shape and rules as
// flows.Catalogue: Code alternatives with "|", message fragments
// (lower case) with "|", tried in order, specific first.
var explainEntries = []flows.Entry{
	// ---- API Gateway (§c) ----
	{ID: "gateway.jwt.audience", Source: SourceGateway, Code: "401",
		Context: flows.Context{Message: "does not have a valid audience"}, Ref: "c28",
		Cause: "An HTTP API JWT authorizer refused the token's audience: its audience list lacks the app client id. API Gateway checks aud when the token has one (ID tokens), else client_id (access tokens).",
		Fix:   "Add the app client id to the authorizer's audience (cogscope doctor --api-id shows which), or send a token of a listed client."},
	{ID: "gateway.jwt.issuer", Source: SourceGateway, Code: "401",
		Context: flows.Context{Message: "does not have a valid issuer"}, Ref: "c29",
		Cause: "An HTTP API JWT authorizer refused the token's issuer: the authorizer's issuer is not exactly the token's iss (a trailing slash, another region or pool, the hosted-UI domain).",
		Fix:   "Set the authorizer's issuer to exactly https://cognito-idp.<region>.amazonaws.com/<poolId> of the token's pool."},
	{ID: "gateway.jwt.signature", Source: SourceGateway, Code: "401",
		Context: flows.Context{Message: "signature is invalid|signing key was not found|signing method"}, Ref: "c29",
		Cause: "The authorizer could not verify the token's signature with its issuer's keys: a token of another pool, region or environment, or a token cut or changed on the way.",
		Fix:   "Send the token exactly as issued, from the pool the authorizer trusts (cogscope inspect shows iss and kid)."},
	{ID: "gateway.expired.rest", Source: SourceGateway, Code: "401",
		Context: flows.Context{Message: "the incoming token has expired"}, Ref: "c27",
		Cause: "A REST Cognito authorizer refused an expired token (exp has passed by the gateway's clock; ID tokens stay valid until exp even after sign-out).",
		Fix:   "Refresh the session ({flow:refresh}) or sign in again, and check the machine's clock."},
	{ID: "gateway.jwt.expired", Source: SourceGateway, Code: "401",
		Context: flows.Context{Message: "the token has expired|the token is not valid yet"}, Ref: "c27",
		Cause: "An HTTP API JWT authorizer refused the token's times: exp has passed, or nbf/iat are ahead of the gateway's clock.",
		Fix:   "Refresh the session ({flow:refresh}) or sign in again; check the clocks."},
	{ID: "gateway.jwt.invalid_token", Source: SourceGateway, Code: "401",
		// API Gateway's bearer challenge (scope="" first, spaces between
		// the parameters), not the userInfo endpoint's (error="invalid_token",
		// with a comma and no scheme).
		Context: flows.Context{Message: `scope="" error="invalid_token"|error="invalid_token" error_description`}, Ref: "c28",
		Cause: "An HTTP API JWT authorizer refused the token (its www-authenticate error_description says which check).",
		Fix:   "Compare the token's iss, aud/client_id and exp with the authorizer (cogscope call explains the refusal; cogscope doctor --api-id checks the configuration)."},
	{ID: "gateway.forbidden.scope", Source: SourceGateway, Code: "403",
		Context: flows.Context{Message: "insufficient_scope"}, Ref: "c30",
		Cause: "The token is valid but holds none of the route's authorization scopes. Tokens from the API sign-in flows carry only aws.cognito.signin.user.admin.",
		Fix:   "Sign in with {flow:pkce} or {flow:client-credentials} requesting one of the route's scopes (allowed on the app client), or change the route's scopes."},
	{ID: "gateway.lambda.explicit-deny", Source: SourceGateway, Code: "403",
		Context: flows.Context{Message: "access this resource with an explicit deny"}, Ref: "c33",
		Cause: "A Lambda authorizer returned a policy that explicitly denies this method.",
		Fix:   "Read the authorizer's log group (/aws/lambda/<function>) for the policy it returned (cogscope tail)."},
	{ID: "gateway.lambda.policy", Source: SourceGateway, Code: "403",
		Context: flows.Context{Message: "not authorized to access this resource"}, Ref: "c33",
		Cause: "A Lambda authorizer's policy does not cover this method: often a policy returned for another route and cached (TTL 300 s by default) under the same identity source.",
		Fix:   "Return a policy with a wildcard resource, add $context.routeKey to the identity sources, or set the authorizer's TTL to 0."},
	{ID: "gateway.missing-authentication-token", Source: SourceGateway, Code: "403",
		Context: flows.Context{Message: "missing authentication token"}, Ref: "c31",
		Cause: "No REST resource matches this path, method and stage (or it was never deployed). It is not about the token.",
		Fix:   "Check the path, the HTTP method and the stage; deploy the API after adding the resource."},
	{ID: "gateway.iam", Source: SourceGateway, Code: "403",
		Context: flows.Context{Message: "not a valid key=value pair|missing equal-sign"}, Ref: "c32",
		Cause: "The route uses AWS_IAM authorization: it wants a SigV4-signed request, and read the bearer token as a broken signature.",
		Fix:   "Sign the request with AWS credentials, or give the route a JWT or Cognito authorizer."},
	{ID: "gateway.authorizer-configuration", Source: SourceGateway, Code: "500",
		Context: flows.Context{Message: "authorizerconfigurationexception|\"message\":null|internal server error"}, Ref: "c33",
		Cause: "The authorizer failed: the Lambda function errored, timed out, returned malformed output, or API Gateway may not invoke it.",
		Fix:   "Read $context.authorizer.error in the access log and the function's log group (cogscope tail)."},
	{ID: "gateway.forbidden", Source: SourceGateway, Code: "403",
		Context: flows.Context{Message: "forbidden"}, Ref: "c30",
		Cause: "API Gateway refused a valid token: the route's scopes are not in it (JWT authorizer), or a Lambda authorizer said no (isAuthorized false, or a policy).",
		Fix:   "Compare the route's scopes with the token's scope claim; for a Lambda authorizer, read its logs."},
	{ID: "gateway.not-found", Source: SourceGateway, Code: "404",
		Context: flows.Context{Message: "not found"}, Ref: "c31",
		Cause: "No HTTP API route matches this method and path (and there is no $default route). It is not about the token.",
		Fix:   "Check the path and the method against the API's routes."},
	{ID: "gateway.unauthorized", Source: SourceGateway, Code: "401",
		Context: flows.Context{Message: "unauthorized"}, Ref: "c26",
		Cause: "The authorizer refused the request: no token in the header it reads, the wrong token kind (a REST Cognito method without scopes wants the ID token, with scopes the access token), another pool's token, or a Lambda authorizer's Unauthorized.",
		Fix:   "Send the right token in the authorizer's header (cogscope call --token id|access explains the refusal; cogscope doctor --api-id checks the configuration)."},
	{ID: "gateway.cors", Source: SourceGateway,
		Context: flows.Context{Message: "cors policy|access-control-allow-origin"}, Ref: "c34",
		Cause: "The browser hides the gateway's real answer: gateway responses (401, 403) carry no CORS headers, so an authorizer refusal shows as a CORS error.",
		Fix:   "Call the route from the terminal (cogscope call) to see the real status, and add CORS headers to the UNAUTHORIZED and ACCESS_DENIED gateway responses."},

	// ---- JWT libraries (§d) ----
	{ID: "jwt.token-use", Source: SourceJWT, Context: flows.Context{Message: "token use not allowed|invalid token_use|token_use"}, Ref: "d36",
		Cause: "The verifier expected the other token: an ID token where an access token is wanted, or the reverse.",
		Fix:   "Send the token the verifier expects (cogscope inspect shows token_use)."},
	{ID: "jwt.scope", Source: SourceJWT, Context: flows.Context{Message: "missing scope|jwtinvalidscopeerror"}, Ref: "d37",
		Cause: "The access token lacks the scope the verifier requires; API sign-in tokens carry only aws.cognito.signin.user.admin.",
		Fix:   "Request the scope through {flow:pkce} or {flow:client-credentials}."},
	{ID: "jwt.jwks-fetch", Source: SourceJWT, Context: flows.Context{Message: "failed to fetch|jwks fetch|response time-out|jwkserror"}, Ref: "d38",
		Cause: "The verifier could not download the pool's JWKS: a Lambda in a VPC without egress, or a slow cold start.",
		Fix:   "Check that the function can reach https://cognito-idp.<region>.amazonaws.com/<pool>/.well-known/jwks.json (a NAT gateway or VPC endpoint), or cache the JWKS."},
	{ID: "jwt.kid", Source: SourceJWT, Context: flows.Context{Message: "kid not found|no matching key|jwk not found|no key found|kid"}, Ref: "d39",
		Cause: "The token's kid is not among the issuer's keys: a token of another pool, region or environment, a cut token, or a stale key cache.",
		Fix:   "Compare the token's iss and kid with the JWKS of the pool you verify against (cogscope inspect)."},
	{ID: "jwt.not-yet-valid", Source: SourceJWT, Context: flows.Context{Message: "not yet valid|not active|nbf|iat"}, Ref: "d40",
		Cause: "The verifier's clock is behind the issuer's: iat or nbf is in its future.",
		Fix:   "Sync the clock, or allow a little leeway in the verifier."},
	{ID: "jwt.audience", Source: SourceJWT, Context: flows.Context{Message: "audience|\"aud\""}, Ref: "d41",
		Cause: "A generic JWT library checked aud on a Cognito access token, which has no aud (it has client_id).",
		Fix:   "Check client_id for access tokens and aud for ID tokens (aws-jwt-verify does), or verify the ID token."},
	{ID: "jwt.algorithm", Source: SourceJWT, Context: flows.Context{Message: "invalid algorithm|alg"}, Ref: "d42",
		Cause: "The library's allowed algorithms or key format do not fit: Cognito signs with RS256.",
		Fix:   "Allow RS256 and give the library the JWK (or its PEM)."},
	{ID: "jwt.expired", Source: SourceJWT, Context: flows.Context{Message: "jwt expired|token expired|tokenexpirederror|jwtexpirederror|exp claim"}, Ref: "c27",
		Cause: "The token's exp has passed by the verifier's clock.",
		Fix:   "Refresh the session ({flow:refresh}) or sign in again; check the clocks."},
	{ID: "jwt.signature", Source: SourceJWT, Context: flows.Context{Message: "invalid signature|signature verification failed"}, Ref: "d39",
		Cause: "The signature does not verify: the token was changed or cut, or it is checked with another pool's keys.",
		Fix:   "Send the token exactly as issued and verify it with its issuer's JWKS."},

	// ---- SigV4 (§d 43; the identity pools' own errors are flows' cognito-identity.* rows) ----
	{ID: "identity.signature-expired", Source: SourceIdentity,
		Context: flows.Context{Message: "signature expired"}, Ref: "d43",
		Cause: "The request's SigV4 signature is older than 15 minutes by AWS's clock: the machine's clock is off.",
		Fix:   "Sync the machine's clock (NTP)."},

	// ---- CloudWatch Logs (§e) ----
	{ID: "logs.livetail-limit", Source: SourceLogs, Code: "LimitExceededException",
		Context: flows.Context{Message: "rate exceeded|starttail|livetail|live tail"}, Ref: "e45",
		Cause: "Too many Live Tail sessions at once for the account.",
		Fix:   "Close other Live Tail sessions; cogscope tail falls back to polling (--poll)."},
	{ID: "logs.throttling", Source: SourceLogs, Code: "ThrottlingException",
		Context: flows.Context{Message: "rate exceeded"}, Ref: "e44",
		Cause: "FilterLogEvents / DescribeLogStreams hit the account's small per-second quota.",
		Fix:   "Back off and retry; prefer Live Tail (cogscope tail --follow)."},
	{ID: "logs.filter-pattern", Source: SourceLogs, Code: "InvalidParameterException",
		Context: flows.Context{Message: "invalid filter pattern"}, Ref: "e47",
		Cause: "The filter pattern does not parse (for example an unquoted / or :).",
		Fix:   "Quote terms with special characters: \"GET /orders\"."},
	{ID: "logs.live-tail-arns", Source: SourceLogs, Code: "InvalidParameterException",
		Context: flows.Context{Message: "loggroupidentifiers|log group arn|loggrouparn"}, Ref: "e46",
		Cause: "StartLiveTail wants log-group ARNs, not names.",
		Fix:   "Pass arn:aws:logs:<region>:<account>:log-group:<name> (cogscope tail resolves names itself)."},
	{ID: "logs.group-not-found", Source: SourceLogs, Code: "ResourceNotFoundException",
		Context: flows.Context{Message: "the specified log group does not exist"}, Ref: "e48",
		Cause: "No log group of that name in this region and account: a wrong region or profile, or the group is created on first write.",
		Fix:   "Check --region and the AWS profile; call the route once so its logs exist."},
	{ID: "logs.endpoint", Source: SourceLogs,
		Context: flows.Context{Message: "streaming-logs|could not connect to the endpoint url"}, Ref: "e49",
		Cause: "Live Tail's endpoint is not available in this partition or region.",
		Fix:   "Use polling (cogscope tail --poll)."},
}

// gatewayBodies are the bodies API Gateway answers with of its own
// (protocol reference §6, §6.2, §6.3), each with its status: a paste
// of the body alone still shows the status.
var gatewayBodies = map[string]string{
	`{"message":"Unauthorized"}`:                                                         "401",
	`{"message":"The incoming token has expired"}`:                                       "401",
	`{"message":"Forbidden"}`:                                                            "403",
	`{"message":"Missing Authentication Token"}`:                                         "403",
	`{"Message":"User is not authorized to access this resource"}`:                       "403",
	`{"Message":"User is not authorized to access this resource with an explicit deny"}`: "403",
	`{"Message":"User is not authorized to access this resource with an explicit deny in an identity-based policy"}`: "403",
	`{"message":"Not Found"}`:             "404",
	`{"message":null}`:                    "500",
	`{"message":"Internal Server Error"}`: "500",
}

// ExplainEntries returns the explain table beyond flows.Catalogue.
func ExplainEntries() []flows.Entry { return append([]flows.Entry(nil), explainEntries...) }
