package cognito

// handlers maps each supported X-Amz-Target action to its implementation.
var handlers map[string]handlerFunc

func init() {
	// Built in init because the handlers refer back to the table's users.
	handlers = map[string]handlerFunc{
		// Pools, clients, domains, MFA configuration.
		"CreateUserPool":         opCreateUserPool,
		"DescribeUserPool":       opDescribeUserPool,
		"UpdateUserPool":         opUpdateUserPool,
		"ListUserPools":          opListUserPools,
		"DeleteUserPool":         opDeleteUserPool,
		"SetUserPoolMfaConfig":   opSetUserPoolMfaConfig,
		"GetUserPoolMfaConfig":   opGetUserPoolMfaConfig,
		"CreateUserPoolClient":   opCreateUserPoolClient,
		"DescribeUserPoolClient": opDescribeUserPoolClient,
		"UpdateUserPoolClient":   opUpdateUserPoolClient,
		"DeleteUserPoolClient":   opDeleteUserPoolClient,
		"ListUserPoolClients":    opListUserPoolClients,
		"CreateUserPoolDomain":   opCreateUserPoolDomain,
		"DescribeUserPoolDomain": opDescribeUserPoolDomain,
		"DeleteUserPoolDomain":   opDeleteUserPoolDomain,
		"CreateResourceServer":   opCreateResourceServer,
		"DescribeResourceServer": opDescribeResourceServer,
		"ListResourceServers":    opListResourceServers,
		"DeleteResourceServer":   opDeleteResourceServer,

		// Identity providers (federation through the hosted UI).
		"CreateIdentityProvider":          opCreateIdentityProvider,
		"DescribeIdentityProvider":        opDescribeIdentityProvider,
		"ListIdentityProviders":           opListIdentityProviders,
		"UpdateIdentityProvider":          opUpdateIdentityProvider,
		"DeleteIdentityProvider":          opDeleteIdentityProvider,
		"GetIdentityProviderByIdentifier": opGetIdentityProviderByIdentifier,
		"GetSigningCertificate":           opGetSigningCertificate,

		// Groups.
		"CreateGroup":              opCreateGroup,
		"GetGroup":                 opGetGroup,
		"ListGroups":               opListGroups,
		"UpdateGroup":              opUpdateGroup,
		"DeleteGroup":              opDeleteGroup,
		"AdminAddUserToGroup":      opAdminAddUserToGroup,
		"AdminRemoveUserFromGroup": opAdminRemoveUserFromGroup,
		"AdminListGroupsForUser":   opAdminListGroupsForUser,
		"ListUsersInGroup":         opListUsersInGroup,

		// Users, administratively.
		"AdminCreateUser":           opAdminCreateUser,
		"AdminGetUser":              opAdminGetUser,
		"AdminDeleteUser":           opAdminDeleteUser,
		"AdminSetUserPassword":      opAdminSetUserPassword,
		"AdminConfirmSignUp":        opAdminConfirmSignUp,
		"AdminEnableUser":           opAdminEnableUser,
		"AdminDisableUser":          opAdminDisableUser,
		"AdminResetUserPassword":    opAdminResetUserPassword,
		"AdminUpdateUserAttributes": opAdminUpdateUserAttributes,
		"AdminDeleteUserAttributes": opAdminDeleteUserAttributes,
		"AdminGetUserAuthFactors":   opAdminGetUserAuthFactors,
		"AdminSetUserMFAPreference": opAdminSetUserMFAPreference,
		"AdminUserGlobalSignOut":    opAdminUserGlobalSignOut,
		"ListUsers":                 opListUsers,

		// Self-service.
		"SignUp":                           opSignUp,
		"ConfirmSignUp":                    opConfirmSignUp,
		"ResendConfirmationCode":           opResendConfirmationCode,
		"ForgotPassword":                   opForgotPassword,
		"ConfirmForgotPassword":            opConfirmForgotPassword,
		"ChangePassword":                   opChangePassword,
		"GetUser":                          opGetUser,
		"UpdateUserAttributes":             opUpdateUserAttributes,
		"DeleteUserAttributes":             opDeleteUserAttributes,
		"GetUserAuthFactors":               opGetUserAuthFactors,
		"GetUserAttributeVerificationCode": opGetUserAttributeVerificationCode,
		"VerifyUserAttribute":              opVerifyUserAttribute,
		"DeleteUser":                       opDeleteUser,
		"GlobalSignOut":                    opGlobalSignOut,
		"RevokeToken":                      opRevokeToken,
		"SetUserMFAPreference":             opSetUserMFAPreference,
		"AssociateSoftwareToken":           opAssociateSoftwareToken,
		"VerifySoftwareToken":              opVerifySoftwareToken,

		// Sign-in.
		"InitiateAuth":                opInitiateAuth,
		"RespondToAuthChallenge":      opRespondToAuthChallenge,
		"AdminInitiateAuth":           opAdminInitiateAuth,
		"AdminRespondToAuthChallenge": opAdminRespondToAuthChallenge,
		"GetTokensFromRefreshToken":   opGetTokensFromRefreshToken,

		// Devices.
		"ConfirmDevice":           opConfirmDevice,
		"UpdateDeviceStatus":      opUpdateDeviceStatus,
		"GetDevice":               opGetDevice,
		"ListDevices":             opListDevices,
		"ForgetDevice":            opForgetDevice,
		"AdminGetDevice":          opAdminGetDevice,
		"AdminListDevices":        opAdminListDevices,
		"AdminForgetDevice":       opAdminForgetDevice,
		"AdminUpdateDeviceStatus": opAdminUpdateDeviceStatus,
	}
}
