package transcript

import (
	"strings"
	"testing"
	"time"
)

// session is a recorded session: an SRP sign-in with tokens of client,
// scopes and lifetime, then calls with the given statuses.
func session(client string, scopes []string, life time.Duration, challenges []string, calls ...Call) *Transcript {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tr := New(Target{ClientID: client}, t0)
	s := SignIn{Flow: "srp", Started: t0, Challenges: challenges, Outcome: OutcomeSignedIn}
	for _, use := range []string{"id", "access"} {
		s.Tokens = append(s.Tokens, Token{Use: use, JTI: use + client, ClientID: client, Scopes: scopes, IssuedAt: t0, Expires: t0.Add(life)})
	}
	tr.SignIns = []SignIn{s}
	for _, c := range calls {
		c.Started, c.TokenKind = t0.Add(time.Minute), "access"
		tr.Calls = append(tr.Calls, c)
	}
	return tr
}

func TestDiff(t *testing.T) {
	t.Parallel()
	ok := Call{Method: "GET", Path: "/private", Status: 200}
	scopes := []string{"aws.cognito.signin.user.admin"}
	dev := session("4ymsanabcdefgh", scopes, time.Hour, []string{"PASSWORD_VERIFIER"}, ok)
	stopped := session("7c2kxyzabcdefg", nil, 0, []string{"PASSWORD_VERIFIER", "SOFTWARE_TOKEN_MFA"}, Call{Method: "GET", Path: "/private"})
	stopped.SignIns[0].Outcome, stopped.SignIns[0].Tokens = OutcomeStopped, nil
	refused := session("7c2kxyzabcdefg", nil, 0, nil, Call{Method: "GET", Path: "/private"})
	refused.SignIns[0].Outcome, refused.SignIns[0].Tokens = OutcomeRefused, nil
	refused.SignIns[0].Error = &Error{Operation: "InitiateAuth", Type: "UserNotFoundException", Message: "User does not exist."}

	// Calls alone: the recorded calls' token came from an earlier
	// session's sign-in, which the replay cannot re-run.
	callsOnly := session("7c2kxyzabcdefg", nil, 0, nil, Call{Method: "GET", Path: "/private"})
	callsOnly.SignIns = nil
	// Signed in, but the call sends an ID token and none was issued
	// (client_credentials).
	noID := session("7c2kxyzabcdefg", scopes, time.Hour, []string{"PASSWORD_VERIFIER"}, Call{Method: "GET", Path: "/private"})
	noID.SignIns[0].Tokens = noID.SignIns[0].Tokens[1:]
	noID.Calls[0].TokenKind = "id"

	cases := []struct {
		name string
		b    *Transcript
		want map[string]string // step → a difference it must name; empty: the same
	}{
		{"identical but for ids", session("7c2kxyzabcdefg", scopes, time.Hour, []string{"PASSWORD_VERIFIER"}, ok), nil},
		{"audience", session("7c2kxyzabcdefg", scopes, time.Hour, []string{"PASSWORD_VERIFIER"},
			Call{Method: "GET", Path: "/private", Status: 401, Explanation: &Explanation{FailedCheck: "aud"}}),
			map[string]string{"call 1": "dev 200, prod 401: `aud` differs (dev client 4ymsan…, prod client 7c2kxy…)"}},
		{"scope", session("7c2kxyzabcdefg", scopes, time.Hour, []string{"PASSWORD_VERIFIER"},
			Call{Method: "GET", Path: "/private", Status: 403, Explanation: &Explanation{FailedCheck: "scope"}}),
			map[string]string{"call 1": "prod's route requires a scope"}},
		{"token scopes and lifetime", session("7c2kxyzabcdefg", []string{"openid"}, 5*time.Minute, []string{"PASSWORD_VERIFIER"}, ok),
			map[string]string{"sign-in 1": "access token `scope` differs (dev `aws.cognito.signin.user.admin`, prod `openid`)"}},
		{"mfa", stopped, map[string]string{"sign-in 1": "prod asks for SOFTWARE_TOKEN_MFA where dev did not",
			"call 1": "no token (prod's sign-in stopped at SOFTWARE_TOKEN_MFA)"}},
		{"refused", refused, map[string]string{"sign-in 1": "dev signed in, prod refused (UserNotFoundException): InitiateAuth UserNotFoundException: User does not exist.",
			"call 1": "no token"}},
		{"no token of the kind", noID, map[string]string{"sign-in 1": "prod issued no id token where dev did", "call 1": "dev 200, prod not sent: no id token (prod's sign-ins issued none)"}},
		{"calls alone", callsOnly, map[string]string{"sign-in 1": "prod did not get this far", "call 1": "dev 200, prod not sent: no token (the transcript holds no sign-in for prod to get one from"}},
		{"shorter", session("7c2kxyzabcdefg", scopes, time.Hour, []string{"PASSWORD_VERIFIER"}),
			map[string]string{"call 1": "prod did not call"}},
		{"not sent", session("7c2kxyzabcdefg", scopes, time.Hour, []string{"PASSWORD_VERIFIER"},
			Call{Method: "GET", Path: "/private", Error: NotSent + "no credentials to sign with: the pool refused"}),
			map[string]string{"call 1": "dev 200, prod not sent: no credentials to sign with: the pool refused"}},
		{"no answer", session("7c2kxyzabcdefg", scopes, time.Hour, []string{"PASSWORD_VERIFIER"},
			Call{Method: "GET", Path: "/private", Error: "connection refused"}),
			map[string]string{"call 1": "dev 200, prod no answer: connection refused"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := Diff(dev, tc.b, "dev", "prod")
			if c.Same != (len(tc.want) == 0) {
				t.Errorf("same = %v: %+v", c.Same, c.Steps)
			}
			for _, s := range c.Steps {
				want, ok := tc.want[s.Step]
				if !ok {
					if !s.Same {
						t.Errorf("%s differs: %v", s.Step, s.Differences)
					}
					continue
				}
				if all := strings.Join(s.Differences, "\n"); s.Same || !strings.Contains(all, want) {
					t.Errorf("%s: %q does not name %q", s.Step, all, want)
				}
			}
		})
	}
	skipped := session("7c2kxyzabcdefg", scopes, time.Hour, []string{"PASSWORD_VERIFIER"}, Call{Method: "GET", Path: "/private", Skipped: "a raw token"})
	if c := Diff(dev, skipped, "dev", "prod"); !c.Same || c.Steps[1].B != "skipped" || c.Steps[1].Note != "a raw token" {
		t.Errorf("a skipped call: %+v", c.Steps[1])
	}
	if c := Diff(dev, dev, "dev", "dev"); c.A != "recorded" || c.B != "replay" || !c.Same {
		t.Errorf("same labels: %s %s, same %v", c.A, c.B, c.Same)
	}
}

func TestShortPairTellsIDsApart(t *testing.T) {
	t.Parallel()
	cases := []struct{ a, b, wantA, wantB string }{
		{"4ymsanabcdefgh", "7c2kxyzabcdefg", "4ymsan…", "7c2kxy…"},
		{"cogscopedemopublicclient01", "cogscopedemorotateclient01", "cogscopedemopub…", "cogscopedemorot…"},
		{"short", "shorts", "short", "shorts"},
		{"abcdefghijk", "abcdefghijk", "abcdefghijk", "abcdefghijk"},
	}
	for _, tc := range cases {
		a, b := shortPair(tc.a, tc.b)
		if a != tc.wantA || b != tc.wantB {
			t.Errorf("shortPair(%q, %q) = %q, %q; want %q, %q", tc.a, tc.b, a, b, tc.wantA, tc.wantB)
		}
		if tc.a != tc.b && a == b {
			t.Errorf("shortPair(%q, %q) cut both to %q", tc.a, tc.b, a)
		}
	}
}
