package interop

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

// challengeResult is identity-js-challenges.js's output.
type challengeResult struct {
	OK        bool     `json:"ok"`
	Callbacks []string `json:"callbacks"`
	Exchanges []struct {
		Op        string `json:"op"`
		Flow      string `json:"flow"`
		Answered  string `json:"answered"`
		Challenge string `json:"challenge"`
		Tokens    bool   `json:"tokens"`
	} `json:"exchanges"`
	Error               any               `json:"error"`
	MFAsCanChoose       []string          `json:"mfasCanChoose"`
	MFAsCanSetup        []string          `json:"mfasCanSetup"`
	SecretCode          string            `json:"secretCode"`
	ChallengeParameters map[string]string `json:"challengeParameters"`
	Claims              *tokenClaims      `json:"claims"`
	SecondClaims        *tokenClaims      `json:"second"`
	Refreshed           *tokenClaims      `json:"refreshed"`
	Device              struct {
		Device struct {
			DeviceKey        string `json:"DeviceKey"`
			DeviceAttributes []struct {
				Name, Value string
			} `json:"DeviceAttributes"`
		} `json:"Device"`
	} `json:"device"`
}

type tokenClaims struct {
	ID     map[string]any `json:"id"`
	Access map[string]any `json:"access"`
}

// challengeSeed has a pool with optional MFA (authenticator app or SMS),
// remembered devices and a custom challenge, and a pool that requires MFA
// of a user who has none yet.
func challengeSeed() cognito.Seed {
	return cognito.Seed{UserPools: []cognito.PoolSeed{
		{ID: "us-east-1_Challenge", Name: "challenges", MFA: "OPTIONAL", MFATypes: []string{"SOFTWARE_TOKEN_MFA", "SMS_MFA"},
			DeviceTracking: &cognito.DeviceTrackingSeed{ChallengeRequiredOnNewDevice: true},
			Clients: []cognito.ClientSeed{{ID: "challengepublicclient0001", Name: "web",
				ExplicitAuthFlows: []string{"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_CUSTOM_AUTH"}}},
			Groups: []cognito.GroupSeed{{Name: "staff"}},
			Users: []cognito.UserSeed{
				{Username: "alice", Password: "Alice-Passw0rd!", Groups: []string{"staff"}},
				{Username: "tina", Password: "Tina-Passw0rd!", TOTPSecret: cognito.DemoTOTPSecret},
				{Username: "sam", Password: "Sam-Passw0rd!", TOTPSecret: cognito.DemoTOTPSecret, SMSMFA: true,
					Attributes: map[string]string{"phone_number": "+15555550100", "phone_number_verified": "true"}},
			},
			CustomChallenges: []cognito.CustomChallengeSeed{{Rounds: []cognito.ChallengeRound{
				{PublicParameters: map[string]string{"question": "2 + 2?"}, Answer: "4"}}}},
		},
		{ID: "us-east-1_MfaRequired", Name: "mfa-required", MFA: "ON", MFATypes: []string{"SOFTWARE_TOKEN_MFA"},
			Clients: []cognito.ClientSeed{{ID: "mfarequiredpublicclient01", Name: "web"}},
			Users:   []cognito.UserSeed{{Username: "newbie", Password: "Newbie-Passw0rd!"}}},
	}}
}

// TestOfficialClientAnswersChallenges has amazon-cognito-identity-js sign
// in through each challenge it handles itself. Its callbacks are the
// referee: the library only calls totpRequired, selectMFAType, mfaSetup
// or customChallenge when the challenge and its parameters are shaped as
// Cognito's, and only reaches DEVICE_SRP_AUTH on a device it confirmed.
func TestOfficialClientAnswersChallenges(t *testing.T) {
	t.Parallel()
	peers(t)
	env := localtest.Start(t, localtest.WithSeed(challengeSeed()))
	run := func(t *testing.T, scenario, pool, client, user, password string, extra ...string) challengeResult {
		t.Helper()
		args := append([]string{env.Endpoint + "/", scenario, pool, client, user, password, cognito.DemoTOTPSecret}, extra...)
		r := runPeer(t, nil, "identity-js-challenges.js", args...)
		var out challengeResult
		r.decode(t, &out)
		if !out.OK || r.code != 0 {
			t.Fatalf("%s: the official client failed: %v (exit %d)\nexchanges: %+v\nstderr: %s", scenario, out.Error, r.code, out.Exchanges, r.stderr)
		}
		if out.Claims == nil || out.Claims.Access["username"] != user {
			t.Fatalf("%s: tokens for %v, want %s", scenario, out.Claims, user)
		}
		return out
	}
	const pool, client = "us-east-1_Challenge", "challengepublicclient0001"

	t.Run("totp", func(t *testing.T) {
		t.Parallel()
		out := run(t, "totp", pool, client, "tina", "Tina-Passw0rd!")
		if !slices.Equal(out.Callbacks, []string{"totpRequired"}) {
			t.Errorf("callbacks %v, want [totpRequired]", out.Callbacks)
		}
	})
	t.Run("select MFA type", func(t *testing.T) {
		t.Parallel()
		out := run(t, "select", pool, client, "sam", "Sam-Passw0rd!")
		if !slices.Equal(out.Callbacks, []string{"selectMFAType", "totpRequired"}) ||
			!slices.Equal(out.MFAsCanChoose, []string{"SMS_MFA", "SOFTWARE_TOKEN_MFA"}) {
			t.Errorf("callbacks %v, MFAS_CAN_CHOOSE %v", out.Callbacks, out.MFAsCanChoose)
		}
	})
	t.Run("MFA setup", func(t *testing.T) {
		t.Parallel()
		out := run(t, "setup", "us-east-1_MfaRequired", "mfarequiredpublicclient01", "newbie", "Newbie-Passw0rd!")
		if !slices.Equal(out.Callbacks, []string{"mfaSetup", "associateSecretCode"}) ||
			!slices.Equal(out.MFAsCanSetup, []string{"SOFTWARE_TOKEN_MFA"}) || out.SecretCode == "" {
			t.Errorf("callbacks %v, MFAS_CAN_SETUP %v, secret %q", out.Callbacks, out.MFAsCanSetup, out.SecretCode)
		}
		u, err := env.CognitoClient().AdminGetUser(context.Background(), &cip.AdminGetUserInput{
			UserPoolId: aws.String("us-east-1_MfaRequired"), Username: aws.String("newbie")})
		if err != nil || aws.ToString(u.PreferredMfaSetting) != "SOFTWARE_TOKEN_MFA" || !slices.Equal(u.UserMFASettingList, []string{"SOFTWARE_TOKEN_MFA"}) {
			t.Errorf("after MFA setup AdminGetUser = %+v (%v), want the authenticator app enabled and preferred", u, err)
		}
	})
	t.Run("custom challenge", func(t *testing.T) {
		t.Parallel()
		out := run(t, "custom", pool, client, "alice", "", "4")
		want := map[string]string{"USERNAME": "alice", "question": "2 + 2?"}
		if !slices.Equal(out.Callbacks, []string{"customChallenge"}) || !mapsEqual(out.ChallengeParameters, want) {
			t.Errorf("callbacks %v, challenge parameters %v, want %v", out.Callbacks, out.ChallengeParameters, want)
		}
	})
	t.Run("remembered device", func(t *testing.T) {
		t.Parallel()
		out := run(t, "device", pool, client, "alice", "Alice-Passw0rd!")
		var ops, challenges []string
		for _, e := range out.Exchanges {
			ops = append(ops, e.Op)
			if e.Challenge != "" {
				challenges = append(challenges, e.Challenge)
			}
		}
		for _, op := range []string{"ConfirmDevice", "UpdateDeviceStatus", "GetDevice"} {
			if !slices.Contains(ops, op) {
				t.Errorf("the library never called %s: %v", op, ops)
			}
		}
		// First sign-in: PASSWORD_VERIFIER; second: PASSWORD_VERIFIER,
		// then the device's own SRP exchange.
		if want := []string{"PASSWORD_VERIFIER", "PASSWORD_VERIFIER", "DEVICE_SRP_AUTH", "DEVICE_PASSWORD_VERIFIER"}; !slices.Equal(challenges, want) {
			t.Errorf("challenges %v, want %v", challenges, want)
		}
		key, _ := out.Claims.Access["device_key"].(string)
		if key == "" || out.SecondClaims == nil || out.SecondClaims.Access["device_key"] != key || out.Device.Device.DeviceKey != key {
			t.Fatalf("device_key %q first, %v second, GetDevice %q", key, out.SecondClaims, out.Device.Device.DeviceKey)
		}
		if out.Refreshed == nil || out.Refreshed.Access["device_key"] != key || out.Refreshed.Access["origin_jti"] != out.SecondClaims.Access["origin_jti"] {
			t.Errorf("refreshed access token %v, want the device key and the second sign-in's origin_jti", out.Refreshed)
		}
		attrs := map[string]string{}
		for _, a := range out.Device.Device.DeviceAttributes {
			attrs[a.Name] = a.Value
		}
		if attrs["device_remembered_status"] != "remembered" {
			t.Errorf("device attributes %v, want device_remembered_status remembered", attrs)
		}
		if g, _ := out.SecondClaims.ID["cognito:groups"].([]any); len(g) != 1 || g[0] != "staff" {
			t.Errorf("cognito:groups %v after the device sign-in", out.SecondClaims.ID["cognito:groups"])
		}
	})
}

func mapsEqual(a, b map[string]string) bool {
	ab, _ := json.Marshal(a)
	bb, _ := json.Marshal(b)
	return string(ab) == string(bb)
}
