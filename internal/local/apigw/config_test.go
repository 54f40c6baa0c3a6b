package apigw_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	agtypes "github.com/aws/aws-sdk-go-v2/service/apigateway/types"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	v2types "github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/aws/smithy-go"
	"github.com/cogscope/cogscope/internal/local/apigw"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

func TestHTTPAPIConfigThroughTheSDK(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	ctx := context.Background()
	c := env.APIGatewayV2Client()
	apis, err := c.GetApis(ctx, &apigatewayv2.GetApisInput{})
	if err != nil {
		t.Fatalf("GetApis: %v", err)
	}
	if len(apis.Items) != 1 || aws.ToString(apis.Items[0].ApiId) != apigw.DemoHTTPAPIID || apis.Items[0].CreatedDate == nil ||
		apis.Items[0].ProtocolType != v2types.ProtocolTypeHttp || aws.ToString(apis.Items[0].ApiEndpoint) != env.API.HTTPURL {
		t.Fatalf("GetApis = %+v", apis.Items)
	}
	id := apis.Items[0].ApiId
	one, err := c.GetApi(ctx, &apigatewayv2.GetApiInput{ApiId: id})
	if err != nil || aws.ToString(one.Name) != "cogscope-demo-http" || aws.ToString(one.RouteSelectionExpression) == "" {
		t.Fatalf("GetApi = %+v, %v", one, err)
	}
	routes, err := c.GetRoutes(ctx, &apigatewayv2.GetRoutesInput{ApiId: id})
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]v2types.Route{}
	for _, r := range routes.Items {
		byKey[aws.ToString(r.RouteKey)] = r
	}
	if len(byKey) != 5 || byKey["GET /iam"].AuthorizationType != v2types.AuthorizationTypeAwsIam || byKey["GET /hello"].AuthorizationType != v2types.AuthorizationTypeNone ||
		byKey["GET /private"].AuthorizationType != v2types.AuthorizationTypeJwt ||
		!slices.Equal(byKey["GET /scoped"].AuthorizationScopes, []string{apigw.DemoScope}) ||
		byKey["GET /admin"].AuthorizationType != v2types.AuthorizationTypeCustom {
		t.Fatalf("GetRoutes = %+v", byKey)
	}
	auths, err := c.GetAuthorizers(ctx, &apigatewayv2.GetAuthorizersInput{ApiId: id})
	if err != nil {
		t.Fatal(err)
	}
	var jwt, lambda *v2types.Authorizer
	for i, a := range auths.Items {
		switch aws.ToString(a.AuthorizerId) {
		case aws.ToString(byKey["GET /private"].AuthorizerId):
			jwt = &auths.Items[i]
		case aws.ToString(byKey["GET /admin"].AuthorizerId):
			lambda = &auths.Items[i]
		}
	}
	if jwt == nil || aws.ToString(jwt.JwtConfiguration.Issuer) != env.Demo.Issuer ||
		!slices.Equal(jwt.JwtConfiguration.Audience, []string{cognito.DemoPublicClientID}) ||
		!slices.Equal(jwt.IdentitySource, []string{"$request.header.Authorization"}) {
		t.Fatalf("JWT authorizer = %+v", jwt)
	}
	if lambda == nil || aws.ToInt32(lambda.AuthorizerResultTtlInSeconds) != 300 || !aws.ToBool(lambda.EnableSimpleResponses) ||
		aws.ToString(lambda.AuthorizerPayloadFormatVersion) != "2.0" || aws.ToString(lambda.AuthorizerUri) == "" {
		t.Fatalf("Lambda authorizer = %+v", lambda)
	}
	stages, err := c.GetStages(ctx, &apigatewayv2.GetStagesInput{ApiId: id})
	if err != nil || len(stages.Items) != 1 || aws.ToString(stages.Items[0].StageName) != "$default" ||
		stages.Items[0].AccessLogSettings == nil || aws.ToString(stages.Items[0].AccessLogSettings.DestinationArn) != "arn:aws:logs:us-east-1:123456789012:log-group:"+apigw.DemoHTTPLogGroup {
		t.Fatalf("GetStages = %+v, %v", stages, err)
	}
	if ints, err := c.GetIntegrations(ctx, &apigatewayv2.GetIntegrationsInput{ApiId: id}); err != nil || len(ints.Items) != 1 {
		t.Fatalf("GetIntegrations = %+v, %v", ints, err)
	}
	// Paging: one route per page.
	var paged []string
	p := apigatewayv2.GetRoutesInput{ApiId: id, MaxResults: aws.String("1")}
	for {
		out, err := c.GetRoutes(ctx, &p)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range out.Items {
			paged = append(paged, aws.ToString(r.RouteKey))
		}
		if out.NextToken == nil {
			break
		}
		p.NextToken = out.NextToken
	}
	if len(paged) != 5 {
		t.Errorf("paged routes %v", paged)
	}
	// Errors are typed.
	_, err = c.GetRoutes(ctx, &apigatewayv2.GetRoutesInput{ApiId: aws.String("nosuchapi1")})
	var nf *v2types.NotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("GetRoutes of an unknown API: %v, want NotFoundException", err)
	}
}

// TestHTTPAPIMisconfiguration builds a route whose JWT authorizer has the
// wrong audience through the SDK, sees the gateway refuse, fixes it, and
// deletes the route.
func TestHTTPAPIMisconfiguration(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	ctx := context.Background()
	c := env.APIGatewayV2Client()
	id := aws.String(env.API.HTTPAPIID)
	au, err := c.CreateAuthorizer(ctx, &apigatewayv2.CreateAuthorizerInput{ApiId: id, Name: aws.String("wrong-aud"),
		AuthorizerType: v2types.AuthorizerTypeJwt, IdentitySource: []string{"$request.header.Authorization"},
		JwtConfiguration: &v2types.JWTConfiguration{Issuer: aws.String(env.Demo.Issuer), Audience: []string{"someotherclient"}}})
	if err != nil {
		t.Fatalf("CreateAuthorizer: %v", err)
	}
	rt, err := c.CreateRoute(ctx, &apigatewayv2.CreateRouteInput{ApiId: id, RouteKey: aws.String("GET /broken"),
		AuthorizationType: v2types.AuthorizationTypeJwt, AuthorizerId: au.AuthorizerId})
	if err != nil {
		t.Fatalf("CreateRoute: %v", err)
	}
	tk, err := env.Cognito.MintTokens(cognito.MintRequest{ClientID: cognito.DemoPublicClientID, Username: cognito.DemoUsername, Scopes: []string{"openid"}})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{env: env}
	a := f.call(t, "GET", env.API.HTTPURL+"/broken", "Bearer "+tk.AccessToken)
	if a.status != 401 || a.header.Get("www-authenticate") != invalid("the token does not have a valid audience") {
		t.Fatalf("wrong audience: %d %q", a.status, a.header.Get("www-authenticate"))
	}
	if _, err := c.UpdateAuthorizer(ctx, &apigatewayv2.UpdateAuthorizerInput{ApiId: id, AuthorizerId: au.AuthorizerId,
		JwtConfiguration: &v2types.JWTConfiguration{Issuer: aws.String(env.Demo.Issuer), Audience: []string{cognito.DemoPublicClientID}}}); err != nil {
		t.Fatalf("UpdateAuthorizer: %v", err)
	}
	if a := f.call(t, "GET", env.API.HTTPURL+"/broken", tk.AccessToken); a.status != 200 {
		t.Fatalf("fixed audience: %d %s", a.status, a.body)
	}
	if _, err := c.UpdateRoute(ctx, &apigatewayv2.UpdateRouteInput{ApiId: id, RouteId: rt.RouteId, AuthorizationScopes: []string{"cogscope-api/write"}}); err != nil {
		t.Fatalf("UpdateRoute: %v", err)
	}
	if a := f.call(t, "GET", env.API.HTTPURL+"/broken", tk.AccessToken); a.status != 403 {
		t.Fatalf("scope added: %d %s", a.status, a.body)
	}
	// DeleteAuthorizer models no ConflictException; the code still arrives.
	var conflict smithy.APIError
	if _, err := c.DeleteAuthorizer(ctx, &apigatewayv2.DeleteAuthorizerInput{ApiId: id, AuthorizerId: au.AuthorizerId}); !errors.As(err, &conflict) || conflict.ErrorCode() != "ConflictException" {
		t.Errorf("DeleteAuthorizer in use: %v, want ConflictException", err)
	}
	if _, err := c.DeleteRoute(ctx, &apigatewayv2.DeleteRouteInput{ApiId: id, RouteId: rt.RouteId}); err != nil {
		t.Fatalf("DeleteRoute: %v", err)
	}
	if a := f.call(t, "GET", env.API.HTTPURL+"/broken", tk.AccessToken); a.status != 404 {
		t.Fatalf("deleted route: %d %s", a.status, a.body)
	}
	if _, err := c.DeleteAuthorizer(ctx, &apigatewayv2.DeleteAuthorizerInput{ApiId: id, AuthorizerId: au.AuthorizerId}); err != nil {
		t.Errorf("DeleteAuthorizer: %v", err)
	}
	var bad *v2types.BadRequestException
	_, err = c.CreateRoute(ctx, &apigatewayv2.CreateRouteInput{ApiId: id, RouteKey: aws.String("FETCH /x")})
	if !errors.As(err, &bad) {
		t.Errorf("bad route key: %v, want BadRequestException", err)
	}
}

func TestRestAPIConfigThroughTheSDK(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	ctx := context.Background()
	c := env.APIGatewayClient()
	apis, err := c.GetRestApis(ctx, &apigateway.GetRestApisInput{})
	if err != nil {
		t.Fatalf("GetRestApis: %v", err)
	}
	if len(apis.Items) != 1 || aws.ToString(apis.Items[0].Id) != apigw.DemoRestAPIID || apis.Items[0].CreatedDate == nil || apis.Items[0].CreatedDate.Year() < 2000 {
		t.Fatalf("GetRestApis = %+v", apis.Items)
	}
	id := apis.Items[0].Id
	res, err := c.GetResources(ctx, &apigateway.GetResourcesInput{RestApiId: id, Embed: []string{"methods"}})
	if err != nil {
		t.Fatal(err)
	}
	methods := map[string]string{}
	var ordersID string
	for _, r := range res.Items {
		for verb, m := range r.ResourceMethods {
			methods[verb+" "+aws.ToString(r.Path)] = aws.ToString(m.AuthorizationType) + " " + join(m.AuthorizationScopes)
		}
		if aws.ToString(r.Path) == "/orders" {
			ordersID = aws.ToString(r.Id)
		}
	}
	want := map[string]string{"GET /hello": "NONE ", "GET /profile": "COGNITO_USER_POOLS ", "GET /orders": "COGNITO_USER_POOLS cogscope-api/read",
		"GET /lambda/orders": "CUSTOM ", "GET /lambda/profile": "CUSTOM "}
	for k, v := range want {
		if methods[k] != v {
			t.Errorf("%s: %q, want %q (all: %v)", k, methods[k], v, methods)
		}
	}
	m, err := c.GetMethod(ctx, &apigateway.GetMethodInput{RestApiId: id, ResourceId: aws.String(ordersID), HttpMethod: aws.String("GET")})
	if err != nil || !slices.Equal(m.AuthorizationScopes, []string{apigw.DemoScope}) {
		t.Fatalf("GetMethod = %+v, %v", m, err)
	}
	auths, err := c.GetAuthorizers(ctx, &apigateway.GetAuthorizersInput{RestApiId: id})
	if err != nil || len(auths.Items) != 2 {
		t.Fatalf("GetAuthorizers = %+v, %v", auths, err)
	}
	for _, a := range auths.Items {
		switch a.Type {
		case "COGNITO_USER_POOLS":
			if !slices.Equal(a.ProviderARNs, []string{"arn:aws:cognito-idp:us-east-1:123456789012:userpool/" + env.Demo.PoolID}) ||
				aws.ToString(a.IdentitySource) != "method.request.header.Authorization" {
				t.Errorf("Cognito authorizer %+v", a)
			}
		case "TOKEN":
			if aws.ToInt32(a.AuthorizerResultTtlInSeconds) != 300 || aws.ToString(a.AuthorizerUri) == "" {
				t.Errorf("TOKEN authorizer %+v", a)
			}
		default:
			t.Errorf("authorizer type %q", a.Type)
		}
	}
	st, err := c.GetStages(ctx, &apigateway.GetStagesInput{RestApiId: id})
	if err != nil || len(st.Item) != 1 || aws.ToString(st.Item[0].StageName) != "prod" || st.Item[0].AccessLogSettings == nil {
		t.Fatalf("GetStages = %+v, %v", st, err)
	}
	// Paging with limit/position.
	n := 0
	in := apigateway.GetResourcesInput{RestApiId: id, Limit: aws.Int32(2)}
	for {
		out, err := c.GetResources(ctx, &in)
		if err != nil {
			t.Fatal(err)
		}
		n += len(out.Items)
		if out.Position == nil {
			break
		}
		in.Position = out.Position
	}
	if n != len(res.Items) {
		t.Errorf("paged %d resources, want %d", n, len(res.Items))
	}
	_, err = c.GetResources(ctx, &apigateway.GetResourcesInput{RestApiId: aws.String("nosuchapi1")})
	var nf *agtypes.NotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("unknown REST API: %v, want NotFoundException", err)
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ","
		}
		out += x
	}
	return out
}

// TestConfigChangesWhileServing changes routes and authorizers while
// requests run (go test -race finds unsynchronised access).
func TestConfigChangesWhileServing(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	ctx := context.Background()
	c := env.APIGatewayV2Client()
	id := aws.String(env.API.HTTPAPIID)
	tk, err := env.Cognito.MintTokens(cognito.MintRequest{ClientID: cognito.DemoPublicClientID, Username: cognito.DemoUsername, Scopes: []string{"openid"}})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			get := func(path string) (int, error) {
				req, _ := http.NewRequest("GET", env.API.HTTPURL+path, nil)
				req.Header.Set("Authorization", tk.AccessToken)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					return 0, err
				}
				resp.Body.Close()
				return resp.StatusCode, nil
			}
			for {
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
				status, err := get("/private")
				if err == nil && status != 200 && status != 401 {
					err = fmt.Errorf("GET /private: %d", status)
				}
				if err == nil {
					_, err = get("/churn")
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	routes, err := c.GetRoutes(ctx, &apigatewayv2.GetRoutesInput{ApiId: id})
	if err != nil {
		t.Fatal(err)
	}
	var authID *string
	for _, r := range routes.Items {
		if aws.ToString(r.RouteKey) == "GET /private" {
			authID = r.AuthorizerId
		}
	}
	for i := range 20 {
		aud := []string{cognito.DemoPublicClientID}
		if i%2 == 1 {
			aud = []string{"nobody"}
		}
		if _, err := c.UpdateAuthorizer(ctx, &apigatewayv2.UpdateAuthorizerInput{ApiId: id, AuthorizerId: authID,
			JwtConfiguration: &v2types.JWTConfiguration{Issuer: aws.String(env.Demo.Issuer), Audience: aud}}); err != nil {
			t.Fatal(err)
		}
		rt, err := c.CreateRoute(ctx, &apigatewayv2.CreateRouteInput{ApiId: id, RouteKey: aws.String("GET /churn")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.DeleteRoute(ctx, &apigatewayv2.DeleteRouteInput{ApiId: id, RouteId: rt.RouteId}); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	for range 4 {
		if err := <-errs; err != nil {
			t.Errorf("request during changes: %v", err)
		}
	}
}
