package cognito

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

const (
	choicePool   = "us-east-1_ChoicePl1"
	choiceClient = "choiceclient"
)

func choiceSeed() *Seed {
	return &Seed{UserPools: []PoolSeed{{ID: choicePool, Name: "choice", FirstAuthFactors: []string{"PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"},
		MFA: "OPTIONAL", MFATypes: []string{"SOFTWARE_TOKEN_MFA"},
		Clients: []ClientSeed{{ID: choiceClient, Name: "c", ExplicitAuthFlows: []string{"ALLOW_USER_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}},
		Users: []UserSeed{
			{Username: "pat", Password: goodPassword, WebAuthnCredentials: []string{"Y3JlZC0x"},
				Attributes: map[string]string{"email": "pat@example.com", "phone_number": "+15555550123"}},
			{Username: "otp-only", Attributes: map[string]string{"email": "otp@example.com"}},
			{Username: "totp", Password: goodPassword, TOTPSecret: DemoTOTPSecret},
			{Username: "quizzed", Password: goodPassword, Attributes: map[string]string{"email": "q@example.com"}},
		},
		CustomChallenges: []CustomChallengeSeed{
			{Users: []string{"quizzed"}, Rounds: []ChallengeRound{
				{PublicParameters: map[string]string{"question": "capital of France?"}, Answer: "Paris", MaxAttempts: 2},
				{SendCode: "EMAIL"},
			}},
			{RequireSRP: true, Rounds: []ChallengeRound{{PublicParameters: map[string]string{"question": "2+2"}, Answer: "4"}}},
		},
	}}}
}

func (e *env) userAuth(username, preferred string, extra map[string]string) (*cip.InitiateAuthOutput, error) {
	params := map[string]string{"USERNAME": username}
	if preferred != "" {
		params["PREFERRED_CHALLENGE"] = preferred
	}
	for k, v := range extra {
		params[k] = v
	}
	return e.client.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserAuth, ClientId: aws.String(choiceClient), AuthParameters: params})
}

func TestUserAuthSelectChallenge(t *testing.T) {
	t.Parallel()
	e := newEnv(t, choiceSeed())
	out := must[*cip.InitiateAuthOutput](t)(e.userAuth("pat", "", nil))
	want := []types.ChallengeNameType{"WEB_AUTHN", "EMAIL_OTP", "SMS_OTP", "PASSWORD", "PASSWORD_SRP"}
	if out.ChallengeName != types.ChallengeNameTypeSelectChallenge || out.Session == nil || len(out.AvailableChallenges) != len(want) {
		t.Fatalf("got %s %v", out.ChallengeName, out.AvailableChallenges)
	}
	for i, c := range want {
		if out.AvailableChallenges[i] != c {
			t.Errorf("AvailableChallenges %v, want %v", out.AvailableChallenges, want)
		}
	}
	// PASSWORD chosen, with the password in the same response.
	res := must[*cip.RespondToAuthChallengeOutput](t)(e.respond(choiceClient, "SELECT_CHALLENGE", out.Session,
		map[string]string{"USERNAME": "pat", "ANSWER": "PASSWORD", "PASSWORD": goodPassword}))
	if res.AuthenticationResult == nil {
		t.Fatalf("%+v", res)
	}
	// PASSWORD_SRP chosen: then a PASSWORD_VERIFIER.
	out = must[*cip.InitiateAuthOutput](t)(e.userAuth("pat", "", nil))
	sc := newSRPClient(t, choicePool, e.clock.Now)
	pv := must[*cip.RespondToAuthChallengeOutput](t)(e.respond(choiceClient, "SELECT_CHALLENGE", out.Session,
		map[string]string{"USERNAME": "pat", "ANSWER": "PASSWORD_SRP", "SRP_A": sc.c.AHex()}))
	if pv.ChallengeName != types.ChallengeNameTypePasswordVerifier {
		t.Fatalf("got %s", pv.ChallengeName)
	}
	res = must[*cip.RespondToAuthChallengeOutput](t)(e.respondVerifier(choiceClient, sc.answer(t, pv.ChallengeParameters, goodPassword, "", "")))
	if res.AuthenticationResult == nil {
		t.Fatal("no tokens after PASSWORD_SRP")
	}
	// An answer that is not available.
	out = must[*cip.InitiateAuthOutput](t)(e.userAuth("otp-only", "", nil))
	if len(out.AvailableChallenges) != 1 || out.AvailableChallenges[0] != "EMAIL_OTP" {
		t.Fatalf("passwordless user offered %v", out.AvailableChallenges)
	}
	_, err := e.respond(choiceClient, "SELECT_CHALLENGE", out.Session, map[string]string{"USERNAME": "otp-only", "ANSWER": "PASSWORD", "PASSWORD": "x"})
	wantAPIErrorPrefix(t, err, "InvalidParameterException", "Invalid value for ANSWER: PASSWORD")
	// WEB_AUTHN is offered and shown, but the local stack cannot verify it.
	out = must[*cip.InitiateAuthOutput](t)(e.userAuth("pat", "WEB_AUTHN", nil))
	var opts map[string]any
	if out.ChallengeName != types.ChallengeNameTypeWebAuthn || json.Unmarshal([]byte(out.ChallengeParameters["CREDENTIAL_REQUEST_OPTIONS"]), &opts) != nil || opts["challenge"] == nil {
		t.Fatalf("got %s %v", out.ChallengeName, out.ChallengeParameters)
	}
	_, err = e.respond(choiceClient, "WEB_AUTHN", out.Session, map[string]string{"USERNAME": "pat", "CREDENTIAL": "{}"})
	wantAPIErrorPrefix(t, err, "NotAuthorizedException", "WebAuthn credential verification failed")
}

func TestUserAuthPreferredChallenges(t *testing.T) {
	t.Parallel()
	e := newEnv(t, choiceSeed())
	t.Run("PASSWORD", func(t *testing.T) {
		out := must[*cip.InitiateAuthOutput](t)(e.userAuth("pat", "PASSWORD", map[string]string{"PASSWORD": goodPassword}))
		if out.AuthenticationResult == nil {
			t.Fatalf("got %s", out.ChallengeName)
		}
		_, err := e.userAuth("pat", "PASSWORD", map[string]string{"PASSWORD": "Wr0ng-pass"})
		wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	})
	t.Run("PASSWORD then MFA", func(t *testing.T) {
		out := must[*cip.InitiateAuthOutput](t)(e.userAuth("totp", "PASSWORD", map[string]string{"PASSWORD": goodPassword}))
		if out.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
			t.Fatalf("got %s", out.ChallengeName)
		}
	})
	t.Run("EMAIL_OTP", func(t *testing.T) {
		out := must[*cip.InitiateAuthOutput](t)(e.userAuth("otp-only", "EMAIL_OTP", nil))
		if out.ChallengeName != types.ChallengeNameTypeEmailOtp || out.ChallengeParameters["CODE_DELIVERY_DESTINATION"] != "o***@e***.com" {
			t.Fatalf("got %s %v", out.ChallengeName, out.ChallengeParameters)
		}
		code := e.lastCode("otp-only", "SIGN_IN")
		if len(code) != 8 {
			t.Errorf("passwordless code %q, want 8 digits", code)
		}
		_, err := e.respond(choiceClient, "EMAIL_OTP", out.Session, map[string]string{"USERNAME": "otp-only", "EMAIL_OTP_CODE": "00000000"})
		wantAPIError(t, err, "CodeMismatchException", "Invalid verification code provided, please try again.")
		res := must[*cip.RespondToAuthChallengeOutput](t)(e.respond(choiceClient, "EMAIL_OTP", out.Session, map[string]string{"USERNAME": "otp-only", "EMAIL_OTP_CODE": code}))
		if res.AuthenticationResult == nil {
			t.Fatal("no tokens")
		}
		if c := claims(t, *res.AuthenticationResult.IdToken); c["email_verified"] != true {
			t.Errorf("e-mail OTP should verify the address: %v", c)
		}
	})
	t.Run("SMS_OTP", func(t *testing.T) {
		out := must[*cip.InitiateAuthOutput](t)(e.userAuth("pat", "SMS_OTP", nil))
		if out.ChallengeName != types.ChallengeNameTypeSmsOtp {
			t.Fatalf("got %s", out.ChallengeName)
		}
		res := must[*cip.RespondToAuthChallengeOutput](t)(e.respond(choiceClient, "SMS_OTP", out.Session,
			map[string]string{"USERNAME": "pat", "SMS_OTP_CODE": e.lastCode("pat", "SIGN_IN")}))
		if res.AuthenticationResult == nil {
			t.Fatal("no tokens")
		}
	})
	t.Run("unavailable preference falls back to SELECT_CHALLENGE", func(t *testing.T) {
		out := must[*cip.InitiateAuthOutput](t)(e.userAuth("otp-only", "PASSWORD_SRP", nil))
		if out.ChallengeName != types.ChallengeNameTypeSelectChallenge {
			t.Fatalf("got %s", out.ChallengeName)
		}
	})
	t.Run("unknown user", func(t *testing.T) {
		_, err := e.userAuth("nobody", "", nil)
		wantAPIError(t, err, "UserNotFoundException", "User does not exist.")
	})
}

func (e *env) customAuth(username string, extra map[string]string) (*cip.InitiateAuthOutput, error) {
	params := map[string]string{"USERNAME": username}
	for k, v := range extra {
		params[k] = v
	}
	return e.client.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeCustomAuth, ClientId: aws.String(choiceClient), AuthParameters: params})
}

func TestCustomAuthRounds(t *testing.T) {
	t.Parallel()
	e := newEnv(t, choiceSeed())
	out := must[*cip.InitiateAuthOutput](t)(e.customAuth("quizzed", nil))
	if out.ChallengeName != types.ChallengeNameTypeCustomChallenge || out.ChallengeParameters["question"] != "capital of France?" ||
		out.ChallengeParameters["USERNAME"] != "quizzed" {
		t.Fatalf("got %s %v", out.ChallengeName, out.ChallengeParameters)
	}
	// A wrong answer re-issues the round with a new session; the old one is spent.
	again := must[*cip.RespondToAuthChallengeOutput](t)(e.respond(choiceClient, "CUSTOM_CHALLENGE", out.Session, map[string]string{"USERNAME": "quizzed", "ANSWER": "Lyon"}))
	if again.ChallengeName != types.ChallengeNameTypeCustomChallenge || *again.Session == *out.Session {
		t.Fatalf("got %+v", again)
	}
	_, err := e.respond(choiceClient, "CUSTOM_CHALLENGE", out.Session, map[string]string{"USERNAME": "quizzed", "ANSWER": "Paris"})
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session for the user.")
	// Round two sends a code by e-mail.
	round2 := must[*cip.RespondToAuthChallengeOutput](t)(e.respond(choiceClient, "CUSTOM_CHALLENGE", again.Session, map[string]string{"USERNAME": "quizzed", "ANSWER": "Paris"}))
	if round2.ChallengeName != types.ChallengeNameTypeCustomChallenge {
		t.Fatalf("got %s", round2.ChallengeName)
	}
	res := must[*cip.RespondToAuthChallengeOutput](t)(e.respond(choiceClient, "CUSTOM_CHALLENGE", round2.Session,
		map[string]string{"USERNAME": "quizzed", "ANSWER": e.lastCode("quizzed", "CUSTOM_CHALLENGE")}))
	if res.AuthenticationResult == nil {
		t.Fatal("no tokens")
	}
	// MaxAttempts wrong answers fail the sign-in.
	out = must[*cip.InitiateAuthOutput](t)(e.customAuth("quizzed", nil))
	again = must[*cip.RespondToAuthChallengeOutput](t)(e.respond(choiceClient, "CUSTOM_CHALLENGE", out.Session, map[string]string{"USERNAME": "quizzed", "ANSWER": "Lyon"}))
	_, err = e.respond(choiceClient, "CUSTOM_CHALLENGE", again.Session, map[string]string{"USERNAME": "quizzed", "ANSWER": "Nice"})
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
}

func TestCustomAuthWithSRP(t *testing.T) {
	t.Parallel()
	e := newEnv(t, choiceSeed())
	// The second definition requires SRP first.
	_, err := e.customAuth("pat", nil)
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	sc := newSRPClient(t, choicePool, e.clock.Now)
	out := must[*cip.InitiateAuthOutput](t)(e.customAuth("pat", map[string]string{"CHALLENGE_NAME": "SRP_A", "SRP_A": sc.c.AHex()}))
	if out.ChallengeName != types.ChallengeNameTypePasswordVerifier {
		t.Fatalf("got %s", out.ChallengeName)
	}
	custom := must[*cip.RespondToAuthChallengeOutput](t)(e.respondVerifier(choiceClient, sc.answer(t, out.ChallengeParameters, goodPassword, "", "")))
	if custom.ChallengeName != types.ChallengeNameTypeCustomChallenge || custom.ChallengeParameters["question"] != "2+2" {
		t.Fatalf("got %s %v", custom.ChallengeName, custom.ChallengeParameters)
	}
	res := must[*cip.RespondToAuthChallengeOutput](t)(e.respond(choiceClient, "CUSTOM_CHALLENGE", custom.Session, map[string]string{"USERNAME": "pat", "ANSWER": "4"}))
	if res.AuthenticationResult == nil {
		t.Fatal("no tokens")
	}
	// A wrong password stops at the verifier.
	sc = newSRPClient(t, choicePool, e.clock.Now)
	out = must[*cip.InitiateAuthOutput](t)(e.customAuth("pat", map[string]string{"CHALLENGE_NAME": "SRP_A", "SRP_A": sc.c.AHex()}))
	_, err = e.respondVerifier(choiceClient, sc.answer(t, out.ChallengeParameters, "Wr0ng-pass", "", ""))
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
}

// TestUserAuthUnknownUserUnderPreventUserExistenceErrors checks that
// choice-based sign-in does not reveal that a user does not exist when the
// client prevents existence errors: the unknown name gets the challenges a
// user would, and each ends as a wrong answer does. Without the setting,
// UserNotFoundException.
func TestUserAuthUnknownUserUnderPreventUserExistenceErrors(t *testing.T) {
	t.Parallel()
	const pool, prevent, legacy = "us-east-1_Prevent01", "preventclient", "legacyclient"
	flows := []string{"ALLOW_USER_AUTH"}
	e := newEnv(t, &Seed{UserPools: []PoolSeed{{ID: pool, Name: "prevent", FirstAuthFactors: []string{"PASSWORD", "EMAIL_OTP"},
		Clients: []ClientSeed{{ID: prevent, Name: "p", ExplicitAuthFlows: flows, PreventUserExistenceErrors: "ENABLED"},
			{ID: legacy, Name: "l", ExplicitAuthFlows: flows}},
		Users: []UserSeed{{Username: "real", Password: goodPassword, Attributes: map[string]string{"email": "real@example.com"}}},
	}}})
	start := func(client, username string, params map[string]string) (*cip.InitiateAuthOutput, error) {
		p := map[string]string{"USERNAME": username}
		for k, v := range params {
			p[k] = v
		}
		return e.client.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserAuth, ClientId: aws.String(client), AuthParameters: p})
	}
	respond := func(session *string, challenge types.ChallengeNameType, resp map[string]string) (*cip.RespondToAuthChallengeOutput, error) {
		return e.client.RespondToAuthChallenge(e.ctx, &cip.RespondToAuthChallengeInput{ClientId: aws.String(prevent),
			ChallengeName: challenge, Session: session, ChallengeResponses: resp})
	}

	_, err := start(legacy, "ghost@example.com", nil)
	wantAPIError(t, err, "UserNotFoundException", "User does not exist.")

	realOut := must[*cip.InitiateAuthOutput](t)(start(prevent, "real", nil))
	ghost := must[*cip.InitiateAuthOutput](t)(start(prevent, "ghost@example.com", nil))
	if ghost.ChallengeName != types.ChallengeNameTypeSelectChallenge || ghost.Session == nil ||
		!slices.Equal(ghost.AvailableChallenges, realOut.AvailableChallenges) {
		t.Fatalf("unknown user: %s %v; a real one: %s %v", ghost.ChallengeName, ghost.AvailableChallenges, realOut.ChallengeName, realOut.AvailableChallenges)
	}
	sent := len(e.svc.SentCodes())
	otp := must[*cip.RespondToAuthChallengeOutput](t)(respond(ghost.Session, types.ChallengeNameTypeSelectChallenge,
		map[string]string{"USERNAME": "ghost@example.com", "ANSWER": "EMAIL_OTP"}))
	if otp.ChallengeName != types.ChallengeNameTypeEmailOtp || otp.ChallengeParameters["CODE_DELIVERY_DELIVERY_MEDIUM"] != "EMAIL" ||
		otp.ChallengeParameters["CODE_DELIVERY_DESTINATION"] != "g***@e***.com" || otp.Session == nil {
		t.Fatalf("EMAIL_OTP for an unknown user: %s %v", otp.ChallengeName, otp.ChallengeParameters)
	}
	if len(e.svc.SentCodes()) != sent {
		t.Error("a code was sent for a user that does not exist")
	}
	for range 2 { // a wrong code leaves the session usable, as for a real user
		_, err = respond(otp.Session, types.ChallengeNameTypeEmailOtp, map[string]string{"USERNAME": "ghost@example.com", "EMAIL_OTP_CODE": "12345678"})
		wantAPIError(t, err, "CodeMismatchException", "Invalid verification code provided, please try again.")
	}

	_, err = start(prevent, "ghost", map[string]string{"PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": goodPassword})
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	srpOut := must[*cip.InitiateAuthOutput](t)(start(prevent, "ghost", map[string]string{"PREFERRED_CHALLENGE": "PASSWORD_SRP", "SRP_A": "abcdef0123456789"}))
	if srpOut.ChallengeName != types.ChallengeNameTypePasswordVerifier || srpOut.ChallengeParameters["USER_ID_FOR_SRP"] != "ghost" {
		t.Errorf("PASSWORD_SRP for an unknown user: %s %v", srpOut.ChallengeName, srpOut.ChallengeParameters)
	}
}
