package widgets

import (
	"testing"
	"time"

	"github.com/cogscope/cogscope/flows"
)

// The server's Date header has whole seconds: a second's difference is
// the header's rounding, not a skew.
func TestTraceStepSkew(t *testing.T) {
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
