package logtail

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseTime reads a --since / --until value: "now", a duration back from
// now ("10m", "90s", "1h30m", "2d", "1w"), an RFC 3339 time
// ("2026-12-06T09:30:00Z", "2026-12-06T09:30:00+01:00"), a time without
// zone ("2026-12-06T09:30:00", "2026-12-06 09:30", read in loc) or a date
// ("2026-12-06", midnight in loc), or epoch milliseconds.
func ParseTime(value string, now time.Time, loc *time.Location) (time.Time, error) {
	v := strings.TrimSpace(value)
	if loc == nil {
		loc = time.Local
	}
	if v == "" {
		return time.Time{}, fmt.Errorf("empty time: give a duration like 10m or a time like 2026-12-06T09:30:00Z")
	}
	if v == "now" {
		return now, nil
	}
	if d, ok := parseAgo(v); ok {
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t, nil
		}
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && len(v) >= 12 {
		return time.UnixMilli(n), nil
	}
	return time.Time{}, fmt.Errorf("cannot read %q as a time: give a duration like 10m, 2h or 1d, or a time like 2026-12-06T09:30:00Z", value)
}

// parseAgo reads Go durations plus whole days ("d") and weeks ("w").
func parseAgo(v string) (time.Duration, bool) {
	if d, err := time.ParseDuration(v); err == nil && d >= 0 {
		return d, true
	}
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if n, ok := strings.CutSuffix(v, suffix); ok {
			if k, err := strconv.Atoi(n); err == nil && k >= 0 {
				return time.Duration(k) * unit, true
			}
		}
	}
	return 0, false
}

// FormatTime writes t the way ParseTime reads it back exactly: RFC 3339
// with milliseconds, in UTC when utc is set, else in t's location.
func FormatTime(t time.Time, utc bool) string {
	if utc {
		t = t.UTC()
	}
	return t.Format("2006-01-02T15:04:05.000Z07:00")
}
