package console

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/identity"
	"github.com/cogscope/cogscope/ui/service"
)

// The console's Tokens service trades the ID token at the local stack's
// demo identity pool, and explains a refusal in the console's words.
func TestConsoleAWSCredentials(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, env := endpointConsole(ctx, t)
	creds, ok := c.options().Tokens.(service.Credentials)
	if !ok {
		t.Fatal("the console's Tokens service offers no AWS credentials")
	}
	auth, err := env.CognitoClient().InitiateAuth(ctx, &cip.InitiateAuthInput{
		AuthFlow: ciptypes.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(env.Demo.ClientID),
		AuthParameters: map[string]string{"USERNAME": cognito.DemoUsername, "PASSWORD": cognito.DemoPassword}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := creds.AWSCredentials(ctx, *auth.AuthenticationResult.IdToken)
	if err != nil {
		t.Fatal(err)
	}
	if got.RoleARN != identity.DemoAdminsRole || !strings.HasPrefix(got.Rule, "claim rule 1") || got.PrincipalTags["tenant"] != "acme" ||
		!strings.HasSuffix(got.CallerArn, "/CognitoIdentityCredentials") || got.Expires.IsZero() {
		t.Errorf("credentials %+v", got)
	}
	_, err = creds.AWSCredentials(ctx, *auth.AuthenticationResult.AccessToken)
	var fail *service.Failure
	if !errors.As(err, &fail) || fail.Type != "NotAuthorizedException" || fail.Fix == "" {
		t.Fatalf("access token: %+v", err)
	}
}
