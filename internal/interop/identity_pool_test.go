package interop

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/identity"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

type identityPoolResult struct {
	OK    bool   `json:"ok"`
	Crash string `json:"crash"`
	Steps []struct {
		Step       string `json:"step"`
		OK         bool   `json:"ok"`
		IdentityID string `json:"identityId"`
		AccessKey  string `json:"accessKeyId"`
		HasSecret  bool   `json:"hasSecret"`
		HasSession bool   `json:"hasSession"`
		Expiration string `json:"expiration"`
		Arn        string `json:"arn"`
		Account    string `json:"account"`
		Error      *struct {
			Name, Message string
			Status        int
		} `json:"error"`
	} `json:"steps"`
}

// TestJSSDKv3IdentityPool has the AWS SDK for JavaScript v3 trade the demo
// user's ID token for credentials through the demo identity pool (and a
// guest's), then ask STS who they are: the JS clients parse the stack's
// identity-pool JSON (Expiration as epoch seconds) and STS's query-protocol
// XML, and sign GetCallerIdentity so that the stack verifies it.
func TestJSSDKv3IdentityPool(t *testing.T) {
	t.Parallel()
	peers(t)
	env := localtest.Start(t)
	auth, err := env.CognitoClient().InitiateAuth(context.Background(), &cip.InitiateAuthInput{
		AuthFlow: ciptypes.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(env.Demo.ClientID),
		AuthParameters: map[string]string{"USERNAME": cognito.DemoUsername, "PASSWORD": cognito.DemoPassword}})
	if err != nil {
		t.Fatal(err)
	}
	stdin := []byte(*auth.AuthenticationResult.IdToken + "\n" + *auth.AuthenticationResult.AccessToken + "\n")
	r := runPeer(t, stdin, "identity-pool.js", env.Endpoint, env.Region, env.Demo.IdentityPoolID, env.Demo.PoolID)
	var out identityPoolResult
	r.decode(t, &out)
	if out.Crash != "" {
		t.Fatalf("identity-pool.js crashed: %s", out.Crash)
	}
	want := map[string]string{
		"GetCallerIdentity user":  "arn:aws:sts::123456789012:assumed-role/cogscope-demo-admins/CognitoIdentityCredentials",
		"GetCallerIdentity guest": "arn:aws:sts::123456789012:assumed-role/cogscope-demo-guest/CognitoIdentityCredentials",
	}
	seen := map[string]bool{}
	for _, s := range out.Steps {
		seen[s.Step] = true
		if !s.OK {
			t.Errorf("step %s failed: %+v", s.Step, s.Error)
			continue
		}
		switch {
		case strings.HasPrefix(s.Step, "GetCredentialsForIdentity"):
			exp, err := time.Parse(time.RFC3339Nano, s.Expiration)
			if !strings.HasPrefix(s.AccessKey, "ASIA") || !s.HasSecret || !s.HasSession || err != nil || time.Until(exp) < 50*time.Minute {
				t.Errorf("%s: %+v (expiration: %v)", s.Step, s, err)
			}
		case strings.HasPrefix(s.Step, "GetCallerIdentity"):
			if s.Arn != want[s.Step] || s.Account != "123456789012" {
				t.Errorf("%s: arn %s account %s, want %s", s.Step, s.Arn, s.Account, want[s.Step])
			}
		case s.Step == "GetId access token":
			if s.Error == nil || s.Error.Message != identity.MsgCouldNotVerify || s.Error.Status != 400 {
				t.Errorf("access token: %+v", s.Error)
			}
		}
	}
	for _, s := range []string{"GetId user", "GetCredentialsForIdentity user", "GetCallerIdentity user", "GetId guest",
		"GetCredentialsForIdentity guest", "GetCallerIdentity guest", "GetId access token"} {
		if !seen[s] {
			t.Errorf("step %s missing", s)
		}
	}
	if !out.OK {
		t.Errorf("identity-pool.js: not ok (exit %d): %s", r.code, r.stderr)
	}
}
