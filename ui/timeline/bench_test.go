package timeline

import (
	"fmt"
	"testing"
	"time"

	"github.com/cogscope/cogscope/ui/internal/fakes"
	"github.com/cogscope/cogscope/ui/service"
)

// full is a timeline holding as much as it may: Bound calls, LineBound
// lines spread over them.
func full(b *testing.B) Model {
	b.Helper()
	m := newModel(Options{})
	m.SetSize(160, 50)
	per := LineBound / Bound
	for i := range Bound {
		id := fmt.Sprintf("R%d", i)
		evs := make([]service.LogEvent, per)
		for j := range evs {
			evs[j] = line(fmt.Sprintf("%d-%d", i, j), id, `{"requestId":"`+id+`","status":"200"}`, fakes.Now.Add(time.Duration(i)*time.Second))
		}
		m = send(m, call(i, "/p", 200, id), recorded{{Logs: evs}})
	}
	if len(m.rows) != Bound+LineBound {
		b.Fatalf("%d rows, want %d", len(m.rows), Bound+LineBound)
	}
	return m
}

// One frame's batch of 100 log lines (of the newest call) into a full
// timeline: what a busy tail costs the timeline per frame.
func BenchmarkIngestBatchFull(b *testing.B) {
	m := full(b)
	batch := make(recorded, 1)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		evs := make([]service.LogEvent, 100)
		for j := range evs {
			evs[j] = line(fmt.Sprintf("x%d-%d", i, j), fmt.Sprintf("R%d", Bound-1), "line", fakes.Now)
		}
		batch[0] = service.Record{Logs: evs}
		m, _ = m.Update(batch)
	}
}

// A frame of a full timeline with the detail of a call beside the list.
func BenchmarkViewFull(b *testing.B) {
	m := full(b)
	m = send(m, press("up"))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}

// One frame's batch of 100 lines of requests no call of the session made
// (a busy API's other traffic, through the Logs view's tail): what the
// timeline pays for lines it does not list.
func BenchmarkIngestOtherTrafficFull(b *testing.B) {
	m := full(b)
	batch := make(recorded, 1)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		evs := make([]service.LogEvent, 100)
		for j := range evs {
			id := fmt.Sprintf("other%d-%d", i, j)
			evs[j] = line(id, id, "line", fakes.Now)
		}
		batch[0] = service.Record{Logs: evs}
		m, _ = m.Update(batch)
	}
}
