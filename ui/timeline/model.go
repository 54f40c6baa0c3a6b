// Package timeline is the console's Timeline view: the session in one
// list, in the order things happened — each sign-in with every call and
// computation of its trace, the tokens it issued (jti, expiry), each call
// of the API view with its status, and under each call the authorizer's
// and the gateway's log lines that carry its request id. Selecting an
// entry shows its detail: the trace step (secrets masked), the decoded
// token, the response and its judgement, the log line.
//
// The view reads the messages the root hands every view — the other
// views' own results, which carry service.Records (service.Recorded),
// and common.SessionMsg for tokens — into one bounded store of its own.
// Log lines come from the tails the Logs view and the API view's pane
// already run (the Logs view follows the profile's groups, else those the
// API configuration names), and from one bounded lookup per call of the
// route's groups by its request id (lookup.go: a group that appears with
// the first call is followed too late for that call's lines); a line
// delivered twice is kept once. Tokens are decoded with
// service.Tokens.Describe (no I/O, no verdict).
//
// It imports bubbletea, bubbles, flows and inspect (types), and the
// console's common, service, theme and widgets packages.
package timeline

import (
	"strconv"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/ui/common"
	"github.com/cogscope/cogscope/ui/service"
	"github.com/cogscope/cogscope/ui/theme"
)

// Options shape a timeline.
type Options struct {
	// Bound is how many groups (sign-ins, token deliveries, calls) are
	// held, LineBound how many log lines; defaults Bound and LineBound.
	Bound, LineBound int
}

// rowKind is what a row of the list shows.
type rowKind int

const (
	rowHead    rowKind = iota // a group: a sign-in, a delivery of tokens, a call
	rowStep                   // a step of a sign-in
	rowFailure                // why a sign-in failed
	rowToken                  // a token issued
	rowLine                   // a log line of a call
)

// row is one line of the list: a group and what of it.
type row struct {
	g    *group
	kind rowKind
	i    int // the step, token or line
}

func (r row) same(o row) bool { return r.g == o.g && r.kind == o.kind && r.i == o.i }

// Model is the Timeline view.
type Model struct {
	t      *theme.Theme
	tokens service.Tokens
	logs   service.Logs
	now    func() time.Time
	keys   KeyMap

	width, height int

	st   *store
	rows []row

	cursor int  // index in rows
	follow bool // the cursor stays on the newest entry
	top    int  // first row shown
	detail bool // the detail has the keys (and, when narrow, the screen)
	scroll int  // first line of the detail shown

	lookups int // running: see lookup.go

	// cache is the detail laid out (shared by the copies of the model
	// bubbletea makes: View fills it, a change empties it).
	cache *detailCache
}

// detailCache is the detail of one row at one width and theme.
type detailCache struct {
	valid bool
	row   row
	w     int
	t     *theme.Theme
	lines []string
}

// New returns the timeline. tokens decodes the tokens issued (Describe
// only; nil: they are listed undecoded); logs, when set, is asked once
// per call for the route's lines of its request id (lookup.go; nil: the
// lines come from the other views' tails only); now is the clock that
// stamps what carries no time of its own (a call's answer, tokens).
func New(t *theme.Theme, tokens service.Tokens, logs service.Logs, now func() time.Time, o Options) Model {
	if now == nil {
		now = time.Now
	}
	return Model{t: t, tokens: tokens, logs: logs, now: now, keys: DefaultKeyMap(), st: newStore(o.Bound, o.LineBound), follow: true,
		cache: &detailCache{}}
}

// SetTheme restyles the view.
func (m *Model) SetTheme(t *theme.Theme) { m.t = t }

// SetSize gives the view its area.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.keepVisible()
}

// Typing is false: the view has no text field.
func (m Model) Typing() bool { return false }

// Busy is false: the view waits for nothing.
func (m Model) Busy() bool { return false }

// Len is how many entries (rows) the timeline lists.
func (m Model) Len() int { return len(m.rows) }

// Dropped is how many groups and log lines fell out of the store.
func (m Model) Dropped() (groups, lines int) { return m.st.dropped, m.st.droppedLines }

// DetailOpen reports whether the detail has the keys.
func (m Model) DetailOpen() bool { return m.detail }

// KeyMap returns the bindings that work now.
func (m Model) KeyMap() help.KeyMap {
	k := m.keys
	if len(m.rows) == 0 {
		return common.KeyMap{}
	}
	if m.detail {
		k.Up.SetHelp("↑/k", "scroll up")
		k.Down.SetHelp("↓/j", "scroll down")
		k.Top.SetHelp("g/home", "top of the detail")
		k.Bottom.SetHelp("G/end", "end of the detail")
		k.Open.SetEnabled(false)
		return k
	}
	k.Back.SetEnabled(false)
	return k
}

// Update takes the session's records and tokens, and keys.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		m.handleKey(msg)
		return m, nil
	case tea.MouseWheelMsg:
		d := 3
		if msg.Button == tea.MouseWheelUp {
			d = -3
		} else if msg.Button != tea.MouseWheelDown {
			return m, nil
		}
		if m.detail {
			m.scrollBy(d)
		} else {
			m.move(d)
		}
		return m, nil
	case common.SessionMsg:
		from := msg.From
		if from == "" {
			from = "the session"
		}
		m.st.addTokens(m.describe(msg.Tokens), from, m.now())
		m.rebuild()
		return m, nil
	case service.Recorded:
		rs := msg.Records()
		if len(rs) == 0 {
			return m, nil
		}
		now := m.now()
		var cmds []tea.Cmd
		changed := false
		for _, r := range rs {
			g, c := m.st.add(r, now)
			if g != nil {
				cmds = append(cmds, m.lookup(*g.call, g.sent))
			}
			changed = changed || c
		}
		if changed {
			m.rebuild()
		}
		return m, tea.Batch(cmds...)
	case lookupStartedMsg, lookupMsg:
		return m, m.lookedUp(msg)
	}
	return m, nil
}

// describe decodes the tokens of a delivery.
func (m Model) describe(t flows.Tokens) []token {
	var out []token
	for _, x := range []struct {
		use service.TokenUse
		raw string
	}{{service.TokenID, t.IDToken}, {service.TokenAccess, t.AccessToken}, {service.TokenRefresh, t.RefreshToken}} {
		if x.raw == "" {
			continue
		}
		tk := token{use: x.use}
		if m.tokens != nil {
			tk.report = m.tokens.Describe(x.raw)
		}
		if r := tk.report; r != nil {
			tk.opaque = r.Token == nil
			for _, c := range r.Claims {
				switch c.Name {
				case "jti":
					tk.jti = c.Display
				case "exp":
					tk.exp = c.Time
					if tk.exp.IsZero() {
						tk.exp = unixTime(c.Value)
					}
				}
			}
		} else {
			tk.opaque = x.use == service.TokenRefresh
		}
		out = append(out, tk)
	}
	return out
}

func (m *Model) handleKey(k tea.KeyPressMsg) {
	if len(m.rows) == 0 {
		return
	}
	if m.detail {
		switch {
		case key.Matches(k, m.keys.Back):
			m.detail = false
		case key.Matches(k, m.keys.Up):
			m.scrollBy(-1)
		case key.Matches(k, m.keys.Down):
			m.scrollBy(1)
		case key.Matches(k, m.keys.PageUp):
			m.scrollBy(-m.page())
		case key.Matches(k, m.keys.PageDown):
			m.scrollBy(m.page())
		case key.Matches(k, m.keys.Top):
			m.scroll = 0
		case key.Matches(k, m.keys.Bottom):
			m.scrollBy(1 << 20)
		}
		return
	}
	switch {
	case key.Matches(k, m.keys.Up):
		m.move(-1)
	case key.Matches(k, m.keys.Down):
		m.move(1)
	case key.Matches(k, m.keys.PageUp):
		m.move(-m.page())
	case key.Matches(k, m.keys.PageDown):
		m.move(m.page())
	case key.Matches(k, m.keys.Top):
		m.move(-len(m.rows))
	case key.Matches(k, m.keys.Bottom):
		m.move(len(m.rows))
	case key.Matches(k, m.keys.Open):
		m.detail = true
		m.scroll = 0
	}
}

// move puts the cursor n rows further; on the last row it follows.
func (m *Model) move(n int) {
	if len(m.rows) == 0 {
		return
	}
	m.cursor = min(max(m.cursor+n, 0), len(m.rows)-1)
	m.follow = m.cursor == len(m.rows)-1
	m.scroll = 0
	m.keepVisible()
}

func (m *Model) scrollBy(n int) {
	last := max(len(m.detailLines(m.detailWidth()))-m.page(), 0)
	m.scroll = min(max(m.scroll+n, 0), last)
}

// page is how many rows the list (or lines the detail) shows.
func (m Model) page() int { return max(m.paneHeight()-2, 1) }

// rebuild lays the store out as rows, keeping the cursor on its entry
// (or on the newest one when following).
func (m *Model) rebuild() {
	var sel row
	had := m.cursor < len(m.rows)
	if had {
		sel = m.rows[m.cursor]
	}
	*m.cache = detailCache{} // a call's lines, a sign-in's outcome may have changed
	m.rows = make([]row, 0, len(m.rows)+8)
	for _, g := range m.st.groups {
		m.rows = append(m.rows, row{g: g, kind: rowHead})
		for i := range g.steps {
			m.rows = append(m.rows, row{g: g, kind: rowStep, i: i})
		}
		if g.failure != nil {
			m.rows = append(m.rows, row{g: g, kind: rowFailure})
		}
		for i := range g.tokens {
			m.rows = append(m.rows, row{g: g, kind: rowToken, i: i})
		}
		for i := range m.st.linesOf(g) {
			m.rows = append(m.rows, row{g: g, kind: rowLine, i: i})
		}
	}
	switch {
	case (m.follow && !m.detail) || !had:
		// Following the newest entry, unless its detail is being read.
		m.cursor = max(len(m.rows)-1, 0)
	default:
		m.cursor = 0
		for i, r := range m.rows {
			if r.same(sel) {
				m.cursor = i
				break
			}
		}
	}
	m.keepVisible()
}

// keepVisible scrolls the list so that the cursor's row shows.
func (m *Model) keepVisible() {
	rows := m.page()
	if m.cursor < m.top {
		m.top = m.cursor
	}
	if m.cursor >= m.top+rows {
		m.top = m.cursor - rows + 1
	}
	m.top = max(min(m.top, len(m.rows)-rows), 0)
}

// selected is the row under the cursor; ok is false when there is none.
func (m Model) selected() (row, bool) {
	if m.cursor >= len(m.rows) {
		return row{}, false
	}
	return m.rows[m.cursor], true
}

// unixTime reads a NumericDate claim's raw JSON; zero when it is none.
func unixTime(raw []byte) time.Time {
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || f <= 0 || f > 1e11 {
		return time.Time{}
	}
	return time.Unix(int64(f), 0).UTC()
}
