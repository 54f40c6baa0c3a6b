package lazyregexp

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestSameAsRegexp(t *testing.T) {
	const expr = `(\w+)=(\d+)`
	l, re := New(expr), regexp.MustCompile(expr)
	s := "a=1, b=22, c=x"
	if l.String() != re.String() {
		t.Errorf("String: %q, want %q", l.String(), re.String())
	}
	if l.MatchString(s) != re.MatchString(s) || l.MatchString("none") != re.MatchString("none") {
		t.Error("MatchString differs")
	}
	if got, want := l.FindStringSubmatch(s), re.FindStringSubmatch(s); !slices.Equal(got, want) {
		t.Errorf("FindStringSubmatch: %q, want %q", got, want)
	}
	if got, want := l.FindAllStringSubmatch(s, -1), re.FindAllStringSubmatch(s, -1); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("FindAllStringSubmatch: %q, want %q", got, want)
	}
	if got, want := l.ReplaceAllString(s, "$2"), re.ReplaceAllString(s, "$2"); got != want {
		t.Errorf("ReplaceAllString: %q, want %q", got, want)
	}
	if got, want := l.ReplaceAllStringFunc(s, strings.ToUpper), re.ReplaceAllStringFunc(s, strings.ToUpper); got != want {
		t.Errorf("ReplaceAllStringFunc: %q, want %q", got, want)
	}
}

func TestBadPatternPanicsInTests(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("New(`(`) did not panic in a test binary")
		}
	}()
	New(`(`)
}
