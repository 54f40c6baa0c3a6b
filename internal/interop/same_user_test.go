package interop

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/awsclient"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

// TestGoAndOfficialClientsSignInAsSameUser signs one freshly created user
// in with cogscope's own SRP client and then with amazon-cognito-identity-js:
// both must get tokens for the same subject, so our client and AWS's agree
// on every byte the server checks.
func TestGoAndOfficialClientsSignInAsSameUser(t *testing.T) {
	t.Parallel()
	peers(t)
	env := localtest.Start(t)
	ctx := context.Background()
	admin := env.CognitoClient()
	const username, password = "interop-user", "Interop-Passw0rd!"
	if _, err := admin.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
		UserPoolId: aws.String(env.Demo.PoolID), Username: aws.String(username),
		MessageAction:  types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("interop@example.com")}},
	}); err != nil {
		t.Fatalf("AdminCreateUser: %v", err)
	}
	if _, err := admin.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{
		UserPoolId: aws.String(env.Demo.PoolID), Username: aws.String(username),
		Password: aws.String(password), Permanent: true,
	}); err != nil {
		t.Fatalf("AdminSetUserPassword: %v", err)
	}

	f, err := flows.New(flows.Options{
		Kind: flows.KindUserSRP, API: awsclient.AnonymousCognito(env.AWSConfig(), env.Endpoint),
		UserPoolID: env.Demo.PoolID, ClientID: env.Demo.ClientID, Username: username, Password: password,
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := flows.Run(ctx, f, flows.NonInteractive)
	if err != nil {
		t.Fatalf("cogscope SRP sign-in: %v", err)
	}
	goClaims, err := flows.UnverifiedClaims(res.Tokens.AccessToken)
	if err != nil {
		t.Fatal(err)
	}

	out := signInOfficial(t, env, username, password)
	if !out.OK {
		t.Fatalf("official client failed after ours succeeded: %s %s: %s", out.Code, out.Name, out.Msg)
	}
	if out.Claims.Access["sub"] != goClaims.Sub || goClaims.Sub == "" {
		t.Errorf("official client's sub %v, ours %q", out.Claims.Access["sub"], goClaims.Sub)
	}
	verifyTokens(t, env, res.Tokens.IDToken, res.Tokens.AccessToken)
}
