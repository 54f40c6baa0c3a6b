package timeline

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/cogscope/cogscope/inspect"
	"github.com/cogscope/cogscope/ui/common"
	"github.com/cogscope/cogscope/ui/service"
	"github.com/cogscope/cogscope/ui/theme"
	"github.com/cogscope/cogscope/ui/widgets"
)

// wideFrom is the width from which the detail stands beside the list;
// below it the detail takes the screen on enter.
const wideFrom = 110

// Limits of the detail: a body or a log message is laid out to at most
// this many lines.
const maxBodyLines = 400

// maxTextCells bounds the text laid out for the detail (widgets.Head:
// about four bytes a cell).
const maxTextCells = 16 << 10

func (m Model) wide() bool { return m.width >= wideFrom }

// listWidth and detailWidth are the panes' outer widths.
func (m Model) listWidth() int {
	if !m.wide() {
		return m.width
	}
	return m.width * 9 / 20
}

func (m Model) detailWidth() int {
	if !m.wide() {
		return m.width
	}
	return m.width - m.listWidth()
}

func (m Model) paneHeight() int { return max(m.height-1, 2) }

// View draws the summary line, then the list and the detail of the
// entry under the cursor (beside it when wide; instead of it after enter
// when narrow).
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	head := widgets.Cut(m.summary(), m.width)
	h := m.paneHeight()
	switch {
	case len(m.rows) == 0:
		body := m.t.Muted.Render(ansi.Wrap("Nothing yet. Sign in (1), call a route (3): each sign-in with its calls and "+
			"challenges, the tokens it issued, each call with its status and the log lines that carry its request id "+
			"line up here, in the order they happened.", max(m.width-4, 10), " "))
		return head + "\n" + widgets.Pane(m.t, "Timeline", body, m.width, h, false)
	case m.wide():
		list := widgets.Pane(m.t, m.listTitle(), m.listBody(m.listWidth()-2, h-2), m.listWidth(), h, !m.detail)
		return head + "\n" + widgets.Beside(list, m.detailPane(m.detailWidth(), h))
	case m.detail:
		return head + "\n" + m.detailPane(m.width, h)
	}
	return head + "\n" + widgets.Pane(m.t, m.listTitle(), m.listBody(m.width-2, h-2), m.width, h, true)
}

// summary counts what the timeline holds.
func (m Model) summary() string {
	var signIns, tokens, calls, lines int
	for _, g := range m.st.groups {
		switch g.kind {
		case groupSignIn:
			signIns++
		case groupCall:
			calls++
			lines += len(m.st.linesOf(g))
		}
		tokens += len(g.tokens)
	}
	s := fmt.Sprintf("%s · %s · %s · %s by request id", plural(signIns, "sign-in"), plural(tokens, "token"),
		plural(calls, "call"), plural(lines, "log line"))
	if d, dl := m.st.dropped, m.st.droppedLines; d+dl > 0 {
		s += fmt.Sprintf(" · %d entries and %d lines dropped", d, dl)
	}
	return m.t.Muted.Render(s)
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func (m Model) listTitle() string {
	title := "Timeline"
	if len(m.rows) > 0 {
		title += fmt.Sprintf(" · %d/%d", m.cursor+1, len(m.rows))
	}
	return title
}

// listBody is the rows in view, w cells wide, h rows.
func (m Model) listBody(w, h int) string {
	end := min(m.top+h, len(m.rows))
	out := make([]string, 0, h)
	for i := m.top; i < end; i++ {
		out = append(out, m.rowLine(m.rows[i], w, i == m.cursor))
	}
	return strings.Join(out, "\n")
}

// rowLine is one row: the time, the indent of what belongs to a group,
// a mark and a line of text.
func (m Model) rowLine(r row, w int, sel bool) string {
	t := m.t
	at, mark, text := m.rowText(r)
	ts := "        "
	if !at.IsZero() {
		ts = at.Format("15:04:05")
	}
	indent := ""
	if r.kind != rowHead {
		indent = "  "
	}
	if sel {
		plain := ts + " " + indent + ansi.Strip(mark) + " " + text
		return t.Selected.Render(widgets.PadRight(plain, w))
	}
	return widgets.Cut(t.Muted.Render(ts)+" "+indent+mark+" "+text, w)
}

// rowText is a row's time, its mark (styled) and its text (clean, plain).
func (m Model) rowText(r row) (time.Time, string, string) {
	t := m.t
	g := r.g
	switch r.kind {
	case rowStep:
		s := g.steps[r.i]
		mark := t.OK.Render(theme.Check)
		if s.Error != nil {
			mark = t.Error.Render(theme.Cross)
		}
		title := s.Title
		if title == "" {
			title = s.Operation
		}
		return s.Started, mark, fmt.Sprintf("%d %s", s.Index, common.CleanLine(title))
	case rowFailure:
		return g.at, t.Error.Render(theme.Cross), "failed: " + common.CleanLine(failureLine(g.failure))
	case rowToken:
		tk := g.tokens[r.i]
		text := tokenName(tk.use)
		switch {
		case tk.opaque:
			text += " (opaque: nothing to decode)"
		default:
			if tk.jti != "" {
				text += " · jti " + common.CleanLine(tk.jti)
			}
			if !tk.exp.IsZero() {
				text += " · expires " + tk.exp.Format("15:04:05")
			}
		}
		return g.issued, t.Accent.Render("◆"), text
	case rowLine:
		e := m.st.linesOf(g)[r.i]
		msg := e.Message
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		return e.Time, t.Muted.Render(theme.Lifeline), common.CleanLine(shortGroup(e.Group)) + "  " +
			common.CleanLine(widgets.Head(msg, 400))
	}
	// The group's own row.
	switch g.kind {
	case groupSignIn:
		mark, what := t.Muted.Render(theme.Pointer), "no outcome yet"
		switch {
		case g.failure != nil:
			mark, what = t.Error.Render(theme.Cross), "failed"
		case g.tokens != nil:
			mark, what = t.OK.Render(theme.Check), "signed in"
		}
		return g.at, mark, common.CleanLine(g.flow) + " sign-in · " + what
	case groupTokens:
		return g.at, t.Accent.Render(theme.Pointer), "tokens from " + common.CleanLine(g.from)
	}
	c := g.call
	what := common.CleanLine(c.Request.Method + " " + c.Request.Path)
	if c.Result == nil {
		msg := "no answer"
		if c.Err != nil {
			msg = service.AsFailure(c.Err).Error()
		}
		return g.sent, t.Error.Render(theme.Cross), what + " → " + common.CleanLine(msg)
	}
	mark := t.OK.Render(theme.Check)
	if c.Result.Status >= 400 {
		mark = t.Error.Render(theme.Cross)
	}
	text := what + " → " + statusText(c.Result.Status)
	if id := c.Result.RequestID; id != "" {
		text += " · " + common.CleanLine(id)
	}
	return g.sent, mark, text
}

func failureLine(f *service.Failure) string {
	if f.Type != "" {
		return f.Type + ": " + f.Message
	}
	return f.Error()
}

func statusText(code int) string {
	if s := http.StatusText(code); s != "" {
		return fmt.Sprintf("%d %s", code, s)
	}
	return fmt.Sprint(code)
}

func tokenName(u service.TokenUse) string {
	switch u {
	case service.TokenID:
		return "ID token"
	case service.TokenAccess:
		return "access token"
	case service.TokenRefresh:
		return "refresh token"
	}
	return "token"
}

// shortGroup names a group by its last part, with the one before when
// the last is short ("demo-http/access"), as the Logs view does.
func shortGroup(g string) string {
	parts := strings.Split(strings.Trim(g, "/"), "/")
	last := parts[len(parts)-1]
	if len(last) <= 8 && len(parts) > 1 {
		return parts[len(parts)-2] + "/" + last
	}
	return last
}

// detailPane is the detail of the entry under the cursor in a pane.
func (m Model) detailPane(w, h int) string {
	r, ok := m.selected()
	if !ok {
		return widgets.Pane(m.t, "Detail", "", w, h, false)
	}
	lines := m.detailLines(w)
	from := min(m.scroll, max(len(lines)-1, 0))
	title := m.detailTitle(r)
	if len(lines) > h-2 {
		title += fmt.Sprintf(" · %d–%d/%d", from+1, min(from+h-2, len(lines)), len(lines))
	}
	return widgets.Pane(m.t, title, widgets.Visible(lines, from, h-2), w, h, m.detail)
}

func (m Model) detailTitle(r row) string {
	switch r.kind {
	case rowStep:
		s := r.g.steps[r.i]
		return fmt.Sprintf("Step %d · %s", s.Index, common.CleanLine(s.Operation))
	case rowFailure:
		return "Sign-in failed"
	case rowToken:
		return tokenName(r.g.tokens[r.i].use)
	case rowLine:
		return "Log line"
	}
	switch r.g.kind {
	case groupSignIn:
		return common.CleanLine(r.g.flow) + " sign-in"
	case groupTokens:
		return "Tokens"
	}
	return "Call"
}

// detailLines lays out the detail of the entry under the cursor for a
// pane w cells wide (outer), once: frames and scrolling reuse it until
// the entries, the cursor, the width or the theme change.
func (m Model) detailLines(w int) []string {
	r, ok := m.selected()
	if !ok {
		return nil
	}
	c := m.cache
	if c.valid && c.row.same(r) && c.w == w && c.t == m.t {
		return c.lines
	}
	lines := m.layoutDetail(r, w)
	*m.cache = detailCache{valid: true, row: r, w: w, t: m.t, lines: lines}
	return lines
}

// layoutDetail lays out the detail of r.
func (m Model) layoutDetail(r row, w int) []string {
	iw := max(w-2, 10)
	switch r.kind {
	case rowStep:
		s := r.g.steps[r.i]
		var f *service.Failure
		if s.Error != nil {
			f = widgets.StepFailure(s, r.g.failure)
		}
		lines := widgets.TraceStep(m.t, s, f, false, iw)
		if id := s.RequestID; id != "" {
			lines = append(lines, "  "+m.t.Muted.Render("request id ")+m.t.Text.Render(common.CleanLine(id)))
		}
		return lines
	case rowFailure:
		return widgets.Failure(m.t, r.g.failure, iw, "")
	case rowToken:
		return m.tokenDetail(r.g, r.g.tokens[r.i], iw)
	case rowLine:
		return m.lineDetail(r.g, m.st.linesOf(r.g)[r.i], iw)
	}
	switch r.g.kind {
	case groupSignIn:
		return m.signInDetail(r.g, iw)
	case groupTokens:
		return m.tokensDetail(r.g, iw)
	}
	return m.callDetail(r.g, iw)
}

// kv is a label and a value on one line, the value cut to the width.
func (m Model) kv(label, value string, w int) string {
	return widgets.Cut(m.t.Muted.Render(label+" ")+m.t.Text.Render(value), w)
}

// muted styles lines as muted.
func (m Model) muted(lines []string) []string {
	for i, l := range lines {
		lines[i] = m.t.Muted.Render(l)
	}
	return lines
}

// wrap wraps clean text to w cells.
func wrap(s string, w int) []string {
	return strings.Split(ansi.Wrap(s, max(w, 10), " "), "\n")
}

func (m Model) signInDetail(g *group, w int) []string {
	t := m.t
	out := []string{t.Bold.Render(common.CleanLine(g.flow) + " sign-in"), m.kv("started", g.at.Format("15:04:05.000"), w),
		m.kv("steps  ", fmt.Sprint(len(g.steps)), w), ""}
	for i := range g.steps {
		_, mark, text := m.rowText(row{g: g, kind: rowStep, i: i})
		out = append(out, widgets.Cut(mark+" "+text, w))
	}
	switch {
	case g.failure != nil:
		out = append(out, "")
		out = append(out, widgets.Failure(t, g.failure, w, "")...)
	case g.tokens != nil:
		out = append(out, "", t.OK.Render(theme.Check+" signed in: ")+t.Text.Render(plural(len(g.tokens), "token")+" issued (below)"))
	default:
		out = append(out, "", t.Muted.Render("no outcome yet: running, waiting at a challenge, or cancelled"))
	}
	out = append(out, "", t.Muted.Render("↓ selects the steps: each shows its request and response, secrets masked."))
	return out
}

func (m Model) tokensDetail(g *group, w int) []string {
	out := []string{m.t.Bold.Render("tokens from " + common.CleanLine(g.from)), m.kv("at", g.at.Format("15:04:05.000"), w), ""}
	for i := range g.tokens {
		_, mark, text := m.rowText(row{g: g, kind: rowToken, i: i})
		out = append(out, widgets.Cut(mark+" "+text, w))
	}
	return out
}

func (m Model) tokenDetail(g *group, tk token, w int) []string {
	t := m.t
	out := []string{t.Bold.Render(tokenName(tk.use)) + t.Muted.Render(" from "+common.CleanLine(g.from)),
		m.kv("issued ", g.issued.Format("15:04:05.000"), w)}
	if tk.jti != "" {
		out = append(out, m.kv("jti    ", common.CleanLine(tk.jti), w))
	}
	if !tk.exp.IsZero() {
		// No countdown: the detail is laid out once (view 2 counts down).
		out = append(out, m.kv("expires", tk.exp.Format("2006-01-02 15:04:05 MST")+" ("+
			inspect.FormatDuration(tk.exp.Sub(g.issued), inspect.Compact)+" after it arrived)", w))
	}
	r := tk.report
	switch {
	case tk.opaque && (r == nil || len(r.Checks) == 0):
		return append(out, "", t.Muted.Render("an opaque token: nothing in it can be read"))
	case r == nil:
		return append(out, "", t.Muted.Render("not decoded (no token service)"))
	case r.Token == nil:
		out = append(out, "")
		for _, c := range r.Checks {
			if c.Status == inspect.StatusFail {
				out = append(out, wrap(common.CleanLine(c.Detail), w)...)
			}
		}
		return out
	}
	out = append(out, "")
	out = append(out, m.muted(wrap("decoded, not verified here: the Tokens view (2) verifies it", w))...)
	out = append(out, "", t.PaneTitle.Render("Header"))
	out = append(out, m.claims(r.Header, w)...)
	out = append(out, "", t.PaneTitle.Render("Claims"))
	return append(out, m.claims(r.Claims, w)...)
}

// claims lists claims: name, value, and what it means.
func (m Model) claims(cs []inspect.Claim, w int) []string {
	nw := 0
	for _, c := range cs {
		nw = max(nw, ansi.StringWidth(common.CleanLine(c.Name)))
	}
	nw = min(nw, max(w/3, 6))
	var out []string
	for _, c := range cs {
		v := c.Display
		if v == "" {
			v = string(c.Value)
		}
		line := m.t.Muted.Render(widgets.PadRight(common.CleanLine(c.Name), nw)) + " " + m.t.Text.Render(common.CleanLine(v))
		if c.Meaning != "" {
			line += m.t.Muted.Render(" — " + common.CleanLine(c.Meaning))
		}
		out = append(out, widgets.Cut(line, w))
	}
	return out
}

func (m Model) callDetail(g *group, w int) []string {
	t := m.t
	c := g.call
	req := c.Request
	out := []string{t.Bold.Render(common.CleanLine(req.Method+" "+req.Path)) + t.Muted.Render(" sent "+g.sent.Format("15:04:05.000")+
		" with "+tokenSent(req.TokenChoice))}
	if req.Route != nil && req.Route.Authorizer != "" {
		out = append(out, m.kv("route  ", common.CleanLine(req.Route.API+" · authorizer "+string(req.Route.Authorizer)+" "+req.Route.AuthorizerName), w))
	}
	if c.Result == nil {
		f := service.AsFailure(c.Err)
		if f == nil {
			f = service.AsFailure(fmt.Errorf("no answer"))
		}
		return append(append(out, ""), widgets.Failure(t, f, w, "")...)
	}
	res := c.Result
	st := t.OK
	if res.Status >= 400 {
		st = t.Error
	}
	out = append(out, st.Render(statusText(res.Status))+t.Muted.Render(" in "+millis(res.Timings.Total)))
	if res.RequestID != "" {
		out = append(out, m.kv("request id", common.CleanLine(res.RequestID), w))
	}
	if j := res.Judgement; j != nil && j.Verdict != service.VerdictOK {
		out = append(out, "")
		if j.FailedCheck != "" {
			out = append(out, t.Error.Render(theme.Cross+" failed check: "+common.CleanLine(j.FailedCheck)))
		}
		for _, kv := range [][2]string{{"API Gateway", j.Gateway}, {"diagnosis", j.Diagnosis}, {"fix", j.Fix}} {
			if kv[1] != "" {
				for i, l := range wrap(common.CleanLine(kv[1]), w-12) {
					label := "           "
					if i == 0 {
						label = widgets.PadRight(kv[0], 11)
					}
					out = append(out, t.Muted.Render(label)+" "+t.Text.Render(l))
				}
			}
		}
	}
	lines := m.st.linesOf(g)
	out = append(out, "", t.PaneTitle.Render(fmt.Sprintf("Log lines · %d with this request id", len(lines))))
	if len(lines) == 0 {
		out = append(out, m.muted(wrap("none yet: looked for in the route's log groups and the Logs view's (4)", w))...)
	}
	for _, e := range lines {
		msg := e.Message
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		out = append(out, widgets.Cut(t.Muted.Render(e.Time.Format("15:04:05.000")+" "+common.CleanLine(shortGroup(e.Group)))+" "+
			t.Text.Render(common.CleanLine(widgets.Head(msg, w))), w))
	}
	if len(res.Headers) > 0 {
		out = append(out, "", t.PaneTitle.Render("Headers"))
		for _, h := range res.Headers {
			out = append(out, widgets.Cut(t.Muted.Render(common.CleanLine(h.Name)+":")+" "+t.Text.Render(common.CleanLine(h.Value)), w))
		}
	}
	if len(res.Body) > 0 {
		out = append(out, "", t.PaneTitle.Render(fmt.Sprintf("Body · %d bytes", res.Size)))
		out = append(out, m.text(string(res.Body), w)...)
	}
	return out
}

// millis says a call's duration in milliseconds ("12 ms", "<1 ms").
func millis(d time.Duration) string {
	if d < time.Millisecond {
		return "<1 ms"
	}
	return fmt.Sprintf("%d ms", d.Milliseconds())
}

func tokenSent(c service.TokenChoice) string {
	switch c {
	case service.SendAccess:
		return "the access token"
	case service.SendID:
		return "the ID token"
	case service.SendPasted:
		return "a pasted token"
	}
	return "no token"
}

// text lays out text from a server: JSON pretty-printed, anything else
// wrapped; cleaned first, at most maxBodyLines lines.
func (m Model) text(s string, w int) []string {
	// A body may be a MiB: what maxBodyLines can show is far less.
	s = common.Clean(widgets.Head(s, maxTextCells))
	var lines []string
	cut := false
	if widgets.LooksLikeJSON(s) {
		lines, cut = widgets.PrettyJSON(s, maxBodyLines)
	} else {
		for _, l := range strings.Split(s, "\n") {
			lines = append(lines, wrap(strings.ReplaceAll(l, "\t", "    "), w)...)
			if len(lines) >= maxBodyLines {
				lines, cut = lines[:maxBodyLines], true
				break
			}
		}
	}
	for i, l := range lines {
		lines[i] = widgets.Cut(m.t.Text.Render(l), w)
	}
	if cut {
		lines = append(lines, m.t.Muted.Render(theme.Ellipsis+" cut"))
	}
	return lines
}

func (m Model) lineDetail(g *group, e service.LogEvent, w int) []string {
	t := m.t
	out := []string{
		m.kv("time      ", e.Time.Format("2006-01-02 15:04:05.000"), w),
		m.kv("group     ", common.CleanLine(e.Group), w),
		m.kv("stream    ", common.CleanLine(e.Stream), w),
		m.kv("request id", common.CleanLine(e.RequestID), w),
	}
	if c := g.call; c != nil && c.Result != nil {
		out = append(out, m.kv("call      ", common.CleanLine(c.Request.Method+" "+c.Request.Path)+" → "+statusText(c.Result.Status), w))
	}
	out = append(out, "", t.PaneTitle.Render("Message"))
	return append(out, m.text(e.Message, w)...)
}
