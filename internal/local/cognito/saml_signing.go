package cognito

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"math/big"
	"time"
)

// The pool's SAML signing certificate: what Cognito publishes with
// GetSigningCertificate and signs its SAML requests with (AuthnRequests to
// a provider whose RequestSigningAlgorithm is rsa-sha256, LogoutRequests of
// IdP sign-out). Its key is made on first use and kept in the state file;
// the certificate is self-signed over that key, derived from the pool (its
// id and creation date), so it is the same after a restart.

// samlCertValidity is how long the pool's SAML signing certificate is valid
// (Cognito's are issued for ten years).
const samlCertValidity = 10 * 365 * 24 * time.Hour

// SAMLSigning returns the pool's SAML signing key and certificate, making
// the key on first use.
func (s *Service) SAMLSigning(poolID string) (*rsa.PrivateKey, *x509.Certificate, error) {
	s.mu.Lock()
	p, err := s.pool(poolID)
	if err != nil {
		s.mu.Unlock()
		return nil, nil, err
	}
	sk, cert := p.SAMLKey, p.samlCert
	s.mu.Unlock()
	if sk == nil {
		// Made unlocked: generating an RSA key is slow.
		k, err := s.newKey()
		if err != nil {
			return nil, nil, fmt.Errorf("pool %s: SAML signing key: %w", poolID, err)
		}
		fresh, err := newSigningKey(k)
		if err != nil {
			return nil, nil, fmt.Errorf("pool %s: SAML signing key: %w", poolID, err)
		}
		s.mu.Lock()
		if p.SAMLKey == nil { // another request may have made one meanwhile
			p.SAMLKey = fresh
			s.markChanged()
		}
		sk, cert = p.SAMLKey, p.samlCert
		s.mu.Unlock()
		s.notify()
	}
	if cert != nil {
		return sk.Key, cert, nil
	}
	cert, err = samlCertificate(poolID, p.Created, sk.Key)
	if err != nil {
		return nil, nil, err
	}
	s.mu.Lock()
	if p.SAMLKey == sk {
		p.samlCert = cert
	}
	s.mu.Unlock()
	return sk.Key, cert, nil
}

// samlCertificate is the self-signed certificate of the pool's SAML key.
// Everything in it comes from the pool and the key (RSA PKCS #1 v1.5
// signatures are deterministic), so it does not change across restarts.
func samlCertificate(poolID string, created time.Time, key *rsa.PrivateKey) (*x509.Certificate, error) {
	serial := sha256.Sum256([]byte("cogscope saml " + poolID))
	notBefore := created.UTC().Truncate(time.Second)
	tmpl := &x509.Certificate{
		SerialNumber: new(big.Int).SetBytes(serial[:16]),
		Subject:      pkix.Name{CommonName: poolID, Organization: []string{"cogscope local"}},
		NotBefore:    notBefore,
		NotAfter:     notBefore.Add(samlCertValidity),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("pool %s: SAML signing certificate: %w", poolID, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("pool %s: SAML signing certificate: %w", poolID, err)
	}
	return cert, nil
}

// opGetSigningCertificate answers GetSigningCertificate: the pool's SAML
// signing certificate, base64 DER (no PEM armour), as Cognito sends it.
func opGetSigningCertificate(s *Service, c *call) (any, error) {
	var in struct {
		UserPoolId string
	}
	if err := c.decode(&in, "UserPoolId"); err != nil {
		return nil, err
	}
	_, cert, err := s.SAMLSigning(in.UserPoolId)
	if err != nil {
		return nil, err
	}
	return map[string]string{"Certificate": base64.StdEncoding.EncodeToString(cert.Raw)}, nil
}
