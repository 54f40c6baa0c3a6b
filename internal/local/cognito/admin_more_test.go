package cognito

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestMoreAdminActions covers the actions the flow-centred tests do not.
func TestMoreAdminActions(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	pool := aws.String(DemoPoolID)

	t.Run("AdminConfirmSignUp", func(t *testing.T) {
		must[*cip.SignUpOutput](t)(e.client.SignUp(e.ctx, &cip.SignUpInput{ClientId: aws.String(DemoPublicClientID), Username: aws.String("amy"), Password: aws.String("Sign-up-1")}))
		must[*cip.AdminConfirmSignUpOutput](t)(e.client.AdminConfirmSignUp(e.ctx, &cip.AdminConfirmSignUpInput{UserPoolId: pool, Username: aws.String("amy")}))
		_, err := e.client.AdminConfirmSignUp(e.ctx, &cip.AdminConfirmSignUpInput{UserPoolId: pool, Username: aws.String("amy")})
		wantAPIError(t, err, "NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED")
		if _, err := e.passwordSignIn(DemoPublicClientID, "amy", "Sign-up-1", nil); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("usernames with whitespace", func(t *testing.T) {
		_, err := e.client.SignUp(e.ctx, &cip.SignUpInput{ClientId: aws.String(DemoPublicClientID), Username: aws.String("two words"), Password: aws.String("Sign-up-1")})
		wantAPIError(t, err, "InvalidParameterException", `1 validation error detected: Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{M}\p{S}\p{N}\p{P}]+`)
	})
	t.Run("GetGroup and resource servers", func(t *testing.T) {
		g := must[*cip.GetGroupOutput](t)(e.client.GetGroup(e.ctx, &cip.GetGroupInput{UserPoolId: pool, GroupName: aws.String("admins")})).Group
		if *g.Precedence != 1 || *g.RoleArn == "" {
			t.Errorf("%+v", g)
		}
		_, err := e.client.GetGroup(e.ctx, &cip.GetGroupInput{UserPoolId: pool, GroupName: aws.String("nope")})
		wantAPIError(t, err, "ResourceNotFoundException", "Group not found.")
		rs := must[*cip.DescribeResourceServerOutput](t)(e.client.DescribeResourceServer(e.ctx, &cip.DescribeResourceServerInput{UserPoolId: pool, Identifier: aws.String("cogscope-api")})).ResourceServer
		if len(rs.Scopes) != 2 || *rs.Name != "cogscope demo API" {
			t.Errorf("%+v", rs)
		}
		must[*cip.DeleteResourceServerOutput](t)(e.client.DeleteResourceServer(e.ctx, &cip.DeleteResourceServerInput{UserPoolId: pool, Identifier: aws.String("cogscope-api")}))
		_, err = e.client.DescribeResourceServer(e.ctx, &cip.DescribeResourceServerInput{UserPoolId: pool, Identifier: aws.String("cogscope-api")})
		wantAPIError(t, err, "ResourceNotFoundException", "Resource server cogscope-api does not exist.")
	})
	t.Run("AdminUserGlobalSignOut", func(t *testing.T) {
		r := must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(DemoPublicClientID, DemoUsername, DemoPassword, nil)).AuthenticationResult
		must[*cip.AdminUserGlobalSignOutOutput](t)(e.client.AdminUserGlobalSignOut(e.ctx, &cip.AdminUserGlobalSignOutInput{UserPoolId: pool, Username: aws.String(DemoUsername)}))
		_, err := e.client.GetUser(e.ctx, &cip.GetUserInput{AccessToken: r.AccessToken})
		wantAPIError(t, err, "NotAuthorizedException", "Access Token has been revoked")
	})
	t.Run("GetUserAttributeVerificationCode", func(t *testing.T) {
		r := must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(DemoPublicClientID, DemoUsername, DemoPassword, nil)).AuthenticationResult
		out := must[*cip.GetUserAttributeVerificationCodeOutput](t)(e.client.GetUserAttributeVerificationCode(e.ctx, &cip.GetUserAttributeVerificationCodeInput{
			AccessToken: r.AccessToken, AttributeName: aws.String("email")}))
		if *out.CodeDeliveryDetails.Destination != "d***@e***.com" {
			t.Errorf("%+v", out.CodeDeliveryDetails)
		}
		_, err := e.client.VerifyUserAttribute(e.ctx, &cip.VerifyUserAttributeInput{AccessToken: r.AccessToken, AttributeName: aws.String("email"), Code: aws.String("x")})
		wantAPIError(t, err, "CodeMismatchException", "Invalid verification code provided, please try again.")
		_, err = e.client.GetUserAttributeVerificationCode(e.ctx, &cip.GetUserAttributeVerificationCodeInput{AccessToken: r.AccessToken, AttributeName: aws.String("phone_number")})
		wantAPIError(t, err, "InvalidParameterException", "Invalid attribute name: phone_number")
	})
	t.Run("AdminRespondToAuthChallenge", func(t *testing.T) {
		out := must[*cip.AdminInitiateAuthOutput](t)(e.client.AdminInitiateAuth(e.ctx, &cip.AdminInitiateAuthInput{UserPoolId: pool,
			ClientId: aws.String(DemoSecretClientID), AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": DemoMFAUsername, "PASSWORD": DemoPassword, "SECRET_HASH": secretHash(DemoClientSecret, DemoMFAUsername, DemoSecretClientID)}}))
		if out.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
			t.Fatalf("got %s", out.ChallengeName)
		}
		_, err := e.client.AdminRespondToAuthChallenge(e.ctx, &cip.AdminRespondToAuthChallengeInput{UserPoolId: pool, ClientId: aws.String(DemoSecretClientID),
			ChallengeName: out.ChallengeName, Session: out.Session, ChallengeResponses: map[string]string{"USERNAME": DemoMFAUsername,
				"SOFTWARE_TOKEN_MFA_CODE": totpCode(t, DemoTOTPSecret, e.clock.Now())}})
		wantAPIError(t, err, "NotAuthorizedException", "Client "+DemoSecretClientID+" is configured for secret but secret was not received")
		res := must[*cip.AdminRespondToAuthChallengeOutput](t)(e.client.AdminRespondToAuthChallenge(e.ctx, &cip.AdminRespondToAuthChallengeInput{UserPoolId: pool,
			ClientId: aws.String(DemoSecretClientID), ChallengeName: out.ChallengeName, Session: out.Session, ChallengeResponses: map[string]string{
				"USERNAME": DemoMFAUsername, "SECRET_HASH": secretHash(DemoClientSecret, DemoMFAUsername, DemoSecretClientID),
				"SOFTWARE_TOKEN_MFA_CODE": totpCode(t, DemoTOTPSecret, e.clock.Now())}}))
		if res.AuthenticationResult == nil {
			t.Fatal("no tokens")
		}
	})
	t.Run("temporary password expiry", func(t *testing.T) {
		e := newDemoEnv(t)
		e.clock.Advance(8 * 24 * time.Hour)
		_, err := e.passwordSignIn(DemoPublicClientID, DemoNewUsername, DemoTempPassword, nil)
		wantAPIError(t, err, "NotAuthorizedException", "Temporary password has expired and must be reset by an administrator.")
	})
	t.Run("hosted and API sessions do not mix", func(t *testing.T) {
		st := must[*HostedSignIn](t)(e.svc.PasswordSignIn(DemoPublicClientID, DemoMFAUsername, DemoPassword))
		_, err := e.respond(DemoPublicClientID, "SOFTWARE_TOKEN_MFA", aws.String(st.Handle), map[string]string{"USERNAME": DemoMFAUsername,
			"SOFTWARE_TOKEN_MFA_CODE": totpCode(t, DemoTOTPSecret, e.clock.Now())})
		wantAPIError(t, err, "NotAuthorizedException", "Invalid session for the user.")
	})
}

func TestAdminDevices(t *testing.T) {
	t.Parallel()
	e := newEnv(t, deviceSeed(false))
	r := must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(deviceClient, "other", goodPassword, nil)).AuthenticationResult
	d, _ := e.confirmDevice(t, r.AccessToken, r.NewDeviceMetadata)
	pool, user := aws.String(devicePool), aws.String("other")
	list := must[*cip.AdminListDevicesOutput](t)(e.client.AdminListDevices(e.ctx, &cip.AdminListDevicesInput{UserPoolId: pool, Username: user}))
	if len(list.Devices) != 1 || *list.Devices[0].DeviceKey != d.key {
		t.Fatalf("%+v", list.Devices)
	}
	got := must[*cip.AdminGetDeviceOutput](t)(e.client.AdminGetDevice(e.ctx, &cip.AdminGetDeviceInput{UserPoolId: pool, Username: user, DeviceKey: aws.String(d.key)}))
	if attrValue(got.Device.DeviceAttributes, "device_remembered_status") != "remembered" {
		t.Errorf("%+v", got.Device.DeviceAttributes)
	}
	_, err := e.client.AdminGetDevice(e.ctx, &cip.AdminGetDeviceInput{UserPoolId: pool, Username: aws.String("dev"), DeviceKey: aws.String(d.key)})
	wantAPIError(t, err, "ResourceNotFoundException", "Device does not exist.")
	must[*cip.AdminForgetDeviceOutput](t)(e.client.AdminForgetDevice(e.ctx, &cip.AdminForgetDeviceInput{UserPoolId: pool, Username: user, DeviceKey: aws.String(d.key)}))
	list = must[*cip.AdminListDevicesOutput](t)(e.client.AdminListDevices(e.ctx, &cip.AdminListDevicesInput{UserPoolId: pool, Username: user}))
	if len(list.Devices) != 0 {
		t.Errorf("%d devices after forget", len(list.Devices))
	}
	_, err = e.client.ConfirmDevice(e.ctx, &cip.ConfirmDeviceInput{AccessToken: r.AccessToken, DeviceKey: aws.String("us-east-1_00000000-0000-0000-0000-000000000000"),
		DeviceSecretVerifierConfig: &types.DeviceSecretVerifierConfigType{PasswordVerifier: aws.String("AQ=="), Salt: aws.String("AQ==")}})
	wantAPIError(t, err, "ResourceNotFoundException", "Device does not exist.")
}

func TestLockout(t *testing.T) {
	t.Parallel()
	seed := DemoSeed()
	e := newEnvWith(t, &seed, func(s *Service) { s.lockout = 3 })
	for i := 0; i < 3; i++ {
		_, err := e.passwordSignIn(DemoPublicClientID, DemoUsername, "Wr0ng-pass", nil)
		wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	}
	// Locked for a second: even the right password is refused, by SRP too.
	_, err := e.passwordSignIn(DemoPublicClientID, DemoUsername, DemoPassword, nil)
	wantAPIError(t, err, "NotAuthorizedException", "Password attempts exceeded")
	_, err = e.srpSignIn(DemoPublicClientID, DemoPoolID, DemoUsername, DemoPassword)
	wantAPIError(t, err, "NotAuthorizedException", "Password attempts exceeded")
	e.clock.Advance(1100 * time.Millisecond)
	// Another failure doubles the lock.
	_, err = e.srpSignIn(DemoPublicClientID, DemoPoolID, DemoUsername, "Wr0ng-pass")
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	e.clock.Advance(1100 * time.Millisecond)
	_, err = e.passwordSignIn(DemoPublicClientID, DemoUsername, DemoPassword, nil)
	wantAPIError(t, err, "NotAuthorizedException", "Password attempts exceeded")
	e.clock.Advance(time.Second)
	if _, err := e.passwordSignIn(DemoPublicClientID, DemoUsername, DemoPassword, nil); err != nil {
		t.Fatalf("after the lock: %v", err)
	}
	// Success reset the count: one more failure does not lock.
	_, err = e.passwordSignIn(DemoPublicClientID, DemoUsername, "Wr0ng-pass", nil)
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	if _, err := e.passwordSignIn(DemoPublicClientID, DemoUsername, DemoPassword, nil); err != nil {
		t.Fatal(err)
	}
}
