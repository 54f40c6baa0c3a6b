package inspect

import (
	"strings"
	"testing"
	"time"
)

func TestReportExplainsFederatedUsers(t *testing.T) {
	t.Parallel()
	ti := newTestIssuer(t, CognitoIssuer("us-east-1", testPool))
	federated := []map[string]any{{"userId": "abc-123", "providerName": "Corp", "providerType": "SAML", "issuer": "urn:corp", "primary": "true", "dateCreated": "1642699117273"}}
	tests := []struct {
		name                      string
		claims                    []any
		username, groups, note    string // fragments the meanings must hold; "" for none
		notUsername, notFederated bool
	}{
		{name: "federated user in the provider group",
			claims:   []any{"identities", federated, "cognito:username", "Corp_abc-123", "cognito:groups", []string{"admin", testPool + "_Corp"}},
			username: "created it on the first sign-in through Corp", groups: testPool + "_Corp is the group Cognito adds every user of the Corp identity provider to",
			note: "signed in through Corp (SAML)"},
		{name: "username not of the provider", claims: []any{"identities", federated, "cognito:username", "someone", "cognito:groups", []string{"Corp"}},
			note: "signed in through Corp (SAML)", notUsername: true},
		{name: "a pool user", claims: []any{"cognito:username", "Corp_abc-123", "cognito:groups", []string{testPool + "_Corp"}}, notUsername: true, notFederated: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := with(ti.idClaims(testNow), tc.claims...)
			v, _ := NewVerifier(Options{Keys: ti.keySet, Now: func() time.Time { return testNow }})
			r, err := v.Verify(ctx(), ti.id(c))
			if err != nil || !r.Valid {
				t.Fatalf("%v\n%s", err, dumpChecks(r))
			}
			meaning := map[string]string{}
			for _, cl := range r.Claims {
				meaning[cl.Name] = cl.Meaning
			}
			if got := strings.Contains(meaning["cognito:username"], "federated user's username"); got == tc.notUsername {
				t.Errorf("cognito:username meaning %q", meaning["cognito:username"])
			}
			if tc.username != "" && !strings.Contains(meaning["cognito:username"], tc.username) {
				t.Errorf("cognito:username meaning %q, want %q", meaning["cognito:username"], tc.username)
			}
			if got := strings.Contains(meaning["cognito:groups"], "identity provider to"); got != (tc.groups != "") {
				t.Errorf("cognito:groups meaning %q", meaning["cognito:groups"])
			}
			if tc.groups != "" && !strings.Contains(meaning["cognito:groups"], tc.groups) {
				t.Errorf("cognito:groups meaning %q, want %q", meaning["cognito:groups"], tc.groups)
			}
			notes := strings.Join(r.Notes, "\n")
			if strings.Contains(notes, "a federated user") == tc.notFederated || tc.note != "" && !strings.Contains(notes, tc.note) {
				t.Errorf("notes %q", notes)
			}
		})
	}
}
