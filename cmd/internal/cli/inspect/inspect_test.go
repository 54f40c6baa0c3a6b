package inspect

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cogscope/cogscope/cmd/internal/config"
)

// inspectNow is the fixed clock of these tests.
var inspectNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

const (
	inspIssuer = "https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_Insp3ct"
	inspClient = "4tnp4k64d5v4ah9dud3pj1kbs0"
	inspKid    = "test-kid-1"
)

var (
	inspKeyOnce sync.Once
	inspKey     *rsa.PrivateKey
)

func inspectKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	inspKeyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		inspKey = k
	})
	return inspKey
}

func b64url(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// dropClaim, as a value in inspectToken's kv, leaves the claim out.
type dropClaim struct{}

// inspectToken signs Cognito-shaped access-token claims, overridden by kv.
func inspectToken(t *testing.T, kv ...any) string {
	t.Helper()
	c := map[string]any{
		"sub": "1f0be62f-ffcd-49ca-b5a4-18f0bf62e0e6", "iss": inspIssuer, "client_id": inspClient,
		"token_use": "access", "scope": "aws.cognito.signin.user.admin orders/read",
		"auth_time": inspectNow.Add(-5 * time.Minute).Unix(), "iat": inspectNow.Add(-5 * time.Minute).Unix(),
		"exp": inspectNow.Add(55 * time.Minute).Unix(), "jti": "j1", "username": "jane",
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if _, drop := kv[i+1].(dropClaim); drop {
			delete(c, kv[i].(string))
			continue
		}
		c[kv[i].(string)] = kv[i+1]
	}
	hdr, _ := json.Marshal(map[string]string{"alg": "RS256", "kid": inspKid})
	pay, _ := json.Marshal(c)
	input := b64url(hdr) + "." + b64url(pay)
	h := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(nil, inspectKey(t), crypto.SHA256, h[:])
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + b64url(sig)
}

// inspectJWKS writes the test key's JWKS to a file.
func inspectJWKS(t *testing.T) string {
	t.Helper()
	k := inspectKey(t)
	b, _ := json.Marshal(map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "alg": "RS256", "use": "sig", "kid": inspKid,
		"n": b64url(k.N.Bytes()), "e": b64url(big.NewInt(int64(k.E)).Bytes()),
	}}})
	p := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

type inspectResult struct {
	code        int
	out, errOut string
}

// runInspectCmd runs `cogscope inspect args...` with fake streams.
func runInspectCmd(t *testing.T, stdin string, env map[string]string, tty bool, args ...string) inspectResult {
	t.Helper()
	var out, errOut bytes.Buffer
	f := &cmdutil.Factory{
		IO:   cmdutil.IOStreams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut, InTTY: tty, OutTTY: tty},
		Env:  func(k string) string { return env[k] },
		Now:  func() time.Time { return inspectNow },
		HTTP: &http.Client{Timeout: 5 * time.Second},
	}
	code := runCLI(context.Background(), f, append([]string{"inspect"}, args...))
	return inspectResult{code: code, out: out.String(), errOut: errOut.String()}
}

func TestInspectCommand(t *testing.T) {
	t.Parallel()
	jwks := inspectJWKS(t)
	valid := inspectToken(t)
	expect := []string{"--jwks", jwks, "--issuer", "eu-west-2_Insp3ct", "--client-id", inspClient}
	cases := []struct {
		name    string
		stdin   string
		tty     bool
		args    []string
		code    int
		out     []string // substrings of stdout
		errOut  string   // substring of stderr
		noColor bool
	}{
		{name: "valid token argument", args: append([]string{valid}, expect...), code: 0,
			out: []string{"Access token  ✓ valid", "✓ signature", "✓ aud ", "expires in 55m", "Lifetime"}},
		{name: "stdin with dash and Bearer", stdin: "Bearer " + valid + "\n", args: append([]string{"-"}, expect...), code: 0,
			out: []string{"✓ valid", `removed the "Bearer " prefix`}},
		{name: "stdin without argument when not a terminal", stdin: valid, args: expect, code: 0, out: []string{"✓ valid"}},
		{name: "expired via --now", args: append([]string{valid, "--now", "2026-11-26T13:00:00Z"}, expect...), code: 1,
			out: []string{"✗ invalid: 1 check failed", "✗ exp", "expired 5m ago", "hint:"}},
		{name: "within --skew", args: append([]string{valid, "--now", "2026-11-26T12:55:20Z", "--skew", "30"}, expect...), code: 0,
			out: []string{"skew allowance"}},
		{name: "wrong client", args: []string{valid, "--jwks", jwks, "--client-id", "other"}, code: 1, out: []string{"✗ aud"}},
		{name: "wrong token use", args: append([]string{valid, "--token-use", "id"}, expect...), code: 1, out: []string{"✗ token_use", "an access token sent where an ID token is expected"}},
		{name: "scope any of", args: append([]string{valid, "--scope", "nope", "--scope", "orders/read"}, expect...), code: 0},
		{name: "group missing", args: append([]string{valid, "--group", "admin"}, expect...), code: 1, out: []string{"✗ group"}},
		{name: "JWE refresh token", args: []string{"eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.a.b.c.d", "--jwks", jwks}, code: 1,
			out: []string{"✗ parse", "Cognito refresh token"}},
		{name: "no token on a terminal", tty: true, args: []string{"--jwks", jwks}, code: 2, errOut: "give a token"},
		{name: "empty stdin", stdin: "  \n", args: []string{"-", "--jwks", jwks}, code: 2, errOut: "input is empty"},
		{name: "bad --token-use", args: []string{valid, "--token-use", "refresh"}, code: 2, errOut: "--token-use"},
		{name: "bad --now", args: []string{valid, "--now", "yesterday"}, code: 2, errOut: "RFC 3339"},
		{name: "bad --skew", args: []string{valid, "--skew", "soon"}, code: 2, errOut: "--skew"},
		{name: "missing --jwks file", args: []string{valid, "--jwks", filepath.Join(t.TempDir(), "none.json")}, code: 2, errOut: "--jwks"},
		{name: "unreachable JWKS", args: []string{valid, "--jwks", "http://127.0.0.1:1/jwks.json"}, code: 2, errOut: "cannot verify: JWKS http://127.0.0.1:1/jwks.json unreachable"},
		{name: "bad --session kind", args: []string{"--session", "refresh"}, code: 2, errOut: "--session"},
		{name: "colour on a terminal", tty: true, args: append([]string{valid}, expect...), code: 0, out: []string{"\x1b[32m✓"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := runInspectCmd(t, tc.stdin, nil, tc.tty, tc.args...)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tc.code, r.out, r.errOut)
			}
			for _, w := range tc.out {
				if !strings.Contains(r.out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, r.out)
				}
			}
			if tc.errOut != "" && !strings.Contains(r.errOut, tc.errOut) {
				t.Errorf("stderr %q lacks %q", r.errOut, tc.errOut)
			}
			if !tc.tty && strings.Contains(r.out, "\x1b[") {
				t.Errorf("colour codes without a terminal:\n%q", r.out)
			}
		})
	}
}

func TestInspectNoColorOnTerminal(t *testing.T) {
	t.Parallel()
	r := runInspectCmd(t, "", map[string]string{"NO_COLOR": "1"}, true, inspectToken(t), "--jwks", inspectJWKS(t))
	if r.code != 0 || strings.Contains(r.out, "\x1b[") {
		t.Fatalf("exit %d, output %q", r.code, r.out)
	}
}

func TestInspectJSON(t *testing.T) {
	t.Parallel()
	jwks := inspectJWKS(t)
	for _, tc := range []struct {
		now   string
		valid bool
		code  int
	}{{"2026-11-26T12:00:00Z", true, 0}, {"2026-11-27T12:00:00Z", false, 1}} {
		r := runInspectCmd(t, "", nil, false, inspectToken(t), "--json", "--jwks", jwks, "--now", tc.now, "--client-id", inspClient)
		if r.code != tc.code {
			t.Fatalf("exit %d, want %d: %s", r.code, tc.code, r.errOut)
		}
		var got struct {
			Header map[string]any `json:"header"`
			Claims map[string]any `json:"claims"`
			Checks []struct {
				Name, Status, Detail string
			} `json:"checks"`
			Valid  *bool  `json:"valid"`
			Trust  string `json:"trust"`
			Issuer struct {
				Iss     string `json:"iss"`
				Cognito bool   `json:"cognito"`
				Pool    string `json:"pool"`
				Region  string `json:"region"`
			} `json:"issuer"`
		}
		dec := json.NewDecoder(strings.NewReader(r.out))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("--json output %q: %v", r.out, err)
		}
		if got.Valid == nil || *got.Valid != tc.valid {
			t.Fatalf("valid = %v, want %v", got.Valid, tc.valid)
		}
		if got.Trust != "given-jwks" || got.Issuer.Iss != inspIssuer || !got.Issuer.Cognito || got.Issuer.Pool != "eu-west-2_Insp3ct" || got.Issuer.Region != "eu-west-2" {
			t.Fatalf("trust %q issuer %+v", got.Trust, got.Issuer)
		}
		if got.Header["kid"] != inspKid || got.Claims["client_id"] != inspClient || got.Claims["exp"] == nil {
			t.Fatalf("header %v claims %v", got.Header, got.Claims)
		}
		names := []string{}
		for _, c := range got.Checks {
			names = append(names, c.Name)
			if c.Status != "ok" && c.Detail == "" {
				t.Errorf("check %s %s without detail", c.Name, c.Status)
			}
		}
		if strings.Join(names, ",") != "parse,alg,kid,signature,iss,token_use,aud,exp,nbf,iat,scope,group" {
			t.Fatalf("checks %v", names)
		}
	}
}

func TestInspectSession(t *testing.T) {
	t.Parallel()
	state := t.TempDir()
	env := map[string]string{"XDG_STATE_HOME": state, "XDG_CONFIG_HOME": t.TempDir()}
	jwks := inspectJWKS(t)
	r := runInspectCmd(t, "", env, false, "--session", "access", "--jwks", jwks)
	if r.code != 2 || !strings.Contains(r.errOut, "no saved session") {
		t.Fatalf("no session: exit %d, %q", r.code, r.errOut)
	}
	store := config.NewStore(filepath.Join(state, "cogscope"))
	sess := &config.Session{Region: "eu-west-2", UserPoolID: "eu-west-2_Insp3ct", ClientID: inspClient,
		Tokens: &config.Tokens{AccessToken: inspectToken(t), IDToken: inspectToken(t, "token_use", "id", "aud", inspClient)}}
	if err := store.Save(config.SessionKey("", sess.UserPoolID, sess.ClientID), sess); err != nil {
		t.Fatal(err)
	}
	r = runInspectCmd(t, "", env, false, "--session", "access", "--jwks", jwks)
	if r.code != 0 || !strings.Contains(r.out, "✓ iss") || !strings.Contains(r.out, "✓ aud") {
		t.Fatalf("session access: exit %d\n%s\n%s", r.code, r.out, r.errOut)
	}
	// The ID token of the session, expected to be one.
	r = runInspectCmd(t, "", env, false, "--session", "id", "--jwks", jwks)
	if r.code != 0 || !strings.Contains(r.out, "ID token") {
		t.Fatalf("session id: exit %d\n%s\n%s", r.code, r.out, r.errOut)
	}
	if r := runInspectCmd(t, "", env, false, "--session", "id", "x.y.z"); r.code != 2 {
		t.Fatalf("token and --session: exit %d", r.code)
	}
}

// TestInspectTrust: a token whose own iss serves the keys is not valid
// unless an issuer is expected or the JWKS given, and the fetch policy
// refuses what a token's iss must not reach.
func TestInspectTrust(t *testing.T) {
	t.Parallel()
	jwksDoc, err := os.ReadFile(inspectJWKS(t))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/eu-west-2_Forged1/.well-known/jwks.json" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(jwksDoc)
	}))
	t.Cleanup(srv.Close)
	iss := srv.URL + "/eu-west-2_Forged1"
	tok := inspectToken(t, "iss", iss)
	api := inspectToken(t, "iss", iss, "aud", "urn:my:api", "client_id", "web-app")
	cases := []struct {
		name   string
		args   []string
		code   int
		out    []string
		errOut string
	}{
		{name: "no expected issuer", args: []string{tok}, code: 1,
			out: []string{"✗ invalid: 1 check failed", "keys: from the token's own iss, which nobody confirmed", "✗ iss", "unconfirmed issuer", "--issuer"}},
		{name: "no expected issuer, JSON", args: []string{tok, "--json"}, code: 1, out: []string{`"valid":false`, `"trust":"token-issuer-unconfirmed"`}},
		{name: "expected issuer", args: []string{tok, "--issuer", iss}, code: 0, out: []string{"✓ valid", "keys: the expected issuer's", "not on AWS"}},
		{name: "expected issuer, JSON", args: []string{tok, "--issuer", iss, "--json"}, code: 0, out: []string{`"valid":true`, `"trust":"expected-issuer"`}},
		{name: "a pool id as --issuer is the pool at --endpoint", args: []string{"--endpoint", srv.URL, tok, "--issuer", "eu-west-2_Forged1"}, code: 0,
			out: []string{"✓ valid", "keys: the expected issuer's"}},
		{name: "aud counts when present", args: []string{api, "--issuer", iss, "--client-id", "urn:my:api"}, code: 0, out: []string{"✓ aud"}},
		{name: "client_id does not count with an aud", args: []string{api, "--issuer", iss, "--client-id", "web-app"}, code: 1, out: []string{"✗ aud", "only aud counts"}},
		{name: "a fragment in iss", args: []string{inspectToken(t, "iss", iss+"#x")}, code: 2, errOut: "query or fragment"},
		{name: "metadata address, even relaxed", args: []string{inspectToken(t, "iss", "http://169.254.169.254/latest"), "--relaxed-fetch"}, code: 2, errOut: "link-local"},
		{name: "plain http to another host", args: []string{inspectToken(t, "iss", "http://idp.example/p")}, code: 2, errOut: "plain http is allowed only to loopback"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := runInspectCmd(t, "", nil, false, tc.args...)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tc.code, r.out, r.errOut)
			}
			for _, w := range tc.out {
				if !strings.Contains(r.out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, r.out)
				}
			}
			if tc.errOut != "" && !strings.Contains(r.errOut, tc.errOut) {
				t.Errorf("stderr %q lacks %q", r.errOut, tc.errOut)
			}
		})
	}
}
