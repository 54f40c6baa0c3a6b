package signin

import (
	"fmt"
	"github.com/cogscope/cogscope/ui/service"
	"net/url"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/cogscope/cogscope/internal/termtext"
	"github.com/cogscope/cogscope/ui/theme"
	"github.com/cogscope/cogscope/ui/widgets"
)

// layout is where the panes go for a given size.
type layout struct {
	leftW, leftH   int
	traceW, traceH int
	diagW, diagH   int
	stacked        bool // trace above diagram, beside the form
}

// wideFrom is the width from which the three panes stand side by side.
const wideFrom = 110

func computeLayout(w, h int) layout {
	l := layout{leftW: 30, leftH: h}
	if w >= 100 {
		l.leftW = 34
	}
	rest := max(w-l.leftW, 0)
	if w >= wideFrom {
		l.traceW = rest * 11 / 20
		l.diagW = rest - l.traceW
		l.traceH, l.diagH = h, h
		return l
	}
	l.stacked = true
	l.traceW, l.diagW = rest, rest
	l.traceH = h * 3 / 5
	l.diagH = h - l.traceH
	return l
}

// View renders the view in its area.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	l := m.panes()
	if m.doc.IsOpen() {
		if m.docFull() {
			return m.doc.View()
		}
		left := widgets.Pane(m.t, "Sign in", m.leftView(l.leftW-2), l.leftW, l.leftH, false)
		return widgets.Beside(left, m.doc.View())
	}
	if m.fullPane && m.failure != nil {
		return m.fullPaneView()
	}
	left := widgets.Pane(m.t, "Sign in", m.leftView(l.leftW-2), l.leftW, l.leftH, m.focus != focusPicker)
	if m.showingQR() && l.stacked {
		// Scanning needs the whole code: when stacked, the QR pane takes
		// the whole right column.
		return widgets.Beside(left, widgets.Pane(m.t, qrTitle, m.qrView(l.traceW-2, l.leftH-2), l.traceW, l.leftH, true))
	}
	trace := widgets.Pane(m.t, m.traceTitle(), widgets.Visible(m.traceLines, m.trace.YOffset(), l.traceH-2), l.traceW, l.traceH, false)
	diagTitle, diag := m.diagramView(l.diagW-2, l.diagH-2)
	d := widgets.Pane(m.t, diagTitle, diag, l.diagW, l.diagH, false)
	if l.stacked {
		return widgets.Beside(left, trace+"\n"+d)
	}
	return widgets.Beside(left, trace, d)
}

// panes is the layout of the moment: while MFA setup shows its QR code,
// the code's pane takes the room it needs from the trace.
func (m Model) panes() layout {
	l := m.lay
	if !m.showingQR() || l.stacked {
		return l
	}
	if need := qrPaneWidth(m.challenge.c.OTPAuthURI); l.diagW < need && l.traceW+l.diagW-need >= 20 {
		l.traceW, l.diagW = l.traceW+l.diagW-need, need
	}
	return l
}

func (m Model) traceTitle() string {
	title := "Trace"
	if len(m.steps) > 0 {
		title += " · " + m.ran.title
	}
	if m.unmask {
		title += " · secrets shown"
	}
	return title
}

// leftView is the picker, then the form or the challenge form, then what
// the run is doing. In a short pane it gives up, in turn, the heading and
// the flow's one-line description, then (while a form has the keyboard)
// the flows not picked, so that the form stays whole.
func (m Model) leftView(w int) string {
	t := m.t
	e := menu[m.cursor]
	var form []string
	if m.focus == focusChallenge {
		form = strings.Split(m.challenge.view(t, w), "\n")
	} else {
		if m.client != "" {
			secret := "without its secret"
			if m.clientSecret != "" {
				secret = "with its secret"
			}
			form = append(form, t.Muted.Render("App client (tour)"), t.Text.Render(widgets.Cut(m.clientLabel()+" "+secret, w)))
		}
		for i, f := range e.fields {
			st := t.Muted
			if m.focus == focusForm && i == m.field {
				st = t.Accent
			}
			form = append(form, st.Render(fieldLabel(f)), m.inputs[f].View())
		}
		if e.flow == service.FlowPKCE {
			form = append(form, m.providerLines(w)...)
		}
		if e.flow == "refresh" {
			if m.session.RefreshToken == "" {
				form = append(form, strings.Split(ansi.Wrap(t.Muted.Render(noRefreshToken(m.session)), w, " "), "\n")...)
			} else {
				form = append(form, t.Muted.Render("uses the session's refresh token"))
			}
		}
	}
	status := m.statusLines(w)
	about := strings.Split(ansi.Wrap(t.Muted.Render(e.about), w, " "), "\n")

	h := m.lay.leftH - 2
	full := 1 + len(menu) + len(about) + 1 + len(form) + 1 + len(status)
	var lines []string
	switch {
	case full <= h:
		lines = append(append([]string{t.Muted.Render("Flow")}, m.menuLines(w, false)...), about...)
		lines = append(lines, "")
	case len(menu)+len(form)+1+len(status) <= h || m.focus == focusPicker:
		lines = m.menuLines(w, false)
		if len(menu)+1+len(form)+1+len(status) <= h {
			lines = append(lines, "")
		}
	default:
		lines = m.menuLines(w, true)
		if len(lines)+len(form)+1+len(status) > h {
			form = dropBlank(form) // the blank lines between fields go last
		}
	}
	if m.phase == phaseIdle && len(lines)+len(form)+1+len(status) > h {
		status = nil // the hint is in the footer too
	}
	lines = append(lines, form...)
	if len(status) > 0 {
		lines = append(append(lines, ""), status...)
	}
	return strings.Join(lines, "\n")
}

// providerLines are the hosted-UI flow's choice of identity provider
// (p cycles it), where the list came from, and why the pool's own list
// could not be read. Names and reasons come from the pool, the profile or
// an error: they are cleaned for the terminal.
func (m Model) providerLines(w int) []string {
	t, tg := m.t, m.target
	wrap := func(s string) []string { return strings.Split(ansi.Wrap(t.Muted.Render(s), w, " "), "\n") }
	var out []string
	if len(tg.IdentityProviders) > 0 {
		via := "the hosted UI's page"
		if p := m.identityProvider(); p != "" {
			via = termtext.Line(p) + " (identity_provider)"
		}
		out = append(out, t.Muted.Render("Sign in via"), t.Text.Render(via))
		names := make([]string, 0, len(tg.IdentityProviders)+1)
		names = append(names, "page")
		for _, n := range tg.IdentityProviders {
			names = append(names, termtext.Line(n))
		}
		out = append(out, wrap("p: "+strings.Join(names, " / "))...)
		if tg.ProvidersFrom != "" {
			out = append(out, wrap("list from "+termtext.Line(tg.ProvidersFrom))...)
		}
	}
	if tg.ProvidersUnread != "" {
		why := "pool's providers not read: " + termtext.Line(tg.ProvidersUnread)
		if len(tg.IdentityProviders) == 0 {
			why = "no identity providers: " + termtext.Line(tg.ProvidersUnread)
		}
		out = append(out, wrap(why)...)
	}
	return out
}

// dropBlank drops the empty lines of a form.
func dropBlank(lines []string) []string {
	var out []string
	for _, l := range lines {
		if strings.TrimSpace(ansi.Strip(l)) != "" {
			out = append(out, l)
		}
	}
	return out
}

// menuLines is the flow picker; only the picked flow when onlyPicked.
func (m Model) menuLines(w int, onlyPicked bool) []string {
	t := m.t
	var lines []string
	for i, e := range menu {
		if onlyPicked && i != m.cursor {
			continue
		}
		row := "  " + e.title
		if i == m.cursor {
			row = theme.Pointer + " " + e.title
			if m.focus == focusPicker {
				row = t.Selected.Render(widgets.PadRight(row, w))
			} else {
				row = t.Accent.Render(row)
			}
		}
		lines = append(lines, row)
	}
	return lines
}

func fieldLabel(f field) string {
	switch f {
	case fieldUsername:
		return "Username"
	case fieldPassword:
		return "Password"
	case fieldClientScopes:
		return "Scopes (custom scopes only)"
	}
	return "Scopes"
}

// statusLines say what the run is doing, with a spinner while it waits.
func (m Model) statusLines(w int) []string {
	t := m.t
	wrap := func(s string) []string { return strings.Split(ansi.Wrap(s, w, " "), "\n") }
	switch m.phase {
	case phaseStarting, phaseRunning, phaseAnswering:
		lines := wrap(m.spin.View() + " " + t.Text.Render(m.waiting))
		if u := m.browserURL(); u != "" {
			how := "c copies the URL"
			if m.open != nil {
				how = "o opens it again, c copies it"
			}
			lines = append(lines, "")
			lines = append(lines, wrap(t.Muted.Render("Sign in on the page the browser shows; if none opened, open this URL yourself ("+how+"):"))...)
			// The whole URL, broken anywhere: a cut URL cannot be typed in.
			for _, l := range strings.Split(ansi.Hardwrap(u, max(w, 10), false), "\n") {
				lines = append(lines, t.Accent.Render(l))
			}
		}
		return lines
	case phaseChallenge:
		return nil
	}
	// The last run's outcome, while the user has not moved on to another
	// flow or its form: once they do, it would read as this form's.
	if m.focus != focusForm && menu[m.cursor].flow == m.ran.flow {
		switch m.phase {
		case phaseDone:
			return wrap(t.OK.Render(theme.Check + " signed in: press 2 for the tokens"))
		case phaseFailed:
			return wrap(t.Error.Render(theme.Cross+" failed") + t.Muted.Render(": see the trace"))
		case phaseCancelled:
			return wrap(t.Muted.Render("cancelled"))
		}
	}
	if len(menu[m.cursor].fields) == 0 {
		return wrap(t.Muted.Render("enter: run")) // no form to fill in
	}
	return wrap(t.Muted.Render("enter: fill in the form, then run"))
}

const qrTitle = "Scan with an authenticator app"

// showingQR reports whether MFA setup waits for a scan.
func (m Model) showingQR() bool {
	return m.focus == focusChallenge && m.challenge.c.OTPAuthURI != ""
}

// qrPaneWidth is the pane width that shows the URI's QR code whole.
func qrPaneWidth(uri string) int {
	lines, err := widgets.QR(uri, false)
	if err != nil || len(lines) == 0 {
		return 0
	}
	return ansi.StringWidth(lines[0]) + 2
}

// diagramView is the sequence diagram, or the QR code while MFA setup
// waits for its first code.
func (m Model) diagramView(w, h int) (string, string) {
	if m.showingQR() {
		return qrTitle, m.qrView(w, h)
	}
	lines := m.diagram.lines
	if len(lines) > h && h > 1 {
		// The newest arrows stay in view under the parties' names, which
		// say whose lifeline is whose.
		lines = append([]string{lines[0]}, lines[len(lines)-h+1:]...)
	}
	return "Sequence", strings.Join(lines, "\n")
}

// qrView draws the otpauth URI as a QR code in w×h cells, with the secret
// spelled out below for typing it in instead.
func (m Model) qrView(w, h int) string {
	c := m.challenge.c
	var lines []string
	qr, err := widgets.QR(c.OTPAuthURI, !m.t.IsDark)
	switch {
	case err != nil:
		lines = append(lines, m.t.Error.Render(termtext.Line(err.Error())))
	case len(qr) > 0 && (ansi.StringWidth(qr[0]) > w || len(qr) > h-1):
		lines = append(lines, m.t.Warn.Render(ansi.Wrap(fmt.Sprintf("enlarge the terminal to %d×%d or more to see the QR code",
			ansi.StringWidth(qr[0])+m.lay.leftW+2, len(qr)+7), max(w, 10), " ")))
	default:
		lines = append(lines, qr...)
	}
	if u, err := url.Parse(c.OTPAuthURI); err == nil {
		if s := u.Query().Get("secret"); s != "" {
			// Whole, in groups of four (authenticator apps ignore the
			// spaces): cut, it would be of no use.
			lines = append(lines, m.t.Muted.Render("or type the key into the app:"))
			for _, l := range strings.Split(ansi.Wrap(groupsOf4(s), max(w, 4), " "), "\n") {
				lines = append(lines, m.t.Secret.Render(l))
			}
		}
	}
	return strings.Join(lines, "\n")
}

// groupsOf4 spaces a key out for reading: "JBSW Y3DP EHPK 3PXP".
func groupsOf4(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// fullPaneView is the error state when the service could not be reached.
func (m Model) fullPaneView() string {
	w := m.width
	lines := []string{m.t.Error.Render("The sign-in stopped: the service did not answer."), ""}
	lines = append(lines, widgets.Failure(m.t, m.failure, w-4, "")...)
	lines = append(lines, "", m.t.Muted.Render("The console is still usable: esc returns to the trace, and you can run the flow again."))
	return widgets.Pane(m.t, "Error", strings.Join(lines, "\n"), w, m.height, true)
}
