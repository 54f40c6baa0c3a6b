package hostedui_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/hostedui"
)

// TestDomainsThroughTheAPI moves the demo pool from its prefix domain to a
// custom domain with the SDK and signs in through the new one.
func TestDomainsThroughTheAPI(t *testing.T) {
	t.Parallel()
	env := demo(t)
	ctx := context.Background()
	idp := env.CognitoClient()
	old := env.Demo.HostedUI
	if _, err := idp.DeleteUserPoolDomain(ctx, &cip.DeleteUserPoolDomainInput{Domain: aws.String(env.Demo.Domain),
		UserPoolId: aws.String(env.Demo.PoolID)}); err != nil {
		t.Fatal(err)
	}
	if r := newBrowser(t).get(authorizeURL(old, "client_id", cognito.DemoPublicClientID)); r.status != http.StatusNotFound {
		t.Errorf("deleted domain still served: %d", r.status)
	}

	for _, tt := range []struct {
		name, domain, arn, wantCode string
	}{
		{"not a name", "auth..example.com", "arn:aws:acm:us-east-1:123456789012:certificate/x", "InvalidParameterException"},
	} {
		in := &cip.CreateUserPoolDomainInput{Domain: aws.String(tt.domain), UserPoolId: aws.String(env.Demo.PoolID),
			CustomDomainConfig: &types.CustomDomainConfigType{}}
		if tt.arn != "" {
			in.CustomDomainConfig.CertificateArn = aws.String(tt.arn)
		}
		_, err := idp.CreateUserPoolDomain(ctx, in)
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != tt.wantCode {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	out, err := idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{Domain: aws.String("auth.example.com"),
		UserPoolId:         aws.String(env.Demo.PoolID),
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: aws.String("arn:aws:acm:us-east-1:123456789012:certificate/x")}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.CloudFrontDomain) == "" {
		t.Error("no CloudFrontDomain for a custom domain")
	}
	base := hostedui.BaseURL(env.Endpoint, "auth.example.com")
	if got := env.Stack.Info().UserPools[0].HostedUI; got != base {
		t.Errorf("Info hostedUI %q, want %q", got, base)
	}
	var doc map[string]any
	r := newBrowser(t).get(env.Demo.Issuer + "/.well-known/openid-configuration")
	if err := jsonUnmarshal(r.body, &doc); err != nil || doc["authorization_endpoint"] != base+"/oauth2/authorize" {
		t.Fatalf("discovery %v %v", doc["authorization_endpoint"], err)
	}
	b := newBrowser(t)
	q := callbackParams(t, b.signIn(authorizeURL(base, "response_type", "code", "client_id", cognito.DemoPublicClientID,
		"redirect_uri", callback), cognito.DemoUsername, cognito.DemoPassword))
	tr := tokenRequest(t, base+"/oauth2/token", map[string][]string{"grant_type": {"authorization_code"},
		"client_id": {cognito.DemoPublicClientID}, "code": {q.Get("code")}, "redirect_uri": {callback}}, "")
	if tr.status != http.StatusOK || verify(t, env, tr.str("access_token"))["username"] != cognito.DemoUsername {
		t.Fatalf("custom-domain token: %d %v", tr.status, tr.body)
	}
	desc, err := idp.DescribeUserPoolDomain(ctx, &cip.DescribeUserPoolDomainInput{Domain: aws.String("auth.example.com")})
	if err != nil || aws.ToString(desc.DomainDescription.UserPoolId) != env.Demo.PoolID {
		t.Errorf("describe: %v %+v", err, desc)
	}
}
