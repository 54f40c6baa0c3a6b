package termtext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLine(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"plain text is unchanged", "Incorrect username or password.", "Incorrect username or password."},
		{"unicode letters are kept", "Zoë 東京 ✓", "Zoë 東京 ✓"},
		{"clear screen", "a\x1b[2Jb", `a\x1b[2Jb`},
		{"retitle the terminal (OSC 0)", "\x1b]0;pwned\x07x", `\x1b]0;pwned\x07x`},
		{"forged line", "denied\n\rSigned in as admin", `denied\x0a\x0dSigned in as admin`},
		{"tab", "a\tb", `a\x09b`},
		{"DEL", "a\x7fb", `a\x7fb`},
		{"C1 CSI", "a\u009b2Jb", `a\x9b2Jb`},
		{"bidi override", "user\u202egnp.exe", `user\u202egnp.exe`},
		{"bidi isolate", "a\u2066b\u2069", `a\u2066b\u2069`},
		{"zero-width joiner and BOM", "a\u200db\ufeff", `a\u200db\ufeff`},
		{"line separator", "a\u2028b", `a\u2028b`},
		{"invalid UTF-8", "a\xffb", `a\xffb`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Line(tt.in); got != tt.want {
				t.Fatalf("Line(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestBlockKeepsLinesAndTabs(t *testing.T) {
	t.Parallel()
	in := "line one\n\tline two\r\x1b[1Aover"
	want := "line one\n\tline two\\x0d\\x1b[1Aover"
	if got := Block(in); got != want {
		t.Fatalf("Block = %q, want %q", got, want)
	}
}

// safe reports whether s has nothing a terminal would act on.
func safe(s string, keepLines bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unsafeRune(r, keepLines) {
			return false
		}
	}
	return true
}

func FuzzLine(f *testing.F) {
	for _, s := range []string{"", "plain", "a\x1b[2Jb", "\x1b]0;t\x07", "\u202e", "\xff\xfe", "a\nb\tc\r"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, keep := range []bool{false, true} {
			out := clean(s, keep)
			if !safe(out, keep) {
				t.Fatalf("clean(%q, %v) = %q still has something unsafe", s, keep, out)
			}
			if safe(s, keep) && out != s {
				t.Fatalf("clean(%q, %v) = %q changed safe text", s, keep, out)
			}
			if !keep && strings.ContainsAny(out, "\n\r\x1b") {
				t.Fatalf("Line(%q) = %q", s, out)
			}
		}
	})
}

func BenchmarkLineClean(b *testing.B) {
	s := strings.Repeat("Incorrect username or password. ", 8)
	for range b.N {
		_ = Line(s)
	}
}
