package rolemap

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Role-mapping types and match types, as the identity pool API names them.
const (
	MappingToken = "Token"
	MappingRules = "Rules"

	AmbiguousAuthenticatedRole = "AuthenticatedRole"
	AmbiguousDeny              = "Deny"

	MatchEquals     = "Equals"
	MatchContains   = "Contains"
	MatchStartsWith = "StartsWith"
	MatchNotEqual   = "NotEqual"
)

// RoleMapping is an identity pool's role mapping for one provider (the
// key of GetIdentityPoolRoles' RoleMappings, for a user pool
// "cognito-idp.<region>.amazonaws.com/<poolId>:<appClientId>").
type RoleMapping struct {
	Type                    string // MappingToken or MappingRules
	AmbiguousRoleResolution string // AmbiguousAuthenticatedRole or AmbiguousDeny
	Rules                   []MappingRule
}

// MappingRule is one claim rule: the first that matches picks the role.
type MappingRule struct {
	Claim, MatchType, Value, RoleARN string
}

// Why a role was chosen: the Kind of a Rule.
const (
	RuleDefaultAuthenticated = "default-authenticated" // no role mapping for the provider
	RuleUnauthenticated      = "unauthenticated"       // a guest identity
	RulePreferredRole        = "token-preferred-role"  // Token mapping: cognito:preferred_role
	RuleCustomRole           = "token-custom-role"     // Token mapping: CustomRoleArn, one of cognito:roles
	RuleClaim                = "claim-rule"            // Rules mapping: Rules[Index] matched
	RuleAmbiguous            = "ambiguous-authenticated"
	RuleBasicFlow            = "basic-flow" // the caller named the role (AssumeRoleWithWebIdentity)
)

// Rule says why a role was chosen.
type Rule struct {
	Kind  string
	Index int         // RuleClaim: the rule's index in the mapping
	Claim MappingRule // RuleClaim: the rule itself
}

// String phrases the rule for people: "claim rule 1: cognito:groups
// Contains admins".
func (r Rule) String() string {
	switch r.Kind {
	case RuleDefaultAuthenticated:
		return "the pool's default authenticated role (no role mapping for this provider)"
	case RuleUnauthenticated:
		return "the pool's unauthenticated role (guest identity)"
	case RulePreferredRole:
		return "token rule: cognito:preferred_role"
	case RuleCustomRole:
		return "token rule: CustomRoleArn, one of cognito:roles"
	case RuleClaim:
		return fmt.Sprintf("claim rule %d: %s %s %q", r.Index+1, r.Claim.Claim, r.Claim.MatchType, r.Claim.Value)
	case RuleAmbiguous:
		return "no rule matched: the default authenticated role (AmbiguousRoleResolution AuthenticatedRole)"
	case RuleBasicFlow:
		return "basic flow: the role named in AssumeRoleWithWebIdentity"
	case "":
		return "unknown"
	}
	return r.Kind
}

// Errors of ResolveRole. The local identity service answers them with
// Cognito's exceptions; the client names them in its diagnosis.
var (
	// ErrAmbiguousDenied: no rule matched and the mapping says Deny.
	ErrAmbiguousDenied = errors.New("no role-mapping rule matched and AmbiguousRoleResolution is Deny")
	// ErrCustomRoleNotInToken: CustomRoleArn is not one of the token's cognito:roles.
	ErrCustomRoleNotInToken = errors.New("CustomRoleArn is not one of the token's cognito:roles")
	// ErrCustomRoleNeedsToken: CustomRoleArn without a Token role mapping.
	ErrCustomRoleNeedsToken = errors.New("CustomRoleArn needs a Token role mapping for the provider")
	// ErrNoRole: the pool has no role for this identity.
	ErrNoRole = errors.New("the identity pool has no role for this identity")
)

// ResolveRole picks the role an authenticated identity gets, as an
// identity pool does: the provider's role mapping when there is one
// (Token: CustomRoleArn among cognito:roles, else cognito:preferred_role;
// Rules: the first matching claim rule), else — or when the mapping is
// ambiguous and resolves to AuthenticatedRole — roles["authenticated"].
// claims are the ID token's, as JSON decodes them.
func ResolveRole(roles map[string]string, m *RoleMapping, claims map[string]any, customRoleArn string) (string, Rule, error) {
	auth := roles["authenticated"]
	if m == nil {
		if customRoleArn != "" {
			return "", Rule{}, ErrCustomRoleNeedsToken
		}
		if auth == "" {
			return "", Rule{}, ErrNoRole
		}
		return auth, Rule{Kind: RuleDefaultAuthenticated}, nil
	}
	switch m.Type {
	case MappingToken:
		tokenRoles := claimStrings(claims["cognito:roles"])
		if customRoleArn != "" {
			if !slices.Contains(tokenRoles, customRoleArn) {
				return "", Rule{}, ErrCustomRoleNotInToken
			}
			return customRoleArn, Rule{Kind: RuleCustomRole}, nil
		}
		if pr, _ := claims["cognito:preferred_role"].(string); pr != "" {
			return pr, Rule{Kind: RulePreferredRole}, nil
		}
	case MappingRules:
		if customRoleArn != "" {
			return "", Rule{}, ErrCustomRoleNeedsToken
		}
		for i, r := range m.Rules {
			if Matches(r, claims) {
				return r.RoleARN, Rule{Kind: RuleClaim, Index: i, Claim: r}, nil
			}
		}
	}
	if m.AmbiguousRoleResolution != AmbiguousAuthenticatedRole {
		return "", Rule{}, ErrAmbiguousDenied
	}
	if auth == "" {
		return "", Rule{}, ErrNoRole
	}
	return auth, Rule{Kind: RuleAmbiguous}, nil
}

// Matches reports whether a claim rule holds for claims. A multi-valued
// claim (cognito:groups) matches when one of its values does (NotEqual:
// when none equals the value); a missing claim matches nothing, not even
// NotEqual.
func Matches(r MappingRule, claims map[string]any) bool {
	v, ok := claims[r.Claim]
	if !ok {
		return false
	}
	vals := claimStrings(v)
	if r.MatchType == MatchNotEqual {
		return !slices.Contains(vals, r.Value)
	}
	for _, s := range vals {
		switch r.MatchType {
		case MatchEquals:
			if s == r.Value {
				return true
			}
		case MatchContains:
			if strings.Contains(s, r.Value) {
				return true
			}
		case MatchStartsWith:
			if strings.HasPrefix(s, r.Value) {
				return true
			}
		}
	}
	return false
}

// claimStrings is a claim's values as strings: a string, a list of
// strings, or a number/bool in its JSON text.
func claimStrings(v any) []string {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		return []string{x}
	case []string:
		return x
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			out = append(out, claimStrings(e)...)
		}
		return out
	case float64:
		return []string{strings.TrimSuffix(fmt.Sprintf("%v", x), ".0")}
	default:
		return []string{fmt.Sprint(x)}
	}
}

// DefaultPrincipalTags is the mapping UseDefaults stands for with a user
// pool provider: tag "username" from the "sub" claim, tag "client" from "aud".
var DefaultPrincipalTags = map[string]string{"username": "sub", "client": "aud"}

// PrincipalTags computes the session tags an identity pool attaches:
// tag key → the value of the claim the map names (UseDefaults adds
// DefaultPrincipalTags). Claims that are missing or multi-valued give no
// tag, as with AWS (session tags are single strings).
func PrincipalTags(useDefaults bool, tagMap map[string]string, claims map[string]any) map[string]string {
	m := map[string]string{}
	if useDefaults {
		for k, v := range DefaultPrincipalTags {
			m[k] = v
		}
	}
	for k, v := range tagMap {
		m[k] = v
	}
	out := map[string]string{}
	for tag, claim := range m {
		switch v := claims[claim].(type) {
		case string:
			out[tag] = v
		case float64, bool:
			out[tag] = claimStrings(v)[0]
		}
	}
	return out
}

// ProviderName is the Logins key of a user pool:
// "cognito-idp.<region>.amazonaws.com/<poolId>" (the region is the pool
// id's prefix).
func ProviderName(userPoolID string) string {
	region, _, _ := strings.Cut(userPoolID, "_")
	return "cognito-idp." + region + ".amazonaws.com/" + userPoolID
}

// ParseProviderName splits a Logins key into the user pool id; ok is
// false for anything but a user pool provider name.
func ParseProviderName(name string) (userPoolID string, ok bool) {
	host, pool, found := strings.Cut(name, "/")
	if !found || !strings.HasPrefix(host, "cognito-idp.") || !strings.HasSuffix(host, ".amazonaws.com") || pool == "" || strings.Contains(pool, "/") {
		return "", false
	}
	region := strings.TrimSuffix(strings.TrimPrefix(host, "cognito-idp."), ".amazonaws.com")
	if !strings.HasPrefix(pool, region+"_") {
		return "", false
	}
	return pool, true
}
