package logview

import (
	"testing"

	"github.com/cogscope/cogscope/internal/termtext"
)

func TestClean(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, clean, line string }{
		{"plain", "plain", "plain"},
		{"a\x1b[31mred\x1b[0m", `a\x1b[31mred\x1b[0m`, `a\x1b[31mred\x1b[0m`},
		{"bell\x07 del\x7f", `bell\x07 del\x7f`, `bell\x07 del\x7f`},
		{"c1 \u009b2J", `c1 \x9b2J`, `c1 \x9b2J`},
		{"bidi \u202eevil", `bidi \u202eevil`, `bidi \u202eevil`},
		{"two\nlines\ttab\r\n", "two\nlines\ttab\\x0d\n", "two ⏎ lines  tab"},
		{"ünïcödé ✔", "ünïcödé ✔", "ünïcödé ✔"},
	}
	for _, c := range cases {
		if got := termtext.Block(c.in); got != c.clean {
			t.Errorf("termtext.Block(%q) = %q, want %q", c.in, got, c.clean)
		}
		if got := Line(c.in); got != c.line {
			t.Errorf("Line(%q) = %q, want %q", c.in, got, c.line)
		}
	}
}

func TestAPIIDOf(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://abc123.execute-api.eu-west-1.amazonaws.com/prod": "abc123",
		"http://127.0.0.1:9229/_api/cogshttp01":                   "cogshttp01",
		"http://127.0.0.1:9229/_api/cogsrest01/prod/profile":      "cogsrest01",
		"https://api.example.com":                                 "",
		"":                                                        "",
	} {
		if got := apiIDOf(in); got != want {
			t.Errorf("apiIDOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSplitGroups(t *testing.T) {
	t.Parallel()
	a, l := SplitGroups([]string{"/aws/apigateway/x", "/aws/lambda/auth", "arn:aws:logs:us-east-1:1:log-group:/aws/lambda/b:*", "access"})
	if len(a) != 2 || a[0] != "/aws/apigateway/x" || a[1] != "access" || len(l) != 2 || l[0] != "/aws/lambda/auth" {
		t.Fatalf("access %v, lambda %v", a, l)
	}
}
