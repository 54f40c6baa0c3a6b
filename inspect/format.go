package inspect

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// timeLayout shows times in UTC, to the second.
const timeLayout = "2006-01-02 15:04:05 UTC"

// FormatTime renders t in UTC as "2006-01-02 15:04:05 UTC".
func FormatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// Relative says when t is as seen from now: "in 42m", "3h ago", "now".
func Relative(t, now time.Time) string {
	d := t.Sub(now)
	switch {
	case d > -time.Second && d < time.Second:
		return "now"
	case d > 0:
		return "in " + HumanDuration(d)
	default:
		return HumanDuration(-d) + " ago"
	}
}

// HumanDuration renders a duration with its two largest units: "45s",
// "42m", "3h", "3h12m", "2d", "2d5h".
func HumanDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	s := int64(d / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		if s%60 == 0 || s >= 600 {
			return fmt.Sprintf("%dm", s/60)
		}
		return fmt.Sprintf("%dm%ds", s/60, s%60)
	case s < 86400:
		if m := (s % 3600) / 60; m != 0 {
			return fmt.Sprintf("%dh%dm", s/3600, m)
		}
		return fmt.Sprintf("%dh", s/3600)
	default:
		if h := (s % 86400) / 3600; h != 0 {
			return fmt.Sprintf("%dd%dh", s/86400, h)
		}
		return fmt.Sprintf("%dd", s/86400)
	}
}

// secondsTime converts a NumericDate (seconds, possibly fractional).
func secondsTime(f float64) time.Time {
	if math.IsNaN(f) || math.IsInf(f, 0) || f > 1e15 || f < -1e15 {
		return time.Time{}
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC()
}

// whenText is "in 42m (2026-11-26 12:42:00 UTC)".
func whenText(t, now time.Time) string {
	return Relative(t, now) + " (" + FormatTime(t) + ")"
}

// quoteList renders strings as "a", "b".
func quoteList(s []string) string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ")
}

// oneOf renders an expectation: "x" or one of "x", "y".
func oneOf(s []string) string {
	if len(s) == 1 {
		return fmt.Sprintf("%q", s[0])
	}
	return "one of " + quoteList(s)
}
