package cognito

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// GetSigningCertificate returns the pool's SAML signing certificate (base64
// DER): the key that signs the pool's SAML requests, made on first use,
// kept in the state file, the same certificate after a restore; each pool
// has its own; an unknown pool is Cognito's ResourceNotFoundException.
func TestGetSigningCertificate(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	get := func(c *cip.Client, pool string) (*x509.Certificate, error) {
		out, err := c.GetSigningCertificate(e.ctx, &cip.GetSigningCertificateInput{UserPoolId: aws.String(pool)})
		if err != nil {
			return nil, err
		}
		der, err := base64.StdEncoding.DecodeString(aws.ToString(out.Certificate))
		if err != nil {
			t.Fatalf("Certificate is not base64 DER: %v", err)
		}
		return x509.ParseCertificate(der)
	}
	cert, err := get(e.client, DemoPoolID)
	if err != nil {
		t.Fatal(err)
	}
	key, same, err := e.svc.SAMLSigning(DemoPoolID)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(cert.Raw, same.Raw) || !key.PublicKey.Equal(cert.PublicKey.(*rsa.PublicKey)) {
		t.Fatal("GetSigningCertificate is not the certificate of the key SAML requests are signed with")
	}
	if err := cert.CheckSignature(cert.SignatureAlgorithm, cert.RawTBSCertificate, cert.Signature); err != nil {
		t.Errorf("the certificate is not self-signed: %v", err)
	}
	if cert.Subject.CommonName != DemoPoolID || !cert.NotAfter.After(time.Now().Add(5*365*24*time.Hour)) {
		t.Errorf("certificate subject %q, valid until %v", cert.Subject, cert.NotAfter)
	}
	again, err := get(e.client, DemoPoolID)
	if err != nil || !bytes.Equal(again.Raw, cert.Raw) {
		t.Fatalf("a second call gave another certificate (%v)", err)
	}
	other, err := get(e.client, "us-east-1_CogScope2")
	if err != nil || other.PublicKey.(*rsa.PublicKey).Equal(cert.PublicKey) {
		t.Fatalf("another pool shares the key (%v)", err)
	}
	_, err = get(e.client, "us-east-1_Nope12345")
	wantAPIError(t, err, "ResourceNotFoundException", "User pool us-east-1_Nope12345 does not exist.")

	// A restored stack publishes the same certificate.
	snap, err := e.svc.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	svc2 := New(Options{Now: e.clock.Now, NewKey: testKey})
	if err := svc2.Restore(snap); err != nil {
		t.Fatal(err)
	}
	srv2 := httptest.NewServer(svc2)
	defer srv2.Close()
	restored, err := get(cip.NewFromConfig(aws.Config{Region: "us-east-1", Credentials: aws.AnonymousCredentials{}}, func(o *cip.Options) {
		o.BaseEndpoint = aws.String(srv2.URL)
	}), DemoPoolID)
	if err != nil || !bytes.Equal(restored.Raw, cert.Raw) {
		t.Fatalf("after a restore: %v", err)
	}
}
