package doctor_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/apicall"
	"github.com/cogscope/cogscope/internal/apiconfig"
	"github.com/cogscope/cogscope/internal/doctor"
)

// pasted is, per catalogue entry, the real text a user pastes.
var pasted = map[string]string{
	"cognito.NotAuthorizedException.secret-missing-gettokens": "operation error Cognito Identity Provider: GetTokensFromRefreshToken, https response error StatusCode: 400, RequestID: 1f0e, NotAuthorizedException: Client 3n4b5urk1ft4fl3mg5e62d9ado is configured for secret but secret was not received",
	"cognito.NotAuthorizedException.secret-missing":           "NotAuthorizedException: Client 3n4b5urk1ft4fl3mg5e62d9ado is configured for secret but secret was not received",
	"cognito.NotAuthorizedException.secret-hash-refresh":      "InitiateAuth REFRESH_TOKEN_AUTH failed: NotAuthorizedException: Unable to verify secret hash for client 3n4b5urk1ft4fl3mg5e62d9ado",
	"cognito.NotAuthorizedException.secret-hash":              `{"__type":"NotAuthorizedException","message":"Unable to verify secret hash for client 3n4b5urk1ft4fl3mg5e62d9ado"}`,
	"cognito.NotAuthorizedException.incorrect-password-srp":   "RespondToAuthChallenge PASSWORD_VERIFIER: NotAuthorizedException: Incorrect username or password.",
	"cognito.NotAuthorizedException.incorrect-password":       "NotAuthorizedException: Incorrect username or password.",
	"cognito.NotAuthorizedException.locked-out":               "NotAuthorizedException: Password attempts exceeded",
	"cognito.NotAuthorizedException.session-expired":          "NotAuthorizedException: Invalid session for the user, session is expired.",
	"cognito.NotAuthorizedException.session-invalid":          "NotAuthorizedException: Invalid session for the user.",
	"cognito.NotAuthorizedException.refresh-revoked":          "NotAuthorizedException: Refresh Token has been revoked",
	"cognito.NotAuthorizedException.refresh-expired":          "NotAuthorizedException: Refresh Token has expired",
	"cognito.NotAuthorizedException.refresh-invalid":          "NotAuthorizedException: Invalid Refresh Token",
	"cognito.NotAuthorizedException.access-revoked":           "NotAuthorizedException: Access Token has been revoked",
	"cognito.NotAuthorizedException.access-expired":           "NotAuthorizedException: Access Token has expired",
	"cognito.NotAuthorizedException.scope":                    "NotAuthorizedException: Access Token does not have required scopes",
	"cognito.NotAuthorizedException.user-disabled":            "NotAuthorizedException: User is disabled.",
	"cognito.InvalidParameterException.timestamp":             "InvalidParameterException: TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.",
	"cognito.flow-disabled.refresh":                           "InvalidParameterException: REFRESH_TOKEN_AUTH is not supported for app clients with refresh token rotation enabled. Use GetTokensFromRefreshToken.",
	"cognito.flow-disabled":                                   "InvalidParameterException: USER_PASSWORD_AUTH flow not enabled for this client",
	"cognito.NotAuthorizedException":                          "NotAuthorizedException: Something else entirely",
	"cognito.InvalidParameterException.missing-parameter":     "InvalidParameterException: Missing required parameter SRP_A",
	"cognito.InvalidParameterException.validation":            "InvalidParameterException: 1 validation error detected: Value at 'clientId' failed to satisfy constraint",
	"cognito.InvalidParameterException":                       "InvalidParameterException: Invalid attributes given",
	"cognito.UserNotFoundException":                           "UserNotFoundException: User does not exist.",
	"cognito.UserNotConfirmedException":                       "UserNotConfirmedException: User is not confirmed.",
	"cognito.PasswordResetRequiredException":                  "PasswordResetRequiredException: Password reset required for the user",
	"cognito.LimitExceededException":                          "LimitExceededException: Attempt limit exceeded, please try after some time.",
	"cognito.TooManyRequestsException":                        "TooManyRequestsException: Rate exceeded",
	"cognito.CodeMismatchException.totp":                      "RespondToAuthChallenge SOFTWARE_TOKEN_MFA: CodeMismatchException: Invalid code received for user",
	"cognito.CodeMismatchException":                           "CodeMismatchException: Invalid verification code provided, please try again.",
	"cognito.ExpiredCodeException":                            "ExpiredCodeException: Invalid code provided, please request a code again.",
	"cognito.EnableSoftwareTokenMFAException":                 "EnableSoftwareTokenMFAException: Code mismatch",
	"cognito.SoftwareTokenMFANotFoundException":               "SoftwareTokenMFANotFoundException: Software Token MFA does not exist for the user.",
	"cognito.MFAMethodNotFoundException":                      "MFAMethodNotFoundException: No MFA mechanism registered in the account.",
	"cognito.InvalidPasswordException":                        "InvalidPasswordException: Password did not conform with policy: Password not long enough",
	"cognito.ResourceNotFoundException.device":                "ResourceNotFoundException: Device does not exist.",
	"cognito.ResourceNotFoundException.client":                "ResourceNotFoundException: User pool client 3n4b5urk1ft4fl3mg5e62d9ado does not exist.",
	"cognito.ResourceNotFoundException":                       "ResourceNotFoundException: User pool us-east-1_AbC does not exist.",
	"cognito.RefreshTokenReuseException":                      "RefreshTokenReuseException: The refresh token has been reused",
	"cognito.InvalidUserPoolConfigurationException":           "InvalidUserPoolConfigurationException: SMS configuration is missing",
	"cognito.lambda":                    "UserLambdaValidationException: PreSignUp failed with error Not allowed.",
	"cognito.credentials":               "UnrecognizedClientException: The security token included in the request is invalid.",
	"cognito.ForbiddenException":        "ForbiddenException: Request not allowed due to WAF block.",
	"cognito.UnknownOperationException": `{"__type":"com.amazon.coral.service#UnknownOperationException"}`,
	"cognito.InternalErrorException":    "InternalErrorException: Internal error",
	"cognito.other":                     "CodeDeliveryFailureException: Unable to deliver the code",

	"oauth.federation.saml-relay-state":                  "http://localhost:8765/callback?error_description=Invalid+samlResponse+or+relayState+from+identity+provider&error=invalid_request",
	"oauth.federation.required-attribute":                "http://localhost:8765/callback?error_description=Invalid+user+attributes%3A+email%3A+The+attribute+is+required+&error=invalid_request",
	"oauth.federation.immutable-attribute":               "http://localhost:8765/callback?error_description=Invalid+user+attributes%3A+custom%3Aemployee_id%3A+Attribute+cannot+be+updated.+%28changing+an+immutable+attribute%29+&error=invalid_request",
	"oauth.federation.unknown-attribute":                 "http://localhost:8765/callback?error_description=Type+for+attribute+%7Bcustom%3Adepartment%7D+could+not+be+determined&error=server_error",
	"oauth.federation.id-token-issuer":                   "http://localhost:8765/callback?error_description=Bad+id_token+issuer+https%3A%2F%2Faccounts.example.com%2F&error=invalid_request",
	"oauth.federation.id-token":                          "http://localhost:8765/callback?error_description=Invalid+id_token+from+identity+provider&error=invalid_request",
	"oauth.federation.saml-processing":                   "http://localhost:8765/callback?error_description=Error+in+SAML+response+processing%3A+Invalid+signature&error=server_error",
	"oauth.federation.idp-error":                         "http://localhost:8765/callback?error_description=CorpOIDC+Error+-+401+invalid_client&error=invalid_request",
	"oauth.authorize.redirect_mismatch":                  "https://auth.example.com/oauth2/authorize?... redirected to /error?error=redirect_mismatch&client_id=abc",
	"oauth.authorize.invalid_scope":                      "http://localhost:8765/callback?error=invalid_scope&error_description=invalid_scope (from /oauth2/authorize)",
	"oauth.authorize.unauthorized_client":                "/oauth2/authorize answered error=unauthorized_client",
	"oauth.authorize.invalid_request.error-page":         "https://auth.example.com/error?error=invalid_request&client_id=abc",
	"oauth.authorize.invalid_request":                    "/oauth2/authorize: error=invalid_request&error_description=Missing+response_type",
	"oauth.authorize.access_denied":                      "/oauth2/authorize callback: error=access_denied",
	"oauth.authorize.interaction_required":               "/oauth2/authorize callback: error=login_required",
	"oauth.authorize.server_error":                       "/oauth2/authorize callback: error=server_error",
	"oauth.authorize.unsupported_response_type":          "/oauth2/authorize callback: error=unsupported_response_type",
	"oauth.authorize":                                    "/oauth2/authorize callback: error=temporarily_broken_thing and also invalid_client",
	"oauth.token.invalid_grant.code":                     `POST /oauth2/token grant_type=authorization_code: {"error":"invalid_grant"}`,
	"oauth.token.invalid_grant.refresh":                  `POST /oauth2/token grant_type=refresh_token: {"error":"invalid_grant"}`,
	"oauth.token.invalid_grant":                          `POST /oauth2/token: {"error":"invalid_grant"}`,
	"oauth.token.invalid_client":                         `POST /oauth2/token: {"error":"invalid_client"}`,
	"oauth.token.unauthorized_client.client_credentials": `POST /oauth2/token grant_type=client_credentials: {"error":"unauthorized_client"}`,
	"oauth.token.unauthorized_client.refresh":            `POST /oauth2/token grant_type=refresh_token: {"error":"unauthorized_client"}`,
	"oauth.token.unauthorized_client":                    `POST /oauth2/token: {"error":"unauthorized_client"}`,
	"oauth.token.unsupported_grant_type":                 `POST /oauth2/token: {"error":"unsupported_grant_type"}`,
	"oauth.token.invalid_scope":                          `POST /oauth2/token: {"error":"invalid_scope"}`,
	"oauth.token.invalid_request":                        `POST /oauth2/token: {"error":"invalid_request"}`,
	"oauth.token":                                        `POST /oauth2/token: {"error":"access_denied"}`,
	"oauth.revoke.unsupported_token_type":                `POST /oauth2/revoke: {"error":"unsupported_token_type"}`,
	"oauth.revoke.invalid_request":                       `POST /oauth2/revoke: {"error":"invalid_request"}`,
	"oauth.revoke.invalid_client":                        `POST /oauth2/revoke: {"error":"invalid_client"}`,
	"oauth.revoke":                                       `POST /oauth2/revoke: {"error":"invalid_grant"}`,
	"oauth.userinfo.invalid_token":                       `GET /oauth2/userInfo: {"error":"invalid_token","error_description":"Access token is expired"}`,
	"oauth.userinfo.invalid_request":                     `GET /oauth2/userInfo: {"error":"invalid_request"}`,
	"oauth.userinfo.insufficient_scope":                  `GET /oauth2/userInfo: {"error":"insufficient_scope"}`,
	"oauth.userinfo":                                     `GET /oauth2/userInfo: {"error":"server_error"}`,

	"gateway.jwt.audience":                 `HTTP/2 401 {"message":"Unauthorized"} www-authenticate: Bearer scope="" error="invalid_token" error_description="the token does not have a valid audience"`,
	"gateway.jwt.issuer":                   `401 www-authenticate: Bearer scope="" error="invalid_token" error_description="the token does not have a valid issuer"`,
	"gateway.jwt.signature":                `401 www-authenticate: Bearer scope="" error="invalid_token" error_description="the token signature is invalid"`,
	"gateway.expired.rest":                 `401 {"message":"The incoming token has expired"}`,
	"gateway.jwt.expired":                  `401 www-authenticate: Bearer scope="" error="invalid_token" error_description="the token has expired"`,
	"gateway.jwt.invalid_token":            `401 www-authenticate: Bearer scope="" error="invalid_token" error_description="something new"`,
	"gateway.forbidden.scope":              `403 {"message":"Forbidden"} www-authenticate: Bearer scope="cogscope-api/read" error="insufficient_scope"`,
	"gateway.lambda.explicit-deny":         `403 {"Message":"User is not authorized to access this resource with an explicit deny"}`,
	"gateway.lambda.policy":                `403 {"Message":"User is not authorized to access this resource"}`,
	"gateway.missing-authentication-token": `403 {"message":"Missing Authentication Token"}`,
	"gateway.iam":                          `403 {"message":"Authorization header requires 'Credential' parameter. ... not a valid key=value pair (missing equal-sign) in Authorization header: 'Bearer eyJ...'"}`,
	"gateway.authorizer-configuration":     `500 {"message":null} x-amzn-ErrorType: AuthorizerConfigurationException`,
	"gateway.forbidden":                    `403 {"message":"Forbidden"}`,
	"gateway.not-found":                    `404 {"message":"Not Found"}`,
	"gateway.unauthorized":                 `401 {"message":"Unauthorized"}`,
	"gateway.cors":                         `Access to fetch at 'https://abc.execute-api.us-east-1.amazonaws.com/orders' from origin 'http://localhost:3000' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present`,

	"jwt.token-use":              "CognitoJwtInvalidTokenUseError: Token use not allowed: id. Expected: access",
	"jwt.scope":                  "JwtInvalidScopeError: Missing Scope. Expected: read",
	"jwt.jwks-fetch":             "FetchError: Failed to fetch https://cognito-idp.us-east-1.amazonaws.com/us-east-1_x/.well-known/jwks.json: Response time-out (after 1500 ms.)",
	"jwt.kid":                    "JwksError: JWK for kid abc123 not found; kid not found in JWKS",
	"jwt.not-yet-valid":          "JwtNotBeforeError: The token is not yet valid (iat)",
	"jwt.audience":               `JWTClaimValidationFailed: missing required "aud" claim`,
	"jwt.algorithm":              "JsonWebTokenError: invalid algorithm",
	"jwt.expired":                "TokenExpiredError: jwt expired",
	"jwt.signature":              "JsonWebTokenError: invalid signature",
	"identity.signature-expired": "InvalidSignatureException: Signature expired: 20260101T000000Z is now earlier than 20260101T001500Z (20260101T003000Z - 15 min.)",
	"logs.livetail-limit":        "StartLiveTail: LimitExceededException: Rate exceeded",
	"logs.throttling":            "ThrottlingException: Rate exceeded",
	"logs.filter-pattern":        "InvalidParameterException: Invalid filter pattern: /orders",
	"logs.live-tail-arns":        "InvalidParameterException: logGroupIdentifiers must be log group ARNs",
	"logs.group-not-found":       "ResourceNotFoundException: The specified log group does not exist.",
	"logs.endpoint":              `Could not connect to the endpoint URL: "https://streaming-logs.us-gov-west-1.amazonaws.com/"`,

	// Identity pools and STS: the messages the services (and the local
	// stack, internal/local/identity) answer with, as the SDKs print them.
	"cognito-identity.NotAuthorizedException.could-not-verify":     "NotAuthorizedException: Invalid login token. Couldn't verify signed token.",
	"cognito-identity.NotAuthorizedException.token-expired":        "NotAuthorizedException: Invalid login token. Token expired: 1767225600 >= 1767222000",
	"cognito-identity.NotAuthorizedException.unsupported-provider": "operation error Cognito Identity: GetId, https response error StatusCode: 400, RequestID: 6a0c, NotAuthorizedException: Token is not from a supported provider of this identity pool.",
	"cognito-identity.NotAuthorizedException.unauthenticated":      "NotAuthorizedException: Unauthenticated access is not supported for this identity pool.",
	"cognito-identity.NotAuthorizedException.ambiguous-denied":     "NotAuthorizedException: The ambiguous role mapping rules for: cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC denied this request.",
	"cognito-identity.NotAuthorizedException.logins-dont-match":    "NotAuthorizedException: Logins don't match. Please include at least one valid login for this identity or identity pool.",
	"cognito-identity.NotAuthorizedException.custom-role":          "NotAuthorizedException: The CustomRoleArn arn:aws:iam::000000000000:role/admins is not one of the roles in the token's cognito:roles claim.",
	"cognito-identity.InvalidIdentityPoolConfigurationException":   "InvalidIdentityPoolConfigurationException: Invalid identity pool configuration. Check assigned IAM roles for this pool.",
	"cognito-identity.InvalidParameterException.basic-flow":        "InvalidParameterException: Basic (classic) flow is not enabled, please use enhanced flow.",
	"cognito-identity.InvalidParameterException.custom-role":       "InvalidParameterException: CustomRoleArn is only supported with a Token role mapping for the provider cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC.",
	"cognito-identity.ResourceNotFoundException":                   "ResourceNotFoundException: IdentityPool 'us-east-1:2f4d6c1e-0b7a-4c3e-9d51-6f0a8e2b7c94' not found.",
	"cognito-identity.fallback":                                    "operation error Cognito Identity: GetCredentialsForIdentity, https response error StatusCode: 400, RequestID: 5b1e, ExternalServiceException: Error from the external identity provider",
	"sts.AccessDenied":                                             "operation error STS: AssumeRoleWithWebIdentity, https response error StatusCode: 403, RequestID: 0d2f, api error AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity",
	"sts.InvalidIdentityToken":                                     "InvalidIdentityToken: Couldn't verify the web identity token: this local STS trusts only tokens from Cognito identity's GetOpenIdToken (https://cognito-identity.amazonaws.com)",
	"sts.ExpiredToken":                                             "operation error STS: AssumeRoleWithWebIdentity, https response error StatusCode: 400, RequestID: 3c1a, ExpiredTokenException: Token expired: current date/time must be before the expiration date/time",
	"sts.SignatureDoesNotMatch":                                    "SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
	"sts.fallback":                                                 "operation error STS: AssumeRoleWithWebIdentity, https response error StatusCode: 403, RequestID: 91c4, api error RegionDisabledException: STS is not activated in this region for account:000000000000. Your account administrator can activate STS in this region using the IAM Console.",
}

// byIDOnly are entries whose condition no pasted text shows (a live
// diagnosis knows it): their text matches the general entry, and the id
// finds them.
var byIDOnly = map[string]string{
	"cognito.NotAuthorizedException.secret-hash-none-sent":     "cognito.NotAuthorizedException.secret-hash",
	"cognito.NotAuthorizedException.refresh-invalid-no-device": "cognito.NotAuthorizedException.refresh-invalid",
	"oauth.authorize.no-code":                                  "",
	"oauth.other":                                              "oauth.token.invalid_grant",
	// The service's message is the same whatever the token was: only a
	// live diagnosis (flows/idpool) knows the Logins value was an access
	// token, or that its key names another pool.
	"cognito-identity.NotAuthorizedException.access-token":     "cognito-identity.NotAuthorizedException.could-not-verify",
	"cognito-identity.NotAuthorizedException.wrong-logins-key": "cognito-identity.NotAuthorizedException.could-not-verify",
}

func TestEveryEntryIsExplainedFromItsRealText(t *testing.T) {
	t.Parallel()
	for _, e := range doctor.Entries() {
		t.Run(e.ID, func(t *testing.T) {
			t.Parallel()
			// The id itself always finds the entry.
			if x := doctor.Explain(e.ID); x.Best == nil || x.Best.ID != e.ID || x.Best.Cause == "" || strings.Contains(x.Best.Cause, "{") {
				t.Errorf("Explain(%q) = %+v", e.ID, x.Best)
			}
			if e.Source == flows.SourceLocal || e.Source == flows.SourceOAuthClient {
				return // cogscope's own failures: found by id
			}
			if general, ok := byIDOnly[e.ID]; ok {
				if general != "" {
					if x := doctor.Explain(pasted[general]); x.Best == nil || x.Best.ID != general {
						t.Errorf("the general entry's text gave %+v", x.Best)
					}
				}
				return
			}
			text, ok := pasted[e.ID]
			if !ok {
				t.Fatalf("no pasted text for entry %s: add one", e.ID)
			}
			x := doctor.Explain(text)
			if x.Best == nil || x.Best.ID != e.ID {
				var ids []string
				for _, c := range x.Candidates {
					ids = append(ids, c.ID)
				}
				got := "nothing"
				if x.Best != nil {
					got = x.Best.ID
				}
				t.Errorf("Explain(%q) = %s (ambiguous %v, candidates %v), want %s", text, got, x.Ambiguous, ids, e.ID)
			}
		})
	}
}

func TestAmbiguousTextListsTheCandidates(t *testing.T) {
	t.Parallel()
	// invalid_scope without its endpoint: the authorize and the token
	// endpoint's entries both fit.
	x := doctor.Explain("error=invalid_scope")
	if !x.Ambiguous || x.Best != nil {
		t.Fatalf("Explain = %+v, want ambiguous", x)
	}
	var ids []string
	for _, c := range x.Candidates {
		ids = append(ids, c.ID)
	}
	if !slices.Contains(ids, "oauth.authorize.invalid_scope") || !slices.Contains(ids, "oauth.token.invalid_scope") {
		t.Errorf("candidates %v", ids)
	}
	// A failure-catalogue row lists its entries.
	x = doctor.Explain("a1")
	if x.Best != nil && x.Best.Ref != "a1" {
		t.Errorf("a1 = %+v", x.Best)
	}
	for _, c := range append(x.Candidates, func() []doctor.Match {
		if x.Best != nil {
			return []doctor.Match{*x.Best}
		}
		return nil
	}()...) {
		if c.Ref != "a1" {
			t.Errorf("a1 gave %s (%s)", c.ID, c.Ref)
		}
	}
	if x := doctor.Explain("hello there"); x.Best != nil || len(x.Candidates) != 0 {
		t.Errorf("unrelated text matched %+v", x)
	}
}

// The identity pools and STS share codes with the user pool (and STS's
// "Token expired" reads like a JWT library's): the text's service
// decides.
func TestIdentityPoolAndSTSTextsFindTheirService(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ text, want string }{
		{"ResourceNotFoundException: User pool us-east-1_AbC does not exist.", "cognito.ResourceNotFoundException"},
		{"operation error Cognito Identity: GetId, https response error StatusCode: 400, RequestID: 1, ResourceNotFoundException: Identity 'us-east-1:0f' not found.", "cognito-identity.ResourceNotFoundException"},
		{"ExpiredToken: The security token included in the request is expired", "sts.ExpiredToken"},
		{"InvalidClientTokenId: The security token included in the request is invalid.", "sts.SignatureDoesNotMatch"},
		{"An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity", "sts.AccessDenied"},
		{"CodeDeliveryFailureException: Unable to deliver the code", "cognito.other"},
		{"TokenExpiredError: jwt expired", "jwt.expired"},
		{"NotAuthorizedException: Invalid login token. Couldn't verify signed token.", "cognito-identity.NotAuthorizedException.could-not-verify"},
	} {
		x := doctor.Explain(tc.text)
		if x.Best == nil || x.Best.ID != tc.want {
			t.Errorf("Explain(%q) = %+v (ambiguous %v), want %s", tc.text, x.Best, x.Ambiguous, tc.want)
		}
	}
	// identity.login-token is gone: one entry per cause.
	if _, ok := doctor.EntryByID("identity.login-token"); ok {
		t.Error("identity.login-token duplicates cognito-identity.NotAuthorizedException.could-not-verify")
	}
}

// TestEveryLinkIsAnEntryOnThePage walks every entry explain knows, every
// rule's and every API call cause's: each links to its own anchor on
// docs/troubleshooting.md (flows' catalogue and the explain table's API
// Gateway, JWT, Logs and SigV4 entries alike), and every id a rule or a
// cause names is an entry.
func TestEveryLinkIsAnEntryOnThePage(t *testing.T) {
	t.Parallel()
	page, err := os.ReadFile("../../docs/troubleshooting.md")
	if err != nil {
		t.Fatal(err)
	}
	onPage := func(id, link string) bool {
		frag, ok := strings.CutPrefix(link, flows.TroubleshootingURL+"#")
		return ok && frag == id && strings.Contains(string(page), `<a id="`+frag+`"></a>`)
	}
	linked, sources := 0, map[string]int{}
	for _, e := range doctor.Entries() {
		x := doctor.Explain(e.ID)
		if x.Best == nil || x.Best.ID != e.ID {
			t.Errorf("explain %s: best %+v", e.ID, x.Best)
			continue
		}
		if !onPage(e.ID, x.Best.Link) {
			t.Errorf("%s links %q, not its entry on the page", e.ID, x.Best.Link)
			continue
		}
		if link, ok := doctor.EntryURL(e.ID); !ok || link != x.Best.Link {
			t.Errorf("EntryURL(%s) = %q, %v; the match links %q", e.ID, link, ok, x.Best.Link)
		}
		linked++
		sources[e.Source]++
	}
	if want := len(flows.Catalogue()) + len(doctor.ExplainEntries()); linked != want {
		t.Errorf("%d entries linked, want every entry explain knows (%d)", linked, want)
	}
	for _, src := range []string{doctor.SourceGateway, doctor.SourceJWT, doctor.SourceLogs, doctor.SourceIdentity, flows.SourceCognito} {
		if sources[src] == 0 {
			t.Errorf("no entry of source %s links to the page", src)
		}
	}
	if link, ok := doctor.EntryURL("gateway.no-such-entry"); ok || link != "" {
		t.Errorf("an unknown id links %q", link)
	}
	for _, r := range doctor.Rules() {
		for _, id := range r.Explains {
			if link, ok := doctor.EntryURL(id); !ok || !onPage(id, link) {
				t.Errorf("rule %s: %s links %q (%v), not on the page", r.Name, id, link, ok)
			}
		}
	}
	for cause, c := range apicall.Causes {
		for _, j := range []apicall.Judgement{
			{Cause: cause, Status: 401}, {Cause: cause, Status: 403}, {Cause: cause, Status: 404},
			{Cause: cause, Status: 401, Route: &apiconfig.Route{AuthorizationType: "COGNITO_USER_POOLS"}},
		} {
			id := apicall.EntryID(&j)
			if id == "" {
				// Only a cause without a row of its own, or an IAM
				// refusal past the signature, has no entry.
				if c.Catalogue != "" && c.Catalogue != "c32" {
					t.Errorf("cause %s (row %s) has no explain entry", cause, c.Catalogue)
				}
				continue
			}
			e, ok := doctor.EntryByID(id)
			if !ok || e.Source != doctor.SourceGateway {
				t.Errorf("cause %s names %q, not an API Gateway entry (%v)", cause, id, ok)
			}
			if link, ok := doctor.EntryURL(id); !ok || !onPage(id, link) {
				t.Errorf("cause %s: %s links %q (%v), not on the page", cause, id, link, ok)
			}
		}
	}
}

// TestTroubleshootingPageUpToDate: docs/troubleshooting.md is what the
// catalogue and the explain table generate (`go generate ./flows` after
// changing either), with a section per explain source after flows'.
func TestTroubleshootingPageUpToDate(t *testing.T) {
	t.Parallel()
	want := doctor.TroubleshootingPage()
	got, err := os.ReadFile("../../docs/troubleshooting.md")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatal("docs/troubleshooting.md is not the catalogue's and the explain table's: run `go generate ./flows`")
	}
	if !strings.HasPrefix(want, strings.TrimRight(flows.TroubleshootingPage(), "\n")+"\n\n") {
		t.Error("the page does not start with flows' catalogue")
	}
	seen := map[string]bool{}
	for _, e := range doctor.Entries() {
		if seen[e.ID] {
			t.Errorf("two entries share the id %q", e.ID)
		}
		seen[e.ID] = true
	}
	for _, sec := range doctor.TroubleshootingSections() {
		if !strings.Contains(want, "\n## "+sec.Title+"\n") {
			t.Errorf("no section %q on the page", sec.Title)
		}
		if len(sec.Entries) == 0 {
			t.Errorf("section %q is empty", sec.Title)
		}
	}
}

// TestExplainErrorsAreTheirEntries: each explain entry is headed on the
// page by the exact error it explains, and explain, given that text,
// finds that entry (so the heading and the table cannot drift apart).
func TestExplainErrorsAreTheirEntries(t *testing.T) {
	t.Parallel()
	page := doctor.TroubleshootingPage()
	for _, e := range doctor.ExplainEntries() {
		text, ok := doctor.ExplainError(e.ID)
		if !ok || text == "" {
			t.Errorf("%s has no exact error for its heading", e.ID)
			continue
		}
		if x := doctor.Explain(text); x.Best == nil || x.Best.ID != e.ID {
			t.Errorf("Explain(%q) = %+v (ambiguous %v), want %s", text, x.Best, x.Ambiguous, e.ID)
		}
		if !strings.Contains(page, `<a id="`+e.ID+`"></a>`+"`"+text+"`\n") {
			t.Errorf("%s is not headed by %q on the page", e.ID, text)
		}
	}
	if _, ok := doctor.ExplainError("cognito.flow-disabled"); ok {
		t.Error("flows' entries are headed by their code, not an explain error")
	}
}
