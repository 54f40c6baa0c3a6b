package tokens

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/cogscope/cogscope/inspect"
	"github.com/cogscope/cogscope/internal/termtext"
	"github.com/cogscope/cogscope/ui/theme"
	"github.com/cogscope/cogscope/ui/widgets"
)

// layout places the view's parts.
type layout struct {
	bodyW, sideW int // side is 0 when narrow: everything in one pane
	paneH        int
}

// topLines is the height of the tabs, summary and lifetime bar.
const topLines = 5

func computeLayout(w, h int) layout {
	l := layout{bodyW: w, paneH: max(h-topLines, 0)}
	if w >= 110 {
		l.sideW = w * 2 / 5
		l.bodyW = w - l.sideW
	}
	return l
}

// View renders the view: tabs, a summary, the lifetime bar (the only part
// redrawn every second), then the panes.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	s := m.slots[m.active]
	top := []string{m.tabsView(), m.summaryView(s)}
	if s.report != nil && s.report.Lifetime.Known {
		lt := s.report.Lifetime
		top = append(top, widgets.Lifetime(m.t, lt.IssuedAt, lt.ExpiresAt, m.now, m.width))
	} else {
		top = append(top, "", "")
	}
	top = append(top, m.lineView())
	head := widgets.Fit(strings.Join(top, "\n"), m.width, topLines)

	return head + "\n" + m.panes
}

// renderPanes draws the claims (and, when split, the checks beside them)
// as they are scrolled.
func (m *Model) renderPanes() {
	l := m.lay
	s := m.slots[m.active]
	title := s.title + " token"
	h := max(l.paneH-2, 0)
	if !m.split {
		m.panes = widgets.Pane(m.t, title, widgets.Visible(m.bodyLines, m.body.YOffset(), h), m.width, l.paneH, false)
		return
	}
	m.panes = widgets.Beside(
		widgets.Pane(m.t, title+" · claims", widgets.Visible(m.bodyLines, m.body.YOffset(), h), l.bodyW, l.paneH, false),
		widgets.Pane(m.t, "Checks & header", widgets.Visible(m.sideLines, m.side.YOffset(), h), l.sideW, l.paneH, false))
}

func (m Model) tabsView() string {
	var parts []string
	for i, s := range m.slots {
		label := s.title
		switch {
		case s.raw == "":
		case s.busy:
			label += " …"
		case s.report != nil && s.report.Valid:
			label += " " + theme.Check
		case s.report != nil && len(s.report.Failed()) > 0 && s.report.Token != nil:
			label += " " + theme.Cross
		case s.report != nil && s.report.Token != nil:
			label += " ?" // decoded, not verified
		}
		if i == m.active {
			parts = append(parts, m.t.TabActive.Render(label))
		} else {
			parts = append(parts, m.t.Tab.Render(label))
		}
	}
	return strings.Join(parts, m.t.Muted.Render("│"))
}

// summaryView is one line on the token: what it is and the verdict.
func (m Model) summaryView(s slot) string {
	t := m.t
	r := s.report
	switch {
	case s.raw == "":
		return t.Muted.Render("no " + strings.ToLower(s.title) + " token")
	case r == nil && s.busy:
		return t.Muted.Render("inspecting…")
	case r == nil && s.err != nil:
		return t.Error.Render(theme.Cross + " " + termtext.Line(s.err.Error()))
	case r == nil:
		return ""
	case r.Token == nil:
		return t.Warn.Render("cannot be inspected claim by claim") + t.Muted.Render(" · what it is is said below")
	}
	parts := []string{string(r.Kind) + " token"}
	if r.Token.Header.Alg != "" {
		parts = append(parts, r.Token.Header.Alg)
	}
	if r.Token.Header.Kid != "" {
		parts = append(parts, "kid "+widgets.Cut(r.Token.Header.Kid, 14))
	}
	line := t.Text.Render(strings.Join(parts, " · ")) + t.Muted.Render(" · ")
	failed := r.Failed()
	switch {
	case r.Valid:
		line += t.OK.Render(theme.Check + " valid")
	case len(failed) > 0:
		names := make([]string, len(failed))
		for i, c := range failed {
			names[i] = string(c.Name)
		}
		line += t.Error.Render(fmt.Sprintf("%s %d failed: %s", theme.Cross, len(failed), strings.Join(names, ", ")))
	default:
		line += t.Warn.Render("not verified")
	}
	return line
}

// lineView is the paste box, or what the view waits for.
func (m Model) lineView() string {
	switch {
	case m.typing:
		return m.paste.View()
	case m.refreshing:
		return m.spin.View() + " " + m.t.Text.Render("refreshing: waiting for Cognito")
	case m.aws.busy:
		return m.spin.View() + " " + m.t.Text.Render("AWS credentials: waiting for the identity pool and STS")
	case m.busy():
		return m.spin.View() + " " + m.t.Text.Render("verifying: waiting for the issuer's keys (JWKS)")
	}
	return ""
}

// renderReport lays out a slot for the body pane (claims) and the side
// pane (header, checks, notes); with no side pane the body holds all.
// rows is the body pane's height: claims' meanings wrap when every claim
// still fits.
func renderReport(t *theme.Theme, s slot, bodyW, sideW, rows int) (string, string) {
	r := s.report
	if s.raw == "" {
		msg := "No " + strings.ToLower(s.title) + " token yet. Sign in on view 1, or press p to paste a token."
		if s.use == "" {
			msg = "Press p and paste a token (or anything you suspect is one): it is inspected here."
		}
		return wrap(t.Muted, msg, bodyW), ""
	}
	if r == nil {
		if s.err != nil {
			return wrap(t.Error, theme.Cross+" could not inspect: "+termtext.Line(s.err.Error()), bodyW), ""
		}
		return t.Muted.Render("inspecting…"), ""
	}
	if r.Token == nil {
		return whatItIs(t, r, bodyW), ""
	}
	claims := claimLines(t, r, bodyW, true)
	if len(claims) > rows {
		// Every claim in one screen (the jti you compare after a
		// refresh, the exp you check) matters more than whole meanings.
		claims = claimLines(t, r, bodyW, false)
	}
	restW := bodyW
	if sideW > 0 {
		restW = sideW
	}
	rest := append(checkLines(t, r, restW), "")
	rest = append(rest, headerLines(t, r, restW)...)
	if len(r.Notes) > 0 {
		rest = append(rest, "", t.PaneTitle.Render("Notes"))
		for _, n := range r.Notes {
			rest = append(rest, bullet(t.Muted, n, restW))
		}
	}
	if s.err != nil {
		rest = append(rest, "", wrap(t.Error, theme.Cross+" "+termtext.Line(s.err.Error()), restW))
	}
	if sideW <= 0 {
		return strings.Join(append(append(claims, ""), rest...), "\n"), ""
	}
	return strings.Join(claims, "\n"), strings.Join(rest, "\n")
}

// whatItIs explains an input that is not a decodable JWS.
func whatItIs(t *theme.Theme, r *inspect.Report, w int) string {
	lines := []string{t.PaneTitle.Render("What this is")}
	c := r.Check(inspect.CheckParse)
	detail := c.Detail
	if detail == "" {
		detail = "not a JSON Web Token"
	}
	lines = append(lines, wrap(t.Text, detail, w))
	if c.Hint != "" {
		lines = append(lines, "", wrap(t.Muted, c.Hint, w))
	}
	for _, n := range r.Notes {
		lines = append(lines, bullet(t.Muted, n, w))
	}
	return strings.Join(lines, "\n")
}

// claimLines is the claims table: verdict, name, value, and the meaning
// beside the value when there is room, under it otherwise; wrapped whole,
// or cut to one line when wrap is false.
func claimLines(t *theme.Theme, r *inspect.Report, w int, wrap bool) []string {
	lines := []string{t.PaneTitle.Render("Claims")}
	nw := 4
	for _, c := range r.Claims {
		nw = max(nw, ansi.StringWidth(c.Name))
	}
	nw = min(nw, 22, w/3)
	valueW := w - nw - 3
	wide := w >= 96
	if wide {
		valueW = (w - nw - 3) * 11 / 20
	}
	for _, c := range r.Claims {
		// Claim names and values are the token's: shown, never obeyed.
		value := c.Display
		if value == "" {
			value = string(c.Value)
		}
		value = termtext.Line(value)
		row := widgets.StatusGlyph(t, c.Status) + " " + t.Accent.Render(widgets.PadRight(termtext.Line(c.Name), nw)) + " "
		// Meanings are what a newcomer reads the view for: beside the
		// value when there is room, under it otherwise.
		if wide {
			meaningW := w - nw - valueW - 4
			for i, l := range wrapLines(termtext.Line(c.Meaning), meaningW, wrap) {
				if i == 0 {
					lines = append(lines, row+t.Text.Render(widgets.PadRight(value, valueW))+" "+t.Muted.Render(l))
				} else {
					lines = append(lines, strings.Repeat(" ", nw+3+valueW+1)+t.Muted.Render(l))
				}
			}
			if c.Meaning == "" {
				lines = append(lines, row+t.Text.Render(widgets.Cut(value, valueW)))
			}
			continue
		}
		lines = append(lines, row+t.Text.Render(widgets.Cut(value, valueW)))
		for _, l := range wrapLines(termtext.Line(c.Meaning), valueW, wrap) {
			lines = append(lines, strings.Repeat(" ", nw+3)+t.Muted.Render(l))
		}
	}
	return lines
}

// wrapLines wraps s to w cells, or cuts it to one line when wrap is
// false; nothing for an empty s.
func wrapLines(s string, w int, wrap bool) []string {
	switch {
	case s == "":
		return nil
	case !wrap:
		return []string{widgets.Cut(s, w)}
	}
	return strings.Split(ansi.Wrap(s, max(w, 4), " "), "\n")
}

// checkLines lists every check with ✓/✗ and what was found.
func checkLines(t *theme.Theme, r *inspect.Report, w int) []string {
	lines := []string{t.PaneTitle.Render("Checks")}
	nw := 9 // "signature"
	indent := strings.Repeat(" ", nw+3)
	dw := max(w-nw-3, 8)
	for _, c := range r.Checks {
		row := widgets.StatusGlyph(t, c.Status) + " " + widgets.PadRight(string(c.Name), nw) + " "
		st := t.Muted
		if c.Status == inspect.StatusFail {
			st = t.Error
		}
		// Details wrap under their check: a failure's reason is the
		// point of the view and must not be cut.
		for i, l := range strings.Split(ansi.Wrap(c.Detail, dw, " "), "\n") {
			if i == 0 {
				lines = append(lines, row+st.Render(l))
			} else {
				lines = append(lines, indent+st.Render(l))
			}
		}
		for _, extra := range []string{c.Hint, c.Attack} {
			if extra != "" {
				for _, l := range strings.Split(ansi.Wrap(extra, dw, " "), "\n") {
					lines = append(lines, indent+t.Warn.Render(l))
				}
			}
		}
	}
	return lines
}

func headerLines(t *theme.Theme, r *inspect.Report, w int) []string {
	lines := []string{t.PaneTitle.Render("Header")}
	for _, h := range r.Header {
		v := h.Display
		if v == "" {
			v = string(h.Value)
		}
		lines = append(lines, "  "+t.Accent.Render(widgets.PadRight(termtext.Line(h.Name), 4))+" "+t.Text.Render(widgets.Cut(termtext.Line(v), w-8)))
	}
	return lines
}

// bullet is a note with a bullet, its lines wrapped under its first word.
func bullet(st lipgloss.Style, s string, w int) string {
	lines := strings.Split(wrap(st, s, w-2), "\n")
	for i, l := range lines {
		if i == 0 {
			lines[i] = st.Render(theme.Bullet+" ") + l
		} else {
			lines[i] = "  " + l
		}
	}
	return strings.Join(lines, "\n")
}

func wrap(st lipgloss.Style, s string, w int) string {
	if w < 4 {
		return st.Render(s)
	}
	lines := strings.Split(ansi.Wrap(s, w, " "), "\n")
	for i, l := range lines {
		lines[i] = st.Render(l)
	}
	return strings.Join(lines, "\n")
}
