package cognito

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"go.yaml.in/yaml/v3"

	"github.com/cogscope/cogscope/internal/awsclient"
)

func TestSnapshotRestore(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	var changes atomic.Int32
	e.svc.OnChange(func() { changes.Add(1) })
	r := must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(DemoPublicClientID, DemoUsername, DemoPassword, nil)).AuthenticationResult
	if changes.Load() == 0 {
		t.Error("a sign-in (new refresh token) did not report a change")
	}
	before := changes.Load()
	must[*cip.DescribeUserPoolOutput](t)(e.client.DescribeUserPool(e.ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(DemoPoolID)}))
	if changes.Load() != before {
		t.Error("a read reported a change")
	}
	must[*cip.AdminCreateUserOutput](t)(e.client.AdminCreateUser(e.ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(DemoPoolID),
		Username: aws.String("kept"), TemporaryPassword: aws.String("Temp0rary!"), MessageAction: types.MessageActionTypeSuppress}))
	if changes.Load() == before {
		t.Error("AdminCreateUser did not report a change")
	}

	snap := must[[]byte](t)(e.svc.Snapshot())
	// Passwords set through the API and refresh tokens never reach the
	// state file (only seed passwords, kept for Describe, do).
	for _, secret := range []string{"Temp0rary!", *r.RefreshToken} {
		if strings.Contains(string(snap), secret) {
			t.Errorf("snapshot contains a secret %.20q", secret)
		}
	}
	if !strings.Contains(string(snap), DemoClientSecret) {
		t.Error("snapshot lost the client secret")
	}

	// A new service restored from the snapshot serves the same pool, keys,
	// users and refresh tokens.
	clock := newFakeClock()
	svc2 := New(Options{Now: clock.Now, NewKey: testKey})
	srv2 := httptest.NewServer(svc2)
	defer srv2.Close()
	svc2.baseURL = func() string { return srv2.URL }
	if err := svc2.Restore(snap); err != nil {
		t.Fatal(err)
	}
	c2 := awsclient.Cognito(awsclient.Static("us-east-1", nil), srv2.URL)
	if _, err := c2.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeRefreshTokenAuth, ClientId: aws.String(DemoPublicClientID),
		AuthParameters: map[string]string{"REFRESH_TOKEN": *r.RefreshToken}}); err != nil {
		t.Errorf("refresh after restore: %v", err)
	}
	if _, err := c2.GetUser(e.ctx, &cip.GetUserInput{AccessToken: r.AccessToken}); err != nil {
		t.Errorf("old access token after restore: %v", err)
	}
	out, err := c2.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(DemoPublicClientID),
		AuthParameters: map[string]string{"USERNAME": "kept", "PASSWORD": "Temp0rary!"}})
	if err != nil || out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Errorf("restored user: %v %+v", err, out)
	}
	// The demo seed has two pools: the demo and its built-in upstream IdP.
	if got := svc2.Describe(); len(got) != 2 || got[0].ID != DemoPoolID || got[1].Name != DemoUpstreamPoolName {
		t.Errorf("Describe after restore %+v", got)
	}
	for _, bad := range []string{"", "{", `{"version":99}`, `{"version":1,"pools":{"x":{"id":"y"}}}`} {
		if err := svc2.Restore([]byte(bad)); err == nil {
			t.Errorf("Restore(%q) succeeded", bad)
		}
	}
	// A failed restore leaves the state alone.
	if got := svc2.Describe(); len(got) != 2 {
		t.Errorf("state changed by a failed restore")
	}
}

func TestDescribe(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	info := e.svc.Describe()
	b, _ := json.Marshal(info)
	var generic []map[string]any
	_ = json.Unmarshal(b, &generic)
	if len(info) != 2 || info[0].Issuer != e.srv.URL+"/"+DemoPoolID || len(info[0].Clients) != 5 || info[1].Name != DemoUpstreamPoolName {
		t.Fatalf("%s", b)
	}
	for _, k := range []string{"id", "name", "issuer", "clients", "users"} {
		if _, ok := generic[0][k]; !ok {
			t.Errorf("PoolInfo JSON lacks %q: %s", k, b)
		}
	}
	secretFlags := map[string]bool{}
	for _, c := range info[0].Clients {
		secretFlags[c.ID] = c.HasSecret
	}
	if !secretFlags[DemoSecretClientID] || secretFlags[DemoPublicClientID] {
		t.Errorf("hasSecret %v", secretFlags)
	}
	users := map[string]string{}
	for _, u := range info[0].Users {
		users[u.Username] = u.Password
	}
	if users[DemoUsername] != DemoPassword || users[DemoNewUsername] != DemoTempPassword {
		t.Errorf("users %v", users)
	}
}

func TestSeedFromYAMLAndMerge(t *testing.T) {
	t.Parallel()
	doc := `
userPools:
  - id: us-east-1_YamlPool1
    name: yaml
    mfa: OPTIONAL
    mfaTypes: [SOFTWARE_TOKEN_MFA]
    clients:
      - id: yamlclient
        name: app
        explicitAuthFlows: [ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
        accessTokenValidity: 2
    groups:
      - name: staff
        precedence: 3
    users:
      - username: yuki
        password: Yaml-pass1
        groups: [staff]
        attributes: {email: yuki@example.com}
`
	var seed Seed
	if err := yaml.Unmarshal([]byte(doc), &seed); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, &seed)
	r := must[*cip.InitiateAuthOutput](t)(e.passwordSignIn("yamlclient", "yuki", "Yaml-pass1", nil)).AuthenticationResult
	if r.ExpiresIn != 7200 {
		t.Errorf("ExpiresIn %d, want 2 hours", r.ExpiresIn)
	}
	// Applying again merges: nothing is duplicated, a changed password stays.
	must[*cip.AdminSetUserPasswordOutput](t)(e.client.AdminSetUserPassword(e.ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String("us-east-1_YamlPool1"),
		Username: aws.String("yuki"), Password: aws.String("Changed-pass1"), Permanent: true}))
	if err := e.svc.ApplySeed(seed); err != nil {
		t.Fatal(err)
	}
	if _, err := e.passwordSignIn("yamlclient", "yuki", "Changed-pass1", nil); err != nil {
		t.Errorf("re-applying the seed reset the password: %v", err)
	}
}

func TestSeedValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	for name, seed := range map[string]PoolSeed{
		"no name":          {ID: "us-east-1_NoName123"},
		"bad id":           {ID: "nope", Name: "x"},
		"bad mfa":          {Name: "x", MFA: "SOMETIMES"},
		"mfa without type": {Name: "x", MFA: "ON"},
		"bad flow":         {Name: "x", Clients: []ClientSeed{{Name: "c", ExplicitAuthFlows: []string{"ALLOW_ALL"}}}},
		"unknown group":    {Name: "x", Users: []UserSeed{{Username: "u", Groups: []string{"ghosts"}}}},
		"bad status":       {Name: "x", Users: []UserSeed{{Username: "u", Status: "HAPPY"}}},
		"bad totp secret":  {Name: "x", Users: []UserSeed{{Username: "u", TOTPSecret: "not base32!"}}},
		"empty rounds":     {Name: "x", CustomChallenges: []CustomChallengeSeed{{}}},
		"both name kinds":  {Name: "x", UsernameAttributes: []string{"email"}, AliasAttributes: []string{"email"}},
	} {
		if err := e.svc.ApplySeed(Seed{UserPools: []PoolSeed{seed}}); err == nil {
			t.Errorf("%s: ApplySeed succeeded", name)
		}
	}
}

// TestStateFileHoldsNoSeedPassword: the snapshot keeps no password in
// clear text, and a restored demo pool still describes its demo
// credentials (found again by checking them against the verifier).
func TestStateFileHoldsNoSeedPassword(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	snap := must[[]byte](t)(e.svc.Snapshot())
	if bytes.Contains(snap, []byte(DemoPassword)) || bytes.Contains(snap, []byte("seedPassword")) {
		t.Fatal("the snapshot holds the seed password in clear text")
	}
	restored := New(Options{NewKey: testKey})
	if err := restored.Restore(snap); err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, p := range restored.Describe() {
		for _, u := range p.Users {
			if u.Username == DemoUsername && u.Password == DemoPassword {
				found = true
			}
		}
	}
	if !found {
		t.Fatal("the restored demo pool no longer describes the demo credentials")
	}
}
