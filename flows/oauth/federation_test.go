package oauth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/flows/oauth/oauthtest"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/hostedui"
)

// federate makes a second pool of the stack ("upstream-idp", user carol)
// an OIDC provider of the demo pool under name, with mapping.
func (s *stackEnv) federate(t *testing.T, name string, mapping map[string]string, issuerSuffix string) {
	t.Helper()
	ctx := context.Background()
	up, err := s.api.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("upstream-" + name)})
	if err != nil {
		t.Fatal(err)
	}
	domain := "up-" + strings.ToLower(name)
	if _, err := s.api.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: up.UserPool.Id, Domain: &domain}); err != nil {
		t.Fatal(err)
	}
	upc, err := s.api.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: up.UserPool.Id, ClientName: aws.String("federation"),
		GenerateSecret: true, AllowedOAuthFlows: []types.OAuthFlowType{"code"}, AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthScopes: []string{"openid", "email"}, CallbackURLs: []string{s.Demo.HostedUI + "/oauth2/idpresponse"},
		SupportedIdentityProviders: []string{"COGNITO"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.api.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: up.UserPool.Id, Username: aws.String("carol"), MessageAction: "SUPPRESS",
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("carol@upstream.example")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.api.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: up.UserPool.Id, Username: aws.String("carol"),
		Password: aws.String("Carol-Passw0rd!"), Permanent: true}); err != nil {
		t.Fatal(err)
	}
	_, err = s.api.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: aws.String(cognito.DemoPoolID), ProviderName: &name,
		ProviderType: types.IdentityProviderTypeTypeOidc, AttributeMapping: mapping, IdpIdentifiers: []string{strings.ToLower(name) + ".idp.test"},
		ProviderDetails: map[string]string{"client_id": *upc.UserPoolClient.ClientId, "client_secret": *upc.UserPoolClient.ClientSecret,
			"oidc_issuer": s.Endpoint + "/" + *up.UserPool.Id + issuerSuffix, "authorize_scopes": "openid email", "attributes_request_method": "GET"}})
	if err != nil {
		t.Fatal(err)
	}
}

func TestLocalStackFederatedPKCE(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	s.federate(t, "Upstream", map[string]string{"email": "email"}, "")
	s.federate(t, "Slashed", map[string]string{"email": "email"}, "/")
	tests := []struct {
		name      string
		opts      func(o *Options)
		diagnosis string // "" for success
	}{
		{"identity_provider", func(o *Options) { o.IdentityProvider = "Upstream" }, ""},
		{"idp_identifier", func(o *Options) { o.IDPIdentifier = "upstream.idp.test" }, ""},
		{"issuer with a trailing slash", func(o *Options) { o.IdentityProvider = "Slashed" }, "oauth.federation.id-token-issuer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cl := s.newClient(t, func(in *cip.CreateUserPoolClientInput) {
				in.SupportedIdentityProviders = []string{"COGNITO", "Upstream", "Slashed"}
			})
			o := Options{ClientID: cl.id, RedirectURI: cl.redirect, Listener: cl.ln, Domain: hostedui.BaseURL(s.Endpoint, cognito.DemoDomain),
				Scopes: []string{"openid", "email"}}
			tc.opts(&o)
			b := oauthtest.New(map[string]string{"username": "carol", "password": "Carol-Passw0rd!"})
			c, res, _, err := s.signIn(t, o, b)
			step := c.RecordBrowserHops(b.Visited)
			if tc.diagnosis != "" {
				if err == nil {
					t.Fatal("signed in, want an error")
				}
				if d := Diagnose(err); d.ID != tc.diagnosis {
					t.Errorf("diagnosis %s (%s), want %s", d.ID, d.Message, tc.diagnosis)
				}
				return
			}
			if err != nil {
				t.Fatalf("federated sign-in: %v (%s)", err, Diagnose(err).Cause)
			}
			if !strings.Contains(step.Title, "Browser hops: authorize → provider → idpresponse (OIDC) → callback") {
				t.Errorf("hops step title %q (visited %v)", step.Title, b.Visited)
			}
			masked := 0
			for k, v := range step.Request {
				if strings.HasSuffix(k, ".code") {
					masked++
					if v != "[redacted]" {
						t.Errorf("%s = %q, want it masked", k, v)
					}
				}
			}
			if masked != 2 { // the provider's code to idpresponse, Cognito's to the callback
				t.Errorf("%d codes in the hops, want 2: %v", masked, step.Request)
			}
			var check *flows.Step
			for _, st := range c.Trace() {
				if st.Operation == OpAuthorizeCheck {
					check = &st
				}
			}
			if check == nil || !strings.Contains(check.Title, "identity provider") || check.Response["provider.redirect_uri"] != s.Demo.HostedUI+"/oauth2/idpresponse" {
				t.Errorf("authorize check does not show the provider hop: %+v", check)
			}
			claims := payload(t, res.Tokens.IDToken)
			if u, _ := claims["cognito:username"].(string); !strings.HasPrefix(u, "Upstream_") {
				t.Errorf("cognito:username %v", claims["cognito:username"])
			}
			if claims["email"] != "carol@upstream.example" {
				t.Errorf("email %v", claims["email"])
			}
			ids, _ := claims["identities"].([]any)
			if len(ids) != 1 || ids[0].(map[string]any)["providerName"] != "Upstream" {
				t.Errorf("identities %v", claims["identities"])
			}
		})
	}
}

func payload(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", tok)
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
