package ui

import (
	"testing"

	"github.com/cogscope/cogscope/ui/common"
	"github.com/cogscope/cogscope/ui/internal/fakes"
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
