package cognito

import (
	"errors"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// This file is the Go API the hosted UI (internal/local/hostedui) builds
// on: it looks up pools and clients, signs users in by password through the
// same challenge machinery as the JSON API, and mints tokens for the OAuth
// endpoints.

// HostedPool is what the hosted UI needs to know about a pool.
type HostedPool struct {
	ID, Name, Region, Domain, Issuer string
	// CustomScopes are the resource-server scopes, "<identifier>/<name>".
	CustomScopes []string
	MFA          string // OFF, ON, OPTIONAL
}

// HostedClient is an app client's OAuth configuration.
type HostedClient struct {
	PoolID, ClientID, Name string
	Secret                 string // "" for public clients
	CallbackURLs           []string
	LogoutURLs             []string
	DefaultRedirectURI     string
	AllowedOAuthFlows      []string // code, implicit, client_credentials
	AllowedOAuthScopes     []string
	// AllowedOAuthFlowsUserPoolClient must be true for the OAuth endpoints
	// to serve the client at all.
	AllowedOAuthFlowsUserPoolClient bool
	SupportedIdentityProviders      []string
	EnableTokenRevocation           bool
	RefreshTokenRotation            bool
	RetryGracePeriod                time.Duration
	PreventUserExistenceErrors      bool
	AccessTokenValidity             time.Duration
	IDTokenValidity                 time.Duration
	RefreshTokenValidity            time.Duration
	AuthSessionValidity             time.Duration
}

// ErrorInfo reports the AWS exception name and message of an error
// returned by this package (ok is false for other errors), so the hosted
// UI can map them to OAuth error codes.
func ErrorInfo(err error) (typ, message string, ok bool) {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.Type, ae.Message, true
	}
	return "", "", false
}

// PoolForDomain returns the id of the pool that owns a hosted-UI domain
// prefix.
func (s *Service) PoolForDomain(domain string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.st.domains[domain]
	return id, ok
}

// Pool describes a pool for the hosted UI.
func (s *Service) Pool(poolID string) (HostedPool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.pool(poolID)
	if err != nil {
		return HostedPool{}, err
	}
	hp := HostedPool{ID: p.ID, Name: p.Name, Region: p.Region, Domain: p.Domain, Issuer: s.issuer(p.ID), MFA: p.MFA}
	for id, rs := range p.ResourceServers {
		for _, sc := range rs.Scopes {
			hp.CustomScopes = append(hp.CustomScopes, id+"/"+sc.Name)
		}
	}
	sort.Strings(hp.CustomScopes)
	return hp, nil
}

// LookupClient returns an app client's configuration.
func (s *Service) LookupClient(clientID string) (HostedClient, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, c, err := s.client(clientID)
	if err != nil {
		return HostedClient{}, err
	}
	hc := HostedClient{PoolID: c.PoolID, ClientID: c.ClientID, Name: c.Name, Secret: c.Secret,
		CallbackURLs: clone(c.CallbackURLs), LogoutURLs: clone(c.LogoutURLs), DefaultRedirectURI: c.DefaultRedirectURI,
		AllowedOAuthFlows: clone(c.AllowedOAuthFlows), AllowedOAuthScopes: clone(c.AllowedOAuthScopes),
		AllowedOAuthFlowsUserPoolClient: c.AllowedOAuthFlowsUserPoolClient, SupportedIdentityProviders: clone(c.SupportedIdentityProviders),
		EnableTokenRevocation: c.EnableTokenRevocation, RefreshTokenRotation: c.rotates(),
		PreventUserExistenceErrors: c.preventsExistenceErrors(), AccessTokenValidity: c.accessTTL(),
		IDTokenValidity: c.idTTL(), RefreshTokenValidity: c.refreshTTL(), AuthSessionValidity: c.sessionTTL()}
	if c.rotates() {
		hc.RetryGracePeriod = time.Duration(c.RefreshTokenRotation.RetryGracePeriodSeconds) * time.Second
	}
	return hc, nil
}

func clone(v []string) []string { return append([]string(nil), v...) }

// HostedSignIn is the state of a hosted-UI sign-in after a step.
type HostedSignIn struct {
	// Next is "" when the user is signed in (mint tokens with MintTokens),
	// else the challenge to show: SOFTWARE_TOKEN_MFA, SMS_MFA, EMAIL_OTP,
	// SELECT_MFA_TYPE, MFA_SETUP or NEW_PASSWORD_REQUIRED.
	Next string
	// Handle identifies the sign-in for ContinueSignIn (a Session string;
	// it expires after the client's AuthSessionValidity).
	Handle string
	// Parameters are the challenge's ChallengeParameters (e.g.
	// CODE_DELIVERY_DESTINATION, MFAS_CAN_CHOOSE, requiredAttributes).
	Parameters map[string]string
	// Username is the internal username, Sub the user's UUID.
	Username, Sub string
	AuthTime      time.Time
}

// PasswordSignIn checks a username (or alias) and password for a hosted-UI
// sign-in, with the JSON API's errors (NotAuthorizedException "Incorrect
// username or password.", UserNotConfirmedException, ...). Devices are not
// tracked on hosted-UI sign-ins, as in Cognito.
func (s *Service) PasswordSignIn(clientID, username, password string) (*HostedSignIn, error) {
	defer s.notify()
	// The form's fields get the API's limits: invalid UTF-8 (which
	// would otherwise be replaced and collide with another name) and
	// oversized values are refused before any lookup.
	if !utf8.ValidString(username) || !utf8.ValidString(password) {
		return nil, errf(excInvalidParameter, "The username or password is not valid UTF-8 text")
	}
	var vs []violation
	for _, f := range []struct {
		name, value string
		rule        memberRule
	}{{"Username", username, ruleUsername}, {"Password", password, rulePassword}} {
		if v, bad := f.rule.check(f.name, f.value); bad {
			vs = append(vs, v)
		}
	}
	if err := validationError(vs); err != nil {
		return nil, err
	}
	s.mu.Lock()
	p, cl, err := s.client(clientID)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	u := p.lookupUser(username)
	if u == nil {
		s.mu.Unlock()
		if cl.preventsExistenceErrors() {
			return nil, errIncorrectCredentials()
		}
		return nil, errUserNotFound()
	}
	if u.Status == statusUnconfirmed {
		s.mu.Unlock()
		return nil, newErr(excUserNotConfirmed, msgUserNotConfirmed)
	}
	a := &authSession{poolID: p.ID, clientID: cl.ClientID, sub: u.Sub, username: u.Username, flow: "HOSTED_UI", hosted: true}
	out, err := s.passwordSignIn(p, cl, u, a, password)
	return s.hostedResult(a, out, err)
}

// ContinueSignIn answers the challenge named in st.Next. responses are the
// JSON API's ChallengeResponses for it: SOFTWARE_TOKEN_MFA_CODE,
// SMS_MFA_CODE, EMAIL_OTP_CODE, ANSWER (SELECT_MFA_TYPE), NEW_PASSWORD and
// userAttributes.*; USERNAME is filled in. A wrong code returns
// CodeMismatchException and leaves the handle usable for another try.
func (s *Service) ContinueSignIn(clientID string, st *HostedSignIn, responses map[string]string) (*HostedSignIn, error) {
	defer s.notify()
	resp := map[string]string{"USERNAME": st.Username}
	for k, v := range responses {
		resp[k] = v
	}
	s.mu.Lock()
	a := s.sessions[st.Handle]
	s.mu.Unlock()
	if a == nil || !a.hosted {
		return nil, errSessionInvalid()
	}
	out, err := s.respond(&respondInput{ClientId: clientID, ChallengeName: st.Next, Session: st.Handle, ChallengeResponses: resp, hosted: true}, false)
	return s.hostedResult(a, out, err)
}

// AssociateSoftwareToken and VerifySoftwareToken for a hosted MFA_SETUP
// step go through the JSON API with the Handle as Session.

func (s *Service) hostedResult(a *authSession, out *authOutput, err error) (*HostedSignIn, error) {
	if err != nil {
		return nil, err
	}
	st := &HostedSignIn{Username: a.username, Sub: a.sub, Parameters: out.ChallengeParameters}
	if out.signedIn != nil {
		st.AuthTime = s.now()
		return st, nil
	}
	st.Next, st.Handle = out.ChallengeName, out.Session
	return st, nil
}

// MintRequest asks for tokens from the OAuth endpoints.
type MintRequest struct {
	ClientID string
	// Username (or sub) of the signed-in user; empty for a
	// client_credentials token, whose sub is the client id.
	Username string
	// Scopes granted, e.g. openid email aws.cognito.signin.user.admin
	// cogscope-api/read; they become the access token's scope claim.
	Scopes   []string
	AuthTime time.Time
	// IDToken issues an ID token (when openid was granted), Refresh a
	// refresh token (authorization-code grant).
	IDToken, Refresh bool
	// IDAttributes selects the user attributes that go into the ID token
	// (by scope: email, phone, profile); nil means all the client may read.
	IDAttributes func(name string) bool
	// ExtraIDClaims are appended to the ID token (e.g. nonce); AtHash adds
	// at_hash for the access token issued alongside.
	ExtraIDClaims map[string]any
	AtHash        bool
}

// Tokens are minted tokens as the token endpoint returns them.
type Tokens struct {
	AccessToken, IDToken, RefreshToken string
	ExpiresIn                          int // seconds, the access token's lifetime
	TokenType                          string
}

// MintTokens signs tokens for a hosted-UI sign-in or a client_credentials
// grant. Access tokens from here carry "version": 2, as Cognito's OAuth
// tokens do.
func (s *Service) MintTokens(req MintRequest) (Tokens, error) {
	defer s.notify()
	scope := joinScopes(req.Scopes)
	s.mu.Lock()
	p, c, err := s.client(req.ClientID)
	if err != nil {
		s.mu.Unlock()
		return Tokens{}, err
	}
	if req.Username == "" {
		spec := clientCredentialsSpec(s.issuer(p.ID), p.Keys[1], c, scope)
		s.mu.Unlock()
		return s.mintClientCredentials(spec)
	}
	u := p.lookupUser(req.Username)
	if u == nil {
		s.mu.Unlock()
		return Tokens{}, errUserNotFound()
	}
	authTime := req.AuthTime
	if authTime.IsZero() {
		authTime = s.now()
	}
	origin, refresh := s.startFamily(p, c, u, scope, "", authTime, req.Refresh)
	s.st.Families[origin].OAuth = true
	spec := mintSpec{pr: s.principalFor(p, c, u), authTime: authTime, originJTI: origin, scope: scope,
		accessTTL: c.accessTTL(), idTTL: c.idTTL(), withID: req.IDToken, idFilter: req.IDAttributes,
		atHash: req.AtHash, refresh: refresh, extraAcc: []claim{{"version", 2}}}
	for _, k := range sortedKeys(req.ExtraIDClaims) {
		spec.extraID = append(spec.extraID, claim{k, req.ExtraIDClaims[k]})
	}
	s.mu.Unlock()
	res, err := s.mint(spec)
	if err != nil {
		return Tokens{}, err
	}
	return Tokens{AccessToken: res.AccessToken, IDToken: res.IdToken, RefreshToken: res.RefreshToken,
		ExpiresIn: res.ExpiresIn, TokenType: "Bearer"}, nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func joinScopes(scopes []string) string {
	out := ""
	for i, sc := range scopes {
		if i > 0 {
			out += " "
		}
		out += sc
	}
	return out
}

type ccSpec struct {
	key              *signingKey
	issuer, clientID string
	scope            string
	ttl              time.Duration
}

func clientCredentialsSpec(issuer string, key *signingKey, c *client, scope string) ccSpec {
	return ccSpec{key: key, issuer: issuer, clientID: c.ClientID, scope: scope, ttl: c.accessTTL()}
}

// mintClientCredentials signs a machine-to-machine access token: sub and
// client_id are the client, no username, no ID or refresh token.
func (s *Service) mintClientCredentials(spec ccSpec) (Tokens, error) {
	now := s.now().Unix()
	tok, err := signJWT(spec.key, claimSet{
		{"sub", spec.clientID}, {"token_use", "access"}, {"scope", spec.scope}, {"auth_time", now},
		{"iss", spec.issuer}, {"exp", now + int64(spec.ttl/time.Second)}, {"iat", now}, {"version", 2},
		{"jti", uuid.NewString()}, {"client_id", spec.clientID},
	})
	if err != nil {
		return Tokens{}, err
	}
	return Tokens{AccessToken: tok, ExpiresIn: int(spec.ttl / time.Second), TokenType: "Bearer"}, nil
}

// RefreshTokens is the refresh_token grant: new access and ID tokens (ID
// only when the sign-in had openid), and a new refresh token when the
// client rotates them. Errors are the JSON API's (NotAuthorizedException
// "Invalid Refresh Token", "Refresh Token has been revoked", ...); the
// caller answers invalid_grant.
func (s *Service) RefreshTokens(clientID, refreshToken string) (Tokens, error) {
	defer s.notify()
	s.mu.Lock()
	_, c, err := s.client(clientID)
	rotate := err == nil && c.rotates()
	s.mu.Unlock()
	if err != nil {
		return Tokens{}, err
	}
	res, err := s.refresh(refreshRequest{clientID: clientID, token: refreshToken, rotate: rotate})
	if err != nil {
		return Tokens{}, err
	}
	return Tokens{AccessToken: res.AccessToken, IDToken: res.IdToken, RefreshToken: res.RefreshToken,
		ExpiresIn: res.ExpiresIn, TokenType: "Bearer"}, nil
}

// RevokeRefreshToken revokes a refresh token of clientID and everything
// minted from it; unknown or foreign tokens are ignored (the revocation
// endpoint answers 200 for them).
func (s *Service) RevokeRefreshToken(clientID, refreshToken string) error {
	defer s.notify()
	s.mu.Lock()
	defer s.mu.Unlock()
	_, c, err := s.client(clientID)
	if err != nil {
		return err
	}
	if rec := s.st.Refresh[refreshHash(refreshToken)]; rec != nil && rec.ClientID == c.ClientID {
		s.revokeFamily(rec.OriginJTI)
	}
	return nil
}

// AccessTokenInfo describes a valid access token's user for userInfo.
type AccessTokenInfo struct {
	PoolID, ClientID, Username, Sub string
	Scopes                          []string
	// Attributes are the user's current attributes, sub included.
	Attributes map[string]string
}

// InspectAccessToken validates an access token this service issued
// (signature, expiry, revocation) and returns its user. Unlike the JSON
// API it does not require the aws.cognito.signin.user.admin scope.
func (s *Service) InspectAccessToken(token string) (AccessTokenInfo, error) {
	ac, err := s.parseAccessToken(token)
	if err != nil {
		return AccessTokenInfo{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, u, err := s.accessUser(ac)
	if err != nil {
		return AccessTokenInfo{}, err
	}
	info := AccessTokenInfo{PoolID: p.ID, ClientID: ac.ClientID, Username: u.Username, Sub: u.Sub,
		Attributes: map[string]string{"sub": u.Sub}}
	info.Scopes = strings.Fields(ac.Scope)
	for k, v := range u.Attributes {
		info.Attributes[k] = v
	}
	return info, nil
}

// ClientCanRead reports which user attributes an app client may read (its
// ReadAttributes; all of them when the list is empty), for userInfo
// answers, which like ID tokens hold only readable attributes.
func (s *Service) ClientCanRead(clientID string) (func(attr string) bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, c, err := s.client(clientID)
	if err != nil {
		return nil, err
	}
	read := clone(c.ReadAttributes)
	return func(attr string) bool { return len(read) == 0 || contains(read, attr) }, nil
}
