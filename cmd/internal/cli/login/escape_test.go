package login

import (
	"strings"
	"testing"

	"github.com/cogscope/cogscope/flows"
)

// TestLoginTraceNeutralisesEscapes: the readable login trace prints the
// service's members, values, errors and notes without raw control
// characters, with --reveal too.
func TestLoginTraceNeutralisesEscapes(t *testing.T) {
	t.Parallel()
	for _, reveal := range []bool{false, true} {
		var b strings.Builder
		tw := &traceWriter{w: &b, reveal: reveal}
		tw.step(flows.Step{Index: 1, Kind: flows.StepCall, Title: "InitiateAuth\x1b[2J",
			Response: map[string]string{"CODE_DELIVERY_DESTINATION": "+1\x1b]0;owned\x07", "K\x1b[1A": "v"},
			Error:    &flows.APIError{Type: "NotAuthorizedException", Message: "no\r\n\x1b[1Aforged"},
			Notes:    []string{"note \x1b[2J"}})
		if strings.ContainsAny(b.String(), "\x1b\x07\r") {
			t.Fatalf("reveal=%v: trace carries raw control characters:\n%q", reveal, b.String())
		}
	}
}
