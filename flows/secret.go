package flows

import "strings"

// secretMembers are the last segments of the trace keys whose values a
// trace without Reveal replaces by Redacted: those this package records as
// secrets (passwords, SECRET_HASH, refresh tokens, client secrets, the
// TOTP seed, the device password) and those flows/oauth does (the PKCE
// verifier, the authorization code, refresh tokens, client secrets, the
// Basic credentials, a revoked token), plus SRP's password-derived x and
// key.
var secretMembers = map[string]bool{
	// Cognito API members (flattened "AuthParameters.PASSWORD", …).
	"PASSWORD":       true,
	"NEW_PASSWORD":   true,
	"SECRET_HASH":    true,
	"REFRESH_TOKEN":  true,
	"RefreshToken":   true,
	"ClientSecret":   true,
	"SecretCode":     true,
	"DevicePassword": true,
	// OAuth 2.0 form fields and answers (flows/oauth).
	"code":          true,
	"code_verifier": true,
	"refresh_token": true,
	"client_secret": true,
	"Authorization": true,
	"token":         true,
}

// srpSecrets are the SRPValues derived from the password, by JSON name.
var srpSecrets = map[string]bool{"x": true, "key": true}

// IsSecretKey reports whether the trace value under key is a secret: one
// that a trace recorded without Reveal holds as Redacted, and that a
// trace recorded with Reveal (the console's, which masks values itself so
// the user can unmask them) must not show unasked.
//
// key is a member of Step.Request or Step.Response as recorded
// ("AuthParameters.SECRET_HASH", "AuthenticationResult.RefreshToken",
// "code_verifier"), or "srp.<name>" for a value of Step.SRP by its JSON
// name ("srp.x", "srp.key"). The one member masked beyond the redacted
// ones is an Authorization header carrying a bearer token (flows/oauth's
// UserInfo step shortens it): a token sent as a credential is treated as
// one.
func IsSecretKey(key string) bool {
	if name, ok := strings.CutPrefix(key, "srp."); ok {
		return srpSecrets[name]
	}
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		key = key[i+1:]
	}
	return secretMembers[key]
}
