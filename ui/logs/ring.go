package logs

import (
	"github.com/cogscope/cogscope/ui/service"
)

// Bound is how many lines a tail holds: older lines fall out, counted, so
// that a day-long tail stays small (about 100,000 × (112 bytes + the
// message) — some 25 MB for access-log-sized lines).
const Bound = 100_000

// reorderLimit bounds how far back a late event is moved to keep the
// lines in time order: groups arrive in their own batches, a little out
// of step, never by thousands.
const reorderLimit = 512

// entry is a held line: the event, its message sanitised, and its group's
// colour index.
type entry struct {
	ev    service.LogEvent
	group int
	// match caches whether the line passes the filter numbered gen, so a
	// frame does not search every held line again.
	gen   uint64
	match bool
}

// ring holds the newest lines up to its bound. Lines are numbered from the
// first ever held (abs); the oldest held is dropped, the newest
// dropped+len-1.
type ring struct {
	buf     []entry
	head    int // index in buf of the oldest line, once full
	bound   int
	dropped int64
}

func newRing(bound int) *ring { return &ring{bound: bound} }

func (r *ring) len() int { return len(r.buf) }

// total is how many lines were ever held.
func (r *ring) total() int64 { return r.dropped + int64(len(r.buf)) }

// at returns the line numbered abs, nil when it is not held.
func (r *ring) at(abs int64) *entry {
	i := abs - r.dropped
	if i < 0 || i >= int64(len(r.buf)) {
		return nil
	}
	return &r.buf[(r.head+int(i))%len(r.buf)]
}

// push adds e, moving it back past newer lines (within reorderLimit) so
// that lines stay in time order.
func (r *ring) push(e entry) {
	if len(r.buf) < r.bound {
		r.buf = append(r.buf, e)
	} else {
		r.buf[r.head] = e
		r.head = (r.head + 1) % len(r.buf)
		r.dropped++
	}
	n := int64(len(r.buf))
	for k := int64(1); k < n && k <= reorderLimit; k++ {
		cur, prev := r.at(r.total()-k), r.at(r.total()-k-1)
		if !prev.ev.Time.After(cur.ev.Time) {
			break
		}
		*cur, *prev = *prev, *cur
	}
}

// holds reports whether ev is held already: the same group and event id,
// or, when either has no id (Live Tail sends none; a restarted tail's
// catch-up reads the same lines with FilterLogEvents, which gives one),
// the same group, stream, time and message. A line newer than every held
// one is new, which keeps a flood cheap; an older one is looked for among
// the held lines of its time, found by halving (the lines are in time
// order, but for a line that came more than reorderLimit lines late: such
// a line may be missed, and shown twice).
func (r *ring) holds(ev service.LogEvent) bool {
	if len(r.buf) == 0 {
		return false
	}
	newest := r.at(r.total() - 1)
	if newest.ev.Time.Before(ev.Time) {
		return false
	}
	// The first held line not older than ev.
	lo, hi := r.dropped, r.total()
	for lo < hi {
		mid := lo + (hi-lo)/2
		if r.at(mid).ev.Time.Before(ev.Time) {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	for abs := lo; abs < r.total(); abs++ {
		e := r.at(abs)
		if e.ev.Time.After(ev.Time) {
			return false
		}
		if sameEvent(&e.ev, &ev) {
			return true
		}
	}
	return false
}

// sameEvent reports whether a and b are one log event.
func sameEvent(a, b *service.LogEvent) bool {
	if a.Group != b.Group {
		return false
	}
	if a.ID != "" && b.ID != "" {
		return a.ID == b.ID
	}
	return a.Time.Equal(b.Time) && a.Stream == b.Stream && a.Message == b.Message
}

// reset drops every line (not counted as dropped: they were let go).
func (r *ring) reset() {
	r.buf, r.head = nil, 0
}
