package rolemap

import (
	"errors"
	"testing"
)

func TestMatches(t *testing.T) {
	claims := map[string]any{"cognito:groups": []any{"admins", "users"}, "email": "a@example.com", "custom:level": float64(3)}
	cases := []struct {
		rule MappingRule
		want bool
	}{
		{MappingRule{Claim: "cognito:groups", MatchType: MatchContains, Value: "admin"}, true},
		{MappingRule{Claim: "cognito:groups", MatchType: MatchEquals, Value: "users"}, true},
		{MappingRule{Claim: "cognito:groups", MatchType: MatchEquals, Value: "admin"}, false},
		{MappingRule{Claim: "cognito:groups", MatchType: MatchNotEqual, Value: "admins"}, false},
		{MappingRule{Claim: "cognito:groups", MatchType: MatchNotEqual, Value: "ops"}, true},
		{MappingRule{Claim: "email", MatchType: MatchStartsWith, Value: "a@"}, true},
		{MappingRule{Claim: "email", MatchType: MatchStartsWith, Value: "b@"}, false},
		{MappingRule{Claim: "custom:level", MatchType: MatchEquals, Value: "3"}, true},
		{MappingRule{Claim: "missing", MatchType: MatchNotEqual, Value: "x"}, false},
		{MappingRule{Claim: "email", MatchType: "Bogus", Value: "a"}, false},
	}
	for _, tc := range cases {
		if got := Matches(tc.rule, claims); got != tc.want {
			t.Errorf("%+v: got %v, want %v", tc.rule, got, tc.want)
		}
	}
}

func TestResolveRole(t *testing.T) {
	roles := map[string]string{"authenticated": "arn:aws:iam::1:role/auth"}
	admin := map[string]any{"cognito:groups": []any{"admins"}, "cognito:roles": []any{"arn:aws:iam::1:role/admins", "arn:aws:iam::1:role/ops"},
		"cognito:preferred_role": "arn:aws:iam::1:role/admins"}
	plain := map[string]any{"sub": "x"}
	rules := &RoleMapping{Type: MappingRules, AmbiguousRoleResolution: AmbiguousAuthenticatedRole, Rules: []MappingRule{
		{Claim: "cognito:groups", MatchType: MatchEquals, Value: "ops", RoleARN: "arn:aws:iam::1:role/ops"},
		{Claim: "cognito:groups", MatchType: MatchContains, Value: "admins", RoleARN: "arn:aws:iam::1:role/admins"}}}
	token := &RoleMapping{Type: MappingToken, AmbiguousRoleResolution: AmbiguousDeny}
	cases := []struct {
		name     string
		roles    map[string]string
		m        *RoleMapping
		claims   map[string]any
		custom   string
		wantRole string
		wantKind string
		wantIdx  int
		wantErr  error
	}{
		{"no mapping", roles, nil, plain, "", "arn:aws:iam::1:role/auth", RuleDefaultAuthenticated, 0, nil},
		{"no mapping, no role", nil, nil, plain, "", "", "", 0, ErrNoRole},
		{"no mapping, custom role", roles, nil, plain, "arn:aws:iam::1:role/x", "", "", 0, ErrCustomRoleNeedsToken},
		{"second claim rule", roles, rules, admin, "", "arn:aws:iam::1:role/admins", RuleClaim, 1, nil},
		{"no rule: authenticated", roles, rules, plain, "", "arn:aws:iam::1:role/auth", RuleAmbiguous, 0, nil},
		{"preferred role", roles, token, admin, "", "arn:aws:iam::1:role/admins", RulePreferredRole, 0, nil},
		{"custom role among cognito:roles", roles, token, admin, "arn:aws:iam::1:role/ops", "arn:aws:iam::1:role/ops", RuleCustomRole, 0, nil},
		{"custom role not in token", roles, token, admin, "arn:aws:iam::1:role/auth", "", "", 0, ErrCustomRoleNotInToken},
		{"token without roles: deny", roles, token, plain, "", "", "", 0, ErrAmbiguousDenied},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			role, rule, err := ResolveRole(tc.roles, tc.m, tc.claims, tc.custom)
			if !errors.Is(err, tc.wantErr) || role != tc.wantRole || rule.Kind != tc.wantKind || rule.Index != tc.wantIdx {
				t.Errorf("got %q %+v %v, want %q %s/%d %v", role, rule, err, tc.wantRole, tc.wantKind, tc.wantIdx, tc.wantErr)
			}
			if err == nil && rule.String() == "" {
				t.Error("rule without words")
			}
		})
	}
}

func TestPrincipalTagsAndProviders(t *testing.T) {
	claims := map[string]any{"sub": "s-1", "aud": "client1", "custom:tenant": "acme", "cognito:groups": []any{"a"}}
	got := PrincipalTags(true, map[string]string{"tenant": "custom:tenant", "groups": "cognito:groups", "none": "missing"}, claims)
	want := map[string]string{"username": "s-1", "client": "client1", "tenant": "acme"}
	if len(got) != len(want) {
		t.Fatalf("tags %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("tag %s = %q, want %q", k, got[k], v)
		}
	}
	if p := ProviderName("eu-west-1_Abc"); p != "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc" {
		t.Errorf("ProviderName = %s", p)
	}
	for in, want := range map[string]string{
		"cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc": "eu-west-1_Abc",
		"cognito-idp.us-east-1.amazonaws.com/eu-west-1_Abc": "",
		"accounts.google.com":                               "",
		"cognito-idp.eu-west-1.amazonaws.com/":              "",
	} {
		if got, _ := ParseProviderName(in); got != want {
			t.Errorf("ParseProviderName(%q) = %q, want %q", in, got, want)
		}
	}
}
