package cognito

import (
	"sort"
	"strings"

	"github.com/cogscope/cogscope/internal/lazyregexp"
)

func opListUsers(s *Service, c *call) (any, error) {
	var in struct {
		UserPoolId      string   `json:"UserPoolId"`
		AttributesToGet []string `json:"AttributesToGet"`
		Limit           *int     `json:"Limit"`
		PaginationToken string   `json:"PaginationToken"`
		Filter          string   `json:"Filter"`
	}
	if err := c.decode(&in, "UserPoolId"); err != nil {
		return nil, err
	}
	limit := 60
	if in.Limit != nil {
		if err := checkRange("Limit", *in.Limit, 0, 60); err != nil {
			return nil, err
		}
		if *in.Limit > 0 {
			limit = *in.Limit
		}
	}
	match, err := parseUserFilter(in.Filter)
	if err != nil {
		return nil, err
	}
	return s.withPool(in.UserPoolId, func(p *pool) (any, error) {
		keys := make([]string, 0, len(p.Users))
		for k, u := range p.Users {
			if match(u) {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		page, next, err := paginate(keys, in.PaginationToken, limit)
		if err != nil {
			return nil, err
		}
		users := make([]userType, 0, len(page))
		for _, k := range page {
			ut := toUserType(p.Users[k])
			if in.AttributesToGet != nil {
				kept := ut.Attributes[:0]
				for _, a := range ut.Attributes {
					if contains(in.AttributesToGet, a.Name) {
						kept = append(kept, a)
					}
				}
				ut.Attributes = kept
			}
			users = append(users, ut)
		}
		return struct {
			Users           []userType `json:"Users"`
			PaginationToken string     `json:"PaginationToken,omitempty"`
		}{users, next}, nil
	})
}

var filterPattern = lazyregexp.New(`^\s*([\w:]+)\s*(\^?=)\s*"([^"]*)"\s*$`)

// parseUserFilter understands ListUsers filters: attribute = "value" and
// attribute ^= "prefix", on username, sub, email, phone_number, name,
// given_name, family_name, preferred_username, cognito:user_status and
// status (Enabled/Disabled).
func parseUserFilter(f string) (func(*user) bool, error) {
	if strings.TrimSpace(f) == "" {
		return func(*user) bool { return true }, nil
	}
	m := filterPattern.FindStringSubmatch(f)
	if m == nil {
		return nil, newErr(excInvalidParameter, "Error while parsing filter.")
	}
	name, op, want := m[1], m[2], m[3]
	get := func(u *user) string {
		switch name {
		case "username":
			return u.Username
		case "cognito:user_status":
			return u.Status
		case "status":
			if u.Enabled {
				return "Enabled"
			}
			return "Disabled"
		}
		return u.attr(name)
	}
	switch name {
	case "username", "sub", "email", "phone_number", "name", "given_name", "family_name", "preferred_username", "cognito:user_status", "status":
	default:
		return nil, errf(excInvalidParameter, "Invalid search attribute: %s", name)
	}
	if op == "^=" {
		return func(u *user) bool { return strings.HasPrefix(get(u), want) }, nil
	}
	return func(u *user) bool { return get(u) == want }, nil
}
