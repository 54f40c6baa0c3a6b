package logtail_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go"
	"github.com/cogscope/cogscope/internal/awsclient"
	"github.com/cogscope/cogscope/internal/local/localtest"
	"github.com/cogscope/cogscope/internal/local/logs"
	"github.com/cogscope/cogscope/internal/logtail"
)

func TestResolveGroups(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	env.Logs.Write("/aws/lambda/auth", "s", time.Now(), "x")
	env.Logs.Write("/aws/lambda/auth-two", "s", time.Now(), "x")
	env.Logs.Write("access", "s", time.Now(), "x")
	c := env.LogsClient()
	got, err := logtail.ResolveGroups(context.Background(), c, []string{"/aws/lambda/auth", env.Logs.GroupARN("access") + ":*", "/aws/lambda/auth"})
	if err != nil {
		t.Fatal(err)
	}
	want := []logtail.Group{{Name: "/aws/lambda/auth", ARN: env.Logs.GroupARN("/aws/lambda/auth")}, {Name: "access", ARN: env.Logs.GroupARN("access")}}
	if !slices.Equal(got, want) {
		t.Fatalf("resolved %+v, want %+v", got, want)
	}
	_, err = logtail.ResolveGroups(context.Background(), c, []string{"/aws/lambda/au"})
	var ug *logtail.UnknownGroupError
	if !errors.As(err, &ug) || ug.Name != "/aws/lambda/au" || !slices.Equal(ug.Existing, []string{"/aws/lambda/auth", "/aws/lambda/auth-two", "access"}) {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "existing groups: /aws/lambda/auth, /aws/lambda/auth-two, access") || !logtail.Permanent(err) {
		t.Fatalf("message %q", err)
	}
	if _, err := logtail.ResolveGroups(context.Background(), c, nil); !errors.Is(err, logtail.ErrNoGroups) {
		t.Fatalf("no groups: %v", err)
	}
}

func TestUnreachableEndpoint(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	c := awsclient.Logs(awsclient.Static("us-east-1", nil), "http://"+addr)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err = logtail.ResolveGroups(ctx, c, []string{"g"})
	if err == nil || !strings.Contains(err.Error(), "describe log group g") || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("err = %v", err)
	}
}

// Without Follow, Tail reads the window once, in timestamp order across
// groups, and fills each event's request id.
func TestTailHistory(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	base := time.Now().Add(-time.Hour)
	env.Logs.Write("a", "s", base, "too early")
	env.Logs.Write("a", "s", base.Add(2*time.Second), "START RequestId: 8f5a0b1e-6c1d-4f6e-9a39-1d2c3b4a5f60 Version: $LATEST\n")
	env.Logs.Write("b", "s", base.Add(3*time.Second), `{"requestId":"Mc7UVioPPHcEKPA=","status":"200"}`)
	env.Logs.Write("a", "s", base.Add(4*time.Second), "plain")
	env.Logs.Write("a", "s", base.Add(9*time.Second), "too late")
	groups, err := logtail.ResolveGroups(context.Background(), env.LogsClient(), []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	var got []logtail.Event
	err = logtail.Tail(context.Background(), env.LogsClient(), logtail.Options{Groups: groups, Since: base.Add(time.Second), Until: base.Add(5 * time.Second)},
		func(e logtail.Event) bool { got = append(got, e); return true })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].RequestID != "8f5a0b1e-6c1d-4f6e-9a39-1d2c3b4a5f60" || got[1].LogGroup != "b" ||
		got[1].RequestID != "Mc7UVioPPHcEKPA=" || got[2].Message != "plain" || got[2].EventID == "" || got[2].LogStream != "s" {
		t.Fatalf("got %+v", got)
	}
}

// Follow uses Live Tail: events written after it started arrive (how fast
// is BenchmarkTailUnderLoad's live lag); the --since window comes first; stopping the
// consumer ends it.
func TestTailFollowLive(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	env.Logs.Write("g", "s", time.Now().Add(-time.Minute), "history")
	groups, _ := logtail.ResolveGroups(context.Background(), env.LogsClient(), []string{"g"})
	c := newCollector()
	runTail(t, env.LogsClient(), logtail.Options{Groups: groups, Follow: true, Since: time.Now().Add(-2 * time.Minute)}, c)
	c.waitFor(t, 30*time.Second, "history", func(evs []logtail.Event) bool { return len(evs) == 1 })
	c.waitNotices(t, 30*time.Second, "the session", func([]logtail.Notice) bool { return c.hasNotice(logtail.NoticeLiveTail) })
	env.Logs.Write("g", "s", time.Now(), "live one")
	c.waitFor(t, 30*time.Second, "the live event", func(evs []logtail.Event) bool { return len(evs) == 2 })
	evs, _ := c.snapshot()
	if evs[1].Message != "live one" || evs[1].EventID != "" || evs[1].LogGroup != "g" {
		t.Fatalf("got %+v", evs)
	}
	if c.hasNotice(logtail.NoticePolling) {
		t.Fatal("fell back to polling against a stack with Live Tail")
	}

	// A consumer that stops reading ends Tail, which closes the session.
	// The event is written once the session has begun (else Live Tail
	// would rightly never show it).
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	done := make(chan error, 1)
	begun := make(chan struct{})
	var once sync.Once
	notify := func(n logtail.Notice) {
		if n.Kind == logtail.NoticeLiveTail {
			once.Do(func() { close(begun) })
		}
	}
	go func() {
		done <- logtail.Tail(ctx, env.LogsClient(), logtail.Options{Groups: groups, Follow: true, Notify: notify}, func(logtail.Event) bool { return false })
	}()
	select {
	case <-begun:
	case err := <-done:
		t.Fatalf("Tail ended before its session began: %v", err)
	}
	env.Logs.Write("g", "s", time.Now(), "stop here")
	if err := <-done; err != nil {
		t.Fatalf("Tail after the consumer stopped: %v", err)
	}
}

// refuseLiveTail answers StartLiveTail with an AWS error, as an account
// without the permission (or an emulator without the operation) does.
func refuseLiveTail(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Amz-Target") == "Logs_20140328.StartLiveTail" {
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"__type":"AccessDeniedException","message":"User is not authorized to perform: logs:StartLiveTail"}`)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func TestTailFallsBackToPolling(t *testing.T) {
	t.Parallel()
	svc := logs.New(logs.Options{})
	svc.Write("g", "s", time.Now().Add(-time.Hour), "old")
	filters := &callCounter{target: "Logs_20140328.FilterLogEvents"}
	c := serve(t, svc, func(h http.Handler) http.Handler { return refuseLiveTail(filters.wrap(h)) })
	groups, err := logtail.ResolveGroups(context.Background(), c, []string{"g"})
	if err != nil {
		t.Fatal(err)
	}
	col := newCollector()
	runTail(t, c, logtail.Options{Groups: groups, Follow: true, PollInterval: 50 * time.Millisecond}, col)
	col.waitNotices(t, 30*time.Second, "polling", func(ns []logtail.Notice) bool { return len(ns) > 0 })
	_, ns := col.snapshot()
	var ae smithy.APIError
	if len(ns) == 0 || ns[0].Kind != logtail.NoticePolling || !errors.As(ns[0].Err, &ae) || ae.ErrorCode() != "AccessDeniedException" {
		t.Fatalf("notices %+v", ns)
	}
	svc.Write("g", "s", time.Now(), "new")
	col.waitFor(t, 30*time.Second, "polled event", func(evs []logtail.Event) bool { return len(evs) == 1 })
	filters.waitRounds(t, 3, "three more polling rounds") // no repeats, no "old"
	evs, _ := col.snapshot()
	exactlyOnce(t, evs, []string{"new"})
}

// cutFilterOnce breaks the connection in the middle of the nth
// FilterLogEvents response body.
func cutFilterOnce(n int64) func(http.Handler) http.Handler {
	var calls atomic.Int64
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("X-Amz-Target") != "Logs_20140328.FilterLogEvents" || calls.Add(1) != n {
				next.ServeHTTP(w, r)
				return
			}
			rec := &bufferWriter{header: http.Header{}}
			next.ServeHTTP(rec, r)
			body := rec.buf
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			w.Header().Set("Content-Length", fmt.Sprint(len(body)))
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(body[:len(body)/2])
			w.(http.Flusher).Flush()
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close()
			}
		})
	}
}

type bufferWriter struct {
	header http.Header
	buf    []byte
}

func (b *bufferWriter) Header() http.Header         { return b.header }
func (b *bufferWriter) WriteHeader(int)             {}
func (b *bufferWriter) Write(p []byte) (int, error) { b.buf = append(b.buf, p...); return len(p), nil }

// The polling cursor: 10,000 events in one millisecond across pages, a
// connection dropped mid-page, and late events — each delivered once.
func TestPollingCursorExactlyOnce(t *testing.T) {
	t.Parallel()
	svc := logs.New(logs.Options{})
	filters := &callCounter{target: "Logs_20140328.FilterLogEvents"}
	c := serve(t, svc, func(h http.Handler) http.Handler { return cutFilterOnce(3)(filters.wrap(h)) })
	svc.Write("g", "s", time.Now().Add(-time.Hour), "before")
	groups, err := logtail.ResolveGroups(context.Background(), c, []string{"g"})
	if err != nil {
		t.Fatal(err)
	}
	col := newCollector()
	runTail(t, c, logtail.Options{Groups: groups, Follow: true, Poll: true, Since: time.Now().Add(-time.Minute),
		PollInterval: 30 * time.Millisecond, Overlap: 3 * time.Second, MaxBackoff: 50 * time.Millisecond}, col)

	ts := time.Now()
	pad := strings.Repeat("p", 200) // 10,000 × 226 bytes: three 1 MB pages
	var want []string
	for i := range 10_000 {
		m := fmt.Sprintf("same-ms %05d %s", i, pad)
		want = append(want, m)
		svc.Write("g", fmt.Sprint("s", i%4), ts, m)
	}
	col.waitFor(t, 60*time.Second, "10,000 events", func(evs []logtail.Event) bool { return len(evs) >= 10_000 })
	// Late events: older than the newest seen, within the overlap.
	for i := range 5 {
		m := fmt.Sprint("late ", i)
		want = append(want, m)
		svc.Write("g", "s9", ts.Add(-time.Duration(i+1)*300*time.Millisecond), m)
	}
	col.waitFor(t, 60*time.Second, "late events", func(evs []logtail.Event) bool { return len(evs) >= 10_005 })
	filters.waitRounds(t, 3, "three more polling rounds") // no repeats
	evs, _ := col.snapshot()
	exactlyOnce(t, evs, want)
	if !col.hasNotice(logtail.NoticeRetry) {
		t.Fatal("the cut page was not retried (no NoticeRetry)")
	}
}

// At the session cap (SessionTimeoutException) Tail reconnects, says so,
// and loses nothing written while it reconnected. Nothing here counts on
// the machine's speed: events are written until Tail has reconnected at
// the cap three times, and duplicates are looked for once two more
// catch-ups (each rereads the last Overlap) have come after the last one.
func TestTailReconnectsAtTheCap(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	// A second before the tail, as in TestTailDroppedStream: a catch-up
	// starts at the millisecond the tail began, inclusive.
	env.Logs.Write("g", "s", time.Now().Add(-time.Second), "x")
	env.Logs.SetLiveTailLimits(0, 500*time.Millisecond)
	groups, _ := logtail.ResolveGroups(context.Background(), env.LogsClient(), []string{"g"})
	col := newCollector()
	runTail(t, env.LogsClient(), logtail.Options{Groups: groups, Follow: true, Overlap: 2 * time.Second}, col)
	col.waitNotices(t, 30*time.Second, "the first session", func([]logtail.Notice) bool { return col.hasNotice(logtail.NoticeLiveTail) })
	timeouts := func() int {
		_, ns := col.snapshot()
		n := 0
		for _, x := range ns {
			var te *types.SessionTimeoutException
			if x.Kind == logtail.NoticeReconnect && errors.As(x.Err, &te) {
				n++
			}
		}
		return n
	}
	var want []string
	deadline := time.Now().Add(60 * time.Second)
	for i := 0; timeouts() < 3; i++ { // some in sessions, some between them
		if time.Now().After(deadline) {
			_, ns := col.snapshot()
			t.Fatalf("%d reconnects at the cap in 60 s; notices %+v", timeouts(), ns)
		}
		m := fmt.Sprint("ev ", i)
		want = append(want, m)
		env.Logs.Write("g", "s", time.Now(), m)
		time.Sleep(20 * time.Millisecond)
	}
	col.waitFor(t, 30*time.Second, "all events", func(evs []logtail.Event) bool { return len(evs) >= len(want) })
	caught := col.count(logtail.NoticeCatchUp)
	col.waitNotices(t, 30*time.Second, "two more catch-ups", func([]logtail.Notice) bool { return col.count(logtail.NoticeCatchUp) >= caught+2 })
	evs, ns := col.snapshot()
	exactlyOnce(t, evs, want)
	for _, n := range ns {
		var te *types.SessionTimeoutException
		if n.Kind == logtail.NoticeReconnect && !errors.As(n.Err, &te) {
			t.Errorf("a reconnect for another reason than the cap: %+v", n)
		}
	}
}

// dropLiveTailOnce cuts the first Live Tail connection after n bytes, in
// the middle of an event-stream message.
func dropLiveTailOnce(n int) func(http.Handler) http.Handler {
	var done atomic.Bool
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("X-Amz-Target") != "Logs_20140328.StartLiveTail" || done.Swap(true) {
				next.ServeHTTP(w, r)
				return
			}
			next.ServeHTTP(&cuttingWriter{ResponseWriter: w, left: n}, r)
		})
	}
}

type cuttingWriter struct {
	http.ResponseWriter
	left int
	cut  bool
}

func (c *cuttingWriter) Write(p []byte) (int, error) {
	if c.cut {
		return 0, errors.New("cut")
	}
	if len(p) <= c.left {
		c.left -= len(p)
		return c.ResponseWriter.Write(p)
	}
	_, _ = c.ResponseWriter.Write(p[:c.left])
	c.ResponseWriter.(http.Flusher).Flush()
	c.cut = true
	if conn, _, err := http.NewResponseController(c.ResponseWriter).Hijack(); err == nil {
		conn.Close()
	}
	return 0, errors.New("cut")
}

func (c *cuttingWriter) Flush() {
	if !c.cut {
		c.ResponseWriter.(http.Flusher).Flush()
	}
}

func (c *cuttingWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// A stream that drops mid-event: Tail reconnects, says so, loses nothing.
func TestTailDroppedStream(t *testing.T) {
	t.Parallel()
	svc := logs.New(logs.Options{})
	// A second before the tail: the reconnect's catch-up starts at the
	// millisecond the tail began, inclusive (an event of that millisecond
	// may have come after), so an event written in the same millisecond
	// would rightly be delivered.
	svc.Write("g", "s", time.Now().Add(-time.Second), "x")
	c := serve(t, svc, dropLiveTailOnce(400))
	groups, _ := logtail.ResolveGroups(context.Background(), c, []string{"g"})
	col := newCollector()
	runTail(t, c, logtail.Options{Groups: groups, Follow: true, MaxBackoff: 100 * time.Millisecond}, col)
	col.waitNotices(t, 30*time.Second, "the first session", func([]logtail.Notice) bool { return col.hasNotice(logtail.NoticeLiveTail) })
	var want []string
	for i := range 20 {
		m := fmt.Sprintf("event %02d with some length to cross the cut", i)
		want = append(want, m)
		svc.Write("g", "s", time.Now(), m)
		time.Sleep(30 * time.Millisecond)
	}
	col.waitFor(t, 30*time.Second, "all events", func(evs []logtail.Event) bool { return len(evs) >= len(want) })
	// Duplicates would come from the reconnect's catch-up beside the live
	// session: once it is over, a last event that arrives live comes after
	// anything either could still deliver.
	col.waitNotices(t, 30*time.Second, "the catch-up", func([]logtail.Notice) bool { return col.hasNotice(logtail.NoticeCatchUp) })
	want = append(want, "the last")
	svc.Write("g", "s", time.Now(), "the last")
	col.waitFor(t, 30*time.Second, "the last event", func(evs []logtail.Event) bool { return len(evs) >= len(want) })
	evs, ns := col.snapshot()
	exactlyOnce(t, evs, want)
	reconnected := false
	for _, n := range ns {
		reconnected = reconnected || n.Kind == logtail.NoticeReconnect && n.Err != nil
	}
	if !reconnected {
		t.Fatalf("no reconnect notice: %+v", ns)
	}
}

// corruptLiveTail sends a valid initial-response and sessionStart, then an
// update whose message CRC is wrong.
func corruptLiveTail(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Amz-Target") != "Logs_20140328.StartLiveTail" {
			next.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(&corruptingWriter{ResponseWriter: w}, r)
	})
}

// corruptingWriter flips the last byte (the message CRC) of the third
// message the service writes.
type corruptingWriter struct {
	http.ResponseWriter
	n int
}

func (c *corruptingWriter) Write(p []byte) (int, error) {
	c.n++
	if c.n == 3 {
		q := append([]byte(nil), p...)
		q[len(q)-1] ^= 0xff
		return c.ResponseWriter.Write(q)
	}
	return c.ResponseWriter.Write(p)
}

func (c *corruptingWriter) Flush()                      { c.ResponseWriter.(http.Flusher).Flush() }
func (c *corruptingWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// A corrupted event-stream frame is a clear error, not a hang: the SDK
// stream ends with a checksum error, and Tail says so and reconnects (and
// gives up after MaxFailures).
func TestCorruptedFrame(t *testing.T) {
	t.Parallel()
	svc := logs.New(logs.Options{})
	svc.Write("g", "s", time.Now(), "x")
	c := serve(t, svc, corruptLiveTail)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := c.StartLiveTail(ctx, &cwl.StartLiveTailInput{LogGroupIdentifiers: []string{svc.GroupARN("g")}})
	if err != nil {
		t.Fatal(err)
	}
	st := out.GetStream()
	go func() { time.Sleep(100 * time.Millisecond); svc.Write("g", "s", time.Now(), "y") }()
	for range st.Events() {
	}
	if err := st.Err(); err == nil || !strings.Contains(err.Error(), "checksum") {
		t.Fatalf("stream error = %v, want a checksum mismatch", err)
	}
	st.Close()

	groups, _ := logtail.ResolveGroups(ctx, c, []string{"g"})
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
				svc.Write("g", "s", time.Now(), "tick")
			}
		}
	}()
	defer close(stop)
	col := newCollector()
	opts := logtail.Options{Groups: groups, Follow: true, MaxBackoff: 20 * time.Millisecond, MaxFailures: 2, Notify: col.notify}
	err = logtail.Tail(ctx, c, opts, col.yield)
	if err == nil || !strings.Contains(err.Error(), "checksum") || ctx.Err() != nil {
		t.Fatalf("Tail = %v (ctx %v)", err, ctx.Err())
	}
	if !col.hasNotice(logtail.NoticeReconnect) {
		t.Fatal("no reconnect notice before giving up")
	}
}

// An invalid filter pattern is AWS's InvalidParameterException, at once.
func TestTailInvalidPattern(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	env.Logs.Write("g", "s", time.Now(), "x")
	groups, _ := logtail.ResolveGroups(context.Background(), env.LogsClient(), []string{"g"})
	for _, follow := range []bool{false, true} {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := logtail.Tail(ctx, env.LogsClient(), logtail.Options{Groups: groups, Filter: `{ $.a = `, Follow: follow, Poll: follow},
			func(logtail.Event) bool { return true })
		cancel()
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidParameterException" || !strings.Contains(ae.ErrorMessage(), "Invalid filter pattern") {
			t.Fatalf("follow=%v: err = %v", follow, err)
		}
	}
	_ = aws.String
}

// Start delivers through channels and ends when its context does.
func TestStartStream(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	env.Logs.Write("g", "app-1", time.Now(), "x")
	env.Logs.Write("h", "app-1", time.Now(), "x")
	groups, _ := logtail.ResolveGroups(context.Background(), env.LogsClient(), []string{"g", "h"})
	ctx, cancel := context.WithCancel(context.Background())
	s := logtail.Start(ctx, env.LogsClient(), logtail.Options{Groups: groups, Follow: true, StreamPrefix: "app-", PollInterval: 50 * time.Millisecond})
	// A stream prefix over two groups is not something Live Tail does.
	select {
	case n := <-s.Notices:
		if n.Kind != logtail.NoticePolling || n.Err == nil {
			t.Fatalf("first notice %+v", n)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no notice")
	}
	env.Logs.Write("h", "other", time.Now(), "not this stream")
	env.Logs.Write("h", "app-2", time.Now(), "this one")
	select {
	case e := <-s.Events:
		if e.Message != "this one" || e.LogGroup != "h" {
			t.Fatalf("event %+v", e)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no event")
	}
	cancel()
	for range s.Events {
	}
	if err := <-s.Done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Done = %v", err)
	}
}
