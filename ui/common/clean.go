package common

import (
	"strings"

	"github.com/cogscope/cogscope/internal/termtext"
)

// Clean makes text from a server (a response body, a header, a log line)
// safe to draw: it is termtext.Block, the project's one sanitiser —
// control, C1, bidi and format characters are shown as visible escapes
// (an escape sequence is never obeyed), invalid bytes as \xNN; newlines
// and tabs are kept.
func Clean(s string) string { return termtext.Block(s) }

// CleanLine is Clean for one line of a list or a pane: newlines and tabs
// become spaces, so a multi-line message stays on its row.
func CleanLine(s string) string {
	s = termtext.Block(s)
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
