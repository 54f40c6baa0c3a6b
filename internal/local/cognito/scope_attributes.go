package cognito

import (
	"slices"
	"strings"
)

// profileAttributes are the attributes the profile scope releases (with
// custom:* attributes), per Cognito's userInfo documentation.
var profileAttributes = []string{"name", "family_name", "given_name", "middle_name", "nickname", "preferred_username",
	"profile", "picture", "website", "gender", "birthdate", "zoneinfo", "locale", "updated_at"}

// ScopeAttributes selects the user attributes released by the granted
// scopes, for the ID token and userInfo: openid alone releases every
// attribute the client can read; with email, phone or profile only those
// scopes' attributes. nil means all.
func ScopeAttributes(scopes []string) func(name string) bool {
	email, phone, profile := slices.Contains(scopes, "email"), slices.Contains(scopes, "phone"), slices.Contains(scopes, "profile")
	if !email && !phone && !profile {
		return nil
	}
	return func(name string) bool {
		switch {
		case email && (name == "email" || name == "email_verified"):
			return true
		case phone && (name == "phone_number" || name == "phone_number_verified"):
			return true
		case profile && (slices.Contains(profileAttributes, name) || strings.HasPrefix(name, "custom:")):
			return true
		}
		return false
	}
}
