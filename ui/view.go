package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/termtext"
	"github.com/cogscope/cogscope/ui/service"
	"github.com/cogscope/cogscope/ui/widgets"
)

// View draws the frame: header, the active view, footer, and the help
// overlay on top when it is open. The program runs in the alternate screen
// with the mouse on (for wheel scrolling).
func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "cogscope"
	return v
}

// render is the frame as a string, for View and for tests.
func (m Model) render() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	if m.tooSmall() {
		return m.tooSmallView()
	}
	// Views draw exactly the size they were given (their tests say so);
	// only the line count is enforced here, which costs no measuring.
	body := lines(m.activeView(), m.height-headerRows-footerRows)
	frame := strings.Join([]string{m.headerView(), body, m.footerView()}, "\n")
	if m.showHelp {
		return m.withHelp(frame)
	}
	return frame
}

func (m Model) activeView() string {
	if m.showTour {
		return m.tour.View()
	}
	return m.pages[m.active].View()
}

// minHint is the least room the local stack's hint is shown in.
const minHint = 16

// headerView is two lines: the target (where calls go), then the views.
func (m Model) headerView() string {
	t := m.t
	tg := m.opts.Target
	line1 := widgets.Cut(m.targetLine(), m.width)

	var tabs []string
	for p := range numPages {
		label := fmt.Sprintf("%d %s", p+1, pageTitles[p])
		if p == m.active {
			tabs = append(tabs, t.TabActive.Render(label))
		} else {
			tabs = append(tabs, t.Tab.Render(label))
		}
	}
	line2 := strings.Join(tabs, " ")
	if tg.Kind == service.TargetLocal && tg.Hint != "" {
		// Right-aligned after the tabs; cut rather than dropped when
		// the tabs leave it some room (it starts with what matters).
		if room := m.width - ansi.StringWidth(line2) - 2; room >= minHint {
			hint := widgets.Cut(tg.Hint, room)
			line2 += strings.Repeat(" ", room-ansi.StringWidth(hint)+2) + t.Muted.Render(hint)
		}
	}
	return line1 + "\n" + widgets.Cut(line2, m.width)
}

// targetLine says where calls go: the target, region, pool and client.
// When it does not fit it sheds what can be told otherwise before it is
// cut: the region a pool id starts with, the endpoint's scheme, the
// labels (a pool id reads as one, and the client comes after it), then
// the in-process stack's address (its port is of little use to anyone).
func (m Model) targetLine() string {
	t := m.t
	tg := m.opts.Target
	sep := t.Muted.Render(" │ ")
	render := func(showRegion, scheme, labels, localEndpoint bool) string {
		label, endpoint := tg.Label(), tg.Endpoint
		if !scheme {
			label = strings.Replace(label, endpoint, stripScheme(endpoint), 1)
			endpoint = stripScheme(endpoint)
		}
		target := t.Accent.Render(label)
		switch {
		case m.connecting:
			target += t.Muted.Render(" (starting…)")
		case m.connectErr != nil:
			target += t.Error.Render(" (failed: " + termtext.Line(m.connectErr.Error()) + ")")
		case tg.Kind == service.TargetLocal && endpoint != "" && localEndpoint:
			target += t.Muted.Render(" " + endpoint)
		}
		parts := []string{t.Title.Render("cogscope"), target}
		client := tg.ClientID
		if m.sessionClient != "" {
			client = m.sessionClient
		}
		for _, kv := range [][2]string{{"region", tg.Region}, {"pool", tg.PoolID}, {"client", client}} {
			if kv[1] == "" || (kv[0] == "region" && !showRegion) {
				continue
			}
			part := t.Text.Render(kv[1])
			if labels {
				part = t.Muted.Render(kv[0]+" ") + part
			}
			parts = append(parts, part)
		}
		return strings.Join(parts, sep)
	}
	// A pool id names its region ("eu-west-1_AbC123").
	implied := tg.Region != "" && strings.HasPrefix(tg.PoolID, tg.Region+"_")
	var line string
	for _, v := range [][4]bool{
		{true, true, true, true}, {!implied, true, true, true}, {!implied, false, true, true},
		{!implied, false, false, true}, {!implied, false, false, false},
	} {
		if line = render(v[0], v[1], v[2], v[3]); ansi.StringWidth(line) <= m.width {
			break
		}
	}
	return line
}

func stripScheme(u string) string {
	if _, rest, ok := strings.Cut(u, "://"); ok {
		return rest
	}
	return u
}

// footerView is the status line, then the keys that work here.
func (m Model) footerView() string {
	status := ""
	if m.status.Text != "" {
		st := m.t.StatusInfo
		if m.status.Err {
			st = m.t.StatusError
		}
		status = st.Render(widgets.Cut(m.status.Text, m.width))
	}
	var bindings []key.Binding
	if m.typing() {
		bindings = append(m.pageKeys().ShortHelp(), m.keys.ForceQuit)
	} else {
		bindings = append(m.pageKeys().ShortHelp(), m.keys.ShortHelp()...)
	}
	return status + "\n" + m.help.ShortHelpView(bindings)
}

// withHelp draws the full help of the active view and the global keys in
// a box over the frame.
func (m Model) withHelp(frame string) string {
	page := m.pageKeys().FullHelp()
	global := m.keys.FullHelp()
	hm := m.help
	hm.SetWidth(0)
	name := pageTitles[m.active]
	if m.showTour {
		name = "Tour"
	}
	title := m.t.PaneTitle.Render(name + " keys")
	body := title + "\n" + hm.FullHelpView(page) + "\n\n" +
		m.t.PaneTitle.Render("Everywhere") + "\n" + hm.FullHelpView(global) + "\n\n" +
		m.t.Muted.Render("? or esc closes this help")
	box := m.t.Overlay.Render(body)
	bw, bh := lipgloss.Width(box), lipgloss.Height(box)
	if bw > m.width || bh > m.height {
		box = widgets.Fit(box, m.width, m.height)
		bw, bh = min(bw, m.width), min(bh, m.height)
	}
	c := lipgloss.NewCanvas(m.width, m.height)
	c.Compose(lipgloss.NewCompositor(
		lipgloss.NewLayer(frame),
		lipgloss.NewLayer(box).X((m.width-bw)/2).Y((m.height-bh)/2).Z(1),
	))
	return c.Render()
}

// tooSmallView replaces the frame in a terminal too small for it.
func (m Model) tooSmallView() string {
	msg := fmt.Sprintf("Terminal too small: %d×%d. cogscope needs at least %d×%d. Enlarge the window, or press q to quit.",
		m.width, m.height, MinWidth, MinHeight)
	text := m.t.Warn.Render(ansi.Wrap(msg, max(m.width-2, 1), " "))
	return widgets.Fit(lipgloss.Place(m.width, m.height, lipgloss.Center, lipgloss.Center, text), m.width, m.height)
}

// lines cuts s to n lines, or pads it with empty ones.
func lines(s string, n int) string {
	ls := strings.SplitN(s, "\n", n+1)
	if len(ls) > n {
		ls = ls[:n]
	}
	for len(ls) < n {
		ls = append(ls, "")
	}
	return strings.Join(ls, "\n")
}

func tokensEmpty(t flows.Tokens) bool {
	return t.IDToken == "" && t.AccessToken == "" && t.RefreshToken == ""
}
