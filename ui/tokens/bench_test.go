package tokens

import (
	"testing"
	"time"

	"github.com/cogscope/cogscope/ui/common"
	"github.com/cogscope/cogscope/ui/internal/fakes"
	"github.com/cogscope/cogscope/ui/theme"
)

// BenchmarkTick is one second of the countdown: the tick's Update and the
// view it redraws (the whole Tokens view at 120×36, access-token report).
func BenchmarkTick(b *testing.B) {
	now := fakes.Now
	m := New(theme.New(true, false), fakes.NewTokens(), func() time.Time { return now })
	m.SetSize(120, 36)
	m, _ = m.Update(common.SessionMsg{Tokens: fakes.Session()})
	m, _ = m.Update(inspectedMsg{tab: tabAccess, id: m.slots[tabAccess].gen, verified: true, report: fakes.AccessReport()})
	b.ReportAllocs()
	for b.Loop() {
		now = now.Add(time.Second)
		m, _ = m.Update(tickMsg{id: m.tickID})
		_ = m.View()
	}
}
