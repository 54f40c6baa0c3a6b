package cognito

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestInteropOfficialClients signs in with AWS's own SRP client
// (amazon-cognito-identity-js) against the service and judges the tokens
// with aws-jwt-verify against the served JWKS. It needs Node and the peer
// packages (../shared/peers/README.md): set COGSCOPE_PEERS to the directory
// holding the peer scripts and COGSCOPE_PEERS_MODULES to their
// node_modules. Without them it is skipped; .ci/run sets them.
func TestInteropOfficialClients(t *testing.T) {
	scripts, modules := os.Getenv("COGSCOPE_PEERS"), os.Getenv("COGSCOPE_PEERS_MODULES")
	if scripts == "" || modules == "" {
		t.Skip("COGSCOPE_PEERS and COGSCOPE_PEERS_MODULES not set")
	}
	demo := DemoSeed()
	// The JS client stamps its TIMESTAMP with the real clock.
	e := newEnvWith(t, &demo, func(s *Service) { s.now = time.Now })
	node := func(stdin []byte, args ...string) []byte {
		t.Helper()
		cmd := exec.Command("node", args...)
		cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
		cmd.Stdin = bytes.NewReader(stdin)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil && len(out) == 0 {
			t.Fatalf("node %v: %v\n%s", args, err, stderr.String())
		}
		return out
	}
	type signIn struct {
		OK      bool   `json:"ok"`
		Code    string `json:"code"`
		Message string `json:"message"`
		Tokens  struct {
			IDToken, AccessToken, RefreshToken string
		} `json:"tokens"`
	}
	run := func(args ...string) signIn {
		t.Helper()
		var r signIn
		out := node(nil, append([]string{filepath.Join(scripts, "srp-client.js"), e.srv.URL + "/", DemoPoolID, DemoPublicClientID}, args...)...)
		if err := json.Unmarshal(out, &r); err != nil {
			t.Fatalf("srp-client output %q: %v", out, err)
		}
		return r
	}
	srpOK := run(DemoUsername, DemoPassword)
	if !srpOK.OK {
		t.Fatalf("official SRP client refused: %s %s", srpOK.Code, srpOK.Message)
	}
	if r := run(DemoUsername, "Wr0ng-password"); r.OK || r.Code != "NotAuthorizedException" || r.Message != "Incorrect username or password." {
		t.Errorf("wrong password: %+v", r)
	}
	if r := run(DemoUsername, DemoPassword, "--flow", "USER_PASSWORD_AUTH"); !r.OK {
		t.Errorf("USER_PASSWORD_AUTH: %+v", r)
	}
	if r := run(DemoNewUsername, DemoTempPassword, "--new-password", "Brand-n3w-pass"); !r.OK {
		t.Errorf("NEW_PASSWORD_REQUIRED: %+v", r)
	}

	// The AWS SDK for JavaScript v3 creates a pool, a client and a user,
	// and decodes an error into its typed exception.
	sdkScript := `
const c = require('@aws-sdk/client-cognito-identity-provider');
const client = new c.CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: process.argv[1],
  credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' }, maxAttempts: 1 });
(async () => {
  const pool = await client.send(new c.CreateUserPoolCommand({ PoolName: 'js' }));
  const app = await client.send(new c.CreateUserPoolClientCommand({ UserPoolId: pool.UserPool.Id, ClientName: 'js',
    ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }));
  const user = await client.send(new c.AdminCreateUserCommand({ UserPoolId: pool.UserPool.Id, Username: 'js-user',
    TemporaryPassword: 'Temp0rary!', MessageAction: 'SUPPRESS' }));
  let errName = '';
  try { await client.send(new c.DescribeUserPoolCommand({ UserPoolId: 'us-east-1_Missing12' })); } catch (e) { errName = e.name + ': ' + e.message; }
  console.log(JSON.stringify({ pool: pool.UserPool.Id, created: pool.UserPool.CreationDate instanceof Date,
    client: app.UserPoolClient.ClientId, status: user.User.UserStatus, errName }));
})().catch((e) => { console.log(JSON.stringify({ crash: String(e) })); });`
	var sdk struct {
		Pool, Client, Status, ErrName, Crash string
		Created                              bool
	}
	if err := json.Unmarshal(node(nil, "-e", sdkScript, e.srv.URL), &sdk); err != nil || sdk.Crash != "" {
		t.Fatalf("JS SDK: %v %+v", err, sdk)
	}
	if !poolIDPattern.MatchString(sdk.Pool) || !sdk.Created || len(sdk.Client) != 26 || sdk.Status != "FORCE_CHANGE_PASSWORD" ||
		sdk.ErrName != "ResourceNotFoundException: User pool us-east-1_Missing12 does not exist." {
		t.Errorf("JS SDK saw %+v", sdk)
	}

	jwks := filepath.Join(t.TempDir(), "jwks.json")
	_, body := getJSON(t, e.srv.URL+"/"+DemoPoolID+"/.well-known/jwks.json")
	if err := os.WriteFile(jwks, body, 0o600); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, c := range []struct{ token, use string }{{srpOK.Tokens.IDToken, "id"}, {srpOK.Tokens.AccessToken, "access"}, {srpOK.Tokens.IDToken, "access"}} {
		b, _ := json.Marshal(map[string]any{"token": c.token, "userPoolId": DemoPoolID, "clientId": DemoPublicClientID, "tokenUse": c.use,
			"jwksFile": jwks, "issuer": e.srv.URL + "/" + DemoPoolID, "verifier": "rsa"})
		lines = append(lines, string(b))
	}
	out := node([]byte(strings.Join(lines, "\n")+"\n"), filepath.Join(scripts, "jwt-verdict.js"))
	verdicts := strings.Split(strings.TrimSpace(string(out)), "\n")
	want := []string{"valid", "valid", "invalid"}
	if len(verdicts) != len(want) {
		t.Fatalf("verdicts %s", out)
	}
	for i, v := range verdicts {
		var got struct {
			Verdict string `json:"verdict"`
		}
		_ = json.Unmarshal([]byte(v), &got)
		if got.Verdict != want[i] {
			t.Errorf("token %d: %s, want %s", i, v, want[i])
		}
	}
}
