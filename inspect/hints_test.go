package inspect

import (
	"errors"
	"fmt"
	"testing"
)

func TestPhrase(t *testing.T) {
	t.Parallel()
	hints := map[string]Hint{
		"after": {After: "use https", Text: ", or X"},
		"end":   {Text: " (Y)"},
		"none":  {},
	}
	for _, tc := range []struct{ text, fix, want string }{
		{"refused: use https; nothing else", "after", "refused: use https, or X; nothing else"},
		{"no anchor here", "after", "no anchor here, or X"},
		{"no scope given", "end", "no scope given (Y)"},
		{"no scope given", "none", "no scope given"},
		{"no scope given", "unknown", "no scope given"},
		{"no scope given", "", "no scope given"},
		{"", "end", ""},
	} {
		if got := Phrase(tc.text, tc.fix, hints); got != tc.want {
			t.Errorf("Phrase(%q, %q) = %q, want %q", tc.text, tc.fix, got, tc.want)
		}
	}
}

func TestCheckAndReportPhrase(t *testing.T) {
	t.Parallel()
	hints := map[string]Hint{FixSkew: {Text: " (skew)"}, FixRequireScope: {Text: " (scope)"}}
	r := &Report{Checks: []Check{
		{Name: CheckExp, Status: StatusFail, Detail: "expired", Hint: "clock", Fix: FixSkew},
		{Name: CheckScope, Status: StatusSkipped, Detail: "no scope", Fix: FixRequireScope},
		{Name: CheckAud, Status: StatusOK, Detail: "ok"},
	}}
	p := r.Phrase(hints)
	want := []Check{
		{Name: CheckExp, Status: StatusFail, Detail: "expired", Hint: "clock (skew)", Fix: FixSkew},
		{Name: CheckScope, Status: StatusSkipped, Detail: "no scope (scope)", Fix: FixRequireScope},
		{Name: CheckAud, Status: StatusOK, Detail: "ok"},
	}
	for i := range want {
		if p.Checks[i] != want[i] {
			t.Errorf("check %d = %+v, want %+v", i, p.Checks[i], want[i])
		}
	}
	if r.Checks[0].Hint != "clock" || r.Checks[1].Detail != "no scope" {
		t.Errorf("the report phrased is a copy; the original changed: %+v", r.Checks)
	}
	if (*Report)(nil).Phrase(hints) != nil {
		t.Error("a nil report phrases to nil")
	}
}

func TestPhraseError(t *testing.T) {
	t.Parallel()
	hints := map[string]Hint{FixRelaxFetch: {After: "use https", Text: ", or relax"}}
	pe := &PolicyError{URL: "http://h/x", Reason: "plain http is allowed only to loopback; use https", Fix: FixRelaxFetch}
	err := &FetchError{URL: "http://h/x", Err: fmt.Errorf("get: %w", pe)}
	got := PhraseError(err, hints)
	if want := "JWKS http://h/x unreachable or unusable: get: refused to fetch http://h/x: plain http is allowed only to loopback; use https, or relax"; got.Error() != want {
		t.Errorf("got %q, want %q", got, want)
	}
	var fe *FetchError
	if !errors.As(got, &fe) || fe != err {
		t.Error("the phrased error unwraps to the error")
	}
	plain := errors.New("no keys")
	if PhraseError(plain, hints) != plain {
		t.Error("an error without a refusal is returned as it is")
	}
	if PhraseError(&PolicyError{URL: "u", Reason: "never fetched from"}, hints).Error() != "refused to fetch u: never fetched from" {
		t.Error("a refusal without a fix code is returned as it is")
	}
}
