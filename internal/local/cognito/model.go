package cognito

import (
	"crypto/x509"
	"math/big"
	"strings"
	"time"
)

// state is everything the service persists. Its types have exported fields
// so Snapshot can encode it as JSON; indexes that can be rebuilt are
// unexported and rebuilt by reindex after Restore.
type state struct {
	Version int              `json:"version"`
	Pools   map[string]*pool `json:"pools"`
	// Refresh maps SHA-256(refresh token), hex, to its record: the state
	// file never holds a usable refresh token.
	Refresh map[string]*refreshRecord `json:"refresh"`
	// Families are sign-in sessions keyed by origin_jti; revoking one
	// revokes every token minted from it.
	Families map[string]*family `json:"families"`

	clients map[string]*client     // client id → client
	kids    map[string]*signingKey // kid → key
	domains map[string]string      // domain prefix → pool id
}

const stateVersion = 1

func newState() *state {
	st := &state{Version: stateVersion, Pools: map[string]*pool{},
		Refresh: map[string]*refreshRecord{}, Families: map[string]*family{}}
	st.reindex()
	return st
}

// reindex rebuilds the lookup maps from the persisted data.
func (st *state) reindex() {
	st.clients = map[string]*client{}
	st.kids = map[string]*signingKey{}
	st.domains = map[string]string{}
	for _, p := range st.Pools {
		for _, c := range p.Clients {
			st.clients[c.ClientID] = c
		}
		for _, k := range p.Keys {
			if k != nil {
				st.kids[k.Kid] = k
			}
		}
		if p.Domain != "" {
			st.domains[p.Domain] = p.ID
		}
		p.reindex()
	}
}

type pool struct {
	ID                     string            `json:"id"`
	Name                   string            `json:"name"`
	Region                 string            `json:"region"`
	Created                time.Time         `json:"created"`
	Modified               time.Time         `json:"modified"`
	Policy                 passwordPolicy    `json:"passwordPolicy"`
	FirstAuthFactors       []string          `json:"firstAuthFactors,omitempty"`
	MFA                    string            `json:"mfa"` // OFF, ON, OPTIONAL
	SMSMFA                 bool              `json:"smsMfa,omitempty"`
	SoftwareTokenMFA       bool              `json:"softwareTokenMfa,omitempty"`
	EmailMFA               bool              `json:"emailMfa,omitempty"`
	UsernameAttributes     []string          `json:"usernameAttributes,omitempty"`
	AliasAttributes        []string          `json:"aliasAttributes,omitempty"`
	AutoVerified           []string          `json:"autoVerifiedAttributes,omitempty"`
	CaseSensitive          bool              `json:"caseSensitive"`
	Device                 *deviceConfig     `json:"deviceConfiguration,omitempty"`
	Domain                 string            `json:"domain,omitempty"`
	CustomDomainCert       string            `json:"customDomainCert,omitempty"` // set when Domain is a custom domain
	DeletionProtection     string            `json:"deletionProtection,omitempty"`
	AdminCreateUserOnly    bool              `json:"adminCreateUserOnly,omitempty"`
	CustomAttributes       []customAttribute `json:"customAttributes,omitempty"`
	RequiredAttributes     []string          `json:"requiredAttributes,omitempty"`
	Tags                   map[string]string `json:"tags,omitempty"`
	Tier                   string            `json:"tier,omitempty"`
	Keys                   [2]*signingKey    `json:"keys"` // [0] signs ID tokens, [1] access tokens
	Clients                map[string]*client
	Users                  map[string]*user // key: userKey(username)
	Groups                 map[string]*group
	ResourceServers        map[string]*resourceServer
	IdentityProviders      map[string]*identityProvider `json:"identityProviders,omitempty"`
	CustomChallenges       []CustomChallengeSeed        `json:"customChallenges,omitempty"`
	Devices                map[string]*device           `json:"devices"`
	EstimatedNumberOfUsers int                          `json:"-"`
	// SAMLKey signs the pool's SAML requests (SAMLSigning); made on
	// first use.
	SAMLKey *signingKey `json:"samlSigningKey,omitempty"`

	bySub    map[string]*user
	samlCert *x509.Certificate // SAMLKey's certificate, made on first use
}

func (p *pool) reindex() {
	p.bySub = map[string]*user{}
	for _, u := range p.Users {
		p.bySub[u.Sub] = u
	}
	if p.Devices == nil {
		p.Devices = map[string]*device{}
	}
}

// userKey is the map key for a username: Cognito compares usernames
// case-insensitively unless the pool was made case sensitive.
func (p *pool) userKey(name string) string {
	if p.CaseSensitive {
		return name
	}
	return strings.ToLower(name)
}

// lookupUser finds a user by internal username, then by sub, then by a
// sign-in attribute: the username attributes (email/phone_number pools)
// or a verified alias.
func (p *pool) lookupUser(name string) *user {
	if name == "" {
		return nil
	}
	if u := p.Users[p.userKey(name)]; u != nil {
		return u
	}
	if u := p.bySub[name]; u != nil {
		return u
	}
	for _, attr := range p.signInAttributes() {
		for _, u := range p.Users {
			if matchesSignInAttribute(p, u, attr, name) {
				return u
			}
		}
	}
	return nil
}

// signInAttributes are the attributes a user may type instead of the
// username.
func (p *pool) signInAttributes() []string {
	if len(p.UsernameAttributes) > 0 {
		return p.UsernameAttributes
	}
	return p.AliasAttributes
}

func matchesSignInAttribute(p *pool, u *user, attr, name string) bool {
	v, ok := u.Attributes[attr]
	if !ok || v == "" {
		return false
	}
	if len(p.UsernameAttributes) == 0 && attr != "preferred_username" && u.Attributes[attr+"_verified"] != "true" {
		return false // an alias signs in only once verified
	}
	if attr == "email" || !p.CaseSensitive {
		return strings.EqualFold(v, name)
	}
	return v == name
}

func (p *pool) arn() string {
	return "arn:aws:cognito-idp:" + p.Region + ":123456789012:userpool/" + p.ID
}

type passwordPolicy struct {
	MinimumLength                 int  `json:"minimumLength"`
	RequireUppercase              bool `json:"requireUppercase"`
	RequireLowercase              bool `json:"requireLowercase"`
	RequireNumbers                bool `json:"requireNumbers"`
	RequireSymbols                bool `json:"requireSymbols"`
	TemporaryPasswordValidityDays int  `json:"temporaryPasswordValidityDays"`
}

func defaultPasswordPolicy() passwordPolicy {
	return passwordPolicy{MinimumLength: 8, RequireUppercase: true, RequireLowercase: true,
		RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: 7}
}

type deviceConfig struct {
	ChallengeRequiredOnNewDevice     bool `json:"challengeRequiredOnNewDevice"`
	DeviceOnlyRememberedOnUserPrompt bool `json:"deviceOnlyRememberedOnUserPrompt"`
}

type customAttribute struct {
	Name     string `json:"name"` // without the "custom:" prefix
	Type     string `json:"type"` // String, Number, DateTime, Boolean
	Mutable  bool   `json:"mutable"`
	Min, Max string `json:",omitempty"`
}

type client struct {
	PoolID                          string     `json:"poolId"`
	ClientID                        string     `json:"clientId"`
	Name                            string     `json:"name"`
	Secret                          string     `json:"secret,omitempty"`
	ExplicitAuthFlows               []string   `json:"explicitAuthFlows,omitempty"`
	AccessTokenValidity             int        `json:"accessTokenValidity"`
	IDTokenValidity                 int        `json:"idTokenValidity"`
	RefreshTokenValidity            int        `json:"refreshTokenValidity"`
	Units                           tokenUnits `json:"units"`
	AuthSessionValidity             int        `json:"authSessionValidity"` // minutes
	AllowedOAuthFlows               []string   `json:"allowedOAuthFlows,omitempty"`
	AllowedOAuthScopes              []string   `json:"allowedOAuthScopes,omitempty"`
	AllowedOAuthFlowsUserPoolClient bool       `json:"allowedOAuthFlowsUserPoolClient,omitempty"`
	CallbackURLs                    []string   `json:"callbackURLs,omitempty"`
	LogoutURLs                      []string   `json:"logoutURLs,omitempty"`
	DefaultRedirectURI              string     `json:"defaultRedirectURI,omitempty"`
	SupportedIdentityProviders      []string   `json:"supportedIdentityProviders,omitempty"`
	PreventUserExistenceErrors      string     `json:"preventUserExistenceErrors,omitempty"`
	EnableTokenRevocation           bool       `json:"enableTokenRevocation"`
	EnablePropagateUserContext      bool       `json:"enablePropagateUserContext,omitempty"`
	RefreshTokenRotation            *rotation  `json:"refreshTokenRotation,omitempty"`
	ReadAttributes                  []string   `json:"readAttributes,omitempty"`
	WriteAttributes                 []string   `json:"writeAttributes,omitempty"`
	Created                         time.Time  `json:"created"`
	Modified                        time.Time  `json:"modified"`
}

type tokenUnits struct {
	AccessToken  string `json:"accessToken"`
	IDToken      string `json:"idToken"`
	RefreshToken string `json:"refreshToken"`
}

type rotation struct {
	Feature                 string `json:"feature"`
	RetryGracePeriodSeconds int    `json:"retryGracePeriodSeconds"`
}

func (c *client) rotates() bool {
	return c.RefreshTokenRotation != nil && c.RefreshTokenRotation.Feature == "ENABLED"
}

func unitDuration(unit string, def time.Duration) time.Duration {
	switch unit {
	case "seconds":
		return time.Second
	case "minutes":
		return time.Minute
	case "hours":
		return time.Hour
	case "days":
		return 24 * time.Hour
	}
	return def
}

func (c *client) accessTTL() time.Duration {
	return time.Duration(c.AccessTokenValidity) * unitDuration(c.Units.AccessToken, time.Hour)
}

func (c *client) idTTL() time.Duration {
	return time.Duration(c.IDTokenValidity) * unitDuration(c.Units.IDToken, time.Hour)
}

func (c *client) refreshTTL() time.Duration {
	return time.Duration(c.RefreshTokenValidity) * unitDuration(c.Units.RefreshToken, 24*time.Hour)
}

func (c *client) sessionTTL() time.Duration {
	return time.Duration(c.AuthSessionValidity) * time.Minute
}

// allows reports whether ExplicitAuthFlows permits flow (an ALLOW_* name).
// The legacy names are understood as Cognito does.
func (c *client) allows(flow string) bool {
	for _, f := range c.ExplicitAuthFlows {
		switch {
		case f == flow:
			return true
		case f == "USER_PASSWORD_AUTH" && flow == "ALLOW_USER_PASSWORD_AUTH",
			f == "ADMIN_NO_SRP_AUTH" && flow == "ALLOW_ADMIN_USER_PASSWORD_AUTH",
			f == "CUSTOM_AUTH_FLOW_ONLY" && flow == "ALLOW_CUSTOM_AUTH":
			return true
		}
	}
	if hasLegacyFlow(c.ExplicitAuthFlows) {
		// Legacy clients always allowed SRP and refresh.
		return flow == "ALLOW_USER_SRP_AUTH" && !contains(c.ExplicitAuthFlows, "CUSTOM_AUTH_FLOW_ONLY") ||
			flow == "ALLOW_REFRESH_TOKEN_AUTH"
	}
	return false
}

func hasLegacyFlow(flows []string) bool {
	for _, f := range flows {
		if !strings.HasPrefix(f, "ALLOW_") {
			return true
		}
	}
	return false
}

func (c *client) preventsExistenceErrors() bool { return c.PreventUserExistenceErrors == "ENABLED" }

// canRead reports whether the client may read attribute name (all
// attributes when ReadAttributes is empty).
func (c *client) canRead(name string) bool {
	return len(c.ReadAttributes) == 0 || contains(c.ReadAttributes, name)
}

type user struct {
	Username   string            `json:"username"`
	Sub        string            `json:"sub"`
	Attributes map[string]string `json:"attributes"` // excludes sub
	Status     string            `json:"status"`
	Enabled    bool              `json:"enabled"`
	Created    time.Time         `json:"created"`
	Modified   time.Time         `json:"modified"`
	// Salt and Verifier are all the service keeps of a password. They
	// are replaced, never mutated, so a reader may use them after
	// releasing the lock.
	Salt     *big.Int `json:"salt,omitempty"`
	Verifier *big.Int `json:"verifier,omitempty"`
	// SeedPassword is the password a seed file declared, kept in memory
	// only so `cogscope local` can print the demo credentials; cleared
	// when the password changes. It is never written to the state file:
	// Restore finds the demo users' passwords again by checking the demo
	// seed's passwords against their verifiers.
	SeedPassword   string    `json:"-"`
	TempPasswordAt time.Time `json:"tempPasswordAt,omitzero"`
	Groups         []string  `json:"groups,omitempty"`

	SMSMFA       bool   `json:"smsMfa,omitempty"`
	EmailMFA     bool   `json:"emailMfa,omitempty"`
	TOTPMFA      bool   `json:"totpMfa,omitempty"`
	PreferredMFA string `json:"preferredMfa,omitempty"`
	TOTPSecret   string `json:"totpSecret,omitempty"`
	TOTPPending  string `json:"totpPending,omitempty"`
	TOTPLastStep int64  `json:"totpLastStep,omitempty"`
	WebAuthn     []string
	// FailedAttempts and LockedUntil implement Options.LockoutAfter.
	FailedAttempts int          `json:"failedAttempts,omitempty"`
	LockedUntil    time.Time    `json:"lockedUntil,omitzero"`
	ConfirmCode    *pendingCode `json:"confirmCode,omitempty"`
	ResetCode      *pendingCode `json:"resetCode,omitempty"`
	AttributeCodes map[string]*pendingCode
}

type pendingCode struct {
	Code     string    `json:"code"`
	Expires  time.Time `json:"expires"`
	Attempts int       `json:"attempts,omitempty"`
}

// Statuses a user can have.
const (
	statusUnconfirmed   = "UNCONFIRMED"
	statusConfirmed     = "CONFIRMED"
	statusForceChange   = "FORCE_CHANGE_PASSWORD"
	statusResetRequired = "RESET_REQUIRED"
)

func (u *user) attr(name string) string {
	if name == "sub" {
		return u.Sub
	}
	return u.Attributes[name]
}

type group struct {
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	RoleArn     string    `json:"roleArn,omitempty"`
	Precedence  *int      `json:"precedence,omitempty"`
	Created     time.Time `json:"created"`
	Modified    time.Time `json:"modified"`
}

type resourceServer struct {
	Identifier string  `json:"identifier"`
	Name       string  `json:"name"`
	Scopes     []scope `json:"scopes,omitempty"`
}

type scope struct {
	Name        string `json:"ScopeName" yaml:"name"`
	Description string `json:"ScopeDescription" yaml:"description"`
}

type device struct {
	Key        string            `json:"key"`
	GroupKey   string            `json:"groupKey"`
	Username   string            `json:"username"` // userKey form
	Salt       *big.Int          `json:"salt,omitempty"`
	Verifier   *big.Int          `json:"verifier,omitempty"`
	Confirmed  bool              `json:"confirmed"`
	Remembered bool              `json:"remembered"`
	Attributes map[string]string `json:"attributes,omitempty"`
	Created    time.Time         `json:"created"`
	Modified   time.Time         `json:"modified"`
	LastAuth   time.Time         `json:"lastAuth,omitzero"`
}

// refreshRecord is what a refresh token stands for.
type refreshRecord struct {
	PoolID    string    `json:"poolId"`
	ClientID  string    `json:"clientId"`
	Sub       string    `json:"sub"`
	OriginJTI string    `json:"originJti"`
	DeviceKey string    `json:"deviceKey,omitempty"`
	Expires   time.Time `json:"expires"`
	// RotatedAt is set when rotation replaced this token; it stays usable
	// for the client's grace period after that.
	RotatedAt time.Time `json:"rotatedAt,omitzero"`
}

// family is one sign-in: every token minted from it shares origin_jti.
type family struct {
	PoolID   string    `json:"poolId"`
	ClientID string    `json:"clientId"`
	Sub      string    `json:"sub"`
	AuthTime time.Time `json:"authTime"`
	Scope    string    `json:"scope"`
	// OAuth marks a sign-in through the hosted UI: tokens refreshed from it
	// keep the hosted UI's shape (version 2, attributes by scope).
	OAuth   bool      `json:"oauth,omitempty"`
	Revoked bool      `json:"revoked,omitempty"`
	Expires time.Time `json:"expires"` // after this, nothing minted from it is valid
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
