package console

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cogscope/cogscope/internal/local/localtest"
	"github.com/cogscope/cogscope/ui/service"
)

// collected is what one Tail delivered.
type collected struct {
	mu     sync.Mutex
	lines  map[string]int // message → times delivered
	groups map[string]bool
	live   bool
	closed bool
}

func collect(ch <-chan service.TailUpdate) *collected {
	c := &collected{lines: map[string]int{}, groups: map[string]bool{}}
	go func() {
		for u := range ch {
			c.mu.Lock()
			for _, e := range u.Events {
				c.lines[e.Message]++
				c.groups[e.Group] = true
			}
			if u.Status != nil && u.Status.Mode == service.TailLive && u.Status.Err == nil {
				c.live = true
			}
			c.mu.Unlock()
		}
		c.mu.Lock()
		c.closed = true
		c.mu.Unlock()
	}()
	return c
}

func (c *collected) state() (live, closed bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.live, c.closed
}

// missing is what of want was not delivered; dups what was delivered
// more than once; foreign the groups delivered outside mine.
func (c *collected) check(want []string, mine ...string) (missing, dups, foreign []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, w := range want {
		if c.lines[w] == 0 {
			missing = append(missing, w)
		}
	}
	for l, n := range c.lines {
		if n > 1 {
			dups = append(dups, l)
		}
	}
	for g := range c.groups {
		if !slices.Contains(mine, g) {
			foreign = append(foreign, g)
		}
	}
	return missing, dups, foreign
}

// lineWriter writes numbered lines into groups, round robin, and keeps
// what it wrote by group.
type lineWriter struct {
	env     *localtest.Env
	mu      sync.Mutex
	n       int
	written map[string][]string
}

func (w *lineWriter) write(groups ...string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, g := range groups {
		w.n++
		msg := fmt.Sprintf("%s line %d", g, w.n)
		w.env.Logs.Write(g, "s", time.Now(), msg)
		w.written[g] = append(w.written[g], msg)
	}
}

// run writes every few milliseconds until stop is called.
func (w *lineWriter) run(groups ...string) (stop func()) {
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		for {
			select {
			case <-done:
				return
			case <-time.After(3 * time.Millisecond):
				w.write(groups...)
			}
		}
	}()
	return func() { close(done); <-finished }
}

func (w *lineWriter) of(groups ...string) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for _, g := range groups {
		out = append(out, w.written[g]...)
	}
	return out
}

func waitFor(t *testing.T, what string, d time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", d, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// The Logs view and the API view's pane following at once open ONE Live
// Tail session on the local stack (AWS bills per session and allows 15
// per account), over the union of their groups; each is given exactly the
// lines of its own groups, once, and none is lost while the session is
// started again over a new union: when a group the pane waits for
// appears (the pane's tail ends and the view starts it again, with its
// catch-up Since) and when the pane goes (the union shrinks).
func TestConsoleTailsShareOneLiveTailSession(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, env := endpointConsole(ctx, t)
	svc := c.options().Logs.(*consoleLogs)
	svc.recheck = 50 * time.Millisecond
	const a, b, cg, d = "/cogscope/test/shared", "/cogscope/test/logs-only", "/cogscope/test/pane-only", "/cogscope/test/pane-later"
	w := &lineWriter{env: env, written: map[string][]string{}}
	w.write(a, b, cg) // the groups exist; these lines predate both tails
	old := w.of(a, b, cg)
	time.Sleep(5 * time.Millisecond)

	// fresh are the lines of groups written after both tails' Since.
	fresh := func(groups ...string) []string {
		return slices.DeleteFunc(w.of(groups...), func(l string) bool { return slices.Contains(old, l) })
	}
	delivered := func(c *collected, groups ...string) func() bool {
		return func() bool { m, _, _ := c.check(fresh(groups...)); return len(m) == 0 }
	}
	open := func() int { n, _ := env.Logs.LiveTailSessions(); return n }
	// steadyOne waits for one session open, and checks it stays one.
	steadyOne := func(when string) {
		t.Helper()
		waitFor(t, when+": one Live Tail session open", 5*time.Second, func() bool { return open() == 1 })
		for range 10 {
			time.Sleep(20 * time.Millisecond)
			if n := open(); n != 1 {
				t.Fatalf("%s: %d Live Tail sessions open", when, n)
			}
		}
	}

	// The Logs view follows a and b; the pane a, c and d (not there yet).
	since := time.Now()
	logsCh, err := svc.Tail(ctx, service.TailRequest{Groups: []string{a, b}, Since: since})
	if err != nil {
		t.Fatal(err)
	}
	view := collect(logsCh)
	pane1Ctx, pane1Stop := context.WithCancel(ctx)
	defer pane1Stop()
	paneCh, err := svc.Tail(pane1Ctx, service.TailRequest{Groups: []string{a, cg, d}, Since: since})
	if err != nil {
		t.Fatal(err)
	}
	pane1 := collect(paneCh)
	waitFor(t, "both tails live", 5*time.Second, func() bool {
		l1, _ := view.state()
		l2, _ := pane1.state()
		return l1 && l2
	})
	steadyOne("both following")

	w.write(a, b, cg)
	waitFor(t, "the first lines delivered to the Logs view", 5*time.Second, delivered(view, a, b))
	waitFor(t, "the first lines delivered to the pane", 5*time.Second, delivered(pane1, a, cg))

	// d appears while lines flow: the pane's tail ends, its view starts
	// it again (the session restarts over a, b, c, d).
	stop := w.run(a, b, cg, d)
	waitFor(t, "the pane's tail ended when d appeared", 5*time.Second, func() bool { _, closed := pane1.state(); return closed })
	pane2Ctx, pane2Stop := context.WithCancel(ctx)
	defer pane2Stop()
	paneCh, err = svc.Tail(pane2Ctx, service.TailRequest{Groups: []string{a, cg, d}, Since: since})
	if err != nil {
		t.Fatal(err)
	}
	pane2 := collect(paneCh)
	waitFor(t, "the pane's new tail live", 5*time.Second, func() bool { l, _ := pane2.state(); return l })
	time.Sleep(100 * time.Millisecond)
	stop()
	steadyOne("after the pane's restart")
	waitFor(t, "the Logs view's every line across the restart", 10*time.Second, delivered(view, a, b))
	waitFor(t, "the pane's every line since its Since", 10*time.Second, delivered(pane2, a, cg, d))

	// The pane goes while lines flow: the session restarts over a, b.
	stop = w.run(a, b, cg, d)
	time.Sleep(100 * time.Millisecond)
	pane2Stop()
	waitFor(t, "the pane's tail closed", 5*time.Second, func() bool { _, closed := pane2.state(); return closed })
	time.Sleep(100 * time.Millisecond)
	stop()
	steadyOne("after the pane went")
	waitFor(t, "the Logs view's every line across the shrink", 10*time.Second, delivered(view, a, b))

	for _, tc := range []struct {
		name string
		c    *collected
		want []string
		mine []string
	}{
		{"Logs view", view, fresh(a, b), []string{a, b}},
		{"pane before d", pane1, nil, []string{a, cg}},
		{"pane after d", pane2, nil, []string{a, cg, d}},
	} {
		missing, dups, foreign := tc.c.check(tc.want, tc.mine...)
		if len(missing) > 0 || len(dups) > 0 || len(foreign) > 0 {
			t.Errorf("%s: %d lines lost (%v), duplicated %v, of other groups %v", tc.name, len(missing), first(missing), dups, foreign)
		}
		tc.c.mu.Lock()
		for _, l := range old {
			if tc.c.lines[l] > 0 {
				t.Errorf("%s: a line from before its Since: %q", tc.name, l)
			}
		}
		tc.c.mu.Unlock()
	}
	// At most one session per change of the union: the Logs view, the
	// pane, the pane's end (d appeared), its new start, its going — a
	// session cancelled before the one before it ended is never started.
	if _, started := env.Logs.LiveTailSessions(); started > 5 || started < 3 {
		t.Errorf("%d Live Tail sessions started, want one per change of the union at most (5)", started)
	}
}

func first(l []string) []string { return l[:min(len(l), 3)] }

// A tail with a filter pattern (the Timeline's lookup of one request id)
// cannot share the views' session: it has its own, which ends with it,
// and the views' session goes on untouched (not started again).
func TestConsoleTailWithAPatternHasItsOwnSession(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, env := endpointConsole(ctx, t)
	svc := c.options().Logs.(*consoleLogs)
	const g = "/cogscope/test/lookup"
	w := &lineWriter{env: env, written: map[string][]string{}}
	w.write(g)
	since := time.Now()
	view := collect(must(svc.Tail(ctx, service.TailRequest{Groups: []string{g}, Since: since})))
	waitFor(t, "the view's tail live", 5*time.Second, func() bool { l, _ := view.state(); return l })
	_, before := env.Logs.LiveTailSessions()

	lookupCtx, stopLookup := context.WithCancel(ctx)
	defer stopLookup()
	lookup := collect(must(svc.Tail(lookupCtx, service.TailRequest{Groups: []string{g}, Since: since, FilterPattern: `"wanted"`})))
	waitFor(t, "the lookup live", 5*time.Second, func() bool { l, _ := lookup.state(); return l })
	if open, started := env.Logs.LiveTailSessions(); open != 2 || started != before+1 {
		t.Fatalf("view and lookup: %d open, %d started (view's: %d)", open, started, before)
	}
	env.Logs.Write(g, "s", time.Now(), "the wanted line")
	w.write(g)
	waitFor(t, "the view's lines", 5*time.Second, func() bool {
		m, _, _ := view.check(append(w.of(g)[1:], "the wanted line"))
		return len(m) == 0
	})
	waitFor(t, "the lookup's line", 5*time.Second, func() bool { m, _, _ := lookup.check([]string{"the wanted line"}); return len(m) == 0 })
	stopLookup()
	waitFor(t, "the lookup's tail closed", 5*time.Second, func() bool { _, closed := lookup.state(); return closed })
	waitFor(t, "the lookup's session ended", 5*time.Second, func() bool { open, _ := env.Logs.LiveTailSessions(); return open == 1 })
	if _, started := env.Logs.LiveTailSessions(); started != before+1 {
		t.Errorf("%d sessions started, want the view's and the lookup's only (%d)", started, before+1)
	}
	svc.hubMu.Lock()
	hubs := len(svc.hubs)
	svc.hubMu.Unlock()
	if hubs != 1 {
		t.Errorf("%d hubs kept after the lookup, want the views' only", hubs)
	}
	lookup.mu.Lock()
	if len(lookup.lines) != 1 || lookup.lines["the wanted line"] != 1 {
		t.Errorf("the lookup got %v, want the wanted line once", lookup.lines)
	}
	lookup.mu.Unlock()
	w.write(g)
	waitFor(t, "the view's lines after the lookup", 5*time.Second, func() bool { m, _, _ := view.check(w.of(g)[1:]); return len(m) == 0 })
	if _, dups, foreign := view.check(nil, g); len(dups)+len(foreign) > 0 {
		t.Errorf("view: duplicated %v, other groups %v", dups, foreign)
	}
}

func must(ch <-chan service.TailUpdate, err error) <-chan service.TailUpdate {
	if err != nil {
		panic(err)
	}
	return ch
}
