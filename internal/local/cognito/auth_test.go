package cognito

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogscope/cogscope/flows/srp"
)

const (
	authPool      = "us-east-1_AuthTest1"
	cPublic       = "publicclient"
	cPrevent      = "preventclient"
	cSecret       = "secretclient"
	cSRPOnly      = "srponlyclient"
	cCustomOnly   = "customonlyclient"
	secretOfC     = "s3cr3tv4lue"
	goodPassword  = "Corr3ct-horse"
	alicesEmail   = "alice@example.com"
	shortSessions = 3
)

func authSeed() *Seed {
	all := []string{"ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_CUSTOM_AUTH",
		"ALLOW_USER_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH"}
	no := false
	return &Seed{UserPools: []PoolSeed{{
		ID: authPool, Name: "auth", AliasAttributes: []string{"email"}, AutoVerifiedAttributes: []string{"email"},
		Clients: []ClientSeed{
			{ID: cPublic, Name: "public", ExplicitAuthFlows: all},
			{ID: cPrevent, Name: "prevent", ExplicitAuthFlows: all, PreventUserExistenceErrors: "ENABLED"},
			{ID: cSecret, Name: "secret", Secret: secretOfC, ExplicitAuthFlows: all},
			{ID: cSRPOnly, Name: "srp only", ExplicitAuthFlows: []string{"ALLOW_USER_SRP_AUTH"}, AuthSessionValidity: shortSessions},
			{ID: cCustomOnly, Name: "custom only", ExplicitAuthFlows: []string{"ALLOW_CUSTOM_AUTH"}},
		},
		Users: []UserSeed{
			{Username: "alice", Password: goodPassword, Attributes: map[string]string{"email": alicesEmail, "email_verified": "true"}},
			{Username: "bob", Password: goodPassword, Status: "UNCONFIRMED", Attributes: map[string]string{"email": "bob@example.com"}},
			{Username: "carol", Password: goodPassword, Status: "RESET_REQUIRED"},
			{Username: "dave", Password: goodPassword, Enabled: &no},
			{Username: "erin", Password: goodPassword, Status: "FORCE_CHANGE_PASSWORD"},
		},
	}}}
}

func TestInitiateAuthErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, authSeed())
	hash := func(user string) string { return srp.SecretHash(secretOfC, user, cSecret) }
	cases := []struct {
		name     string
		flow     types.AuthFlowType
		client   string
		params   map[string]string
		typ, msg string
	}{
		{"unknown client", types.AuthFlowTypeUserPasswordAuth, "nosuchclient", map[string]string{"USERNAME": "alice", "PASSWORD": goodPassword},
			"ResourceNotFoundException", "User pool client nosuchclient does not exist."},
		{"password flow disabled", types.AuthFlowTypeUserPasswordAuth, cSRPOnly, map[string]string{"USERNAME": "alice", "PASSWORD": goodPassword},
			"InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client"},
		{"srp flow disabled", types.AuthFlowTypeUserSrpAuth, cCustomOnly, map[string]string{"USERNAME": "alice", "SRP_A": "abc"},
			"InvalidParameterException", "USER_SRP_AUTH is not enabled for the client."},
		{"refresh flow disabled", types.AuthFlowTypeRefreshTokenAuth, cSRPOnly, map[string]string{"REFRESH_TOKEN": "x"},
			"InvalidParameterException", "Refresh Token flow not enabled for this client"},
		{"custom flow disabled", types.AuthFlowTypeCustomAuth, cSRPOnly, map[string]string{"USERNAME": "alice"},
			"InvalidParameterException", "CUSTOM_AUTH flow not enabled for this client"},
		{"user auth disabled", types.AuthFlowTypeUserAuth, cSRPOnly, map[string]string{"USERNAME": "alice"},
			"InvalidParameterException", "USER_AUTH flow not enabled for this client"},
		{"admin flow on InitiateAuth", types.AuthFlowTypeAdminUserPasswordAuth, cPublic, map[string]string{"USERNAME": "alice", "PASSWORD": goodPassword},
			"InvalidParameterException", "Initiate Auth method not supported."},
		{"missing USERNAME", types.AuthFlowTypeUserPasswordAuth, cPublic, map[string]string{"PASSWORD": goodPassword},
			"InvalidParameterException", "Missing required parameter USERNAME"},
		{"missing PASSWORD", types.AuthFlowTypeUserPasswordAuth, cPublic, map[string]string{"USERNAME": "alice"},
			"InvalidParameterException", "Missing required parameter PASSWORD"},
		{"missing SRP_A", types.AuthFlowTypeUserSrpAuth, cPublic, map[string]string{"USERNAME": "alice", "PASSWORD": goodPassword},
			"InvalidParameterException", "Missing required parameter SRP_A"},
		{"missing REFRESH_TOKEN", types.AuthFlowTypeRefreshTokenAuth, cPublic, nil,
			"InvalidParameterException", "Missing required parameter REFRESH_TOKEN"},
		{"secret hash missing", types.AuthFlowTypeUserPasswordAuth, cSecret, map[string]string{"USERNAME": "alice", "PASSWORD": goodPassword},
			"NotAuthorizedException", "Client secretclient is configured for secret but secret was not received"},
		{"secret hash wrong", types.AuthFlowTypeUserPasswordAuth, cSecret, map[string]string{"USERNAME": "alice", "PASSWORD": goodPassword, "SECRET_HASH": hash("bob")},
			"NotAuthorizedException", "Unable to verify secret hash for client secretclient"},
		{"unknown user", types.AuthFlowTypeUserPasswordAuth, cPublic, map[string]string{"USERNAME": "zed", "PASSWORD": goodPassword},
			"UserNotFoundException", "User does not exist."},
		{"unknown user hidden", types.AuthFlowTypeUserPasswordAuth, cPrevent, map[string]string{"USERNAME": "zed", "PASSWORD": goodPassword},
			"NotAuthorizedException", "Incorrect username or password."},
		{"wrong password", types.AuthFlowTypeUserPasswordAuth, cPublic, map[string]string{"USERNAME": "alice", "PASSWORD": "Wr0ng-horse"},
			"NotAuthorizedException", "Incorrect username or password."},
		{"unconfirmed before password", types.AuthFlowTypeUserPasswordAuth, cPublic, map[string]string{"USERNAME": "bob", "PASSWORD": "not even close"},
			"UserNotConfirmedException", "User is not confirmed."},
		{"reset required", types.AuthFlowTypeUserPasswordAuth, cPublic, map[string]string{"USERNAME": "carol", "PASSWORD": goodPassword},
			"PasswordResetRequiredException", "Password reset required for the user"},
		{"disabled", types.AuthFlowTypeUserPasswordAuth, cPublic, map[string]string{"USERNAME": "dave", "PASSWORD": goodPassword},
			"NotAuthorizedException", "User is disabled."},
		{"srp bad A", types.AuthFlowTypeUserSrpAuth, cPublic, map[string]string{"USERNAME": "alice", "SRP_A": srp.Hex(srp.N)},
			"NotAuthorizedException", "Incorrect username or password."},
		{"custom without definitions", types.AuthFlowTypeCustomAuth, cPublic, map[string]string{"USERNAME": "alice"},
			"InvalidParameterException", "Custom auth lambda trigger is not configured for the user pool."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.client.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: tc.flow, ClientId: aws.String(tc.client), AuthParameters: tc.params})
			wantAPIError(t, err, tc.typ, tc.msg)
		})
	}
}

func TestPasswordSignIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t, authSeed())
	for _, tc := range []struct {
		name, client, username string
		extra                  map[string]string
	}{
		{"username", cPublic, "alice", nil},
		{"username any case", cPublic, "ALICE", nil},
		{"verified e-mail alias", cPublic, alicesEmail, nil},
		{"secret client", cSecret, "alice", map[string]string{"SECRET_HASH": srp.SecretHash(secretOfC, "alice", cSecret)}},
		{"secret client, hash over the alias typed", cSecret, alicesEmail, map[string]string{"SECRET_HASH": srp.SecretHash(secretOfC, alicesEmail, cSecret)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := e.passwordSignIn(tc.client, tc.username, goodPassword, tc.extra)
			if err != nil {
				t.Fatal(err)
			}
			r := out.AuthenticationResult
			if r == nil || out.ChallengeName != "" || len(out.ChallengeParameters) != 0 {
				t.Fatalf("got %+v", out)
			}
			if *r.TokenType != "Bearer" || r.ExpiresIn != 3600 || *r.RefreshToken == "" || *r.IdToken == "" || *r.AccessToken == "" {
				t.Errorf("result %+v", r)
			}
			if got := claims(t, *r.AccessToken)["username"]; got != "alice" {
				t.Errorf("username claim %v", got)
			}
		})
	}
}

func TestAdminInitiateAuth(t *testing.T) {
	t.Parallel()
	e := newEnv(t, authSeed())
	out, err := e.client.AdminInitiateAuth(e.ctx, &cip.AdminInitiateAuthInput{UserPoolId: aws.String(authPool),
		ClientId: aws.String(cPublic), AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": goodPassword}})
	if err != nil || out.AuthenticationResult == nil {
		t.Fatalf("%v %+v", err, out)
	}
	_, err = e.client.AdminInitiateAuth(e.ctx, &cip.AdminInitiateAuthInput{UserPoolId: aws.String(authPool),
		ClientId: aws.String(cSRPOnly), AuthFlow: types.AuthFlowTypeAdminNoSrpAuth,
		AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": goodPassword}})
	wantAPIError(t, err, "InvalidParameterException", "Auth flow not enabled for this client")
	_, err = e.client.AdminInitiateAuth(e.ctx, &cip.AdminInitiateAuthInput{UserPoolId: aws.String(authPool),
		ClientId: aws.String(cPublic), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": goodPassword}})
	wantAPIError(t, err, "InvalidParameterException", "Initiate Auth method not supported.")
	_, err = e.client.AdminInitiateAuth(e.ctx, &cip.AdminInitiateAuthInput{UserPoolId: aws.String("us-east-1_Other1234"),
		ClientId: aws.String(cPublic), AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": goodPassword}})
	wantAPIError(t, err, "ResourceNotFoundException", "User pool us-east-1_Other1234 does not exist.")
}

func TestSRPSignIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t, authSeed())

	t.Run("by username and by alias", func(t *testing.T) {
		for _, name := range []string{"alice", alicesEmail} {
			out, err := e.srpSignIn(cPublic, authPool, name, goodPassword)
			if err != nil || out.AuthenticationResult == nil {
				t.Fatalf("%s: %v %+v", name, err, out)
			}
		}
	})
	t.Run("challenge parameters", func(t *testing.T) {
		sc := newSRPClient(t, authPool, e.clock.Now)
		init := must[*cip.InitiateAuthOutput](t)(e.client.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserSrpAuth,
			ClientId: aws.String(cPublic), AuthParameters: map[string]string{"USERNAME": alicesEmail, "SRP_A": sc.c.AHex()}}))
		p := init.ChallengeParameters
		if p["USER_ID_FOR_SRP"] != "alice" || p["USERNAME"] != "alice" || p["SALT"] == "" || p["SRP_B"] == "" || p["SECRET_BLOCK"] == "" {
			t.Fatalf("params %v", p)
		}
		if salt := bigHex(t, p["SALT"]); salt.BitLen() <= 120 || p["SALT"][0] == '0' {
			t.Errorf("salt %s: want 16 bytes, first byte non-zero, unpadded hex", p["SALT"])
		}
		if init.Session != nil {
			t.Errorf("PASSWORD_VERIFIER carries a Session %q; the SECRET_BLOCK is the state", *init.Session)
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		_, err := e.srpSignIn(cPublic, authPool, "alice", "Wr0ng-horse")
		wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	})
	t.Run("unknown user under PreventUserExistenceErrors gets a challenge, then a refusal", func(t *testing.T) {
		_, err := e.srpSignIn(cPrevent, authPool, "zed", goodPassword)
		wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	})
	t.Run("disabled and reset-required users fail after the proof", func(t *testing.T) {
		_, err := e.srpSignIn(cPublic, authPool, "dave", goodPassword)
		wantAPIError(t, err, "NotAuthorizedException", "User is disabled.")
		_, err = e.srpSignIn(cPublic, authPool, "carol", goodPassword)
		wantAPIError(t, err, "PasswordResetRequiredException", "Password reset required for the user")
	})
}

// srpChallenge starts USER_SRP_AUTH and returns the client and challenge.
func (e *env) srpChallenge(t *testing.T, clientID, username string, extra map[string]string) (*srpClient, *cip.InitiateAuthOutput) {
	t.Helper()
	sc := newSRPClient(t, authPool, e.clock.Now)
	params := map[string]string{"USERNAME": username, "SRP_A": sc.c.AHex()}
	for k, v := range extra {
		params[k] = v
	}
	init := must[*cip.InitiateAuthOutput](t)(e.client.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserSrpAuth,
		ClientId: aws.String(clientID), AuthParameters: params}))
	return sc, init
}

func (e *env) respondVerifier(clientID string, resp map[string]string) (*cip.RespondToAuthChallengeOutput, error) {
	return e.client.RespondToAuthChallenge(e.ctx, &cip.RespondToAuthChallengeInput{ClientId: aws.String(clientID),
		ChallengeName: types.ChallengeNameTypePasswordVerifier, ChallengeResponses: resp})
}

func TestPasswordVerifierErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, authSeed())

	t.Run("secret hash must use the internal username, not the alias", func(t *testing.T) {
		sc, init := e.srpChallenge(t, cSecret, alicesEmail, map[string]string{"SECRET_HASH": srp.SecretHash(secretOfC, alicesEmail, cSecret)})
		resp := sc.answer(t, init.ChallengeParameters, goodPassword, "", "")
		resp["SECRET_HASH"] = srp.SecretHash(secretOfC, alicesEmail, cSecret)
		_, err := e.respondVerifier(cSecret, resp)
		wantAPIError(t, err, "NotAuthorizedException", "Unable to verify secret hash for client secretclient")

		sc, init = e.srpChallenge(t, cSecret, alicesEmail, map[string]string{"SECRET_HASH": srp.SecretHash(secretOfC, alicesEmail, cSecret)})
		resp = sc.answer(t, init.ChallengeParameters, goodPassword, "", "")
		resp["SECRET_HASH"] = srp.SecretHash(secretOfC, "alice", cSecret)
		if out, err := e.respondVerifier(cSecret, resp); err != nil || out.AuthenticationResult == nil {
			t.Fatalf("%v", err)
		}
	})
	t.Run("secret hash missing in the response", func(t *testing.T) {
		sc, init := e.srpChallenge(t, cSecret, "alice", map[string]string{"SECRET_HASH": srp.SecretHash(secretOfC, "alice", cSecret)})
		_, err := e.respondVerifier(cSecret, sc.answer(t, init.ChallengeParameters, goodPassword, "", ""))
		wantAPIError(t, err, "NotAuthorizedException", "Client secretclient is configured for secret but secret was not received")
	})
	t.Run("single use", func(t *testing.T) {
		sc, init := e.srpChallenge(t, cPublic, "alice", nil)
		resp := sc.answer(t, init.ChallengeParameters, goodPassword, "", "")
		if _, err := e.respondVerifier(cPublic, resp); err != nil {
			t.Fatal(err)
		}
		_, err := e.respondVerifier(cPublic, resp)
		wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	})
	t.Run("expired", func(t *testing.T) {
		e := newEnv(t, authSeed())
		sc, init := e.srpChallenge(t, cSRPOnly, "alice", nil)
		e.clock.Advance(shortSessions*time.Minute + time.Second)
		_, err := e.respondVerifier(cSRPOnly, sc.answer(t, init.ChallengeParameters, goodPassword, "", ""))
		wantAPIError(t, err, "NotAuthorizedException", "Invalid session for the user, session is expired.")
	})
	t.Run("timestamp too far from now", func(t *testing.T) {
		sc, init := e.srpChallenge(t, cPublic, "alice", nil)
		sc.now = func() time.Time { return e.clock.Now().Add(6 * time.Minute) }
		_, err := e.respondVerifier(cPublic, sc.answer(t, init.ChallengeParameters, goodPassword, "", ""))
		wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	})
	t.Run("another user's name", func(t *testing.T) {
		sc, init := e.srpChallenge(t, cPublic, "alice", nil)
		resp := sc.answer(t, init.ChallengeParameters, goodPassword, "", "")
		resp["USERNAME"] = "erin"
		_, err := e.respondVerifier(cPublic, resp)
		wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	})
	t.Run("missing parameters", func(t *testing.T) {
		for _, name := range []string{"PASSWORD_CLAIM_SIGNATURE", "PASSWORD_CLAIM_SECRET_BLOCK", "TIMESTAMP", "USERNAME"} {
			sc, init := e.srpChallenge(t, cPublic, "alice", nil)
			resp := sc.answer(t, init.ChallengeParameters, goodPassword, "", "")
			delete(resp, name)
			_, err := e.respondVerifier(cPublic, resp)
			wantAPIError(t, err, "InvalidParameterException", "Missing required parameter "+name)
		}
	})
	t.Run("another client", func(t *testing.T) {
		sc, init := e.srpChallenge(t, cPublic, "alice", nil)
		_, err := e.respondVerifier(cPrevent, sc.answer(t, init.ChallengeParameters, goodPassword, "", ""))
		wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	})
}

func TestNewPasswordRequired(t *testing.T) {
	t.Parallel()
	e := newEnv(t, authSeed())
	out := must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(cPublic, "erin", goodPassword, nil))
	if out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired || out.Session == nil {
		t.Fatalf("got %+v", out)
	}
	if out.ChallengeParameters["requiredAttributes"] != "[]" || out.ChallengeParameters["USER_ID_FOR_SRP"] != "erin" ||
		out.ChallengeParameters["userAttributes"] != "{}" {
		t.Errorf("params %v", out.ChallengeParameters)
	}
	respond := func(pw string) (*cip.RespondToAuthChallengeOutput, error) {
		return e.client.RespondToAuthChallenge(e.ctx, &cip.RespondToAuthChallengeInput{ClientId: aws.String(cPublic),
			ChallengeName: types.ChallengeNameTypeNewPasswordRequired, Session: out.Session,
			ChallengeResponses: map[string]string{"USERNAME": "erin", "NEW_PASSWORD": pw}})
	}
	_, err := respond("short")
	wantAPIError(t, err, "InvalidPasswordException", "Password did not conform with policy: Password not long enough")
	// The session survives a refused password.
	res := must[*cip.RespondToAuthChallengeOutput](t)(respond("N3w-password!"))
	if res.AuthenticationResult == nil {
		t.Fatalf("got %+v", res)
	}
	// The session is single use.
	_, err = respond("N3w-password!")
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session for the user.")
	// The new password works; the old one does not.
	if _, err := e.passwordSignIn(cPublic, "erin", "N3w-password!", nil); err != nil {
		t.Fatal(err)
	}
	_, err = e.passwordSignIn(cPublic, "erin", goodPassword, nil)
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
}

func TestPasswordPolicyMessages(t *testing.T) {
	t.Parallel()
	pp := defaultPasswordPolicy()
	for pw, want := range map[string]string{
		"Ab1!":        "Password did not conform with policy: Password not long enough",
		"ABCDEFG1!":   "Password did not conform with policy: Password must have lowercase characters",
		"abcdefg1!":   "Password did not conform with policy: Password must have uppercase characters",
		"Abcdefgh!":   "Password did not conform with policy: Password must have numeric characters",
		"Abcdefgh1":   "Password did not conform with policy: Password must have symbol characters",
		"Abcdefg1 ":   "",
		"Abcdefgh1^~": "",
	} {
		err := checkPolicy(pp, pw)
		if want == "" {
			if err != nil {
				t.Errorf("%q: %v", pw, err)
			}
			continue
		}
		ae, ok := err.(*apiError)
		if !ok || ae.Type != excInvalidPassword || ae.Message != want {
			t.Errorf("%q: got %v, want %s", pw, err, want)
		}
	}
	// The same reason, in the words of the operation that refused it.
	for prefix, want := range map[string]string{
		policyRefusedAdminCreate: "Password did not conform with password policy: Password not long enough",
		policyRefusedReset:       "Password does not conform to policy: Password not long enough",
	} {
		if err := checkPolicyAs(prefix, pp, "Ab1!"); err == nil || err.(*apiError).Message != want {
			t.Errorf("checkPolicyAs(%q): got %v, want %s", prefix, err, want)
		}
	}
}
