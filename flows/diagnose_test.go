package flows

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
)

func callErr(flow Kind, challenge string, err error, mod ...func(*CallError)) error {
	ce := &CallError{Op: "test op", Operation: "InitiateAuth", Flow: flow, Challenge: challenge, Err: err}
	ce.API, _ = APIErrorOf(err)
	for _, m := range mod {
		m(ce)
	}
	return fmt.Errorf("wrapped: %w", ce)
}

func TestDiagnose(t *testing.T) {
	t.Parallel()
	na := func(m string) error { return &types.NotAuthorizedException{Message: aws.String(m)} }
	ip := func(m string) error { return &types.InvalidParameterException{Message: aws.String(m)} }
	withHash := func(ce *CallError) {
		ce.SecretSent = true
		ce.SecretHash = &SecretHashInfo{Username: "7c1e-uuid", Source: HashFromUserIDForSRP}
	}
	cases := []struct {
		name      string
		err       error
		wantType  string
		wantCause string // substring of Cause
		wantFix   string // substring of Fix
		wantRef   string
	}{
		{"srp not enabled", callErr(KindUserSRP, "", ip("USER_SRP_AUTH is not enabled for the client.")), "InvalidParameterException",
			"USER_SRP_AUTH is not enabled for this app client", "ALLOW_USER_SRP_AUTH", "a3"},
		{"password not enabled", callErr(KindUserPassword, "", ip("USER_PASSWORD_AUTH flow not enabled for this client")), "InvalidParameterException",
			"USER_PASSWORD_AUTH is not enabled", "ALLOW_USER_PASSWORD_AUTH", "a3"},
		{"refresh not enabled", callErr(KindRefreshTokenAuth, "", ip("Refresh Token flow not enabled for this client")), "InvalidParameterException",
			"rotation", "GetTokensFromRefreshToken", "a19"},
		{"secret missing", callErr(KindUserSRP, "", na("Client abc is configured for secret but secret was not received")), "NotAuthorizedException",
			"has a client secret", "--client-secret-stdin", "a2"},
		{"secret hash wrong", callErr(KindUserSRP, "PASSWORD_VERIFIER", na("Unable to verify secret hash for client abc"), withHash), "NotAuthorizedException",
			`computed from "7c1e-uuid" (USER_ID_FOR_SRP)`, "client secret", "a1"},
		{"secret hash wrong on refresh", callErr(KindRefreshTokenAuth, "", na("SecretHash does not match for the client: abc"), withHash), "NotAuthorizedException",
			"internal username", "access token", "a1"},
		{"wrong password srp", callErr(KindUserSRP, "PASSWORD_VERIFIER", na("Incorrect username or password."), func(ce *CallError) { ce.Timestamp = "Thu Nov 5 09:05:00 UTC 2026" }),
			"NotAuthorizedException", `"Thu Nov 5 09:05:00 UTC 2026"`, "--flow password", "a4"},
		{"wrong password", callErr(KindUserPassword, "", na("Incorrect username or password.")), "NotAuthorizedException",
			"Wrong password", "Check the password", "a4"},
		{"locked out", callErr(KindUserPassword, "", na("Password attempts exceeded")), "NotAuthorizedException", "locked", "wait", "a10"},
		{"session expired", callErr(KindUserSRP, "SMS_MFA", na("Invalid session for the user, session is expired.")), "NotAuthorizedException",
			"expired", "again", "a12"},
		{"session invalid", callErr(KindCustom, "CUSTOM_CHALLENGE", na("Invalid session for the user.")), "NotAuthorizedException",
			"already used", "again", "a12"},
		{"refresh revoked", callErr(KindRefreshTokenAuth, "", na("Refresh Token has been revoked")), "NotAuthorizedException", "revoked", "Sign in again", "a18"},
		{"invalid refresh no device", callErr(KindRefreshTokenAuth, "", na("Invalid Refresh Token")), "NotAuthorizedException", "no DEVICE_KEY", "latest sign-in", "a19"},
		{"timestamp", callErr(KindUserSRP, "PASSWORD_VERIFIER", ip("TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english."), func(ce *CallError) { ce.Timestamp = "x" }),
			"InvalidParameterException", "TIMESTAMP", "client bug", "a5"},
		{"missing param", callErr(KindUserSRP, "", ip("Missing required parameter SRP_A")), "InvalidParameterException", "SRP_A", "SRP_A", "a6"},
		{"user not found", callErr(KindUserSRP, "", &types.UserNotFoundException{Message: aws.String("User does not exist.")}), "UserNotFoundException",
			"no such user", "pool ID", "a7"},
		{"unconfirmed", callErr(KindUserSRP, "", &types.UserNotConfirmedException{Message: aws.String("User is not confirmed.")}), "UserNotConfirmedException",
			"never confirmed", "ConfirmSignUp", "a8"},
		{"reset required", callErr(KindUserSRP, "", &types.PasswordResetRequiredException{Message: aws.String("Password reset required for the user")}),
			"PasswordResetRequiredException", "reset", "ForgotPassword", "a9"},
		{"code mismatch totp", callErr(KindUserSRP, "SOFTWARE_TOKEN_MFA", &types.CodeMismatchException{Message: aws.String("Invalid code received for user")}),
			"CodeMismatchException", "clock drifts", "current code", "a14"},
		{"code mismatch sms", callErr(KindUserSRP, "SMS_MFA", &types.CodeMismatchException{Message: aws.String("Invalid code received for user")}),
			"CodeMismatchException", "does not match", "current code", "a14"},
		{"totp not found", callErr(KindUserSRP, "SOFTWARE_TOKEN_MFA", &types.SoftwareTokenMFANotFoundException{Message: aws.String("Software Token MFA does not exist for the user.")}),
			"SoftwareTokenMFANotFoundException", "no verified authenticator", "AssociateSoftwareToken", "a13"},
		{"device gone", callErr(KindUserSRP, "", &types.ResourceNotFoundException{Message: aws.String("Device does not exist.")}), "ResourceNotFoundException",
			"remembered device", "session store", "a15"},
		{"client gone", callErr(KindUserSRP, "", &types.ResourceNotFoundException{Message: aws.String("User pool client abc does not exist.")}), "ResourceNotFoundException",
			"app client", "region", ""},
		{"invalid password", callErr(KindUserSRP, "NEW_PASSWORD_REQUIRED", &types.InvalidPasswordException{Message: aws.String("Password did not conform with policy: Password not long enough")}),
			"InvalidPasswordException", "Password not long enough", "policy", ""},
		{"reuse", callErr(KindGetTokensFromRefreshToken, "", &types.RefreshTokenReuseException{Message: aws.String("Refresh token reused")}), "RefreshTokenReuseException",
			"rotated out", "newest", "a19"},
		{"lambda", callErr(KindCustom, "", &types.UserLambdaValidationException{Message: aws.String("boom")}), "UserLambdaValidationException", "Lambda trigger", "logs", ""},
		{"throttled", callErr(KindUserSRP, "", &types.TooManyRequestsException{Message: aws.String("Rate exceeded")}), "TooManyRequestsException", "throttled", "Wait", ""},
		{"access denied", callErr(KindAdminUserPassword, "", &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "not authorized"}), "AccessDeniedException",
			"permissions", "cognito-idp:InitiateAuth", ""},
		{"unknown api error", callErr(KindUserSRP, "", &smithy.GenericAPIError{Code: "WeirdException", Message: "odd"}), "WeirdException", "refused", "message", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			d := Diagnose(c.err)
			var ae smithy.APIError
			errors.As(c.err, &ae)
			if d.Type != c.wantType || d.Message != ae.ErrorMessage() {
				t.Errorf("type/message = %q %q, want AWS's %q %q", d.Type, d.Message, c.wantType, ae.ErrorMessage())
			}
			if !strings.Contains(d.Cause, c.wantCause) {
				t.Errorf("cause = %q, want it to contain %q", d.Cause, c.wantCause)
			}
			if !strings.Contains(d.Fix, c.wantFix) {
				t.Errorf("fix = %q, want it to contain %q", d.Fix, c.wantFix)
			}
			if d.Ref != c.wantRef {
				t.Errorf("ref = %q, want %q", d.Ref, c.wantRef)
			}
			if d.Operation != "test op" {
				t.Errorf("operation = %q", d.Operation)
			}
			s := d.String()
			if !strings.Contains(s, c.wantType) || !strings.Contains(s, "cause: ") {
				t.Errorf("String() = %q", s)
			}
		})
	}
}

func TestDiagnoseLocal(t *testing.T) {
	t.Parallel()
	dial := &url.Error{Op: "Post", URL: "http://127.0.0.1:1/", Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}}
	cases := []struct {
		err  error
		want string
	}{
		{&UnanswerableError{Challenge: "WEB_AUTHN", Reason: "no"}, "WEB_AUTHN"},
		{fmt.Errorf("%w: password is empty", ErrInvalidOptions), "nothing was sent"},
		{callErr(KindUserSRP, "", dial), "could not be reached"},
		{context.Canceled, "cancelled"},
	}
	for _, c := range cases {
		d := Diagnose(c.err)
		if d.Type != "" || !strings.Contains(d.Cause, c.want) {
			t.Errorf("Diagnose(%v) = %+v, want cause with %q", c.err, d, c.want)
		}
	}
	if d := Diagnose(nil); d != (Diagnosis{}) {
		t.Errorf("Diagnose(nil) = %+v", d)
	}
}
