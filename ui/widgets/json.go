package widgets

import (
	"strings"
)

// PrettyJSON lays out JSON text two spaces per level, one member per
// line, without parsing it: a body cut in the middle, or one that is not
// quite JSON, still comes out readable, just unfinished. At most maxLines
// lines are returned; cut says whether there were more. Lines are not
// sanitised: the caller cleans the text first.
func PrettyJSON(s string, maxLines int) (lines []string, cut bool) {
	var b strings.Builder
	depth := 0
	inString, escaped := false, false
	newline := func() bool {
		lines = append(lines, b.String())
		b.Reset()
		if len(lines) >= maxLines {
			return false
		}
		b.WriteString(strings.Repeat("  ", depth))
		return true
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if inString {
			b.WriteByte(c)
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case ' ', '\t', '\r':
			continue
		case '\n':
			continue
		case '"':
			inString = true
			b.WriteByte(c)
		case '{', '[':
			// An empty object or array stays on its line.
			if j := skipSpace(s, i+1); j < len(s) && (s[j] == '}' || s[j] == ']') {
				b.WriteByte(c)
				b.WriteByte(s[j])
				i = j
				continue
			}
			b.WriteByte(c)
			depth++
			if !newline() {
				return lines, true
			}
		case '}', ']':
			depth = max(depth-1, 0)
			if strings.TrimSpace(b.String()) != "" {
				if !newline() {
					return lines, true
				}
			} else {
				b.Reset()
				b.WriteString(strings.Repeat("  ", depth))
			}
			b.WriteByte(c)
		case ',':
			b.WriteByte(c)
			if !newline() {
				return lines, true
			}
		case ':':
			b.WriteString(": ")
		default:
			b.WriteByte(c)
		}
	}
	if strings.TrimSpace(b.String()) != "" {
		lines = append(lines, b.String())
	}
	return lines, false
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// LooksLikeJSON reports whether s starts like a JSON object or array.
func LooksLikeJSON(s string) bool {
	i := skipSpace(s, 0)
	return i < len(s) && (s[i] == '{' || s[i] == '[')
}
