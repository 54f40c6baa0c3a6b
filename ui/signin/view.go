package signin

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/charmbracelet/x/ansi"

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
	if m.fullPane && m.failure != nil {
		return m.fullPaneView()
	}
	l := m.lay
	left := widgets.Pane(m.t, "Sign in", m.leftView(l.leftW-2), l.leftW, l.leftH, m.focus != focusPicker)
	if m.showingQR() {
		// Scanning needs the whole code: the QR pane takes the room it
		// needs from the trace, or the whole right column when stacked.
		if l.stacked {
			return widgets.Beside(left, widgets.Pane(m.t, qrTitle, m.qrView(l.traceW-2, l.leftH-2), l.traceW, l.leftH, true))
		}
		if need := qrPaneWidth(m.challenge.c.OTPAuthURI); l.diagW < need && l.traceW+l.diagW-need >= 20 {
			l.traceW, l.diagW = l.traceW+l.diagW-need, need
		}
	}
	trace := widgets.Pane(m.t, m.traceTitle(), widgets.Visible(m.traceLines, m.trace.YOffset(), l.traceH-2), l.traceW, l.traceH, false)
	diagTitle, diag := m.diagramView(l.diagW-2, l.diagH-2)
	d := widgets.Pane(m.t, diagTitle, diag, l.diagW, l.diagH, false)
	if l.stacked {
		return widgets.Beside(left, trace+"\n"+d)
	}
	return widgets.Beside(left, trace, d)
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
// the run is doing.
func (m Model) leftView(w int) string {
	t := m.t
	var lines []string
	lines = append(lines, t.Muted.Render("Flow"))
	for i, e := range menu {
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
	e := menu[m.cursor]
	lines = append(lines, strings.Split(ansi.Wrap(t.Muted.Render(e.about), w, " "), "\n")...)
	lines = append(lines, "")

	if m.focus == focusChallenge {
		lines = append(lines, m.challenge.view(t, w))
	} else {
		for i, f := range e.fields {
			st := t.Muted
			if m.focus == focusForm && i == m.field {
				st = t.Accent
			}
			lines = append(lines, st.Render(fieldLabel(f)), m.inputs[f].View())
		}
		if e.flow == "refresh" {
			if m.session.RefreshToken == "" {
				lines = append(lines, t.Muted.Render("no session yet: sign in first"))
			} else {
				lines = append(lines, t.Muted.Render("uses the session's refresh token"))
			}
		}
	}
	lines = append(lines, "")
	lines = append(lines, m.statusLines(w)...)
	return strings.Join(lines, "\n")
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
			lines = append(lines, wrap(t.Muted.Render("Sign in on the page the browser shows. "+how+":"))...)
			lines = append(lines, t.Accent.Render(widgets.Cut(u, w)))
		}
		return lines
	case phaseChallenge:
		return nil
	case phaseDone:
		return wrap(t.OK.Render(theme.Check + " signed in: press 2 for the tokens"))
	case phaseFailed:
		return wrap(t.Error.Render(theme.Cross+" failed") + t.Muted.Render(": see the trace"))
	case phaseCancelled:
		return wrap(t.Muted.Render("cancelled"))
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
	if len(lines) > h && h > 0 {
		lines = lines[len(lines)-h:]
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
		lines = append(lines, m.t.Error.Render(err.Error()))
	case len(qr) > 0 && (ansi.StringWidth(qr[0]) > w || len(qr) > h-1):
		lines = append(lines, m.t.Warn.Render(ansi.Wrap(fmt.Sprintf("enlarge the terminal to %d×%d or more to see the QR code",
			ansi.StringWidth(qr[0])+m.lay.leftW+2, len(qr)+7), max(w, 10), " ")))
	default:
		lines = append(lines, qr...)
	}
	if u, err := url.Parse(c.OTPAuthURI); err == nil {
		if s := u.Query().Get("secret"); s != "" {
			lines = append(lines, m.t.Muted.Render("or type the key into the app:"), m.t.Secret.Render(s))
		}
	}
	return strings.Join(lines, "\n")
}

// fullPaneView is the error state when the service could not be reached.
func (m Model) fullPaneView() string {
	w := m.width
	lines := []string{m.t.Error.Render("The sign-in stopped: the service did not answer."), ""}
	lines = append(lines, widgets.Failure(m.t, m.failure, w-4, "")...)
	lines = append(lines, "", m.t.Muted.Render("The console is still usable: esc returns to the trace, and you can run the flow again."))
	return widgets.Pane(m.t, "Error", strings.Join(lines, "\n"), w, m.height, true)
}
