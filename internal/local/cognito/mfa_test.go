package cognito

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

const (
	mfaPool   = "us-east-1_MfaTest01"
	mfaOnPool = "us-east-1_MfaOnPool"
	mfaClient = "mfaclient"
	onClient  = "mfaonclient"
)

func mfaSeed() *Seed {
	flows := []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
	return &Seed{UserPools: []PoolSeed{
		{ID: mfaPool, Name: "mfa", MFA: "OPTIONAL", MFATypes: []string{"SMS_MFA", "SOFTWARE_TOKEN_MFA", "EMAIL_OTP"},
			Clients: []ClientSeed{{ID: mfaClient, Name: "c", ExplicitAuthFlows: flows}},
			Users: []UserSeed{
				{Username: "sms", Password: goodPassword, SMSMFA: true, Attributes: map[string]string{"phone_number": "+15555554114"}},
				{Username: "mail", Password: goodPassword, EmailMFA: true, Attributes: map[string]string{"email": "bob@victim.com"}},
				{Username: "both", Password: goodPassword, SMSMFA: true, TOTPSecret: DemoTOTPSecret,
					Attributes: map[string]string{"phone_number": "+15555550100"}},
				{Username: "plain", Password: goodPassword, Attributes: map[string]string{"phone_number": "+15555550101", "email": "plain@example.com"}},
			}},
		{ID: mfaOnPool, Name: "mfa-on", MFA: "ON", MFATypes: []string{"SOFTWARE_TOKEN_MFA"},
			Clients: []ClientSeed{{ID: onClient, Name: "c", ExplicitAuthFlows: flows}},
			Users:   []UserSeed{{Username: "fresh", Password: goodPassword}}},
	}}
}

func (e *env) respond(client, challenge string, session *string, resp map[string]string) (*cip.RespondToAuthChallengeOutput, error) {
	return e.client.RespondToAuthChallenge(e.ctx, &cip.RespondToAuthChallengeInput{ClientId: aws.String(client),
		ChallengeName: types.ChallengeNameType(challenge), Session: session, ChallengeResponses: resp})
}

func TestSoftwareTokenMFA(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	out := must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(DemoPublicClientID, DemoMFAUsername, DemoPassword, nil))
	if out.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa || out.Session == nil || out.ChallengeParameters["USER_ID_FOR_SRP"] != DemoMFAUsername {
		t.Fatalf("got %+v", out)
	}
	_, err := e.respond(DemoPublicClientID, "SOFTWARE_TOKEN_MFA", out.Session, map[string]string{"USERNAME": DemoMFAUsername, "SOFTWARE_TOKEN_MFA_CODE": "000000"})
	wantAPIError(t, err, "CodeMismatchException", "Invalid verification code provided, please try again.")
	_, err = e.respond(DemoPublicClientID, "SMS_MFA", out.Session, map[string]string{"USERNAME": DemoMFAUsername, "SMS_MFA_CODE": "000000"})
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session for the user.")
	// The session survives a wrong code.
	res := must[*cip.RespondToAuthChallengeOutput](t)(e.respond(DemoPublicClientID, "SOFTWARE_TOKEN_MFA", out.Session,
		map[string]string{"USERNAME": DemoMFAUsername, "SOFTWARE_TOKEN_MFA_CODE": totpCode(t, DemoTOTPSecret, e.clock.Now())}))
	if res.AuthenticationResult == nil {
		t.Fatalf("%+v", res)
	}
	// Three wrong codes end the session.
	out = must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(DemoPublicClientID, DemoMFAUsername, DemoPassword, nil))
	for i := 0; i < 3; i++ {
		_, err = e.respond(DemoPublicClientID, "SOFTWARE_TOKEN_MFA", out.Session, map[string]string{"USERNAME": DemoMFAUsername, "SOFTWARE_TOKEN_MFA_CODE": "000000"})
		wantAPIError(t, err, "CodeMismatchException", "Invalid verification code provided, please try again.")
	}
	_, err = e.respond(DemoPublicClientID, "SOFTWARE_TOKEN_MFA", out.Session,
		map[string]string{"USERNAME": DemoMFAUsername, "SOFTWARE_TOKEN_MFA_CODE": totpCode(t, DemoTOTPSecret, e.clock.Now())})
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session for the user.")
	// An expired session.
	out = must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(DemoPublicClientID, DemoMFAUsername, DemoPassword, nil))
	e.clock.Advance(3*time.Minute + time.Second)
	_, err = e.respond(DemoPublicClientID, "SOFTWARE_TOKEN_MFA", out.Session,
		map[string]string{"USERNAME": DemoMFAUsername, "SOFTWARE_TOKEN_MFA_CODE": totpCode(t, DemoTOTPSecret, e.clock.Now())})
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session for the user, session is expired.")
}

func TestSMSAndEmailMFA(t *testing.T) {
	t.Parallel()
	e := newEnv(t, mfaSeed())
	for _, tc := range []struct {
		user, challenge, field, medium, dest string
	}{
		{"sms", "SMS_MFA", "SMS_MFA_CODE", "SMS", "+*******4114"},
		{"mail", "EMAIL_OTP", "EMAIL_OTP_CODE", "EMAIL", "b***@v***.com"},
	} {
		t.Run(tc.user, func(t *testing.T) {
			out := must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(mfaClient, tc.user, goodPassword, nil))
			p := out.ChallengeParameters
			if string(out.ChallengeName) != tc.challenge || p["CODE_DELIVERY_DELIVERY_MEDIUM"] != tc.medium || p["CODE_DELIVERY_DESTINATION"] != tc.dest {
				t.Fatalf("got %s %v", out.ChallengeName, p)
			}
			_, err := e.respond(mfaClient, tc.challenge, out.Session, map[string]string{"USERNAME": tc.user})
			wantAPIError(t, err, "InvalidParameterException", "Missing required parameter "+tc.field)
			code := e.lastCode(tc.user, "MFA")
			res := must[*cip.RespondToAuthChallengeOutput](t)(e.respond(mfaClient, tc.challenge, out.Session, map[string]string{"USERNAME": tc.user, tc.field: code}))
			if res.AuthenticationResult == nil || len(code) != 6 {
				t.Fatalf("%+v, code %q", res, code)
			}
		})
	}
	t.Run("no MFA for users without it in an OPTIONAL pool", func(t *testing.T) {
		out := must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(mfaClient, "plain", goodPassword, nil))
		if out.AuthenticationResult == nil {
			t.Fatalf("got %s", out.ChallengeName)
		}
	})
}

func TestSelectMFAType(t *testing.T) {
	t.Parallel()
	e := newEnv(t, mfaSeed())
	out := must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(mfaClient, "both", goodPassword, nil))
	if out.ChallengeName != types.ChallengeNameTypeSelectMfaType || out.ChallengeParameters["MFAS_CAN_CHOOSE"] != `["SMS_MFA","SOFTWARE_TOKEN_MFA"]` {
		t.Fatalf("got %s %v", out.ChallengeName, out.ChallengeParameters)
	}
	_, err := e.respond(mfaClient, "SELECT_MFA_TYPE", out.Session, map[string]string{"USERNAME": "both", "ANSWER": "EMAIL_OTP"})
	wantAPIErrorPrefix(t, err, "InvalidParameterException", "Invalid value for ANSWER")
	out = must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(mfaClient, "both", goodPassword, nil))
	sel := must[*cip.RespondToAuthChallengeOutput](t)(e.respond(mfaClient, "SELECT_MFA_TYPE", out.Session, map[string]string{"USERNAME": "both", "ANSWER": "SOFTWARE_TOKEN_MFA"}))
	if sel.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("got %s", sel.ChallengeName)
	}
	res := must[*cip.RespondToAuthChallengeOutput](t)(e.respond(mfaClient, "SOFTWARE_TOKEN_MFA", sel.Session,
		map[string]string{"USERNAME": "both", "SOFTWARE_TOKEN_MFA_CODE": totpCode(t, DemoTOTPSecret, e.clock.Now())}))
	if res.AuthenticationResult == nil {
		t.Fatal("no tokens")
	}
}

func TestMFASetupDuringSignIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t, mfaSeed())
	out := must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(onClient, "fresh", goodPassword, nil))
	if out.ChallengeName != types.ChallengeNameTypeMfaSetup || out.ChallengeParameters["MFAS_CAN_SETUP"] != `["SOFTWARE_TOKEN_MFA"]` {
		t.Fatalf("got %s %v", out.ChallengeName, out.ChallengeParameters)
	}
	// Responding before verifying a token is refused.
	_, err := e.respond(onClient, "MFA_SETUP", out.Session, map[string]string{"USERNAME": "fresh"})
	wantAPIErrorPrefix(t, err, "InvalidParameterException", "The software token has not been verified")

	out = must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(onClient, "fresh", goodPassword, nil))
	assoc := must[*cip.AssociateSoftwareTokenOutput](t)(e.client.AssociateSoftwareToken(e.ctx, &cip.AssociateSoftwareTokenInput{Session: out.Session}))
	if len(*assoc.SecretCode) != 52 || assoc.Session == nil || *assoc.Session == *out.Session {
		t.Fatalf("associate %+v", assoc)
	}
	_, err = e.client.VerifySoftwareToken(e.ctx, &cip.VerifySoftwareTokenInput{Session: assoc.Session, UserCode: aws.String("123456")})
	wantAPIError(t, err, "EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA")
	ver := must[*cip.VerifySoftwareTokenOutput](t)(e.client.VerifySoftwareToken(e.ctx, &cip.VerifySoftwareTokenInput{Session: assoc.Session,
		UserCode: aws.String(totpCode(t, *assoc.SecretCode, e.clock.Now())), FriendlyDeviceName: aws.String("phone")}))
	if ver.Status != types.VerifySoftwareTokenResponseTypeSuccess || ver.Session == nil {
		t.Fatalf("verify %+v", ver)
	}
	res := must[*cip.RespondToAuthChallengeOutput](t)(e.respond(onClient, "MFA_SETUP", ver.Session, map[string]string{"USERNAME": "fresh"}))
	if res.AuthenticationResult == nil {
		t.Fatalf("%+v", res)
	}
	u := must[*cip.GetUserOutput](t)(e.client.GetUser(e.ctx, &cip.GetUserInput{AccessToken: res.AuthenticationResult.AccessToken}))
	if *u.PreferredMfaSetting != "SOFTWARE_TOKEN_MFA" || len(u.UserMFASettingList) != 1 {
		t.Errorf("GetUser MFA %v %v", u.PreferredMfaSetting, u.UserMFASettingList)
	}
	// The next sign-in asks for the code.
	out = must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(onClient, "fresh", goodPassword, nil))
	if out.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Errorf("got %s", out.ChallengeName)
	}
}

func TestMFAPreferencesWithAccessToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t, mfaSeed())
	r := must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(mfaClient, "plain", goodPassword, nil)).AuthenticationResult
	_, err := e.client.SetUserMFAPreference(e.ctx, &cip.SetUserMFAPreferenceInput{AccessToken: r.AccessToken,
		SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}})
	wantAPIError(t, err, "InvalidParameterException", "User has not verified software token mfa")

	assoc := must[*cip.AssociateSoftwareTokenOutput](t)(e.client.AssociateSoftwareToken(e.ctx, &cip.AssociateSoftwareTokenInput{AccessToken: r.AccessToken}))
	_, err = e.client.VerifySoftwareToken(e.ctx, &cip.VerifySoftwareTokenInput{AccessToken: r.AccessToken, UserCode: aws.String("12345")})
	wantAPIError(t, err, "InvalidParameterException", "1 validation error detected: Value '12345' at 'userCode' failed to satisfy constraint: Member must have length greater than or equal to 6")
	must[*cip.VerifySoftwareTokenOutput](t)(e.client.VerifySoftwareToken(e.ctx, &cip.VerifySoftwareTokenInput{AccessToken: r.AccessToken,
		UserCode: aws.String(totpCode(t, *assoc.SecretCode, e.clock.Now()))}))
	must[*cip.SetUserMFAPreferenceOutput](t)(e.client.SetUserMFAPreference(e.ctx, &cip.SetUserMFAPreferenceInput{AccessToken: r.AccessToken,
		SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true},
		SMSMfaSettings:           &types.SMSMfaSettingsType{Enabled: true}}))
	out := must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(mfaClient, "plain", goodPassword, nil))
	if out.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("preferred TOTP, got %s", out.ChallengeName)
	}
	// An administrator switches the preference to SMS.
	must[*cip.AdminSetUserMFAPreferenceOutput](t)(e.client.AdminSetUserMFAPreference(e.ctx, &cip.AdminSetUserMFAPreferenceInput{
		UserPoolId: aws.String(mfaPool), Username: aws.String("plain"), SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true, PreferredMfa: true}}))
	out = must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(mfaClient, "plain", goodPassword, nil))
	if out.ChallengeName != types.ChallengeNameTypeSmsMfa {
		t.Fatalf("preferred SMS, got %s", out.ChallengeName)
	}
	got := must[*cip.AdminGetUserOutput](t)(e.client.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(mfaPool), Username: aws.String("plain")}))
	if *got.PreferredMfaSetting != "SMS_MFA" || len(got.UserMFASettingList) != 2 || len(got.MFAOptions) != 1 {
		t.Errorf("AdminGetUser MFA: %v %v %v", got.PreferredMfaSetting, got.UserMFASettingList, got.MFAOptions)
	}
	_, err = e.client.AdminSetUserMFAPreference(e.ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: aws.String(mfaOnPool),
		Username: aws.String("fresh"), SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true}})
	wantAPIError(t, err, "InvalidParameterException", "User does not have delivery config set to turn on SMS_MFA")
}
