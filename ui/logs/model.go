// Package logs is the console's Logs view: a tail of several log groups
// interleaved by time and coloured by group, held in a ring buffer of
// Bound lines (what falls out is counted); a filter over the held lines
// (/), pause and resume with a count of what waits (space), top and bottom,
// a jump to a request id (i, or from a call in the API view), JSON lines
// expanded in place (enter), and a small events-per-second histogram per
// group.
//
// The same Model, compact, is the API view's log pane: it follows a
// route's groups and highlights the lines of the call looked at.
//
// The view calls a service.Logs from tea.Cmds only; a tail's updates come
// batched, one message per frame at most. It imports bubbletea, bubbles
// and the console's common, service, theme and widgets packages.
package logs

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/cogscope/cogscope/ui/common"
	"github.com/cogscope/cogscope/ui/service"
	"github.com/cogscope/cogscope/ui/theme"
)

// Options shape a logs Model.
type Options struct {
	// Compact is the API view's pane: no histogram, a one-line status, no
	// keys of its own.
	Compact bool
	// Bound is how many lines are held; default Bound.
	Bound int
	// Now is the clock a restarted tail catches up by; default time.Now.
	Now func() time.Time
}

// catchUpWindow is how far before the last moment a tail was seen
// delivering a restarted tail reads again. A restart follows a group
// that appeared (its lines may predate the restart by the adapter's
// recheck interval and the ingestion delay) or a tail that ended; what it
// reads twice the ring's de-duplication drops.
const catchUpWindow = time.Minute

// box is the text box open, if any.
type box int

const (
	boxNone box = iota
	boxFilter
	boxJump
)

// Model is the Logs view (or the API view's log pane).
type Model struct {
	t    *theme.Theme
	svc  service.Logs
	keys KeyMap
	opts Options

	width, height int

	groups   []string // followed
	groupIdx map[string]int
	tailID   int64 // the tail whose messages are taken
	cancel   context.CancelFunc
	running  bool // a tail is started
	status   service.TailStatus
	ended    error // the tail's channel closed; it is started again
	noGroups bool  // the service follows nothing
	startErr error
	// since is when the first tail of these groups was started: no
	// restart reads further back. alive is when a tail was last seen
	// delivering (zero: never); a restart reads from catchUpWindow
	// before it, so the lines written while no tail ran (the first
	// call's, which creates its group) are shown.
	since, alive time.Time

	lines *ring
	hist  []histogram // per group

	// The window: following the newest line (or the newest when paused),
	// or showing from top with the cursor on a line. Numbers are ring
	// numbers (abs).
	follow    bool
	top       int64
	cursor    int64
	pausedEnd int64 // -1 when running: lines from here on wait
	expanded  map[string]bool

	filter    string // lower case; held lines only
	filterGen uint64
	highlight string // request id whose lines stand out

	box   box
	input textinput.Model

	paint paints
}

// New returns the view, tailing through svc (nil: no log service).
func New(t *theme.Theme, svc service.Logs, o Options) Model {
	if o.Bound <= 0 {
		o.Bound = Bound
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	m := Model{t: t, svc: svc, keys: DefaultKeyMap(), opts: o, lines: newRing(o.Bound), follow: true,
		pausedEnd: -1, expanded: map[string]bool{}, groupIdx: map[string]int{}}
	m.input = textinput.New()
	m.tailID = tailIDs.Add(1)
	m.SetTheme(t)
	return m
}

// Init asks the service which groups to follow (the full view; the pane
// follows what Follow gives it).
func (m Model) Init() tea.Cmd {
	if m.svc == nil || m.opts.Compact {
		return nil
	}
	return groupsCmd(m.svc, m.tailID)
}

// SetTheme restyles the view.
func (m *Model) SetTheme(t *theme.Theme) {
	m.t = t
	m.paint = paintsOf(t)
	m.input.SetStyles(t.TextInput)
}

// SetSize gives the view its area.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.input.SetWidth(max(w-20, 4))
	m.clamp()
}

// Typing reports whether the filter or request-id box has the keyboard.
func (m Model) Typing() bool { return m.box != boxNone }

// Busy is false: a tail is never done, and waiting for it is no work.
func (m Model) Busy() bool { return false }

// Held is how many lines are held; Dropped how many fell out.
func (m Model) Held() int { return m.lines.len() }

// Dropped is how many lines fell out of the ring.
func (m Model) Dropped() int64 { return m.lines.dropped }

// Waiting is how many lines arrived since the tail was paused.
func (m Model) Waiting() int64 {
	if m.pausedEnd < 0 {
		return 0
	}
	return m.lines.total() - m.pausedEnd
}

// Paused reports whether the view is paused.
func (m Model) Paused() bool { return m.pausedEnd >= 0 }

// Holds reports whether a held line carries requestID.
func (m Model) Holds(requestID string) bool {
	for abs := m.lines.total() - 1; abs >= m.lines.dropped; abs-- {
		if m.lines.at(abs).ev.RequestID == requestID {
			return true
		}
	}
	return false
}

// Groups are the groups followed.
func (m Model) Groups() []string { return m.groups }

// KeyMap returns the bindings that work now.
func (m Model) KeyMap() help.KeyMap {
	k := m.keys
	if m.opts.Compact {
		return common.KeyMap{}
	}
	if m.box != boxNone {
		for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Top, &k.Bottom, &k.Pause,
			&k.Filter, &k.Jump, &k.Expand, &k.Clear} {
			b.SetEnabled(false)
		}
		return k
	}
	k.Submit.SetEnabled(false)
	k.Cancel.SetEnabled(false)
	k.Clear.SetEnabled(m.filter != "" || m.highlight != "")
	k.Expand.SetEnabled(!m.follow)
	return k
}

// Follow tails groups from now on, replacing the tail running; the lines
// held stay. It returns the Cmd that starts the tail.
func (m *Model) Follow(groups []string) tea.Cmd {
	if m.svc == nil {
		return nil
	}
	if m.running && slices.Equal(groups, m.groups) {
		return nil
	}
	m.stop()
	if !slices.Equal(groups, m.groups) {
		m.since, m.alive = time.Time{}, time.Time{}
	}
	if m.opts.Compact && len(m.groups) > 0 {
		// The pane shows the route's lines: another route's go.
		m.lines.reset()
		m.follow, m.expanded = true, map[string]bool{}
	}
	m.groups = append([]string(nil), groups...)
	for _, g := range groups {
		if _, ok := m.groupIdx[g]; !ok {
			m.groupIdx[g] = len(m.groupIdx)
			m.hist = append(m.hist, histogram{})
		}
	}
	m.noGroups = len(groups) == 0
	if m.noGroups {
		return nil
	}
	return m.start()
}

func (m *Model) start() tea.Cmd {
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel = cancel
	m.tailID = tailIDs.Add(1)
	m.running = true
	m.ended, m.startErr = nil, nil
	return startCmd(ctx, m.svc, m.tailID, service.TailRequest{Groups: m.groups, Since: m.catchUpFrom()})
}

// catchUpFrom is the Since of the tail starting now: the first tail's
// start, or catchUpWindow before a tail was last seen delivering, which
// ever is later.
func (m *Model) catchUpFrom() time.Time {
	if m.since.IsZero() {
		m.since = m.opts.Now()
	}
	if m.alive.IsZero() {
		return m.since
	}
	if from := m.alive.Add(-catchUpWindow); from.After(m.since) {
		return from
	}
	return m.since
}

// stop ends the tail running; its messages are dropped from now on.
func (m *Model) stop() {
	if m.cancel != nil {
		m.cancel()
		m.cancel = nil
	}
	m.running = false
	m.tailID = tailIDs.Add(1)
}

// Highlight makes the lines carrying requestID stand out and dims the
// others ("" for none).
func (m *Model) Highlight(requestID string) { m.highlight = requestID }

// JumpTo puts the cursor on the newest held line of requestID and
// highlights its lines; false when no held line carries it.
func (m *Model) JumpTo(requestID string) bool {
	m.highlight = requestID
	for abs := m.lines.total() - 1; abs >= m.lines.dropped; abs-- {
		if e := m.lines.at(abs); e.ev.RequestID == requestID || strings.Contains(e.ev.Message, requestID) {
			// The first line of the call: its lines are together.
			first := abs
			for p := abs - 1; p >= m.lines.dropped && abs-p < 64; p-- {
				if pe := m.lines.at(p); pe.ev.RequestID == requestID || strings.Contains(pe.ev.Message, requestID) {
					first = p
				}
			}
			m.setFilter("")
			m.follow = false
			m.cursor = first
			// A third of the screen above it: what came before.
			m.top = first
			for range m.rows() / 3 {
				prev, ok := m.nextMatch(m.top-1, -1)
				if !ok {
					break
				}
				m.top = prev
			}
			m.clamp()
			return true
		}
	}
	return false
}

// Update handles keys, the tail's batches and its status.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if m.opts.Compact {
			return m, nil
		}
		if m.box != boxNone {
			return m.boxKey(msg)
		}
		return m.handleKey(msg)
	case tea.PasteMsg:
		if m.box != boxNone {
			var cmd tea.Cmd
			m.input, cmd = m.input.Update(msg)
			return m, cmd
		}
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			m.move(-3)
		case tea.MouseWheelDown:
			m.move(3)
		}
		return m, nil
	case common.ShowLogsMsg:
		if m.opts.Compact {
			return m, nil
		}
		if !m.JumpTo(msg.RequestID) {
			return m, common.StatusError("no held log line carries request id " + msg.RequestID + " (yet)")
		}
		return m, nil
	case groupsMsg:
		if msg.id != m.tailID {
			return m, nil
		}
		if msg.err != nil {
			m.startErr = msg.err
			return m, nil
		}
		return m, m.Follow(msg.groups)
	case startedMsg:
		if msg.id != m.tailID {
			return m, nil
		}
		if msg.err != nil {
			m.running = false
			m.startErr = msg.err
			return m, retryCmd(m.tailID)
		}
		return m, waitCmd(msg.id, msg.ch)
	case batchMsg:
		if msg.id != m.tailID {
			return m, nil
		}
		if len(msg.events) > 0 || (msg.status != nil && msg.status.Err == nil) {
			m.alive = m.opts.Now()
		}
		m.ingest(msg.events)
		if msg.status != nil {
			m.status = *msg.status
		}
		if msg.closed {
			m.running = false
			m.ended = m.status.Err
			if m.ended == nil {
				m.ended = fmt.Errorf("the log service ended the tail")
			}
			return m, retryCmd(m.tailID)
		}
		return m, waitCmd(msg.id, msg.ch)
	case retryMsg:
		if msg.id != m.tailID || m.running || len(m.groups) == 0 {
			return m, nil
		}
		m.status.Reconnects++
		return m, m.start()
	}
	return m, nil
}
