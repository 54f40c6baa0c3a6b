package cognito

import (
	"crypto/rand"
	"encoding/base64"
	"math/big"

	"github.com/google/uuid"
)

const (
	alnum      = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	lowerAlnum = "0123456789abcdefghijklmnopqrstuvwxyz"
	digits     = "0123456789"
)

// randomString draws n characters uniformly from alphabet.
func randomString(alphabet string, n int) string {
	out := make([]byte, n)
	max := big.NewInt(int64(len(alphabet)))
	for i := range out {
		v, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic("cognito: crypto/rand failed: " + err.Error()) // the runtime treats this as fatal too
		}
		out[i] = alphabet[v.Int64()]
	}
	return string(out)
}

// newPoolID is region_ plus 9 alphanumerics, as real pool ids are.
func newPoolID(region string) string { return region + "_" + randomString(alnum, 9) }

// newClientID is 26 lowercase alphanumerics, as real app client ids are.
func newClientID() string { return randomString(lowerAlnum, 26) }

// newClientSecret is 51 lowercase alphanumerics, the length and alphabet
// of the secrets Cognito generates.
func newClientSecret() string { return randomString(lowerAlnum, 51) }

// newCode is a numeric one-time code of n digits.
func newCode(n int) string { return randomString(digits, n) }

// newDeviceKey is region_uuid (pattern [\w-]+_[0-9a-f-]+).
func newDeviceKey(region string) string { return region + "_" + uuid.NewString() }

// newDeviceGroupKey looks like Cognito's: a dash and 9 alphanumerics.
func newDeviceGroupKey() string { return "-" + randomString(alnum, 9) }

// randomBytes returns n bytes from crypto/rand.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("cognito: crypto/rand failed: " + err.Error())
	}
	return b
}

// newSessionString is an opaque Session value. Real ones are ~900
// characters of base64-ish text; clients must not parse them.
func newSessionString() string {
	return "AYABe" + base64.RawURLEncoding.EncodeToString(randomBytes(240))
}

// newSecretBlock is the opaque SECRET_BLOCK of an SRP challenge (standard
// base64, as Cognito sends it).
func (s *Service) newSecretBlock() []byte {
	if s.secretBlock != nil {
		return s.secretBlock()
	}
	return randomBytes(256)
}
