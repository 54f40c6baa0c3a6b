package logs

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/cogscope/cogscope/ui/internal/fakes"
	"github.com/cogscope/cogscope/ui/service"
	"github.com/cogscope/cogscope/ui/theme"
)

// lineOf is the n-th line of a busy tail: three groups, access-log JSON
// and authorizer lines of about 120 bytes, ten a millisecond.
func lineOf(n int) service.LogEvent {
	groups := [...]string{fakes.AuthorizerGroup, fakes.AccessLogGroup, fakes.BackendGroup}
	id := fmt.Sprintf("Rq%08dIAMEbA=", n/3)
	return service.LogEvent{
		Time:  fakes.Now.Add(time.Duration(n) * 100 * time.Microsecond),
		Group: groups[n%3], Stream: "2026/11/26/[$LATEST]a1b2c3", ID: fmt.Sprint(n),
		Message:   fmt.Sprintf(`{"requestId":"%s","routeKey":"GET /private","status":"200","latency":%d,"sub":"8f2c1a4e-6b3d"}`, id, n%97),
		RequestID: id,
	}
}

// full is a view holding n lines, following.
func full(tb testing.TB, n int) Model {
	tb.Helper()
	m := New(theme.New(true, false), fakes.NewLogs(), Options{})
	m.SetSize(120, 36)
	m.running = true
	const batch = 10_000
	for i := 0; i < n; i += batch {
		evs := make([]service.LogEvent, 0, batch)
		for j := i; j < min(i+batch, n); j++ {
			evs = append(evs, lineOf(j))
		}
		m, _ = m.Update(batchMsg{id: m.tailID, events: evs})
	}
	return m
}

// BenchmarkFrame100k draws one frame of the Logs view (120×36) with
// 100,000 lines held: following the newest, scrolled to the middle, and
// filtered by text no line holds (the worst case: every held line is
// looked at). Target ≤ 16 ms.
func BenchmarkFrame100k(b *testing.B) {
	m := full(b, Bound)
	if m.Held() != Bound {
		b.Fatalf("held %d", m.Held())
	}
	b.Run("follow", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = m.View()
		}
	})
	b.Run("middle", func(b *testing.B) {
		mm := m
		mm.follow, mm.top, mm.cursor = false, Bound/2, Bound/2
		b.ReportAllocs()
		for b.Loop() {
			_ = mm.View()
		}
	})
	b.Run("filter_no_match", func(b *testing.B) {
		mm := m
		mm.setFilter("no line holds this")
		b.ReportAllocs()
		for b.Loop() {
			_ = mm.View()
		}
	})
}

// BenchmarkWaitBatchFlood is the wait Cmd taking a backlog of 5,000
// queued updates (a flood that piled up while a frame was drawn) into one
// message (the time taken, not the frame's wait for more). The ms/batch
// metric must stay well inside one frame: target ≤ 16 ms (TestFloodIsBatched asserts the batching itself).
func BenchmarkWaitBatchFlood(b *testing.B) {
	const n = 5000
	updates := make([]service.TailUpdate, n)
	for i := range updates {
		updates[i] = service.TailUpdate{Events: []service.LogEvent{lineOf(i)}}
	}
	b.ReportAllocs()
	var took time.Duration
	for b.Loop() {
		// Closed after the backlog, so the Cmd returns when it has
		// taken it rather than waiting out the frame for more.
		ch := make(chan service.TailUpdate, n)
		for _, u := range updates {
			ch <- u
		}
		close(ch)
		start := time.Now()
		msg := waitCmd(1, ch)().(batchMsg)
		took += time.Since(start)
		if len(msg.events) != n || !msg.closed {
			b.Fatalf("batch of %d, want %d", len(msg.events), n)
		}
	}
	b.ReportMetric(float64(took.Microseconds())/1000/float64(b.N), "ms/batch")
}

// BenchmarkIngest10kPerSecond is one second of a 10,000 events/s tail as
// the program sees it: 60 batches (one a frame) of 167 events, each
// Update followed by one frame drawn. The cpu-% metric is the share of
// one core that second costs. Target ≤ 10 %.
func BenchmarkIngest10kPerSecond(b *testing.B) {
	m := full(b, Bound) // a full ring: every line pushes one out
	const perFrame = 10_000 / 60
	batches := make([][]service.LogEvent, 60)
	n := Bound
	for i := range batches {
		for range perFrame {
			batches[i] = append(batches[i], lineOf(n))
			n++
		}
	}
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		for _, evs := range batches {
			// Fresh times, so each second is newer than the last.
			for j := range evs {
				evs[j].Time = evs[j].Time.Add(time.Second)
				evs[j].ID = fmt.Sprint(n)
				n++
			}
			m, _ = m.Update(batchMsg{id: m.tailID, events: evs})
			_ = m.View()
		}
	}
	perSecond := time.Since(start) / time.Duration(b.N)
	b.ReportMetric(100*perSecond.Seconds(), "cpu-%")
}

// TestHeapAfterAMillionLines ingests 1,000,000 lines and checks that the
// heap stays under the stated bound: the ring holds Bound lines (about
// 112 bytes of entry plus a ~120-byte message each, ~25 MB).
func TestHeapAfterAMillionLines(t *testing.T) {
	if testing.Short() {
		t.Skip("ingests a million lines")
	}
	const limit = 64 << 20
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m := full(t, 1_000_000)
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	grown := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("heap after 1,000,000 lines: %.1f MB held by the view (%d lines held, %d dropped)",
		float64(grown)/(1<<20), m.Held(), m.Dropped())
	if m.Held() != Bound || m.Dropped() != 1_000_000-Bound {
		t.Fatalf("held %d dropped %d", m.Held(), m.Dropped())
	}
	if grown > limit {
		t.Fatalf("the view holds %d MB, over %d MB", grown>>20, limit>>20)
	}
	runtime.KeepAlive(m)
}
