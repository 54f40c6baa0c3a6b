package cognito

import (
	"reflect"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func TestDeleteUserAttributes(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	pool := aws.String(DemoPoolID)
	get := func() []types.AttributeType {
		return must[*cip.AdminGetUserOutput](t)(e.client.AdminGetUser(e.ctx,
			&cip.AdminGetUserInput{UserPoolId: pool, Username: aws.String(DemoUsername)})).UserAttributes
	}
	must[*cip.AdminDeleteUserAttributesOutput](t)(e.client.AdminDeleteUserAttributes(e.ctx, &cip.AdminDeleteUserAttributesInput{
		UserPoolId: pool, Username: aws.String(DemoUsername), UserAttributeNames: []string{"name", "email"}}))
	attrs := get()
	for _, gone := range []string{"name", "email", "email_verified"} {
		if attrValue(attrs, gone) != "" {
			t.Errorf("%s still set after AdminDeleteUserAttributes: %v", gone, attrs)
		}
	}
	if attrValue(attrs, "custom:tenant") != "acme" {
		t.Errorf("an attribute not named was deleted: %v", attrs)
	}
	_, err := e.client.AdminDeleteUserAttributes(e.ctx, &cip.AdminDeleteUserAttributesInput{
		UserPoolId: pool, Username: aws.String(DemoUsername), UserAttributeNames: []string{"favourite_colour"}})
	wantAPIError(t, err, "InvalidParameterException", "Attribute does not exist in the schema.")
	_, err = e.client.AdminDeleteUserAttributes(e.ctx, &cip.AdminDeleteUserAttributesInput{
		UserPoolId: pool, Username: aws.String("nobody"), UserAttributeNames: []string{"name"}})
	wantAPIError(t, err, "UserNotFoundException", "User does not exist.")

	r := must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(DemoPublicClientID, DemoUsername, DemoPassword, nil)).AuthenticationResult
	must[*cip.DeleteUserAttributesOutput](t)(e.client.DeleteUserAttributes(e.ctx, &cip.DeleteUserAttributesInput{
		AccessToken: r.AccessToken, UserAttributeNames: []string{"custom:tenant"}}))
	if v := attrValue(get(), "custom:tenant"); v != "" {
		t.Errorf("custom:tenant = %q after DeleteUserAttributes", v)
	}
	_, err = e.client.DeleteUserAttributes(e.ctx, &cip.DeleteUserAttributesInput{AccessToken: r.AccessToken, UserAttributeNames: []string{"sub"}})
	wantAPIError(t, err, "NotAuthorizedException", "A client attempted to write unauthorized attribute")
}

func TestUpdateGroup(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	pool := aws.String(DemoPoolID)
	out := must[*cip.UpdateGroupOutput](t)(e.client.UpdateGroup(e.ctx, &cip.UpdateGroupInput{
		UserPoolId: pool, GroupName: aws.String("users"), Precedence: aws.Int32(0)})).Group
	if aws.ToInt32(out.Precedence) != 0 || aws.ToString(out.Description) != "Everyone" || out.LastModifiedDate == nil {
		t.Errorf("UpdateGroup changed only Precedence? %+v", out)
	}
	// The group now outranks admins in the tokens' order.
	r := must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(DemoPublicClientID, DemoUsername, DemoPassword, nil)).AuthenticationResult
	if g := claims(t, *r.IdToken)["cognito:groups"].([]any); len(g) != 2 || g[0] != "users" {
		t.Errorf("cognito:groups = %v, want users first", g)
	}
	_, err := e.client.UpdateGroup(e.ctx, &cip.UpdateGroupInput{UserPoolId: pool, GroupName: aws.String("nope")})
	wantAPIError(t, err, "ResourceNotFoundException", "Group not found.")
}

func TestGetUserAuthFactors(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	// AdminGetUserAuthFactors is newer than the Go SDK this module pins.
	status, _, admin := rawCall(t, e, targetPrefix+"AdminGetUserAuthFactors", jsonType,
		`{"UserPoolId":"`+DemoPoolID+`","Username":"`+DemoMFAUsername+`"}`)
	want := map[string]any{"Username": DemoMFAUsername, "PreferredMfaSetting": "SOFTWARE_TOKEN_MFA",
		"UserMFASettingList": []any{"SOFTWARE_TOKEN_MFA"}, "ConfiguredUserAuthFactors": []any{"EMAIL_OTP", "PASSWORD"}}
	if status != 200 || !reflect.DeepEqual(admin, want) {
		t.Errorf("AdminGetUserAuthFactors %d %v, want %v", status, admin, want)
	}
	r := must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(DemoPublicClientID, DemoUsername, DemoPassword, nil)).AuthenticationResult
	self := must[*cip.GetUserAuthFactorsOutput](t)(e.client.GetUserAuthFactors(e.ctx, &cip.GetUserAuthFactorsInput{AccessToken: r.AccessToken}))
	if aws.ToString(self.Username) != DemoUsername || self.PreferredMfaSetting != nil || len(self.UserMFASettingList) != 0 ||
		!slices.Equal(self.ConfiguredUserAuthFactors, []types.AuthFactorType{"EMAIL_OTP", "PASSWORD"}) {
		t.Errorf("GetUserAuthFactors %+v", self)
	}
}
