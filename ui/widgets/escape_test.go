package widgets

import (
	"strings"
	"testing"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/ui/service"
)

// injected are sequences a hostile service could put in its messages:
// clear screen, retitle the terminal, cursor up, a bidi override.
var injected = []string{"\x1b[2J", "\x1b]0;owned\x07", "\x1b[1A", "\u202e"}

// TestFailureNeutralisesEscapes: a service's code, message, request id and
// the diagnosis built from them are drawn with their escapes visible,
// never obeyed.
func TestFailureNeutralisesEscapes(t *testing.T) {
	t.Parallel()
	f := &service.Failure{Diagnosis: flows.Diagnosis{Type: "NotAuthorizedException\x1b[2J", Message: "Incorrect\x1b]0;owned\x07 password\r\n\x1b[1Aforged line\u202e",
		RequestID: "id\x1b[2J", Cause: "because \x1b[1A"}}
	out := strings.Join(Failure(th, f, 80, ""), "\n")
	for _, s := range injected {
		if strings.Contains(out, s) {
			t.Fatalf("the failure view passes %q through:\n%q", s, out)
		}
	}
	if !strings.Contains(out, `\x1b[2J`) || !strings.Contains(out, `\x1b]0;owned\x07`) {
		t.Fatalf("escapes are not shown visibly:\n%q", out)
	}
}
