package console

import (
	"context"
	"hash/fnv"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/cogscope/cogscope/internal/logtail"
	"github.com/cogscope/cogscope/ui/service"
)

// The console's tails share one Live Tail session. The Logs view and the
// API view's log pane each ask for a tail of their groups; against AWS
// each tail would be a StartLiveTail session (billed per session-minute,
// 15 at once per account). A tailHub runs one logtail session over the
// union of the groups its subscribers follow, hands each subscriber the
// events of its own groups, and starts the session again, over the new
// union, when a subscriber comes or goes. Tails with different filter
// patterns (the Timeline's lookups of one request id) cannot share a
// session: there is a hub per filter pattern.
//
// A restart reads again from catchUpWindow before it (never further than
// the subscriber asked), so that nothing written while the sessions
// changed over is lost; what a subscriber was already given is dropped
// from the replay (tailSub.seen), so nothing reaches it twice.

// catchUpWindow is how far back a restart reads for the subscribers that
// were already following.
const catchUpWindow = time.Minute

// tailHub is the one session of one filter pattern. Its fields are
// guarded by consoleLogs.hubMu.
type tailHub struct {
	l      *consoleLogs
	api    logtail.API
	filter string

	subs   map[*tailSub]struct{}
	gen    int // the running session's number; a stale session's output is dropped
	cancel context.CancelFunc
	// done is closed when the latest session has ended: the next starts
	// only then, so that two sessions are never open at once (and never
	// read one client's event streams at once).
	done chan struct{}
}

// subscribe adds sub to the hub of its filter pattern (created when
// there is none) and starts that hub's session again over the union of
// the groups.
func (l *consoleLogs) subscribe(api logtail.API, filter string, sub *tailSub) *tailHub {
	l.hubMu.Lock()
	defer l.hubMu.Unlock()
	if l.hubs == nil {
		l.hubs = map[string]*tailHub{}
	}
	h := l.hubs[filter]
	if h == nil {
		h = &tailHub{l: l, api: api, filter: filter, subs: map[*tailSub]struct{}{}}
		l.hubs[filter] = h
	} else if h.api != api {
		// The target changed (consoleLogs.client built a new client): the
		// session restarted below reads through the new one.
		h.api = api
	}
	h.subs[sub] = struct{}{}
	h.restartLocked(sub)
	return h
}

// unsubscribe takes sub off its hub: the session ends with the last
// subscriber, and starts again when the union of the groups shrank.
func (h *tailHub) unsubscribe(sub *tailSub) {
	h.l.hubMu.Lock()
	defer h.l.hubMu.Unlock()
	if _, ok := h.subs[sub]; !ok {
		return
	}
	before := h.names()
	delete(h.subs, sub)
	if len(h.subs) == 0 {
		h.stopLocked()
		return
	}
	if !slices.Equal(before, h.names()) {
		h.restartLocked(nil)
	}
}

// stopLocked ends the session. The views' hub (no filter pattern) is
// kept, so that its next session starts only once this one has ended;
// a lookup's (one request id's pattern) is forgotten.
func (h *tailHub) stopLocked() {
	if h.cancel != nil {
		h.cancel()
		h.cancel = nil
	}
	h.gen++
	if h.filter != "" && h.l.hubs[h.filter] == h {
		delete(h.l.hubs, h.filter)
	}
}

// groups is the union of the subscribers' groups, by name.
func (h *tailHub) groups() []logtail.Group {
	byName := map[string]logtail.Group{}
	for s := range h.subs {
		for _, g := range s.resolved {
			byName[g.Name] = g
		}
	}
	out := slices.Collect(maps.Values(byName))
	slices.SortFunc(out, func(a, b logtail.Group) int {
		switch {
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return 0
	})
	return out
}

func (h *tailHub) names() []string {
	var n []string
	for _, g := range h.groups() {
		n = append(n, g.Name)
	}
	return n
}

// restartLocked starts the session again over the union of the groups.
// It reads back to the earliest moment a subscriber needs: newSub's
// Since, and for the others catchUpWindow before now (not before their
// own Since).
func (h *tailHub) restartLocked(newSub *tailSub) {
	now := h.l.c.f.Clock()
	at := now()
	var since time.Time
	for s := range h.subs {
		need := s.since
		if s != newSub {
			if w := at.Add(-catchUpWindow); w.After(need) {
				need = w
			}
		}
		if since.IsZero() || need.Before(since) {
			since = need
		}
	}
	if h.cancel != nil {
		h.cancel()
	}
	h.gen++
	for s := range h.subs {
		s.restart(h.gen)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	prev, done := h.done, make(chan struct{})
	h.done = done
	opts := logtail.Options{Groups: h.groups(), Filter: h.filter, Since: since, Follow: true, Now: now}
	gen := h.gen
	go func() {
		defer close(done)
		if prev != nil {
			<-prev
		}
		if ctx.Err() != nil {
			return
		}
		h.run(ctx, logtail.Start(ctx, h.api, opts), gen)
	}()
}

// snapshot is the subscribers of session gen (none once it is stale).
func (h *tailHub) snapshot(gen int) []*tailSub {
	h.l.hubMu.Lock()
	defer h.l.hubMu.Unlock()
	if gen != h.gen {
		return nil
	}
	return slices.Collect(maps.Keys(h.subs))
}

// ended takes every subscriber off a session that gave up: each is told
// why and its channel closed (its view starts it again).
func (h *tailHub) ended(gen int) []*tailSub {
	h.l.hubMu.Lock()
	defer h.l.hubMu.Unlock()
	if gen != h.gen {
		return nil
	}
	subs := slices.Collect(maps.Keys(h.subs))
	clear(h.subs)
	h.stopLocked()
	return subs
}

// run hands session gen's events and notices to the subscribers, and
// returns when the session has ended.
func (h *tailHub) run(ctx context.Context, st *logtail.Stream, gen int) {
	defer func() {
		for range st.Events { // the stream ends once ctx is cancelled
		}
		<-st.Done
	}()
	tr := newTracker()
	events, notices := st.Events, st.Notices
	for {
		select {
		case n := <-notices:
			for _, s := range h.snapshot(gen) {
				s.notice(ctx, gen, n)
			}
		case e, ok := <-events:
			if !ok {
				err := <-st.Done
				if ctx.Err() == nil {
					for _, s := range h.ended(gen) {
						s.end(err)
					}
				}
				return // Done is closed: the deferred wait is over at once
			}
			batch := []service.LogEvent{tr.event(e)}
		more:
			for len(batch) < 1000 {
				select {
				case e, ok := <-events:
					if !ok {
						break more
					}
					batch = append(batch, tr.event(e))
				default:
					break more
				}
			}
			for _, s := range h.snapshot(gen) {
				s.deliver(ctx, gen, batch)
			}
		case <-ctx.Done():
			return
		}
	}
}

// eventKey names an event without its id (Live Tail sends none): its
// timestamp and a hash of its group, stream and message.
type eventKey struct {
	ms int64
	h  uint64
}

// eventKeyOf is e's eventKey.
func eventKeyOf(e service.LogEvent) eventKey {
	f := fnv.New64a()
	f.Write([]byte(e.Group))
	f.Write([]byte{0})
	f.Write([]byte(e.Stream))
	f.Write([]byte{0})
	f.Write([]byte(e.Message))
	return eventKey{ms: e.Time.UnixMilli(), h: f.Sum64()}
}

// tailSub is one Tail: its groups, its channel and its status.
type tailSub struct {
	ctx      context.Context // the caller's
	wctx     context.Context // ends with the subscription (its group watcher)
	wcancel  context.CancelFunc
	out      chan service.TailUpdate
	quit     chan struct{}
	once     sync.Once
	groups   map[string]bool
	resolved []logtail.Group
	since    time.Time // nothing older is given
	now      func() time.Time

	sendMu sync.Mutex // held while sending; closed is set under it
	closed bool

	mu      sync.Mutex
	gen     int // the session whose output is taken
	cur     service.TailStatus
	lastLag time.Time
	// seen counts the events given (by key); replay what a restarted
	// session reads again and is not given twice.
	seen, replay map[eventKey]int
}

func newTailSub(ctx context.Context, groups []logtail.Group, since time.Time, now func() time.Time) *tailSub {
	if since.IsZero() {
		since = now()
	}
	s := &tailSub{ctx: ctx, out: make(chan service.TailUpdate, 64), quit: make(chan struct{}), groups: map[string]bool{},
		resolved: groups, since: since, now: now, seen: map[eventKey]int{}, replay: map[eventKey]int{}}
	s.wctx, s.wcancel = context.WithCancel(ctx)
	for _, g := range groups {
		s.groups[g.Name] = true
	}
	return s
}

// send delivers u unless the subscription or session ctx ended.
func (s *tailSub) send(sess context.Context, u service.TailUpdate) bool {
	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	if s.closed {
		return false
	}
	select {
	case s.out <- u:
		return true
	case <-s.quit:
	case <-s.ctx.Done():
	case <-sess.Done():
	}
	return false
}

// finish closes the channel (once).
func (s *tailSub) finish() {
	s.once.Do(func() {
		close(s.quit)
		s.wcancel()
		s.sendMu.Lock()
		s.closed = true
		close(s.out)
		s.sendMu.Unlock()
	})
}

func (s *tailSub) current() service.TailStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur
}

func (s *tailSub) status(st service.TailStatus) {
	s.mu.Lock()
	s.cur = st
	s.mu.Unlock()
	s.send(context.Background(), service.TailUpdate{Status: &st})
}

// restart takes session gen's output from now on; what was given is not
// given again.
func (s *tailSub) restart(gen int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gen = gen
	s.replay = maps.Clone(s.seen)
}

// end says why the session gave up (err nil: it just ended), and closes
// the channel.
func (s *tailSub) end(err error) {
	if err == nil {
		s.finish()
		return
	}
	last := s.current()
	last.Err, last.Retrying = err, false
	s.send(context.Background(), service.TailUpdate{Status: &last})
	s.finish()
}

// deliver gives the subscriber the events of its groups it was not given
// yet.
func (s *tailSub) deliver(sess context.Context, gen int, batch []service.LogEvent) {
	s.mu.Lock()
	if gen != s.gen {
		s.mu.Unlock()
		return
	}
	floor := s.since.UnixMilli()
	var mine []service.LogEvent
	for _, e := range batch {
		if !s.groups[e.Group] || e.Time.UnixMilli() < floor {
			continue
		}
		k := eventKeyOf(e)
		if s.replay[k] > 0 {
			s.replay[k]--
			continue
		}
		s.seen[k]++
		mine = append(mine, e)
	}
	s.prune()
	if len(mine) == 0 {
		s.mu.Unlock()
		return
	}
	u := service.TailUpdate{Events: mine}
	if now := s.now(); now.Sub(s.lastLag) >= time.Second {
		s.lastLag = now
		s.cur.Lag = max(0, now.Sub(mine[len(mine)-1].Time))
		cur := s.cur
		u.Status = &cur
	}
	s.mu.Unlock()
	s.send(sess, u)
}

// prune bounds seen: a restart reads back catchUpWindow, so older keys
// are not needed.
func (s *tailSub) prune() {
	if len(s.seen) < maxTracked {
		return
	}
	old := s.now().Add(-2 * catchUpWindow).UnixMilli()
	maps.DeleteFunc(s.seen, func(k eventKey, _ int) bool { return k.ms < old })
	maps.DeleteFunc(s.replay, func(k eventKey, _ int) bool { return k.ms < old })
	if len(s.seen) >= 4*maxTracked {
		clear(s.seen)
	}
}

// notice turns a session's notice into the subscriber's status.
func (s *tailSub) notice(sess context.Context, gen int, n logtail.Notice) {
	s.mu.Lock()
	if gen != s.gen {
		s.mu.Unlock()
		return
	}
	st := s.cur
	switch n.Kind {
	case logtail.NoticeLiveTail:
		st.Mode, st.Err, st.Retrying = service.TailLive, nil, false
		if n.Count > 1 {
			st.Reconnects = n.Count - 1
		}
	case logtail.NoticePolling:
		st.Mode, st.Err, st.Retrying = service.TailPolling, nil, false
	case logtail.NoticeSampled:
		st.Sampled = true
	case logtail.NoticeReconnect, logtail.NoticeRetry:
		st.Err, st.Retrying = n.Err, true
		st.Reconnects++
	default:
		s.mu.Unlock()
		return
	}
	s.cur = st
	s.mu.Unlock()
	s.send(sess, service.TailUpdate{Status: &st})
}
