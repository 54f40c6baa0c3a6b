package transcript

import (
	"strings"
	"testing"
	"time"
)

// TestDiffHostedUI: hosted-UI sign-ins compared as replay compares them:
// the provider's OAuth error on one side or both, and a scope the
// replay's client was not granted.
func TestDiffHostedUI(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	signedIn := func(scopes ...string) *Transcript {
		tr := New(Target{}, t0)
		tr.SignIns = []SignIn{{Flow: "pkce", Started: t0, Outcome: OutcomeSignedIn, Tokens: []Token{
			{Use: "id", IssuedAt: t0, Expires: t0.Add(time.Hour)},
			{Use: "access", Scopes: scopes, IssuedAt: t0, Expires: t0.Add(time.Hour)},
			{Use: "refresh"}}}}
		return tr
	}
	refused := func(code, desc string) *Transcript {
		tr := New(Target{}, t0)
		tr.SignIns = []SignIn{{Flow: "pkce", Started: t0, Outcome: OutcomeRefused,
			Error: &Error{Operation: "AuthorizeCheck", Type: code, Message: desc}}}
		return tr
	}
	cases := []struct {
		name string
		a, b *Transcript
		want string // a difference of sign-in 1; "" for the same
	}{
		{"same scopes", signedIn("openid", "email"), signedIn("email", "openid"), ""},
		{"a scope not granted", signedIn("openid", "email"), signedIn("openid"), "access token `scope` differs (dev `openid email`, prod `openid`)"},
		{"refused by the replay's provider", signedIn("openid"), refused("unauthorized_client", "the client is not allowed the code grant"),
			"dev signed in, prod refused (unauthorized_client): AuthorizeCheck unauthorized_client: the client is not allowed the code grant"},
		{"another OAuth error", refused("redirect_mismatch", ""), refused("invalid_scope", "scope email is not allowed"),
			"dev refused (redirect_mismatch), prod refused (invalid_scope): AuthorizeCheck invalid_scope: scope email is not allowed"},
		{"the same OAuth error", refused("redirect_mismatch", "a"), refused("redirect_mismatch", "b"), ""},
		{"signed in where the recording was refused", refused("invalid_scope", "no"), signedIn("openid"),
			"dev refused (invalid_scope) (AuthorizeCheck invalid_scope: no), prod signed in"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := Diff(tc.a, tc.b, "dev", "prod")
			s := c.Steps[0]
			if s.Same != (tc.want == "") || c.Same != s.Same {
				t.Fatalf("same = %v: %+v", s.Same, s)
			}
			if all := strings.Join(s.Differences, "\n"); tc.want != "" && !strings.Contains(all, tc.want) {
				t.Errorf("differences %q do not name %q", all, tc.want)
			}
		})
	}
}
