package api

import (
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/cogscope/cogscope/ui/common"
	"github.com/cogscope/cogscope/ui/service"
	"github.com/cogscope/cogscope/ui/theme"
	"github.com/cogscope/cogscope/ui/widgets"
)

// What of a body is laid out: its first MaxBodyShown bytes, in at most
// maxBodyLines lines; the rest is said, not shown.
const (
	MaxBodyShown = 1 << 20
	maxBodyLines = 20_000
)

// layout places the view's panes. Wide: routes, request and history on
// the left; the response on the right with the log pane below it, or
// beside it when there is room (160 columns). Narrow: everything stacked,
// the log pane last.
type layout struct {
	wide                 bool
	leftW, routesH, reqH int
	histH                int
	respX, respW, respH  int
	logsW, logsH         int
	logsBeside           bool
}

// reqRows is the request pane's height: route, token, warning (2 lines).
const reqRows = 6

func computeLayout(w, h int) layout {
	l := layout{wide: w >= 100}
	if l.wide {
		l.leftW = min(max(w*3/8, 36), 50)
		l.reqH = reqRows
		l.histH = min(max(h/4, 4), 10)
		l.routesH = max(h-l.reqH-l.histH, 3)
		rest := w - l.leftW
		l.respX = l.leftW
		if w >= 160 {
			l.logsBeside = true
			l.respW = rest * 11 / 20
			l.logsW = rest - l.respW
			l.respH, l.logsH = h, h
		} else {
			l.respW, l.logsW = rest, rest
			l.respH = h * 3 / 5
			l.logsH = h - l.respH
		}
		return l
	}
	// No history pane: the response's title counts the calls. On a
	// short screen the request pane loses its warning's reason and the
	// log pane goes (the Logs view has the lines).
	l.leftW = w
	l.routesH = max(min(h/5, 8), 3)
	l.reqH = reqRows
	if h < 20 {
		l.reqH = 4
	}
	rest := max(h-l.routesH-l.reqH, 3)
	l.respW, l.logsW = w, w
	if h < 16 {
		l.respH = rest
		return l
	}
	l.respH = rest * 3 / 5
	l.logsH = rest - l.respH
	return l
}

// listRows is how many routes the list shows.
func (l layout) listRows() int { return max(l.routesH-2, 1) }

// relayout lays out the call shown for the response pane's width.
func (m *Model) relayout() {
	c := m.current()
	if c == nil || c.pending || m.lay.respW < 4 {
		return
	}
	w := m.lay.respW - 2
	if c.width == w && c.lines != nil {
		return
	}
	c.width = w
	c.lines = responseLines(m.t, c, w)
	m.scroll = min(m.scroll, max(len(c.lines)-1, 0))
}

// View renders the panes.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	l := m.lay
	if m.svc == nil {
		msg := "No API is configured for this target. cmd lists the routes from the profile's API settings " +
			"(api_id, or an API Gateway endpoint), from the API's own configuration, or the local stack's demo APIs " +
			"— start the console on the local stack, or name an API in the profile."
		body := m.t.Muted.Render(ansi.Wrap(msg, max(min(m.width-6, 72), 10), " "))
		return widgets.Pane(m.t, "API", body, m.width, m.height, false)
	}
	routes := widgets.Pane(m.t, m.routesTitle(), m.routeList(l.leftW-2, l.listRows()), l.leftW, l.routesH, !m.Typing())
	req := widgets.Pane(m.t, withAPI("Request", m.route()), m.requestLines(l.leftW-2, l.reqH-2), l.leftW, l.reqH, m.Typing())
	resp := widgets.Pane(m.t, m.responseTitle(), m.responseBody(l.respW-2, l.respH-2), l.respW, l.respH, false)
	logPane := m.logs.View()
	if !l.wide {
		if l.logsH == 0 {
			return strings.Join([]string{routes, req, resp}, "\n")
		}
		return strings.Join([]string{routes, req, resp, logPane}, "\n")
	}
	left := routes + "\n" + req + "\n" + widgets.Pane(m.t, "History", m.historyLines(l.leftW-2, l.histH-2), l.leftW, l.histH, false)
	right := resp + "\n" + logPane
	if l.logsBeside {
		right = widgets.Beside(resp, logPane)
	}
	return widgets.Beside(left, right)
}

func (m Model) routesTitle() string {
	if len(m.routes) == 0 {
		return "Routes"
	}
	return fmt.Sprintf("Routes · %d", len(m.routes))
}

// maxTagW bounds the API tag in the route list.
const maxTagW = 18

// apiTags labels each route's API for the list: its kind ("HTTP",
// "REST") when no other API of that kind is listed, else the kind and
// the API's name; nil when every route is of one API (nothing to tell
// apart). Sanitised: the names come from the server.
func apiTags(routes []service.Route) []string {
	perKind := map[string]map[string]bool{}
	apis := map[string]bool{}
	for _, r := range routes {
		apis[r.API] = true
		if perKind[r.APIKind] == nil {
			perKind[r.APIKind] = map[string]bool{}
		}
		perKind[r.APIKind][r.API] = true
	}
	if len(apis) < 2 {
		return nil
	}
	tags := make([]string, len(routes))
	for i, r := range routes {
		if r.APIKind != "" && len(perKind[r.APIKind]) == 1 {
			tags[i] = common.CleanLine(r.APIKind)
			continue
		}
		name, _, _ := strings.Cut(r.API, " (") // "demo-http (a1b2c3)"
		tags[i] = common.CleanLine(strings.TrimSpace(r.APIKind + " " + name))
	}
	return tags
}

// apiLabel names a route's API in full for a pane's title: "HTTP
// cogscope-demo-http (cogshttp01)"; "" for the free-form request.
func apiLabel(r *service.Route) string {
	if r == nil {
		return ""
	}
	return common.CleanLine(strings.TrimSpace(r.APIKind + " " + r.API))
}

// withAPI adds a route's API to a pane's title.
func withAPI(title string, r *service.Route) string {
	if l := apiLabel(r); l != "" {
		return title + " · " + l
	}
	return title
}

// routeList is the visible part of the routes, then the free-form entry.
func (m Model) routeList(w, rows int) string {
	t := m.t
	switch {
	case m.loading:
		return t.Muted.Render("listing routes…")
	case m.routesErr != nil:
		return t.Error.Render(ansi.Wrap(theme.Cross+" could not list the routes: "+common.CleanLine(m.routesErr.Error()), max(w, 10), " "))
	}
	var out []string
	tagW := 0
	for _, tg := range m.tags {
		tagW = max(tagW, ansi.StringWidth(tg))
	}
	tagW = min(tagW, maxTagW, max(w-24, 0))
	if len(m.routes) == 0 && m.listTop == 0 {
		out = append(out, t.Muted.Render(widgets.Cut("no route configured: e sends a free-form request", w)))
	}
	for i := m.listTop; i <= len(m.routes) && len(out) < rows; i++ {
		var row string
		if i == len(m.routes) {
			row = "✎ free-form request (e)"
			if i == m.sel {
				row = t.Selected.Render(widgets.PadRight(row, w))
			} else {
				row = t.Muted.Render(row)
			}
			out = append(out, row)
			continue
		}
		r := m.routes[i]
		auth := string(r.Authorizer)
		if len(r.Scopes) > 0 {
			auth += " " + strings.Join(r.Scopes, ",")
		}
		auth = common.CleanLine(auth)
		method := widgets.PadRight(common.CleanLine(r.Method), 6)
		// The API's tag after the method, when the routes are of more
		// than one API: two /hello of two APIs are told apart.
		tag := ""
		if tagW > 0 {
			tag = widgets.PadRight(widgets.Cut(m.tags[i], tagW), tagW) + " "
		}
		lead := 7 + ansi.StringWidth(tag)
		path := common.CleanLine(r.Path)
		pathW := max(w-lead-ansi.StringWidth(auth)-1, 8)
		if i == m.sel {
			row = t.Selected.Render(widgets.PadRight(method+" "+tag+widgets.PadRight(widgets.CutMiddle(path, pathW), pathW)+" "+auth, w))
		} else {
			row = t.Accent.Render(method) + " " + t.Muted.Render(tag) + t.Text.Render(widgets.PadRight(widgets.CutMiddle(path, pathW), pathW)) + " " +
				t.Muted.Render(widgets.Cut(auth, max(w-lead-pathW-1, 0)))
		}
		out = append(out, row)
	}
	return strings.Join(out, "\n")
}

// requestLines say what enter sends: the request, the token, and the
// inspector's warning when it predicts a refusal.
func (m Model) requestLines(w, rows int) string {
	t := m.t
	if m.pasting {
		return m.paste.View()
	}
	if m.editing || m.route() == nil {
		out := []string{m.form[fieldMethod].View() + " " + m.form[fieldPath].View()}
		for _, f := range []int{fieldHeaders, fieldBody} {
			out = append(out, m.form[f].View())
		}
		out = append(out, m.tokenLine())
		if !m.editing {
			out[0] = t.Muted.Render("e or enter edits · ") + out[0]
		}
		return strings.Join(out, "\n")
	}
	r := m.route()
	head := t.Accent.Render(common.CleanLine(r.Method)) + " " + t.Text.Render(widgets.CutMiddle(common.CleanLine(r.Path), w-8))
	var about []string
	for _, s := range []string{r.AuthorizerName} {
		if s != "" {
			about = append(about, common.CleanLine(s))
		}
	}
	if len(about) > 0 {
		head += t.Muted.Render(" · " + strings.Join(about, " · "))
	}
	out := []string{widgets.Cut(head, w), m.tokenLine()}
	switch {
	case m.checking:
		out = append(out, t.Muted.Render("checking the token against the route's authorizer…"))
	case m.checkErr != nil:
		out = append(out, t.Warn.Render(widgets.Cut("could not judge the token: "+common.CleanLine(m.checkErr.Error()), w)))
	case m.warning != nil:
		wn := m.warning
		head := fmt.Sprintf("%s will fail: %d", theme.Warning, wn.Status)
		if wn.FailedCheck != "" {
			head += " · " + common.CleanLine(wn.FailedCheck)
		}
		if wn.Gateway != "" {
			head += " · " + common.CleanLine(wn.Gateway)
		}
		out = append(out, t.Warn.Render(widgets.Cut(head, w)))
		for _, l := range strings.Split(ansi.Wrap(common.CleanLine(wn.Reason), max(w-2, 8), " "), "\n") {
			out = append(out, "  "+t.Warn.Render(l))
		}
	case r.Authorizer == service.AuthIAM && m.choice == service.SendSigV4:
		for _, l := range strings.Split(ansi.Wrap("SigV4-signed by the identity pool's AWS credentials for the ID token", max(w, 8), " "), "\n") {
			out = append(out, t.Muted.Render(l))
		}
	case r.Authorizer == service.AuthIAM:
		// Without the service's warning, say it plainly.
		for _, l := range strings.Split(ansi.Wrap(theme.Warning+" AWS_IAM: a token is no use, sign the call ("+m.keys.Token.Help().Key+": SigV4)", max(w, 8), " "), "\n") {
			out = append(out, t.Warn.Render(l))
		}
	case r.Authorizer != service.AuthNone:
		out = append(out, t.OK.Render(theme.Check+" the authorizer should accept this token"))
	}
	if len(out) > rows {
		out = out[:rows]
	}
	return strings.Join(out, "\n")
}

// tokenLabel is a token choice as the view (and the a key's help) names it.
func tokenLabel(c service.TokenChoice) string {
	return map[service.TokenChoice]string{service.SendAccess: "access", service.SendID: "ID",
		service.SendNone: "none", service.SendPasted: "pasted", service.SendSigV4: "SigV4"}[c]
}

// tokenLine names the token enter sends.
func (m Model) tokenLine() string {
	t := m.t
	var parts []string
	for _, c := range m.tokenChoices() {
		label := tokenLabel(c)
		if c == m.choice {
			parts = append(parts, t.TabActive.Render(label))
		} else {
			parts = append(parts, t.Muted.Render(label))
		}
	}
	line := t.Muted.Render("token ("+m.keys.Token.Help().Key+") ") + strings.Join(parts, " ")
	if m.choice != service.SendNone && m.tokenFor(m.choice) == "" {
		line += " " + t.Warn.Render("none yet")
	}
	return line
}

func (m Model) historyLines(w, rows int) string {
	t := m.t
	if len(m.calls) == 0 {
		return t.Muted.Render(widgets.Cut("no call yet: enter sends", w))
	}
	// The newest at the bottom; the window keeps the call shown in view.
	start := max(len(m.calls)-rows, 0)
	if m.shown >= 0 && m.shown < start {
		start = m.shown
	}
	var out []string
	for i := start; i < len(m.calls) && len(out) < rows; i++ {
		c := m.calls[i]
		status := "…"
		st := t.Muted
		switch {
		case c.err != nil:
			status, st = "ERR", t.Error
		case c.res != nil:
			status, st = fmt.Sprint(c.res.Status), statusStyle(t, c.res.Status)
		}
		row := fmt.Sprintf("%-3s %s %s · %s", status, common.CleanLine(c.req.Method), common.CleanLine(c.req.Path), c.req.TokenChoice)
		if i == m.shown {
			out = append(out, t.Selected.Render(widgets.PadRight(row, w)))
		} else {
			out = append(out, st.Render(widgets.PadRight(status, 3))+" "+t.Text.Render(widgets.Cut(row[4:], w-4)))
		}
	}
	return strings.Join(out, "\n")
}

func (m Model) responseTitle() string {
	if len(m.calls) == 0 {
		return "Response"
	}
	title := fmt.Sprintf("Response · call %d of %d", m.shown+1, len(m.calls))
	if c := m.current(); c != nil {
		title = withAPI(title, c.req.Route)
	}
	return title
}

func (m Model) responseBody(w, rows int) string {
	c := m.current()
	if c == nil {
		return m.t.Muted.Render(ansi.Wrap("Pick a route and press enter to send it with the token chosen ("+m.keys.Token.Help().Key+"). "+
			"The response, the authorizer's judgement and the call's log lines show here.", max(w, 10), " "))
	}
	if c.pending {
		return m.t.Muted.Render(widgets.Cut("sending "+common.CleanLine(c.req.Method+" "+c.req.Path)+"…", w))
	}
	return widgets.Visible(c.lines, m.scroll, rows)
}

func statusStyle(t *theme.Theme, status int) lipgloss.Style {
	switch {
	case status >= 200 && status < 400:
		return t.OK
	case status == 401 || status == 403:
		return t.Warn
	}
	return t.Error
}

// responseLines lays out a finished call: status, request id, timing
// bar, judgement, headers, body.
func responseLines(t *theme.Theme, c *call, w int) []string {
	if c.err != nil {
		f := service.AsFailure(c.err)
		cf := *f
		cf.Message = common.CleanLine(cf.Message)
		cf.Type = common.CleanLine(cf.Type)
		return widgets.Failure(t, &cf, w, "")
	}
	r := c.res
	var out []string
	status := fmt.Sprintf("%d %s", r.Status, http.StatusText(r.Status))
	line := statusStyle(t, r.Status).Render(status) + t.Muted.Render(" · "+common.CleanLine(c.req.Method)+" ") + t.Text.Render(widgets.CutMiddle(common.CleanLine(c.req.Path), max(w/3, 8)))
	out = append(out, line)
	if r.RequestID != "" {
		out = append(out, t.Muted.Render("request id ")+t.Accent.Render(common.CleanLine(r.RequestID))+t.Muted.Render("  (l: its lines in Logs)"))
	}
	// The judgement first: on a small screen it is what must show.
	if j := r.Judgement; j != nil && (j.Verdict != service.VerdictOK || j.FailedCheck != "") {
		out = append(out, judgementLines(t, j, w)...)
	}
	out = append(out, preflightLines(t, r, w)...)
	out = append(out, timingBar(t, r.Timings, w)...)
	out = append(out, "", t.PaneTitle.Render("Headers"))
	for _, h := range r.Headers {
		out = append(out, t.Accent.Render(common.CleanLine(h.Name)+": ")+t.Text.Render(widgets.Cut(common.CleanLine(h.Value), max(w-ansi.StringWidth(h.Name)-2, 4))))
	}
	out = append(out, "", t.PaneTitle.Render(bodyTitle(r)))
	out = append(out, bodyLines(t, r, w)...)
	return out
}

func bodyTitle(r *service.CallResult) string {
	size := r.Size
	if size < int64(len(r.Body)) {
		size = int64(len(r.Body))
	}
	return "Body · " + humanBytes(size)
}

// bodyLines is the body: JSON pretty-printed, other text as it is, both
// sanitised; a large body is cut and says so.
func bodyLines(t *theme.Theme, r *service.CallResult, w int) []string {
	body := r.Body
	var notes []string
	if len(body) > MaxBodyShown {
		body = body[:MaxBodyShown]
	}
	if int64(len(body)) < r.Size || len(body) < len(r.Body) {
		notes = append(notes, fmt.Sprintf("cut: the first %s of %s shown", humanBytes(int64(len(body))), humanBytes(max(r.Size, int64(len(r.Body))))))
	}
	if !utf8.Valid(body) {
		// A body cut mid-character is still UTF-8.
		if cut := trimPartialRune(body); !utf8.Valid(cut) {
			notes = append(notes, "not UTF-8: bytes that are not are shown as �")
		}
	}
	text := common.Clean(string(body))
	var lines []string
	var more bool
	if widgets.LooksLikeJSON(text) {
		lines, more = widgets.PrettyJSON(text, maxBodyLines)
	} else {
		lines = strings.Split(strings.ReplaceAll(text, "\t", "    "), "\n")
		if len(lines) > maxBodyLines {
			lines, more = lines[:maxBodyLines], true
		}
	}
	if more {
		notes = append(notes, fmt.Sprintf("cut: the first %d lines shown", maxBodyLines))
	}
	out := make([]string, 0, len(lines)+len(notes))
	for _, n := range notes {
		out = append(out, t.Warn.Render(widgets.Cut(n, w)))
	}
	for _, l := range lines {
		out = append(out, t.Text.Render(widgets.Cut(widgets.Head(l, w), w)))
	}
	return out
}

func trimPartialRune(b []byte) []byte {
	// Drop the start of a character the cut left unfinished.
	for i := 1; i < utf8.UTFMax && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			return b
		}
	}
	return b
}

// judgementLines: the failed check, API Gateway's own text beside our
// diagnosis, and the fix.
func judgementLines(t *theme.Theme, j *service.Judgement, w int) []string {
	head := theme.Cross + " " + string(j.Verdict)
	if j.FailedCheck != "" {
		head += " · failed check: " + common.CleanLine(j.FailedCheck)
	}
	out := []string{t.Error.Render(widgets.Cut(head, w))}
	add := func(label, text string) {
		if text == "" {
			return
		}
		for i, l := range strings.Split(ansi.Wrap(common.CleanLine(text), max(w-13, 8), " "), "\n") {
			if i == 0 {
				out = append(out, t.Muted.Render(widgets.PadRight(label, 12)+" ")+t.Text.Render(l))
			} else {
				out = append(out, strings.Repeat(" ", 13)+t.Text.Render(l))
			}
		}
	}
	add("API Gateway", j.Gateway)
	add("diagnosis", j.Diagnosis)
	add("fix", j.Fix)
	return out
}

// timingBar draws the phases as a bar, then their durations.
func timingBar(t *theme.Theme, tm service.Timings, w int) []string {
	phases := []struct {
		name string
		d    time.Duration
	}{{"DNS", tm.DNS}, {"connect", tm.Connect}, {"TLS", tm.TLS}, {"first byte", tm.FirstByte}}
	total := tm.Total
	if total <= 0 {
		for _, p := range phases {
			total += p.d
		}
	}
	if total <= 0 {
		return nil
	}
	barW := max(min(w-2, 60), 10)
	var bar strings.Builder
	var legend []string
	used := 0
	for i, p := range phases {
		if p.d <= 0 {
			continue
		}
		n := max(int(int64(barW)*int64(p.d)/int64(total)), 1)
		n = min(n, barW-used)
		used += n
		bar.WriteString(t.Groups[i%len(t.Groups)].Render(strings.Repeat(theme.BarFull, n)))
		legend = append(legend, t.Groups[i%len(t.Groups)].Render("■ ")+t.Muted.Render(p.name+" ")+t.Text.Render(fmtDur(p.d)))
	}
	if used < barW {
		bar.WriteString(t.Muted.Render(strings.Repeat(theme.BarEmpty, barW-used)))
	}
	legend = append(legend, t.Muted.Render("total ")+t.Text.Render(fmtDur(total)))
	return []string{bar.String(), widgets.Cut(strings.Join(legend, "  "), w)}
}

func fmtDur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2fs", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
	return fmt.Sprintf("%dµs", d.Microseconds())
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// callStatus says on the status line how a call went.
func callStatus(c *call) tea.Cmd {
	what := common.CleanLine(c.req.Method + " " + c.req.Path)
	if c.err != nil {
		return common.StatusError(theme.Cross + " " + what + ": " + common.CleanLine(service.AsFailure(c.err).Error()))
	}
	s := fmt.Sprintf("%s → %d %s", what, c.res.Status, http.StatusText(c.res.Status))
	if p := c.res.Preflight; p != nil && !p.Agrees {
		s += " · not the answer predicted"
	}
	if c.res.Status >= 400 {
		return common.StatusError(theme.Cross + " " + s)
	}
	return common.Status(theme.Check + " " + s)
}

// preflightLines set the prediction made before sending beside the
// answer, in two columns (one above the other when narrow), and flag a
// mismatch: cogscope's model of the authorizer is wrong, or its
// configuration changed since it was read.
func preflightLines(t *theme.Theme, r *service.CallResult, w int) []string {
	p := r.Preflight
	if p == nil {
		return nil
	}
	if p.Outcome == service.PredictUnknown || p.Outcome == "" {
		return widgets.WrapLines(t.Muted, theme.Skip+" no prediction: "+common.CleanLine(p.Reason), w, "  ")
	}
	var out []string
	if p.Agrees {
		out = append(out, t.OK.Render(widgets.Cut(theme.Check+" the answer is the one predicted before sending", w)))
	} else {
		out = append(out, t.Error.Render(widgets.Cut(theme.Cross+" the answer is not the one predicted: it differs in "+strings.Join(p.Differences, ", ")+"", w)))
		out = append(out, widgets.WrapLines(t.Warn, "cogscope's model of the authorizer is wrong, or its configuration changed since it was read", w, "  ")...)
	}
	predicted := []string{t.Muted.Render("predicted")}
	switch p.Outcome {
	case service.PredictPass:
		predicted = append(predicted, t.OK.Render("pass")+t.Text.Render(": reaches the integration"))
	default:
		head := statusStyle(t, p.Status).Render(fmt.Sprint(p.Status))
		if p.Check != "" {
			head += t.Muted.Render(" · check ") + t.Text.Render(common.CleanLine(p.Check))
		}
		predicted = append(predicted, head, t.Text.Render(common.CleanLine(p.Body)))
		if p.WWWAuthenticate != "" {
			predicted = append(predicted, t.Muted.Render("www-authenticate: ")+t.Text.Render(common.CleanLine(p.WWWAuthenticate)))
		}
	}
	answered := []string{t.Muted.Render("answered"), statusStyle(t, r.Status).Render(fmt.Sprintf("%d %s", r.Status, http.StatusText(r.Status)))}
	if b := strings.TrimSpace(string(r.Body)); len(b) <= 200 && !strings.Contains(b, "\n") {
		answered = append(answered, t.Text.Render(common.CleanLine(b)))
	}
	for _, h := range r.Headers {
		if strings.EqualFold(h.Name, "www-authenticate") {
			answered = append(answered, t.Muted.Render("www-authenticate: ")+t.Text.Render(common.CleanLine(h.Value)))
		}
	}
	if !p.Agrees && p.Reason != "" {
		predicted = append(predicted, widgets.WrapLines(t.Muted, "why: "+common.CleanLine(p.Reason), max((w-3)/2, 8), "")...)
	}
	if w < 50 {
		for _, l := range append(predicted, answered...) {
			out = append(out, "  "+widgets.Cut(l, w-2))
		}
		return out
	}
	colW := (w - 5) / 2
	sep := t.Muted.Render(" │ ")
	for i := range max(len(predicted), len(answered)) {
		var l, rr string
		if i < len(predicted) {
			l = predicted[i]
		}
		if i < len(answered) {
			rr = answered[i]
		}
		out = append(out, "  "+widgets.PadRight(widgets.Cut(l, colW), colW)+sep+widgets.Cut(rr, colW))
	}
	return out
}
