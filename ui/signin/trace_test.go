package signin

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/ui/internal/fakes"
	"github.com/cogscope/cogscope/ui/service"
	"github.com/cogscope/cogscope/ui/theme"
)

func plainStep(s flows.Step, width int) []string {
	lines := renderStep(theme.New(true, false), s, nil, true, width)
	for i, l := range lines {
		lines[i] = ansi.Strip(l)
	}
	return lines
}

// At the trace's usual widths (45 cells at 120 columns) a long title still
// leaves room for the time the call took, and the two PASSWORD_CLAIM_…
// members stay tell-apart-able.
func TestTraceStepFitsItsWidth(t *testing.T) {
	t.Parallel()
	step := fakes.SRPSteps()[2]
	for _, width := range []int{30, 45, 60, 90} {
		lines := plainStep(step, width)
		if !strings.HasSuffix(lines[0], " 9 ms") {
			t.Errorf("width %d: the title line hides the duration: %q", width, lines[0])
		}
		var claims []string
		for _, l := range lines {
			if w := ansi.StringWidth(l); w > width {
				t.Errorf("width %d: %q is %d wide", width, l, w)
			}
			if f := strings.Fields(l); len(f) > 2 && f[0] == "→" && strings.HasPrefix(f[1], "PASS") {
				claims = append(claims, f[1])
			}
		}
		if len(claims) != 2 || claims[0] == claims[1] {
			t.Errorf("width %d: the PASSWORD_CLAIM members read the same: %q", width, claims)
		}
	}
	url := "http://127.0.0.1:39191/_domain/cogscope-demo/oauth2/token"
	lines := plainStep(flows.Step{Index: 2, Kind: flows.StepCall, Operation: "Token", Request: map[string]string{"url": url}}, 45)
	if l := lines[1]; !strings.Contains(l, "http://") || !strings.HasSuffix(l, "oauth2/token") {
		t.Errorf("a cut URL should keep its host and its path: %q", l)
	}
}

// When the service could not be reached, the failed step shows the run's
// one-line summary, not the HTTP client's chain of wrapped errors.
func TestTraceUnreachableStepIsSaidShortly(t *testing.T) {
	t.Parallel()
	raw := `operation error Cognito Identity Provider: RespondToAuthChallenge, https response error StatusCode: 0, RequestID: , ` +
		`request send failed, Post "http://127.0.0.1:1/": dial tcp 127.0.0.1:1: connect: connection refused`
	steps := []flows.Step{{Index: 1, Kind: flows.StepCall, Operation: "RespondToAuthChallenge", Error: &flows.APIError{Message: raw}}}
	run := &service.Failure{Transport: true, Diagnosis: flows.Diagnosis{Message: "POST http://127.0.0.1:1/: connection refused",
		Cause: "Cognito's endpoint could not be reached (connection refused)."}}
	lines, _ := renderTrace(theme.New(true, false), steps, run, false, 60, traceCache{})
	text := ansi.Strip(strings.Join(lines, "\n"))
	if !strings.Contains(text, "could not reach the service: POST http://127.0.0.1:1/:") || strings.Contains(text, "operation error") {
		t.Fatalf("trace:\n%s", text)
	}
}
