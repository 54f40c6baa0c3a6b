package logs

import (
	"container/heap"
	"encoding/base64"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// event is one stored log event. Events are ordered by (ts, seq): seq is
// the service-wide ingestion order, so the order is AWS's "by timestamp,
// then ingestion time, then PutLogEvents request".
type event struct {
	ts, ingest int64
	seq        uint64
	msg        string
}

// key is a position in the (ts, seq) order.
type key struct {
	ts  int64
	seq uint64
}

func (e *event) key() key { return key{e.ts, e.seq} }

func (a key) less(b key) bool {
	if a.ts != b.ts {
		return a.ts < b.ts
	}
	return a.seq < b.seq
}

// eventID is the event's opaque 56-digit decimal id (AWS's form).
func (e *event) eventID() string { return fmt.Sprintf("%026d%030d", e.ts, e.seq) }

type stream struct {
	name       string
	created    int64
	lastIngest int64
	events     []event // sorted by key
	bytes      int64
}

type group struct {
	name      string
	created   int64
	retention int32 // days; 0 = never expire
	streams   map[string]*stream
	count     int
	bytes     int64
	dropped   int64
}

const perEventOverhead = 26

func ms(t time.Time) int64 { return t.UnixMilli() }

// groupLocked returns the group or ResourceNotFoundException. s.mu held.
func (s *Service) groupLocked(name string) (*group, error) {
	g, ok := s.groups[name]
	if !ok {
		return nil, errGroupNotFound()
	}
	return g, nil
}

func (s *Service) createGroupLocked(name string) *group {
	g := &group{name: name, created: ms(s.now()), streams: map[string]*stream{}}
	s.groups[name] = g
	return g
}

func (g *group) createStream(name string, now int64) *stream {
	st := &stream{name: name, created: now}
	g.streams[name] = st
	return st
}

// appendLocked stores events (already validated, chronological or not) in
// st, enforces the group's bound and hands them to Live Tail sessions.
// s.mu held.
func (s *Service) appendLocked(g *group, st *stream, evs []event) {
	now := ms(s.now())
	for i := range evs {
		s.seq++
		evs[i].seq, evs[i].ingest = s.seq, now
		e := evs[i]
		n := len(st.events)
		if n == 0 || !e.key().less(st.events[n-1].key()) {
			st.events = append(st.events, e)
		} else {
			// A late event: insert it in order.
			j := sort.Search(n, func(k int) bool { return e.key().less(st.events[k].key()) })
			st.events = slices.Insert(st.events, j, e)
		}
		st.bytes += int64(len(e.msg))
		g.bytes += int64(len(e.msg))
		g.count++
	}
	st.lastIngest = now
	for g.count > s.maxPerGroup {
		g.dropOldest()
	}
	if len(s.subs) > 0 {
		s.publishLocked(g, st, evs)
	}
}

// dropOldest removes the group's oldest event (smallest key across streams).
func (g *group) dropOldest() {
	var oldest *stream
	for _, st := range g.streams {
		if len(st.events) == 0 {
			continue
		}
		if oldest == nil || st.events[0].key().less(oldest.events[0].key()) {
			oldest = st
		}
	}
	if oldest == nil {
		g.count = 0
		return
	}
	n := int64(len(oldest.events[0].msg))
	oldest.events[0] = event{} // let the message be collected
	oldest.events = oldest.events[1:]
	oldest.bytes -= n
	g.bytes -= n
	g.count--
	g.dropped++
}

// Write stores one event as if PutLogEvents had sent it, creating the group
// and the stream when they are missing. It is how the other local services
// (API Gateway access logs, Lambda authorizers) log; it never rejects.
func (s *Service) Write(groupName, streamName string, t time.Time, message string) {
	ts := ms(t)
	if ts < 0 {
		ts = 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.groups[groupName]
	if !ok {
		g = s.createGroupLocked(groupName)
	}
	st, ok := g.streams[streamName]
	if !ok {
		st = g.createStream(streamName, ms(s.now()))
	}
	s.appendLocked(g, st, []event{{ts: ts, msg: message}})
}

// Groups lists the log group names, sorted.
func (s *Service) Groups() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.groups))
	for n := range s.groups {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// Dropped is how many events the memory bound has dropped from a group.
func (s *Service) Dropped(groupName string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g, ok := s.groups[groupName]; ok {
		return g.dropped
	}
	return 0
}

// MaxEventsPerGroup is the memory bound in force.
func (s *Service) MaxEventsPerGroup() int { return s.maxPerGroup }

// --- cursors and tokens -------------------------------------------------

func encodeKeyToken(prefix string, k key) string {
	return prefix + base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(k.ts, 10)+":"+strconv.FormatUint(k.seq, 10)))
}

func decodeKeyToken(prefix, tok string) (key, bool) {
	rest, ok := strings.CutPrefix(tok, prefix)
	if !ok {
		return key{}, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil {
		return key{}, false
	}
	a, b, ok := strings.Cut(string(raw), ":")
	if !ok {
		return key{}, false
	}
	ts, err1 := strconv.ParseInt(a, 10, 64)
	seq, err2 := strconv.ParseUint(b, 10, 64)
	if err1 != nil || err2 != nil {
		return key{}, false
	}
	return key{ts, seq}, true
}

// --- merged scans across streams ----------------------------------------

type scanItem struct {
	st  *stream
	idx int
}

type scanHeap []scanItem

func (h scanHeap) Len() int { return len(h) }
func (h scanHeap) Less(i, j int) bool {
	return h[i].st.events[h[i].idx].key().less(h[j].st.events[h[j].idx].key())
}
func (h scanHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *scanHeap) Push(x any)   { *h = append(*h, x.(scanItem)) }
func (h *scanHeap) Pop() any {
	old := *h
	it := old[len(old)-1]
	*h = old[:len(old)-1]
	return it
}

// scan walks the events of streams in (ts, seq) order, starting after
// `after` (or at the first event with ts >= start), stopping past end.
// visit returns false to stop; scan returns whether events remain.
func scan(streams []*stream, after *key, start, end int64, visit func(st *stream, e *event) bool) (more bool) {
	h := make(scanHeap, 0, len(streams))
	for _, st := range streams {
		evs := st.events
		var i int
		if after != nil {
			a := *after
			i = sort.Search(len(evs), func(k int) bool { return a.less(evs[k].key()) })
		}
		if j := sort.Search(len(evs), func(k int) bool { return evs[k].ts >= start }); j > i {
			i = j
		}
		if i < len(evs) && evs[i].ts <= end {
			h = append(h, scanItem{st, i})
		}
	}
	heap.Init(&h)
	for h.Len() > 0 {
		it := h[0]
		e := &it.st.events[it.idx]
		if !visit(it.st, e) {
			return true
		}
		it.idx++
		if it.idx < len(it.st.events) && it.st.events[it.idx].ts <= end {
			h[0] = it
			heap.Fix(&h, 0)
		} else {
			heap.Pop(&h)
		}
	}
	return false
}

func encodeRaw(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func decodeRaw(s string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	return string(b), err == nil
}
