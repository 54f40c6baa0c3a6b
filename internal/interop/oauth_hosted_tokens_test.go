package interop

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogscope/cogscope/flows/oauth"
	"github.com/cogscope/cogscope/flows/oauth/oauthtest"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

// scopedVerdictCase is a jwt-verdict.js input line with aws-jwt-verify's
// scope check.
type scopedVerdictCase struct {
	verdictCase
	Scope []string `json:"scope,omitempty"`
}

// Tokens from the local hosted UI carry what a hosted-UI sign-in's carry
// (Cognito protocol §5): the granted scopes with openid, version 2, the
// nonce and an at_hash of the access token, the attributes the scopes
// release; and AWS's own verifier, aws-jwt-verify, accepts them as what
// they are, with its scope check, against the pool's JWKS.
func TestHostedUITokensVerify(t *testing.T) {
	peers(t)
	env := localtest.Start(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	redirect := "http://" + ln.Addr().String() + "/callback"
	out, err := env.CognitoClient().CreateUserPoolClient(context.Background(), &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(cognito.DemoPoolID), ClientName: aws.String("hosted-tokens"),
		AllowedOAuthFlows: []types.OAuthFlowType{"code"}, AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthScopes: []string{"openid", "email", "profile", "cogscope-api/read"}, CallbackURLs: []string{redirect},
		SupportedIdentityProviders: []string{"COGNITO"}, ExplicitAuthFlows: []types.ExplicitAuthFlowsType{"ALLOW_REFRESH_TOKEN_AUTH"},
	})
	if err != nil {
		t.Fatal(err)
	}
	clientID := aws.ToString(out.UserPoolClient.ClientId)
	b := oauthtest.New(map[string]string{"username": cognito.DemoUsername, "password": cognito.DemoPassword})
	c, res, _, err := signInWithBrowser(t, oauth.Options{Issuer: env.Demo.Issuer, ClientID: clientID, RedirectURI: redirect, Listener: ln,
		Scopes: []string{"openid", "email", "cogscope-api/read"}, Timeout: 30 * time.Second, Reveal: true}, b)
	if err != nil {
		t.Fatalf("sign-in: %v\n%+v", err, oauth.Diagnose(err))
	}
	var nonce string
	for _, s := range c.Trace() {
		if s.Operation == oauth.OpPKCE {
			nonce = s.Response["nonce"]
		}
	}

	id, access := hostedClaims(t, res.Tokens.IDToken), hostedClaims(t, res.Tokens.AccessToken)
	sum := sha256.Sum256([]byte(res.Tokens.AccessToken))
	for k, want := range map[string]any{"token_use": "id", "aud": clientID, "iss": env.Demo.Issuer, "nonce": nonce,
		"at_hash": base64.RawURLEncoding.EncodeToString(sum[:16]), "cognito:username": cognito.DemoUsername, "email": "demo@example.com",
		"email_verified": true} {
		if id[k] != want {
			t.Errorf("ID token %s = %v, want %v", k, id[k], want)
		}
	}
	if _, ok := id["name"]; ok {
		t.Errorf("ID token has name without the profile scope: %v", id)
	}
	for k, want := range map[string]any{"token_use": "access", "client_id": clientID, "iss": env.Demo.Issuer,
		"scope": "openid email cogscope-api/read", "version": float64(2), "username": cognito.DemoUsername} {
		if access[k] != want {
			t.Errorf("access token %s = %v, want %v", k, access[k], want)
		}
	}
	if _, ok := access["aud"]; ok {
		t.Errorf("access token has aud: %v", access)
	}

	jwksFile := filepath.Join(t.TempDir(), "jwks.json")
	resp, err := http.Get(env.Demo.JWKSURL)
	if err != nil {
		t.Fatal(err)
	}
	jwks, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(jwksFile, jwks, 0o600); err != nil {
		t.Fatal(err)
	}
	with := func(token string, use any, scope ...string) scopedVerdictCase {
		return scopedVerdictCase{verdictCase: verdictCase{Token: token, UserPoolID: env.Demo.PoolID, ClientID: clientID, TokenUse: use,
			JWKSFile: jwksFile, Issuer: env.Demo.Issuer, Verifier: "rsa"}, Scope: scope}
	}
	cases := []struct {
		name  string
		in    scopedVerdictCase
		valid bool
	}{
		{"ID token", with(res.Tokens.IDToken, "id"), true},
		{"access token with openid", with(res.Tokens.AccessToken, "access", "openid"), true},
		{"access token with the API scope", with(res.Tokens.AccessToken, "access", "cogscope-api/read"), true},
		{"access token for a scope not granted", with(res.Tokens.AccessToken, "access", "cogscope-api/write"), false},
		{"ID token as access", with(res.Tokens.IDToken, "access"), false},
	}
	var stdin bytes.Buffer
	enc := json.NewEncoder(&stdin)
	for _, tc := range cases {
		if err := enc.Encode(tc.in); err != nil {
			t.Fatal(err)
		}
	}
	r := runPeer(t, stdin.Bytes(), "jwt-verdict.js")
	if r.code != 0 {
		t.Fatalf("jwt-verdict.js exit %d: %s", r.code, r.stderr)
	}
	sc := bufio.NewScanner(bytes.NewReader(r.stdout))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	i := 0
	for ; sc.Scan(); i++ {
		var v verdict
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil || i >= len(cases) {
			t.Fatalf("verdict line %q: %v", sc.Text(), err)
		}
		if got := v.Verdict == "valid"; got != cases[i].valid {
			t.Errorf("aws-jwt-verify on %s: %s %+v, want valid=%v", cases[i].name, v.Verdict, v.Error, cases[i].valid)
		}
	}
	if i != len(cases) {
		t.Fatalf("%d verdicts for %d cases; stderr:\n%s", i, len(cases), r.stderr)
	}
}

// hostedClaims decodes a JWT's payload as the wire has it.
func hostedClaims(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %d parts", len(parts))
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}
