package console

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/internal/local/awsjson"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
	"github.com/cogscope/cogscope/ui/service"
)

// providerProfile is a profile "corp" for a pool behind endpoint, naming
// the given identity providers.
func providerProfile(endpoint, poolID string, names ...string) string {
	return clientProfile(endpoint, poolID, "someclient", names...)
}

// clientProfile is providerProfile for the app client clientID.
func clientProfile(endpoint, poolID, clientID string, names ...string) string {
	list := ""
	if len(names) > 0 {
		quoted := make([]string, len(names))
		for i, n := range names {
			quoted[i] = fmt.Sprintf("%q", n)
		}
		list = "identity_providers = [" + strings.Join(quoted, ", ") + "]\n"
	}
	return fmt.Sprintf(`default_profile = "corp"

[profiles.corp]
endpoint     = %q
user_pool_id = %q
client_id    = %q

[profiles.corp.hosted_ui]
callback_url = "http://localhost:8400/callback"
%s`, endpoint, poolID, clientID, list)
}

// The hosted-UI flow's providers for a target the console did not start:
// the pool's own list through ListIdentityProviders (every page) with
// credentials, the profile's list without them or when refused, and why.
func TestConsoleProvidersOfATarget(t *testing.T) {
	t.Parallel()
	le := localtest.Start(t)
	ctx := context.Background()

	// A pool of its own with more providers than one page holds, made
	// through the API as on AWS.
	cl := le.CognitoClient()
	pool, err := cl.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("corp")})
	if err != nil {
		t.Fatal(err)
	}
	poolID := aws.ToString(pool.UserPool.Id)
	var created []string
	for i := range 62 {
		name := fmt.Sprintf("Okta%02d", i)
		_, err := cl.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: &poolID, ProviderName: &name,
			ProviderType: types.IdentityProviderTypeTypeOidc, ProviderDetails: map[string]string{"client_id": "c", "authorize_scopes": "openid",
				"oidc_issuer": "https://issuer.example", "attributes_request_method": "GET"}})
		if err != nil {
			t.Fatal(err)
		}
		created = append(created, name)
	}

	// An app client that supports two of them (and the pool's own
	// sign-in): only those are offered for it.
	supported := []string{"Okta03", "Okta41"}
	cc, err := cl.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("web"),
		SupportedIdentityProviders: append([]string{"COGNITO"}, supported...), CallbackURLs: []string{"http://localhost:8400/callback"},
		AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode}, AllowedOAuthScopes: []string{"openid"}, AllowedOAuthFlowsUserPoolClient: true})
	if err != nil {
		t.Fatal(err)
	}
	webClient := aws.ToString(cc.UserPoolClient.ClientId)

	// An "AWS" that refuses the caller's credentials.
	denied := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		awsjson.WriteError(w, &awsjson.Error{Type: "AccessDeniedException", Status: http.StatusForbidden,
			Message: "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: cognito-idp:ListIdentityProviders"})
	}))
	t.Cleanup(denied.Close)

	withCreds := func(context.Context, *cmdutil.Factory, cmdutil.Target) (aws.Config, error) {
		return le.AWSConfig(), nil
	}
	noCreds := func(context.Context, *cmdutil.Factory, cmdutil.Target) (aws.Config, error) {
		cfg := le.AWSConfig()
		cfg.Credentials = aws.AnonymousCredentials{}
		return cfg, nil
	}
	tests := []struct {
		name   string
		config string
		awsCfg func(context.Context, *cmdutil.Factory, cmdutil.Target) (aws.Config, error)
		want   []string
		from   string
		unread []string // substrings of ProvidersUnread; nil: read
	}{
		{"credentials: the pool's list, every page", providerProfile(le.Endpoint, poolID, "FromProfile"), withCreds,
			created, "ListIdentityProviders", nil},
		{"credentials: the providers the app client supports", clientProfile(le.Endpoint, poolID, webClient), withCreds,
			supported, "ListIdentityProviders", nil},
		{"credentials: the demo pool", providerProfile(le.Endpoint, cognito.DemoPoolID), withCreds,
			[]string{cognito.DemoOIDCProvider, cognito.DemoSAMLProvider}, "ListIdentityProviders", nil},
		{"no credentials: the profile's list", providerProfile(le.Endpoint, poolID, "FromProfile", "Other"), noCreds,
			[]string{"FromProfile", "Other"}, "profile corp", []string{"no AWS credentials"}},
		{"no credentials, none in the profile", providerProfile(le.Endpoint, poolID), noCreds,
			nil, "", []string{"no AWS credentials", "profile corp names none (hosted_ui.identity_providers)"}},
		{"access denied: the profile's list", providerProfile(denied.URL, poolID, "FromProfile"), withCreds,
			[]string{"FromProfile"}, "profile corp", []string{"AccessDeniedException (the credentials lack permission: cognito-idp:ListIdentityProviders)", "is not authorized"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newConsoleEnv(t, tc.config)
			f := e.factory(cmdutil.GlobalOptions{})
			f.AWSConfigFunc = tc.awsCfg
			c, err := newConsole(ctx, f, cmdutil.TargetFlags{})
			if err != nil {
				t.Fatal(err)
			}
			defer c.close()
			opts := c.options()
			if opts.Providers == nil {
				t.Fatal("the console gives the view no way to read the providers")
			}
			got := opts.Providers(ctx)
			if !slices.Equal(got.Names, tc.want) || got.From != tc.from {
				t.Errorf("providers %v from %q, want %v from %q (unread %q)", got.Names, got.From, tc.want, tc.from, got.Unread)
			}
			if tc.unread == nil && got.Unread != "" {
				t.Errorf("unread %q, want the pool read", got.Unread)
			}
			for _, w := range tc.unread {
				if !strings.Contains(got.Unread, w) {
					t.Errorf("unread %q lacks %q", got.Unread, w)
				}
			}
		})
	}
}

// The view's target takes the list as it is.
func TestProviderListFillsTheTarget(t *testing.T) {
	t.Parallel()
	var tg service.Target
	tg.SetProviders(service.ProviderList{Names: []string{"A"}, From: "profile x", Unread: "why"})
	if !slices.Equal(tg.IdentityProviders, []string{"A"}) || tg.ProvidersFrom != "profile x" || tg.ProvidersUnread != "why" {
		t.Fatalf("%+v", tg)
	}
}
