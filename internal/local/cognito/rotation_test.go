package cognito

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func TestGetTokensFromRefreshTokenRotation(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	first := must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(DemoRotateClientID, DemoUsername, DemoPassword, nil)).AuthenticationResult
	get := func(token string) (*types.AuthenticationResultType, error) {
		out, err := e.client.GetTokensFromRefreshToken(e.ctx, &cip.GetTokensFromRefreshTokenInput{ClientId: aws.String(DemoRotateClientID), RefreshToken: aws.String(token)})
		if err != nil {
			return nil, err
		}
		return out.AuthenticationResult, nil
	}
	// REFRESH_TOKEN_AUTH is refused on a rotation client.
	_, err := e.client.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		ClientId: aws.String(DemoRotateClientID), AuthParameters: map[string]string{"REFRESH_TOKEN": *first.RefreshToken}})
	wantAPIError(t, err, "InvalidParameterException", "Refresh Token flow not enabled for this client")
	// Even when the client lists ALLOW_REFRESH_TOKEN_AUTH.
	both := must[*cip.CreateUserPoolClientOutput](t)(e.client.CreateUserPoolClient(e.ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(DemoPoolID),
		ClientName: aws.String("both"), ExplicitAuthFlows: []types.ExplicitAuthFlowsType{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
		RefreshTokenRotation: &types.RefreshTokenRotationType{Feature: types.FeatureTypeEnabled}})).UserPoolClient
	r := must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(*both.ClientId, DemoUsername, DemoPassword, nil)).AuthenticationResult
	_, err = e.client.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		ClientId: both.ClientId, AuthParameters: map[string]string{"REFRESH_TOKEN": *r.RefreshToken}})
	wantAPIError(t, err, "InvalidParameterException", "REFRESH_TOKEN_AUTH is not supported for app clients with refresh token rotation enabled. Use GetTokensFromRefreshToken.")
	// Grace period 0: the old token dies at once.
	rot := must[*cip.GetTokensFromRefreshTokenOutput](t)(e.client.GetTokensFromRefreshToken(e.ctx, &cip.GetTokensFromRefreshTokenInput{ClientId: both.ClientId, RefreshToken: r.RefreshToken}))
	if rot.AuthenticationResult.RefreshToken == nil {
		t.Fatal("no rotated token")
	}
	_, err = e.client.GetTokensFromRefreshToken(e.ctx, &cip.GetTokensFromRefreshTokenInput{ClientId: both.ClientId, RefreshToken: r.RefreshToken})
	wantAPIError(t, err, "RefreshTokenReuseException", "The refresh token has been rotated and is no longer valid.")

	second := must[*types.AuthenticationResultType](t)(get(*first.RefreshToken))
	if second.RefreshToken == nil || *second.RefreshToken == *first.RefreshToken || second.IdToken == nil {
		t.Fatalf("rotation result %+v", second)
	}
	if claims(t, *second.AccessToken)["origin_jti"] != claims(t, *first.AccessToken)["origin_jti"] {
		t.Error("rotation started a new sign-in")
	}
	// Within the 10 s grace period the old token still works (a retry)...
	e.clock.Advance(5 * time.Second)
	if _, err := get(*first.RefreshToken); err != nil {
		t.Fatalf("retry within the grace period: %v", err)
	}
	// ...after it, it is refused; the new one works.
	e.clock.Advance(6 * time.Second)
	_, err = get(*first.RefreshToken)
	wantAPIError(t, err, "RefreshTokenReuseException", "The refresh token has been rotated and is no longer valid.")
	third := must[*types.AuthenticationResultType](t)(get(*second.RefreshToken))
	// Revoking the newest token revokes the whole sign-in.
	must[*cip.RevokeTokenOutput](t)(e.client.RevokeToken(e.ctx, &cip.RevokeTokenInput{ClientId: aws.String(DemoRotateClientID), Token: third.RefreshToken}))
	_, err = get(*third.RefreshToken)
	wantAPIError(t, err, "NotAuthorizedException", "Refresh Token has been revoked")
}

func TestGetTokensFromRefreshTokenWithoutRotation(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	first := must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(DemoSecretClientID, DemoUsername, DemoPassword,
		map[string]string{"SECRET_HASH": secretHash(DemoClientSecret, DemoUsername, DemoSecretClientID)})).AuthenticationResult
	_, err := e.client.GetTokensFromRefreshToken(e.ctx, &cip.GetTokensFromRefreshTokenInput{ClientId: aws.String(DemoSecretClientID), RefreshToken: first.RefreshToken})
	wantAPIError(t, err, "NotAuthorizedException", "Client "+DemoSecretClientID+" is configured for secret but secret was not received")
	_, err = e.client.GetTokensFromRefreshToken(e.ctx, &cip.GetTokensFromRefreshTokenInput{ClientId: aws.String(DemoSecretClientID),
		RefreshToken: first.RefreshToken, ClientSecret: aws.String("wrong")})
	wantAPIError(t, err, "NotAuthorizedException", "Unable to verify secret for client "+DemoSecretClientID)
	out := must[*cip.GetTokensFromRefreshTokenOutput](t)(e.client.GetTokensFromRefreshToken(e.ctx, &cip.GetTokensFromRefreshTokenInput{
		ClientId: aws.String(DemoSecretClientID), RefreshToken: first.RefreshToken, ClientSecret: aws.String(DemoClientSecret)}))
	if out.AuthenticationResult.RefreshToken != nil || out.AuthenticationResult.AccessToken == nil {
		t.Errorf("without rotation: %+v", out.AuthenticationResult)
	}
	_, err = e.client.GetTokensFromRefreshToken(e.ctx, &cip.GetTokensFromRefreshTokenInput{ClientId: aws.String(DemoSecretClientID),
		RefreshToken: aws.String("bogus"), ClientSecret: aws.String(DemoClientSecret)})
	wantAPIError(t, err, "NotAuthorizedException", "Invalid Refresh Token")
}
