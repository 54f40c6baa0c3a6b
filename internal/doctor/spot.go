package doctor

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/cogscope/cogscope/flows/srp"
	"github.com/cogscope/cogscope/inspect"
)

// ClockSkew measures the local clock against a service's Date header:
// the server's time minus the local time half-way through the request
// (positive: the local clock is behind). Date has a one-second
// resolution, so |skew| under a second means "in step".
func ClockSkew(ctx context.Context, client *http.Client, url string, now func() time.Time) (time.Duration, error) {
	if now == nil {
		now = time.Now
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, fmt.Errorf("clock skew: %w", err)
	}
	start := now()
	resp, err := client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("clock skew: %w", err)
	}
	resp.Body.Close()
	end := now()
	date, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil {
		return 0, fmt.Errorf("clock skew: the answer of %s has no usable Date header", url)
	}
	mid := start.Add(end.Sub(start) / 2)
	return date.Sub(mid.Truncate(time.Second)), nil
}

// MaxSkew is the skew beyond which clock-bound causes are confirmed: SRP
// TIMESTAMPs, TOTP windows and tokens' iat/nbf begin to fail.
const MaxSkew = 60 * time.Second

// clockCauses are the entries a clock that is off explains.
var clockCauses = []string{
	"cognito.NotAuthorizedException.incorrect-password-srp", "cognito.CodeMismatchException.totp",
	"gateway.jwt.expired", "gateway.expired.rest", "jwt.not-yet-valid", "jwt.expired", "identity.signature-expired",
	"oauth-client.id-token.exp",
}

// ConfirmClock says, for the explanation's clock-bound causes, whether
// the measured skew confirms them (|skew| > MaxSkew) or rules them out.
func ConfirmClock(x Explanation, skew time.Duration) []Confirmation {
	f := Finding{Name: "clock-skew", Status: StatusOK, Detail: fmt.Sprintf("the local clock is within %s of the service's (%s)", inspect.HumanDuration(MaxSkew), describeSkew(skew))}
	verdict := VerdictRuledOut
	if skew > MaxSkew || skew < -MaxSkew {
		f.Status, verdict = StatusFail, VerdictConfirmed
		f.Detail = "the local clock is off: " + describeSkew(skew)
		f.Fix = "sync the clock (NTP); SRP TIMESTAMPs, TOTP codes and tokens' iat/nbf/exp are judged by it"
	}
	return confirmEach(x, clockCauses, f, verdict)
}

func describeSkew(d time.Duration) string {
	switch {
	case d > -time.Second && d < time.Second:
		return "in step"
	case d > 0:
		return inspect.HumanDuration(d) + " behind the service"
	}
	return inspect.HumanDuration(-d) + " ahead of the service"
}

// ConfirmTimestamp re-checks cogscope's own SRP TIMESTAMP for now: it
// rules out the malformed-TIMESTAMP cause when the format round-trips.
func ConfirmTimestamp(x Explanation, now time.Time) []Confirmation {
	ts := srp.FormatTimestamp(now)
	f := Finding{Name: "srp-timestamp", Status: StatusOK, Detail: fmt.Sprintf("cogscope's TIMESTAMP for now is %q: English, UTC, unpadded day, 24-hour clock", ts)}
	verdict := VerdictRuledOut
	if back, err := srp.ParseTimestamp(ts); err != nil || !back.Equal(now.UTC().Truncate(time.Second)) {
		f.Status, verdict, f.Detail = StatusFail, VerdictConfirmed, fmt.Sprintf("cogscope's TIMESTAMP %q does not round-trip: a client bug", ts)
	}
	return confirmEach(x, []string{"cognito.InvalidParameterException.timestamp"}, f, verdict)
}

func confirmEach(x Explanation, ids []string, f Finding, verdict string) []Confirmation {
	var out []Confirmation
	for _, m := range x.matches() {
		if slices.Contains(ids, m.ID) {
			out = append(out, Confirmation{Match: m.ID, Rule: f.Name, Verdict: verdict, Finding: f})
		}
	}
	return out
}

// NeedsClock says whether any of the explanation's causes is clock-bound
// (worth a ClockSkew measurement).
func NeedsClock(x Explanation) bool {
	return len(ConfirmClock(x, 0)) > 0
}
