package cognito

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestAliasesNameOneUser checks that in a pool with alias attributes (the
// demo pool signs in with verified e-mail addresses) a verified alias
// belongs to one user: Cognito refuses a second with AliasExistsException,
// or moves it with ForceAliasCreation. Without this, signing in with a
// shared address picked either user at random.
func TestAliasesNameOneUser(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	pool := aws.String(DemoPoolID)
	const taken = "demo@example.com" // the demo user's verified e-mail
	const msg = "An account with the email already exists."
	create := func(name string, verified, force bool) error {
		v := "false"
		if verified {
			v = "true"
		}
		_, err := e.client.AdminCreateUser(e.ctx, &cip.AdminCreateUserInput{UserPoolId: pool, Username: aws.String(name),
			TemporaryPassword: aws.String("Temp0rary!"), MessageAction: types.MessageActionTypeSuppress, ForceAliasCreation: force,
			UserAttributes: []types.AttributeType{attr("email", taken), attr("email_verified", v)}})
		return err
	}
	subOf := func(username string) string {
		out := must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(DemoPublicClientID, username, DemoPassword, nil))
		return claims(t, *out.AuthenticationResult.IdToken)["sub"].(string)
	}
	demoSub := subOf(taken)

	wantAPIError(t, create("twin", true, false), "AliasExistsException", msg)
	if err := create("unverified-twin", false, false); err != nil {
		t.Fatalf("an unverified address is no alias, so it may repeat: %v", err)
	}
	if got := subOf(taken); got != demoSub {
		t.Fatalf("%s signs in as %s, want the demo user %s", taken, got, demoSub)
	}

	// AdminUpdateUserAttributes cannot verify another user's alias.
	_, err := e.client.AdminUpdateUserAttributes(e.ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: pool,
		Username: aws.String("unverified-twin"), UserAttributes: []types.AttributeType{attr("email_verified", "true")}})
	wantAPIError(t, err, "AliasExistsException", msg)

	// ConfirmSignUp refuses, leaving the user unconfirmed, until
	// ForceAliasCreation moves the alias.
	must[*cip.SignUpOutput](t)(e.client.SignUp(e.ctx, &cip.SignUpInput{ClientId: aws.String(DemoPublicClientID),
		Username: aws.String("sam"), Password: aws.String(DemoPassword), UserAttributes: []types.AttributeType{attr("email", taken)}}))
	code := e.lastCode("sam", "SIGN_UP")
	confirm := func(force bool) error {
		_, err := e.client.ConfirmSignUp(e.ctx, &cip.ConfirmSignUpInput{ClientId: aws.String(DemoPublicClientID),
			Username: aws.String("sam"), ConfirmationCode: aws.String(code), ForceAliasCreation: force})
		return err
	}
	wantAPIError(t, confirm(false), "AliasExistsException", msg)
	sam := must[*cip.AdminGetUserOutput](t)(e.client.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: pool, Username: aws.String("sam")}))
	if sam.UserStatus != types.UserStatusTypeUnconfirmed || attrValue(sam.UserAttributes, "email_verified") == "true" {
		t.Fatalf("after the refusal sam is %s with email_verified %q", sam.UserStatus, attrValue(sam.UserAttributes, "email_verified"))
	}
	if err := confirm(true); err != nil {
		t.Fatalf("ConfirmSignUp with ForceAliasCreation: %v", err)
	}
	if got := subOf(taken); got != *must[*cip.AdminGetUserOutput](t)(e.client.AdminGetUser(e.ctx,
		&cip.AdminGetUserInput{UserPoolId: pool, Username: aws.String("sam")})).UserAttributes[0].Value {
		t.Errorf("%s signs in as %s, want sam after the alias moved", taken, got)
	}
	demo := must[*cip.AdminGetUserOutput](t)(e.client.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: pool, Username: aws.String(DemoUsername)}))
	if attrValue(demo.UserAttributes, "email") != taken || attrValue(demo.UserAttributes, "email_verified") != "false" {
		t.Errorf("the demo user keeps its address, unverified: %v", demo.UserAttributes)
	}
	if subOf(DemoUsername) != demoSub {
		t.Error("the demo user no longer signs in with its username")
	}

	// AdminCreateUser with ForceAliasCreation takes it over in turn.
	if err := create("taker", true, true); err != nil {
		t.Fatalf("AdminCreateUser with ForceAliasCreation: %v", err)
	}
	out, err := e.passwordSignIn(DemoPublicClientID, taken, "Temp0rary!", nil)
	if err != nil || out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired || out.ChallengeParameters["USER_ID_FOR_SRP"] != "taker" {
		t.Fatalf("%s after the takeover: %+v %v, want taker's NEW_PASSWORD_REQUIRED", taken, out, err)
	}
}
