package logtail_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/cogscope/cogscope/internal/local/localtest"
	"github.com/cogscope/cogscope/internal/logtail"
)

// benchEnv reads an integer knob of the load benchmark.
func benchEnv(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// lagRecorder is one tailer's view of the load: what arrived, when.
type lagRecorder struct {
	mu      sync.Mutex
	lags    []time.Duration
	lastSeq map[string]int
	seen    map[string]bool
	dups    int
	order   int // events that arrived before an earlier one of their stream
}

func newLagRecorder() *lagRecorder {
	return &lagRecorder{lastSeq: map[string]int{}, seen: map[string]bool{}}
}

// yield takes "<stream> <seq> <unix nanos written>" messages.
func (r *lagRecorder) yield(e logtail.Event) bool {
	now := time.Now()
	f := strings.Fields(e.Message)
	if len(f) != 3 {
		return true
	}
	seq, _ := strconv.Atoi(f[1])
	written, _ := strconv.ParseInt(f[2], 10, 64)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen[e.Message] {
		r.dups++
		return true
	}
	r.seen[e.Message] = true
	if last, ok := r.lastSeq[f[0]]; ok && seq < last {
		r.order++
	}
	r.lastSeq[f[0]] = seq
	r.lags = append(r.lags, now.Sub(time.Unix(0, written)))
	return true
}

func (r *lagRecorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.seen)
}

func pct(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(float64(len(sorted))*p))]
}

// BenchmarkTailUnderLoad writes RATE events/s for SECONDS seconds through
// PutLogEvents (4 streams, a batch per stream every 100 ms) while two
// tailers follow the group, one by Live Tail and one by polling, and checks
// that each got every event once, in order per stream. It reports the
// write rate and each tailer's end-to-end lag (PutLogEvents call → yield).
// The default is short for `go test -bench`; the full run of the issue is
//
//	COGSCOPE_BENCH_RATE=10000 COGSCOPE_BENCH_SECONDS=10 go test -run '^$' \
//	  -bench TailUnderLoad -benchtime 1x ./internal/logtail/
func BenchmarkTailUnderLoad(b *testing.B) {
	rate := benchEnv("COGSCOPE_BENCH_RATE", 10_000)
	seconds := benchEnv("COGSCOPE_BENCH_SECONDS", 2)
	const streams = 4
	for range b.N {
		env := localtest.Start(b)
		env.Logs.SetLiveTailLimits(-1, 0) // measure the pipeline, not AWS's 500/s sampling
		c := env.LogsClient()
		ctx := context.Background()
		if _, err := c.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String("load")}); err != nil {
			b.Fatal(err)
		}
		for s := range streams {
			if _, err := c.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String("load"), LogStreamName: aws.String(fmt.Sprint("s", s))}); err != nil {
				b.Fatal(err)
			}
		}
		groups, err := logtail.ResolveGroups(ctx, c, []string{"load"})
		if err != nil {
			b.Fatal(err)
		}
		live, poll := newLagRecorder(), newLagRecorder()
		tctx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		var liveStarted sync.WaitGroup
		liveStarted.Add(1)
		var once sync.Once
		for _, tc := range []struct {
			rec  *lagRecorder
			opts logtail.Options
		}{
			{live, logtail.Options{Groups: groups, Follow: true, Notify: func(n logtail.Notice) {
				if n.Kind == logtail.NoticeLiveTail {
					once.Do(liveStarted.Done)
				}
				if n.Kind == logtail.NoticePolling || n.Kind == logtail.NoticeSampled || n.Kind == logtail.NoticeReconnect {
					b.Errorf("live tailer: notice %+v", n)
				}
			}}},
			{poll, logtail.Options{Groups: groups, Follow: true, Poll: true, Since: time.Now(), PollInterval: 250 * time.Millisecond, Overlap: time.Second}},
		} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := logtail.Tail(tctx, c, tc.opts, tc.rec.yield); err != nil && tctx.Err() == nil {
					b.Errorf("Tail: %v", err)
				}
			}()
		}
		liveStarted.Wait()

		total := rate * seconds
		perBatch := rate / 10 / streams
		b.ResetTimer()
		start := time.Now()
		tick := time.NewTicker(100 * time.Millisecond)
		written := 0
		for written < total {
			<-tick.C
			var pw sync.WaitGroup
			for s := range streams {
				evs := make([]types.InputLogEvent, 0, perBatch)
				now := time.Now()
				for i := range perBatch {
					seq := written/streams + i
					evs = append(evs, types.InputLogEvent{Timestamp: aws.Int64(now.UnixMilli()),
						Message: aws.String(fmt.Sprintf("s%d %d %d", s, seq, now.UnixNano()))})
				}
				pw.Add(1)
				go func() {
					defer pw.Done()
					if _, err := c.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: aws.String("load"),
						LogStreamName: aws.String(fmt.Sprint("s", s)), LogEvents: evs}); err != nil {
						b.Errorf("PutLogEvents: %v", err)
					}
				}()
			}
			pw.Wait()
			written += perBatch * streams
		}
		tick.Stop()
		writeTook := time.Since(start)
		deadline := time.Now().Add(15 * time.Second)
		for (live.count() < written || poll.count() < written) && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		b.StopTimer()
		cancel()
		wg.Wait()
		for name, r := range map[string]*lagRecorder{"live": live, "poll": poll} {
			r.mu.Lock()
			slices.Sort(r.lags)
			if len(r.seen) != written || r.dups != 0 || r.order != 0 {
				b.Errorf("%s: %d of %d events, %d duplicates, %d out of order", name, len(r.seen), written, r.dups, r.order)
			}
			b.ReportMetric(float64(pct(r.lags, 0.5).Milliseconds()), name+"-lag-p50-ms")
			b.ReportMetric(float64(pct(r.lags, 0.99).Milliseconds()), name+"-lag-p99-ms")
			b.ReportMetric(float64(pct(r.lags, 1).Milliseconds()), name+"-lag-max-ms")
			r.mu.Unlock()
		}
		b.ReportMetric(float64(written)/writeTook.Seconds(), "events/s")
		b.ReportMetric(float64(written), "events")
		if d := env.Logs.Dropped("load"); d > 0 {
			b.Logf("the group's memory bound dropped %d events (cap %d)", d, env.Logs.MaxEventsPerGroup())
		}
	}
}
