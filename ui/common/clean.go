package common

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Clean makes text from a server (a response body, a header, a log line)
// safe to draw: control characters other than newline and tab are
// dropped (an escape sequence loses its ESC and shows as text), and bytes
// that are not UTF-8 become U+FFFD. It is the console's one sanitiser for
// such text, to be replaced by the shared terminal-text package when it
// lands.
func Clean(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || (unicode.IsControl(r) && r != '\n' && r != '\t') {
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
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case unicode.IsControl(r):
		default:
			b.WriteRune(r) // RuneError is written as U+FFFD
		}
	}
	return b.String()
}

// CleanLine is Clean for one line: newlines and tabs become spaces.
func CleanLine(s string) string {
	s = Clean(s)
	if strings.ContainsAny(s, "\n\t") {
		s = strings.Map(func(r rune) rune {
			if r == '\n' || r == '\t' {
				return ' '
			}
			return r
		}, s)
	}
	return s
}
