package logtail

import "time"

// Cursor is the polling position of one log group: FilterLogEvents is asked
// from StartTime (the newest timestamp seen minus an overlap window), and
// Admit drops events already delivered by their eventId. Together they
// neither repeat nor drop events when many share a millisecond, when a
// round is cut off mid-page and redone, or when an event arrives late (an
// event ingested after newer ones were seen, by less than the overlap).
type Cursor struct {
	start   int64 // never before this (the --since time)
	last    int64 // newest timestamp admitted
	overlap int64 // ms
	seen    map[string]int64
}

// NewCursor starts at since (zero: the epoch) and looks back overlap
// behind the newest event on each round.
func NewCursor(since time.Time, overlap time.Duration) *Cursor {
	c := &Cursor{overlap: overlap.Milliseconds(), seen: map[string]int64{}}
	if !since.IsZero() {
		c.start = since.UnixMilli()
	}
	c.last = c.start
	return c
}

// StartTime is the startTime of the next FilterLogEvents round.
func (c *Cursor) StartTime() int64 {
	return max(c.start, c.last-c.overlap)
}

// Admit records an event and reports whether it is new.
func (c *Cursor) Admit(eventID string, ts int64) bool {
	if _, dup := c.seen[eventID]; dup {
		return false
	}
	return c.record(eventID, ts)
}

func (c *Cursor) record(eventID string, ts int64) bool {
	if eventID != "" {
		c.seen[eventID] = ts
	}
	if ts > c.last {
		c.last = ts
	}
	return true
}

// Prune forgets the ids that have left the overlap window; call it after
// each round.
func (c *Cursor) Prune() {
	floor := c.StartTime()
	for id, ts := range c.seen {
		if ts < floor {
			delete(c.seen, id)
		}
	}
}

// Seen is how many ids the cursor holds (for tests and benchmarks).
func (c *Cursor) Seen() int { return len(c.seen) }

// PruneBefore forgets the ids of events older than ts.
func (c *Cursor) PruneBefore(ts int64) {
	for id, t := range c.seen {
		if t < ts {
			delete(c.seen, id)
		}
	}
}
