package inspect

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestAnyIssuersTokens judges tokens of Cognito and of other issuers the
// way API Gateway's JWT authorizer does: token_use only when asked or when
// the issuer is a user pool, aud when present and client_id otherwise.
func TestAnyIssuersTokens(t *testing.T) {
	t.Parallel()
	other := newTestIssuer(t, "https://login.example.com/tenant-1")
	cognito := newTestIssuer(t, CognitoIssuer("us-east-1", testPool))
	local := newTestIssuer(t, "http://127.0.0.1:9229/"+testPool)
	oc := without(other.accessClaims(testNow), "token_use", "cognito:groups")
	api := with(other.accessClaims(testNow), "aud", "urn:my:api", "client_id", "web-app")
	cases := []struct {
		name    string
		ti      *testIssuer
		token   string
		opts    Options
		failed  []string
		detail  string // substring of the aud or token_use detail/hint
		skipped CheckName
	}{
		{name: "another issuer, no token_use", ti: other, token: other.access(oc), skipped: CheckTokenUse},
		{name: "another issuer, no token_use, --token-use access", ti: other, token: other.access(oc), opts: Options{TokenUse: "access"}, failed: []string{"token_use"}},
		{name: "another issuer, token_use of its own", ti: other, token: other.access(with(oc, "token_use", "bearer")), skipped: CheckTokenUse},
		{name: "a Cognito pool, no token_use", ti: cognito, token: cognito.access(without(cognito.accessClaims(testNow), "token_use")), failed: []string{"token_use"}, detail: "required: the issuer is a Cognito user pool"},
		{name: "a local pool, no token_use", ti: local, token: local.access(without(local.accessClaims(testNow), "token_use")), failed: []string{"token_use"}},
		{name: "aud evaluated when present", ti: other, token: other.access(api), opts: Options{ClientIDs: []string{"urn:my:api"}}},
		{name: "client_id not evaluated when aud is present", ti: other, token: other.access(api), opts: Options{ClientIDs: []string{"web-app"}},
			failed: []string{"aud"}, detail: `client_id "web-app" is expected, but the token has an aud`},
		{name: "client_id when there is no aud", ti: other, token: other.access(without(api, "aud")), opts: Options{ClientIDs: []string{"web-app"}}},
		{name: "aud list, one matches", ti: other, token: other.access(with(api, "aud", []string{"urn:a", "urn:my:api"})), opts: Options{ClientIDs: []string{"urn:my:api"}}},
		{name: "aud list, none matches", ti: other, token: other.access(with(api, "aud", []string{"urn:a", "urn:b"})), opts: Options{ClientIDs: []string{"urn:my:api"}}, failed: []string{"aud"}},
		{name: "mistyped aud with a matching client_id", ti: other, token: other.access(with(api, "aud", 7)), opts: Options{ClientIDs: []string{"web-app"}}, failed: []string{"aud"}, detail: "neither a string nor a list"},
		{name: "neither aud nor client_id", ti: other, token: other.access(without(api, "aud", "client_id")), opts: Options{ClientIDs: []string{"web-app"}}, failed: []string{"aud"}, detail: "neither aud nor client_id"},
		{name: "Cognito ID token by aud", ti: cognito, token: cognito.id(cognito.idClaims(testNow)), opts: Options{ClientIDs: []string{testClient}}},
		{name: "Cognito access token by client_id", ti: cognito, token: cognito.access(cognito.accessClaims(testNow)), opts: Options{ClientIDs: []string{testClient}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.opts
			o.Issuer, o.Keys, o.Now = tc.ti.iss, tc.ti.keySet, func() time.Time { return testNow }
			v, err := NewVerifier(o)
			if err != nil {
				t.Fatal(err)
			}
			r, err := v.Verify(ctx(), tc.token)
			if err != nil {
				t.Fatal(err)
			}
			if got := failedChecks(r); !slices.Equal(got, tc.failed) {
				t.Fatalf("failed %v, want %v\n%s", got, tc.failed, dumpChecks(r))
			}
			if (v.Validate(ctx(), tc.token) == nil) != r.Valid {
				t.Fatal("Validate disagrees")
			}
			if tc.skipped != "" && r.Check(tc.skipped).Status != StatusSkipped {
				t.Fatalf("%s not skipped\n%s", tc.skipped, dumpChecks(r))
			}
			if tc.detail != "" {
				var text strings.Builder
				for _, c := range r.Checks {
					text.WriteString(c.Detail + " " + c.Hint + "\n")
				}
				if !strings.Contains(text.String(), tc.detail) {
					t.Fatalf("no %q in\n%s", tc.detail, text.String())
				}
			}
		})
	}
}
