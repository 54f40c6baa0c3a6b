package tour

import (
	"fmt"
	"slices"
	"strings"
)

// Demo is the tour of the local stack's demo: its cases in the order the
// tour lists them. Each has a test (cases_test.go) that runs it against
// the local stack and checks the outcome it promises.
func Demo() []Case {
	return []Case{
		// ---- users ----
		{ID: "clean", Section: SectionUsers, Title: "A clean sign-in",
			Do:     "Sign in (1) → SRP → " + Username + " / " + Password + " → enter",
			Expect: "tokens; press 2 to read them",
			Why:    "the path every other case departs from",
			Try:    Try{View: ViewSignIn, Flow: FlowSRP, Username: Username, Password: Password},
			match: func(e Event) (string, bool) {
				if !e.signedIn() || e.Username != Username || e.client() != PublicClientID ||
					(e.Flow != FlowSRP && e.Flow != FlowPassword) {
					return "", false
				}
				return "signed in as " + Username + " with " + strings.ToUpper(e.Flow), true
			}},
		{ID: "force-change", Section: SectionUsers, Title: "A user who must set a new password",
			Do:        "Sign in → SRP → " + NewUsername + " / " + TempPassword,
			Expect:    "Cognito answers NEW_PASSWORD_REQUIRED instead of tokens: the console asks for a new password",
			Why:       "FORCE_CHANGE_PASSWORD: an app that expects tokens at once breaks here",
			Try:       Try{View: ViewSignIn, Flow: FlowSRP, Username: NewUsername, Password: TempPassword},
			Challenge: "NEW_PASSWORD_REQUIRED",
			match: func(e Event) (string, bool) {
				if e.Kind == EventChallenge && e.Challenge == "NEW_PASSWORD_REQUIRED" {
					return "Cognito asks: NEW_PASSWORD_REQUIRED (the user is in FORCE_CHANGE_PASSWORD)", true
				}
				return "", false
			}},
		{ID: "totp", Section: SectionUsers, Title: "A user with TOTP MFA",
			Do:        "Sign in → SRP → " + MFAUsername + " / " + Password + ", then type the code shown below",
			Expect:    "Cognito asks SOFTWARE_TOKEN_MFA; the authenticator code gives tokens",
			Why:       "an MFA challenge the app never handles",
			Try:       Try{View: ViewSignIn, Flow: FlowSRP, Username: MFAUsername, Password: Password},
			Challenge: "SOFTWARE_TOKEN_MFA",
			match: func(e Event) (string, bool) {
				if e.signedIn() && e.answered("SOFTWARE_TOKEN_MFA") {
					return "SOFTWARE_TOKEN_MFA answered: signed in as " + e.Username, true
				}
				return "", false
			}},
		{ID: "unconfirmed", Section: SectionUsers, Title: "A user who never confirmed the sign-up",
			Do:        "Sign in → SRP → " + UnconfirmedUsername + " / " + Password,
			Expect:    "UserNotConfirmedException, before the password is even checked",
			Why:       "sign-up without ConfirmSignUp",
			Try:       Try{View: ViewSignIn, Flow: FlowSRP, Username: UnconfirmedUsername, Password: Password},
			Diagnosis: "cognito.UserNotConfirmedException",
			match:     failure("cognito.UserNotConfirmedException", ""),
		},
		{ID: "admins", Section: SectionUsers, Title: "A user in the admins group",
			Do:     "Sign in as " + Username + ", then 2: the ID token's cognito:groups",
			Expect: "cognito:groups holds \"" + AdminsGroup + "\" (the Lambda authorizer of GET /admin wants it)",
			Why:    "group claims are what authorizers decide on",
			Try:    Try{View: ViewSignIn, Flow: FlowSRP, Username: Username, Password: Password},
			match: func(e Event) (string, bool) {
				if !e.signedIn() {
					return "", false
				}
				groups := claimList(e.Tokens.IDToken, "cognito:groups")
				if !slices.Contains(groups, AdminsGroup) {
					return "", false
				}
				return "cognito:groups = " + strings.Join(groups, ", "), true
			}},
		{ID: "alias", Section: SectionUsers, Title: "Sign in with the e-mail alias, client with a secret",
			Do:     "Sign in → SRP → " + AliasUsername + " on demo-confidential (with its secret)",
			Expect: "tokens: SECRET_HASH is computed from the internal username \"" + Username + "\" (USER_ID_FOR_SRP), not the alias",
			Why:    "hashing the alias typed gives \"Unable to verify secret hash\"",
			Try: Try{View: ViewSignIn, Flow: FlowSRP, Username: AliasUsername, Password: Password,
				ClientID: SecretClientID, ClientSecret: ClientSecret},
			match: func(e Event) (string, bool) {
				if !e.signedIn() || e.client() != SecretClientID || !strings.Contains(e.Username, "@") {
					return "", false
				}
				user, source := e.secretHashUser()
				if user == "" || user == e.Username {
					return "", false
				}
				return fmt.Sprintf("signed in as %s: SECRET_HASH from %q (%s)", e.Username, user, source), true
			}},

		// ---- app clients ----
		{ID: "pkce", Section: SectionClients, Title: "Public client: hosted UI with PKCE",
			Do:     "Sign in → Hosted UI (PKCE) → sign in in the browser as " + Username,
			Expect: "the authorization code comes back to the loopback redirect; tokens without a client secret",
			Why:    "a public client must use PKCE, never a secret",
			Try:    Try{View: ViewSignIn, Flow: FlowPKCE},
			match: func(e Event) (string, bool) {
				if e.signedIn() && e.Flow == FlowPKCE {
					return "tokens from the authorization code (PKCE)", true
				}
				return "", false
			}},
		{ID: "secret-missing", Section: SectionClients, Title: "Client with a secret, no SECRET_HASH",
			Do:        "Sign in → SRP → " + Username + " on demo-confidential, without its secret",
			Expect:    "NotAuthorizedException: Client … is configured for secret but secret was not received",
			Why:       "the client secret is not optional once the client has one",
			Try:       Try{View: ViewSignIn, Flow: FlowSRP, Username: Username, Password: Password, ClientID: SecretClientID},
			Diagnosis: "cognito.NotAuthorizedException.secret-missing",
			match:     failure("cognito.NotAuthorizedException.secret-missing", SecretClientID),
		},
		{ID: "srp-off", Section: SectionClients, Title: "Client with ALLOW_USER_SRP_AUTH off",
			Do:        "Sign in → SRP → " + Username + " on demo-srp-off",
			Expect:    "USER_SRP_AUTH is refused: the client allows the password flow only",
			Why:       "the app's flow is not in the client's ExplicitAuthFlows",
			Try:       Try{View: ViewSignIn, Flow: FlowSRP, Username: Username, Password: Password, ClientID: NoSRPClientID},
			Diagnosis: "cognito.flow-disabled",
			match:     failure("cognito.flow-disabled", NoSRPClientID),
		},
		{ID: "machine", Section: SectionClients, Title: "Machine client: client credentials",
			Do:     "Sign in → Client credentials on demo-machine, scope " + MachineScope,
			Expect: "an access token only (no ID or refresh token) with scope " + MachineScope,
			Why:    "machine clients get scopes from a resource server, never users' claims",
			Try: Try{View: ViewSignIn, Flow: FlowClientCredentials, ClientID: MachineClientID, ClientSecret: MachineClientSecret,
				Scopes: []string{MachineScope}},
			match: func(e Event) (string, bool) {
				if !e.signedIn() || e.Flow != FlowClientCredentials {
					return "", false
				}
				scopes := claimList(e.Tokens.AccessToken, "scope")
				if !slices.Contains(scopes, MachineScope) {
					return "", false
				}
				return "access token with scope " + strings.Join(scopes, " "), true
			}},
		{ID: "rotation", Section: SectionClients, Title: "Client with refresh-token rotation",
			Do:     "Sign in → SRP → " + Username + " on demo-rotation, then Refresh",
			Expect: "the refresh gives a new refresh token (rotated); the old one works only for the grace period",
			Why:    "REFRESH_TOKEN_AUTH is off on rotating clients: GetTokensFromRefreshToken",
			Try:    Try{View: ViewSignIn, Flow: FlowSRP, Username: Username, Password: Password, ClientID: RotateClientID},
			match: func(e Event) (string, bool) {
				if e.signedIn() && e.Flow == FlowRefresh && e.Tokens.RefreshRotated {
					return "refreshed: a new refresh token (rotated)", true
				}
				return "", false
			}},

		// ---- API routes ----
		{ID: "api-public", Section: SectionAPI, Title: "Public route",
			Do:     "API (3) → GET /hello → enter",
			Expect: "200 with any token or none; the access log " + HTTPLogGroup + " gets its line (4)",
			Try:    Try{View: ViewAPI, Method: "GET", Path: "/hello", Token: TokenNone},
			Status: []int{200},
			match:  call("/hello", func(e Event) bool { return e.Status == 200 }),
		},
		{ID: "api-jwt", Section: SectionAPI, Title: "JWT authorizer",
			Do:     "API → GET /private with no token (a), then with the access token",
			Expect: "401 Unauthorized without a token, 200 with the pool's token",
			Why:    "the JWT authorizer checks issuer, audience and expiry",
			Try:    Try{View: ViewAPI, Method: "GET", Path: "/private", Token: TokenNone},
			Status: []int{401, 200},
			match: call("/private", func(e Event) bool {
				return (e.Token == TokenNone && e.Status == 401) || (e.Token != TokenNone && e.Status == 200)
			}),
		},
		{ID: "api-scope", Section: SectionAPI, Title: "JWT with a scope: the ID token fails",
			Do:     "API → GET /scoped with the ID token (a until it says ID)",
			Expect: "403 Forbidden (insufficient_scope): ID tokens carry no scope claim; the access token needs cogscope-api/read",
			Why:    "sending the ID token where a scope is required",
			Try:    Try{View: ViewAPI, Method: "GET", Path: "/scoped", Token: TokenID},
			Status: []int{403},
			match:  call("/scoped", func(e Event) bool { return e.Token == TokenID && e.Status == 403 }),
		},
		{ID: "api-admins", Section: SectionAPI, Title: "Lambda authorizer that wants admins",
			Do:     "API → GET /admin as " + Username + " (admins), then as " + MFAUsername + " (not)",
			Expect: "200 for admins, 403 for anyone else; the function's lines land in " + AdminsFunctionGroup,
			Why:    "a Lambda authorizer deciding on cognito:groups",
			Try:    Try{View: ViewAPI, Method: "GET", Path: "/admin", Token: TokenAccess},
			Status: []int{200, 403},
			match: call("/admin", func(e Event) bool {
				return e.Token != TokenNone && (e.Status == 200 || e.Status == 403)
			}),
		},
		{ID: "api-rest", Section: SectionAPI, Title: "REST API Cognito authorizer",
			Do:     "API → REST GET /profile with the access token, then the ID token",
			Expect: "401 with the access token (no scopes on the method: it wants the ID token), 200 with the ID token",
			Why:    "COGNITO_USER_POOLS without scopes takes ID tokens only",
			Try:    Try{View: ViewAPI, Method: "GET", Path: "/profile", Token: TokenAccess},
			Status: []int{401, 200},
			match: call("/profile", func(e Event) bool {
				return (e.Token == TokenAccess && e.Status == 401) || (e.Token == TokenID && e.Status == 200)
			}),
		},
	}
}

// failure matches a sign-in that failed with the catalogue entry id, on
// client (any when "").
func failure(id, client string) func(Event) (string, bool) {
	return func(e Event) (string, bool) {
		if !e.failedWith(id) || (client != "" && e.client() != client) {
			return "", false
		}
		return failureText(e.Failure), true
	}
}

// call matches an answered call of path that ok accepts.
func call(path string, ok func(Event) bool) func(Event) (string, bool) {
	return func(e Event) (string, bool) {
		if !e.isCall(path) || e.Status == 0 || !ok(e) {
			return "", false
		}
		return callText(e), true
	}
}
