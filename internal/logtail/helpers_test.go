package logtail_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/cogscope/cogscope/internal/awsclient"
	"github.com/cogscope/cogscope/internal/local/logs"
	"github.com/cogscope/cogscope/internal/logtail"
)

// serve puts a Logs service behind wrap (nil: none) on a loopback server
// and returns a client for it.
func serve(t *testing.T, svc *logs.Service, wrap func(http.Handler) http.Handler) *cwl.Client {
	t.Helper()
	var h http.Handler = svc
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return awsclient.Logs(awsclient.Static("us-east-1", nil), srv.URL)
}

// collector gathers what Tail yields and the notices it sends.
type collector struct {
	mu      sync.Mutex
	events  []logtail.Event
	notices []logtail.Notice
	arrived chan struct{}
}

func newCollector() *collector { return &collector{arrived: make(chan struct{}, 1)} }

func (c *collector) yield(e logtail.Event) bool {
	c.mu.Lock()
	c.events = append(c.events, e)
	c.mu.Unlock()
	select {
	case c.arrived <- struct{}{}:
	default:
	}
	return true
}

func (c *collector) notify(n logtail.Notice) {
	c.mu.Lock()
	c.notices = append(c.notices, n)
	c.mu.Unlock()
}

func (c *collector) snapshot() ([]logtail.Event, []logtail.Notice) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]logtail.Event(nil), c.events...), append([]logtail.Notice(nil), c.notices...)
}

// waitFor waits until cond holds over the events, or fails after d.
func (c *collector) waitFor(t *testing.T, d time.Duration, what string, cond func([]logtail.Event) bool) {
	t.Helper()
	deadline := time.After(d)
	for {
		evs, _ := c.snapshot()
		if cond(evs) {
			return
		}
		select {
		case <-c.arrived:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			evs, ns := c.snapshot()
			t.Fatalf("%s: not within %v (%d events; notices %+v)", what, d, len(evs), ns)
		}
	}
}

func (c *collector) hasNotice(k logtail.NoticeKind) bool {
	_, ns := c.snapshot()
	for _, n := range ns {
		if n.Kind == k {
			return true
		}
	}
	return false
}

// runTail runs Tail in the background until the test ends.
func runTail(t *testing.T, api logtail.API, opts logtail.Options, c *collector) <-chan error {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	opts.Notify = c.notify
	go func() { done <- logtail.Tail(ctx, api, opts, c.yield) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("Tail did not stop within 5s of its context ending")
		}
	})
	return done
}

// exactlyOnce checks that every message in want arrived once and nothing else.
func exactlyOnce(t *testing.T, evs []logtail.Event, want []string) {
	t.Helper()
	count := map[string]int{}
	for _, e := range evs {
		count[e.Message]++
	}
	for _, m := range want {
		if count[m] != 1 {
			t.Fatalf("%q delivered %d times (of %d events)", m, count[m], len(evs))
		}
		delete(count, m)
	}
	for m, n := range count {
		t.Fatalf("unexpected %q delivered %d times", m, n)
	}
}

// waitNotices waits until cond holds over the notices, or fails after d
// (a guard against a hang, not a speed target).
func (c *collector) waitNotices(t *testing.T, d time.Duration, what string, cond func([]logtail.Notice) bool) {
	t.Helper()
	waitUntil(t, d, what, func() bool {
		_, ns := c.snapshot()
		return cond(ns)
	}, c.snapshot)
}

// count is how many notices of kind k the collector holds.
func (c *collector) count(k logtail.NoticeKind) int {
	_, ns := c.snapshot()
	n := 0
	for _, x := range ns {
		if x.Kind == k {
			n++
		}
	}
	return n
}

// waitUntil polls cond until it holds, or fails after d, saying what the
// collector (if any) holds.
func waitUntil(t *testing.T, d time.Duration, what string, cond func() bool, state func() ([]logtail.Event, []logtail.Notice)) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			if state != nil {
				evs, ns := state()
				t.Fatalf("%s: not within %v (%d events; notices %+v)", what, d, len(evs), ns)
			}
			t.Fatalf("%s: not within %v", what, d)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// callCounter counts the requests of one operation the service answered,
// so that a test can wait for rounds of polling rather than for time.
type callCounter struct {
	target string // X-Amz-Target, e.g. Logs_20140328.FilterLogEvents
	n      atomic.Int64
}

func (c *callCounter) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r)
		if r.Header.Get("X-Amz-Target") == c.target {
			c.n.Add(1)
		}
	})
}

// waitRounds waits until n more requests than now were answered.
func (c *callCounter) waitRounds(t *testing.T, n int64, what string) {
	t.Helper()
	from := c.n.Load()
	waitUntil(t, 30*time.Second, what, func() bool { return c.n.Load() >= from+n }, nil)
}
