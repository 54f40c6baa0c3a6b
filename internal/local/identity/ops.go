package identity

import (
	"errors"
	"maps"
	"slices"
	"strconv"

	"github.com/cogscope/cogscope/flows/rolemap"
)

// MsgAmbiguousDenied is the message of a role mapping whose rules did not
// match when AmbiguousRoleResolution is Deny (seen in public reports).
const MsgAmbiguousDenied = "The ambiguous role mapping rules for: %s denied this request."

// ---- wire shapes ----

type wirePool struct {
	IdentityPoolId                 string            `json:"IdentityPoolId,omitempty"`
	IdentityPoolName               string            `json:"IdentityPoolName"`
	AllowUnauthenticatedIdentities bool              `json:"AllowUnauthenticatedIdentities"`
	AllowClassicFlow               *bool             `json:"AllowClassicFlow,omitempty"`
	CognitoIdentityProviders       []Provider        `json:"CognitoIdentityProviders,omitempty"`
	SupportedLoginProviders        map[string]string `json:"SupportedLoginProviders,omitempty"`
	IdentityPoolTags               map[string]string `json:"IdentityPoolTags,omitempty"`
}

type wireRule struct {
	Claim     string `json:"Claim"`
	MatchType string `json:"MatchType"`
	Value     string `json:"Value"`
	RoleARN   string `json:"RoleARN"`
}

type wireMapping struct {
	Type                    string `json:"Type"`
	AmbiguousRoleResolution string `json:"AmbiguousRoleResolution,omitempty"`
	RulesConfiguration      *struct {
		Rules []wireRule `json:"Rules"`
	} `json:"RulesConfiguration,omitempty"`
}

func toWireMapping(m rolemap.RoleMapping) wireMapping {
	w := wireMapping{Type: m.Type, AmbiguousRoleResolution: m.AmbiguousRoleResolution}
	if m.Type == rolemap.MappingRules {
		w.RulesConfiguration = &struct {
			Rules []wireRule `json:"Rules"`
		}{}
		for _, r := range m.Rules {
			w.RulesConfiguration.Rules = append(w.RulesConfiguration.Rules, wireRule(r))
		}
	}
	return w
}

func fromWireMapping(key string, w wireMapping) (rolemap.RoleMapping, error) {
	m := rolemap.RoleMapping{Type: w.Type, AmbiguousRoleResolution: w.AmbiguousRoleResolution}
	switch w.Type {
	case rolemap.MappingToken:
	case rolemap.MappingRules:
		if w.RulesConfiguration == nil || len(w.RulesConfiguration.Rules) == 0 {
			return m, apiErr(ExcInvalidParameter, "RulesConfiguration is required for role mapping %s of type Rules", key)
		}
		for _, r := range w.RulesConfiguration.Rules {
			switch r.MatchType {
			case rolemap.MatchEquals, rolemap.MatchContains, rolemap.MatchStartsWith, rolemap.MatchNotEqual:
			default:
				return m, apiErr(ExcInvalidParameter, "1 validation error detected: Value '%s' at 'roleMappings.%s.member.rulesConfiguration.rules.member.matchType' failed to satisfy constraint: Member must satisfy enum value set: [Equals, Contains, StartsWith, NotEqual]", r.MatchType, key)
			}
			if r.Claim == "" || r.RoleARN == "" {
				return m, apiErr(ExcInvalidParameter, "role mapping %s: a rule needs Claim, MatchType, Value and RoleARN", key)
			}
			m.Rules = append(m.Rules, rolemap.MappingRule(r))
		}
	default:
		return m, apiErr(ExcInvalidParameter, "1 validation error detected: Value '%s' at 'roleMappings.%s.member.type' failed to satisfy constraint: Member must satisfy enum value set: [Token, Rules]", w.Type, key)
	}
	switch w.AmbiguousRoleResolution {
	case rolemap.AmbiguousAuthenticatedRole, rolemap.AmbiguousDeny:
	default:
		return m, apiErr(ExcInvalidParameter, "AmbiguousRoleResolution must be specified for role mapping %s (AuthenticatedRole or Deny)", key)
	}
	return m, nil
}

func (p *pool) wire() wirePool {
	classic := p.AllowClassicFlow
	return wirePool{IdentityPoolId: p.ID, IdentityPoolName: p.Name, AllowUnauthenticatedIdentities: p.AllowUnauthenticated,
		AllowClassicFlow: &classic, CognitoIdentityProviders: slices.Clone(p.Providers)}
}

// ---- pools ----

func opCreateIdentityPool(s *Service, in *wirePool) (any, error) {
	if err := required("IdentityPoolName", in.IdentityPoolName); err != nil {
		return nil, err
	}
	p := &pool{ID: s.newID(), Name: in.IdentityPoolName, AllowUnauthenticated: in.AllowUnauthenticatedIdentities,
		AllowClassicFlow: in.AllowClassicFlow != nil && *in.AllowClassicFlow, Providers: slices.Clone(in.CognitoIdentityProviders),
		Roles: map[string]string{}, RoleMappings: map[string]rolemap.RoleMapping{}, PrincipalTags: map[string]tagMap{}}
	for _, pr := range p.Providers {
		if _, ok := rolemap.ParseProviderName(pr.ProviderName); !ok {
			return nil, apiErr(ExcInvalidParameter, "Invalid Cognito user pool provider name: %s", pr.ProviderName)
		}
	}
	s.mu.Lock()
	s.pools[p.ID] = p
	s.mu.Unlock()
	return p.wire(), nil
}

type poolIDInput struct {
	IdentityPoolId string `json:"IdentityPoolId"`
}

// poolLocked finds a pool; s.mu held.
func (s *Service) poolLocked(id string) (*pool, error) {
	if err := required("IdentityPoolId", id); err != nil {
		return nil, err
	}
	p := s.pools[id]
	if p == nil {
		return nil, apiErr(ExcResourceNotFound, "IdentityPool '%s' not found.", id)
	}
	return p, nil
}

// withPool runs fn on the identity pool under the service's lock.
func (s *Service) withPool(id string, fn func(p *pool) (any, error)) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.poolLocked(id)
	if err != nil {
		return nil, err
	}
	return fn(p)
}

func opDescribeIdentityPool(s *Service, in *poolIDInput) (any, error) {
	return s.withPool(in.IdentityPoolId, func(p *pool) (any, error) {
		return p.wire(), nil
	})
}

type rolesWire struct {
	IdentityPoolId string                 `json:"IdentityPoolId"`
	Roles          map[string]string      `json:"Roles"`
	RoleMappings   map[string]wireMapping `json:"RoleMappings,omitempty"`
}

func opSetIdentityPoolRoles(s *Service, in *rolesWire) (any, error) {
	if in.Roles == nil {
		return nil, apiErr(ExcInvalidParameter, "1 validation error detected: Value null at 'roles' failed to satisfy constraint: Member must not be null")
	}
	for k, arn := range in.Roles {
		if k != "authenticated" && k != "unauthenticated" {
			return nil, apiErr(ExcInvalidParameter, "Invalid role type: %s (authenticated or unauthenticated)", k)
		}
		if _, _, err := roleParts(arn); err != nil {
			return nil, apiErr(ExcInvalidParameter, "Invalid role ARN: %s", arn)
		}
	}
	mappings := map[string]rolemap.RoleMapping{}
	for k, w := range in.RoleMappings {
		m, err := fromWireMapping(k, w)
		if err != nil {
			return nil, err
		}
		mappings[k] = m
	}
	return s.withPool(in.IdentityPoolId, func(p *pool) (any, error) {
		p.Roles, p.RoleMappings = maps.Clone(in.Roles), mappings
		return struct{}{}, nil
	})
}

func opGetIdentityPoolRoles(s *Service, in *poolIDInput) (any, error) {
	return s.withPool(in.IdentityPoolId, func(p *pool) (any, error) {
		out := rolesWire{IdentityPoolId: p.ID, Roles: maps.Clone(p.Roles), RoleMappings: map[string]wireMapping{}}
		for k, m := range p.RoleMappings {
			out.RoleMappings[k] = toWireMapping(m)
		}
		return out, nil
	})
}

type tagMapWire struct {
	IdentityPoolId       string            `json:"IdentityPoolId"`
	IdentityProviderName string            `json:"IdentityProviderName"`
	UseDefaults          *bool             `json:"UseDefaults,omitempty"`
	PrincipalTags        map[string]string `json:"PrincipalTags,omitempty"`
}

func opSetPrincipalTagAttributeMap(s *Service, in *tagMapWire) (any, error) {
	if err := required("IdentityProviderName", in.IdentityProviderName); err != nil {
		return nil, err
	}
	return s.withPool(in.IdentityPoolId, func(p *pool) (any, error) {
		tm := tagMap{UseDefaults: in.UseDefaults != nil && *in.UseDefaults, Tags: maps.Clone(in.PrincipalTags)}
		p.PrincipalTags[in.IdentityProviderName] = tm
		return tm.wire(p.ID, in.IdentityProviderName), nil
	})
}

func (tm tagMap) wire(poolID, provider string) tagMapWire {
	ud := tm.UseDefaults
	return tagMapWire{IdentityPoolId: poolID, IdentityProviderName: provider, UseDefaults: &ud, PrincipalTags: maps.Clone(tm.Tags)}
}

func opGetPrincipalTagAttributeMap(s *Service, in *tagMapWire) (any, error) {
	if err := required("IdentityProviderName", in.IdentityProviderName); err != nil {
		return nil, err
	}
	return s.withPool(in.IdentityPoolId, func(p *pool) (any, error) {
		return p.PrincipalTags[in.IdentityProviderName].wire(p.ID, in.IdentityProviderName), nil
	})
}

// ---- identities and credentials ----

type loginsInput struct {
	IdentityPoolId string            `json:"IdentityPoolId"`
	IdentityId     string            `json:"IdentityId"`
	AccountId      string            `json:"AccountId"`
	Logins         map[string]string `json:"Logins"`
	CustomRoleArn  string            `json:"CustomRoleArn"`
}

func opGetID(s *Service, in *loginsInput) (any, error) {
	if in.AccountId != "" {
		if _, err := strconv.ParseUint(in.AccountId, 10, 64); err != nil || len(in.AccountId) > 15 {
			return nil, apiErr(ExcInvalidParameter, "1 validation error detected: Value '%s' at 'accountId' failed to satisfy constraint: Member must satisfy regular expression pattern: \\d+", in.AccountId)
		}
	}
	s.mu.Lock()
	p, err := s.poolLocked(in.IdentityPoolId)
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	logins, err := s.verifyLogins(p, in.Logins)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(logins) == 0 {
		if !p.AllowUnauthenticated {
			return nil, apiErr(ExcNotAuthorized, MsgUnauthenticated)
		}
		id := &identity{ID: s.newID(), PoolID: p.ID}
		s.identities[id.ID] = id
		return map[string]string{"IdentityId": id.ID}, nil
	}
	return map[string]string{"IdentityId": s.identityForLoginsLocked(p, logins).ID}, nil
}

// identityForLoginsLocked finds (or makes) the identity of verified
// logins: the one already linked to any of them, else a new one with the
// deterministic id of the first. s.mu held.
func (s *Service) identityForLoginsLocked(p *pool, logins []login) *identity {
	for _, l := range logins {
		if id := s.identities[s.byLogin[p.ID+"|"+l.key()]]; id != nil {
			s.linkLocked(id, logins)
			return id
		}
	}
	first := logins[0]
	id := &identity{ID: s.identityIDFor(p.ID, first.Provider, first.Token.Sub), PoolID: p.ID}
	s.identities[id.ID] = id
	s.linkLocked(id, logins)
	return id
}

func (s *Service) linkLocked(id *identity, logins []login) {
	for _, l := range logins {
		s.byLogin[id.PoolID+"|"+l.key()] = id.ID
		if !slices.Contains(id.Logins, l.key()) {
			id.Logins = append(id.Logins, l.key())
		}
	}
}

// identityLocked finds an identity; s.mu held.
func (s *Service) identityLocked(idID string) (*identity, *pool, error) {
	if err := required("IdentityId", idID); err != nil {
		return nil, nil, err
	}
	id := s.identities[idID]
	if id == nil {
		return nil, nil, apiErr(ExcResourceNotFound, "Identity '%s' not found.", idID)
	}
	return id, s.pools[id.PoolID], nil
}

// authorize checks the Logins of a request against its identity: a guest
// needs none (and a pool that allows guests); an identity with logins
// needs one of them. It links new logins to a guest identity. It returns
// the verified logins (nil for a guest).
func (s *Service) authorize(in loginsInput) (*identity, *pool, []login, error) {
	s.mu.Lock()
	id, p, err := s.identityLocked(in.IdentityId)
	s.mu.Unlock()
	if err != nil {
		return nil, nil, nil, err
	}
	logins, err := s.verifyLogins(p, in.Logins)
	if err != nil {
		return nil, nil, nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(logins) == 0 {
		if len(id.Logins) > 0 {
			return nil, nil, nil, apiErr(ExcNotAuthorized, MsgLoginsDontMatch)
		}
		if !p.AllowUnauthenticated {
			return nil, nil, nil, apiErr(ExcNotAuthorized, MsgUnauthenticated)
		}
		return id, p, nil, nil
	}
	owner := ""
	for _, l := range logins {
		if o := s.byLogin[p.ID+"|"+l.key()]; o != "" {
			owner = o
			break
		}
	}
	switch {
	case owner == id.ID:
	case owner == "" && len(id.Logins) == 0: // a guest signs in: link
		s.linkLocked(id, logins)
	default:
		return nil, nil, nil, apiErr(ExcNotAuthorized, MsgLoginsDontMatch)
	}
	return id, p, logins, nil
}

type credentialsWire struct {
	AccessKeyId  string  `json:"AccessKeyId"`
	SecretKey    string  `json:"SecretKey"`
	SessionToken string  `json:"SessionToken"`
	Expiration   float64 `json:"Expiration"`
}

func opGetCredentialsForIdentity(s *Service, in *loginsInput) (any, error) {
	id, p, logins, err := s.authorize(*in)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var role string
	var tags map[string]string
	if len(logins) == 0 {
		role = p.Roles["unauthenticated"]
		if role == "" {
			return nil, apiErr(ExcInvalidConfiguration, MsgInvalidConfig)
		}
	} else {
		l := logins[0]
		mapping, hasMapping := p.RoleMappings[l.providerKey()]
		var mp *rolemap.RoleMapping
		if hasMapping {
			mp = &mapping
		}
		r, _, rerr := rolemap.ResolveRole(p.Roles, mp, l.Token.Claims, in.CustomRoleArn)
		switch {
		case errors.Is(rerr, rolemap.ErrAmbiguousDenied):
			return nil, apiErr(ExcNotAuthorized, MsgAmbiguousDenied, l.Provider)
		case errors.Is(rerr, rolemap.ErrCustomRoleNotInToken):
			return nil, apiErr(ExcNotAuthorized, "The CustomRoleArn %s is not one of the roles in the token's cognito:roles claim.", in.CustomRoleArn)
		case errors.Is(rerr, rolemap.ErrCustomRoleNeedsToken):
			return nil, apiErr(ExcInvalidParameter, "CustomRoleArn is only supported with a Token role mapping for the provider %s.", l.Provider)
		case rerr != nil:
			return nil, apiErr(ExcInvalidConfiguration, MsgInvalidConfig)
		}
		role = r
		tm, ok := p.PrincipalTags[l.providerKey()]
		if !ok {
			tm, ok = p.PrincipalTags[l.Provider]
		}
		if ok {
			tags = rolemap.PrincipalTags(tm.UseDefaults, tm.Tags, l.Token.Claims)
		}
	}
	if !s.trusts(role, p.ID) {
		return nil, apiErr(ExcInvalidConfiguration, MsgInvalidConfig)
	}
	sess := s.mint(role, "CognitoIdentityCredentials", id.ID, p.ID, tags)
	return struct {
		IdentityId  string          `json:"IdentityId"`
		Credentials credentialsWire `json:"Credentials"`
	}{id.ID, credentialsWire{sess.AccessKeyID, sess.Secret, sess.Token, float64(sess.Expires.Unix())}}, nil
}

func opGetOpenIDToken(s *Service, in *loginsInput) (any, error) {
	id, p, logins, err := s.authorize(*in)
	if err != nil {
		return nil, err
	}
	if !p.AllowClassicFlow {
		return nil, apiErr(ExcInvalidParameter, MsgBasicFlowDisabled)
	}
	amr := []string{"unauthenticated"}
	if len(logins) > 0 {
		l := logins[0]
		amr = []string{"authenticated", l.Provider, l.Provider + ":CognitoSignIn:" + l.Token.Sub}
	}
	tok, err := s.signOpenIDToken(id.ID, p.ID, amr)
	if err != nil {
		return nil, err
	}
	return map[string]string{"IdentityId": id.ID, "Token": tok}, nil
}
