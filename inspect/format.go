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
// "42m", "3h", "3h12m", "2d", "2d5h" (FormatDuration, Compact).
func HumanDuration(d time.Duration) string { return FormatDuration(d, Compact) }

// DurationLayout is how FormatDuration lays a duration out.
type DurationLayout int

const (
	// Compact drops a zero second unit and the seconds from ten minutes
	// on, and truncates to the second (it never overstates what is
	// left): "45s", "5m30s", "42m", "3h12m", "2d5h". Reports and the CLI.
	Compact DurationLayout = iota
	// Padded always shows two units, the second zero-padded and after a
	// space, rounded to the second: "45s", "3m 05s", "1h 02m", "2d 04h".
	// A countdown redrawn every second keeps its width (the console).
	Padded
)

// FormatDuration renders the magnitude of d (a negative duration as its
// absolute value) for people, at two units of precision: the one
// duration formatter of the project, used by inspect's reports, the
// CLI's lifetimes and the console's countdowns.
func FormatDuration(d time.Duration, layout DurationLayout) string {
	if layout == Padded {
		d = d.Round(time.Second)
	}
	if d < 0 {
		d = -d
	}
	s := int64(d / time.Second)
	units := []struct {
		size int64
		name string
	}{{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}}
	i := 0
	for i < len(units)-1 && s < units[i].size {
		i++
	}
	big, small := units[i], units[min(i+1, len(units)-1)]
	hi := s / big.size
	if big.size == 1 {
		return fmt.Sprintf("%ds", hi)
	}
	lo := s % big.size / small.size
	if layout == Padded {
		return fmt.Sprintf("%d%s %02d%s", hi, big.name, lo, small.name)
	}
	if lo == 0 || (big.size == 60 && s >= 600) {
		return fmt.Sprintf("%d%s", hi, big.name)
	}
	return fmt.Sprintf("%d%s%d%s", hi, big.name, lo, small.name)
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
