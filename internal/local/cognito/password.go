package cognito

import (
	"crypto/subtle"
	"fmt"
	"math/big"
	"strings"
	"unicode"

	"github.com/cogscope/cogscope/flows/srp"
)

// Cognito's symbol set for password policies.
const passwordSymbols = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- "

// Cognito words InvalidPasswordException differently depending on the
// operation that refused the password; the reason after the colon is the
// same. Clients (and the Amplify UI's translations) match on the whole
// message, so each operation uses the wording Cognito answers it with.
const (
	// SignUp, ChangePassword, NEW_PASSWORD_REQUIRED (protocol reference
	// §3.5) and AdminSetUserPassword.
	policyRefused = "Password did not conform with policy: "
	// AdminCreateUser's TemporaryPassword, as real boto3 errors quote it.
	policyRefusedAdminCreate = "Password did not conform with password policy: "
	// ConfirmForgotPassword, as Amplify applications match it.
	policyRefusedReset = "Password does not conform to policy: "
)

// checkPolicy returns Cognito's InvalidPasswordException for a password the
// pool's policy refuses, or nil, worded as SignUp words it. The checks run
// in Cognito's order.
func checkPolicy(pp passwordPolicy, pw string) error {
	return checkPolicyAs(policyRefused, pp, pw)
}

// checkPolicyAs is checkPolicy with the message prefix of another
// operation (policyRefused*).
func checkPolicyAs(prefix string, pp passwordPolicy, pw string) error {
	fail := func(reason string) error {
		return newErr(excInvalidPassword, prefix+reason)
	}
	if len([]rune(pw)) < pp.MinimumLength {
		return fail("Password not long enough")
	}
	if len(pw) > 256 {
		return fail("Password must have length less than or equal to 256")
	}
	var upper, lower, number, symbol bool
	for _, r := range pw {
		switch {
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case r >= '0' && r <= '9':
			number = true
		case strings.ContainsRune(passwordSymbols, r):
			symbol = true
		}
	}
	switch {
	case pp.RequireLowercase && !lower:
		return fail("Password must have lowercase characters")
	case pp.RequireUppercase && !upper:
		return fail("Password must have uppercase characters")
	case pp.RequireNumbers && !number:
		return fail("Password must have numeric characters")
	case pp.RequireSymbols && !symbol:
		return fail("Password must have symbol characters")
	}
	return nil
}

// credential is a user's SRP salt and verifier.
type credential struct {
	salt, verifier *big.Int
}

// makeCredential derives salt and verifier for a password: the only form in
// which the service keeps it. userID is the internal username that the SRP
// challenge returns as USER_ID_FOR_SRP. It costs one 256-bit-exponent
// modular exponentiation; call it without holding s.mu.
func makeCredential(poolID, userID, password string) (credential, error) {
	salt, err := srp.NewSalt()
	if err != nil {
		return credential{}, fmt.Errorf("new password: %w", err)
	}
	return credential{salt: salt, verifier: srp.Verifier(srp.PoolName(poolID), userID, password, salt)}, nil
}

// checkPassword reports whether password matches the stored verifier. Also
// one exponentiation; call it without holding s.mu.
func checkPassword(poolID, userID, password string, salt, verifier *big.Int) bool {
	if salt == nil || verifier == nil {
		return false
	}
	got := srp.Verifier(srp.PoolName(poolID), userID, password, salt)
	return subtle.ConstantTimeCompare(srp.Pad(got), srp.Pad(verifier)) == 1
}
