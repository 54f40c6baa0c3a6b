package cognito

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	"github.com/pquerna/otp/totp"

	"github.com/cogscope/cogscope/flows/srp"
	"github.com/cogscope/cogscope/internal/awsclient"
)

// testKeys are fixed RSA-2048 keys from testdata, parsed once per test
// binary: generating keys costs 50-200 ms each, and every test pool needs
// two. They sign nothing outside tests.
var testKeys = sync.OnceValue(func() []*rsa.PrivateKey {
	data, err := os.ReadFile("testdata/test-keys.pem")
	if err != nil {
		panic(err)
	}
	var keys []*rsa.PrivateKey
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			panic(err)
		}
		keys = append(keys, k)
	}
	if len(keys) < 3 {
		panic("testdata/test-keys.pem: need at least 3 keys")
	}
	return keys
})

var keyCounter atomic.Uint64

// testKey hands out copies of the cached keys in turn.
func testKey() (*rsa.PrivateKey, error) {
	keys := testKeys()
	k := *keys[keyCounter.Add(1)%uint64(len(keys))]
	return &k, nil
}

// fakeClock is a settable clock for expiry tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Now().UTC().Truncate(time.Second)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is one service behind an httptest server with an SDK client.
type env struct {
	t      testing.TB
	svc    *Service
	srv    *httptest.Server
	clock  *fakeClock
	client *cip.Client
	ctx    context.Context
}

func newEnv(t testing.TB, seed *Seed) *env { return newEnvWith(t, seed, nil) }

// newEnvWith lets setup adjust the service (test hooks, clock) before the
// server starts, so no request can race with it.
func newEnvWith(t testing.TB, seed *Seed, setup func(*Service)) *env {
	t.Helper()
	clock := newFakeClock()
	e := &env{t: t, clock: clock, ctx: context.Background()}
	e.svc = New(Options{Now: clock.Now, NewKey: testKey, BaseURL: func() string { return e.srv.URL }})
	if setup != nil {
		setup(e.svc)
	}
	e.srv = httptest.NewServer(e.svc)
	t.Cleanup(e.srv.Close)
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	httpClient := &http.Client{Transport: tr}
	e.client = awsclient.Cognito(awsclient.Static("us-east-1", httpClient), e.srv.URL)
	if seed != nil {
		if err := e.svc.ApplySeed(*seed); err != nil {
			t.Fatalf("ApplySeed: %v", err)
		}
	}
	return e
}

func newDemoEnv(t testing.TB) *env {
	seed := DemoSeed()
	return newEnv(t, &seed)
}

// wantAPIError asserts err is the AWS error code with exactly message.
func wantAPIError(t testing.TB, err error, code, message string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got error %v, want %s: %q", err, code, message)
	}
	if ae.ErrorCode() != code || ae.ErrorMessage() != message {
		t.Fatalf("got %s: %q, want %s: %q", ae.ErrorCode(), ae.ErrorMessage(), code, message)
	}
}

// wantAPIErrorPrefix is wantAPIError for messages checked by prefix.
func wantAPIErrorPrefix(t testing.TB, err error, code, prefix string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got error %v, want %s: %q...", err, code, prefix)
	}
	if ae.ErrorCode() != code || !strings.HasPrefix(ae.ErrorMessage(), prefix) {
		t.Fatalf("got %s: %q, want %s: %q...", ae.ErrorCode(), ae.ErrorMessage(), code, prefix)
	}
}

func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return v
	}
}

// passwordSignIn runs USER_PASSWORD_AUTH.
func (e *env) passwordSignIn(clientID, username, password string, extra map[string]string) (*cip.InitiateAuthOutput, error) {
	params := map[string]string{"USERNAME": username, "PASSWORD": password}
	for k, v := range extra {
		params[k] = v
	}
	return e.client.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		ClientId: aws.String(clientID), AuthParameters: params})
}

// srpClient is the client half of an SRP sign-in, written against the
// shared srp package the way flows does it.
type srpClient struct {
	c        *srp.Client
	poolName string
	now      func() time.Time
}

func newSRPClient(t testing.TB, poolID string, now func() time.Time) *srpClient {
	c, err := srp.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	return &srpClient{c: c, poolName: srp.PoolName(poolID), now: now}
}

// answer computes the PASSWORD_VERIFIER (or DEVICE_PASSWORD_VERIFIER)
// responses for challenge params; poolName/userID default to the pool and
// USER_ID_FOR_SRP.
func (sc *srpClient) answer(t testing.TB, params map[string]string, password string, poolName, userID string) map[string]string {
	t.Helper()
	if poolName == "" {
		poolName = sc.poolName
	}
	if userID == "" {
		userID = params["USER_ID_FOR_SRP"]
	}
	salt, err := srp.ParseHex(params["SALT"])
	if err != nil {
		t.Fatal(err)
	}
	B, err := srp.ParseHex(params["SRP_B"])
	if err != nil {
		t.Fatal(err)
	}
	v, err := sc.c.Key(poolName, userID, password, salt, B)
	if err != nil {
		t.Fatal(err)
	}
	block, err := base64.StdEncoding.DecodeString(params["SECRET_BLOCK"])
	if err != nil {
		t.Fatal(err)
	}
	ts := srp.FormatTimestamp(sc.now())
	return map[string]string{
		"USERNAME":                    userID,
		"PASSWORD_CLAIM_SECRET_BLOCK": params["SECRET_BLOCK"],
		"PASSWORD_CLAIM_SIGNATURE":    srp.Signature(v.Key, poolName, userID, block, ts),
		"TIMESTAMP":                   ts,
	}
}

// srpSignIn runs USER_SRP_AUTH to its first answer and returns the
// RespondToAuthChallenge output.
func (e *env) srpSignIn(clientID, poolID, username, password string) (*cip.RespondToAuthChallengeOutput, error) {
	sc := newSRPClient(e.t, poolID, e.clock.Now)
	init, err := e.client.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserSrpAuth,
		ClientId: aws.String(clientID), AuthParameters: map[string]string{"USERNAME": username, "SRP_A": sc.c.AHex()}})
	if err != nil {
		return nil, err
	}
	if init.ChallengeName != types.ChallengeNameTypePasswordVerifier {
		e.t.Fatalf("challenge %s, want PASSWORD_VERIFIER", init.ChallengeName)
	}
	return e.client.RespondToAuthChallenge(e.ctx, &cip.RespondToAuthChallengeInput{ClientId: aws.String(clientID),
		ChallengeName: init.ChallengeName, ChallengeResponses: sc.answer(e.t, init.ChallengeParameters, password, "", "")})
}

// claims decodes a JWT payload without verifying it.
func claims(t testing.TB, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts", len(parts))
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func totpCode(t testing.TB, secret string, at time.Time) string {
	t.Helper()
	code, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: 6})
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func bigHex(t testing.TB, s string) *big.Int {
	t.Helper()
	n, ok := new(big.Int).SetString(s, 16)
	if !ok {
		t.Fatalf("bad hex %q", s)
	}
	return n
}

// lastCode is the most recent code sent to username.
func (e *env) lastCode(username, purpose string) string {
	e.t.Helper()
	codes := e.svc.SentCodes()
	for i := len(codes) - 1; i >= 0; i-- {
		if codes[i].Username == username && codes[i].Purpose == purpose {
			return codes[i].Code
		}
	}
	e.t.Fatalf("no %s code sent to %s", purpose, username)
	return ""
}
