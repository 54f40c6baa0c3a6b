// Package tour is the console's demo tour: a pane, opened with `t` on the
// local stack's demo, that lists what to try (internal/tour's cases),
// ticks each case off as it happens in the console with the diagnosis it
// produced, and fills in the Sign-in or API view for the case picked.
//
// It follows the console's page contract (ui/page.go): the root holds it
// beside the four views, draws it over the body while it is open, and
// hands it the messages the views send about what happened
// (common.SignInEventMsg, common.CallDoneMsg), open or not.
package tour

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/cogscope/cogscope/internal/termtext"
	"github.com/cogscope/cogscope/internal/tour"
	"github.com/cogscope/cogscope/ui/common"
	"github.com/cogscope/cogscope/ui/theme"
	"github.com/cogscope/cogscope/ui/widgets"
)

// KeyMap is the tour's bindings.
type KeyMap struct {
	Up    key.Binding
	Down  key.Binding
	Try   key.Binding
	Close key.Binding
}

// DefaultKeyMap returns the tour's bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:    key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "previous case")),
		Down:  key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "next case")),
		Try:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "set the case up")),
		Close: key.NewBinding(key.WithKeys("esc", "t"), key.WithHelp("t/esc", "close the tour")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Try, k.Close, k.Up, k.Down} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{{k.Up, k.Down, k.Try, k.Close}} }

// Model is the tour pane.
type Model struct {
	t     *theme.Theme
	keys  KeyMap
	now   func() time.Time
	cases []tour.Case

	width, height int
	sel           int
	// done holds the outcome each ticked case was ticked off with.
	done map[string]string
	// open is whether the pane is on screen (its clock ticks only then);
	// tick numbers the clock's chain, so that a reopened pane runs one.
	open bool
	tick int
}

// tickMsg redraws the TOTP code while the pane is open.
type tickMsg struct{ n int }

// New returns the tour of cases; now is the console's clock (the TOTP
// code helper reads it).
func New(t *theme.Theme, cases []tour.Case, now func() time.Time) Model {
	if now == nil {
		now = time.Now
	}
	return Model{t: t, keys: DefaultKeyMap(), now: now, cases: cases, done: map[string]string{}}
}

// SetSize gives the pane its area.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// SetTheme restyles the pane.
func (m *Model) SetTheme(t *theme.Theme) { m.t = t }

// KeyMap returns the tour's bindings.
func (m Model) KeyMap() help.KeyMap { return m.keys }

// Typing is false: the tour has no text field.
func (m Model) Typing() bool { return false }

// Open marks the pane as shown and starts its clock.
func (m *Model) Open() tea.Cmd {
	m.open = true
	m.tick++
	return m.nextTick()
}

// Close marks the pane as hidden; its clock stops.
func (m *Model) Close() { m.open = false }

func (m Model) nextTick() tea.Cmd {
	n := m.tick
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return tickMsg{n: n} })
}

// Done is how many cases were ticked off.
func (m Model) Done() int { return len(m.done) }

// Outcome is what a ticked case was ticked off with.
func (m Model) Outcome(id string) (string, bool) {
	o, ok := m.done[id]
	return o, ok
}

// Selected is the case under the cursor.
func (m Model) Selected() tour.Case {
	if m.sel < 0 || m.sel >= len(m.cases) {
		return tour.Case{}
	}
	return m.cases[m.sel]
}

// Update moves the cursor, sets a case up, and ticks cases off from the
// views' reports.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, m.keys.Up):
			m.sel = (m.sel + len(m.cases) - 1) % max(len(m.cases), 1)
		case key.Matches(msg, m.keys.Down):
			m.sel = (m.sel + 1) % max(len(m.cases), 1)
		case key.Matches(msg, m.keys.Try):
			if len(m.cases) == 0 {
				return m, nil
			}
			try := tryMsg(m.Selected())
			return m, func() tea.Msg { return try }
		}
		return m, nil
	case tickMsg:
		if !m.open || msg.n != m.tick {
			return m, nil
		}
		return m, m.nextTick()
	case common.SignInEventMsg:
		return m.saw(signInEvent(msg))
	case common.CallDoneMsg:
		return m.saw(callEvent(msg))
	}
	return m, nil
}

// saw ticks off the cases ev is, and says so on the status line.
func (m Model) saw(ev tour.Event) (Model, tea.Cmd) {
	var fresh []string
	for _, h := range tour.Match(m.cases, ev) {
		if _, seen := m.done[h.Case]; !seen {
			c, _ := tour.CaseByID(m.cases, h.Case)
			fresh = append(fresh, c.Title)
		}
		m.done[h.Case] = h.Outcome // the latest outcome is shown
	}
	if len(fresh) == 0 {
		return m, nil
	}
	text := fmt.Sprintf("tour %s %s (%d/%d): t shows it", theme.Check, strings.Join(fresh, "; "), len(m.done), len(m.cases))
	return m, func() tea.Msg { return TickedMsg{Text: text} }
}

// TickedMsg says that cases were ticked off, for the status line: the
// root adds it to what the view said rather than replacing it.
type TickedMsg struct{ Text string }

// signInEvent is the Sign-in view's report in the tour's terms.
func signInEvent(msg common.SignInEventMsg) tour.Event {
	ev := tour.Event{Kind: tour.EventSignIn, Flow: msg.Flow, Username: msg.Username, ClientID: msg.ClientID,
		Tokens: msg.Tokens, Failure: msg.Failure, Steps: msg.Steps}
	if msg.Challenge != "" {
		ev.Kind, ev.Challenge = tour.EventChallenge, msg.Challenge
	}
	return ev
}

// callEvent is the API view's report in the tour's terms.
func callEvent(msg common.CallDoneMsg) tour.Event {
	return tour.Event{Kind: tour.EventCall, Method: msg.Method, Path: msg.Path, Token: msg.Token, Status: msg.Status,
		FailedCheck: msg.FailedCheck, Said: msg.Diagnosis}
}

// tryMsg asks the case's view to get ready for it.
func tryMsg(c tour.Case) common.TryMsg {
	t := c.Try
	return common.TryMsg{View: string(t.View), Flow: t.Flow, Username: t.Username, Password: t.Password,
		ClientID: t.ClientID, ClientName: clientName(t.ClientID), ClientSecret: t.ClientSecret, Scopes: t.Scopes,
		Method: t.Method, Path: t.Path, Token: t.Token}
}

// clientName names the demo's app clients as the README does.
func clientName(id string) string {
	return map[string]string{tour.PublicClientID: "demo-public", tour.SecretClientID: "demo-confidential",
		tour.RotateClientID: "demo-rotation", tour.NoSRPClientID: "demo-srp-off", tour.MachineClientID: "demo-machine"}[id]
}

// View draws the list of cases on the left and the case under the cursor
// on the right.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	listW := min(max(m.width*2/5, 26), 44)
	if m.width-listW < 24 {
		listW = m.width
	}
	title := fmt.Sprintf("Tour · %d/%d done", len(m.done), len(m.cases))
	list := widgets.Pane(m.t, title, m.listView(listW-2, m.height-2), listW, m.height, true)
	if listW == m.width {
		return list
	}
	detail := widgets.Pane(m.t, "What to try", m.detailView(m.width-listW-2), m.width-listW, m.height, false)
	return widgets.Beside(list, detail)
}

// listView is the cases by section, a glyph for ticked ones, the
// selected one highlighted, scrolled to keep it in view.
func (m Model) listView(w, h int) string {
	t := m.t
	var lines []string
	selLine := 0
	var section tour.Section
	for i, c := range m.cases {
		if c.Section != section {
			section = c.Section
			lines = append(lines, t.PaneTitle.Render(string(section)))
		}
		glyph := t.Muted.Render("○")
		if _, ok := m.done[c.ID]; ok {
			glyph = t.OK.Render(theme.Check)
		}
		row := glyph + " " + widgets.Cut(c.Title, w-2)
		if i == m.sel {
			selLine = len(lines)
			row = t.Selected.Render(widgets.PadRight(row, w))
		}
		lines = append(lines, row)
	}
	top := 0
	if selLine >= h {
		top = selLine - h + 1
	}
	return widgets.Visible(lines, top, h)
}

// detailView says what to do, what the tour promises, and what happened.
func (m Model) detailView(w int) string {
	if len(m.cases) == 0 {
		return m.t.Muted.Render("no cases")
	}
	t := m.t
	c := m.Selected()
	var lines []string
	add := func(label, text string) {
		if text == "" {
			return
		}
		lines = append(lines, t.Muted.Render(label))
		for _, l := range strings.Split(ansi.Wrap(text, max(w-2, 8), " "), "\n") {
			lines = append(lines, "  "+l)
		}
	}
	lines = append(lines, t.Bold.Render(widgets.Cut(c.Title, w)))
	add("Do", c.Do)
	add("Expect", c.Expect)
	add("Shows", c.Why)
	if c.Try.Username == tour.MFAUsername {
		if code, left, err := tour.TOTPCode(tour.TOTPSecret, m.now()); err == nil {
			lines = append(lines, t.Muted.Render("Authenticator code (secret "+tour.TOTPSecret+")"),
				"  "+t.Accent.Render(code)+t.Muted.Render(fmt.Sprintf(" · %d s left", int(left/time.Second))))
		}
	}
	lines = append(lines, "")
	if out, ok := m.done[c.ID]; ok {
		lines = append(lines, t.OK.Render(theme.Check+" Happened"))
		// The outcome quotes Cognito and the gateway: sanitised.
		for _, l := range strings.Split(ansi.Wrap(termtext.Line(out), max(w-2, 8), " "), "\n") {
			lines = append(lines, "  "+l)
		}
	} else {
		lines = append(lines, t.Muted.Render("Not yet: press enter to set it up in its view"))
	}
	return strings.Join(lines, "\n")
}
