package inspect

import (
	"fmt"
	"strings"
	"unicode"
)

// cleanInput turns what a person pastes into a compact token: it drops an
// "Authorization:" header name, a "Bearer " scheme, surrounding quotes and
// all whitespace (wrapped lines), and says what it removed.
func cleanInput(raw string) (string, []string) {
	var notes []string
	s := strings.TrimSpace(raw)
	if len(s) > 14 && strings.EqualFold(s[:14], "authorization:") {
		s = strings.TrimSpace(s[14:])
		notes = append(notes, `removed the "Authorization:" header name`)
	}
	if len(s) >= 6 && strings.EqualFold(s[:6], "bearer") && (len(s) == 6 || s[6] == ' ' || s[6] == '\t') {
		s = strings.TrimSpace(s[6:])
		notes = append(notes, `removed the "Bearer " prefix`)
	}
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		s = strings.TrimSpace(s[1 : len(s)-1])
		notes = append(notes, "removed surrounding quotes")
	}
	n := 0
	for _, r := range s {
		if unicode.IsSpace(r) {
			n++
		}
	}
	if n > 0 {
		s = strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) {
				return -1
			}
			return r
		}, s)
		notes = append(notes, fmt.Sprintf("removed %d whitespace character(s) inside the token (a wrapped paste?)", n))
	}
	return s, notes
}
