package inspect

import (
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The keys in testdata/rsa-test-*.pem are throwaway RSA-2048 keys made for
// these tests only (loading them is faster than generating keys, and the
// checked-in fuzz corpus needs stable keys).
var (
	testKeysOnce sync.Once
	testKeys     []*rsa.PrivateKey
)

func loadTestKeys(t testing.TB) []*rsa.PrivateKey {
	t.Helper()
	testKeysOnce.Do(func() {
		for i := 1; i <= 3; i++ {
			b, err := os.ReadFile(fmt.Sprintf("testdata/rsa-test-%d.pem", i))
			if err != nil {
				panic(err)
			}
			blk, _ := pem.Decode(b)
			k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
			if err != nil {
				panic(err)
			}
			testKeys = append(testKeys, k.(*rsa.PrivateKey))
		}
	})
	return testKeys
}

// testNow is the fixed clock of the tests: 2026-11-26 12:00:00 UTC.
var testNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

const (
	testPool   = "us-east-1_TestPool1"
	testClient = "3n4b5urk1ft4fl3mg5e62d9ado"
	idKid      = "vyVQH7UMjwYboVvyFf+zd4KHZfgc+RtmU/A2vHhgITI="
	accessKid  = "Xk8Pq2+Lr/4sT1uVw5yZa6bC7dE8fG9hI0jK1lM2nO3="
	otherKid   = "retired-key-0001"
)

// testIssuer signs Cognito-shaped tokens like a user pool: one key for ID
// tokens, another for access tokens, published as a JWKS.
type testIssuer struct {
	iss     string
	idKey   *rsa.PrivateKey
	accKey  *rsa.PrivateKey
	extra   *rsa.PrivateKey // a key that is not published
	jwks    []byte
	keySet  *KeySet
	hits    atomic.Int64
	srv     *httptest.Server
	headers http.Header // extra response headers for the JWKS
	mu      sync.Mutex
}

func newTestIssuer(t testing.TB, iss string) *testIssuer {
	t.Helper()
	keys := loadTestKeys(t)
	ti := &testIssuer{iss: iss, idKey: keys[0], accKey: keys[1], extra: keys[2]}
	ti.jwks = jwksJSON(map[string]*rsa.PrivateKey{idKid: ti.idKey, accessKid: ti.accKey})
	ks, err := ParseJWKS(ti.jwks, "test")
	if err != nil {
		t.Fatal(err)
	}
	ti.keySet = ks
	return ti
}

// serveIssuer starts an HTTP server publishing the JWKS under
// /<pool>/.well-known/jwks.json and sets iss to its URL.
func serveIssuer(t testing.TB, pool string) *testIssuer {
	t.Helper()
	ti := serveIssuerNoCleanup(t, pool)
	t.Cleanup(ti.srv.Close)
	return ti
}

// serveIssuerNoCleanup is serveIssuer for a server shared by benchmarks
// for the life of the test binary.
func serveIssuerNoCleanup(t testing.TB, pool string) *testIssuer {
	t.Helper()
	ti := newTestIssuer(t, "")
	ti.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/"+pool+"/.well-known/jwks.json" {
			http.NotFound(w, r)
			return
		}
		ti.hits.Add(1)
		ti.mu.Lock()
		for k, v := range ti.headers {
			w.Header()[k] = v
		}
		body := ti.jwks
		ti.mu.Unlock()
		if w.Header().Get("Cache-Control") == "" {
			w.Header().Set("Cache-Control", "max-age=3600")
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	ti.iss = ti.srv.URL + "/" + pool
	return ti
}

func jwksJSON(keys map[string]*rsa.PrivateKey) []byte {
	var out struct {
		Keys []map[string]string `json:"keys"`
	}
	for kid, k := range keys {
		out.Keys = append(out.Keys, map[string]string{
			"alg": "RS256", "e": b64(big.NewInt(int64(k.E)).Bytes()), "kid": kid, "kty": "RSA",
			"n": b64(k.N.Bytes()), "use": "sig",
		})
	}
	b, _ := json.Marshal(out)
	return b
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// signRS signs header and payload (any JSON-able values, or []byte of raw
// JSON) with RS256/384/512.
func signRS(key *rsa.PrivateKey, alg string, header, payload any) string {
	input := b64(rawJSON(header)) + "." + b64(rawJSON(payload))
	var h crypto.Hash
	switch alg {
	case "RS384":
		h = crypto.SHA384
	case "RS512":
		h = crypto.SHA512
	default:
		h = crypto.SHA256
	}
	d := h.New()
	d.Write([]byte(input))
	sig, err := rsa.SignPKCS1v15(nil, key, h, d.Sum(nil))
	if err != nil {
		panic(err)
	}
	return input + "." + b64(sig)
}

// signHS signs with HMAC-SHA256 and the given secret: with the issuer's
// public key as the secret, this is the key-confusion forgery.
func signHS(secret []byte, header, payload any) string {
	input := b64(rawJSON(header)) + "." + b64(rawJSON(payload))
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(input))
	return input + "." + b64(m.Sum(nil))
}

func rawJSON(v any) []byte {
	if b, ok := v.([]byte); ok {
		return b
	}
	return mustJSON(v)
}

func publicPEM(k *rsa.PrivateKey) []byte {
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		panic(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

type claims = map[string]any

func (ti *testIssuer) accessClaims(now time.Time) claims {
	return claims{
		"sub": "1f0be62f-ffcd-49ca-b5a4-18f0bf62e0e6", "cognito:groups": []string{"admin"},
		"iss": ti.iss, "client_id": testClient, "origin_jti": "3e8d6f1c-0b5c-4a0e-9a8e-2f1f0b1f3c44",
		"event_id": "8a0e5a4c-6b2f-4f2a-8b1c-0e9c2d7f6a11", "token_use": "access",
		"scope": "aws.cognito.signin.user.admin", "auth_time": now.Add(-10 * time.Minute).Unix(),
		"exp": now.Add(50 * time.Minute).Unix(), "iat": now.Add(-10 * time.Minute).Unix(),
		"jti": "02d89794-3227-415e-a57e-4b5c8efe60ec", "username": "jane",
	}
}

func (ti *testIssuer) idClaims(now time.Time) claims {
	return claims{
		"sub": "1f0be62f-ffcd-49ca-b5a4-18f0bf62e0e6", "cognito:groups": []string{"admin", "users"},
		"email_verified": true, "iss": ti.iss, "cognito:username": "jane", "aud": testClient,
		"origin_jti": "3e8d6f1c-0b5c-4a0e-9a8e-2f1f0b1f3c44", "event_id": "8a0e5a4c-6b2f-4f2a-8b1c-0e9c2d7f6a11",
		"token_use": "id", "auth_time": now.Add(-10 * time.Minute).Unix(), "exp": now.Add(50 * time.Minute).Unix(),
		"iat": now.Add(-10 * time.Minute).Unix(), "jti": "7d2f0c8e-1b9a-4d4e-8f6a-0c1e2d3f4a5b",
		"email": "jane@example.com", "custom:tenant": "acme",
	}
}

func (ti *testIssuer) access(c claims) string {
	return signRS(ti.accKey, "RS256", claims{"kid": accessKid, "alg": "RS256"}, c)
}

func (ti *testIssuer) id(c claims) string {
	return signRS(ti.idKey, "RS256", claims{"kid": idKid, "alg": "RS256"}, c)
}

// failedChecks lists the names of the failed checks of a report.
func failedChecks(r *Report) []string {
	var out []string
	for _, c := range r.Failed() {
		out = append(out, string(c.Name))
	}
	return out
}

func without(c claims, names ...string) claims {
	out := claims{}
	for k, v := range c {
		out[k] = v
	}
	for _, n := range names {
		delete(out, n)
	}
	return out
}

func with(c claims, kv ...any) claims {
	out := without(c)
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

// tamperPayload replaces the payload of a signed token, keeping header and
// signature.
func tamperPayload(tok string, c claims) string {
	parts := strings.Split(tok, ".")
	parts[1] = b64(mustJSON(c))
	return strings.Join(parts, ".")
}

func ctx() context.Context { return context.Background() }

// httpClientNoRetry fails fast against a closed port.
var httpClientNoRetry = http.Client{Timeout: 2 * time.Second}

// signInput signs an arbitrary signing input (header.payload as text) with
// the access-token key.
func signInput(ti *testIssuer, input string) string {
	h := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(nil, ti.accKey, crypto.SHA256, h[:])
	if err != nil {
		panic(err)
	}
	return input + "." + b64(sig)
}
