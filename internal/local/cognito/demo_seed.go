package cognito

// Fixed identifiers of the demo pool loaded when `cogscope local` runs
// without --seed. They are part of the documented interface: scripts and
// tests may rely on them.
const (
	DemoPoolID         = "us-east-1_CogScope1"
	DemoDomain         = "cogscope-demo" // the demo pool's hosted-UI domain prefix
	DemoPublicClientID = "cogscopedemopublicclient01"
	DemoSecretClientID = "cogscopedemosecretclient01"
	DemoRotateClientID = "cogscopedemorotateclient01"
	DemoClientSecret   = "democlientsecretforthecogscopelocalstack0123456789a"
	DemoUsername       = "demo"
	DemoPassword       = "Passw0rd!"
	DemoMFAUsername    = "mfa-demo"
	DemoTOTPSecret     = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	DemoNewUsername    = "new-user"
	DemoTempPassword   = "TempPassw0rd!"

	// Added for the console's tour (each shows one classic mistake):
	// a user who never confirmed the sign-up, a client without
	// ALLOW_USER_SRP_AUTH, and a machine client (client credentials
	// only) with the resource server "test" granting test/test.read.
	DemoUnconfirmedUsername   = "unconfirmed-user"
	DemoNoSRPClientID         = "cogscopedemonosrpclient001"
	DemoMachineClientID       = "cogscopedemomachineclient1"
	DemoMachineClientSecret   = "machineclientsecretforthecogscopelocalstack01234567"
	DemoMachineScope          = "test/test.read"
	DemoMachineResourceServer = "test"

	// The built-in upstream: a second pool whose hosted UI is the demo
	// pool's OpenID provider DemoOIDCProvider.
	DemoUpstreamPoolName     = "cogscope-upstream"
	DemoUpstreamDomain       = "cogscope-upstream"
	DemoUpstreamClientID     = "cogscopeupstreamfederation"
	DemoUpstreamClientSecret = "upstreamclientsecretforthecogscopelocalstack01234567"
	DemoOIDCProvider         = "CogscopeOIDC"
	DemoSAMLProvider         = "CogscopeSAML" // the upstream pool's built-in SAML IdP
	DemoUpstreamUsername     = "fed-user"
	DemoUpstreamPassword     = "Passw0rd!"
)

// DemoSeed is the built-in demo: one pool (verified e-mail addresses work
// as sign-in aliases) with five app clients (public;
// confidential with DemoClientSecret; public with refresh-token rotation;
// public without ALLOW_USER_SRP_AUTH; a machine client allowed only
// client_credentials for test/test.read), four users (demo, an admin in
// group "admins"; mfa-demo, enrolled in TOTP with DemoTOTPSecret;
// new-user, who must set a new password; unconfirmed-user, who never
// confirmed the sign-up), two groups, resource servers cogscope-api
// (read/write) and test (test.read), and a one-round custom challenge
// ("What is 6 x 7?" → "42") for CUSTOM_AUTH.
func DemoSeed() Seed {
	allFlows := []string{"ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_USER_AUTH"}
	one, ten := 1, 10
	return Seed{UserPools: []PoolSeed{{
		ID:                     DemoPoolID,
		Name:                   "cogscope-demo",
		Domain:                 DemoDomain,
		MFA:                    "OPTIONAL",
		MFATypes:               []string{"SOFTWARE_TOKEN_MFA", "EMAIL_OTP"},
		AutoVerifiedAttributes: []string{"email"},
		AliasAttributes:        []string{"email"},
		FirstAuthFactors:       []string{"PASSWORD", "EMAIL_OTP"},
		CustomAttributes:       []string{"tenant"},
		Clients: []ClientSeed{
			{ID: DemoPublicClientID, Name: "demo-public", ExplicitAuthFlows: allFlows,
				AllowedOAuthFlows: []string{"code"}, AllowedOAuthScopes: []string{"openid", "email", "profile", "aws.cognito.signin.user.admin"},
				AllowedOAuthFlowsUserPoolClient: true, CallbackURLs: []string{"http://localhost:8765/callback"},
				LogoutURLs: []string{"http://localhost:8765/signed-out"}, SupportedIdentityProviders: []string{"COGNITO", DemoOIDCProvider, DemoSAMLProvider}},
			{ID: DemoSecretClientID, Name: "demo-confidential", Secret: DemoClientSecret,
				ExplicitAuthFlows: append([]string{"ALLOW_ADMIN_USER_PASSWORD_AUTH"}, allFlows...),
				AllowedOAuthFlows: []string{"code", "client_credentials"}, AllowedOAuthScopes: []string{"openid", "email", "cogscope-api/read", "cogscope-api/write"},
				AllowedOAuthFlowsUserPoolClient: true, CallbackURLs: []string{"http://localhost:8765/callback"}, SupportedIdentityProviders: []string{"COGNITO"}},
			{ID: DemoRotateClientID, Name: "demo-rotation", ExplicitAuthFlows: []string{"ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH"},
				RefreshTokenRotation: &RefreshRotationSeed{Feature: "ENABLED", RetryGracePeriodSeconds: 10}},
			{ID: DemoNoSRPClientID, Name: "demo-srp-off", ExplicitAuthFlows: []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}},
			{ID: DemoMachineClientID, Name: "demo-machine", Secret: DemoMachineClientSecret,
				ExplicitAuthFlows: []string{"ALLOW_REFRESH_TOKEN_AUTH"}, AllowedOAuthFlows: []string{"client_credentials"},
				AllowedOAuthScopes: []string{DemoMachineScope}, AllowedOAuthFlowsUserPoolClient: true, SupportedIdentityProviders: []string{"COGNITO"}},
		},
		Groups: []GroupSeed{
			{Name: "admins", Description: "Administrators", Precedence: &one, RoleArn: "arn:aws:iam::123456789012:role/cogscope-demo-admins"},
			{Name: "users", Description: "Everyone", Precedence: &ten},
		},
		ResourceServers: []ResourceServerSeed{{Identifier: "cogscope-api", Name: "cogscope demo API",
			Scopes: []ScopeSeed{{Name: "read", Description: "Read access"}, {Name: "write", Description: "Write access"}}},
			{Identifier: DemoMachineResourceServer, Name: "test API", Scopes: []ScopeSeed{{Name: "test.read", Description: "Read the test API"}}}},
		Users: []UserSeed{
			{Username: DemoUsername, Password: DemoPassword, Groups: []string{"admins", "users"},
				Sub:        "5b1f0e8a-3c1d-4c7e-9a62-0d2f6c1e7a11",
				Attributes: map[string]string{"email": "demo@example.com", "email_verified": "true", "name": "Demo User", "custom:tenant": "acme"}},
			{Username: DemoMFAUsername, Password: DemoPassword, TOTPSecret: DemoTOTPSecret, PreferredMFA: "SOFTWARE_TOKEN_MFA",
				Groups: []string{"users"}, Sub: "7c2a9d3e-1b4f-4e8a-8c5d-2f6e0a9b3c22",
				Attributes: map[string]string{"email": "mfa-demo@example.com", "email_verified": "true"}},
			{Username: DemoNewUsername, Password: DemoTempPassword, Status: statusForceChange,
				Sub:        "9d3b0e4f-2c5a-4f9b-9d6e-3a7f1b0c4d33",
				Attributes: map[string]string{"email": "new-user@example.com", "email_verified": "true"}},
			{Username: DemoUnconfirmedUsername, Password: DemoPassword, Status: statusUnconfirmed, Quiet: true,
				Sub:        "4a7c1e9b-8d2f-4b6a-9e3c-6b8a2d1f5e55",
				Attributes: map[string]string{"email": "unconfirmed@example.com"}},
		},
		CustomChallenges: []CustomChallengeSeed{{Rounds: []ChallengeRound{{
			PublicParameters: map[string]string{"question": "What is 6 x 7?"}, Answer: "42"}}}},
		IdentityProviders: []IdentityProviderSeed{{Name: DemoOIDCProvider, Type: "OIDC", Identifiers: []string{"upstream.example"},
			Details: map[string]string{"client_id": DemoUpstreamClientID, "client_secret": DemoUpstreamClientSecret,
				"oidc_issuer": "{issuer:" + DemoUpstreamPoolName + "}", "authorize_scopes": "openid email profile", "attributes_request_method": "GET"},
			AttributeMapping: map[string]string{"email": "email", "email_verified": "email_verified", "name": "name"}},
			{Name: DemoSAMLProvider, Type: "SAML", Identifiers: []string{"saml.upstream.example"},
				Details: map[string]string{"MetadataURL": "{domain:" + DemoUpstreamDomain + "}/saml2/idp/metadata",
					// Signed AuthnRequests and sign-out at the IdP, so that the demo
					// shows both with no setup.
					"RequestSigningAlgorithm": "rsa-sha256", "IDPSignout": "true"},
				AttributeMapping: map[string]string{"email": "mail", "name": "cn"}}},
	}, demoUpstream()}}
}

// demoUpstream is the demo's built-in upstream identity provider: a pool
// whose hosted UI (domain cogscope-upstream) federates into the demo pool
// as the OIDC provider DemoOIDCProvider; its user fed-user signs in to the
// demo pool as CogscopeOIDC_<sub>. The "{...}" placeholders are the local
// stack's (see internal/local/hostedui): they stand for URLs on the
// stack's port, unknown when the seed is written.
func demoUpstream() PoolSeed {
	return PoolSeed{ID: "us-east-1_CogScope2", Name: DemoUpstreamPoolName, Domain: DemoUpstreamDomain,
		Clients: []ClientSeed{{ID: DemoUpstreamClientID, Name: "federation-to-cogscope-demo", Secret: DemoUpstreamClientSecret,
			AllowedOAuthFlows: []string{"code"}, AllowedOAuthScopes: []string{"openid", "email", "profile"},
			AllowedOAuthFlowsUserPoolClient: true, CallbackURLs: []string{"{domain:" + DemoDomain + "}/oauth2/idpresponse"},
			SupportedIdentityProviders: []string{"COGNITO"}}},
		Users: []UserSeed{{Username: DemoUpstreamUsername, Password: DemoUpstreamPassword, Sub: "2e8c4b1a-6d3f-4a9e-8b7c-5f1d0e2a9c44",
			Attributes: map[string]string{"email": "fed-user@upstream.example", "email_verified": "true", "name": "Federated User"}}},
	}
}
