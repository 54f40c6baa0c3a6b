package widgets

import (
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/cogscope/cogscope/inspect"
	"github.com/cogscope/cogscope/ui/theme"
)

// warnBefore is how close to exp a token counts as about to expire.
const warnBefore = 5 * time.Minute

// Lifetime draws a token's life from iat to exp as two lines of width
// cells: a bar filled up to now with the time left beside it, then the two
// ends in UTC.
func Lifetime(t *theme.Theme, iat, exp, now time.Time, width int) string {
	if exp.IsZero() {
		return t.Muted.Render("no exp claim: this token does not say when it expires")
	}
	left := exp.Sub(now)
	var label string
	style := t.OK
	switch {
	case left <= 0:
		label = "expired " + Duration(-left) + " ago"
		style = t.Error
	case !iat.IsZero() && now.Before(iat):
		label = "not valid for " + Duration(iat.Sub(now))
		style = t.Warn
	default:
		label = "expires in " + Duration(left)
		if left < warnBefore {
			style = t.Warn
		}
	}
	barW := width - ansi.StringWidth(label) - 1
	var bar string
	if barW >= 4 && !iat.IsZero() && exp.After(iat) {
		frac := float64(now.Sub(iat)) / float64(exp.Sub(iat))
		frac = min(max(frac, 0), 1)
		used := int(frac*float64(barW) + 0.5)
		bar = style.Render(strings.Repeat(theme.BarFull, used)) +
			t.Muted.Render(strings.Repeat(theme.BarEmpty, barW-used)) + " "
	}
	line1 := bar + style.Render(label)

	from := "iat " + stamp(iat)
	to := "exp " + stamp(exp)
	gap := width - ansi.StringWidth(from) - ansi.StringWidth(to)
	var line2 string
	if gap >= 1 {
		line2 = t.Muted.Render(from + strings.Repeat(" ", gap) + to)
	} else {
		line2 = t.Muted.Render(Cut(to, width))
	}
	return line1 + "\n" + line2
}

func stamp(ts time.Time) string {
	if ts.IsZero() {
		return "?"
	}
	return ts.UTC().Format("2006-01-02 15:04:05Z")
}

// Duration formats d for people at two units of precision, padded so a
// countdown keeps its width: "42s", "3m 05s", "1h 02m", "2d 04h" (the
// project's one formatter, inspect.FormatDuration, Padded).
func Duration(d time.Duration) string { return inspect.FormatDuration(d, inspect.Padded) }
