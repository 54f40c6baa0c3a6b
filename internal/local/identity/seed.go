package identity

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/cogscope/cogscope/flows/rolemap"
)

// PoolSeed declares an identity pool in Go (the demo, tests): what
// CreateIdentityPool, SetIdentityPoolRoles and SetPrincipalTagAttributeMap
// would set, in one value.
type PoolSeed struct {
	ID, Name             string // ID "<region>:<uuid>"; empty: a new one
	AllowUnauthenticated bool
	AllowClassicFlow     bool
	Providers            []Provider
	Roles                map[string]string              // "authenticated", "unauthenticated" → role ARN
	RoleMappings         map[string]rolemap.RoleMapping // "<provider name>:<client id>" → mapping
	PrincipalTags        map[string]TagSeed             // provider name (with or without ":<client id>") → map
}

// TagSeed is a principal tag attribute map.
type TagSeed struct {
	UseDefaults bool
	Tags        map[string]string // tag key → claim
}

// AddPool creates (or replaces) an identity pool and returns its id.
func (s *Service) AddPool(ps PoolSeed) (string, error) {
	if ps.ID == "" {
		ps.ID = s.newID()
	}
	if region, id, ok := strings.Cut(ps.ID, ":"); !ok || region == "" || id == "" {
		return "", fmt.Errorf("identity pool id %q: want <region>:<uuid>", ps.ID)
	}
	for _, pr := range ps.Providers {
		if _, ok := rolemap.ParseProviderName(pr.ProviderName); !ok {
			return "", fmt.Errorf("identity pool %s: provider %q is not cognito-idp.<region>.amazonaws.com/<userPoolId>", ps.ID, pr.ProviderName)
		}
	}
	p := &pool{ID: ps.ID, Name: ps.Name, AllowUnauthenticated: ps.AllowUnauthenticated, AllowClassicFlow: ps.AllowClassicFlow,
		Providers: slices.Clone(ps.Providers), Roles: maps.Clone(ps.Roles), RoleMappings: maps.Clone(ps.RoleMappings),
		PrincipalTags: map[string]tagMap{}}
	if p.Roles == nil {
		p.Roles = map[string]string{}
	}
	if p.RoleMappings == nil {
		p.RoleMappings = map[string]rolemap.RoleMapping{}
	}
	for k, t := range ps.PrincipalTags {
		p.PrincipalTags[k] = tagMap{UseDefaults: t.UseDefaults, Tags: maps.Clone(t.Tags)}
	}
	s.mu.Lock()
	s.pools[p.ID] = p
	s.mu.Unlock()
	return p.ID, nil
}

// PoolInfo describes an identity pool for `cogscope local --json`.
type PoolInfo struct {
	ID                   string            `json:"id"`
	Name                 string            `json:"name"`
	AllowUnauthenticated bool              `json:"allowUnauthenticated"`
	AllowClassicFlow     bool              `json:"allowClassicFlow"`
	Providers            []ProviderInfo    `json:"providers"`
	Roles                map[string]string `json:"roles"`
}

// ProviderInfo is a user pool app client of an identity pool, in PoolInfo.
type ProviderInfo struct {
	ProviderName string `json:"providerName"`
	ClientID     string `json:"clientId"`
}

// Describe lists the identity pools, sorted by id.
func (s *Service) Describe() []PoolInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]PoolInfo, 0, len(s.pools))
	for _, p := range s.pools {
		info := PoolInfo{ID: p.ID, Name: p.Name, AllowUnauthenticated: p.AllowUnauthenticated,
			AllowClassicFlow: p.AllowClassicFlow, Providers: []ProviderInfo{}, Roles: maps.Clone(p.Roles)}
		for _, pr := range p.Providers {
			info.Providers = append(info.Providers, ProviderInfo{pr.ProviderName, pr.ClientId})
		}
		out = append(out, info)
	}
	slices.SortFunc(out, func(a, b PoolInfo) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// Demo identity pool: fixed parts of its id and its roles, part of the
// documented interface (README).
const (
	DemoPoolUUID     = "c0c5c0de-de30-4000-8000-000000000001"
	DemoAuthRole     = "arn:aws:iam::123456789012:role/cogscope-demo-authenticated"
	DemoGuestRole    = "arn:aws:iam::123456789012:role/cogscope-demo-guest"
	DemoAdminsRole   = "arn:aws:iam::123456789012:role/cogscope-demo-admins"
	DemoIdentityName = "cogscope-demo-identities"
)

// DemoPoolID is the demo identity pool's id in a region.
func DemoPoolID(region string) string { return region + ":" + DemoPoolUUID }

// DemoPool is the demo identity pool for a user pool and its app clients:
// guests allowed (the guest role), the basic flow allowed, the
// authenticated role by default, and for each client a claim rule —
// cognito:groups Contains "admins" → the admins role — with principal tags
// (the defaults, username ← sub and client ← aud, plus tenant ←
// custom:tenant).
func DemoPool(region, userPoolID string, clientIDs ...string) PoolSeed {
	provider := rolemap.ProviderName(userPoolID)
	ps := PoolSeed{ID: DemoPoolID(region), Name: DemoIdentityName, AllowUnauthenticated: true, AllowClassicFlow: true,
		Roles:         map[string]string{"authenticated": DemoAuthRole, "unauthenticated": DemoGuestRole},
		RoleMappings:  map[string]rolemap.RoleMapping{},
		PrincipalTags: map[string]TagSeed{}}
	for _, c := range clientIDs {
		ps.Providers = append(ps.Providers, Provider{ProviderName: provider, ClientId: c})
		ps.RoleMappings[provider+":"+c] = rolemap.RoleMapping{Type: rolemap.MappingRules, AmbiguousRoleResolution: rolemap.AmbiguousAuthenticatedRole,
			Rules: []rolemap.MappingRule{{Claim: "cognito:groups", MatchType: rolemap.MatchContains, Value: "admins", RoleARN: DemoAdminsRole}}}
		ps.PrincipalTags[provider+":"+c] = TagSeed{UseDefaults: true, Tags: map[string]string{"tenant": "custom:tenant"}}
	}
	return ps
}
