package widgets

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/ui/service"
	"github.com/cogscope/cogscope/ui/theme"
)

var th = theme.New(true, false)

func TestFitCutsAndPads(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in     string
		w, h   int
		want   []string
		detail string
	}{
		{"abc", 5, 2, []string{"abc", ""}, "pads height"},
		{"abcdefgh", 5, 1, []string{"abcd…"}, "cuts width with an ellipsis"},
		{"a\nb\nc", 3, 2, []string{"a", "b"}, "cuts height"},
		{th.Error.Render("✗ long failure"), 6, 1, []string{"✗ lon…"}, "cuts styled text by cells"},
		{"x", 3, 0, []string{""}, "zero height is empty"},
	}
	for _, c := range cases {
		got := strings.Split(ansi.Strip(Fit(c.in, c.w, c.h)), "\n")
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("%s: Fit(%q, %d, %d) = %q, want %q", c.detail, c.in, c.w, c.h, got, c.want)
		}
	}
}

func TestPaneIsExactlyItsSize(t *testing.T) {
	t.Parallel()
	for _, sz := range [][2]int{{20, 5}, {40, 10}, {7, 3}} {
		p := Pane(th, "Trace · SRP", "line one\n"+strings.Repeat("x", 100)+"\nthree\nfour\nfive\nsix", sz[0], sz[1], true)
		lines := strings.Split(p, "\n")
		if len(lines) != sz[1] {
			t.Fatalf("%v: %d lines, want %d", sz, len(lines), sz[1])
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w != sz[0] {
				t.Errorf("%v: line %d is %d wide, want %d: %q", sz, i, w, sz[0], ansi.Strip(l))
			}
		}
		if sz[0] >= 20 && !strings.Contains(ansi.Strip(lines[0]), "Trace") {
			t.Errorf("%v: title missing from the top border: %q", sz, ansi.Strip(lines[0]))
		}
	}
}

func TestDuration(t *testing.T) {
	t.Parallel()
	cases := map[time.Duration]string{
		0:                                     "0s",
		42 * time.Second:                      "42s",
		3*time.Minute + 5*time.Second:         "3m 05s",
		time.Hour + 2*time.Minute:             "1h 02m",
		50*time.Hour + 30*time.Minute:         "2d 02h",
		-(90 * time.Second):                   "1m 30s",
		59*time.Second + 600*time.Millisecond: "1m 00s",
	}
	for d, want := range cases {
		if got := Duration(d); got != want {
			t.Errorf("Duration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestLifetime(t *testing.T) {
	t.Parallel()
	iat := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	exp := iat.Add(time.Hour)
	cases := []struct {
		now       time.Time
		label     string
		usedCells int // of the bar, -1 when there is no bar
	}{
		{iat.Add(15 * time.Minute), "expires in 45m 00s", 13},
		{exp.Add(-2 * time.Minute), "expires in 2m 00s", 52},
		{exp.Add(3 * time.Minute), "expired 3m 00s ago", 53},
		{iat.Add(-time.Minute), "not valid for 1m 00s", 0},
	}
	for _, c := range cases {
		out := ansi.Strip(Lifetime(th, iat, exp, c.now, 72))
		lines := strings.Split(out, "\n")
		if len(lines) != 2 {
			t.Fatalf("want 2 lines, got %q", out)
		}
		if !strings.HasSuffix(lines[0], c.label) {
			t.Errorf("now %v: line %q does not end with %q", c.now, lines[0], c.label)
		}
		if w := ansi.StringWidth(lines[0]); w != 72 {
			t.Errorf("now %v: bar line is %d wide, want 72", c.now, w)
		}
		if got := strings.Count(lines[0], theme.BarFull); got != c.usedCells {
			t.Errorf("now %v: %d cells used, want %d", c.now, got, c.usedCells)
		}
		if !strings.HasPrefix(lines[1], "iat 2026-11-26 09:00:00Z") || !strings.HasSuffix(lines[1], "exp 2026-11-26 10:00:00Z") {
			t.Errorf("ends line = %q", lines[1])
		}
	}
	if out := ansi.Strip(Lifetime(th, iat, time.Time{}, iat, 40)); !strings.Contains(out, "no exp claim") {
		t.Errorf("no exp: %q", out)
	}
}

func TestQRDrawsEveryModule(t *testing.T) {
	t.Parallel()
	const uri = "otpauth://totp/AWSCognito:demo?secret=JBSWY3DPEHPK3PXP&issuer=AWSCognito"
	dark, err := QR(uri, true)
	if err != nil {
		t.Fatal(err)
	}
	light, err := QR(uri, false)
	if err != nil {
		t.Fatal(err)
	}
	n := ansi.StringWidth(dark[0])
	if want := (n + 1) / 2; len(dark) != want {
		t.Fatalf("%d lines for %d modules, want %d (two modules a line)", len(dark), n, want)
	}
	// The two renderings ink complementary modules: every half-block of
	// one is the other's complement.
	comp := map[rune]rune{'█': ' ', ' ': '█', '▀': '▄', '▄': '▀'}
	for y := range dark {
		d, l := []rune(dark[y]), []rune(light[y])
		if len(d) != n || len(l) != n {
			t.Fatalf("line %d: widths %d and %d, want %d", y, len(d), len(l), n)
		}
		for x := range d {
			if y == len(dark)-1 && n%2 == 1 {
				break // the last line's lower half is outside the code
			}
			if comp[d[x]] != l[x] {
				t.Fatalf("module pair (%d,%d): %q and %q are not complements", x, y, d[x], l[x])
			}
		}
	}
	// Drawn for a dark background, the quiet zone is inked (light).
	if strings.Trim(light[0], "█") != "" {
		t.Errorf("first line should be all quiet zone: %q", light[0])
	}
	if _, err := QR(strings.Repeat("x", 4000), true); err == nil {
		t.Error("a text too long for a QR code should fail, not panic")
	}
}

func TestSequence(t *testing.T) {
	t.Parallel()
	api := []Arrow{
		{From: Client, To: Cognito, Label: "1 InitiateAuth"},
		{From: Cognito, To: Client, Label: "PASSWORD_VERIFIER"},
		{From: Client, To: Client, Label: "2 PASSWORD_CLAIM"},
		{From: Client, To: Cognito, Label: "3 RespondToAuthChallenge", Failed: true},
	}
	lines := Sequence(th, api, 40)
	plain := ansi.Strip(strings.Join(lines, "\n"))
	if strings.Contains(plain, "browser") {
		t.Error("no arrow involves the browser, yet it has a lifeline")
	}
	if got, want := len(lines), 2+2+2+1+2; got != want {
		t.Errorf("%d lines, want %d", got, want)
	}
	if !strings.Contains(ansi.Strip(lines[3]), "▶") || !strings.Contains(ansi.Strip(lines[5]), "◀") {
		t.Errorf("arrow heads: %q / %q", ansi.Strip(lines[3]), ansi.Strip(lines[5]))
	}
	if !strings.Contains(ansi.Strip(lines[6]), "├╴2 PASSWORD_CLAIM") {
		t.Errorf("local work: %q", ansi.Strip(lines[6]))
	}
	if !strings.Contains(plain, "3 RespondToAuthChallenge ✗") && !strings.Contains(plain, "3 RespondToAuthChallen…") {
		t.Errorf("failed arrow not marked: %q", plain)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > 40 {
			t.Errorf("line %d is %d wide", i, w)
		}
	}
	withBrowser := ansi.Strip(strings.Join(Sequence(th, append(api, Arrow{From: Client, To: Browser, Label: "open"}), 60), "\n"))
	if !strings.Contains(withBrowser, "browser") {
		t.Error("browser lifeline missing")
	}
	if got := Sequence(th, api, 10); len(got) != 1 || !strings.Contains(ansi.Strip(got[0]), "too narr") {
		t.Errorf("too narrow: %q", got)
	}
}

func TestFailureShowsBothWords(t *testing.T) {
	t.Parallel()
	f := &service.Failure{Diagnosis: flows.Diagnosis{Type: "NotAuthorizedException", Message: "Incorrect username or password.",
		RequestID: "req-1", Cause: "the password is wrong", Fix: "check it"}}
	out := ansi.Strip(strings.Join(Failure(th, f, 80, "  "), "\n"))
	for _, want := range []string{"✗ NotAuthorizedException: Incorrect username or password.", "request id req-1",
		"diagnosis  the password is wrong", "fix        check it"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	tr := ansi.Strip(strings.Join(Failure(th, &service.Failure{Transport: true, Err: errors.New("connection refused")}, 80, ""), "\n"))
	if !strings.Contains(tr, "could not reach the service: connection refused") {
		t.Errorf("transport failure: %q", tr)
	}
	if Failure(th, nil, 80, "") != nil {
		t.Error("nil failure should render nothing")
	}
}

// Labels never cover a lifeline, whatever the width: they wrap between
// the lifelines instead (the sign-in's long operation names made them
// overwrite Cognito's lifeline).
func TestSequenceLabelsKeepOffTheLifelines(t *testing.T) {
	t.Parallel()
	api := []Arrow{
		{From: Client, To: Cognito, Label: "3 RespondToAuthChallenge PASSWORD_VERIFIER"},
		{From: Cognito, To: Client, Label: "NotAuthorizedException", Failed: true},
		{From: Client, To: Client, Label: "2 PASSWORD_CLAIM computed from the password and B"},
	}
	hosted := append(api[:3:3],
		Arrow{From: Client, To: Browser, Label: "4 open authorize URL"},
		Arrow{From: Browser, To: Cognito, Label: "sign in"},
		Arrow{From: Cognito, To: Browser, Label: "302 + code"},
		Arrow{From: Browser, To: Client, Label: "5 redirect with code"},
		Arrow{From: Client, To: Cognito, Label: "6 token authorization_code with an extraordinarily long label that cannot fit"},
	)
	for _, arrows := range [][]Arrow{api, hosted} {
		parties := 2
		if InvolvesBrowser(arrows) {
			parties = 3
		}
		for _, width := range []int{24, 36, 46, 60, 75, 120} {
			lines := Sequence(th, arrows, width)
			var xs []int
			for x, r := range []rune(ansi.Strip(lines[1])) { // the lifelines alone
				if r == '│' {
					xs = append(xs, x)
				}
			}
			if len(xs) != parties {
				t.Fatalf("width %d: lifelines at %v, want %d", width, xs, parties)
			}
			whole := false
			for _, l := range lines[2:] {
				plain := []rune(ansi.Strip(l))
				if len(plain) > width {
					t.Errorf("width %d: %q is %d wide", width, string(plain), len(plain))
				}
				for _, x := range xs {
					if x >= len(plain) || !strings.ContainsRune("│├─▶◀", plain[x]) {
						t.Errorf("width %d: %q covers (or drops) the lifeline at %d", width, string(plain), x)
					}
				}
				whole = whole || strings.Contains(string(plain), "PASSWORD_VERIFIER")
			}
			if parties == 2 && width >= 36 && !whole {
				t.Errorf("width %d: the long label was cut instead of wrapped:\n%s", width, ansi.Strip(strings.Join(lines, "\n")))
			}
		}
	}
}

// A request id is not broken across lines at its hyphens: it is what
// people copy for AWS support.
func TestFailureKeepsTheRequestIDWhole(t *testing.T) {
	t.Parallel()
	const id = "dc188f70-b35a-493b-9e47-ef294d774658"
	f := &service.Failure{Diagnosis: flows.Diagnosis{Type: "NotAuthorizedException", Message: "Incorrect username or password.", RequestID: id}}
	for _, width := range []int{41, 45, 60, 80} {
		out := ansi.Strip(strings.Join(Failure(th, f, width, "  "), "\n"))
		if !strings.Contains(out, id) {
			t.Errorf("width %d: the request id is broken:\n%s", width, out)
		}
		for _, l := range strings.Split(out, "\n") {
			if ansi.StringWidth(l) > width {
				t.Errorf("width %d: %q is too wide", width, l)
			}
		}
	}
}

func TestPrettyJSON(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, in string
		max      int
		want     []string
		cut      bool
	}{
		{"object", `{"a":1,"b":[true,{}],"c":"x,{y}"}`, 100,
			[]string{`{`, `  "a": 1,`, `  "b": [`, `    true,`, `    {}`, `  ],`, `  "c": "x,{y}"`, `}`}, false},
		{"cut body", `{"a":{"b":"unfinis`, 100, []string{`{`, `  "a": {`, `    "b": "unfinis`}, false},
		{"escaped quote", `["a\"b",1]`, 100, []string{`[`, `  "a\"b",`, `  1`, `]`}, false},
		{"at most max lines", `[1,2,3,4,5]`, 3, []string{`[`, `  1,`, `  2,`}, true},
	}
	for _, c := range cases {
		got, cut := PrettyJSON(c.in, c.max)
		if strings.Join(got, "\n") != strings.Join(c.want, "\n") || cut != c.cut {
			t.Errorf("%s: got (cut %v)\n%s\nwant (cut %v)\n%s", c.name, cut, strings.Join(got, "\n"), c.cut, strings.Join(c.want, "\n"))
		}
	}
}

func TestHead(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 100)
	tests := []struct {
		name, in string
		w        int
		want     string
	}{
		{"short stays", "héllo", 10, "héllo"},
		{"four bytes a cell", long, 4, long[:20]},
		{"a character cut in two goes", strings.Repeat("a", 19) + "é" + long, 4, strings.Repeat("a", 19)},
		{"a whole character at the end stays", strings.Repeat("a", 18) + "é" + long, 4, strings.Repeat("a", 18) + "é"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Head(tt.in, tt.w); got != tt.want {
				t.Fatalf("Head(%q, %d) = %q, want %q", tt.in, tt.w, got, tt.want)
			}
		})
	}
}
