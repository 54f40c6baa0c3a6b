package interop

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cogscope/cogscope/internal/local/localtest"
)

// verdictCase is one input line of jwt-verdict.js.
type verdictCase struct {
	Token      string `json:"token"`
	UserPoolID string `json:"userPoolId"`
	ClientID   any    `json:"clientId"`
	TokenUse   any    `json:"tokenUse"`
	JWKSFile   string `json:"jwksFile"`
	Issuer     string `json:"issuer"`
	Verifier   string `json:"verifier"`
}

type verdict struct {
	Line    int    `json:"line"`
	Verdict string `json:"verdict"`
	Error   *struct {
		Class   string `json:"class"`
		Message string `json:"message"`
	} `json:"error"`
}

// verifyTokens has aws-jwt-verify judge tokens from the stack: they must
// pass as what they are, and fail as what they are not (so a verifier
// that accepted everything would fail this test too).
func verifyTokens(t *testing.T, env *localtest.Env, idToken, accessToken string) {
	t.Helper()
	jwksFile := filepath.Join(t.TempDir(), "jwks.json")
	resp, err := http.Get(env.Demo.JWKSURL)
	if err != nil {
		t.Fatal(err)
	}
	jwks, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %v", env.Demo.JWKSURL, resp.StatusCode, err)
	}
	if err := os.WriteFile(jwksFile, jwks, 0o600); err != nil {
		t.Fatal(err)
	}
	base := verdictCase{UserPoolID: env.Demo.PoolID, JWKSFile: jwksFile, Issuer: env.Demo.Issuer, Verifier: "rsa"}
	with := func(token string, use, client any) verdictCase {
		c := base
		c.Token, c.TokenUse, c.ClientID = token, use, client
		return c
	}
	otherIssuer := with(idToken, "id", env.Demo.ClientID)
	otherIssuer.Issuer = env.Demo.Issuer + "x"
	tampered := idToken[:strings.LastIndexByte(idToken, '.')+1] + flipLast(idToken[strings.LastIndexByte(idToken, '.')+1:])

	cases := []struct {
		name  string
		in    verdictCase
		valid bool
	}{
		{"id token as id", with(idToken, "id", env.Demo.ClientID), true},
		{"access token as access", with(accessToken, "access", env.Demo.ClientID), true},
		{"either use", with(accessToken, nil, env.Demo.ClientID), true},
		{"id token as access", with(idToken, "access", env.Demo.ClientID), false},
		{"access token as id", with(accessToken, "id", env.Demo.ClientID), false},
		{"other client", with(idToken, "id", "someotherclient"), false},
		{"other issuer", otherIssuer, false},
		{"tampered signature", with(tampered, "id", env.Demo.ClientID), false},
	}
	var stdin bytes.Buffer
	enc := json.NewEncoder(&stdin)
	for _, c := range cases {
		if err := enc.Encode(c.in); err != nil {
			t.Fatal(err)
		}
	}
	r := runPeer(t, stdin.Bytes(), "jwt-verdict.js")
	if r.code != 0 {
		t.Fatalf("jwt-verdict.js exit %d: %s", r.code, r.stderr)
	}
	sc := bufio.NewScanner(bytes.NewReader(r.stdout))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	i := 0
	for sc.Scan() {
		var v verdict
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("verdict line %q: %v", sc.Text(), err)
		}
		if i >= len(cases) {
			t.Fatalf("more verdicts than cases: %s", sc.Text())
		}
		c := cases[i]
		if got := v.Verdict == "valid"; got != c.valid {
			t.Errorf("aws-jwt-verify on %q: %s %+v, want valid=%v", c.name, v.Verdict, v.Error, c.valid)
		}
		i++
	}
	if i != len(cases) {
		t.Fatalf("got %d verdicts for %d cases; stderr:\n%s", i, len(cases), r.stderr)
	}
}

// flipLast changes the last base64url character of a signature to another
// valid one, so the signature decodes but no longer verifies.
func flipLast(sig string) string {
	if sig == "" {
		return "A"
	}
	last := sig[len(sig)-1]
	repl := byte('A')
	if last == 'A' {
		repl = 'Q'
	}
	return sig[:len(sig)-1] + string(repl)
}
