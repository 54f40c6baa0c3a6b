package signin

import (
	"strings"
	"testing"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/ui/theme"
)

// TestTraceNeutralisesEscapes: values the service sent (challenge
// parameters, messages, notes quoting them) are drawn with their escapes
// visible, never obeyed.
func TestTraceNeutralisesEscapes(t *testing.T) {
	t.Parallel()
	s := flows.Step{Index: 1, Operation: "InitiateAuth", Title: "InitiateAuth\x1b[2J",
		Response: map[string]string{"CODE_DELIVERY_DESTINATION": "+1\x1b]0;owned\x07", "X\x1b[1A": "v"},
		Notes:    []string{"server said \x1b[2J"}}
	out := strings.Join(renderStep(theme.New(true, false), s, nil, false, 100), "\n")
	for _, bad := range []string{"\x1b[2J", "\x1b]0;owned", "\x1b[1A"} {
		if strings.Contains(out, bad) {
			t.Fatalf("the trace passes %q through:\n%q", bad, out)
		}
	}
	if !strings.Contains(out, `\x1b]0;owned\x07`) {
		t.Fatalf("escapes are not shown visibly:\n%q", out)
	}
}
