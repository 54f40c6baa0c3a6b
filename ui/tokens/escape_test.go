package tokens

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/inspect"
	"github.com/cogscope/cogscope/ui/internal/fakes"
	"github.com/cogscope/cogscope/ui/service"
	"github.com/cogscope/cogscope/ui/theme"
)

// TestClaimValuesNeutraliseEscapes: a token's claim names and values
// (and header values) are shown with their escapes visible, never obeyed.
func TestClaimValuesNeutraliseEscapes(t *testing.T) {
	t.Parallel()
	evil := "alice\x1b[2J\x1b]0;owned\x07\u202e"
	raw, _ := json.Marshal(evil)
	r := &inspect.Report{
		Header: []inspect.Claim{{Name: "kid", Value: raw}},
		Claims: []inspect.Claim{{Name: "custom:x\x1b[1A", Value: raw, Display: evil, Meaning: "custom attribute x\x1b[1A"}, {Name: "raw", Value: json.RawMessage(`"\u001b[2J"`)}},
	}
	th := theme.New(true, false)
	out := strings.Join(append(claimLines(th, r, 120, true), headerLines(th, r, 120)...), "\n")
	for _, s := range []string{"\x1b[2J", "\x1b]0;owned", "\x1b[1A", "\u202e"} {
		if strings.Contains(out, s) {
			t.Fatalf("claims view passes %q through:\n%q", s, out)
		}
	}
	if !strings.Contains(out, `\x1b[2J`) {
		t.Fatalf("escapes are not shown visibly:\n%q", out)
	}
}

// TestCredentialsPanelNeutralisesEscapes: what the identity pool and STS
// gave (a principal tag can be a token's claim) and their refusals are
// shown with their escapes visible.
func TestCredentialsPanelNeutralisesEscapes(t *testing.T) {
	t.Parallel()
	evil := "x\x1b[2J\x1b]0;owned\x07\u202e"
	m := New(theme.New(true, false), &credsTokens{Tokens: fakes.NewTokens()}, fakes.Clock)
	m.aws.creds = &service.AWSCredentials{IdentityID: evil, RoleARN: evil, Rule: evil, RuleNote: evil,
		PrincipalTags: map[string]string{"tenant": evil}, CallerArn: evil, AccessKeyID: evil}
	ok := strings.Join(m.credentialLines(120), "\n")
	m.aws = credsState{err: &service.Failure{Diagnosis: flows.Diagnosis{Type: "NotAuthorizedException", Message: evil, Fix: evil}}}
	refused := strings.Join(m.credentialLines(120), "\n")
	for name, out := range map[string]string{"credentials": ok, "refusal": refused} {
		for _, s := range []string{"\x1b[2J", "\x1b]0;owned", "\u202e"} {
			if strings.Contains(out, s) {
				t.Fatalf("%s panel passes %q through:\n%q", name, s, out)
			}
		}
		if !strings.Contains(out, `\x1b[2J`) {
			t.Fatalf("%s panel: escapes are not shown visibly:\n%q", name, out)
		}
	}
}
