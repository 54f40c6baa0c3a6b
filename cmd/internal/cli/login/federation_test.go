package login

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/flows/oauth/oauthtest"
	"github.com/cogscope/cogscope/internal/local/cognito"
)

// login --flow pkce --identity-provider: through the demo pool's built-in
// upstream (the OIDC provider CogscopeOIDC) with a scripted browser; the
// federated tokens, and `inspect --session id` explaining them.
func TestLoginPKCEFederated(t *testing.T) {
	t.Parallel()
	e := newLoginEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	redirect := "http://" + ln.Addr().String() + "/callback"
	ln.Close()
	out, err := e.stack.CognitoClient().CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(cognito.DemoPoolID), ClientName: aws.String("cli-federated"),
		AllowedOAuthFlows: []types.OAuthFlowType{"code"}, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: []string{"openid", "email"},
		CallbackURLs: []string{redirect}, SupportedIdentityProviders: []string{"COGNITO", cognito.DemoOIDCProvider}})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(out.UserPoolClient.ClientId)
	browse := func(u string) {
		if u == "" {
			return
		}
		b := oauthtest.New(map[string]string{"username": cognito.DemoUpstreamUsername, "password": cognito.DemoUpstreamPassword})
		if p, err := b.Open(ctx, u); err != nil || !strings.Contains(p.Body, "Signed in") {
			t.Errorf("browser: %v; last page %d %q; visited %v", err, p.Status, p.Body, b.Visited)
		}
	}
	r := e.hostedRun(t, ctx, "", browse, "login", "--endpoint", e.stack.Endpoint, "--user-pool-id", cognito.DemoPoolID, "--client-id", id,
		"--flow", "pkce", "--identity-provider", cognito.DemoOIDCProvider, "--no-browser", "--json", "--redirect-uri", redirect, "--timeout", "20s")
	if r.code != cmdutil.ExitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.out, r.errOut)
	}
	doc := decodeLogin(t, r.out)
	if doc.Tokens == nil || doc.Tokens.IDToken == "" {
		t.Fatalf("doc = %+v", doc)
	}
	var check map[string]string
	for _, s := range doc.Trace {
		if s.Operation == "AuthorizeCheck" {
			check = s.Response
		}
	}
	if check["provider.redirect_uri"] != e.stack.Demo.HostedUI+"/oauth2/idpresponse" || check["provider.client_id"] != cognito.DemoUpstreamClientID {
		t.Errorf("the authorize check does not show the hop to the provider: %v", check)
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.Split(doc.Tokens.IDToken, ".")[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(raw, &claims); err != nil {
		t.Fatal(err)
	}
	if u, _ := claims["cognito:username"].(string); !strings.HasPrefix(u, cognito.DemoOIDCProvider+"_") {
		t.Fatalf("cognito:username %v", claims["cognito:username"])
	}

	r = e.run(t, "", false, "inspect", "--session", "id")
	if r.code != cmdutil.ExitOK {
		t.Fatalf("inspect --session id: exit %d\n%s\n%s", r.code, r.out, r.errOut)
	}
	for _, want := range []string{"a federated user: signed in through CogscopeOIDC (OIDC)", "CogscopeOIDC: userId 2e8c4b1a-6d3f-4a9e-8b7c-5f1d0e2a9c44 (primary",
		"Cognito created it on the first sign-in through CogscopeOIDC", cognito.DemoPoolID + "_CogscopeOIDC is the group Cognito adds every user of the CogscopeOIDC identity provider to"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("inspect output lacks %q:\n%s", want, r.out)
		}
	}
}
