package inspect

import (
	"encoding/json"
	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInspectAuthorizer judges tokens as API Gateway's authorizers would,
// from the command line: the verdict, its status and body, the exit code,
// and the "authorizer" member of --json.
func TestInspectAuthorizer(t *testing.T) {
	t.Parallel()
	jwks := inspectJWKS(t)
	access := inspectToken(t)
	id := inspectToken(t, "token_use", "id", "aud", inspClient, "client_id", nil, "scope", nil)
	arn := "arn:aws:cognito-idp:eu-west-2:123456789012:userpool/eu-west-2_Insp3ct"
	cases := []struct {
		name   string
		args   []string
		code   int
		out    []string
		status int // in --json, 0 when allowed
	}{
		{"http-jwt allows the access token", []string{access, "--authorizer", "http-jwt", "--issuer", inspIssuer, "--audience", inspClient},
			0, []string{"API Gateway (HTTP API JWT authorizer)", "✓ allowed"}, 0},
		{"http-jwt audience lacks the client", []string{access, "--authorizer", "http-jwt", "--issuer", inspIssuer, "--audience", "other"},
			1, []string{`✗ 401 {"message":"Unauthorized"}`, `error_description="the token does not have a valid audience"`, "compares its client_id"}, 401},
		{"http-jwt route scope on an ID token", []string{"Bearer " + id, "--authorizer", "http-jwt", "--issuer", "eu-west-2_Insp3ct", "--audience", inspClient, "--route-scope", "orders/read"},
			1, []string{`✗ 403 {"message":"Forbidden"}`, "ID token sent where scopes are required"}, 403},
		{"rest-cognito wants the ID token without scopes", []string{access, "--authorizer", "rest-cognito", "--provider-arn", arn},
			1, []string{"REST API Cognito user-pool authorizer", "expects an ID token", "UNAUTHORIZED"}, 401},
		{"rest-cognito with a method scope", []string{access, "--authorizer", "rest-cognito", "--issuer", "eu-west-2_Insp3ct", "--route-scope", "orders/read"},
			0, []string{"✓ allowed"}, 0},
		{"rest-cognito expired", []string{id, "--authorizer", "rest-cognito", "--provider-arn", arn, "--now", "2026-11-26T14:00:00Z"},
			1, []string{`{"message":"The incoming token has expired"}`}, 401},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			args := append(c.args, "--jwks", jwks)
			r := runInspectCmd(t, "", nil, false, args...)
			if r.code != c.code {
				t.Fatalf("exit %d, want %d\n%s\n%s", r.code, c.code, r.out, r.errOut)
			}
			for _, w := range c.out {
				if !strings.Contains(r.out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, r.out)
				}
			}
			r = runInspectCmd(t, "", nil, false, append(args, "--json")...)
			var doc struct {
				Checks     []json.RawMessage `json:"checks"`
				Valid      *bool             `json:"valid"`
				Authorizer struct {
					Type     string   `json:"type"`
					Allowed  bool     `json:"allowed"`
					Status   int      `json:"status"`
					Reason   string   `json:"reason"`
					Mistakes []string `json:"mistakes"`
				} `json:"authorizer"`
			}
			if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
				t.Fatalf("--json: %v\n%s", err, r.out)
			}
			if len(doc.Checks) != 12 || doc.Valid == nil || doc.Authorizer.Allowed != (c.code == 0) ||
				doc.Authorizer.Status != c.status || doc.Authorizer.Reason == "" || doc.Authorizer.Mistakes == nil {
				t.Errorf("--json = %s", r.out)
			}
		})
	}
}

// TestInspectAuthorizerUsage: flags that do not go together, or an
// authorizer without the settings it needs, are one-line usage errors.
func TestInspectAuthorizerUsage(t *testing.T) {
	t.Parallel()
	tok := inspectToken(t)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{tok, "--authorizer", "lambda"}, `want "http-jwt" or "rest-cognito"`},
		{[]string{tok, "--audience", "x"}, "--audience only applies with --authorizer"},
		{[]string{tok, "--route-scope", "x"}, "--route-scope only applies with --authorizer"},
		{[]string{tok, "--authorizer", "http-jwt", "--audience", "x"}, "needs the authorizer's issuer"},
		{[]string{tok, "--authorizer", "http-jwt", "--issuer", inspIssuer}, "needs the authorizer's audience list"},
		{[]string{tok, "--authorizer", "http-jwt", "--issuer", inspIssuer, "--audience", "x", "--scope", "s"}, "use --route-scope"},
		{[]string{tok, "--authorizer", "http-jwt", "--issuer", inspIssuer, "--audience", "x", "--client-id", "c"}, "use --audience"},
		{[]string{tok, "--authorizer", "http-jwt", "--issuer", inspIssuer, "--audience", "x", "--provider-arn", "a"}, "only applies to --authorizer rest-cognito"},
		{[]string{tok, "--authorizer", "rest-cognito"}, "needs the authorizer's user pools"},
		{[]string{tok, "--authorizer", "rest-cognito", "--provider-arn", "eu-west-2_Insp3ct"}, "is not a user pool ARN"},
		{[]string{tok, "--authorizer", "rest-cognito", "--issuer", inspIssuer, "--audience", "x"}, "--audience only applies to --authorizer http-jwt"},
		{[]string{tok, "--authorizer", "rest-cognito", "--issuer", inspIssuer, "--identity-validation-expression", "("}, "error parsing regexp"},
	}
	for _, c := range cases {
		r := runInspectCmd(t, "", nil, false, c.args...)
		if r.code != cmdutil.ExitUsage || !strings.Contains(r.errOut, c.want) || strings.Count(r.errOut, "\n") != 1 || r.out != "" {
			t.Errorf("%v: exit %d\nstdout %q\nstderr %q\nwant %q", c.args[1:], r.code, r.out, r.errOut, c.want)
		}
	}
}

// TestInspectProfile: --profile must name a profile of the config file,
// and its pool and client are the expectations not given on the command
// line.
func TestInspectProfile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "cogscope", "config.toml")
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	cfg := "[profiles.prod]\nuser_pool_id = \"eu-west-2_Insp3ct\"\nclient_id = \"" + inspClient + "\"\n" +
		"[profiles.other]\nuser_pool_id = \"eu-west-2_Elsewhere\"\nclient_id = \"otherclient\"\n"
	if err := os.WriteFile(p, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"XDG_CONFIG_HOME": dir}
	jwks := inspectJWKS(t)
	tok := inspectToken(t)

	r := runInspectCmd(t, "", env, false, tok, "--jwks", jwks, "--profile", "nope")
	if r.code != cmdutil.ExitUsage || !strings.Contains(r.errOut, `unknown profile "nope"`) {
		t.Errorf("unknown profile: exit %d %q", r.code, r.errOut)
	}
	r = runInspectCmd(t, "", env, false, tok, "--jwks", jwks, "--profile", "prod")
	if r.code != cmdutil.ExitOK || !strings.Contains(r.out, "✓ iss ") || !strings.Contains(r.out, "✓ aud ") {
		t.Errorf("prod: exit %d\n%s%s", r.code, r.out, r.errOut)
	}
	r = runInspectCmd(t, "", env, false, tok, "--jwks", jwks, "--profile", "other")
	if r.code != cmdutil.ExitRefused || !strings.Contains(r.out, "✗ iss ") || !strings.Contains(r.out, "✗ aud ") {
		t.Errorf("other: exit %d\n%s%s", r.code, r.out, r.errOut)
	}
	// Flags win over the profile.
	r = runInspectCmd(t, "", env, false, tok, "--jwks", jwks, "--profile", "other", "--issuer", inspIssuer, "--client-id", inspClient)
	if r.code != cmdutil.ExitOK {
		t.Errorf("flags over profile: exit %d\n%s%s", r.code, r.out, r.errOut)
	}
	// Without --profile the config is not read: a broken file does not
	// stop a token from being inspected.
	if err := os.WriteFile(p, []byte("[profiles.prod\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = runInspectCmd(t, "", env, false, tok, "--jwks", jwks)
	if r.code != cmdutil.ExitOK {
		t.Errorf("broken config without --profile: exit %d %s", r.code, r.errOut)
	}
}

func TestInspectSkewMessageQuotesInput(t *testing.T) {
	t.Parallel()
	r := runInspectCmd(t, "", nil, false, inspectToken(t), "--skew", "NaN")
	if r.code != cmdutil.ExitUsage || !strings.Contains(r.errOut, `"NaN" is not a duration`) {
		t.Errorf("exit %d %q", r.code, r.errOut)
	}
}

// TestInspectAuthorizerUnreachableJWKS: keys that cannot be had leave the
// request unjudged: exit 2, said as such, never a verdict.
func TestInspectAuthorizerUnreachableJWKS(t *testing.T) {
	t.Parallel()
	args := []string{inspectToken(t), "--authorizer", "http-jwt", "--issuer", inspIssuer, "--audience", inspClient, "--jwks", "http://127.0.0.1:1/jwks.json"}
	r := runInspectCmd(t, "", nil, false, args...)
	if r.code != cmdutil.ExitUsage || !strings.Contains(r.errOut, "cannot judge: JWKS http://127.0.0.1:1/jwks.json") || !strings.Contains(r.out, "not judged") {
		t.Errorf("exit %d\n%s\n%s", r.code, r.out, r.errOut)
	}
	r = runInspectCmd(t, "", nil, false, append(args, "--json")...)
	var doc struct {
		Authorizer struct {
			Allowed bool   `json:"allowed"`
			Reason  string `json:"reason"`
		} `json:"authorizer"`
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil || doc.Authorizer.Allowed || !strings.Contains(doc.Authorizer.Reason, "not judged") {
		t.Errorf("--json: %v %s", err, r.out)
	}
}

// TestInspectJWKSFileBounded: --jwks FILE is read like a fetched JWKS, at
// most 1 MiB, and a file that is not JSON is said to be so in one line.
func TestInspectJWKSFileBounded(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, make([]byte, 2<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	garbage := filepath.Join(dir, "garbage.json")
	if err := os.WriteFile(garbage, []byte("\x00\xffnot json"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ file, want string }{
		{big, "larger than 1 MiB"},
		{garbage, "is not JSON"},
		{dir, "is a directory"},
	} {
		r := runInspectCmd(t, "", nil, false, inspectToken(t), "--jwks", c.file)
		if r.code != cmdutil.ExitUsage || !strings.Contains(r.errOut, c.want) || strings.Count(r.errOut, "\n") != 1 {
			t.Errorf("--jwks %s: exit %d %q", c.file, r.code, r.errOut)
		}
	}
}
