package timeline

import (
	"strings"
	"time"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/inspect"
	"github.com/cogscope/cogscope/ui/service"
)

// Bounds of the store: the session is kept whole unless it runs very long.
const (
	// Bound is how many groups (sign-ins, token deliveries, calls) are
	// held; the oldest go first, and are counted.
	Bound = 1000
	// LineBound is how many log lines are held, over every request id;
	// the lines of the request id seen first go first.
	LineBound = 5000
	// stepBound is how many steps one sign-in keeps (flows make a dozen).
	stepBound = 200
	// callLineBound is how many lines one request id keeps.
	callLineBound = 200
)

// groupKind says what a group of the timeline is.
type groupKind int

const (
	groupSignIn groupKind = iota // a sign-in: its steps, its tokens or its failure
	groupTokens                  // tokens from elsewhere: a refresh, the session store
	groupCall                    // a call of the API view: its log lines by request id
)

// group is one top-level entry of the timeline and what belongs to it.
type group struct {
	seq  int // arrival order: the timeline's order
	kind groupKind
	at   time.Time

	// A sign-in.
	run     int
	flow    string
	steps   []flows.Step
	failure *service.Failure
	// from says where tokens came from ("SRP sign-in", "refresh");
	// issued is when they arrived.
	from   string
	tokens []token
	issued time.Time

	// A call.
	call *service.CallRecord
	sent time.Time
}

// token is one token of a delivery, decoded (not verified) when issued.
type token struct {
	use    service.TokenUse
	report *inspect.Report // nil when the service could not describe it
	jti    string
	exp    time.Time
	opaque bool // not a JWT (a refresh token is encrypted)
}

// store is the timeline's one bounded record of the session: the views
// never copy each other's state, the timeline keeps what their messages
// said.
type store struct {
	groups  []*group
	seq     int
	dropped int // groups that fell out

	// lines are the log lines by API Gateway request id; nLines counts
	// them all. For eviction, lineOrder holds the ids in the order first
	// seen and loose those no held call claimed then, in the same order;
	// both may hold ids already dropped (skipped, and compacted away).
	lines        map[string][]service.LogEvent
	lineOrder    []string
	loose        []string
	nLines       int
	droppedLines int
	// claimed counts the held calls of each request id: their lines are
	// evicted only when no other id's lines are left to go.
	claimed map[string]int

	bound, lineBound int
}

func newStore(bound, lineBound int) *store {
	if bound <= 0 {
		bound = Bound
	}
	if lineBound <= 0 {
		lineBound = LineBound
	}
	return &store{lines: map[string][]service.LogEvent{}, claimed: map[string]int{}, bound: bound, lineBound: lineBound}
}

func (s *store) push(g *group) *group {
	s.seq++
	g.seq = s.seq
	s.groups = append(s.groups, g)
	s.claim(g, 1)
	if n := len(s.groups) - s.bound; n > 0 {
		for _, old := range s.groups[:n] {
			s.claim(old, -1)
		}
		clear(s.groups[:n])
		s.groups = s.groups[n:]
		s.dropped += n
	}
	return g
}

// claim counts (d = 1) or stops counting (d = -1) a call's request id.
func (s *store) claim(g *group, d int) {
	if g.kind != groupCall || g.call.Result == nil || g.call.Result.RequestID == "" {
		return
	}
	id := g.call.Result.RequestID
	if s.claimed[id] += d; s.claimed[id] <= 0 {
		delete(s.claimed, id)
	}
}

// signIn is the group of run, made when its first record arrives.
func (s *store) signIn(run int, flow string, at time.Time) *group {
	for i := len(s.groups) - 1; i >= 0; i-- {
		if g := s.groups[i]; g.kind == groupSignIn && g.run == run {
			return g
		}
	}
	return s.push(&group{kind: groupSignIn, run: run, flow: flow, at: at})
}

// add takes one record; now stamps what has no time of its own. It
// returns the group of a call (nil for anything else), and whether the
// rows changed (not for lines of no held call).
func (s *store) add(r service.Record, now time.Time) (*group, bool) {
	switch {
	case r.Step != nil:
		at := r.Step.Started
		if at.IsZero() {
			at = now
		}
		g := s.signIn(r.Run, r.Flow, at)
		if len(g.steps) < stepBound {
			g.steps = append(g.steps, *r.Step)
		}
		return nil, true
	case r.Err != nil:
		g := s.signIn(r.Run, r.Flow, now)
		g.failure = service.AsFailure(r.Err)
		return nil, true
	case r.Call != nil:
		c := *r.Call
		sent := now
		if c.Result != nil && c.Result.Timings.Total > 0 {
			sent = now.Add(-c.Result.Timings.Total)
		}
		return s.push(&group{kind: groupCall, at: now, call: &c, sent: sent}), true
	}
	changed := false
	for _, e := range r.Logs {
		changed = s.addLine(e) || changed
	}
	return nil, changed
}

// addLine keeps a line under its request id, once: the Logs view's tail
// and the API view's pane may both deliver it. It reports whether a held
// call's lines changed.
func (s *store) addLine(e service.LogEvent) bool {
	if e.RequestID == "" {
		return false
	}
	held, ok := s.lines[e.RequestID]
	for _, h := range held {
		if sameLine(h, e) {
			return false
		}
	}
	if len(held) >= callLineBound {
		s.droppedLines++
		return false
	}
	if !ok {
		s.lineOrder = append(s.lineOrder, e.RequestID)
		if s.claimed[e.RequestID] == 0 {
			s.loose = append(s.loose, e.RequestID)
		}
	}
	// In time order; lines mostly arrive in order, so from the end.
	i := len(held)
	for i > 0 && held[i-1].Time.After(e.Time) {
		i--
	}
	held = append(held, service.LogEvent{})
	copy(held[i+1:], held[i:])
	held[i] = e
	s.lines[e.RequestID] = held
	s.nLines++
	changed := s.claimed[e.RequestID] > 0
	for s.nLines > s.lineBound {
		lost, ok := s.evict()
		if !ok {
			break
		}
		changed = lost || changed
	}
	return changed
}

// evict drops the lines of one request id: the oldest that no held call
// claims (a busy API's other requests), else the oldest. It reports
// whether a held call lost lines, and false for ok when nothing was left.
func (s *store) evict() (lost, ok bool) {
	defer s.compact()
	for len(s.loose) > 0 {
		id := s.loose[0]
		s.loose = s.loose[1:]
		if _, held := s.lines[id]; held && s.claimed[id] == 0 {
			return s.drop(id), true
		}
	}
	for len(s.lineOrder) > 0 {
		id := s.lineOrder[0]
		s.lineOrder = s.lineOrder[1:]
		if _, held := s.lines[id]; held {
			return s.drop(id), true
		}
	}
	return false, false
}

// drop forgets the lines of id; it reports whether a held call claims it.
func (s *store) drop(id string) bool {
	n := len(s.lines[id])
	delete(s.lines, id)
	s.nLines -= n
	s.droppedLines += n
	return s.claimed[id] > 0
}

// compact takes the ids already dropped out of the eviction orders once
// they are mostly such ids, so that they stay as small as what is held.
func (s *store) compact() {
	keep := func(ids []string) []string {
		if len(ids) <= 2*len(s.lines)+16 {
			return ids
		}
		out := make([]string, 0, len(s.lines))
		for _, id := range ids {
			if _, held := s.lines[id]; held {
				out = append(out, id)
			}
		}
		return out
	}
	s.lineOrder, s.loose = keep(s.lineOrder), keep(s.loose)
}

// sameLine reports whether two deliveries are one event: by the service's
// event id when both have one (Live Tail's events have none), else by
// group, stream, time and message.
func sameLine(a, b service.LogEvent) bool {
	if a.Group != b.Group || a.Stream != b.Stream {
		return false
	}
	if a.ID != "" && b.ID != "" {
		return a.ID == b.ID
	}
	return a.Time.Equal(b.Time) && a.Message == b.Message
}

// addTokens records a delivery of tokens: under the sign-in that produced
// them when it is the newest group, else as a group of its own.
func (s *store) addTokens(ts []token, from string, now time.Time) {
	if len(ts) == 0 {
		return
	}
	if n := len(s.groups); n > 0 {
		g := s.groups[n-1]
		if g.kind == groupSignIn && g.tokens == nil && g.failure == nil && strings.EqualFold(from, g.flow+" sign-in") {
			g.from, g.tokens, g.issued = from, ts, now
			return
		}
	}
	s.push(&group{kind: groupTokens, at: now, from: from, tokens: ts, issued: now})
}

// linesOf are the held lines of a call.
func (s *store) linesOf(g *group) []service.LogEvent {
	if g.kind != groupCall || g.call.Result == nil || g.call.Result.RequestID == "" {
		return nil
	}
	return s.lines[g.call.Result.RequestID]
}
