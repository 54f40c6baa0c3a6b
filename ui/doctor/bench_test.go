package doctor

import (
	"fmt"
	"testing"

	"github.com/cogscope/cogscope/ui/internal/fakes"
	"github.com/cogscope/cogscope/ui/service"
)

// BenchmarkChecklist lays out and draws a checklist of every rule for a
// 120-column pane (what a resize or a new report costs), then a redraw
// of the laid-out pane (every frame).
func BenchmarkChecklist(b *testing.B) {
	rep := fakes.DoctorReport()
	for i := range 20 {
		c := rep.Checks[i%len(rep.Checks)]
		c.Subject = fmt.Sprint("GET /route", i)
		rep.Checks = append(rep.Checks, c)
	}
	m := newPane(fakes.NewDoctor())
	m.SetSize(86, 36)
	m, _ = m.Run(service.DoctorRequest{Flow: service.FlowSRP})
	m, _ = m.Update(doctorMsg{id: m.id, report: rep})
	b.Run("layout", func(b *testing.B) {
		for b.Loop() {
			m.lines = nil
			m.layout()
		}
	})
	b.Run("view", func(b *testing.B) {
		m.layout()
		for b.Loop() {
			_ = m.View()
		}
	})
}
