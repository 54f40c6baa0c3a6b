package logs

import (
	"strings"
	"sync/atomic"
	"time"

	"github.com/cogscope/cogscope/ui/common"
	"github.com/cogscope/cogscope/ui/service"
)

// key names a line for the set of expanded lines (its number moves when a
// late line is put before it).
func (e *entry) key() string { return e.ev.Group + "\x00" + e.ev.ID }

// ingest holds events: sanitised, coloured by group, counted per second.
func (m *Model) ingest(evs []service.LogEvent) {
	for _, ev := range evs {
		ev.Message = strings.TrimRight(common.Clean(ev.Message), "\n")
		ev.Group = common.CleanLine(ev.Group)
		ev.Stream = common.CleanLine(ev.Stream)
		ev.RequestID = common.CleanLine(ev.RequestID)
		g, ok := m.groupIdx[ev.Group]
		if !ok {
			g = len(m.groupIdx)
			m.groupIdx[ev.Group] = g
			m.hist = append(m.hist, histogram{})
		}
		if m.lines.holds(ev) {
			continue // a tail started again sends what it sent before
		}
		m.hist[g].add(ev.Time)
		m.lines.push(entry{ev: ev, group: g})
	}
	if len(evs) > 0 {
		m.clamp()
	}
}

// matches reports whether a held line passes the filter.
func (m *Model) matches(e *entry) bool {
	if m.filter == "" {
		return true
	}
	if e.gen != m.filterGen {
		e.gen = m.filterGen
		e.match = containsFold(e.ev.Message, m.filter) || containsFold(e.ev.RequestID, m.filter)
	}
	return e.match
}

// filterGens number filters, so a cached match is never taken for
// another filter's.
var filterGens atomic.Uint64

// setFilter filters the held lines by text (lower case), or not ("").
func (m *Model) setFilter(f string) {
	m.filter = f
	m.filterGen = filterGens.Add(1)
	m.clamp()
}

// containsFold reports whether s contains the lower-case sub, ignoring
// ASCII case, without allocating.
func containsFold(s, sub string) bool {
	n := len(sub)
	if n == 0 {
		return true
	}
	first := sub[0]
	for i := 0; i+n <= len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != first {
			continue
		}
		j := 1
		for ; j < n; j++ {
			d := s[i+j]
			if 'A' <= d && d <= 'Z' {
				d += 'a' - 'A'
			}
			if d != sub[j] {
				break
			}
		}
		if j == n {
			return true
		}
	}
	return false
}

// end is one past the newest line shown: the newest held, or the newest
// when the tail was paused.
func (m *Model) end() int64 {
	if m.pausedEnd >= 0 && m.pausedEnd < m.lines.total() {
		return max(m.pausedEnd, m.lines.dropped)
	}
	return m.lines.total()
}

// nextMatch is the first line from abs on (dir 1) or back (dir -1) that
// passes the filter, within the lines shown.
func (m *Model) nextMatch(abs int64, dir int64) (int64, bool) {
	end := m.end()
	for ; abs >= m.lines.dropped && abs < end; abs += dir {
		if m.matches(m.lines.at(abs)) {
			return abs, true
		}
	}
	return 0, false
}

// rows is the height of the lines' area.
func (m *Model) rows() int {
	return max(m.height-m.chromeRows(), 1)
}

// height of a line on screen: one, or its expansion.
func (m *Model) lineRows(e *entry) int {
	if !m.expanded[e.key()] {
		return 1
	}
	return 1 + len(expansion(e.ev.Message, max(m.width-4, 10)))
}

// move moves the cursor by n matching lines, leaving follow mode.
func (m *Model) move(n int) {
	if m.follow {
		last, ok := m.nextMatch(m.end()-1, -1)
		if !ok {
			return
		}
		m.follow = false
		m.cursor = last
		m.top = m.topFor(last)
		if n > 0 {
			return
		}
	}
	dir := int64(1)
	if n < 0 {
		dir, n = -1, -n
	}
	for ; n > 0; n-- {
		next, ok := m.nextMatch(m.cursor+dir, dir)
		if !ok {
			break
		}
		m.cursor = next
	}
	if dir > 0 && m.pausedEnd < 0 {
		// Down past the newest line: follow again.
		if _, ok := m.nextMatch(m.cursor+1, 1); !ok && n > 0 {
			m.follow = true
		}
	}
	m.clamp()
}

// topFor is the top line that shows abs as the last line on screen.
func (m *Model) topFor(abs int64) int64 {
	rows := m.rows() - m.lineRows(m.lines.at(abs))
	top := abs
	for rows > 0 {
		prev, ok := m.nextMatch(top-1, -1)
		if !ok {
			break
		}
		rows -= m.lineRows(m.lines.at(prev))
		if rows < 0 {
			break
		}
		top = prev
	}
	return top
}

// clamp keeps the window on held lines and the cursor in view.
func (m *Model) clamp() {
	if m.follow {
		return
	}
	if m.lines.len() == 0 {
		m.follow = true
		return
	}
	if m.cursor < m.lines.dropped || (m.filter != "" && !m.matches(m.lines.at(m.cursor))) {
		c, ok := m.nextMatch(max(m.cursor, m.lines.dropped), 1)
		if !ok {
			c, ok = m.nextMatch(m.end()-1, -1)
		}
		if !ok {
			m.follow = true
			return
		}
		m.cursor = c
	}
	if m.top > m.cursor || m.top < m.lines.dropped {
		m.top = m.cursor
	}
	// The cursor below the window: scroll so it is the last line.
	rows := 0
	for abs := m.top; ; {
		e := m.lines.at(abs)
		if e == nil {
			break
		}
		rows += m.lineRows(e)
		if abs == m.cursor {
			if rows > m.rows() {
				m.top = m.topFor(m.cursor)
			}
			break
		}
		next, ok := m.nextMatch(abs+1, 1)
		if !ok {
			break
		}
		abs = next
	}
}

// histogram counts a group's events per second over the last minute, by
// their timestamps.
type histogram struct {
	secs   [60]int64
	counts [60]int
	newest int64
}

func (h *histogram) add(t time.Time) {
	s := t.Unix()
	slot := int(((s % 60) + 60) % 60)
	if h.secs[slot] != s {
		if s < h.newest-59 {
			return // older than the window
		}
		h.secs[slot], h.counts[slot] = s, 0
	}
	h.counts[slot]++
	h.newest = max(h.newest, s)
}

// count is the events of second s.
func (h *histogram) count(s int64) int {
	slot := int(((s % 60) + 60) % 60)
	if h.secs[slot] != s {
		return 0
	}
	return h.counts[slot]
}
