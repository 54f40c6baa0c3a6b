package cognito

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func attr(name, value string) types.AttributeType {
	return types.AttributeType{Name: aws.String(name), Value: aws.String(value)}
}

func attrValue(list []types.AttributeType, name string) string {
	for _, a := range list {
		if *a.Name == name && a.Value != nil {
			return *a.Value
		}
	}
	return ""
}

func TestAdminUserLifecycle(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	pool := aws.String(DemoPoolID)
	created := must[*cip.AdminCreateUserOutput](t)(e.client.AdminCreateUser(e.ctx, &cip.AdminCreateUserInput{
		UserPoolId: pool, Username: aws.String("zoe"), TemporaryPassword: aws.String("Temp0rary!"),
		UserAttributes: []types.AttributeType{attr("email", "zoe@example.com"), attr("email_verified", "true")},
	})).User
	if *created.Username != "zoe" || created.UserStatus != types.UserStatusTypeForceChangePassword || !created.Enabled ||
		attrValue(created.Attributes, "sub") == "" || created.UserCreateDate == nil {
		t.Errorf("created %+v", created)
	}
	// The invitation carries the temporary password (SentCodes only).
	if got := e.lastCode("zoe", "INVITATION"); got != "Temp0rary!" {
		t.Errorf("invitation %q", got)
	}
	_, err := e.client.AdminCreateUser(e.ctx, &cip.AdminCreateUserInput{UserPoolId: pool, Username: aws.String("zoe")})
	wantAPIError(t, err, "UsernameExistsException", "User account already exists")
	_, err = e.client.AdminCreateUser(e.ctx, &cip.AdminCreateUserInput{UserPoolId: pool, Username: aws.String("weak"), TemporaryPassword: aws.String("weak")})
	wantAPIError(t, err, "InvalidPasswordException", "Password did not conform with password policy: Password not long enough")
	_, err = e.client.AdminCreateUser(e.ctx, &cip.AdminCreateUserInput{UserPoolId: pool, Username: aws.String("bad"),
		UserAttributes: []types.AttributeType{attr("favourite_colour", "blue")}})
	wantAPIError(t, err, "InvalidParameterException", "Attribute does not exist in the schema.")

	// FORCE_CHANGE_PASSWORD: the temporary password leads to NEW_PASSWORD_REQUIRED.
	out := must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(DemoPublicClientID, "zoe", "Temp0rary!", nil))
	if out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Fatalf("got %v", out.ChallengeName)
	}

	// AdminSetUserPassword permanent → CONFIRMED, the new password works.
	must[*cip.AdminSetUserPasswordOutput](t)(e.client.AdminSetUserPassword(e.ctx, &cip.AdminSetUserPasswordInput{
		UserPoolId: pool, Username: aws.String("zoe"), Password: aws.String("Perm4nent!"), Permanent: true}))
	got := must[*cip.AdminGetUserOutput](t)(e.client.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: pool, Username: aws.String("zoe")}))
	if got.UserStatus != types.UserStatusTypeConfirmed || attrValue(got.UserAttributes, "email") != "zoe@example.com" {
		t.Errorf("AdminGetUser %+v", got)
	}
	if o, err := e.passwordSignIn(DemoPublicClientID, "zoe", "Perm4nent!", nil); err != nil || o.AuthenticationResult == nil {
		t.Fatalf("sign-in after AdminSetUserPassword: %v", err)
	}
	_, err = e.client.AdminSetUserPassword(e.ctx, &cip.AdminSetUserPasswordInput{UserPoolId: pool, Username: aws.String("zoe"), Password: aws.String("short")})
	wantAPIError(t, err, "InvalidPasswordException", "Password did not conform with policy: Password not long enough")
	// Not permanent → FORCE_CHANGE_PASSWORD again.
	must[*cip.AdminSetUserPasswordOutput](t)(e.client.AdminSetUserPassword(e.ctx, &cip.AdminSetUserPasswordInput{
		UserPoolId: pool, Username: aws.String("zoe"), Password: aws.String("Temp0rary2!")}))
	if o := must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(DemoPublicClientID, "zoe", "Temp0rary2!", nil)); o.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Errorf("got %v", o.ChallengeName)
	}

	// Attributes: changing the e-mail unverifies it.
	must[*cip.AdminUpdateUserAttributesOutput](t)(e.client.AdminUpdateUserAttributes(e.ctx, &cip.AdminUpdateUserAttributesInput{
		UserPoolId: pool, Username: aws.String("zoe"), UserAttributes: []types.AttributeType{attr("email", "zoe2@example.com"), attr("name", "Zoe")}}))
	got = must[*cip.AdminGetUserOutput](t)(e.client.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: pool, Username: aws.String("zoe")}))
	if attrValue(got.UserAttributes, "email") != "zoe2@example.com" || attrValue(got.UserAttributes, "email_verified") != "false" || attrValue(got.UserAttributes, "name") != "Zoe" {
		t.Errorf("attributes %+v", got.UserAttributes)
	}

	// Disable / enable.
	must[*cip.AdminSetUserPasswordOutput](t)(e.client.AdminSetUserPassword(e.ctx, &cip.AdminSetUserPasswordInput{
		UserPoolId: pool, Username: aws.String("zoe"), Password: aws.String("Perm4nent!"), Permanent: true}))
	must[*cip.AdminDisableUserOutput](t)(e.client.AdminDisableUser(e.ctx, &cip.AdminDisableUserInput{UserPoolId: pool, Username: aws.String("zoe")}))
	_, err = e.passwordSignIn(DemoPublicClientID, "zoe", "Perm4nent!", nil)
	wantAPIError(t, err, "NotAuthorizedException", "User is disabled.")
	must[*cip.AdminEnableUserOutput](t)(e.client.AdminEnableUser(e.ctx, &cip.AdminEnableUserInput{UserPoolId: pool, Username: aws.String("zoe")}))

	// Reset: RESET_REQUIRED until ConfirmForgotPassword with the code.
	_, err = e.client.AdminResetUserPassword(e.ctx, &cip.AdminResetUserPasswordInput{UserPoolId: pool, Username: aws.String("zoe")})
	wantAPIError(t, err, "InvalidParameterException", "Cannot reset password for the user as there is no registered/verified email or phone_number")
	must[*cip.AdminResetUserPasswordOutput](t)(e.client.AdminResetUserPassword(e.ctx, &cip.AdminResetUserPasswordInput{UserPoolId: pool, Username: aws.String(DemoUsername)}))
	_, err = e.passwordSignIn(DemoPublicClientID, DemoUsername, DemoPassword, nil)
	wantAPIError(t, err, "PasswordResetRequiredException", "Password reset required for the user")
	must[*cip.ConfirmForgotPasswordOutput](t)(e.client.ConfirmForgotPassword(e.ctx, &cip.ConfirmForgotPasswordInput{ClientId: aws.String(DemoPublicClientID),
		Username: aws.String(DemoUsername), ConfirmationCode: aws.String(e.lastCode(DemoUsername, "FORGOT_PASSWORD")), Password: aws.String("Res3t-done")}))
	if _, err := e.passwordSignIn(DemoPublicClientID, DemoUsername, "Res3t-done", nil); err != nil {
		t.Fatal(err)
	}
	// A changed password drops the seed password from Describe.
	for _, u := range e.svc.Describe()[0].Users {
		if u.Username == DemoUsername {
			t.Errorf("Describe still lists %s with its seed password", u.Username)
		}
	}

	// Delete.
	must[*cip.AdminDeleteUserOutput](t)(e.client.AdminDeleteUser(e.ctx, &cip.AdminDeleteUserInput{UserPoolId: pool, Username: aws.String("zoe")}))
	_, err = e.client.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: pool, Username: aws.String("zoe")})
	wantAPIError(t, err, "UserNotFoundException", "User does not exist.")
	_, err = e.client.AdminDeleteUser(e.ctx, &cip.AdminDeleteUserInput{UserPoolId: pool, Username: aws.String("zoe")})
	wantAPIError(t, err, "UserNotFoundException", "User does not exist.")
}

func TestEmailAsUsernamePool(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Seed{UserPools: []PoolSeed{{ID: "us-east-1_EmailPool", Name: "email", UsernameAttributes: []string{"email"},
		Clients: []ClientSeed{{ID: "emailclient", Name: "c", ExplicitAuthFlows: []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}}}}})
	u := must[*cip.AdminCreateUserOutput](t)(e.client.AdminCreateUser(e.ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String("us-east-1_EmailPool"),
		Username: aws.String("ann@example.com"), TemporaryPassword: aws.String("Temp0rary!"), MessageAction: types.MessageActionTypeSuppress})).User
	sub := attrValue(u.Attributes, "sub")
	if *u.Username != sub || attrValue(u.Attributes, "email") != "ann@example.com" {
		t.Errorf("internal username %q, sub %q, attributes %+v", *u.Username, sub, u.Attributes)
	}
	_, err := e.client.AdminCreateUser(e.ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String("us-east-1_EmailPool"), Username: aws.String("ann")})
	wantAPIError(t, err, "InvalidParameterException", "Username should be an email.")
	must[*cip.AdminSetUserPasswordOutput](t)(e.client.AdminSetUserPassword(e.ctx, &cip.AdminSetUserPasswordInput{
		UserPoolId: aws.String("us-east-1_EmailPool"), Username: aws.String("ann@example.com"), Password: aws.String("Perm4nent!"), Permanent: true}))
	// SRP: USER_ID_FOR_SRP is the sub, and the proof is over it.
	res := must[*cip.RespondToAuthChallengeOutput](t)(e.srpSignIn("emailclient", "us-east-1_EmailPool", "ANN@example.com", "Perm4nent!"))
	if c := claims(t, *res.AuthenticationResult.IdToken); c["cognito:username"] != sub || c["email"] != "ann@example.com" {
		t.Errorf("claims %v", c)
	}
}

func TestGroups(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	pool := aws.String(DemoPoolID)
	g := must[*cip.CreateGroupOutput](t)(e.client.CreateGroup(e.ctx, &cip.CreateGroupInput{UserPoolId: pool, GroupName: aws.String("ops"),
		Precedence: aws.Int32(0), RoleArn: aws.String("arn:aws:iam::123456789012:role/ops"), Description: aws.String("on call")})).Group
	if *g.GroupName != "ops" || *g.Precedence != 0 || *g.UserPoolId != DemoPoolID {
		t.Errorf("%+v", g)
	}
	_, err := e.client.CreateGroup(e.ctx, &cip.CreateGroupInput{UserPoolId: pool, GroupName: aws.String("ops")})
	wantAPIError(t, err, "GroupExistsException", "A group with the name ops already exists.")
	must[*cip.AdminAddUserToGroupOutput](t)(e.client.AdminAddUserToGroup(e.ctx, &cip.AdminAddUserToGroupInput{UserPoolId: pool, GroupName: aws.String("ops"), Username: aws.String(DemoUsername)}))
	_, err = e.client.AdminAddUserToGroup(e.ctx, &cip.AdminAddUserToGroupInput{UserPoolId: pool, GroupName: aws.String("nope"), Username: aws.String(DemoUsername)})
	wantAPIError(t, err, "ResourceNotFoundException", "Group not found.")
	_, err = e.client.AdminAddUserToGroup(e.ctx, &cip.AdminAddUserToGroupInput{UserPoolId: pool, GroupName: aws.String("ops"), Username: aws.String("nobody")})
	wantAPIError(t, err, "UserNotFoundException", "User does not exist.")

	// ops has precedence 0, so it leads the groups and sets the preferred role.
	r := must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(DemoPublicClientID, DemoUsername, DemoPassword, nil)).AuthenticationResult
	id := claims(t, *r.IdToken)
	groups, _ := id["cognito:groups"].([]any)
	roles, _ := id["cognito:roles"].([]any)
	if len(groups) != 3 || groups[0] != "ops" || id["cognito:preferred_role"] != "arn:aws:iam::123456789012:role/ops" || len(roles) != 2 {
		t.Errorf("groups %v roles %v preferred %v", groups, roles, id["cognito:preferred_role"])
	}
	forUser := must[*cip.AdminListGroupsForUserOutput](t)(e.client.AdminListGroupsForUser(e.ctx, &cip.AdminListGroupsForUserInput{UserPoolId: pool, Username: aws.String(DemoUsername)}))
	inGroup := must[*cip.ListUsersInGroupOutput](t)(e.client.ListUsersInGroup(e.ctx, &cip.ListUsersInGroupInput{UserPoolId: pool, GroupName: aws.String("ops")}))
	if len(forUser.Groups) != 3 || len(inGroup.Users) != 1 || *inGroup.Users[0].Username != DemoUsername {
		t.Errorf("%d groups for user, %d users in group", len(forUser.Groups), len(inGroup.Users))
	}
	must[*cip.AdminRemoveUserFromGroupOutput](t)(e.client.AdminRemoveUserFromGroup(e.ctx, &cip.AdminRemoveUserFromGroupInput{UserPoolId: pool, GroupName: aws.String("ops"), Username: aws.String(DemoUsername)}))
	must[*cip.DeleteGroupOutput](t)(e.client.DeleteGroup(e.ctx, &cip.DeleteGroupInput{UserPoolId: pool, GroupName: aws.String("users")}))
	list := must[*cip.ListGroupsOutput](t)(e.client.ListGroups(e.ctx, &cip.ListGroupsInput{UserPoolId: pool}))
	if len(list.Groups) != 2 {
		t.Errorf("%d groups left", len(list.Groups))
	}
	r = must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(DemoPublicClientID, DemoUsername, DemoPassword, nil)).AuthenticationResult
	if g, _ := claims(t, *r.AccessToken)["cognito:groups"].([]any); len(g) != 1 || g[0] != "admins" {
		t.Errorf("groups after removal %v", g)
	}
}

func TestListUsers(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	pool := aws.String(DemoPoolID)
	all := must[*cip.ListUsersOutput](t)(e.client.ListUsers(e.ctx, &cip.ListUsersInput{UserPoolId: pool}))
	if len(all.Users) != 4 {
		t.Fatalf("%d users", len(all.Users))
	}
	byEmail := must[*cip.ListUsersOutput](t)(e.client.ListUsers(e.ctx, &cip.ListUsersInput{UserPoolId: pool, Filter: aws.String(`email = "demo@example.com"`)}))
	if len(byEmail.Users) != 1 || *byEmail.Users[0].Username != DemoUsername {
		t.Errorf("filter by e-mail: %+v", byEmail.Users)
	}
	prefix := must[*cip.ListUsersOutput](t)(e.client.ListUsers(e.ctx, &cip.ListUsersInput{UserPoolId: pool, Filter: aws.String(`username ^= "mfa"`),
		AttributesToGet: []string{"email"}}))
	if len(prefix.Users) != 1 || len(prefix.Users[0].Attributes) != 1 {
		t.Errorf("prefix filter: %+v", prefix.Users)
	}
	page1 := must[*cip.ListUsersOutput](t)(e.client.ListUsers(e.ctx, &cip.ListUsersInput{UserPoolId: pool, Limit: aws.Int32(2)}))
	page2 := must[*cip.ListUsersOutput](t)(e.client.ListUsers(e.ctx, &cip.ListUsersInput{UserPoolId: pool, Limit: aws.Int32(2), PaginationToken: page1.PaginationToken}))
	if len(page1.Users) != 2 || len(page2.Users) != 2 || page2.PaginationToken != nil {
		t.Errorf("pages of %d and %d", len(page1.Users), len(page2.Users))
	}
	_, err := e.client.ListUsers(e.ctx, &cip.ListUsersInput{UserPoolId: pool, Filter: aws.String(`shoe_size > 9`)})
	wantAPIError(t, err, "InvalidParameterException", "Error while parsing filter.")
}

// TestConcurrentChangePasswordNeverConflicts races several ChangePassword
// calls with the same previous password: one wins, the others fail as
// they would one after the other ("Incorrect username or password."),
// and none answers ConcurrentModificationException, which Cognito's
// ChangePassword does not return.
func TestConcurrentChangePasswordNeverConflicts(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	out := must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(DemoPublicClientID, DemoUsername, DemoPassword, nil))
	token := out.AuthenticationResult.AccessToken
	const n = 8
	errs := make(chan error, n)
	for i := range n {
		go func() {
			_, err := e.client.ChangePassword(e.ctx, &cip.ChangePasswordInput{AccessToken: token,
				PreviousPassword: aws.String(DemoPassword), ProposedPassword: aws.String(fmt.Sprintf("New-pass-%d", i))})
			errs <- err
		}()
	}
	wins := 0
	for range n {
		err := <-errs
		if err == nil {
			wins++
			continue
		}
		wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	}
	if wins != 1 {
		t.Fatalf("%d ChangePassword calls succeeded with the same previous password, want 1", wins)
	}
}
