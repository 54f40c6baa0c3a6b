package cognito

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// claim is one JWT claim; tokens keep Cognito's claim order rather than
// Go's sorted map order, so they read like the real thing.
type claim struct {
	k string
	v any
}

type claimSet []claim

func (cs claimSet) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, c := range cs {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(c.k)
		v, err := json.Marshal(c.v)
		if err != nil {
			return nil, fmt.Errorf("claim %s: %w", c.k, err)
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// principal is a snapshot of everything the tokens say about a user, taken
// under the lock so signing can run without it.
type principal struct {
	poolID, issuer   string
	idKey, accessKey *signingKey
	clientID         string
	username, sub    string
	attrs            map[string]string
	groups           []string
	roles            []string
	preferredRole    string
}

// principalFor snapshots u for tokens minted for client c; s.mu must be
// held. Groups are ordered by precedence (lowest first), then name, and the
// preferred role is that of the first group with a role.
func (s *Service) principalFor(p *pool, c *client, u *user) principal {
	pr := principal{poolID: p.ID, issuer: s.issuer(p.ID), idKey: p.Keys[0], accessKey: p.Keys[1],
		clientID: c.ClientID, username: u.Username, sub: u.Sub, attrs: map[string]string{}}
	for k, v := range u.Attributes {
		if c.canRead(k) {
			pr.attrs[k] = v
		}
	}
	groups := make([]*group, 0, len(u.Groups))
	for _, name := range u.Groups {
		if g := p.Groups[name]; g != nil {
			groups = append(groups, g)
		}
	}
	sort.SliceStable(groups, func(i, j int) bool {
		pi, pj := precedence(groups[i]), precedence(groups[j])
		return pi < pj || pi == pj && groups[i].Name < groups[j].Name
	})
	for _, g := range groups {
		pr.groups = append(pr.groups, g.Name)
		if g.RoleArn != "" {
			if !contains(pr.roles, g.RoleArn) {
				pr.roles = append(pr.roles, g.RoleArn)
			}
			if pr.preferredRole == "" {
				pr.preferredRole = g.RoleArn
			}
		}
	}
	return pr
}

func precedence(g *group) int {
	if g.Precedence == nil {
		return 1 << 30 // groups without precedence rank last
	}
	return *g.Precedence
}

// mintSpec is one token issue.
type mintSpec struct {
	pr        principal
	authTime  time.Time
	originJTI string
	deviceKey string
	scope     string
	accessTTL time.Duration
	idTTL     time.Duration
	withID    bool
	idFilter  func(attr string) bool // which attributes go into the ID token; nil = all readable
	extraID   []claim                // e.g. nonce (hosted UI)
	extraAcc  []claim                // e.g. version (hosted UI)
	atHash    bool                   // add at_hash to the ID token
	refresh   string                 // refresh token to return, if any
	newDevice *newDeviceMetadataType
}

type newDeviceMetadataType struct {
	DeviceKey      string `json:"DeviceKey"`
	DeviceGroupKey string `json:"DeviceGroupKey"`
}

type authenticationResult struct {
	AccessToken       string                 `json:"AccessToken"`
	ExpiresIn         int                    `json:"ExpiresIn"`
	TokenType         string                 `json:"TokenType"`
	RefreshToken      string                 `json:"RefreshToken,omitempty"`
	IdToken           string                 `json:"IdToken,omitempty"`
	NewDeviceMetadata *newDeviceMetadataType `json:"NewDeviceMetadata,omitempty"`
}

// mint signs the access token and, if asked, the ID token. It runs
// without s.mu: RSA signing is the expensive part of every sign-in.
func (s *Service) mint(spec mintSpec) (*authenticationResult, error) {
	now := s.now()
	iat := now.Unix()
	eventID := uuid.NewString()
	pr := spec.pr
	acc := claimSet{{"sub", pr.sub}}
	if len(pr.groups) > 0 {
		acc = append(acc, claim{"cognito:groups", pr.groups})
	}
	if spec.deviceKey != "" {
		acc = append(acc, claim{"device_key", spec.deviceKey})
	}
	acc = append(acc,
		claim{"iss", pr.issuer},
		claim{"client_id", pr.clientID},
		claim{"origin_jti", spec.originJTI},
		claim{"event_id", eventID},
		claim{"token_use", "access"},
		claim{"scope", spec.scope},
		claim{"auth_time", spec.authTime.Unix()},
		claim{"exp", iat + int64(spec.accessTTL/time.Second)},
		claim{"iat", iat},
		claim{"jti", uuid.NewString()},
		claim{"username", pr.username},
	)
	acc = append(acc, spec.extraAcc...)
	access, err := signJWT(pr.accessKey, acc)
	if err != nil {
		return nil, fmt.Errorf("sign access token: %w", err)
	}
	res := &authenticationResult{AccessToken: access, ExpiresIn: int(spec.accessTTL / time.Second),
		TokenType: "Bearer", RefreshToken: spec.refresh, NewDeviceMetadata: spec.newDevice}
	if !spec.withID {
		return res, nil
	}
	id := claimSet{{"sub", pr.sub}}
	if len(pr.groups) > 0 {
		id = append(id, claim{"cognito:groups", pr.groups})
	}
	if len(pr.roles) > 0 {
		id = append(id, claim{"cognito:preferred_role", pr.preferredRole}, claim{"cognito:roles", pr.roles})
	}
	attrs := make([]string, 0, len(pr.attrs))
	for k := range pr.attrs {
		if spec.idFilter == nil || spec.idFilter(k) || k == "identities" {
			attrs = append(attrs, k)
		}
	}
	sort.Strings(attrs)
	for _, k := range attrs {
		if strings.HasSuffix(k, "_verified") {
			id = append(id, claim{k, pr.attrs[k] == "true"})
		}
	}
	id = append(id,
		claim{"iss", pr.issuer},
		claim{"cognito:username", pr.username},
		claim{"origin_jti", spec.originJTI},
		claim{"aud", pr.clientID},
		claim{"event_id", eventID},
		claim{"token_use", "id"},
		claim{"auth_time", spec.authTime.Unix()},
	)
	for _, k := range attrs {
		if !strings.HasSuffix(k, "_verified") {
			id = append(id, claim{k, idClaimValue(k, pr.attrs[k])})
		}
	}
	id = append(id, claim{"exp", iat + int64(spec.idTTL/time.Second)}, claim{"iat", iat}, claim{"jti", uuid.NewString()})
	if spec.atHash {
		h := sha256.Sum256([]byte(access))
		id = append(id, claim{"at_hash", base64.RawURLEncoding.EncodeToString(h[:16])})
	}
	id = append(id, spec.extraID...)
	if res.IdToken, err = signJWT(pr.idKey, id); err != nil {
		return nil, fmt.Errorf("sign ID token: %w", err)
	}
	return res, nil
}

// idClaimValue types an attribute as Cognito's ID tokens do: custom
// attributes are always strings, updated_at a number, address an object.
func idClaimValue(name, v string) any {
	switch name {
	case "updated_at":
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n
		}
	case "address":
		return map[string]string{"formatted": v}
	case "identities":
		// A federated user's identities attribute is a JSON array; ID
		// tokens carry it parsed.
		var list []any
		if json.Unmarshal([]byte(v), &list) == nil {
			return list
		}
	}
	return v
}

// signJWT returns the compact RS256 JWS of claims with header
// {"kid":...,"alg":"RS256"}.
func signJWT(k *signingKey, claims claimSet) (string, error) {
	header, err := json.Marshal(struct {
		Kid string `json:"kid"`
		Alg string `json:"alg"`
	}{k.Kid, "RS256"})
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	buf := make([]byte, 0, enc.EncodedLen(len(header))+enc.EncodedLen(len(payload))+1+344)
	buf = enc.AppendEncode(buf, header)
	buf = append(buf, '.')
	buf = enc.AppendEncode(buf, payload)
	sig, err := k.sign(buf)
	if err != nil {
		return "", err
	}
	buf = append(buf, '.')
	buf = enc.AppendEncode(buf, sig)
	return string(buf), nil
}

// accessClaims are the claims of an access token the service checks.
type accessClaims struct {
	Sub       string `json:"sub"`
	Iss       string `json:"iss"`
	ClientID  string `json:"client_id"`
	OriginJTI string `json:"origin_jti"`
	TokenUse  string `json:"token_use"`
	Scope     string `json:"scope"`
	AuthTime  int64  `json:"auth_time"`
	Exp       int64  `json:"exp"`
	Iat       int64  `json:"iat"`
	JTI       string `json:"jti"`
	Username  string `json:"username"`
	DeviceKey string `json:"device_key"`
}

func (a *accessClaims) hasScope(sc string) bool {
	for _, f := range strings.Fields(a.Scope) {
		if f == sc {
			return true
		}
	}
	return false
}

// parseAccessToken checks that token is an unexpired, unrevoked access
// token this service issued, without requiring any scope. The signature is
// verified without s.mu held.
func (s *Service) parseAccessToken(token string) (*accessClaims, error) {
	invalid := newErr(excNotAuthorized, msgInvalidAccessToken)
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, invalid
	}
	enc := base64.RawURLEncoding
	hb, err1 := enc.DecodeString(parts[0])
	pb, err2 := enc.DecodeString(parts[1])
	sig, err3 := enc.DecodeString(parts[2])
	if err1 != nil || err2 != nil || err3 != nil {
		return nil, invalid
	}
	var h struct {
		Kid string `json:"kid"`
		Alg string `json:"alg"`
	}
	if json.Unmarshal(hb, &h) != nil || h.Alg != "RS256" {
		return nil, invalid
	}
	s.mu.Lock()
	key := s.st.kids[h.Kid]
	s.mu.Unlock()
	if key == nil || !key.verify([]byte(parts[0]+"."+parts[1]), sig) {
		return nil, invalid
	}
	var ac accessClaims
	if json.Unmarshal(pb, &ac) != nil || ac.TokenUse != "access" {
		return nil, invalid
	}
	if s.now().Unix() >= ac.Exp {
		return nil, newErr(excNotAuthorized, msgAccessTokenExpired)
	}
	s.mu.Lock()
	f := s.st.Families[ac.OriginJTI]
	revoked := f != nil && f.Revoked
	s.mu.Unlock()
	if revoked {
		return nil, newErr(excNotAuthorized, msgAccessTokenRevoked)
	}
	return &ac, nil
}

// checkAccess is parseAccessToken plus the aws.cognito.signin.user.admin
// scope that every access-token operation of the API needs. Call it
// without s.mu held, then accessUser under the lock.
func (s *Service) checkAccess(token string) (*accessClaims, error) {
	if token == "" {
		return nil, validationError([]violation{{member: "AccessToken", rule: "Member must not be null"}})
	}
	ac, err := s.parseAccessToken(token)
	if err != nil {
		return nil, err
	}
	if !ac.hasScope("aws.cognito.signin.user.admin") {
		return nil, newErr(excNotAuthorized, msgAccessTokenScopes)
	}
	return ac, nil
}

// accessUser finds the pool and user of a checked access token; s.mu must
// be held.
func (s *Service) accessUser(ac *accessClaims) (*pool, *user, error) {
	p := s.poolForIssuer(ac.Iss)
	if p == nil {
		return nil, nil, newErr(excNotAuthorized, msgInvalidAccessToken)
	}
	u := p.bySub[ac.Sub]
	if u == nil {
		return nil, nil, errUserNotFound()
	}
	if !u.Enabled {
		return nil, nil, newErr(excNotAuthorized, msgUserDisabled)
	}
	return p, u, nil
}

// poolForIssuer finds the pool whose id ends the issuer URL; s.mu held.
func (s *Service) poolForIssuer(iss string) *pool {
	i := strings.LastIndexByte(iss, '/')
	if i < 0 {
		return nil
	}
	return s.st.Pools[iss[i+1:]]
}
