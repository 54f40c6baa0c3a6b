package doctor_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	apigatewayv2types "github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogscope/cogscope/internal/apiconfig"
	"github.com/cogscope/cogscope/internal/doctor"
	"github.com/cogscope/cogscope/internal/local/apigw"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

const (
	httpID = "doctorhttp"
	restID = "doctorrest"
)

// soundAPIs is an HTTP and a REST API that trust the demo pool and its
// public client, with access logs.
func soundAPIs() apigw.Seed {
	return apigw.Seed{
		HTTPAPIs: []apigw.HTTPAPISeed{{ID: httpID, Name: "doctor-http", AccessLogGroup: "doctor-http-access",
			Authorizers: []apigw.HTTPAuthorizerSeed{
				{ID: "jwt0001", Name: "jwt", Type: "JWT", UserPoolID: cognito.DemoPoolID, Audience: []string{cognito.DemoPublicClientID}},
				{ID: "lam0001", Name: "lambda", Type: "REQUEST", Function: apigw.DemoAdminsFunction, PayloadFormatVersion: "2.0", SimpleResponses: true,
					ResultTTLSeconds: 300, IdentitySource: []string{"$request.header.Authorization", "$context.routeKey"}},
			},
			Routes: []apigw.HTTPRouteSeed{
				{RouteKey: "GET /private", Authorizer: "jwt"},
				{RouteKey: "GET /me", Authorizer: "jwt", Scopes: []string{"aws.cognito.signin.user.admin"}},
				{RouteKey: "GET /admin", Authorizer: "lambda"},
				{RouteKey: "GET /admin2", Authorizer: "lambda"},
			}}},
		RestAPIs: []apigw.RestAPISeed{{ID: restID, Name: "doctor-rest", AccessLogGroup: "doctor-rest-access",
			Authorizers: []apigw.RestAuthorizerSeed{{Name: "pool", Type: "COGNITO_USER_POOLS", UserPoolIDs: []string{cognito.DemoPoolID}}},
			Methods: []apigw.RestMethodSeed{
				{Method: "GET", Path: "/profile", Authorizer: "pool"},
				{Method: "GET", Path: "/orders", Authorizer: "pool", Scopes: []string{"aws.cognito.signin.user.admin"}},
			}}},
	}
}

type fixture struct {
	t   testing.TB
	env *localtest.Env
	cip *cip.Client
	v2  *apigatewayv2.Client
	tg  doctor.Target
	api bool
}

func start(t testing.TB, seed *apigw.Seed) *fixture {
	t.Helper()
	s := soundAPIs()
	if seed != nil {
		s = *seed
	}
	env := localtest.Start(t, localtest.WithAPISeed(s))
	return &fixture{t: t, env: env, cip: env.CognitoClient(), v2: env.APIGatewayV2Client(),
		tg: doctor.Target{Region: env.Region, PoolID: cognito.DemoPoolID, ClientID: cognito.DemoPublicClientID, Issuer: env.Demo.Issuer, Flow: "srp"}}
}

// reseed replaces the stack with one serving these APIs.
func (f *fixture) reseed(seed apigw.Seed) {
	f.t.Helper()
	n := start(f.t, &seed)
	n.tg.Flow, n.tg.ClientID, n.tg.Scopes, n.tg.RedirectURI, n.tg.SecretKnown = f.tg.Flow, f.tg.ClientID, f.tg.Scopes, f.tg.RedirectURI, f.tg.SecretKnown
	n.api = f.api
	*f = *n
}

func (f *fixture) client(in cip.CreateUserPoolClientInput) string {
	f.t.Helper()
	if in.UserPoolId == nil {
		in.UserPoolId = aws.String(f.tg.PoolID)
	}
	if in.ClientName == nil {
		in.ClientName = aws.String("doctor")
	}
	out, err := f.cip.CreateUserPoolClient(context.Background(), &in)
	if err != nil {
		f.t.Fatalf("CreateUserPoolClient: %v", err)
	}
	return *out.UserPoolClient.ClientId
}

func (f *fixture) pool(in cip.CreateUserPoolInput) string {
	f.t.Helper()
	in.PoolName = aws.String("doctor-pool")
	out, err := f.cip.CreateUserPool(context.Background(), &in)
	if err != nil {
		f.t.Fatalf("CreateUserPool: %v", err)
	}
	return *out.UserPool.Id
}

func (f *fixture) updateAuthorizer(in apigatewayv2.UpdateAuthorizerInput) {
	f.t.Helper()
	in.ApiId = aws.String(httpID)
	if _, err := f.v2.UpdateAuthorizer(context.Background(), &in); err != nil {
		f.t.Fatalf("UpdateAuthorizer: %v", err)
	}
}

func (f *fixture) run() doctor.Report {
	f.t.Helper()
	cfg, err := doctor.Read(context.Background(), doctor.Clients{Cognito: f.cip,
		API: apiconfig.Clients{HTTP: f.v2, REST: f.env.APIGatewayClient()}},
		f.tg, doctor.ReadOptions{ReadAPI: f.api, API: apiconfig.Options{APIIDs: []string{httpID, restID}, Endpoint: f.env.Endpoint}})
	if err != nil {
		f.t.Fatalf("Read: %v", err)
	}
	if len(cfg.Unread) > 0 {
		f.t.Fatalf("Unread: %+v", cfg.Unread)
	}
	return doctor.Run(f.tg, cfg)
}

// worst is the worst status of a rule's findings, and their text.
func worst(r doctor.Report, name string) (doctor.Status, string) {
	rank := map[doctor.Status]int{doctor.StatusOK: 1, doctor.StatusWarn: 2, doctor.StatusFail: 3, doctor.StatusSkipped: 0}
	var st doctor.Status
	var text []string
	for _, c := range r.Checks {
		if c.Name != name {
			continue
		}
		text = append(text, string(c.Status)+": "+c.Subject+" "+c.Detail+" | "+c.Error)
		if st == "" || rank[c.Status] > rank[st] {
			st = c.Status
		}
	}
	return st, strings.Join(text, "\n")
}

func TestRulesOnTheLocalStack(t *testing.T) {
	t.Parallel()
	enabled := types.PreventUserExistenceErrorTypesEnabled
	cases := []struct {
		rule  string
		setup func(f *fixture)
		want  doctor.Status
		text  string // a fragment the findings must hold
	}{
		{"client.auth-flow", func(f *fixture) {}, doctor.StatusOK, "ALLOW_USER_SRP_AUTH"},
		{"client.auth-flow", func(f *fixture) {
			f.tg.ClientID = f.client(cip.CreateUserPoolClientInput{ExplicitAuthFlows: []types.ExplicitAuthFlowsType{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}})
		}, doctor.StatusFail, "USER_SRP_AUTH is not enabled for the client."},
		{"client.auth-flow", func(f *fixture) {
			f.tg.Flow = "custom"
			f.tg.ClientID = f.client(cip.CreateUserPoolClientInput{ExplicitAuthFlows: []types.ExplicitAuthFlowsType{"ALLOW_USER_SRP_AUTH"}})
		}, doctor.StatusFail, "ALLOW_CUSTOM_AUTH"},
		{"client.secret", func(f *fixture) {}, doctor.StatusOK, "no secret"},
		{"client.secret", func(f *fixture) { f.tg.ClientID = cognito.DemoSecretClientID }, doctor.StatusFail, "is configured for secret but secret was not received"},
		{"client.secret", func(f *fixture) { f.tg.ClientID, f.tg.SecretKnown = cognito.DemoSecretClientID, true }, doctor.StatusWarn, "amazon-cognito-identity-js"},
		{"pool.alias-secret-hash", func(f *fixture) {}, doctor.StatusOK, ""},
		{"pool.alias-secret-hash", func(f *fixture) { f.tg.ClientID, f.tg.SecretKnown = cognito.DemoSecretClientID, true }, doctor.StatusWarn, "Unable to verify secret hash"},
		{"client.refresh-rotation", func(f *fixture) {}, doctor.StatusOK, ""},
		{"client.refresh-rotation", func(f *fixture) { f.tg.ClientID = cognito.DemoRotateClientID }, doctor.StatusWarn, "REFRESH_TOKEN_AUTH is not supported"},
		{"client.refresh-rotation", func(f *fixture) { f.tg.ClientID, f.tg.Flow = cognito.DemoRotateClientID, "refresh-token" }, doctor.StatusFail, "rotation"},
		{"hosted.domain", func(f *fixture) { f.tg.Flow = "pkce" }, doctor.StatusOK, cognito.DemoDomain},
		{"hosted.domain", func(f *fixture) {
			f.tg.Flow = "pkce"
			f.tg.PoolID = f.pool(cip.CreateUserPoolInput{})
			f.tg.ClientID = f.client(cip.CreateUserPoolClientInput{})
		}, doctor.StatusFail, "no domain"},
		{"hosted.grant", func(f *fixture) { f.tg.Flow = "pkce" }, doctor.StatusOK, "code"},
		{"hosted.grant", func(f *fixture) {
			f.tg.Flow = "pkce"
			f.tg.ClientID = f.client(cip.CreateUserPoolClientInput{})
		}, doctor.StatusFail, "unauthorized_client"},
		{"hosted.grant", func(f *fixture) { f.tg.Flow = "client-credentials" }, doctor.StatusFail, "client_credentials"},
		{"hosted.callback-url", func(f *fixture) { f.tg.Flow, f.tg.RedirectURI = "pkce", "http://localhost:8765/callback" }, doctor.StatusOK, "registered"},
		{"hosted.callback-url", func(f *fixture) { f.tg.Flow, f.tg.RedirectURI = "pkce", "http://localhost:8765/callback/" }, doctor.StatusFail, "trailing slash"},
		{"hosted.callback-url", func(f *fixture) { f.tg.Flow, f.tg.RedirectURI = "pkce", "http://127.0.0.1:8765/callback" }, doctor.StatusFail, "localhost and 127.0.0.1"},
		{"hosted.scopes", func(f *fixture) { f.tg.Flow, f.tg.Scopes = "pkce", []string{"openid", "email"} }, doctor.StatusOK, ""},
		{"hosted.scopes", func(f *fixture) { f.tg.Flow, f.tg.Scopes = "pkce", []string{"openid", "cogscope-api/read"} }, doctor.StatusFail, "invalid_scope"},
		{"hosted.scopes", func(f *fixture) { f.tg.Flow, f.tg.Scopes = "pkce", []string{"aws.cognito.signin.user.admin"} }, doctor.StatusWarn, "no ID token"},
		{"client.prevent-user-existence-errors", func(f *fixture) {
			f.tg.ClientID = f.client(cip.CreateUserPoolClientInput{PreventUserExistenceErrors: enabled})
		}, doctor.StatusOK, ""},
		{"client.prevent-user-existence-errors", func(f *fixture) {
			f.tg.ClientID = f.client(cip.CreateUserPoolClientInput{PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesLegacy})
		}, doctor.StatusWarn, "User does not exist."},
		{"pool.mfa", func(f *fixture) {}, doctor.StatusOK, "OPTIONAL"},
		{"pool.mfa", func(f *fixture) {
			f.tg.PoolID = f.pool(cip.CreateUserPoolInput{MfaConfiguration: types.UserPoolMfaTypeOn})
			f.tg.ClientID = f.client(cip.CreateUserPoolClientInput{})
		}, doctor.StatusFail, "no factor"},
		{"pool.mfa-users", func(f *fixture) {}, doctor.StatusOK, "sampled users"},
		{"pool.mfa-users", func(f *fixture) {
			f.tg.PoolID = f.pool(cip.CreateUserPoolInput{})
			f.tg.ClientID = f.client(cip.CreateUserPoolClientInput{})
			ctx := context.Background()
			if _, err := f.cip.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(f.tg.PoolID), MfaConfiguration: types.UserPoolMfaTypeOn,
				SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}}); err != nil {
				f.t.Fatal(err)
			}
			if _, err := f.cip.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(f.tg.PoolID), Username: aws.String("bob"), MessageAction: "SUPPRESS"}); err != nil {
				f.t.Fatal(err)
			}
		}, doctor.StatusWarn, "MFA_SETUP"},
		{"pool.mfa-users", func(f *fixture) {
			f.tg.PoolID = f.pool(cip.CreateUserPoolInput{MfaConfiguration: types.UserPoolMfaTypeOn})
			f.tg.ClientID = f.client(cip.CreateUserPoolClientInput{})
			if _, err := f.cip.AdminCreateUser(context.Background(), &cip.AdminCreateUserInput{UserPoolId: aws.String(f.tg.PoolID), Username: aws.String("bob"), MessageAction: "SUPPRESS"}); err != nil {
				f.t.Fatal(err)
			}
		}, doctor.StatusFail, "cannot enrol them"},
		{"pool.mfa-users", func(f *fixture) {
			if _, err := f.cip.SetUserPoolMfaConfig(context.Background(), &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(f.tg.PoolID),
				SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: false}}); err != nil {
				f.t.Fatal(err)
			}
		}, doctor.StatusWarn, "mfa-demo (SOFTWARE_TOKEN_MFA) prefer a factor the pool no longer enables"},
		{"client.token-validity", func(f *fixture) {}, doctor.StatusOK, ""},
		{"client.token-validity", func(f *fixture) {
			f.tg.ClientID = f.client(cip.CreateUserPoolClientInput{AccessTokenValidity: aws.Int32(5), IdTokenValidity: aws.Int32(60),
				TokenValidityUnits: &types.TokenValidityUnitsType{AccessToken: types.TimeUnitsTypeMinutes, IdToken: types.TimeUnitsTypeMinutes}})
		}, doctor.StatusWarn, "expire in flight"},
		{"client.token-validity", func(f *fixture) {
			f.tg.ClientID = f.client(cip.CreateUserPoolClientInput{AccessTokenValidity: aws.Int32(1), IdTokenValidity: aws.Int32(1), RefreshTokenValidity: 60,
				TokenValidityUnits: &types.TokenValidityUnitsType{AccessToken: types.TimeUnitsTypeHours, IdToken: types.TimeUnitsTypeHours, RefreshToken: types.TimeUnitsTypeMinutes}})
		}, doctor.StatusFail, "does not outlive"},
		{"api.issuer", func(f *fixture) { f.api = true }, doctor.StatusOK, ""},
		{"api.issuer", func(f *fixture) {
			f.api = true
			f.updateAuthorizer(apigatewayv2.UpdateAuthorizerInput{AuthorizerId: aws.String("jwt0001"),
				JwtConfiguration: &apigatewayv2types.JWTConfiguration{Issuer: aws.String(f.env.Demo.Issuer + "/"), Audience: []string{cognito.DemoPublicClientID}}})
		}, doctor.StatusFail, "trailing slash"},
		{"api.issuer", func(f *fixture) {
			f.api = true
			f.updateAuthorizer(apigatewayv2.UpdateAuthorizerInput{AuthorizerId: aws.String("jwt0001"),
				JwtConfiguration: &apigatewayv2types.JWTConfiguration{Issuer: aws.String("https://cognito-idp.eu-west-1.amazonaws.com/" + cognito.DemoPoolID), Audience: []string{cognito.DemoPublicClientID}}})
		}, doctor.StatusFail, "region eu-west-1"},
		{"api.audience", func(f *fixture) { f.api = true }, doctor.StatusOK, ""},
		{"api.audience", func(f *fixture) { f.api, f.tg.ClientID = true, cognito.DemoSecretClientID }, doctor.StatusFail, "does not have a valid audience"},
		{"api.scopes", func(f *fixture) { f.api = true }, doctor.StatusOK, ""},
		{"api.scopes", func(f *fixture) {
			f.api = true
			if _, err := f.v2.CreateRoute(context.Background(), &apigatewayv2.CreateRouteInput{ApiId: aws.String(httpID), RouteKey: aws.String("GET /orders"),
				AuthorizationType: apigatewayv2types.AuthorizationTypeJwt, AuthorizerId: aws.String("jwt0001"), AuthorizationScopes: []string{"cogscope-api/read"}}); err != nil {
				f.t.Fatalf("CreateRoute: %v", err)
			}
		}, doctor.StatusFail, "issue only aws.cognito.signin.user.admin"},
		{"api.rest-token-kind", func(f *fixture) { f.api = true }, doctor.StatusOK, "takes the ID token"},
		{"api.identity-validation", func(f *fixture) { f.api = true }, doctor.StatusOK, ""},
		{"api.identity-validation", func(f *fixture) {
			f.api = true
			seed := soundAPIs()
			seed.RestAPIs[0].Authorizers[0].IdentityValidationExpression = "cogscope.*"
			f.reseed(seed)
		}, doctor.StatusFail, "every access token fails"},
		{"api.lambda-cache", func(f *fixture) { f.api = true }, doctor.StatusOK, ""},
		{"api.lambda-cache", func(f *fixture) {
			f.api = true
			f.updateAuthorizer(apigatewayv2.UpdateAuthorizerInput{AuthorizerId: aws.String("lam0001"), IdentitySource: []string{"$request.header.Authorization"}})
		}, doctor.StatusWarn, "does not vary with the route"},
		{"api.access-log", func(f *fixture) { f.api = true }, doctor.StatusOK, ""},
		{"api.access-log", func(f *fixture) {
			f.api = true
			seed := soundAPIs()
			seed.HTTPAPIs[0].AccessLogGroup = ""
			f.reseed(seed)
		}, doctor.StatusWarn, "no access log"},
	}
	for _, c := range cases {
		t.Run(c.rule+"/"+string(c.want), func(t *testing.T) {
			t.Parallel()
			f := start(t, nil)
			c.setup(f)
			if f.env == nil {
				return
			}
			st, text := worst(f.run(), c.rule)
			if st != c.want || !strings.Contains(text, c.text) {
				t.Errorf("%s = %s, want %s with %q:\n%s", c.rule, st, c.want, c.text, text)
			}
		})
	}
}
