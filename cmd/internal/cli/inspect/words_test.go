package inspect

import (
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	jwtinspect "github.com/cogscope/cogscope/inspect"
)

var update = flag.Bool("update", false, "rewrite testdata/words/*.golden from the command's output")

// TestInspectWordsItsFlags: the library's check texts name no flag (the
// console shows them too); the command line adds its own flags to them
// (checkHints), so that its output reads exactly as it did when the
// library spelled the flags itself. One case per hint code, through the
// whole command, text and --json, against golden files written before
// the texts were keyed by code.
func TestInspectWordsItsFlags(t *testing.T) {
	t.Parallel()
	jwks := inspectJWKS(t)
	keys, err := os.ReadFile(jwks)
	if err != nil {
		t.Fatal(err)
	}
	// An issuer on loopback that the token names itself: fetched, unconfirmed.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(keys)
	}))
	t.Cleanup(srv.Close)
	minute := func(n int) int64 { return inspectNow.Add(time.Duration(n) * time.Minute).Unix() }
	cases := []struct {
		name string // the golden file; the codes the case words
		args []string
	}{
		{"expect-issuer+any-token-use+expect-client-id+require-scope+require-group", []string{inspectToken(t), "--jwks", jwks}},
		{"expect-issuer-no-iss", []string{inspectToken(t, "iss", dropClaim{}), "--jwks", jwks}},
		{"expect-token-use", []string{inspectToken(t, "iss", "https://login.example.com/", "token_use", dropClaim{}), "--jwks", jwks}},
		{"expect-token-use-not-cognito", []string{inspectToken(t, "iss", "https://login.example.com/", "token_use", "refresh"), "--jwks", jwks}},
		{"skew-expired", []string{inspectToken(t, "exp", minute(-1)), "--jwks", jwks}},
		{"skew-nbf", []string{inspectToken(t, "nbf", minute(10)), "--jwks", jwks}},
		{"skew-drift-iat", []string{inspectToken(t, "iat", minute(10)), "--jwks", jwks}},
		{"skew-drift-auth-time", []string{inspectToken(t, "auth_time", minute(10)), "--jwks", jwks}},
		{"give-issuer", []string{inspectToken(t, "iss", dropClaim{})}},
		{"confirm-issuer", []string{inspectToken(t, "iss", srv.URL)}},
		{"relax-fetch-host", []string{inspectToken(t, "iss", "http://login.example.com/eu-west-2_Insp3ct")}},
		{"relax-fetch-address", []string{inspectToken(t, "iss", "http://10.1.2.3/eu-west-2_Insp3ct")}},
		{"confirm-or-relax", []string{inspectToken(t, "iss", "https://10.1.2.3/eu-west-2_Insp3ct")}},
		{"give-jwks", []string{inspectToken(t, "iss", "urn:example:issuer")}},
		{"json", []string{inspectToken(t), "--jwks", jwks, "--json"}},
		{"json-fetch-refused", []string{inspectToken(t, "iss", "http://10.1.2.3/eu-west-2_Insp3ct"), "--json"}},
	}
	port := regexp.MustCompile(regexp.QuoteMeta(srv.URL))
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := runInspectCmd(t, "", nil, false, tc.args...)
			got := fmt.Sprintf("exit %d\n--- stdout\n%s--- stderr\n%s", r.code, r.out, r.errOut)
			got = port.ReplaceAllString(got, "http://127.0.0.1:PORT") // the test server's port varies
			file := filepath.Join("testdata", "words", tc.name+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("the output changed:\n%s\nwant:\n%s", got, want)
			}
			if !strings.Contains(got, "--") {
				t.Errorf("the command line names its flags, got none:\n%s", got)
			}
		})
	}
}

// Every fix code the inspector leaves to an edge names its flag here.
func TestCheckHintsNameAFlagForEveryFix(t *testing.T) {
	t.Parallel()
	h := checkHints("https://issuer.example/")
	for _, fx := range jwtinspect.FixCodes {
		if !strings.Contains(h[fx].Text, "--") {
			t.Errorf("fix %s: %+v names no flag", fx, h[fx])
		}
	}
}
