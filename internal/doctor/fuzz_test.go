package doctor_test

import (
	"testing"

	"github.com/cogscope/cogscope/internal/doctor"
)

// FuzzExplain: any paste gets an answer, never a panic; a best match is
// a real entry with a cause.
func FuzzExplain(f *testing.F) {
	for _, s := range pasted {
		f.Add(s)
	}
	f.Add("")
	f.Add(`{"__type":`)
	f.Add("c99")
	f.Fuzz(func(t *testing.T, text string) {
		x := doctor.Explain(text)
		if x.Best != nil {
			if _, ok := doctor.EntryByID(x.Best.ID); !ok || x.Best.Cause == "" {
				t.Errorf("best %+v", x.Best)
			}
		}
		if x.Ambiguous && (x.Best != nil || len(x.Candidates) < 2) {
			t.Errorf("ambiguous with best %v and %d candidates", x.Best, len(x.Candidates))
		}

	})
}
