package doctor

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Safe makes text that came from a server, a token or a paste safe to
// print on a terminal, on one line: control characters are dropped (an
// escape sequence loses its ESC and shows as text), newlines and tabs
// become spaces, and bytes that are not UTF-8 become U+FFFD. Findings,
// predictions and matches keep raw text; the CLI and the console print
// it through this one helper (until internal/termtext lands).
func Safe(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsControl(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t' || r == '\r':
			b.WriteByte(' ')
		case unicode.IsControl(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
