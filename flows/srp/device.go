package srp

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"math/big"
)

// DevicePasswordBytes is how many random bytes a device password is drawn
// from (base64-encoded, as Amplify does).
const DevicePasswordBytes = 40

// DeviceVerifier is what ConfirmDevice registers for a new device: the
// device password stays with the client; the salt and verifier go to
// Cognito, which later proves the device with DEVICE_SRP_AUTH the same way
// it proves a user's password.
type DeviceVerifier struct {
	Password string
	Salt     *big.Int
	Verifier *big.Int
}

// NewDeviceVerifier draws a device password and salt and computes the
// verifier g^x mod N, with x over the device group key (in place of the
// pool name), the device key (in place of the user id) and the password.
func NewDeviceVerifier(deviceGroupKey, deviceKey string) (DeviceVerifier, error) {
	buf := make([]byte, DevicePasswordBytes)
	if _, err := io.ReadFull(rand.Reader, buf); err != nil {
		return DeviceVerifier{}, fmt.Errorf("srp: device password: %w", err)
	}
	salt, err := NewSalt()
	if err != nil {
		return DeviceVerifier{}, err
	}
	password := base64.StdEncoding.EncodeToString(buf)
	return DeviceVerifier{
		Password: password,
		Salt:     salt,
		Verifier: Verifier(deviceGroupKey, deviceKey, password, salt),
	}, nil
}

// PasswordVerifierBase64 is DeviceSecretVerifierConfig.PasswordVerifier:
// base64 of the padded verifier bytes (not of its hex text).
func (d DeviceVerifier) PasswordVerifierBase64() string {
	return base64.StdEncoding.EncodeToString(Pad(d.Verifier))
}

// SaltBase64 is DeviceSecretVerifierConfig.Salt: base64 of the padded salt
// bytes.
func (d DeviceVerifier) SaltBase64() string {
	return base64.StdEncoding.EncodeToString(Pad(d.Salt))
}

// ParseBase64Int decodes a DeviceSecretVerifierConfig field (base64 of
// big-endian bytes) back to the unsigned integer, as a server stores it.
func ParseBase64Int(s string) (*big.Int, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("srp: not base64: %w", err)
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("srp: empty value")
	}
	return new(big.Int).SetBytes(b), nil
}
