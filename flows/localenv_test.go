package flows

import (
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/pquerna/otp/totp"

	"github.com/cogscope/cogscope/internal/awsclient"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

// The test pools. Every flow and challenge of the package runs against the
// local Cognito service through the real SDK.
const (
	poolID        = "us-east-1_FlowsPool"
	setupPoolID   = "us-east-1_SetupPool"
	devicePoolID  = "us-east-1_DevicePool"
	publicClient  = "flowspublic000000000000000"
	secretClient  = "flowssecret000000000000000"
	srpOnlyClient = "flowssrponly00000000000000"
	rotating      = "flowsrotating0000000000000"
	rotatingSec   = "flowsrotatingsecret0000000"
	setupClient   = "setuppublic000000000000000"
	deviceClient  = "devicesecret00000000000000"
	clientSecret  = "test-client-secret-value-0123456789"
	password      = "Passw0rd!"
	tempPassword  = "Temp0rary!"
	totpSecret    = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
)

var allFlows = []string{"ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_CUSTOM_AUTH",
	"ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH"}

func testSeed() cognito.Seed {
	phone := map[string]string{"phone_number": "+15555550100", "phone_number_verified": "true"}
	return cognito.Seed{UserPools: []cognito.PoolSeed{
		{
			ID: poolID, Name: "flows", MFA: "OPTIONAL", MFATypes: []string{"SMS_MFA", "SOFTWARE_TOKEN_MFA", "EMAIL_OTP"},
			AliasAttributes: []string{"email"}, AutoVerifiedAttributes: []string{"email"},
			FirstAuthFactors: []string{"PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"},
			Clients: []cognito.ClientSeed{
				{ID: publicClient, Name: "public", ExplicitAuthFlows: allFlows},
				{ID: secretClient, Name: "secret", Secret: clientSecret, ExplicitAuthFlows: allFlows},
				{ID: srpOnlyClient, Name: "srp-only", ExplicitAuthFlows: []string{"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}},
				{ID: rotating, Name: "rotating", ExplicitAuthFlows: []string{"ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH"},
					RefreshTokenRotation: &cognito.RefreshRotationSeed{Feature: "ENABLED"}},
				{ID: rotatingSec, Name: "rotating-secret", Secret: clientSecret, ExplicitAuthFlows: []string{"ALLOW_USER_PASSWORD_AUTH"},
					RefreshTokenRotation: &cognito.RefreshRotationSeed{Feature: "ENABLED"}},
			},
			Users: []cognito.UserSeed{
				{Username: "alice", Password: password, Attributes: map[string]string{"email": "alice@example.com", "email_verified": "true"}},
				{Username: "bob", Password: password, Status: "UNCONFIRMED"},
				{Username: "carol", Password: tempPassword, Status: "FORCE_CHANGE_PASSWORD"},
				{Username: "totp", Password: password, TOTPSecret: totpSecret, PreferredMFA: "SOFTWARE_TOKEN_MFA"},
				{Username: "sms", Password: password, SMSMFA: true, PreferredMFA: "SMS_MFA", Attributes: phone},
				{Username: "mail", Password: password, EmailMFA: true, PreferredMFA: "EMAIL_OTP",
					Attributes: map[string]string{"email": "mail@example.com", "email_verified": "true"}},
				{Username: "both", Password: password, SMSMFA: true, TOTPSecret: totpSecret, Attributes: phone},
				{Username: "passkey", Password: password, WebAuthnCredentials: []string{"cred-1"},
					Attributes: map[string]string{"email": "passkey@example.com", "email_verified": "true"}},
				{Username: "custom", Password: password},
			},
			CustomChallenges: []cognito.CustomChallengeSeed{{
				Users: []string{"custom"},
				Rounds: []cognito.ChallengeRound{
					{PublicParameters: map[string]string{"question": "2+2?"}, Answer: "4"},
					{PublicParameters: map[string]string{"question": "capital of France?"}, Answer: "Paris"},
				},
			}},
		},
		{
			ID: setupPoolID, Name: "setup", MFA: "ON", MFATypes: []string{"SOFTWARE_TOKEN_MFA"},
			Clients: []cognito.ClientSeed{{ID: setupClient, Name: "setup", ExplicitAuthFlows: allFlows}},
			Users:   []cognito.UserSeed{{Username: "newbie", Password: password}},
		},
		{
			ID: devicePoolID, Name: "devices", MFA: "ON", MFATypes: []string{"SOFTWARE_TOKEN_MFA"},
			DeviceTracking: &cognito.DeviceTrackingSeed{ChallengeRequiredOnNewDevice: true},
			Clients:        []cognito.ClientSeed{{ID: deviceClient, Name: "devices", Secret: clientSecret, ExplicitAuthFlows: allFlows}},
			Users:          []cognito.UserSeed{{Username: "dora", Password: password, TOTPSecret: totpSecret, PreferredMFA: "SOFTWARE_TOKEN_MFA"}},
		},
	}}
}

// testClock lets a test move the stack's time forward.
type testClock struct{ off atomic.Int64 }

func (c *testClock) Now() time.Time          { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *testClock) Advance(d time.Duration) { c.off.Add(int64(d)) }

type env struct {
	*localtest.Env
	clock *testClock
	api   *cip.Client // anonymous
	admin *cip.Client // static dummy credentials
}

func startEnv(t *testing.T) *env { return startEnvB(t) }

func startEnvB(t testing.TB) *env {
	t.Helper()
	clock := &testClock{}
	e := localtest.Start(t, localtest.WithSeed(testSeed()), localtest.WithNow(clock.Now))
	cfg := awsclient.Static(e.Region, nil)
	return &env{Env: e, clock: clock, api: awsclient.AnonymousCognito(cfg, e.Endpoint), admin: awsclient.Cognito(cfg, e.Endpoint)}
}

// opts fills in the clients, the pool and the clock.
func (e *env) opts(kind Kind, client, user string) Options {
	o := Options{Kind: kind, API: e.api, Admin: e.admin, UserPoolID: poolID, ClientID: client, Username: user, Password: password, Now: e.clock.Now}
	if client == secretClient || client == rotatingSec || client == deviceClient {
		o.ClientSecret = clientSecret
	}
	return o
}

func (e *env) flow(t *testing.T, o Options) *Flow {
	t.Helper()
	f, err := New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return f
}

// totpCode is the authenticator's current code.
func (e *env) totpCode(t *testing.T, secret string) string {
	t.Helper()
	code, err := totp.GenerateCode(secret, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// sentCode is the last code the stack "sent" to username.
func (e *env) sentCode(t *testing.T, username string) string {
	t.Helper()
	codes := e.Cognito.SentCodes()
	for i := len(codes) - 1; i >= 0; i-- {
		if codes[i].Username == username {
			return codes[i].Code
		}
	}
	t.Fatalf("no code sent to %s (have %+v)", username, codes)
	return ""
}

func mustTokens(t *testing.T) func(*Result, error) *Tokens {
	t.Helper()
	return func(res *Result, err error) *Tokens {
		t.Helper()
		return checkTokens(t, res, err)
	}
}

func checkTokens(t *testing.T, res *Result, err error) *Tokens {
	t.Helper()
	if err != nil {
		t.Fatalf("flow failed: %v\n%s", err, Diagnose(err))
	}
	if !res.Done() {
		t.Fatalf("no tokens; challenge %+v", res.Challenge)
	}
	return res.Tokens
}

func mustChallenge(t *testing.T, name string) func(*Result, error) *Challenge {
	t.Helper()
	return func(res *Result, err error) *Challenge {
		t.Helper()
		return checkChallenge(t, res, err, name)
	}
}

func checkChallenge(t *testing.T, res *Result, err error, name string) *Challenge {
	t.Helper()
	if err != nil {
		t.Fatalf("flow failed before %s: %v\n%s", name, err, Diagnose(err))
	}
	if res.Challenge == nil || res.Challenge.Name != name {
		t.Fatalf("got %+v, want challenge %s", res, name)
	}
	return res.Challenge
}

func wantAPIError(t *testing.T, err error, typ, msg string) {
	t.Helper()
	ae, ok := APIErrorOf(err)
	if !ok {
		t.Fatalf("err = %v, want %s", err, typ)
	}
	if ae.Type != typ || (msg != "" && ae.Message != msg) {
		t.Fatalf("got %s: %q, want %s: %q", ae.Type, ae.Message, typ, msg)
	}
	if ae.RequestID == "" {
		t.Errorf("no request id on %s", typ)
	}
	var ce *CallError
	if !errors.As(err, &ce) {
		t.Errorf("err is not a *CallError: %T", err)
	}
}

func claimsOf(t *testing.T, tok string) Claims {
	t.Helper()
	c, err := UnverifiedClaims(tok)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func operations(f *Flow) string {
	var ops []string
	for _, s := range f.Trace() {
		ops = append(ops, s.Operation)
	}
	return strings.Join(ops, ",")
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
