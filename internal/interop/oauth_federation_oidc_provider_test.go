package interop

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

	"github.com/cogscope/cogscope/flows/oauth"
	"github.com/cogscope/cogscope/flows/oauth/oauthtest"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

// The local stack's hosted UI federated with oidc-provider, a certified
// OpenID provider we did not write, as the upstream IdP: discovery, its
// login and consent pages, the code redeemed with PKCE by a public
// client, the ID token verified with go-oidc, userInfo; then our
// hosted-UI client gets the pool's tokens for the federated user.
func TestFederationWithOIDCProviderUpstream(t *testing.T) {
	env := localtest.Start(t)
	op := startOIDCProvider(t, env.Demo.HostedUI+"/oauth2/idpresponse")
	api := env.CognitoClient()
	ctx := context.Background()
	_, err := api.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: aws.String(cognito.DemoPoolID),
		ProviderName: aws.String("PanvaOP"), ProviderType: types.IdentityProviderTypeTypeOidc,
		ProviderDetails: map[string]string{"client_id": op.clientID, "oidc_issuer": op.issuer,
			"authorize_scopes": "openid email profile", "attributes_request_method": "GET"},
		AttributeMapping: map[string]string{"email": "email", "email_verified": "email_verified", "name": "name"}})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	redirect := "http://" + ln.Addr().String() + "/callback"
	cl, err := api.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(cognito.DemoPoolID), ClientName: aws.String("fed"),
		AllowedOAuthFlows: []types.OAuthFlowType{"code"}, AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthScopes: []string{"openid", "email", "profile"}, CallbackURLs: []string{redirect},
		SupportedIdentityProviders: []string{"COGNITO", "PanvaOP"}})
	if err != nil {
		t.Fatal(err)
	}
	b := oauthtest.New(map[string]string{"login": "dana", "password": "any"})
	c, res, _, err := signInWithBrowser(t, oauth.Options{Issuer: env.Demo.Issuer, ClientID: *cl.UserPoolClient.ClientId, RedirectURI: redirect,
		Listener: ln, Scopes: []string{"openid", "email", "profile"}, IdentityProvider: "PanvaOP", Timeout: 30 * time.Second}, b)
	if err != nil {
		t.Fatalf("federated sign-in: %v\ndiagnosis: %s\nvisited: %v", err, oauth.Diagnose(err).Cause, b.Visited)
	}
	hops := c.RecordBrowserHops(b.Visited)
	if !strings.HasPrefix(hops.Title, "Browser hops: authorize → provider → idpresponse (OIDC) → callback") {
		t.Errorf("hops: %s (visited %v)", hops.Title, b.Visited)
	}
	parts := strings.Split(res.Tokens.IDToken, ".")
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(raw, &claims); err != nil {
		t.Fatal(err)
	}
	if claims["cognito:username"] != "PanvaOP_dana" || claims["email"] != "dana@example.com" || claims["name"] != "dana" || claims["email_verified"] != true {
		t.Errorf("claims %v", claims)
	}
	ids, _ := claims["identities"].([]any)
	if len(ids) != 1 || ids[0].(map[string]any)["providerType"] != "OIDC" || ids[0].(map[string]any)["userId"] != "dana" {
		t.Errorf("identities %v", claims["identities"])
	}
	if g, _ := claims["cognito:groups"].([]any); len(g) != 1 || g[0] != cognito.DemoPoolID+"_PanvaOP" {
		t.Errorf("cognito:groups %v", claims["cognito:groups"])
	}
}
