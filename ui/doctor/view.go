package doctor

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/ui/common"
	"github.com/cogscope/cogscope/ui/service"
	"github.com/cogscope/cogscope/ui/theme"
	"github.com/cogscope/cogscope/ui/widgets"
)

// View draws the pane in exactly its area.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 || m.mode == modeClosed {
		return ""
	}
	w, h := m.width-2, m.height-2
	if m.mode == modeInput {
		return widgets.Pane(m.t, "Explain an error", m.inputView(w, h), m.width, m.height, true)
	}
	lines := m.lines
	if lines == nil || m.laidW != w {
		lines = m.content(w)
	}
	title := m.title()
	if len(lines) > h {
		title += fmt.Sprintf(" · lines %d–%d of %d", m.scroll+1, min(m.scroll+h, len(lines)), len(lines))
	}
	return widgets.Pane(m.t, title, widgets.Visible(lines, m.scroll, h), m.width, m.height, true)
}

// layout lays the content out for the pane's width, once.
func (m *Model) layout() {
	w := m.width - 2
	if m.lines != nil && m.laidW == w {
		return
	}
	m.laidW = w
	m.lines = m.content(w)
}

func (m Model) title() string {
	switch m.mode {
	case modeExplain:
		return "Explain an error"
	}
	title := "Doctor"
	if m.req.Flow != "" {
		title += " · " + service.Words.Flow(string(m.req.Flow))
	}
	return title
}

// content is the checklist or the explanation as lines of width w.
func (m Model) content(w int) []string {
	if w < 8 {
		return nil
	}
	if m.mode == modeExplain {
		return explanationLines(m.t, m.explained, m.explanation, w)
	}
	t := m.t
	switch {
	case m.svc == nil:
		return widgets.WrapLines(t.Muted, "The doctor is not available here: the console was started without it.", w, "")
	case m.id != 0:
		return widgets.WrapLines(t.Muted, "Reading the pool's, the app client's and the API's configuration and running the checks for "+
			service.Words.Flow(string(m.req.Flow))+"…", w, "")
	case m.reportErr != nil:
		f := service.AsFailure(m.reportErr)
		cf := *f
		cf.Message, cf.Type = common.CleanLine(cf.Message), common.CleanLine(cf.Type)
		return append([]string{t.Error.Render(theme.Cross + " the doctor could not run")}, widgets.Failure(t, &cf, w, "")...)
	case m.report == nil:
		return nil
	}
	return checklistLines(t, m.report, w)
}

// severity orders the checklist.
var severity = map[service.CheckStatus]int{service.CheckFail: 0, service.CheckWarn: 1, service.CheckSkipped: 2, service.CheckOK: 3}

// marks are the checks' glyphs and styles.
func mark(t *theme.Theme, s service.CheckStatus) string {
	switch s {
	case service.CheckOK:
		return t.OK.Render(theme.Check)
	case service.CheckWarn:
		return t.Warn.Render(theme.Caution)
	case service.CheckFail:
		return t.Error.Render(theme.Cross)
	}
	return t.Muted.Render(theme.Skip)
}

func counts(r *service.DoctorReport) string {
	return fmt.Sprintf("%d ok · %d warnings · %d failed · %d skipped", r.Count(service.CheckOK), r.Count(service.CheckWarn),
		r.Count(service.CheckFail), r.Count(service.CheckSkipped))
}

// checklistLines: what was checked and the counts, then each check (a
// warning's or failure's error, fix, catalogue entry and its link under it), then
// what could not be read and why.
func checklistLines(t *theme.Theme, r *service.DoctorReport, w int) []string {
	var out []string
	if r.Target != "" {
		out = append(out, widgets.WrapLines(t.Muted, common.CleanLine(r.Target), w, "")...)
	}
	out = append(out, t.Text.Render(widgets.Cut(counts(r), w)), "")
	// What needs doing first: failures, warnings, then what could not be
	// checked, then what passed (each in the rules' order).
	checks := slices.Clone(r.Checks)
	slices.SortStableFunc(checks, func(a, b service.Check) int { return severity[a.Status] - severity[b.Status] })
	for _, c := range checks {
		name := common.CleanLine(c.Name)
		if c.Subject != "" {
			name += " (" + common.CleanLine(c.Subject) + ")"
		}
		detail := common.CleanLine(c.Detail)
		st := t.Text
		if c.Status == service.CheckSkipped {
			st = t.Muted
		}
		head := mark(t, c.Status) + " " + t.Accent.Render(name)
		// The detail follows the name, wrapped under it.
		body := widgets.WrapLines(st, detail, w-2, "")
		out = append(out, widgets.Cut(head, w))
		for _, l := range body {
			out = append(out, "  "+l)
		}
		if c.Status == service.CheckWarn || c.Status == service.CheckFail {
			out = append(out, labelled(t, "error", c.Error, w)...)
			out = append(out, labelled(t, "fix", c.Fix, w)...)
			out = append(out, labelled(t, "see", c.Catalogue, w)...)
			out = append(out, linkLines(t, c.Link, w)...)
		}
	}
	out = append(out, unreadLines(t, r.Unread, w)...)
	return out
}

// unreadLines say what could not be read and why; for want of
// credentials, what to do about it.
func unreadLines(t *theme.Theme, us []service.Unread, w int) []string {
	if len(us) == 0 {
		return nil
	}
	out := []string{"", t.PaneTitle.Render("Not read")}
	creds := false
	for _, u := range us {
		line := common.CleanLine(u.What) + " (" + common.CleanLine(u.Op) + "): " + common.CleanLine(u.Reason)
		out = append(out, widgets.WrapLines(t.Warn, line, w-2, "  ")...)
		creds = creds || u.NoCredentials
	}
	if creds {
		out = append(out, widgets.WrapLines(t.Muted, "The checks that need these reads were skipped: the console has no AWS credentials to read the configuration with. "+
			"Set them (AWS_PROFILE, or aws_profile in the cogscope profile) and start the console again.", w-2, "  ")...)
	}
	return out
}

// verdicts are the confirmations' glyphs and words.
var verdicts = map[service.CauseVerdict]string{service.Confirmed: "confirmed", service.RuledOut: "ruled out", service.Unchecked: "unchecked"}

func verdictMark(t *theme.Theme, v service.CauseVerdict) string {
	switch v {
	case service.Confirmed:
		return t.Error.Render(theme.Cross)
	case service.RuledOut:
		return t.OK.Render(theme.Check)
	}
	return t.Muted.Render(theme.Skip)
}

// explanationLines: the text explained (its first line), the cause that
// fits best with its fix, what the target's configuration confirmed or
// ruled out, the other causes, and what could not be checked.
func explanationLines(t *theme.Theme, text string, x *service.Explanation, w int) []string {
	first, _, more := strings.Cut(strings.TrimSpace(text), "\n")
	pasted := common.CleanLine(first)
	if more {
		pasted += " " + theme.Ellipsis
	}
	out := []string{t.Muted.Render("pasted ") + t.Text.Render(widgets.Cut(pasted, max(w-7, 4))), ""}
	if x == nil {
		return out
	}
	switch {
	case x.Best != nil:
		out = append(out, causeLines(t, *x.Best, w, "")...)
	case x.Ambiguous:
		out = append(out, widgets.WrapLines(t.Warn, fmt.Sprintf("%d causes fit this text equally: say more (the endpoint, the operation, the grant), or see which the configuration confirms below.", len(x.Others)), w, "")...)
		for _, c := range x.Others {
			out = append(out, "")
			out = append(out, causeLines(t, c, w, "  ")...)
		}
	default:
		out = append(out, widgets.WrapLines(t.Warn, "No cause in the catalogue matches this text. Paste the exception name with its message "+
			"(NotAuthorizedException: …), the whole response body, or the error and error_description of a redirect.", w, "")...)
	}
	if x.Checked || len(x.Confirmations) > 0 {
		out = append(out, "", t.PaneTitle.Render("Checked against the target's configuration"))
		if len(x.Confirmations) == 0 {
			out = append(out, widgets.WrapLines(t.Muted, "no check bears on these causes", w-2, "  ")...)
		}
		for _, c := range x.Confirmations {
			by := common.CleanLine(c.Check)
			if c.Subject != "" {
				by += " (" + common.CleanLine(c.Subject) + ")"
			}
			head := verdictMark(t, c.Verdict) + " " + t.Text.Render(verdicts[c.Verdict]+" ") + t.Accent.Render(common.CleanLine(c.Cause)) +
				t.Muted.Render(" by "+by)
			out = append(out, widgets.Cut("  "+head, w))
			out = append(out, widgets.WrapLines(t.Text, common.CleanLine(c.Detail), w-4, "    ")...)
			if c.Verdict == service.Confirmed && c.Fix != "" {
				out = append(out, labelled(t, "fix", c.Fix, w)...)
			}
		}
	}
	if x.Best != nil && len(x.Others) > 0 {
		out = append(out, "", t.PaneTitle.Render("Also possible"))
		for _, c := range x.Others {
			out = append(out, widgets.WrapLines(t.Text, common.CleanLine(c.ID)+": "+common.CleanLine(firstSentence(c.Cause)), w-2, "  ")...)
		}
	}
	for _, n := range x.Notes {
		out = append(out, "")
		out = append(out, widgets.WrapLines(t.Warn, common.CleanLine(n), w, "")...)
	}
	return append(out, unreadLines(t, x.Unread, w)...)
}

// causeLines are one cause: its id, the cause, the fix, what matched and
// its link on the troubleshooting page.
func causeLines(t *theme.Theme, c service.Cause, w int, indent string) []string {
	head := common.CleanLine(c.ID)
	out := []string{widgets.Cut(indent+t.Accent.Render(head), w)}
	iw := w - len(indent)
	for _, l := range labelled(t, "cause", c.Cause, iw) {
		out = append(out, indent+l)
	}
	for _, l := range labelled(t, "fix", c.Fix, iw) {
		out = append(out, indent+l)
	}
	if len(c.Why) > 0 {
		for _, l := range labelled(t, "matched", strings.Join(c.Why, ", "), iw) {
			out = append(out, indent+l)
		}
	}
	for _, l := range linkLines(t, c.Link, iw) {
		out = append(out, indent+l)
	}
	return out
}

// linkLines is "    link    docs/troubleshooting.md#<entry>", a
// terminal hyperlink (OSC 8) to the entry on the troubleshooting page:
// the whole address does not fit a pane. Nothing for an empty link or
// one that is not to the page (the page's anchors are plain: letters,
// digits, '-', '.', '_').
func linkLines(t *theme.Theme, link string, w int) []string {
	frag, ok := strings.CutPrefix(link, flows.TroubleshootingURL+"#")
	if !ok || frag == "" || strings.IndexFunc(frag, func(r rune) bool {
		return r != '-' && r != '.' && r != '_' && (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9')
	}) >= 0 {
		return nil
	}
	const labelW = 8
	text := "docs/troubleshooting.md#" + frag
	return []string{widgets.Cut("    "+t.Muted.Render(widgets.PadRight("link", labelW))+
		ansi.SetHyperlink(link)+t.Text.Render(text)+ansi.ResetHyperlink(), w)}
}

// labelled is "    label  text", the text wrapped under itself; nothing
// for an empty text.
func labelled(t *theme.Theme, label, text string, w int) []string {
	text = common.CleanLine(text)
	if text == "" {
		return nil
	}
	const labelW = 8
	pad := strings.Repeat(" ", 4+labelW)
	var out []string
	for i, l := range strings.Split(ansi.Wrap(text, max(w-len(pad), 8), " "), "\n") {
		if i == 0 {
			out = append(out, "    "+t.Muted.Render(widgets.PadRight(label, labelW))+t.Text.Render(l))
			continue
		}
		out = append(out, pad+t.Text.Render(l))
	}
	return out
}

func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i > 0 {
		return s[:i+1]
	}
	return s
}

// inputView is the help above the text, the last failure if any, and the
// text.
func (m Model) inputView(w, h int) string {
	t := m.t
	var head []string
	switch {
	case m.id != 0:
		head = append(head, t.Muted.Render(widgets.Cut("explaining… (matching the catalogue, then checking the target's configuration)", w)))
	case m.explainErr != nil:
		head = append(head, t.Error.Render(widgets.Cut(theme.Cross+" could not explain: "+common.CleanLine(m.explainErr.Error()), w)))
	default:
		head = append(head, t.Muted.Render(widgets.Cut("Paste any error: Cognito's, the hosted UI's, API Gateway's, a JWT library's, CloudWatch's.", w)))
	}
	head = append(head, t.Muted.Render(widgets.Cut("enter explains · alt+enter new line · esc closes (the text is kept)", w)), "")
	return strings.Join(head, "\n") + "\n" + m.input.View()
}
