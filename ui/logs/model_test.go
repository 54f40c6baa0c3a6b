package logs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/cogscope/cogscope/ui/common"
	"github.com/cogscope/cogscope/ui/internal/fakes"
	"github.com/cogscope/cogscope/ui/internal/teststep"
	"github.com/cogscope/cogscope/ui/service"
	"github.com/cogscope/cogscope/ui/theme"
)

func forRoot(msg tea.Msg) bool {
	_, ok := msg.(common.StatusMsg)
	return ok
}

// newView is the full Logs view on a fake service, its backlog held.
func newView(t *testing.T, svc *fakes.Logs, o Options) *teststep.Driver[Model] {
	t.Helper()
	m := New(theme.New(true, false), svc, o)
	m.SetSize(100, 30)
	d := teststep.New(t, m, Model.Update, forRoot)
	d.Do(m.Init())
	d.Until(func(m Model) bool { return m.status.Mode != "" && m.Held() >= len(svc.Backlog) })
	return d
}

func event(n int, group, msg string) service.LogEvent {
	return service.LogEvent{Time: fakes.Now.Add(time.Duration(n) * time.Millisecond), Group: group, Stream: "s",
		ID: fmt.Sprint("e", n), Message: msg}
}

func screen(m Model) string { return ansi.Strip(m.View()) }

func TestTailInterleavesGroupsByTime(t *testing.T) {
	t.Parallel()
	svc := fakes.NewLogs()
	d := newView(t, svc, Options{})
	// The access log's batch arrives after the authorizer's, with an
	// older line in it.
	svc.Emit(event(30, fakes.AuthorizerGroup, "authorizer late"), event(40, fakes.AuthorizerGroup, "authorizer last"))
	svc.Emit(event(20, fakes.AccessLogGroup, "access early"))
	d.Until(func(m Model) bool { return m.Held() == 3 })
	var got []string
	for abs := d.M.lines.dropped; abs < d.M.lines.total(); abs++ {
		got = append(got, d.M.lines.at(abs).ev.Message)
	}
	if want := "access early,authorizer late,authorizer last"; strings.Join(got, ",") != want {
		t.Fatalf("held %v, want %s", got, want)
	}
	if groups := svc.Requests()[0].Groups; len(groups) != 3 {
		t.Fatalf("the view follows the service's groups, got %v", groups)
	}
	v := screen(d.M)
	for _, want := range []string{"Live Tail", "3 held of 100,000", "demo-authorizer", "demo-http/access", "access early"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
}

func TestPauseCountsWaitingLinesAndResumes(t *testing.T) {
	t.Parallel()
	svc := fakes.NewLogs()
	d := newView(t, svc, Options{})
	svc.Emit(event(1, fakes.AccessLogGroup, "before pause"))
	d.Until(func(m Model) bool { return m.Held() == 1 })
	d.Keys(" ")
	if !d.M.Paused() {
		t.Fatal("space pauses")
	}
	svc.Emit(event(2, fakes.AccessLogGroup, "while paused 1"), event(3, fakes.AccessLogGroup, "while paused 2"))
	d.Until(func(m Model) bool { return m.Held() == 3 })
	if d.M.Waiting() != 2 {
		t.Fatalf("waiting %d, want 2", d.M.Waiting())
	}
	v := screen(d.M)
	if strings.Contains(v, "while paused") || !strings.Contains(v, "paused: 2 waiting") || !strings.Contains(v, "before pause") {
		t.Fatalf("paused view shows what waits, or does not say so:\n%s", v)
	}
	d.Keys(" ")
	if d.M.Paused() || !strings.Contains(screen(d.M), "while paused 2") {
		t.Fatalf("space resumes and shows the waiting lines:\n%s", screen(d.M))
	}
}

func TestFilterNarrowsHeldLinesAndSaysSo(t *testing.T) {
	t.Parallel()
	svc := fakes.NewLogs()
	d := newView(t, svc, Options{})
	svc.Emit(event(1, fakes.AccessLogGroup, `{"status":"200"}`), event(2, fakes.AccessLogGroup, `{"status":"403"}`),
		event(3, fakes.AuthorizerGroup, "DENY scope"))
	d.Until(func(m Model) bool { return m.Held() == 3 })
	d.Keys("/")
	if !d.M.Typing() {
		t.Fatal("/ opens the filter box")
	}
	d.Type("403")
	d.Keys("enter")
	v := screen(d.M)
	if !strings.Contains(v, `{"status":"403"}`) || strings.Contains(v, `{"status":"200"}`) || strings.Contains(v, "DENY") {
		t.Fatalf("filter 403 shows only that line:\n%s", v)
	}
	if !strings.Contains(v, `filter "403" (held lines)`) {
		t.Fatalf("the status says the filter works on the held lines:\n%s", v)
	}
	// Case does not matter; the service is not asked again.
	d.Keys("/", "ctrl+u")
	d.Type("deny")
	d.Keys("enter")
	if v := screen(d.M); !strings.Contains(v, "DENY scope") || strings.Contains(v, "403") {
		t.Fatalf("filter deny:\n%s", v)
	}
	if n := len(svc.Requests()); n != 1 {
		t.Fatalf("a filter of held lines started %d tails", n)
	}
	d.Keys("esc")
	if v := screen(d.M); !strings.Contains(v, `{"status":"200"}`) {
		t.Fatalf("esc clears the filter:\n%s", v)
	}
}

func TestJumpToRequestIDHighlightsItsLines(t *testing.T) {
	t.Parallel()
	svc := fakes.NewLogs()
	d := newView(t, svc, Options{})
	var evs []service.LogEvent
	for i := range 200 {
		evs = append(evs, event(i, fakes.AccessLogGroup, fmt.Sprintf(`{"requestId":"r%03d"}`, i)))
	}
	evs[50].RequestID = "r050"
	svc.Emit(evs...)
	d.Until(func(m Model) bool { return m.Held() == 200 })
	if strings.Contains(screen(d.M), "r050") {
		t.Fatal("line 50 should be off screen while following")
	}
	d.Send(common.ShowLogsMsg{RequestID: "r050"})
	if d.M.follow || d.M.lines.at(d.M.cursor).ev.RequestID != "r050" {
		t.Fatal("the cursor is on the request's line")
	}
	if v := screen(d.M); !strings.Contains(v, "r050") || !strings.Contains(v, "request r050") {
		t.Fatalf("the jump shows the line and names the request:\n%s", v)
	}
	// Jumping by key, to an id no line carries, says so.
	d.Keys("i", "ctrl+u")
	d.Type("nope")
	d.Keys("enter")
	if k := d.TakeKept(); len(k) != 1 || !strings.Contains(k[0].(common.StatusMsg).Text, "no held log line carries request id nope") {
		t.Fatalf("status %v", k)
	}
	d.Keys("G")
	if !d.M.follow {
		t.Fatal("G follows again")
	}
}

func TestRingOverflowCountsDroppedLines(t *testing.T) {
	t.Parallel()
	m := New(theme.New(true, false), fakes.NewLogs(), Options{Bound: 100})
	m.SetSize(100, 30)
	var evs []service.LogEvent
	for i := range 250 {
		evs = append(evs, event(i, fakes.AccessLogGroup, fmt.Sprint("line ", i)))
	}
	m.running = true
	m, _ = m.Update(batchMsg{id: m.tailID, events: evs})
	if m.Held() != 100 || m.Dropped() != 150 {
		t.Fatalf("held %d dropped %d, want 100 and 150", m.Held(), m.Dropped())
	}
	if first := m.lines.at(m.lines.dropped).ev.Message; first != "line 150" {
		t.Fatalf("oldest held %q", first)
	}
	v := screen(m)
	if !strings.Contains(v, "150 dropped") || !strings.Contains(v, "line 249") {
		t.Fatalf("view:\n%s", v)
	}
	// A cursor on a line that fell out moves to the oldest held.
	m, _ = m.Update(teststep.Key("g"))
	m, _ = m.Update(batchMsg{id: m.tailID, events: []service.LogEvent{event(300, fakes.AccessLogGroup, "newer")}})
	if m.cursor < m.lines.dropped {
		t.Fatalf("cursor %d on a dropped line (dropped %d)", m.cursor, m.lines.dropped)
	}
}

func TestServiceGoingAwayIsSaidAndRetried(t *testing.T) {
	t.Parallel()
	svc := fakes.NewLogs()
	d := newView(t, svc, Options{})
	svc.Fail(errors.New("dial tcp 127.0.0.1:4566: connection refused\x1b[2J"))
	d.Until(func(m Model) bool { return m.status.Err != nil })
	v := screen(d.M)
	if !strings.Contains(v, "log service: dial tcp 127.0.0.1:4566: connection refused\\x1b[2J — retrying") {
		t.Fatalf("the pane says the service went away (sanitised):\n%s", v)
	}
	if strings.Contains(d.M.View(), "\x1b[2J") {
		t.Fatal("an escape sequence from the service reached the screen")
	}
	// The keys still work.
	d.Keys(" ")
	if !d.M.Paused() {
		t.Fatal("keys work while the service is away")
	}
	svc.Recover()
	d.Until(func(m Model) bool { return m.status.Err == nil })
	// A tail whose channel closes is started again.
	m := d.M
	m, cmd := m.Update(batchMsg{id: m.tailID, closed: true})
	if m.running || cmd == nil || !strings.Contains(screen(m), "tail ended") {
		t.Fatalf("a closed tail is said and retried:\n%s", screen(m))
	}
	m, cmd = m.Update(retryMsg{id: m.tailID})
	if !m.running || cmd == nil {
		t.Fatal("retry starts the tail again")
	}
}

func TestExpandJSONLine(t *testing.T) {
	t.Parallel()
	svc := fakes.NewLogs()
	d := newView(t, svc, Options{})
	svc.Emit(event(1, fakes.AuthorizerGroup, `{"level":"info","claims":{"scope":"demo/read"}}`))
	d.Until(func(m Model) bool { return m.Held() == 1 })
	d.Keys("up", "enter")
	v := screen(d.M)
	if !strings.Contains(v, `    "claims": {`) || !strings.Contains(v, `      "scope": "demo/read"`) {
		t.Fatalf("enter expands the JSON line:\n%s", v)
	}
	d.Keys("enter")
	if strings.Contains(screen(d.M), `"claims": {`) {
		t.Fatal("enter again folds it")
	}
}

func TestNoService(t *testing.T) {
	t.Parallel()
	m := New(theme.New(true, false), nil, Options{})
	m.SetSize(80, 20)
	if m.Init() != nil {
		t.Fatal("no service, no tail")
	}
	if v := screen(m); !strings.Contains(v, "No log service is configured") {
		t.Fatalf("view:\n%s", v)
	}
}

// A flood arrives as one message per frame: the wait Cmd gathers what is
// queued on the channel (all of it, whatever the machine's speed: the
// frame bounds only the wait for more), in order, none lost, at most
// maxBatch events a message; a channel that closes mid-batch says so with
// the events it had. How fast a backlog is taken is
// BenchmarkWaitBatchFlood's.
func TestFloodIsBatched(t *testing.T) {
	t.Parallel()
	ch := make(chan service.TailUpdate, 6000)
	for i := range 5000 {
		ch <- service.TailUpdate{Events: []service.LogEvent{event(i, fakes.AccessLogGroup, "x")}}
	}
	ch <- service.TailUpdate{Status: &service.TailStatus{Mode: service.TailPolling, Lag: 5 * time.Second}}
	msg := waitCmd(7, ch)().(batchMsg)
	if msg.id != 7 || len(msg.events) != 5000 || msg.status == nil || msg.status.Mode != service.TailPolling || msg.closed {
		t.Fatalf("one batch of 5000 and the status, got %d events, status %+v, closed %v", len(msg.events), msg.status, msg.closed)
	}
	for i, e := range msg.events {
		if want := fmt.Sprint("e", i); e.ID != want {
			t.Fatalf("event %d is %s, want %s: in order, none lost", i, e.ID, want)
		}
	}
	ch <- service.TailUpdate{Events: []service.LogEvent{event(1, fakes.AccessLogGroup, "last")}}
	close(ch)
	msg = waitCmd(7, ch)().(batchMsg)
	if len(msg.events) != 1 || !msg.closed {
		t.Fatalf("the last event and the close: %+v", msg)
	}
	// A batch is bounded, so one Update never takes too long; the rest
	// comes in the next message, none lost.
	big := make(chan service.TailUpdate, 3)
	for range 3 {
		evs := make([]service.LogEvent, maxBatch/2)
		big <- service.TailUpdate{Events: evs}
	}
	close(big)
	if msg := waitCmd(1, big)().(batchMsg); len(msg.events) != maxBatch || msg.closed {
		t.Fatalf("batch of %d (closed %v), bound %d", len(msg.events), msg.closed, maxBatch)
	}
	if msg := waitCmd(1, big)().(batchMsg); len(msg.events) != maxBatch/2 || !msg.closed {
		t.Fatalf("the rest: %d events (closed %v), want %d and the close", len(msg.events), msg.closed, maxBatch/2)
	}
}

// The highlighted request's lines stand out, the others are dimmed; a
// tail of another route (the pane follows the selected one) starts
// afresh.
func TestHighlightAndCompactPane(t *testing.T) {
	t.Parallel()
	svc := fakes.NewLogs()
	m := New(theme.New(true, false), svc, Options{Compact: true})
	m.SetSize(100, 10)
	d := teststep.New(t, m, Model.Update, forRoot)
	d.Do(d.M.Follow([]string{fakes.AccessLogGroup}))
	d.Until(func(m Model) bool { return m.status.Mode != "" })
	a, b := event(1, fakes.AccessLogGroup, "call A"), event(2, fakes.AccessLogGroup, "call B")
	a.RequestID, b.RequestID = "A", "B"
	svc.Emit(a, b)
	d.Until(func(m Model) bool { return m.Held() == 2 })
	d.M.Highlight("B")
	raw := d.M.View()
	p := d.M.paint
	var lineA, lineB string
	for _, l := range strings.Split(raw, "\n") {
		switch {
		case strings.Contains(l, "call A"):
			lineA = l
		case strings.Contains(l, "call B"):
			lineB = l
		}
	}
	if !strings.Contains(lineB, p.highlight.pre) || !strings.Contains(lineA, p.dim.pre) || strings.Contains(lineA, p.highlight.pre) {
		t.Fatalf("B highlighted, A dimmed:\n%q\n%q", lineA, lineB)
	}
	// Keys are the API view's, not the pane's.
	d.Send(teststep.Key("/"))
	if d.M.Typing() {
		t.Fatal("the compact pane takes no keys")
	}
	d.Do(d.M.Follow([]string{fakes.AuthorizerGroup}))
	if d.M.Held() != 0 {
		t.Fatal("another route's tail starts afresh")
	}
	d.Until(func(Model) bool { return len(svc.Requests()) == 2 })
	if g := svc.Requests()[1].Groups; len(g) != 1 || g[0] != fakes.AuthorizerGroup {
		t.Fatalf("the second tail follows %v", g)
	}
}

func TestHistogramCountsPerGroup(t *testing.T) {
	t.Parallel()
	m := New(theme.New(true, false), fakes.NewLogs(), Options{})
	m.SetSize(120, 30)
	var evs []service.LogEvent
	for i := range 50 { // 50 in the newest second, in one group
		evs = append(evs, service.LogEvent{Time: fakes.Now.Add(time.Duration(i) * time.Millisecond), Group: fakes.AuthorizerGroup, ID: fmt.Sprint(i)})
	}
	evs = append(evs, service.LogEvent{Time: fakes.Now.Add(-5 * time.Second), Group: fakes.AccessLogGroup, ID: "x"})
	m, _ = m.Update(batchMsg{id: m.tailID, events: evs})
	hist := m.histLines()
	if len(hist) != 2 {
		t.Fatalf("one row per group, got %d", len(hist))
	}
	if h := ansi.Strip(hist[0]); !strings.Contains(h, fakes.AuthorizerGroup) || !strings.HasSuffix(h, "█    5.0/s") {
		t.Errorf("authorizer row %q", h)
	}
	if h := ansi.Strip(hist[1]); !strings.Contains(h, fakes.AccessLogGroup) || !strings.HasSuffix(h, "    0.1/s") {
		t.Errorf("access row %q", h)
	}
}

// scriptedLogs is a service.Logs whose tails the test drives one by one:
// a start fails while refuse says so, else its channel is the one ch
// gives.
type scriptedLogs struct {
	mu     sync.Mutex
	reqs   []service.TailRequest
	refuse error
	ch     chan service.TailUpdate
}

func (s *scriptedLogs) Groups(context.Context) ([]string, error) { return nil, nil }

func (s *scriptedLogs) Tail(_ context.Context, req service.TailRequest) (<-chan service.TailUpdate, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs = append(s.reqs, req)
	if s.refuse != nil {
		return nil, s.refuse
	}
	s.ch = make(chan service.TailUpdate, 16)
	return s.ch, nil
}

// run feeds a Cmd's message back (a wait Cmd's once its update is sent).
func run(t *testing.T, m Model, cmd tea.Cmd) (Model, tea.Cmd) {
	t.Helper()
	if cmd == nil {
		t.Fatal("no Cmd")
	}
	return m.Update(cmd())
}

// A tail started again (a group appeared, the first call created it; or
// the tail ended) reads from when the first tail started, or shortly
// before the last delivery, and the lines it reads again are not held
// twice — Live Tail's lines carry no id, the catch-up's do.
func TestRestartCatchesUpWithoutDuplicates(t *testing.T) {
	t.Parallel()
	now := fakes.Now
	clock := func() time.Time { return now }
	svc := &scriptedLogs{refuse: fmt.Errorf("%w: %s do not exist", service.ErrNoGroupYet, fakes.AccessLogGroup)}
	m := New(theme.New(true, false), svc, Options{Now: clock})
	m.SetSize(100, 30)
	groups := []string{fakes.AccessLogGroup, fakes.AuthorizerGroup}

	// The first start: no group exists yet. It is retried.
	m, cmd := run(t, m, m.Follow(groups))
	if m.running || cmd == nil {
		t.Fatal("a refused start is retried")
	}
	// Groups not there yet are a wait, not a failure.
	if line := ansi.Strip(m.statusLine()); !strings.Contains(line, "waiting: no log group to follow yet") || strings.Contains(line, "could not start") {
		t.Errorf("status line before the first call: %q", line)
	}
	started := now
	// The first call creates the groups and writes its lines; then the
	// retry starts the tail.
	now = now.Add(10 * time.Second)
	svc.mu.Lock()
	svc.refuse = nil
	svc.mu.Unlock()
	m, cmd = m.Update(retryMsg{id: m.tailID})
	m, cmd = run(t, m, cmd)
	if got := svc.reqs[1].Since; !got.Equal(started) {
		t.Fatalf("the retry reads from %v, want the first start %v", got, started)
	}
	call := func(ms int, group, id, msg string) service.LogEvent {
		return service.LogEvent{Time: started.Add(time.Duration(ms) * time.Millisecond), Group: group, Stream: "s", ID: id, Message: msg}
	}
	svc.ch <- service.TailUpdate{Status: &service.TailStatus{Mode: service.TailLive}}
	svc.ch <- service.TailUpdate{Events: []service.LogEvent{
		call(2000, fakes.AccessLogGroup, "c1", "first call's access line"),
		call(3000, fakes.AccessLogGroup, "", "live line"), // Live Tail: no id
	}}
	m, cmd = run(t, m, cmd)
	if m.Held() != 2 {
		t.Fatalf("held %d, want the first call's line and the live line", m.Held())
	}

	// A group appeared much later: the tail ends and is started again.
	now = now.Add(10 * time.Minute)
	delivered := now
	svc.ch <- service.TailUpdate{Events: []service.LogEvent{call(600_000, fakes.AccessLogGroup, "", "later line")}}
	m, cmd = run(t, m, cmd)
	now = now.Add(5 * time.Second)
	svc.ch <- service.TailUpdate{Status: &service.TailStatus{Mode: service.TailLive, Retrying: true,
		Err: fmt.Errorf("%w: %s: following it too", service.ErrGroupAppeared, fakes.AuthorizerGroup)}}
	m, cmd = run(t, m, cmd)
	close(svc.ch)
	m, cmd = run(t, m, cmd)
	if m.running {
		t.Fatal("a closed tail is not running")
	}
	// A group that appeared ends the tail normally: said, not as a failure.
	if line := ansi.Strip(m.statusLine()); !strings.Contains(line, "log group appeared: "+fakes.AuthorizerGroup) || strings.Contains(line, "tail ended") || strings.Contains(line, "✗") {
		t.Errorf("status line after a group appeared: %q", line)
	}
	m, cmd = m.Update(retryMsg{id: m.tailID})
	m, cmd = run(t, m, cmd)
	if got, want := svc.reqs[2].Since, delivered.Add(-catchUpWindow); !got.Equal(want) {
		t.Fatalf("the restart reads from %v, want %v (a minute before the last delivery)", got, want)
	}
	// The catch-up reads the window again, ids and all, with the new
	// group's line that predates the restart.
	svc.ch <- service.TailUpdate{Events: []service.LogEvent{
		call(599_000, fakes.AuthorizerGroup, "a1", "new group's line"),
		call(600_000, fakes.AccessLogGroup, "c9", "later line"),
	}}
	m, _ = run(t, m, cmd)
	var got []string
	for abs := m.lines.dropped; abs < m.lines.total(); abs++ {
		got = append(got, m.lines.at(abs).ev.Message)
	}
	want := "first call's access line|live line|new group's line|later line"
	if strings.Join(got, "|") != want {
		t.Fatalf("held %q, want %q", strings.Join(got, "|"), want)
	}
}

// Following other groups starts afresh: the new groups' lines from now.
func TestFollowOtherGroupsReadsFromNow(t *testing.T) {
	t.Parallel()
	now := fakes.Now
	svc := &scriptedLogs{}
	m := New(theme.New(true, false), svc, Options{Compact: true, Now: func() time.Time { return now }})
	m, _ = run(t, m, m.Follow([]string{fakes.AccessLogGroup}))
	now = now.Add(time.Hour)
	m, _ = run(t, m, m.Follow([]string{fakes.AuthorizerGroup}))
	if got := svc.reqs[1].Since; !got.Equal(now) {
		t.Fatalf("the tail of other groups reads from %v, want now %v", got, now)
	}
}

// A tail refused for another reason is still shown as a failure.
func TestStartFailureIsNotAWait(t *testing.T) {
	t.Parallel()
	svc := &scriptedLogs{refuse: errors.New("AccessDeniedException: not authorized to perform logs:StartLiveTail")}
	m := New(theme.New(true, false), svc, Options{Now: func() time.Time { return fakes.Now }})
	m.SetSize(100, 30)
	m, _ = run(t, m, m.Follow([]string{fakes.AccessLogGroup}))
	if line := ansi.Strip(m.statusLine()); !strings.Contains(line, "tail could not start: AccessDeniedException") || strings.Contains(line, "waiting") {
		t.Errorf("status line: %q", line)
	}
}
