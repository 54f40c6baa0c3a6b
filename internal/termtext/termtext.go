// Package termtext makes text from servers and tokens safe to print on a
// terminal. Error messages, error_description, claim values and the like
// can carry escape sequences that clear the screen, retitle the window,
// move the cursor or forge lines; bidirectional and other format controls
// can reorder what is shown. Line and Block replace every such character
// with a visible escape (`\x1b`, `\u202e`), so the text reads as sent and
// does nothing to the terminal.
//
// It imports only the standard library.
package termtext

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Line returns s safe for one line of a terminal: C0 and C1 control
// characters (ESC, CR, LF, TAB and the rest), DEL, Unicode format
// characters (bidi overrides and isolates, zero-width joiners, BOM) and
// line/paragraph separators become visible escapes, and invalid UTF-8
// bytes become `\xNN`.
func Line(s string) string { return clean(s, false) }

// Block is Line for multi-line text: newlines and tabs are kept (a CR is
// still escaped, so a line cannot be overwritten).
func Block(s string) string { return clean(s, true) }

// clean does the work; it returns s unchanged (no allocation) when there
// is nothing to escape.
func clean(s string, keepLines bool) string {
	i := firstUnsafe(s, keepLines)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unsafeRune(r, keepLines):
			if r < 0x100 {
				fmt.Fprintf(&b, `\x%02x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func firstUnsafe(s string, keepLines bool) int {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return i
			}
		}
		if unsafeRune(r, keepLines) {
			return i
		}
	}
	return -1
}

// unsafeRune reports whether r may act on a terminal or change how text
// around it is shown.
func unsafeRune(r rune, keepLines bool) bool {
	switch {
	case keepLines && (r == '\n' || r == '\t'):
		return false
	case r < 0x20 || r == 0x7f: // C0 and DEL
		return true
	case r >= 0x80 && r <= 0x9f: // C1 (CSI, OSC, ... in 8-bit form)
		return true
	case r == 0x2028 || r == 0x2029: // line and paragraph separators
		return true
	case unicode.Is(unicode.Cf, r): // bidi controls, zero-width, BOM, ...
		return true
	}
	return false
}
