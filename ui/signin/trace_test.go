package signin

import (
	"strings"
	"testing"
	"time"

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

// The server's Date header has whole seconds: a second's difference is
// the header's rounding, not a skew.
func TestTraceSkew(t *testing.T) {
	t.Parallel()
	at := func(s string) time.Time {
		ts, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return ts
	}
	cases := []struct {
		started, server string
		ms              float64
		want            string
	}{
		{"2026-11-26T12:00:00.900Z", "2026-11-26T12:00:00Z", 30, "clocks agree"}, // Date cut to the second
		{"2026-11-26T12:00:00.990Z", "2026-11-26T12:00:01Z", 30, "clocks agree"}, // the second turned during the call
		{"2026-11-26T12:00:00.100Z", "2026-11-26T12:00:05Z", 30, "skew +5s"},     // server ahead
		{"2026-11-26T12:00:10.500Z", "2026-11-26T12:00:03Z", 30, "skew -7s"},     // server behind
		{"2026-11-26T12:00:00.100Z", "2026-11-26T12:05:00Z", 30, "skew +300s"},   // Cognito's limit
	}
	for _, c := range cases {
		server := at(c.server)
		s := flows.Step{Started: at(c.started), DurationMS: c.ms, ServerTime: &server}
		if got := skew(s); got != c.want {
			t.Errorf("started %s, Date %s: %q, want %q", c.started, c.server, got, c.want)
		}
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
