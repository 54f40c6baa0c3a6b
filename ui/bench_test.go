package ui

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/cogscope/cogscope/ui/common"
	"github.com/cogscope/cogscope/ui/internal/fakes"
	"github.com/cogscope/cogscope/ui/service"
)

// BenchmarkTokensFrame renders one whole frame of the Tokens view (header,
// tabs, lifetime bar, claims and checks of a real-shaped access-token
// report, footer) at 120×40: what the countdown redraws every second.
// Target ≤ 2 ms.
func BenchmarkTokensFrame(b *testing.B) {
	d := newDriver(b, Options{Target: fakes.Target(), SignIn: fakes.NewSignIn(), Tokens: fakes.NewTokens()}, 120, 40)
	d.Send(common.SessionMsg{Tokens: fakes.Session()})
	d.Settle()
	d.keys("2")
	if d.M.Busy() {
		b.Fatal("still inspecting")
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = d.M.View()
	}
}

// BenchmarkFirstFrame is the console's own share of its first frame: New
// with every view, the terminal's size, and the frame drawn at 120×40 for
// a target whose local stack is still starting (what `cogscope` with no
// configuration shows first). The process's start (package inits, the
// command tree) is measured by internal/e2e/firstframe.
func BenchmarkFirstFrame(b *testing.B) {
	initial := fakes.Target()
	initial.Kind, initial.Endpoint = service.TargetLocal, ""
	logs := fakes.NewLogs()
	o := Options{Target: initial, SignIn: fakes.NewSignIn(), Tokens: fakes.NewTokens(), API: fakes.NewAPI(logs), Logs: logs,
		Now: fakes.Clock, Connect: func(context.Context) (service.Target, error) { return fakes.Target(), nil }}
	b.ReportAllocs()
	for b.Loop() {
		m, _ := New(o).Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		if v := m.(Model).render(); !strings.Contains(v, "Trace") {
			b.Fatalf("no first frame:\n%s", v)
		}
	}
}
