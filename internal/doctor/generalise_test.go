package doctor

import (
	"slices"
	"testing"
)

func TestGeneralises(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		general, specific string
		want              bool
	}{
		{`401 {"message":"Unauthorized"}`, `401 {"message":"Unauthorized"}, www-authenticate: Bearer scope="" error="invalid_token"`, true},
		{`a="‹x›" b`, `a="the token" b`, true},
		{`a="‹x›" b`, `a="the token" c`, false},
		{`403 … not a valid`, `403 {"message":"'x' not a valid key`, true},
		{`b … a`, `a then b`, false}, // the fixed parts in their order
		{`a ‹unclosed`, `a then anything`, true},
		{`‹only varies›`, `anything`, true},
		{`401 x`, `403 x`, false},
	} {
		if got := generalises(tc.general, tc.specific); got != tc.want {
			t.Errorf("generalises(%q, %q) = %v, want %v", tc.general, tc.specific, got, tc.want)
		}
	}
}

// The relation is strict: no entry generalises itself or an entry that
// generalises it, so ranking by it settles.
func TestGeneralisationsAreStrict(t *testing.T) {
	t.Parallel()
	g := generalisations()
	if len(g) == 0 {
		t.Fatal("no entry generalises another: the explain table's exact errors lost the gateway's bodies")
	}
	for specific, generals := range g {
		for _, general := range generals {
			if general == specific || slices.Contains(g[general], specific) {
				t.Errorf("%s and %s generalise each other", specific, general)
			}
		}
	}
}
