package cognito

// Seed declares pools, clients, users, groups, resource servers and custom
// challenges to load at start-up (`cogscope local --seed FILE`, YAML or
// JSON). Every field is optional except where noted; ids left empty are
// generated.
type Seed struct {
	UserPools []PoolSeed `json:"userPools" yaml:"userPools"`
}

// PoolSeed declares one user pool.
type PoolSeed struct {
	// ID in region_XXXXXXXXX form; generated in the service's region when
	// empty.
	ID   string `json:"id,omitempty" yaml:"id,omitempty"`
	Name string `json:"name" yaml:"name"` // required
	// Domain is the hosted-UI domain prefix (served by the hosted UI).
	Domain string `json:"domain,omitempty" yaml:"domain,omitempty"`
	// MFA is OFF (default), ON or OPTIONAL; MFATypes lists the enabled
	// second factors: SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP.
	MFA      string   `json:"mfa,omitempty" yaml:"mfa,omitempty"`
	MFATypes []string `json:"mfaTypes,omitempty" yaml:"mfaTypes,omitempty"`
	// UsernameAttributes (email, phone_number) make those the sign-in
	// names; AliasAttributes (email, phone_number, preferred_username)
	// allow them as aliases. At most one of the two.
	UsernameAttributes     []string `json:"usernameAttributes,omitempty" yaml:"usernameAttributes,omitempty"`
	AliasAttributes        []string `json:"aliasAttributes,omitempty" yaml:"aliasAttributes,omitempty"`
	AutoVerifiedAttributes []string `json:"autoVerifiedAttributes,omitempty" yaml:"autoVerifiedAttributes,omitempty"`
	// CaseSensitive usernames; default false, as the console creates pools.
	CaseSensitive  bool                `json:"caseSensitive,omitempty" yaml:"caseSensitive,omitempty"`
	PasswordPolicy *PasswordPolicySeed `json:"passwordPolicy,omitempty" yaml:"passwordPolicy,omitempty"`
	// FirstAuthFactors enables choice-based sign-in (USER_AUTH): PASSWORD,
	// EMAIL_OTP, SMS_OTP, WEB_AUTHN. Default [PASSWORD].
	FirstAuthFactors []string `json:"firstAuthFactors,omitempty" yaml:"firstAuthFactors,omitempty"`
	// DeviceTracking turns on remembered devices.
	DeviceTracking *DeviceTrackingSeed `json:"deviceTracking,omitempty" yaml:"deviceTracking,omitempty"`
	// CustomAttributes are declared without the "custom:" prefix.
	CustomAttributes []string `json:"customAttributes,omitempty" yaml:"customAttributes,omitempty"`

	Clients          []ClientSeed          `json:"clients,omitempty" yaml:"clients,omitempty"`
	Users            []UserSeed            `json:"users,omitempty" yaml:"users,omitempty"`
	Groups           []GroupSeed           `json:"groups,omitempty" yaml:"groups,omitempty"`
	ResourceServers  []ResourceServerSeed  `json:"resourceServers,omitempty" yaml:"resourceServers,omitempty"`
	CustomChallenges []CustomChallengeSeed `json:"customChallenges,omitempty" yaml:"customChallenges,omitempty"`
	// IdentityProviders federate the pool through its hosted UI.
	IdentityProviders []IdentityProviderSeed `json:"identityProviders,omitempty" yaml:"identityProviders,omitempty"`
}

// IdentityProviderSeed declares a federated identity provider, as
// CreateIdentityProvider takes it: Type is OIDC or SAML (or a social
// provider), Details its ProviderDetails (OIDC: client_id, client_secret,
// authorize_scopes, oidc_issuer, attributes_request_method; SAML:
// MetadataFile or MetadataURL, IDPSignout, IDPInit), AttributeMapping pool
// attribute → provider attribute.
type IdentityProviderSeed struct {
	Name             string            `json:"name" yaml:"name"`
	Type             string            `json:"type" yaml:"type"`
	Details          map[string]string `json:"details" yaml:"details"`
	AttributeMapping map[string]string `json:"attributeMapping,omitempty" yaml:"attributeMapping,omitempty"`
	Identifiers      []string          `json:"idpIdentifiers,omitempty" yaml:"idpIdentifiers,omitempty"`
}

// PasswordPolicySeed overrides the default policy (8 characters, upper,
// lower, number and symbol required).
type PasswordPolicySeed struct {
	MinimumLength    int  `json:"minimumLength,omitempty" yaml:"minimumLength,omitempty"`
	RequireUppercase bool `json:"requireUppercase" yaml:"requireUppercase"`
	RequireLowercase bool `json:"requireLowercase" yaml:"requireLowercase"`
	RequireNumbers   bool `json:"requireNumbers" yaml:"requireNumbers"`
	RequireSymbols   bool `json:"requireSymbols" yaml:"requireSymbols"`
}

// DeviceTrackingSeed is the pool's DeviceConfiguration.
type DeviceTrackingSeed struct {
	ChallengeRequiredOnNewDevice     bool `json:"challengeRequiredOnNewDevice,omitempty" yaml:"challengeRequiredOnNewDevice,omitempty"`
	DeviceOnlyRememberedOnUserPrompt bool `json:"deviceOnlyRememberedOnUserPrompt,omitempty" yaml:"deviceOnlyRememberedOnUserPrompt,omitempty"`
}

// ClientSeed declares an app client. Validities use the API's units
// (access and ID tokens in hours, refresh tokens in days) unless
// TokenValidityUnits says otherwise.
type ClientSeed struct {
	// ID is 26 lowercase alphanumerics in real pools; generated when empty.
	ID   string `json:"id,omitempty" yaml:"id,omitempty"`
	Name string `json:"name" yaml:"name"`
	// Secret fixes the client secret; GenerateSecret draws one.
	Secret         string `json:"secret,omitempty" yaml:"secret,omitempty"`
	GenerateSecret bool   `json:"generateSecret,omitempty" yaml:"generateSecret,omitempty"`
	// ExplicitAuthFlows as in the API (ALLOW_USER_SRP_AUTH, ...); default
	// ALLOW_USER_SRP_AUTH, ALLOW_CUSTOM_AUTH, ALLOW_REFRESH_TOKEN_AUTH.
	ExplicitAuthFlows               []string             `json:"explicitAuthFlows,omitempty" yaml:"explicitAuthFlows,omitempty"`
	AccessTokenValidity             int                  `json:"accessTokenValidity,omitempty" yaml:"accessTokenValidity,omitempty"`
	IDTokenValidity                 int                  `json:"idTokenValidity,omitempty" yaml:"idTokenValidity,omitempty"`
	RefreshTokenValidity            int                  `json:"refreshTokenValidity,omitempty" yaml:"refreshTokenValidity,omitempty"`
	TokenValidityUnits              *TokenUnitsSeed      `json:"tokenValidityUnits,omitempty" yaml:"tokenValidityUnits,omitempty"`
	AuthSessionValidity             int                  `json:"authSessionValidity,omitempty" yaml:"authSessionValidity,omitempty"` // minutes, 3-15
	AllowedOAuthFlows               []string             `json:"allowedOAuthFlows,omitempty" yaml:"allowedOAuthFlows,omitempty"`
	AllowedOAuthScopes              []string             `json:"allowedOAuthScopes,omitempty" yaml:"allowedOAuthScopes,omitempty"`
	AllowedOAuthFlowsUserPoolClient bool                 `json:"allowedOAuthFlowsUserPoolClient,omitempty" yaml:"allowedOAuthFlowsUserPoolClient,omitempty"`
	CallbackURLs                    []string             `json:"callbackURLs,omitempty" yaml:"callbackURLs,omitempty"`
	LogoutURLs                      []string             `json:"logoutURLs,omitempty" yaml:"logoutURLs,omitempty"`
	SupportedIdentityProviders      []string             `json:"supportedIdentityProviders,omitempty" yaml:"supportedIdentityProviders,omitempty"`
	PreventUserExistenceErrors      string               `json:"preventUserExistenceErrors,omitempty" yaml:"preventUserExistenceErrors,omitempty"` // ENABLED or LEGACY
	EnableTokenRevocation           *bool                `json:"enableTokenRevocation,omitempty" yaml:"enableTokenRevocation,omitempty"`           // default true
	RefreshTokenRotation            *RefreshRotationSeed `json:"refreshTokenRotation,omitempty" yaml:"refreshTokenRotation,omitempty"`
	ReadAttributes                  []string             `json:"readAttributes,omitempty" yaml:"readAttributes,omitempty"`
	WriteAttributes                 []string             `json:"writeAttributes,omitempty" yaml:"writeAttributes,omitempty"`
}

// TokenUnitsSeed names the unit of each validity: seconds, minutes, hours
// or days.
type TokenUnitsSeed struct {
	AccessToken  string `json:"accessToken,omitempty" yaml:"accessToken,omitempty"`
	IDToken      string `json:"idToken,omitempty" yaml:"idToken,omitempty"`
	RefreshToken string `json:"refreshToken,omitempty" yaml:"refreshToken,omitempty"`
}

// RefreshRotationSeed is the client's RefreshTokenRotation.
type RefreshRotationSeed struct {
	Feature                 string `json:"feature" yaml:"feature"` // ENABLED or DISABLED
	RetryGracePeriodSeconds int    `json:"retryGracePeriodSeconds,omitempty" yaml:"retryGracePeriodSeconds,omitempty"`
}

// UserSeed declares a user. The password is turned into an SRP salt and
// verifier on load; the service never keeps it otherwise.
type UserSeed struct {
	Username string `json:"username" yaml:"username"` // required
	Password string `json:"password,omitempty" yaml:"password,omitempty"`
	// Status: CONFIRMED (default), UNCONFIRMED, FORCE_CHANGE_PASSWORD
	// (Password is then the temporary password) or RESET_REQUIRED.
	Status  string `json:"status,omitempty" yaml:"status,omitempty"`
	Enabled *bool  `json:"enabled,omitempty" yaml:"enabled,omitempty"` // default true
	// Sub fixes the user's UUID; generated when empty.
	Sub        string            `json:"sub,omitempty" yaml:"sub,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty" yaml:"attributes,omitempty"`
	Groups     []string          `json:"groups,omitempty" yaml:"groups,omitempty"`
	// MFA: TOTPSecret (base32) enrols an authenticator app; SMSMFA and
	// EmailMFA enable those factors; PreferredMFA is SMS_MFA,
	// SOFTWARE_TOKEN_MFA or EMAIL_OTP.
	TOTPSecret   string `json:"totpSecret,omitempty" yaml:"totpSecret,omitempty"`
	SMSMFA       bool   `json:"smsMfa,omitempty" yaml:"smsMfa,omitempty"`
	EmailMFA     bool   `json:"emailMfa,omitempty" yaml:"emailMfa,omitempty"`
	PreferredMFA string `json:"preferredMfa,omitempty" yaml:"preferredMfa,omitempty"`
	// WebAuthnCredentials are credential ids; a user with any is offered
	// the WEB_AUTHN challenge in USER_AUTH (which a terminal cannot answer).
	WebAuthnCredentials []string `json:"webAuthnCredentials,omitempty" yaml:"webAuthnCredentials,omitempty"`
	// Quiet, for an UNCONFIRMED user, sends no confirmation code when
	// the seed loads (the demo's user, whose code nobody needs, would
	// otherwise log one at every start). Not part of seed files.
	Quiet bool `json:"-" yaml:"-"`
}

// GroupSeed declares a group; members are listed on the users.
type GroupSeed struct {
	Name        string `json:"name" yaml:"name"`
	Description string `json:"description,omitempty" yaml:"description,omitempty"`
	RoleArn     string `json:"roleArn,omitempty" yaml:"roleArn,omitempty"`
	Precedence  *int   `json:"precedence,omitempty" yaml:"precedence,omitempty"`
}

// ResourceServerSeed declares custom scopes <identifier>/<scope>.
type ResourceServerSeed struct {
	Identifier string      `json:"identifier" yaml:"identifier"`
	Name       string      `json:"name" yaml:"name"`
	Scopes     []ScopeSeed `json:"scopes,omitempty" yaml:"scopes,omitempty"`
}

// ScopeSeed is one custom scope.
type ScopeSeed struct {
	Name        string `json:"name" yaml:"name"`
	Description string `json:"description,omitempty" yaml:"description,omitempty"`
}

// CustomChallengeSeed stands in for the Define/Create/Verify Auth Challenge
// Lambda triggers of CUSTOM_AUTH: a fixed sequence of rounds. Each round
// issues CUSTOM_CHALLENGE with its public parameters and expects its
// answer; after the last round tokens are issued. A wrong answer re-issues
// the round (with a new Session) until MaxAttempts is used up, then the
// sign-in fails with "Incorrect username or password.".
type CustomChallengeSeed struct {
	// Users this definition applies to (usernames); empty means every user
	// of the pool. The first matching definition wins.
	Users []string `json:"users,omitempty" yaml:"users,omitempty"`
	// RequireSRP makes the definition accept only sign-ins that began with
	// SRP (CHALLENGE_NAME=SRP_A), as a define trigger checking the session
	// for a PASSWORD_VERIFIER would.
	RequireSRP bool             `json:"requireSrp,omitempty" yaml:"requireSrp,omitempty"`
	Rounds     []ChallengeRound `json:"rounds" yaml:"rounds"`
}

// ChallengeRound is one CUSTOM_CHALLENGE.
type ChallengeRound struct {
	// PublicParameters are returned as ChallengeParameters (with USERNAME).
	PublicParameters map[string]string `json:"publicParameters,omitempty" yaml:"publicParameters,omitempty"`
	// Answer is the expected ANSWER. Leave it empty and set SendCode to
	// EMAIL or SMS to have a random 6-digit code "sent" (logged and kept in
	// SentCodes) and expected instead.
	Answer      string `json:"answer,omitempty" yaml:"answer,omitempty"`
	SendCode    string `json:"sendCode,omitempty" yaml:"sendCode,omitempty"`
	MaxAttempts int    `json:"maxAttempts,omitempty" yaml:"maxAttempts,omitempty"` // default 3
}
