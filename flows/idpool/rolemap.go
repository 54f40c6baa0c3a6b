package idpool

import "github.com/cogscope/cogscope/flows/rolemap"

// The role-mapping rules, under this package's names (see flows/rolemap).
type (
	Rule        = rolemap.Rule
	RoleMapping = rolemap.RoleMapping
	MappingRule = rolemap.MappingRule
)

// Why a role was chosen (Rule.Kind).
const (
	RuleDefaultAuthenticated = rolemap.RuleDefaultAuthenticated
	RuleUnauthenticated      = rolemap.RuleUnauthenticated
	RulePreferredRole        = rolemap.RulePreferredRole
	RuleCustomRole           = rolemap.RuleCustomRole
	RuleClaim                = rolemap.RuleClaim
	RuleAmbiguous            = rolemap.RuleAmbiguous
	RuleBasicFlow            = rolemap.RuleBasicFlow
)

var (
	ResolveRole       = rolemap.ResolveRole
	PrincipalTags     = rolemap.PrincipalTags
	ProviderName      = rolemap.ProviderName
	ParseProviderName = rolemap.ParseProviderName
)
