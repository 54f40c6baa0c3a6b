package cmdutil

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go/logging"
)

func TestLimitedBody(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		size    int
		wantErr bool
	}{{0, false}, {maxResponseBytes, false}, {maxResponseBytes + 1, true}} {
		b := &limitedBody{rc: io.NopCloser(bytes.NewReader(make([]byte, c.size))), left: maxResponseBytes}
		got, err := io.ReadAll(b)
		if (err != nil) != c.wantErr || (!c.wantErr && len(got) != c.size) {
			t.Errorf("%d bytes: read %d, err %v", c.size, len(got), err)
		}
	}
}

// TestAWSConfigWithCABundle: AWS_CA_BUNDLE (set on many corporate
// machines) must not break the configuration for a real AWS endpoint;
// LoadDefaultConfig refuses a plain *http.Client when it is set.
func TestAWSConfigWithCABundle(t *testing.T) {
	dir := t.TempDir()
	bundle := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(bundle, selfSignedPEM(t), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CA_BUNDLE", bundle)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "none"))
	f := &Factory{HTTP: &http.Client{Timeout: time.Second}, Env: func(string) string { return "" }}
	cfg, err := f.AWSConfig(context.Background(), Target{Region: "eu-west-1", UserPoolID: "eu-west-1_Abc", ClientID: "c"})
	if err != nil {
		t.Fatalf("awsConfig with AWS_CA_BUNDLE: %v", err)
	}
	if _, ok := cfg.HTTPClient.(limitedDoer); !ok {
		t.Errorf("AWS calls are not bounded: %T", cfg.HTTPClient)
	}
	// The SDK's own warnings (IMDS fallbacks) would be a second stderr line.
	if _, ok := cfg.Logger.(logging.Nop); !ok {
		t.Errorf("the SDK logs to stderr: %T", cfg.Logger)
	}
}

func selfSignedPEM(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// TestFactoryAWSConfig: the local stack (a loopback endpoint) gets a
// hermetic configuration without reading the environment, and a test's
// AWSConfigFunc replaces the builder for every command.
func TestFactoryAWSConfig(t *testing.T) {
	t.Parallel()
	f := &Factory{HTTP: &http.Client{}, Env: func(string) string { return "" }}
	cfg, err := f.AWSConfig(context.Background(), Target{Region: "eu-west-1", Endpoint: "http://127.0.0.1:9229"})
	if err != nil {
		t.Fatal(err)
	}
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil || creds.Source != "StaticCredentials" || cfg.Region != "eu-west-1" || cfg.HTTPClient != f.HTTP {
		t.Errorf("loopback: %+v %v (region %q, client %T)", creds.Source, err, cfg.Region, cfg.HTTPClient)
	}

	var seen Target
	f.AWSConfigFunc = func(_ context.Context, ff *Factory, tg Target) (aws.Config, error) {
		if ff != f {
			t.Error("AWSConfigFunc is not given its factory")
		}
		seen = tg
		return aws.Config{Region: "test"}, nil
	}
	want := Target{Region: "ap-south-1", UserPoolID: "ap-south-1_X"}
	if cfg, err := f.AWSConfig(context.Background(), want); err != nil || cfg.Region != "test" || !reflect.DeepEqual(seen, want) {
		t.Errorf("AWSConfigFunc: %v %v %+v", cfg.Region, err, seen)
	}
}

// TestHasAWSCredentialsAsksTheChain: credentials in the shared files
// count, as the calls would find them, though no AWS_* variable names
// them; with none anywhere the answer is no, quickly.
func TestHasAWSCredentialsAsksTheChain(t *testing.T) {
	dir := t.TempDir()
	credFile := filepath.Join(dir, "credentials")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", credFile)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_WEB_IDENTITY_TOKEN_FILE"} {
		t.Setenv(k, "")
	}
	f := &Factory{HTTP: &http.Client{Timeout: time.Second}, Env: func(string) string { return "" }}
	aws := Target{Region: "eu-west-1", UserPoolID: "eu-west-1_Abc", ClientID: "c"}
	start := time.Now()
	if f.HasAWSCredentials(context.Background(), aws) {
		t.Error("no credentials anywhere, yet they are worth trying")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("asking took %s", d)
	}
	if err := os.WriteFile(credFile, []byte("[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = wJalrXUtnFEMI\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if !f.HasAWSCredentials(context.Background(), aws) {
		t.Error("credentials in ~/.aws/credentials are not found")
	}
	if !f.HasAWSCredentials(context.Background(), Target{Endpoint: "http://127.0.0.1:9229"}) {
		t.Error("the local stack needs no credentials")
	}
}
