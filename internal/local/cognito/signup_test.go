package cognito

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogscope/cogscope/flows/srp"
)

func TestSignUpAndConfirm(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	client := aws.String(DemoPublicClientID)
	out := must[*cip.SignUpOutput](t)(e.client.SignUp(e.ctx, &cip.SignUpInput{ClientId: client, Username: aws.String("sam"),
		Password: aws.String("Sign-up-1"), UserAttributes: []types.AttributeType{attr("email", "sam@example.com")}}))
	if out.UserConfirmed || out.UserSub == nil || out.CodeDeliveryDetails == nil ||
		*out.CodeDeliveryDetails.Destination != "s***@e***.com" || out.CodeDeliveryDetails.DeliveryMedium != types.DeliveryMediumTypeEmail ||
		*out.CodeDeliveryDetails.AttributeName != "email" {
		t.Fatalf("SignUp %+v", out)
	}
	// Unconfirmed users are refused before the password is checked.
	_, err := e.passwordSignIn(DemoPublicClientID, "sam", "wrong", nil)
	wantAPIError(t, err, "UserNotConfirmedException", "User is not confirmed.")

	_, err = e.client.SignUp(e.ctx, &cip.SignUpInput{ClientId: client, Username: aws.String("sam"), Password: aws.String("Sign-up-1")})
	wantAPIError(t, err, "UsernameExistsException", "User already exists")
	_, err = e.client.SignUp(e.ctx, &cip.SignUpInput{ClientId: client, Username: aws.String("tim"), Password: aws.String("weakpass")})
	wantAPIError(t, err, "InvalidPasswordException", "Password did not conform with policy: Password must have uppercase characters")
	_, err = e.client.SignUp(e.ctx, &cip.SignUpInput{ClientId: aws.String(DemoSecretClientID), Username: aws.String("tim"), Password: aws.String("Sign-up-1")})
	wantAPIError(t, err, "NotAuthorizedException", "Client "+DemoSecretClientID+" is configured for secret but secret was not received")

	_, err = e.client.ConfirmSignUp(e.ctx, &cip.ConfirmSignUpInput{ClientId: client, Username: aws.String("sam"), ConfirmationCode: aws.String("000000x")})
	wantAPIError(t, err, "CodeMismatchException", "Invalid verification code provided, please try again.")
	first := e.lastCode("sam", "SIGN_UP")
	rs := must[*cip.ResendConfirmationCodeOutput](t)(e.client.ResendConfirmationCode(e.ctx, &cip.ResendConfirmationCodeInput{ClientId: client, Username: aws.String("sam")}))
	if *rs.CodeDeliveryDetails.Destination != "s***@e***.com" {
		t.Errorf("resend %+v", rs.CodeDeliveryDetails)
	}
	code := e.lastCode("sam", "SIGN_UP")
	if code == first && code != "" {
		t.Log("resend drew the same code by chance")
	}
	must[*cip.ConfirmSignUpOutput](t)(e.client.ConfirmSignUp(e.ctx, &cip.ConfirmSignUpInput{ClientId: client, Username: aws.String("sam"), ConfirmationCode: aws.String(code)}))
	_, err = e.client.ConfirmSignUp(e.ctx, &cip.ConfirmSignUpInput{ClientId: client, Username: aws.String("sam"), ConfirmationCode: aws.String(code)})
	wantAPIError(t, err, "NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED")
	_, err = e.client.ResendConfirmationCode(e.ctx, &cip.ResendConfirmationCodeInput{ClientId: client, Username: aws.String("sam")})
	wantAPIError(t, err, "InvalidParameterException", "User is already confirmed.")
	_, err = e.client.ConfirmSignUp(e.ctx, &cip.ConfirmSignUpInput{ClientId: client, Username: aws.String("nobody"), ConfirmationCode: aws.String("123456")})
	wantAPIError(t, err, "UserNotFoundException", "Username/client id combination not found.")

	r := must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(DemoPublicClientID, "sam", "Sign-up-1", nil)).AuthenticationResult
	if c := claims(t, *r.IdToken); c["email_verified"] != true || c["email"] != "sam@example.com" {
		t.Errorf("claims after confirmation %v", c)
	}
}

func TestSignUpWithSecretAndExpiry(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	hash := aws.String(srp.SecretHash(DemoClientSecret, "val", DemoSecretClientID))
	must[*cip.SignUpOutput](t)(e.client.SignUp(e.ctx, &cip.SignUpInput{ClientId: aws.String(DemoSecretClientID), SecretHash: hash,
		Username: aws.String("val"), Password: aws.String("Sign-up-1"), UserAttributes: []types.AttributeType{attr("email", "val@example.com")}}))
	code := e.lastCode("val", "SIGN_UP")
	e.clock.Advance(25 * time.Hour)
	_, err := e.client.ConfirmSignUp(e.ctx, &cip.ConfirmSignUpInput{ClientId: aws.String(DemoSecretClientID), SecretHash: hash,
		Username: aws.String("val"), ConfirmationCode: aws.String(code)})
	wantAPIError(t, err, "ExpiredCodeException", "Invalid code provided, please request a code again.")
	_, err = e.client.ConfirmSignUp(e.ctx, &cip.ConfirmSignUpInput{ClientId: aws.String(DemoSecretClientID),
		SecretHash: aws.String(srp.SecretHash(DemoClientSecret, "other", DemoSecretClientID)),
		Username:   aws.String("val"), ConfirmationCode: aws.String(code)})
	wantAPIError(t, err, "NotAuthorizedException", "Unable to verify secret hash for client "+DemoSecretClientID)
}

func TestForgotPassword(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	client := aws.String(DemoPublicClientID)
	out := must[*cip.ForgotPasswordOutput](t)(e.client.ForgotPassword(e.ctx, &cip.ForgotPasswordInput{ClientId: client, Username: aws.String(DemoUsername)}))
	if *out.CodeDeliveryDetails.Destination != "d***@e***.com" {
		t.Errorf("%+v", out.CodeDeliveryDetails)
	}
	code := e.lastCode(DemoUsername, "FORGOT_PASSWORD")
	_, err := e.client.ConfirmForgotPassword(e.ctx, &cip.ConfirmForgotPasswordInput{ClientId: client, Username: aws.String(DemoUsername),
		ConfirmationCode: aws.String(code), Password: aws.String("weak")})
	wantAPIError(t, err, "InvalidPasswordException", "Password does not conform to policy: Password not long enough")
	_, err = e.client.ConfirmForgotPassword(e.ctx, &cip.ConfirmForgotPasswordInput{ClientId: client, Username: aws.String(DemoUsername),
		ConfirmationCode: aws.String("999999999"), Password: aws.String("N3w-password")})
	wantAPIError(t, err, "CodeMismatchException", "Invalid verification code provided, please try again.")
	must[*cip.ConfirmForgotPasswordOutput](t)(e.client.ConfirmForgotPassword(e.ctx, &cip.ConfirmForgotPasswordInput{ClientId: client,
		Username: aws.String(DemoUsername), ConfirmationCode: aws.String(code), Password: aws.String("N3w-password")}))
	// The code is used up.
	_, err = e.client.ConfirmForgotPassword(e.ctx, &cip.ConfirmForgotPasswordInput{ClientId: client, Username: aws.String(DemoUsername),
		ConfirmationCode: aws.String(code), Password: aws.String("N3w-password2")})
	wantAPIError(t, err, "ExpiredCodeException", "Invalid code provided, please request a code again.")
	if _, err := e.srpSignIn(DemoPublicClientID, DemoPoolID, DemoUsername, "N3w-password"); err != nil {
		t.Fatalf("SRP with the new password: %v", err)
	}
	_, err = e.client.ForgotPassword(e.ctx, &cip.ForgotPasswordInput{ClientId: client, Username: aws.String("nobody")})
	wantAPIError(t, err, "UserNotFoundException", "Username/client id combination not found.")
}

func TestChangePasswordAndGetUser(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	r := must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(DemoPublicClientID, DemoUsername, DemoPassword, nil)).AuthenticationResult
	u := must[*cip.GetUserOutput](t)(e.client.GetUser(e.ctx, &cip.GetUserInput{AccessToken: r.AccessToken}))
	if *u.Username != DemoUsername || attrValue(u.UserAttributes, "email") != "demo@example.com" || attrValue(u.UserAttributes, "custom:tenant") != "acme" {
		t.Errorf("GetUser %+v", u)
	}
	_, err := e.client.ChangePassword(e.ctx, &cip.ChangePasswordInput{AccessToken: r.AccessToken, PreviousPassword: aws.String("Wr0ng-one!"), ProposedPassword: aws.String("N3w-password")})
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	_, err = e.client.ChangePassword(e.ctx, &cip.ChangePasswordInput{AccessToken: r.AccessToken, PreviousPassword: aws.String(DemoPassword), ProposedPassword: aws.String("short")})
	wantAPIError(t, err, "InvalidPasswordException", "Password did not conform with policy: Password not long enough")
	must[*cip.ChangePasswordOutput](t)(e.client.ChangePassword(e.ctx, &cip.ChangePasswordInput{AccessToken: r.AccessToken,
		PreviousPassword: aws.String(DemoPassword), ProposedPassword: aws.String("N3w-password")}))
	_, err = e.passwordSignIn(DemoPublicClientID, DemoUsername, DemoPassword, nil)
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	if _, err := e.srpSignIn(DemoPublicClientID, DemoPoolID, DemoUsername, "N3w-password"); err != nil {
		t.Fatal(err)
	}

	// Self-service attribute updates with verification.
	upd := must[*cip.UpdateUserAttributesOutput](t)(e.client.UpdateUserAttributes(e.ctx, &cip.UpdateUserAttributesInput{AccessToken: r.AccessToken,
		UserAttributes: []types.AttributeType{attr("email", "new@example.com")}}))
	if len(upd.CodeDeliveryDetailsList) != 1 || *upd.CodeDeliveryDetailsList[0].AttributeName != "email" {
		t.Fatalf("%+v", upd.CodeDeliveryDetailsList)
	}
	_, err = e.client.UpdateUserAttributes(e.ctx, &cip.UpdateUserAttributesInput{AccessToken: r.AccessToken,
		UserAttributes: []types.AttributeType{attr("email_verified", "true")}})
	wantAPIError(t, err, "NotAuthorizedException", "A client attempted to write unauthorized attribute")
	must[*cip.VerifyUserAttributeOutput](t)(e.client.VerifyUserAttribute(e.ctx, &cip.VerifyUserAttributeInput{AccessToken: r.AccessToken,
		AttributeName: aws.String("email"), Code: aws.String(e.lastCode(DemoUsername, "ATTRIBUTE_VERIFICATION"))}))
	u = must[*cip.GetUserOutput](t)(e.client.GetUser(e.ctx, &cip.GetUserInput{AccessToken: r.AccessToken}))
	if attrValue(u.UserAttributes, "email") != "new@example.com" || attrValue(u.UserAttributes, "email_verified") != "true" {
		t.Errorf("after verification %+v", u.UserAttributes)
	}

	must[*cip.DeleteUserOutput](t)(e.client.DeleteUser(e.ctx, &cip.DeleteUserInput{AccessToken: r.AccessToken}))
	_, err = e.passwordSignIn(DemoPublicClientID, DemoUsername, "N3w-password", nil)
	wantAPIError(t, err, "UserNotFoundException", "User does not exist.")
}

// TestSignInAfterSignUp follows AWS's sign-in after sign-up: SignUp's
// Session goes to ConfirmSignUp, whose Session lets InitiateAuth USER_AUTH
// issue tokens without asking for a password again (the confirmation code
// was the first factor). Each Session is single use and bound to its user.
func TestSignInAfterSignUp(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	client := aws.String(DemoPublicClientID)
	signUp := func(name string) *cip.SignUpOutput {
		return must[*cip.SignUpOutput](t)(e.client.SignUp(e.ctx, &cip.SignUpInput{ClientId: client, Username: aws.String(name),
			Password: aws.String(DemoPassword), UserAttributes: []types.AttributeType{attr("email", name+"@example.com")}}))
	}
	confirm := func(name, code string, session *string) (*cip.ConfirmSignUpOutput, error) {
		return e.client.ConfirmSignUp(e.ctx, &cip.ConfirmSignUpInput{ClientId: client, Username: aws.String(name),
			ConfirmationCode: aws.String(code), Session: session})
	}
	signIn := func(name string, session *string) (*cip.InitiateAuthOutput, error) {
		return e.client.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserAuth, ClientId: client,
			AuthParameters: map[string]string{"USERNAME": name}, Session: session})
	}

	una := signUp("una")
	if aws.ToString(una.Session) == "" {
		t.Fatal("SignUp returned no Session")
	}
	other := signUp("otto")
	_, err := confirm("una", e.lastCode("una", "SIGN_UP"), other.Session)
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session for the user.")
	_, err = confirm("una", "00000000", una.Session)
	wantAPIError(t, err, "CodeMismatchException", "Invalid verification code provided, please try again.")
	confirmed := must[*cip.ConfirmSignUpOutput](t)(confirm("una", e.lastCode("una", "SIGN_UP"), una.Session))
	if aws.ToString(confirmed.Session) == "" {
		t.Fatal("ConfirmSignUp with SignUp's Session returned no Session")
	}
	// Without SignUp's Session, ConfirmSignUp confirms and returns none.
	plain := must[*cip.ConfirmSignUpOutput](t)(confirm("otto", e.lastCode("otto", "SIGN_UP"), nil))
	if plain.Session != nil {
		t.Errorf("ConfirmSignUp without a Session returned %q", *plain.Session)
	}
	_, err = signIn("otto", confirmed.Session)
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session for the user.")
	out := must[*cip.InitiateAuthOutput](t)(signIn("una", confirmed.Session))
	if out.AuthenticationResult == nil || out.ChallengeName != "" {
		t.Fatalf("USER_AUTH with ConfirmSignUp's Session: %+v, want tokens", out)
	}
	if c := claims(t, *out.AuthenticationResult.AccessToken); c["username"] != "una" {
		t.Errorf("tokens for %v", c["username"])
	}
	_, err = signIn("una", confirmed.Session)
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session for the user.")

	// The Session is no challenge: RespondToAuthChallenge refuses it.
	_, err = e.client.RespondToAuthChallenge(e.ctx, &cip.RespondToAuthChallengeInput{ClientId: client,
		ChallengeName: types.ChallengeNameTypeEmailOtp, Session: signUp("ula").Session,
		ChallengeResponses: map[string]string{"USERNAME": "ula", "EMAIL_OTP_CODE": "12345678"}})
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session for the user.")
}
