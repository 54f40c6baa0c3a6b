package fakes

import (
	"strings"
	"time"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/flows/oauth"
	"github.com/cogscope/cogscope/inspect"
	"github.com/cogscope/cogscope/ui/service"
)

// Now is the fixed instant every sample is built around.
var Now = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

// Clock returns Now.
func Clock() time.Time { return Now }

// Sample identifiers of the local stack's demo pool.
const (
	Region   = "us-east-1"
	PoolID   = "us-east-1_DemoPool1"
	ClientID = "3n4b5urk1ft4fl3mg5e62d9ado"
	Username = "demo"
	Endpoint = "http://127.0.0.1:9229"
)

// Target is the local stack's demo pool.
func Target() service.Target {
	return service.Target{
		Kind: service.TargetLocal, Endpoint: Endpoint, Region: Region, PoolID: PoolID, ClientID: ClientID,
		Hint: "--profile NAME or --endpoint URL targets AWS", Username: Username, Password: "Passw0rd!demo",
		Scopes: "openid email profile",
	}
}

// The session's tokens. They only need to look like tokens: the fake
// inspector looks them up.
const (
	IDToken      = "eyJraWQiOiJpZC1rZXkiLCJhbGciOiJSUzI1NiJ9.eyJ0b2tlbl91c2UiOiJpZCJ9.c2lnLWlk"
	AccessToken  = "eyJraWQiOiJhY2Nlc3Mta2V5IiwiYWxnIjoiUlMyNTYifQ.eyJ0b2tlbl91c2UiOiJhY2Nlc3MifQ.c2lnLWFjY2Vzcw"
	RefreshToken = "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.a2V5.aXY.Y2lwaGVy.dGFn"
	// NewAccessToken is the access token a refresh returns.
	NewAccessToken = "eyJraWQiOiJhY2Nlc3Mta2V5IiwiYWxnIjoiUlMyNTYifQ.eyJ0b2tlbl91c2UiOiJhY2Nlc3MiLCJuZXciOjF9.c2lnLTI"
	NewIDToken     = "eyJraWQiOiJpZC1rZXkiLCJhbGciOiJSUzI1NiJ9.eyJ0b2tlbl91c2UiOiJpZCIsIm5ldyI6MX0.c2lnLTI"
)

// Session is the demo user's session, obtained 20 minutes before Now.
func Session() flows.Tokens {
	return flows.Tokens{IDToken: IDToken, AccessToken: AccessToken, RefreshToken: RefreshToken,
		ExpiresIn: 3600, TokenType: "Bearer", IssuedAt: Now.Add(-20 * time.Minute)}
}

// Refreshed is the session after a refresh (REFRESH_TOKEN_AUTH does not
// rotate the refresh token).
func Refreshed() flows.Tokens {
	return flows.Tokens{IDToken: NewIDToken, AccessToken: NewAccessToken, RefreshToken: RefreshToken,
		ExpiresIn: 3600, TokenType: "Bearer", IssuedAt: Now}
}

var (
	srpA      = strings.Repeat("5a1f0c9d3e7b2a84", 48) // 768 hex digits, as a 3072-bit A
	srpB      = strings.Repeat("b7e3a19f04c2d658", 48)
	salt      = "7f3c9a1e5b2d8f40a6c1e9b3d5f70812"
	secretBlk = strings.Repeat("QUJDREVGR0hJSktMTU5PUA", 40)
)

// SRPSteps is the trace of a successful USER_SRP_AUTH sign-in, recorded
// unredacted as the console asks flows to.
func SRPSteps() []flows.Step {
	t0 := Now.Add(-2 * time.Second)
	server := t0.Add(time.Second)
	return []flows.Step{
		{
			Index: 1, Kind: flows.StepCall, Operation: "InitiateAuth",
			Title: "InitiateAuth USER_SRP_AUTH → PASSWORD_VERIFIER", AuthFlow: "USER_SRP_AUTH",
			NextChallenge: "PASSWORD_VERIFIER",
			Request: map[string]string{
				"AuthFlow": "USER_SRP_AUTH", "ClientId": ClientID,
				"AuthParameters.USERNAME": Username, "AuthParameters.SRP_A": srpA,
			},
			Response: map[string]string{
				"ChallengeName": "PASSWORD_VERIFIER", "ChallengeParameters.SALT": salt,
				"ChallengeParameters.SRP_B": srpB, "ChallengeParameters.SECRET_BLOCK": secretBlk,
				"ChallengeParameters.USER_ID_FOR_SRP": Username, "ChallengeParameters.USERNAME": Username,
			},
			RequestID: "0b6e5c8a-4f1d-4a7e-9c2b-1d3e5f7a9b0c",
			Started:   t0, DurationMS: 12, ServerTime: &server,
		},
		{
			Index: 2, Kind: flows.StepCompute, Operation: "PASSWORD_CLAIM",
			Title: "compute the password claim (SRP)", Challenge: "PASSWORD_VERIFIER",
			SRP: &flows.SRPValues{
				Subject: "user", PoolName: "DemoPool1", UserID: Username, A: srpA, B: srpB, Salt: salt,
				U:   "3d9f1b7c5e2a4d6f8b0c1e3a5d7f9b2c4e6a8d0f1b3c5e7a9d2f4b6c8e0a1d3f",
				X:   "91c2e4f6a8b0d2c4e6f8a0b2c4d6e8f0a2b4c6d8e0f2a4b6c8d0e2f4a6b8c0d2",
				Key: "4a6c8e0f2b4d6f8a0c2e4b6d8f0a2c4e", SecretBlock: secretBlk,
				Timestamp: "Thu Nov 26 09:59:59 UTC 2026", Signature: "k9QwX2vB7nR4tY1uI8oP3aS6dF0gH5jK2lZ7xC4vB9n=",
			},
			Notes:   []string{"TIMESTAMP in Cognito's format: English, UTC, day not zero-padded"},
			Started: t0.Add(13 * time.Millisecond), DurationMS: 3,
		},
		{
			Index: 3, Kind: flows.StepCall, Operation: "RespondToAuthChallenge",
			Title: "RespondToAuthChallenge PASSWORD_VERIFIER → tokens", Challenge: "PASSWORD_VERIFIER",
			Request: map[string]string{
				"ChallengeName": "PASSWORD_VERIFIER", "ClientId": ClientID,
				"ChallengeResponses.USERNAME":                    Username,
				"ChallengeResponses.PASSWORD_CLAIM_SECRET_BLOCK": secretBlk,
				"ChallengeResponses.PASSWORD_CLAIM_SIGNATURE":    "k9QwX2vB7nR4tY1uI8oP3aS6dF0gH5jK2lZ7xC4vB9n=",
				"ChallengeResponses.TIMESTAMP":                   "Thu Nov 26 09:59:59 UTC 2026",
			},
			Response: map[string]string{
				"AuthenticationResult.AccessToken":  AccessToken,
				"AuthenticationResult.IdToken":      IDToken,
				"AuthenticationResult.RefreshToken": RefreshToken,
				"AuthenticationResult.ExpiresIn":    "3600",
				"AuthenticationResult.TokenType":    "Bearer",
			},
			RequestID: "7c1d2e3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
			Started:   t0.Add(17 * time.Millisecond), DurationMS: 9,
		},
	}
}

// SRPScript is a successful SRP sign-in.
func SRPScript() Script {
	var evs []service.Event
	for _, s := range SRPSteps() {
		evs = append(evs, service.Event{Step: &s})
	}
	tok := Session()
	return Script{Events: append(evs, service.Event{Tokens: &tok})}
}

// WrongPasswordScript fails the SRP claim as Cognito does.
func WrongPasswordScript() Script {
	steps := SRPSteps()
	last := steps[2]
	last.Title = "RespondToAuthChallenge PASSWORD_VERIFIER"
	last.Response = nil
	last.Error = &flows.APIError{Type: "NotAuthorizedException", Message: "Incorrect username or password.",
		RequestID: "7c1d2e3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f", HTTPStatus: 400}
	fail := &service.Failure{Diagnosis: flows.Diagnosis{Operation: "respond to PASSWORD_VERIFIER", Type: "NotAuthorizedException",
		Message: "Incorrect username or password.", RequestID: last.Error.RequestID,
		Cause: "Cognito did not accept the password proof: the password is wrong, or the user does not exist and the client hides that.",
		Fix:   "Check the password; USER_PASSWORD_AUTH tells a wrong password from a bad SRP client."}}
	return Script{Events: []service.Event{{Step: &steps[0]}, {Step: &steps[1]}, {Step: &last}, {Err: fail}}}
}

// StackGoneScript fails mid-flow because the service stopped answering.
func StackGoneScript() Script {
	steps := SRPSteps()
	last := steps[2]
	last.Response = nil
	last.Title = "RespondToAuthChallenge PASSWORD_VERIFIER"
	last.Error = &flows.APIError{Message: "dial tcp 127.0.0.1:9229: connect: connection refused"}
	fail := &service.Failure{Transport: true, Diagnosis: flows.Diagnosis{Operation: "respond to PASSWORD_VERIFIER",
		Message: "dial tcp 127.0.0.1:9229: connect: connection refused",
		Cause:   "Nothing answers at the endpoint: the local stack stopped, or the network is down.",
		Fix:     "Start the stack again (cogscope local) or check --endpoint, then run the flow again."}}
	return Script{Events: []service.Event{{Step: &steps[0]}, {Step: &steps[1]}, {Step: &last}, {Err: fail}}}
}

// TOTPSecret is the key MFASetupScript enrols: 52 base32 characters (32
// bytes), as long as Cognito's.
const TOTPSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSW"

// OTPAuthURI is the enrolment URI of MFASetupScript.
const OTPAuthURI = "otpauth://totp/AWSCognito:demo?secret=" + TOTPSecret + "&issuer=AWSCognito"

// MFASetupScript asks to set up a software token after the password, then
// finishes once a code is given.
func MFASetupScript() Script {
	steps := SRPSteps()
	third := steps[2]
	third.Title = "RespondToAuthChallenge PASSWORD_VERIFIER → MFA_SETUP"
	third.NextChallenge = "MFA_SETUP"
	third.Response = map[string]string{"ChallengeName": "MFA_SETUP", "ChallengeParameters.MFAS_CAN_SETUP": `["SOFTWARE_TOKEN_MFA"]`}
	assoc := flows.Step{Index: 4, Kind: flows.StepCall, Operation: "AssociateSoftwareToken",
		Title: "AssociateSoftwareToken", Response: map[string]string{"SecretCode": TOTPSecret},
		DurationMS: 4}
	ch := &flows.Challenge{Name: "MFA_SETUP", Username: Username,
		Prompt:     "Set up an authenticator app: scan the QR code, then enter the 6-digit code it shows.",
		Fields:     []flows.Field{{Name: flows.FieldCode, Label: "Code from the app", Digits: 6}},
		OTPAuthURI: OTPAuthURI, IssuedAt: Now}
	verify := flows.Step{Index: 5, Kind: flows.StepCall, Operation: "VerifySoftwareToken",
		Title: "VerifySoftwareToken → SUCCESS", Request: map[string]string{"UserCode": "123456"},
		Response: map[string]string{"Status": "SUCCESS"}, DurationMS: 5}
	tok := Session()
	return Script{
		Events: []service.Event{{Step: &steps[0]}, {Step: &steps[1]}, {Step: &third}, {Step: &assoc}, {Challenge: ch}},
		After:  map[string][]service.Event{"MFA_SETUP": {{Step: &verify}, {Tokens: &tok}}},
	}
}

// NewPasswordScript asks for a new password and an attribute.
func NewPasswordScript() Script {
	steps := SRPSteps()
	ch := &flows.Challenge{Name: "NEW_PASSWORD_REQUIRED", Username: Username,
		Prompt:             "The administrator created this user with a temporary password: choose a new one.",
		Fields:             []flows.Field{{Name: flows.FieldNewPassword, Label: "New password", Secret: true}, {Name: "userAttributes.name", Label: "name"}},
		RequiredAttributes: []string{"name"}, IssuedAt: Now}
	tok := Session()
	return Script{
		Events: []service.Event{{Step: &steps[0]}, {Step: &steps[1]}, {Challenge: ch}},
		After:  map[string][]service.Event{"NEW_PASSWORD_REQUIRED": {{Tokens: &tok}}},
	}
}

func claim(name, display, meaning string, check inspect.CheckName, st inspect.Status) inspect.Claim {
	return inspect.Claim{Name: name, Value: []byte(`"` + display + `"`), Display: display, Meaning: meaning,
		Known: true, Check: check, Status: st}
}

func checks(overrides map[inspect.CheckName]inspect.Check) []inspect.Check {
	base := map[inspect.CheckName]inspect.Check{
		inspect.CheckParse:     {Status: inspect.StatusOK, Detail: "a JWS in compact form: header, payload, signature"},
		inspect.CheckAlg:       {Status: inspect.StatusOK, Detail: "RS256, as the issuer's key declares"},
		inspect.CheckKid:       {Status: inspect.StatusOK, Detail: "found in the issuer's JWKS"},
		inspect.CheckSignature: {Status: inspect.StatusOK, Detail: "valid RS256 signature"},
		inspect.CheckIss:       {Status: inspect.StatusOK, Detail: "the demo pool's issuer"},
		inspect.CheckTokenUse:  {Status: inspect.StatusOK, Detail: "as expected"},
		inspect.CheckAud:       {Status: inspect.StatusOK, Detail: "the app client " + ClientID},
		inspect.CheckExp:       {Status: inspect.StatusOK, Detail: "expires in 40m (2026-11-26 10:40:00 UTC)"},
		inspect.CheckNbf:       {Status: inspect.StatusSkipped, Detail: "no nbf claim"},
		inspect.CheckIat:       {Status: inspect.StatusOK, Detail: "issued 20m ago"},
		inspect.CheckScope:     {Status: inspect.StatusSkipped, Detail: "no required scope given"},
		inspect.CheckGroup:     {Status: inspect.StatusSkipped, Detail: "no required group given"},
	}
	for k, v := range overrides {
		base[k] = v
	}
	out := make([]inspect.Check, 0, len(inspect.CheckNames))
	for _, n := range inspect.CheckNames {
		c := base[n]
		c.Name = n
		out = append(out, c)
	}
	return out
}

func lifetime() inspect.Lifetime {
	iat, exp := Now.Add(-20*time.Minute), Now.Add(40*time.Minute)
	return inspect.Lifetime{Known: true, IssuedAt: iat, ExpiresAt: exp, Now: Now, Total: time.Hour,
		Remaining: 40 * time.Minute, Elapsed: 1.0 / 3}
}

const issuer = Endpoint + "/" + PoolID

// AccessReport is the inspector's report on AccessToken.
func AccessReport() *inspect.Report {
	return &inspect.Report{
		Token: &inspect.Token{Raw: AccessToken, Header: inspect.Header{Alg: "RS256", Kid: "access-key-2026"}},
		Header: []inspect.Claim{
			{Name: "kid", Display: "access-key-2026", Meaning: "the key that signed it"},
			{Name: "alg", Display: "RS256", Meaning: "RSA signature with SHA-256"},
		},
		Claims: []inspect.Claim{
			claim("sub", "8f2c1a4e-6b3d-4e5f-9a7b-1c2d3e4f5a6b", "the user's immutable id", "", ""),
			claim("iss", issuer, "who issued it: the user pool", inspect.CheckIss, inspect.StatusOK),
			claim("client_id", ClientID, "the app client it was issued to", inspect.CheckAud, inspect.StatusOK),
			claim("origin_jti", "1d2c3b4a-5f6e-4d7c-8b9a-0f1e2d3c4b5a", "the sign-in session this token descends from", "", ""),
			claim("event_id", "9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c5b", "the authentication event", "", ""),
			claim("token_use", "access", "an access token: for APIs and Cognito's user operations", inspect.CheckTokenUse, inspect.StatusOK),
			claim("scope", "aws.cognito.signin.user.admin", "what the token may do", inspect.CheckScope, inspect.StatusSkipped),
			claim("auth_time", "2026-11-26 09:40:00 UTC (20m ago)", "when the user signed in", "", ""),
			claim("exp", "2026-11-26 10:40:00 UTC (in 40m)", "when it expires", inspect.CheckExp, inspect.StatusOK),
			claim("iat", "2026-11-26 09:40:00 UTC (20m ago)", "when it was issued", inspect.CheckIat, inspect.StatusOK),
			claim("jti", "3c4d5e6f-7a8b-4c9d-0e1f-2a3b4c5d6e7f", "the token's unique id", "", ""),
			claim("username", Username, "the internal username", "", ""),
		},
		Checks:   checks(nil),
		Valid:    true,
		Kind:     inspect.KindAccess,
		Now:      Now,
		Lifetime: lifetime(),
		Notes:    []string{"keys from " + issuer + "/.well-known/jwks.json", "revocation is known only to Cognito: GlobalSignOut is not visible offline"},
	}
}

// IDReport is the inspector's report on IDToken.
func IDReport() *inspect.Report {
	r := AccessReport()
	r.Token = &inspect.Token{Raw: IDToken, Header: inspect.Header{Alg: "RS256", Kid: "id-key-2026"}}
	r.Kind = inspect.KindID
	r.Header[0].Display = "id-key-2026"
	r.Claims = []inspect.Claim{
		claim("sub", "8f2c1a4e-6b3d-4e5f-9a7b-1c2d3e4f5a6b", "the user's immutable id", "", ""),
		claim("email_verified", "true", "whether the e-mail address was verified", "", ""),
		claim("iss", issuer, "who issued it: the user pool", inspect.CheckIss, inspect.StatusOK),
		claim("cognito:username", Username, "the internal username", "", ""),
		claim("aud", ClientID, "the app client it was issued to", inspect.CheckAud, inspect.StatusOK),
		claim("token_use", "id", "an ID token: who the user is, for the app", inspect.CheckTokenUse, inspect.StatusOK),
		claim("auth_time", "2026-11-26 09:40:00 UTC (20m ago)", "when the user signed in", "", ""),
		claim("exp", "2026-11-26 10:40:00 UTC (in 40m)", "when it expires", inspect.CheckExp, inspect.StatusOK),
		claim("iat", "2026-11-26 09:40:00 UTC (20m ago)", "when it was issued", inspect.CheckIat, inspect.StatusOK),
		claim("email", "demo@example.com", "the user's e-mail address", "", ""),
	}
	return r
}

// ExpiredReport is AccessReport judged an hour later.
func ExpiredReport() *inspect.Report {
	r := AccessReport()
	r.Valid = false
	r.Checks = checks(map[inspect.CheckName]inspect.Check{
		inspect.CheckExp: {Status: inspect.StatusFail, Detail: "expired 20m ago (2026-11-26 10:40:00 UTC)",
			Hint: "a cached token was reused: refresh it (r)"},
	})
	r.Claims[8].Status = inspect.StatusFail
	return r
}

const jweText = "this is an encrypted token (JWE, 5 parts, alg RSA-OAEP, enc A256GCM), shaped like a Cognito refresh token: " +
	"its claims are encrypted with a key only the issuer holds, so they cannot be shown or verified here; " +
	"use it only to get new tokens (REFRESH_TOKEN_AUTH or the token endpoint) and inspect the ID or access token instead"

// RefreshReport is the inspector's refusal of the refresh token.
func RefreshReport() *inspect.Report {
	return NotAToken(jweText)
}

// NotAToken is the report on input that cannot be decoded.
func NotAToken(detail string) *inspect.Report {
	cs := checks(nil)
	for i := range cs {
		cs[i].Status, cs[i].Detail = inspect.StatusSkipped, "the input did not parse"
	}
	cs[0] = inspect.Check{Name: inspect.CheckParse, Status: inspect.StatusFail, Detail: detail}
	return &inspect.Report{Checks: cs, Kind: inspect.KindUnknown, Now: Now}
}

// NewTokens returns a fake inspector that knows the session's tokens
// (before and after refresh) and refreshes to Refreshed.
func NewTokens() *Tokens {
	newAccess := AccessReport()
	newAccess.Token.Raw = NewAccessToken
	return &Tokens{
		Reports: map[string]*inspect.Report{
			IDToken: IDReport(), AccessToken: AccessReport(), RefreshToken: RefreshReport(),
			NewAccessToken: newAccess, NewIDToken: IDReport(),
		},
		Refreshed: Refreshed(),
	}
}

// NewSignIn returns a fake sign-in service whose SRP flow succeeds and
// whose password flow fails with a wrong password.
func NewSignIn() *SignIn {
	return &SignIn{Scripts: map[service.Flow]Script{
		service.FlowSRP:      SRPScript(),
		service.FlowPassword: WrongPasswordScript(),
	}}
}

// The hosted UI of the demo pool on the local stack, and the loopback
// redirect of a PKCE sign-in.
const (
	HostedUI     = Endpoint + "/_domain/cogscope-demo"
	RedirectURI  = "http://localhost:8765/callback"
	AuthorizeURL = HostedUI + "/oauth2/authorize?client_id=" + ClientID +
		"&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256" +
		"&nonce=n-0S6_WzA2Mj&redirect_uri=http%3A%2F%2Flocalhost%3A8765%2Fcallback&response_type=code" +
		"&scope=openid%20email%20profile&state=af0ifjsldkj"
)

// PKCESteps is the trace of a hosted-UI sign-in with PKCE, as flows/oauth
// records it (unredacted, as the console asks): discovery, the proof key,
// the authorize check, the browser, the redirect, the code exchange.
func PKCESteps() []flows.Step {
	return append(PKCEWaitingSteps(),
		flows.Step{Index: 5, Kind: flows.StepCall, Operation: oauth.OpRedirect, Title: "Redirect to " + RedirectURI + " → code",
			Response: map[string]string{"code": "SplxlOBeZQQYbYS6WxSbIA", "state": "af0ifjsldkj"}, DurationMS: 4210},
		flows.Step{Index: 6, Kind: flows.StepCall, Operation: oauth.OpToken, Title: "Token authorization_code → tokens",
			Request: map[string]string{"url": HostedUI + "/oauth2/token", "grant_type": "authorization_code", "client_id": ClientID,
				"code": "SplxlOBeZQQYbYS6WxSbIA", "code_verifier": "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "redirect_uri": RedirectURI},
			Response: map[string]string{"access_token": AccessToken, "id_token": IDToken, "refresh_token": RefreshToken,
				"expires_in": "3600", "token_type": "Bearer"},
			Notes:      []string{"ID token: nonce, aud and iss match this sign-in (signature not checked here; cogscope inspect verifies it)."},
			DurationMS: 15},
	)
}

// PKCEWaitingSteps are a PKCE sign-in's steps up to the browser: the
// flow then waits for the user to sign in there.
func PKCEWaitingSteps() []flows.Step {
	return []flows.Step{
		{Index: 1, Kind: flows.StepCall, Operation: oauth.OpDiscovery, Title: "Discovery " + Endpoint + "/" + PoolID + "/.well-known/openid-configuration",
			Request: map[string]string{"url": Endpoint + "/" + PoolID + "/.well-known/openid-configuration"},
			Response: map[string]string{"status": "200", "issuer": Endpoint + "/" + PoolID, "authorization_endpoint": HostedUI + "/oauth2/authorize",
				"token_endpoint": HostedUI + "/oauth2/token"},
			DurationMS: 2},
		{Index: 2, Kind: flows.StepCompute, Operation: oauth.OpPKCE, Title: "Compute the PKCE proof key (S256), state and nonce",
			Response: map[string]string{"code_verifier": "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
				"code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method": "S256",
				"state": "af0ifjsldkj", "nonce": "n-0S6_WzA2Mj"}},
		{Index: 3, Kind: flows.StepCall, Operation: oauth.OpAuthorizeCheck,
			Title:      "Check the authorize request (no browser, redirect not followed) → sign-in page",
			Request:    map[string]string{"url": AuthorizeURL},
			Response:   map[string]string{"status": "302", "Location": HostedUI + "/login?client_id=" + ClientID},
			DurationMS: 3},
		{Index: 4, Kind: flows.StepCall, Operation: oauth.OpAuthorize, Title: "Authorize in the browser",
			Request: map[string]string{"url": AuthorizeURL, "client_id": ClientID, "redirect_uri": RedirectURI, "response_type": "code",
				"scope": "openid email profile", "code_challenge_method": "S256", "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
				"state": "af0ifjsldkj", "nonce": "n-0S6_WzA2Mj"},
			Notes: []string{"Listening on 127.0.0.1:8765 for the redirect to " + RedirectURI + " (one request, then closed).",
				"Opened the URL in the browser."}},
	}
}

// PKCEWaitingScript stops where the browser sign-in begins and holds
// there until the run is cancelled.
func PKCEWaitingScript() Script {
	var evs []service.Event
	for _, s := range PKCEWaitingSteps() {
		evs = append(evs, service.Event{Step: &s})
	}
	return Script{Events: evs, Hold: true}
}

// PKCEScript is a successful hosted-UI sign-in.
func PKCEScript() Script {
	var evs []service.Event
	for _, s := range PKCESteps() {
		evs = append(evs, service.Event{Step: &s})
	}
	tok := Session()
	return Script{Events: append(evs, service.Event{Tokens: &tok})}
}
