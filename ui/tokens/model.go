// Package tokens is the console's Tokens view: the session's ID, access and
// refresh tokens (and any pasted one) in tabs, each inspected field by
// field — header, claims with their meaning and status, checks ✓/✗ — under
// a lifetime bar from iat to exp with a live countdown. r refreshes, c
// copies (OSC 52), v re-verifies, p pastes a token to inspect.
//
// The view calls a service.Tokens from tea.Cmds only.
package tokens

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/inspect"
	"github.com/cogscope/cogscope/ui/common"
	"github.com/cogscope/cogscope/ui/service"
	"github.com/cogscope/cogscope/ui/theme"
)

// The tabs.
const (
	tabID = iota
	tabAccess
	tabRefresh
	tabPasted
	numTabs
)

// slot is one tab: the token and what the inspector said about it.
type slot struct {
	title  string
	use    service.TokenUse
	raw    string
	report *inspect.Report
	err    error // the inspector could not judge
	gen    int   // id of the latest inspection asked for
	busy   bool  // verification under way
	// verified says report is the verdict, not just the decoding.
	verified bool
	// asked says the user asked for this verification (v): its verdict
	// goes on the status line, since the view may look just the same.
	asked bool
}

// Model is the Tokens view.
type Model struct {
	t     *theme.Theme
	svc   service.Tokens
	keys  KeyMap
	clock common.Clock

	width, height int
	lay           layout

	session flows.Tokens
	slots   [numTabs]slot
	active  int
	seq     int // request ids

	body  viewport.Model // claims (and, when narrow, everything)
	side  viewport.Model // header, checks, notes when wide
	split bool           // body and side shown side by side
	// panes is the rendered panes, redrawn when their content, scroll or
	// size changes; a frame (the countdown's) only redraws the top.
	panes                string
	bodyLines, sideLines []string
	paste                textinput.Model
	typing               bool

	refreshing bool
	refreshID  int
	aws        credsState // the ID tab's AWS credentials panel (credentials.go)
	spin       spinner.Model

	tickID int
	now    time.Time
}

// New returns the view, inspecting through svc, with clock as now.
func New(t *theme.Theme, svc service.Tokens, clock common.Clock) Model {
	if clock == nil {
		clock = time.Now
	}
	m := Model{t: t, svc: svc, keys: DefaultKeyMap(), clock: clock, now: clock()}
	m.slots = [numTabs]slot{
		{title: "ID", use: service.TokenID},
		{title: "Access", use: service.TokenAccess},
		{title: "Refresh", use: service.TokenRefresh},
		{title: "Pasted", use: service.TokenUnknown},
	}
	m.active = tabAccess
	m.body = viewport.New()
	m.body.MouseWheelEnabled = true
	m.side = viewport.New()
	m.side.MouseWheelEnabled = true
	m.spin = spinner.New(spinner.WithSpinner(theme.Spinner))
	m.paste = textinput.New()
	m.paste.Prompt = "token> "
	m.paste.Placeholder = "paste a JWT (or anything) and press enter"
	m.SetTheme(t)
	return m
}

// Init starts the countdown's tick.
func (m Model) Init() tea.Cmd {
	return tickCmd(m.tickID)
}

// SetTheme restyles the view.
func (m *Model) SetTheme(t *theme.Theme) {
	m.t = t
	m.spin.Style = t.Accent
	m.paste.SetStyles(t.TextInput)
	m.refreshContent()
}

// SetSize gives the view its area and reflows it.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.lay = computeLayout(w, h)
	m.body.SetHeight(max(m.lay.paneH-2, 0))
	m.side.SetWidth(max(m.lay.sideW-2, 0))
	m.side.SetHeight(max(m.lay.paneH-2, 0))
	m.paste.SetWidth(max(w-12, 4))
	m.refreshContent()
}

// Busy reports whether an inspection or a refresh is under way.
func (m Model) Busy() bool { return m.busy() }

// Typing reports whether the paste box has the keyboard.
func (m Model) Typing() bool { return m.typing }

// KeyMap returns the bindings that work now.
func (m Model) KeyMap() help.KeyMap {
	k := m.keys
	// Tabs is a help entry only: PrevTab and NextTab do the work.
	if m.typing {
		for _, b := range []*key.Binding{&k.PrevTab, &k.NextTab, &k.Tabs, &k.Refresh, &k.Copy, &k.Verify, &k.Paste, &k.Up, &k.Down, &k.PageUp, &k.PageDown} {
			b.SetEnabled(false)
		}
		return k
	}
	k.Submit.SetEnabled(false)
	k.Cancel.SetEnabled(false)
	k.Refresh.SetEnabled(m.session.RefreshToken != "" && !m.refreshing)
	k.Copy.SetEnabled(m.slots[m.active].raw != "")
	k.Verify.SetEnabled(m.slots[m.active].raw != "")
	return k
}

// Update handles keys, pastes, the inspector's answers and the tick.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if m.typing {
			return m.pasteKey(msg)
		}
		return m.handleKey(msg)
	case tea.PasteMsg:
		if m.typing {
			var cmd tea.Cmd
			m.paste, cmd = m.paste.Update(msg)
			return m, cmd
		}
		// A paste straight into the view inspects it at once.
		return m.inspectPasted(msg.Content)
	case tea.MouseWheelMsg:
		var cmd tea.Cmd
		if m.split && msg.X >= m.lay.bodyW {
			m.side, cmd = m.side.Update(msg)
		} else {
			m.body, cmd = m.body.Update(msg)
		}
		m.renderPanes()
		return m, cmd
	case common.SessionMsg:
		return m.setSession(msg.Tokens)
	case inspectedMsg:
		s := &m.slots[msg.tab]
		if msg.id != s.gen {
			return m, nil // stale: the token changed or was re-verified since
		}
		if !msg.verified {
			if !s.verified && msg.report != nil {
				s.report = msg.report // the claims, until the verdict comes
				m.refreshContent()
			}
			return m, nil
		}
		s.busy, s.verified = false, true
		if msg.report != nil {
			s.report = msg.report
		}
		s.err = msg.err
		asked := s.asked
		s.asked = false
		m.refreshContent()
		if msg.err != nil {
			return m, common.StatusError("could not verify the " + strings.ToLower(s.title) + " token: " + msg.err.Error())
		}
		if asked {
			return m, verdictStatus(*s)
		}
		return m, nil
	case refreshedMsg:
		if msg.id != m.refreshID {
			return m, nil
		}
		m.refreshing = false
		if msg.err != nil {
			f := service.AsFailure(msg.err)
			return m, common.StatusError(theme.Cross + " refresh failed: " + f.Error())
		}
		return m, tea.Batch(common.Session(msg.tokens, "refresh", "refresh"),
			common.Status(theme.Check+" refreshed: new ID and access tokens"))
	case credentialsMsg:
		return m.gotCredentials(msg)
	case tickMsg:
		if msg.id != m.tickID {
			return m, nil
		}
		m.now = m.clock()
		m, cmd := m.credentialsExpired()
		return m, tea.Batch(tickCmd(m.tickID), cmd)
	case spinner.TickMsg:
		if !m.busy() {
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	}
	return m, nil
}

func (m Model) handleKey(k tea.KeyPressMsg) (Model, tea.Cmd) {
	s := m.slots[m.active]
	switch {
	case key.Matches(k, m.keys.PrevTab):
		m.active = (m.active + numTabs - 1) % numTabs
		m.refreshContent()
	case key.Matches(k, m.keys.NextTab):
		m.active = (m.active + 1) % numTabs
		m.refreshContent()
	case key.Matches(k, m.keys.Refresh):
		if m.session.RefreshToken == "" {
			return m, common.StatusError("no refresh token: sign in first (view 1)")
		}
		if m.refreshing {
			return m, nil
		}
		m.seq++
		m.refreshID = m.seq
		m.refreshing = true
		return m, tea.Batch(refreshCmd(m.svc, m.refreshID, m.session), m.spin.Tick)
	case key.Matches(k, m.keys.Copy):
		if s.raw == "" {
			return m, common.StatusError("no " + strings.ToLower(s.title) + " token to copy")
		}
		return m, tea.Batch(tea.SetClipboard(s.raw),
			common.Status("copied the "+strings.ToLower(s.title)+" token to the clipboard (OSC 52)"))
	case key.Matches(k, m.keys.Verify):
		if s.raw == "" {
			return m, common.StatusError("no " + strings.ToLower(s.title) + " token to verify")
		}
		m, cmd := m.inspect(m.active)
		m.slots[m.active].asked = true // its verdict is said on the status line
		return m, cmd
	case key.Matches(k, m.keys.AWS):
		if _, ok := m.credentialsService(); !ok {
			return m, nil
		}
		m.active = tabID
		return m.exchange()
	case key.Matches(k, m.keys.Paste):
		m.typing = true
		m.paste.Reset()
		return m, m.paste.Focus()
	case key.Matches(k, m.keys.Up), key.Matches(k, m.keys.Down),
		key.Matches(k, m.keys.PageUp), key.Matches(k, m.keys.PageDown):
		// Both panes scroll together: the checks and the header beside
		// the claims are often the longer, and the mouse is not the only
		// way to reach them.
		var c1, c2 tea.Cmd
		m.body, c1 = m.body.Update(k)
		if m.split {
			m.side, c2 = m.side.Update(k)
		}
		m.renderPanes()
		return m, tea.Batch(c1, c2)
	}
	return m, nil
}

// verdictStatus says what a verification the user asked for found.
func verdictStatus(s slot) tea.Cmd {
	what := "the " + strings.ToLower(s.title) + " token"
	r := s.report
	switch {
	case r == nil || r.Token == nil:
		return common.Status("checked " + what + " again: it is not a JWT that can be verified")
	case r.Valid:
		return common.Status(theme.Check + " verified " + what + " again against the issuer's keys: valid")
	}
	var names []string
	for _, c := range r.Failed() {
		names = append(names, string(c.Name))
	}
	if len(names) == 0 {
		return common.Status("verified " + what + " again: not verified (no check failed, some were skipped)")
	}
	return common.StatusError(theme.Cross + " verified " + what + " again: " + strings.Join(names, ", ") + " failed")
}

func (m Model) pasteKey(k tea.KeyPressMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(k, m.keys.Cancel):
		m.typing = false
		m.paste.Blur()
		return m, nil
	case key.Matches(k, m.keys.Submit):
		m.typing = false
		m.paste.Blur()
		return m.inspectPasted(m.paste.Value())
	}
	var cmd tea.Cmd
	m.paste, cmd = m.paste.Update(k)
	return m, cmd
}

func (m Model) inspectPasted(raw string) (Model, tea.Cmd) {
	if strings.TrimSpace(raw) == "" {
		return m, common.StatusError("nothing pasted")
	}
	m.slots[tabPasted].raw = raw
	m.active = tabPasted
	return m.inspect(tabPasted)
}

// setSession takes new tokens and inspects each.
func (m Model) setSession(t flows.Tokens) (Model, tea.Cmd) {
	if t.IDToken != m.session.IDToken {
		m.aws = credsState{id: m.aws.id} // the panel was about the old token
	}
	m.session = t
	m.slots[tabID].raw = t.IDToken
	m.slots[tabAccess].raw = t.AccessToken
	m.slots[tabRefresh].raw = t.RefreshToken
	var cmds []tea.Cmd
	for _, tab := range []int{tabID, tabAccess, tabRefresh} {
		var cmd tea.Cmd
		m, cmd = m.inspect(tab)
		cmds = append(cmds, cmd)
	}
	return m, tea.Batch(cmds...)
}

// inspect asks the inspector about one tab's token.
func (m Model) inspect(tab int) (Model, tea.Cmd) {
	s := &m.slots[tab]
	m.seq++
	s.gen = m.seq
	s.verified, s.err, s.asked = false, nil, false
	if s.raw == "" {
		s.report, s.busy = nil, false
		m.refreshContent()
		return m, nil
	}
	wasBusy := m.busy()
	s.busy = true
	m.refreshContent()
	cmd := tea.Batch(describeCmd(m.svc, tab, s.gen, s.raw), inspectCmd(m.svc, tab, s.gen, s.raw, s.use))
	if !wasBusy {
		cmd = tea.Batch(cmd, m.spin.Tick)
	}
	return m, cmd
}

func (m Model) busy() bool {
	if m.refreshing || m.aws.busy {
		return true
	}
	for _, s := range m.slots {
		if s.busy {
			return true
		}
	}
	return false
}

// refreshContent re-renders the panes' content; the countdown is drawn
// per frame, the rest only when the token, report, tab or size changes.
func (m *Model) refreshContent() {
	if m.lay.bodyW < 4 {
		return
	}
	s := m.slots[m.active]
	// Two panes only when there are claims to put beside the checks.
	m.split = m.lay.sideW > 0 && s.report != nil && s.report.Token != nil
	bodyW, sideW := m.width, 0
	if m.split {
		bodyW, sideW = m.lay.bodyW, m.lay.sideW
	}
	m.body.SetWidth(max(bodyW-2, 0))
	body, side := renderReport(m.t, s, bodyW-2, sideW-2, m.lay.paneH-2)
	if m.active == tabID {
		// The panel goes first once it has something to say (the
		// credentials, the wait, the refusal); its hint goes last.
		join := func(pane string, extra []string) string {
			if m.aws.creds == nil && !m.aws.busy && m.aws.err == nil {
				return pane + "\n\n" + strings.Join(extra, "\n")
			}
			return strings.Join(extra, "\n") + "\n\n" + pane
		}
		if m.split {
			if extra := m.credentialLines(sideW - 2); extra != nil {
				side = join(side, extra)
			}
		} else if extra := m.credentialLines(bodyW - 2); extra != nil {
			body = join(body, extra)
		}
	}
	m.body.SetContent(body)
	m.body.GotoTop()
	m.side.SetContent(side)
	m.side.GotoTop()
	m.bodyLines = strings.Split(body, "\n")
	m.sideLines = strings.Split(side, "\n")
	m.renderPanes()
}
