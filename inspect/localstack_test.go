package inspect_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/cogscope/cogscope/inspect"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

const (
	secondPool   = "us-east-1_SecondPool2"
	secondClient = "secondpoolpublicclient0002"
)

// signIn signs in with USER_PASSWORD_AUTH through the real SDK client and
// returns the ID and access tokens the stack minted.
func signIn(t *testing.T, env *localtest.Env, clientID, user, password string) (id, access string) {
	t.Helper()
	out, err := env.CognitoClient().InitiateAuth(context.Background(), &cip.InitiateAuthInput{
		AuthFlow: "USER_PASSWORD_AUTH", ClientId: aws.String(clientID),
		AuthParameters: map[string]string{"USERNAME": user, "PASSWORD": password},
	})
	if err != nil {
		t.Fatalf("InitiateAuth: %v", err)
	}
	if out.AuthenticationResult == nil {
		t.Fatalf("InitiateAuth returned challenge %s", out.ChallengeName)
	}
	return aws.ToString(out.AuthenticationResult.IdToken), aws.ToString(out.AuthenticationResult.AccessToken)
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// reheader replaces a token's header, keeping payload and signature.
func reheader(tok string, hdr map[string]string) string {
	p := strings.SplitN(tok, ".", 3)
	h, _ := json.Marshal(hdr)
	return b64(h) + "." + p[1] + "." + p[2]
}

// TestTokensFromTheLocalStack verifies tokens the local stack mints, and
// the ways they go wrong: each case fails exactly the named checks.
func TestTokensFromTheLocalStack(t *testing.T) {
	t.Parallel()
	seed := cognito.DemoSeed()
	seed.UserPools = append(seed.UserPools, cognito.PoolSeed{ID: secondPool, Name: "second",
		Clients: []cognito.ClientSeed{{ID: secondClient, Name: "second-public", ExplicitAuthFlows: []string{"ALLOW_USER_PASSWORD_AUTH"}}},
		Users:   []cognito.UserSeed{{Username: "bob", Password: cognito.DemoPassword}}})
	env := localtest.Start(t, localtest.WithSeed(seed))
	d := env.Demo
	id, access := signIn(t, env, d.ClientID, d.Username, d.Password)
	_, otherAccess := signIn(t, env, secondClient, "bob", cognito.DemoPassword)

	keys := inspect.NewCache(inspect.CacheOptions{Client: &http.Client{Timeout: 5 * time.Second}})
	parts := strings.Split(access, ".")
	var hdr map[string]string
	hb, _ := base64.RawURLEncoding.DecodeString(parts[0])
	if err := json.Unmarshal(hb, &hdr); err != nil {
		t.Fatal(err)
	}
	var payload map[string]any
	pb, _ := base64.RawURLEncoding.DecodeString(parts[1])
	if err := json.Unmarshal(pb, &payload); err != nil {
		t.Fatal(err)
	}
	payload["cognito:groups"] = []string{"admins", "root"}
	tamperedPayload, _ := json.Marshal(payload)
	sig := []byte(parts[2])
	// Another base64url character in the middle (all six of its bits are
	// signature bits). Flipping a bit and falling back to 'A' when that
	// left the alphabet did nothing to a signature whose character was
	// 'A' already (one run in 64 passed a token it should refuse).
	if sig[10] == 'A' {
		sig[10] = 'B'
	} else {
		sig[10] = 'A'
	}
	// HS256 "signed" with the pool's public key, PEM-encoded: the classic
	// key-confusion forgery.
	key, err := keys.Key(context.Background(), d.Issuer, hdr["kid"])
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(key.RSA)
	hsInput := b64([]byte(`{"alg":"HS256","kid":"`+hdr["kid"]+`"}`)) + "." + parts[1]
	mac := hmac.New(sha256.New, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	mac.Write([]byte(hsInput))

	now := time.Now()
	cases := []struct {
		name     string
		token    string
		tokenUse string
		clients  []string
		at       time.Time
		failed   []string
	}{
		{name: "valid access token", token: access, tokenUse: "access"},
		{name: "valid ID token", token: id, tokenUse: "id"},
		{name: "expired via now", token: access, at: now.Add(25 * time.Hour), failed: []string{"exp"}},
		{name: "wrong client", token: access, clients: []string{"someotherclientid000000000"}, failed: []string{"aud"}},
		{name: "wrong token_use", token: id, tokenUse: "access", failed: []string{"token_use"}},
		// Another pool signs with its own keys and issues to its own
		// clients, as on AWS.
		{name: "wrong pool", token: otherAccess, failed: []string{"kid", "iss", "aud"}},
		{name: "tampered payload", token: parts[0] + "." + b64(tamperedPayload) + "." + parts[2], failed: []string{"signature"}},
		{name: "tampered signature", token: parts[0] + "." + parts[1] + "." + string(sig), failed: []string{"signature"}},
		{name: "alg none", token: b64([]byte(`{"alg":"none","kid":"`+hdr["kid"]+`"}`)) + "." + parts[1] + ".", failed: []string{"alg"}},
		{name: "HS256 signed with the public key", token: hsInput + "." + b64(mac.Sum(nil)), failed: []string{"alg"}},
		{name: "unknown kid", token: reheader(access, map[string]string{"alg": "RS256", "kid": "not-a-kid-of-this-pool"}), failed: []string{"kid"}},
		{name: "missing kid", token: reheader(access, map[string]string{"alg": "RS256"}), failed: []string{"kid"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			at := tc.at
			if at.IsZero() {
				at = now
			}
			clients := tc.clients
			if clients == nil {
				clients = []string{d.ClientID}
			}
			v, err := inspect.NewVerifier(inspect.Options{Issuer: d.Issuer, ClientIDs: clients, TokenUse: tc.tokenUse,
				Keys: keys, Now: func() time.Time { return at }})
			if err != nil {
				t.Fatal(err)
			}
			r, err := v.Verify(context.Background(), tc.token)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			var failed []string
			for _, c := range r.Failed() {
				failed = append(failed, string(c.Name))
			}
			slices.Sort(failed)
			want := slices.Clone(tc.failed)
			slices.Sort(want)
			if !slices.Equal(failed, want) || r.Valid != (len(want) == 0) {
				var b strings.Builder
				for _, c := range r.Checks {
					b.WriteString("  " + string(c.Name) + " " + string(c.Status) + ": " + c.Detail + "\n")
				}
				t.Fatalf("failed %v, want %v\n%s", failed, want, b.String())
			}
			verr := v.Validate(context.Background(), tc.token)
			var f *inspect.Failure
			if (verr == nil) != r.Valid || (verr != nil && (!errors.As(verr, &f) || f.Check != r.Failed()[0].Name)) {
				t.Fatalf("Validate %v disagrees with the report", verr)
			}
		})
	}

	// The stack's ID token carries the claims the catalogue explains.
	r := inspect.Describe(id, now)
	for _, name := range []string{"cognito:groups", "custom:tenant", "email", "auth_time", "origin_jti"} {
		c, ok := r.Claim(name)
		if !ok || !c.Known || c.Meaning == "" {
			t.Errorf("ID token claim %s: %+v", name, c)
		}
	}

	// And API Gateway's verdicts on them.
	h := http.Header{"Authorization": {"Bearer " + access}}
	j, err := inspect.Judge(context.Background(), inspect.Authorizer{Type: inspect.HTTPJWTAuthorizer, Issuer: d.Issuer,
		Audience: []string{d.ClientID}, Scopes: []string{"cogscope-api/read"}}, h, keys, now)
	if err != nil || j.Allowed || j.Status != 403 {
		t.Fatalf("API-flow token to a scoped route: %+v, %v", j, err)
	}
	j, err = inspect.Judge(context.Background(), inspect.Authorizer{Type: inspect.RESTCognitoAuthorizer, Issuers: []string{d.Issuer}},
		http.Header{"Authorization": {id}}, keys, now)
	if err != nil || !j.Allowed {
		t.Fatalf("ID token to a REST method without scopes: %+v, %v", j, err)
	}
}
