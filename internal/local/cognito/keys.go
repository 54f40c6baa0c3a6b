package cognito

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
)

// signingKey is one of a pool's two RS256 keys. Cognito publishes two keys
// per pool and signs ID tokens with one, access tokens with the other; kids
// are opaque base64 strings (with +, / and =), which clients must compare
// as plain strings.
type signingKey struct {
	Kid string
	Key *rsa.PrivateKey

	jwk jwkJSON // the public half as served in jwks.json
}

type jwkJSON struct {
	Alg string `json:"alg"`
	E   string `json:"e"`
	Kid string `json:"kid"`
	Kty string `json:"kty"`
	N   string `json:"n"`
	Use string `json:"use"`
}

func newSigningKey(k *rsa.PrivateKey) (*signingKey, error) {
	if k == nil || k.N.BitLen() < 2048 {
		return nil, fmt.Errorf("signing key: need an RSA key of at least 2048 bits")
	}
	k.Precompute()
	kid := make([]byte, 32)
	if _, err := rand.Read(kid); err != nil {
		return nil, fmt.Errorf("signing key: kid: %w", err)
	}
	sk := &signingKey{Kid: base64.StdEncoding.EncodeToString(kid), Key: k}
	sk.fillJWK()
	return sk, nil
}

func (k *signingKey) fillJWK() {
	k.jwk = jwkJSON{
		Alg: "RS256",
		E:   base64.RawURLEncoding.EncodeToString(big.NewInt(int64(k.Key.E)).Bytes()),
		Kid: k.Kid,
		Kty: "RSA",
		N:   base64.RawURLEncoding.EncodeToString(k.Key.N.Bytes()),
		Use: "sig",
	}
}

// sign returns the RS256 signature over signingInput.
func (k *signingKey) sign(signingInput []byte) ([]byte, error) {
	h := sha256.Sum256(signingInput)
	return rsa.SignPKCS1v15(nil, k.Key, crypto.SHA256, h[:])
}

func (k *signingKey) verify(signingInput, sig []byte) bool {
	h := sha256.Sum256(signingInput)
	return rsa.VerifyPKCS1v15(&k.Key.PublicKey, crypto.SHA256, h[:], sig) == nil
}

type signingKeyJSON struct {
	Kid   string `json:"kid"`
	PKCS8 []byte `json:"pkcs8"`
}

func (k *signingKey) MarshalJSON() ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k.Key)
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", k.Kid, err)
	}
	return json.Marshal(signingKeyJSON{Kid: k.Kid, PKCS8: der})
}

func (k *signingKey) UnmarshalJSON(b []byte) error {
	var v signingKeyJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	parsed, err := x509.ParsePKCS8PrivateKey(v.PKCS8)
	if err != nil {
		return fmt.Errorf("signing key %s: %w", v.Kid, err)
	}
	rk, ok := parsed.(*rsa.PrivateKey)
	if !ok || v.Kid == "" {
		return fmt.Errorf("signing key %q: not an RSA key with a kid", v.Kid)
	}
	rk.Precompute()
	k.Kid, k.Key = v.Kid, rk
	k.fillJWK()
	return nil
}
