package apiconfig_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	v2types "github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/cogscope/cogscope/internal/apiconfig"
)

// pager is an HTTP API client that answers one item per page.
type pager struct{ calls map[string]int }

func next(i, n int) *string {
	if i+1 >= n {
		return nil
	}
	return aws.String(strconv.Itoa(i + 1))
}

func idx(tok *string) int {
	if tok == nil {
		return 0
	}
	i, _ := strconv.Atoi(*tok)
	return i
}

func (p *pager) GetApis(_ context.Context, in *apigatewayv2.GetApisInput, _ ...func(*apigatewayv2.Options)) (*apigatewayv2.GetApisOutput, error) {
	p.calls["apis"]++
	i := idx(in.NextToken)
	return &apigatewayv2.GetApisOutput{Items: []v2types.Api{{ApiId: aws.String("api" + strconv.Itoa(i)), Name: aws.String("n"), ProtocolType: v2types.ProtocolTypeHttp}},
		NextToken: next(i, 2)}, nil
}

func (p *pager) GetRoutes(_ context.Context, in *apigatewayv2.GetRoutesInput, _ ...func(*apigatewayv2.Options)) (*apigatewayv2.GetRoutesOutput, error) {
	p.calls["routes"]++
	i := idx(in.NextToken)
	return &apigatewayv2.GetRoutesOutput{Items: []v2types.Route{{RouteKey: aws.String("GET /r" + strconv.Itoa(i)),
		AuthorizationType: v2types.AuthorizationTypeJwt, AuthorizerId: aws.String("a" + strconv.Itoa(i%2))}}, NextToken: next(i, 3)}, nil
}

func (p *pager) GetAuthorizers(_ context.Context, in *apigatewayv2.GetAuthorizersInput, _ ...func(*apigatewayv2.Options)) (*apigatewayv2.GetAuthorizersOutput, error) {
	p.calls["authorizers"]++
	i := idx(in.NextToken)
	return &apigatewayv2.GetAuthorizersOutput{Items: []v2types.Authorizer{{AuthorizerId: aws.String("a" + strconv.Itoa(i)), AuthorizerType: v2types.AuthorizerTypeJwt,
		JwtConfiguration: &v2types.JWTConfiguration{Issuer: aws.String("iss" + strconv.Itoa(i))}}}, NextToken: next(i, 2)}, nil
}

func (p *pager) GetStages(_ context.Context, in *apigatewayv2.GetStagesInput, _ ...func(*apigatewayv2.Options)) (*apigatewayv2.GetStagesOutput, error) {
	p.calls["stages"]++
	return &apigatewayv2.GetStagesOutput{Items: []v2types.Stage{{StageName: aws.String("$default"),
		AccessLogSettings: &v2types.AccessLogSettings{DestinationArn: aws.String("arn:aws:logs:eu-west-1:1:log-group:/my/group:*")}}}}, nil
}

func TestReadFollowsEveryPage(t *testing.T) {
	t.Parallel()
	p := &pager{calls: map[string]int{}}
	cfg, err := apiconfig.Read(context.Background(), apiconfig.Clients{HTTP: p}, apiconfig.Options{Region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.APIs) != 2 || p.calls["apis"] != 2 || p.calls["routes"] != 6 || p.calls["authorizers"] != 4 {
		t.Fatalf("apis %d, calls %v", len(cfg.APIs), p.calls)
	}
	a := cfg.APIs[1]
	if len(a.Routes) != 3 || a.Routes[2].Path != "/r2" || a.Routes[1].Authorizer == nil || a.Routes[1].Authorizer.Issuer != "iss1" {
		t.Errorf("routes %+v", a.Routes)
	}
	if a.Stages[0].AccessLogGroup != "/my/group" || a.InvokeURL != "https://api1.execute-api.eu-west-1.amazonaws.com" {
		t.Errorf("stage %+v url %s", a.Stages, a.InvokeURL)
	}
	cfg, _ = apiconfig.Read(context.Background(), apiconfig.Clients{HTTP: &pager{calls: map[string]int{}}}, apiconfig.Options{APIIDs: []string{"api1"}})
	if len(cfg.APIs) != 1 || cfg.APIs[0].ID != "api1" {
		t.Errorf("APIIDs filter: %+v", cfg.APIs)
	}
}
