package call

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Line and Block make text from a server or a token safe for a terminal:
// C0/C1 control characters, DEL, Unicode format characters (bidi
// overrides, zero-width) and line separators become visible escapes
// (`\x1b`, `\u202e`); invalid UTF-8 bytes become `\xNN`. Block keeps
// newlines and tabs. They follow internal/termtext (on another branch
// when this was written) and are this package's one sanitiser: replace
// both with termtext.Line and termtext.Block when it is on main.
func Line(s string) string { return escape(s, false) }

// Block is Line for multi-line text.
func Block(s string) string { return escape(s, true) }

func escape(s string, keepLines bool) string {
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

func unsafeRune(r rune, keepLines bool) bool {
	switch {
	case keepLines && (r == '\n' || r == '\t'):
		return false
	case r < 0x20 || r == 0x7f:
		return true
	case r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x2028 || r == 0x2029:
		return true
	case unicode.Is(unicode.Cf, r):
		return true
	}
	return false
}
