package cognito

import (
	"encoding/base32"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// totpOpts are the RFC 6238 parameters authenticator apps use with
// Cognito: SHA-1, 30-second steps, 6 digits. One step of skew each way
// tolerates a slow typist and a little clock drift.
var totpOpts = totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

func validTOTP(secret, code string, now time.Time) bool {
	if len(code) != 6 {
		return false
	}
	ok, err := totp.ValidateCustom(code, secret, now.UTC(), totpOpts)
	return err == nil && ok
}

// newTOTPSecret is a SecretCode as AssociateSoftwareToken returns it: 32
// random bytes in unpadded base32 (52 characters).
func newTOTPSecret() string {
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(randomBytes(32))
}
