package signin

import "strings"

// secretNames are the last segments of trace keys whose values the view
// hides until the user unmasks: passwords, SECRET_HASH, refresh tokens,
// client secrets, TOTP seeds, one-time codes, SRP's password-derived values.
// Flows records steps unredacted for the console (so that unmasking is
// possible) and this list decides what is masked; it follows the classes of
// flows' own redaction.
var secretNames = map[string]bool{
	"PASSWORD": true, "NEW_PASSWORD": true, "Password": true,
	"PreviousPassword": true, "ProposedPassword": true, "password": true,
	"SECRET_HASH": true, "SecretHash": true,
	"REFRESH_TOKEN": true, "RefreshToken": true, "refresh_token": true,
	"ClientSecret": true, "client_secret": true,
	"SecretCode": true, "secret": true,
	"SMS_MFA_CODE": true, "SOFTWARE_TOKEN_MFA_CODE": true, "EMAIL_OTP_CODE": true,
	"SMS_OTP_CODE": true, "UserCode": true, "ANSWER": true,
	"code_verifier": true, "DEVICE_PASSWORD": true,
	"x": true, "key": true,
}

// isSecret reports whether the value under name is a secret.
func isSecret(name string) bool {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	return secretNames[name]
}
