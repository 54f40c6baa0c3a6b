package inspect

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestReportExplainsClaims(t *testing.T) {
	t.Parallel()
	ti := newTestIssuer(t, CognitoIssuer("us-east-1", testPool))
	c := with(ti.idClaims(testNow),
		"identities", []map[string]any{{"userId": "1234", "providerName": "Google", "providerType": "Google", "issuer": nil, "primary": "true", "dateCreated": "1642699117273"}},
		"cognito:roles", []string{"arn:aws:iam::123456789012:role/admin"},
		"address", map[string]string{"formatted": "1 Main St"},
		"made_up", map[string]int{"n": 1},
	)
	v, _ := NewVerifier(Options{Keys: ti.keySet, Now: func() time.Time { return testNow }, Groups: []string{"admin"}})
	r, err := v.Verify(ctx(), ti.id(c))
	if err != nil || !r.Valid {
		t.Fatalf("%v\n%s", err, dumpChecks(r))
	}
	cases := []struct {
		name, display, meaning string
		items                  []string
		check                  CheckName
		status                 Status
	}{
		{"exp", "2026-11-26 12:50:00 UTC (in 50m)", "expires at", nil, CheckExp, StatusOK},
		{"auth_time", "2026-11-26 11:50:00 UTC (10m ago)", "signed in", nil, CheckIat, StatusOK},
		{"aud", testClient, "app client id", []string{testClient}, CheckAud, StatusSkipped},
		{"cognito:groups", "admin, users", "groups", []string{"admin", "users"}, CheckGroup, StatusOK},
		{"cognito:roles", "arn:aws:iam::123456789012:role/admin", "IAM role", []string{"arn:aws:iam::123456789012:role/admin"}, "", ""},
		{"identities", "Google: userId 1234 (primary, linked 2022-01-20)", "federated", []string{"Google: userId 1234 (primary, linked 2022-01-20)"}, "", ""},
		{"custom:tenant", "acme", "custom attribute tenant", nil, "", ""},
		{"email_verified", "true", "verified", nil, "", ""},
		{"address", "1 Main St", "postal address", nil, "", ""},
		{"made_up", `{"n":1}`, "not a standard or Cognito claim", nil, "", ""},
		{"token_use", "id", `"id"`, nil, CheckTokenUse, StatusOK},
	}
	for _, tc := range cases {
		cl, ok := r.Claim(tc.name)
		if !ok {
			t.Errorf("no claim %s", tc.name)
			continue
		}
		if cl.Display != tc.display || !strings.Contains(cl.Meaning, tc.meaning) || !slices.Equal(cl.Items, tc.items) || cl.Check != tc.check || cl.Status != tc.status {
			t.Errorf("%s: display %q meaning %q items %q check %q status %q", tc.name, cl.Display, cl.Meaning, cl.Items, cl.Check, cl.Status)
		}
	}
	if cl, _ := r.Claim("made_up"); cl.Known {
		t.Error("made_up is not catalogued")
	}
	if cl, _ := r.Claim("exp"); !cl.Time.Equal(testNow.Add(50 * time.Minute)) {
		t.Errorf("exp Time %v", cl.Time)
	}
	if len(r.Header) != 2 || r.Header[0].Name != "alg" || r.Header[0].Check != CheckAlg || r.Header[0].Status != StatusOK {
		t.Errorf("header %+v", r.Header)
	}
	l := r.Lifetime
	if !l.Known || l.Total != time.Hour || l.Remaining != 50*time.Minute || l.Elapsed < 0.16 || l.Elapsed > 0.17 {
		t.Errorf("lifetime %+v", l)
	}
	if !strings.Contains(strings.Join(r.Notes, " "), "ID tokens are never revoked") {
		t.Errorf("notes %q", r.Notes)
	}
}

func TestReportJSONShape(t *testing.T) {
	t.Parallel()
	ti := newTestIssuer(t, CognitoIssuer("us-east-1", testPool))
	v, _ := NewVerifier(Options{Keys: ti.keySet, Now: func() time.Time { return testNow }})
	raw := signRS(ti.accKey, "RS256", claims{"kid": accessKid, "alg": "RS256"}, []byte(`{"b":1,"a":"x","b":2,"iss":"`+ti.iss+`","exp":9999999999,"token_use":"access"}`))
	r, _ := v.Verify(ctx(), raw)
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if !strings.HasPrefix(s, `{"header":{"alg":"RS256","kid":`) || !strings.Contains(s, `"claims":{"a":"x","b":2,"iss":`) {
		t.Fatalf("order or duplicates wrong: %s", s)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 6 || got["valid"] == nil || got["checks"] == nil {
		t.Fatalf("keys %v", got)
	}
	if string(got["trust"]) != `"given-jwks"` || string(got["issuer"]) != `{"iss":"`+ti.iss+`","cognito":true,"pool":"`+testPool+`","region":"us-east-1"}` {
		t.Fatalf("trust %s, issuer %s", got["trust"], got["issuer"])
	}
	// Unparseable tokens still give the same shape.
	r, _ = v.Verify(ctx(), "garbage")
	b, _ = json.Marshal(r)
	if !strings.HasPrefix(string(b), `{"header":{},"claims":{},"checks":[{"name":"parse","status":"fail"`) || !strings.HasSuffix(string(b), `"valid":false}`) {
		t.Fatalf("%s", b)
	}
}

func TestHumanTimes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		d    time.Duration
		want string
	}{
		{0, "now"}, {42 * time.Minute, "in 42m"}, {-3 * time.Hour, "3h ago"}, {90 * time.Second, "in 1m30s"},
		{-(3*time.Hour + 12*time.Minute), "3h12m ago"}, {49 * time.Hour, "in 2d1h"}, {-45 * time.Second, "45s ago"},
		{72 * time.Hour, "in 3d"}, {15*time.Minute + 20*time.Second, "in 15m"},
	}
	for _, tc := range cases {
		if got := Relative(testNow.Add(tc.d), testNow); got != tc.want {
			t.Errorf("Relative(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
	if got := FormatTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3600))); got != "2026-01-02 02:04:05 UTC" {
		t.Errorf("FormatTime = %q", got)
	}
}

func TestIssuerHints(t *testing.T) {
	t.Parallel()
	want := CognitoIssuer("eu-west-1", "eu-west-1_Abc")
	cases := []struct{ got, want, hint string }{
		{want + "/", want, "trailing slash"},
		{strings.ToLower(want), want, "letter case"},
		{CognitoIssuer("us-east-1", "us-east-1_Abc"), want, "another region"},
		{CognitoIssuer("eu-west-1", "eu-west-1_Other"), want, "another user pool"},
		{"https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc", want, "issuer host form"},
		{want, "https://myapp.auth.eu-west-1.amazoncognito.com", "hosted-UI domain"},
		{"http://127.0.0.1:9229/eu-west-1_Abc", want, "not issued by AWS Cognito"},
	}
	for _, tc := range cases {
		if h := issuerHint(tc.got, tc.want); !strings.Contains(h, tc.hint) {
			t.Errorf("issuerHint(%q, %q) = %q, want %q", tc.got, tc.want, h, tc.hint)
		}
	}
	if p, r, ok := ParseCognitoIssuer(want); !ok || p != "eu-west-1_Abc" || r != "eu-west-1" {
		t.Errorf("ParseCognitoIssuer: %q %q %v", p, r, ok)
	}
}

func TestCatalogueCoversProtocolClaims(t *testing.T) {
	t.Parallel()
	// Every claim of cognito-protocol.md §5.2 and §5.3.
	for _, name := range []string{"sub", "iss", "aud", "token_use", "auth_time", "iat", "exp", "jti", "origin_jti", "event_id",
		"cognito:username", "cognito:groups", "cognito:roles", "cognito:preferred_role", "identities", "email", "email_verified",
		"phone_number", "phone_number_verified", "name", "given_name", "family_name", "preferred_username", "locale", "zoneinfo",
		"address", "updated_at", "nonce", "at_hash", "acr", "amr", "client_id", "scope", "username", "device_key", "version", "custom:anything"} {
		info, ok := LookupClaim(name)
		if !ok || info.Meaning == "" {
			t.Errorf("%s is not catalogued", name)
		}
	}
	if _, ok := LookupClaim("custom:"); ok {
		t.Error(`"custom:" alone is not a custom attribute`)
	}
	for _, n := range CheckNames {
		if ExplainCheck(n) == "" {
			t.Errorf("no explanation for %s", n)
		}
	}
	if len(Catalogue()) != len(catalogueList) {
		t.Error("Catalogue lost entries")
	}
}

func TestFormatDuration(t *testing.T) {
	t.Parallel()
	cases := []struct {
		d               time.Duration
		compact, padded string
	}{
		{0, "0s", "0s"},
		{45 * time.Second, "45s", "45s"},
		{1500 * time.Millisecond, "1s", "2s"}, // compact truncates, padded rounds
		{5*time.Minute + 30*time.Second, "5m30s", "5m 30s"},
		{3*time.Minute + 5*time.Second, "3m5s", "3m 05s"},
		{40 * time.Minute, "40m", "40m 00s"},
		{12*time.Minute + 7*time.Second, "12m", "12m 07s"},
		{time.Hour, "1h", "1h 00m"},
		{3*time.Hour + 12*time.Minute, "3h12m", "3h 12m"},
		{48 * time.Hour, "2d", "2d 00h"},
		{53 * time.Hour, "2d5h", "2d 05h"},
		{-(3*time.Hour + 12*time.Minute), "3h12m", "3h 12m"},
	}
	for _, c := range cases {
		if got := FormatDuration(c.d, Compact); got != c.compact {
			t.Errorf("FormatDuration(%v, Compact) = %q, want %q", c.d, got, c.compact)
		}
		if got := HumanDuration(c.d); got != c.compact {
			t.Errorf("HumanDuration(%v) = %q, want %q", c.d, got, c.compact)
		}
		if got := FormatDuration(c.d, Padded); got != c.padded {
			t.Errorf("FormatDuration(%v, Padded) = %q, want %q", c.d, got, c.padded)
		}
	}
}
