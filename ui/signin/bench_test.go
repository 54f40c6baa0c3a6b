package signin

import (
	"testing"

	"github.com/cogscope/cogscope/ui/internal/fakes"
	"github.com/cogscope/cogscope/ui/service"
	"github.com/cogscope/cogscope/ui/theme"
)

// BenchmarkTraceStep is one step of a streaming sign-in: the event's
// Update (trace re-rendered, diagram extended) and the frame after it, with
// the SRP trace of a real sign-in growing to 24 steps.
func BenchmarkTraceStep(b *testing.B) {
	base := New(theme.New(true, false), &fakes.SignIn{}, fakes.Target())
	base.SetSize(120, 36)
	base.runID, base.phase, base.ran = 1, phaseRunning, menu[0]
	base.run = &fakes.Run{}
	steps := fakes.SRPSteps()
	b.ReportAllocs()
	for b.Loop() {
		m := base
		m.steps = nil
		for i := range 24 {
			s := steps[i%len(steps)]
			s.Index = i + 1
			m, _ = m.Update(runEventMsg{id: 1, ev: service.Event{Step: &s}})
			_ = m.View()
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/24/1e6, "ms/step")
}
