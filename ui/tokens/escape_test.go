package tokens

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cogscope/cogscope/inspect"
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
