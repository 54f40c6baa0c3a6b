// Package api is the console's API view: the target's API Gateway routes
// (and a free-form request), the token to send chosen per call with the
// inspector's warning before sending, the response (status, timing bar,
// headers, the body pretty-printed and scrollable, the request id, and on
// 401/403 the judgement), the session's call history, and beside it the
// log pane following the route's log groups with the lines of the call
// shown highlighted.
//
// The view calls a service.API from tea.Cmds only; its log pane is a
// compact logs.Model. It imports bubbletea, bubbles, flows (the session's
// tokens) and the console's common, logs, service, theme and widgets
// packages.
package api

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/ui/common"
	"github.com/cogscope/cogscope/ui/logs"
	"github.com/cogscope/cogscope/ui/service"
	"github.com/cogscope/cogscope/ui/theme"
)

// timeout bounds one call, check or route listing.
const timeout = 30 * time.Second

// The request form's fields.
const (
	fieldMethod = iota
	fieldPath
	fieldHeaders
	fieldBody
	numFields
)

// call is one call of the session, sent or on its way.
type call struct {
	id      int
	req     service.CallRequest
	res     *service.CallResult
	err     error
	pending bool
	// The response laid out (see layoutResponse), redrawn on resize.
	lines []string
	width int
}

// Model is the API view.
type Model struct {
	t    *theme.Theme
	svc  service.API
	keys KeyMap

	width, height int
	lay           layout

	seq int // ids of async requests

	routes    []service.Route
	tags      []string // each route's API, as the list tells them apart (apiTags)
	routesID  int
	loading   bool
	routesErr error
	sel       int // index in routes; len(routes) is the free-form request
	listTop   int

	choice  service.TokenChoice
	session flows.Tokens
	pasted  string

	warning  *service.Warning
	checkID  int
	checking bool
	checkErr error

	form    [numFields]textinput.Model
	editing bool
	field   int
	paste   textinput.Model
	pasting bool

	calls  []*call
	shown  int // index in calls of the call shown, -1 for none
	scroll int // first line of the response shown

	logs logs.Model
}

// New returns the view calling through svc (nil: no API configured), its
// log pane tailing through logsSvc (nil: no log service).
func New(t *theme.Theme, svc service.API, logsSvc service.Logs) Model {
	m := Model{t: t, svc: svc, keys: DefaultKeyMap(), choice: service.SendAccess, shown: -1,
		logs: logs.New(t, logsSvc, logs.Options{Compact: true})}
	for i := range m.form {
		m.form[i] = textinput.New()
	}
	m.form[fieldMethod].Prompt, m.form[fieldMethod].Placeholder = "request ", "GET"
	m.form[fieldPath].Prompt, m.form[fieldPath].Placeholder = "", "/private?x=1"
	m.form[fieldHeaders].Prompt, m.form[fieldHeaders].Placeholder = "headers ", "Name: value; Other: value"
	m.form[fieldBody].Prompt, m.form[fieldBody].Placeholder = "body    ", `{"json":"or text"}`
	m.form[fieldMethod].SetValue("GET")
	m.form[fieldPath].SetValue("/")
	m.paste = textinput.New()
	m.paste.Prompt = "token> "
	m.paste.Placeholder = "paste a token to send (or anything you suspect is one)"
	if svc != nil {
		m.seq++
		m.routesID = m.seq
		m.loading = true
	}
	m.SetTheme(t)
	return m
}

// Init lists the routes.
func (m Model) Init() tea.Cmd {
	if m.svc == nil {
		return nil
	}
	return routesCmd(m.svc, m.routesID)
}

// SetTheme restyles the view.
func (m *Model) SetTheme(t *theme.Theme) {
	m.t = t
	for i := range m.form {
		m.form[i].SetStyles(t.TextInput)
	}
	m.paste.SetStyles(t.TextInput)
	m.logs.SetTheme(t)
	m.relayout()
}

// SetSize gives the view its area.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.lay = computeLayout(w, h)
	for i := range m.form {
		m.form[i].SetWidth(max(m.lay.leftW-12, 4))
	}
	m.form[fieldMethod].SetWidth(7)
	m.form[fieldPath].SetWidth(max(m.lay.leftW-20, 4))
	m.paste.SetWidth(max(w-12, 4))
	m.logs.SetSize(m.lay.logsW, m.lay.logsH)
	m.relayout()
}

// Busy reports whether a call, a check or the route list is under way.
func (m Model) Busy() bool {
	if m.loading || m.checking {
		return true
	}
	for _, c := range m.calls {
		if c.pending {
			return true
		}
	}
	return false
}

// Typing reports whether a box has the keyboard.
func (m Model) Typing() bool { return m.editing || m.pasting }

// Calls is how many calls the session made.
func (m Model) Calls() int { return len(m.calls) }

// KeyMap returns the bindings that work now.
func (m Model) KeyMap() help.KeyMap {
	k := m.keys
	if m.editing || m.pasting {
		for _, b := range []*key.Binding{&k.Up, &k.Down, &k.Pick, &k.Send, &k.Token, &k.Paste, &k.Edit, &k.Resend,
			&k.Older, &k.Newer, &k.PageUp, &k.PageDown, &k.Logs} {
			b.SetEnabled(false)
		}
		k.Next.SetEnabled(m.editing)
		k.Prev.SetEnabled(m.editing)
		return k
	}
	for _, b := range []*key.Binding{&k.Next, &k.Prev, &k.Submit, &k.Cancel} {
		b.SetEnabled(false)
	}
	if m.svc == nil {
		return common.KeyMap{}
	}
	c := m.current()
	k.Resend.SetEnabled(c != nil && !c.pending)
	k.Logs.SetEnabled(c != nil && c.res != nil && c.res.RequestID != "")
	k.Older.SetEnabled(m.shown > 0)
	k.Newer.SetEnabled(m.shown >= 0 && m.shown < len(m.calls)-1)
	return k
}

// current is the call shown, nil for none.
func (m Model) current() *call {
	if m.shown < 0 || m.shown >= len(m.calls) {
		return nil
	}
	return m.calls[m.shown]
}

// route is the route selected, nil for the free-form request.
func (m Model) route() *service.Route {
	if m.sel < len(m.routes) {
		return &m.routes[m.sel]
	}
	return nil
}

// Update handles keys, the service's answers and the log pane's tail.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		switch {
		case m.pasting:
			return m.pasteKey(msg)
		case m.editing:
			return m.formKey(msg)
		}
		return m.handleKey(msg)
	case tea.PasteMsg:
		switch {
		case m.pasting:
			var cmd tea.Cmd
			m.paste, cmd = m.paste.Update(msg)
			return m, cmd
		case m.editing:
			var cmd tea.Cmd
			m.form[m.field], cmd = m.form[m.field].Update(msg)
			return m, cmd
		}
		return m, nil
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			m.scrollBy(-3)
		case tea.MouseWheelDown:
			m.scrollBy(3)
		}
		return m, nil
	case common.SessionMsg:
		m.session = msg.Tokens
		return m, m.check()
	case routesMsg:
		if msg.id != m.routesID {
			return m, nil
		}
		m.loading = false
		m.routes, m.routesErr = msg.routes, msg.err
		m.tags = apiTags(msg.routes)
		m.sel = 0
		return m, tea.Batch(m.selected()...)
	case common.TryMsg:
		if msg.View != "api" {
			return m, nil
		}
		return m.try(msg)
	case checkedMsg:
		if msg.id != m.checkID {
			return m, nil
		}
		m.checking = false
		m.warning, m.checkErr = msg.warning, msg.err
		return m, nil
	case calledMsg:
		for _, c := range m.calls {
			if c.id == msg.id && c.pending {
				c.pending = false
				c.res, c.err = msg.res, msg.err
				c.width = 0
				m.relayout()
				if c == m.current() && c.res != nil {
					m.logs.Highlight(common.CleanLine(c.res.RequestID))
				}
				return m, tea.Batch(callStatus(c), callDone(c))
			}
		}
		return m, nil
	}
	var cmd tea.Cmd
	m.logs, cmd = m.logs.Update(msg)
	return m, cmd
}

func (m Model) handleKey(k tea.KeyPressMsg) (Model, tea.Cmd) {
	if m.svc == nil {
		return m, nil
	}
	switch {
	case key.Matches(k, m.keys.Up):
		if m.sel > 0 {
			m.sel--
			return m, tea.Batch(m.selected()...)
		}
	case key.Matches(k, m.keys.Down):
		if m.sel < len(m.routes) {
			m.sel++
			return m, tea.Batch(m.selected()...)
		}
	case key.Matches(k, m.keys.Send):
		if m.route() == nil {
			return m.openForm()
		}
		return m.send(m.request())
	case key.Matches(k, m.keys.Token):
		order := m.tokenChoices()
		for i, c := range order {
			if c == m.choice {
				m.choice = order[(i+1)%len(order)]
				break
			}
		}
		if m.choice == service.SendPasted && m.pasted == "" {
			return m.openPaste()
		}
		return m, m.check()
	case key.Matches(k, m.keys.Paste):
		return m.openPaste()
	case key.Matches(k, m.keys.Edit):
		m.sel = len(m.routes)
		m, cmd := m.openForm()
		return m, tea.Batch(append(m.selected(), cmd)...)
	case key.Matches(k, m.keys.Resend):
		if c := m.current(); c != nil && !c.pending {
			req := c.req
			req.Token = m.tokenFor(req.TokenChoice)
			return m.send(req)
		}
	case key.Matches(k, m.keys.Older):
		if m.shown > 0 {
			m.show(m.shown - 1)
		}
	case key.Matches(k, m.keys.Newer):
		if m.shown >= 0 && m.shown < len(m.calls)-1 {
			m.show(m.shown + 1)
		}
	case key.Matches(k, m.keys.PageUp):
		m.scrollBy(-max(m.lay.respH-3, 1))
	case key.Matches(k, m.keys.PageDown):
		m.scrollBy(max(m.lay.respH-3, 1))
	case key.Matches(k, m.keys.Logs):
		if c := m.current(); c != nil && c.res != nil && c.res.RequestID != "" {
			id := common.CleanLine(c.res.RequestID)
			return m, func() tea.Msg { return common.ShowLogsMsg{RequestID: id} }
		}
	}
	return m, nil
}

// selected follows the selected route: its log groups in the pane, and
// the inspector's warning for it.
func (m *Model) selected() []tea.Cmd {
	m.keepSelVisible()
	if m.choice == service.SendSigV4 && !m.offersSigV4() {
		m.choice = service.SendAccess
	}
	var cmds []tea.Cmd
	if r := m.route(); r != nil {
		cmds = append(cmds, m.logs.Follow(r.LogGroups))
	}
	return append(cmds, m.check())
}

// check asks the inspector whether the request will pass.
func (m *Model) check() tea.Cmd {
	m.warning, m.checkErr = nil, nil
	if m.svc == nil || m.route() == nil || m.route().Authorizer == service.AuthNone {
		m.checking = false
		return nil
	}
	m.seq++
	m.checkID = m.seq
	m.checking = true
	return checkCmd(m.svc, m.checkID, m.request())
}

// request is the call the view would send now.
func (m Model) request() service.CallRequest {
	req := service.CallRequest{TokenChoice: m.choice, Token: m.tokenFor(m.choice)}
	if r := m.route(); r != nil {
		rc := *r
		req.Route = &rc
		req.Method, req.Path = r.Method, r.Path
		if req.Method == "ANY" {
			req.Method = "GET"
		}
		return req
	}
	req.Method = strings.ToUpper(strings.TrimSpace(m.form[fieldMethod].Value()))
	if req.Method == "" {
		req.Method = "GET"
	}
	req.Path = strings.TrimSpace(m.form[fieldPath].Value())
	req.Headers = parseHeaders(m.form[fieldHeaders].Value())
	if b := m.form[fieldBody].Value(); b != "" {
		req.Body = []byte(b)
	}
	return req
}

// parseHeaders reads "Name: value; Other: value".
func parseHeaders(s string) []service.Header {
	var out []service.Header
	for _, part := range strings.Split(s, ";") {
		name, value, ok := strings.Cut(part, ":")
		if name = strings.TrimSpace(name); ok && name != "" {
			out = append(out, service.Header{Name: name, Value: strings.TrimSpace(value)})
		}
	}
	return out
}

// tokenChoices are what t cycles through: the tokens, and SigV4 where
// it can be of use (an AWS_IAM route, the free-form request).
func (m Model) tokenChoices() []service.TokenChoice {
	// SigV4 before pasted: leaving the paste box empty falls back to
	// none, and t from there must reach SigV4.
	order := []service.TokenChoice{service.SendAccess, service.SendID, service.SendNone}
	if m.offersSigV4() {
		order = append(order, service.SendSigV4)
	}
	return append(order, service.SendPasted)
}

// offersSigV4 reports whether the route selected takes a signed request.
func (m Model) offersSigV4() bool {
	r := m.route()
	return r == nil || r.Authorizer == service.AuthIAM
}

func (m Model) tokenFor(c service.TokenChoice) string {
	switch c {
	case service.SendAccess:
		return m.session.AccessToken
	case service.SendID, service.SendSigV4:
		return m.session.IDToken
	case service.SendPasted:
		return m.pasted
	}
	return ""
}

// send starts a call, unless its token is missing.
func (m Model) send(req service.CallRequest) (Model, tea.Cmd) {
	if req.TokenChoice != service.SendNone && req.Token == "" {
		what := map[service.TokenChoice]string{service.SendAccess: "access token", service.SendID: "ID token",
			service.SendPasted: "pasted token", service.SendSigV4: "ID token to trade for AWS credentials"}[req.TokenChoice]
		return m, common.StatusError("no " + what + " to send: sign in on view 1, paste one (" + m.keys.Paste.Help().Key + "), or send none (" + m.keys.Token.Help().Key + ")")
	}
	if !strings.HasPrefix(req.Path, "/") {
		return m, common.StatusError("the path must start with / (e for the free-form request)")
	}
	m.seq++
	c := &call{id: m.seq, req: req, pending: true}
	m.calls = append(m.calls, c)
	m.show(len(m.calls) - 1)
	return m, callCmd(m.svc, c.id, req)
}

// show puts call i in the response pane and its lines in the log pane.
func (m *Model) show(i int) {
	m.shown = i
	m.scroll = 0
	c := m.calls[i]
	id := ""
	if c.res != nil {
		id = common.CleanLine(c.res.RequestID)
	}
	m.logs.Highlight(id)
	m.relayout()
}

func (m *Model) scrollBy(n int) {
	c := m.current()
	if c == nil {
		return
	}
	m.scroll = min(max(m.scroll+n, 0), max(len(c.lines)-1, 0))
}

func (m *Model) keepSelVisible() {
	rows := m.lay.listRows()
	if m.sel < m.listTop {
		m.listTop = m.sel
	}
	if rows > 0 && m.sel >= m.listTop+rows {
		m.listTop = m.sel - rows + 1
	}
}

func (m Model) openForm() (Model, tea.Cmd) {
	m.editing = true
	m.field = fieldPath
	return m, m.form[m.field].Focus()
}

func (m Model) openPaste() (Model, tea.Cmd) {
	m.pasting = true
	m.paste.Reset()
	return m, m.paste.Focus()
}

func (m Model) formKey(k tea.KeyPressMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(k, m.keys.Cancel):
		m.editing = false
		m.form[m.field].Blur()
		return m, m.check()
	case key.Matches(k, m.keys.Submit):
		m.editing = false
		m.form[m.field].Blur()
		return m.send(m.request())
	case key.Matches(k, m.keys.Next), key.Matches(k, m.keys.Prev):
		m.form[m.field].Blur()
		if key.Matches(k, m.keys.Next) {
			m.field = (m.field + 1) % numFields
		} else {
			m.field = (m.field + numFields - 1) % numFields
		}
		return m, m.form[m.field].Focus()
	}
	var cmd tea.Cmd
	m.form[m.field], cmd = m.form[m.field].Update(k)
	return m, cmd
}

func (m Model) pasteKey(k tea.KeyPressMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(k, m.keys.Cancel):
		m.pasting = false
		m.paste.Blur()
		if m.choice == service.SendPasted && m.pasted == "" {
			m.choice = service.SendNone
		}
		return m, m.check()
	case key.Matches(k, m.keys.Submit):
		m.pasting = false
		m.paste.Blur()
		if v := strings.TrimSpace(m.paste.Value()); v != "" {
			m.pasted = strings.TrimPrefix(v, "Bearer ")
			m.choice = service.SendPasted
		}
		return m, m.check()
	}
	var cmd tea.Cmd
	m.paste, cmd = m.paste.Update(k)
	return m, cmd
}

// Messages carry the id of the request they answer.
type routesMsg struct {
	id     int
	routes []service.Route
	err    error
}

type checkedMsg struct {
	id      int
	warning *service.Warning
	err     error
}

type calledMsg struct {
	id  int
	req service.CallRequest
	res *service.CallResult
	err error
}

// Records implements service.Recorded: the call and its answer.
func (m calledMsg) Records() []service.Record {
	return []service.Record{{Call: &service.CallRecord{ID: m.id, Request: m.req, Result: m.res, Err: m.err}}}
}

func routesCmd(svc service.API, id int) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		r, err := svc.Routes(ctx)
		return routesMsg{id: id, routes: r, err: err}
	}
}

func checkCmd(svc service.API, id int, req service.CallRequest) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		w, err := svc.Check(ctx, req)
		return checkedMsg{id: id, warning: w, err: err}
	}
}

func callCmd(svc service.API, id int, req service.CallRequest) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		res, err := svc.Call(ctx, req)
		return calledMsg{id: id, req: req, res: res, err: err}
	}
}

// callDone tells whoever follows the console's progress (the tour) that
// c was answered.
func callDone(c *call) tea.Cmd {
	msg := common.CallDoneMsg{Method: c.req.Method, Path: c.req.Path, Token: string(c.req.TokenChoice)}
	if r := c.req.Route; r != nil {
		msg.Path = r.Path
	}
	if c.req.Token == "" {
		msg.Token = string(service.SendNone)
	}
	switch {
	case c.err != nil:
		msg.Err = c.err.Error()
	case c.res != nil:
		msg.Status = c.res.Status
		if j := c.res.Judgement; j != nil {
			msg.FailedCheck, msg.Diagnosis = j.FailedCheck, j.Diagnosis
		}
	}
	return func() tea.Msg { return msg }
}

// try selects the route of the tour's case and the token it sends.
func (m Model) try(msg common.TryMsg) (Model, tea.Cmd) {
	for i, r := range m.routes {
		if r.Path == msg.Path && (r.Method == msg.Method || r.Method == "ANY") {
			m.sel = i
			break
		}
	}
	switch service.TokenChoice(msg.Token) {
	case service.SendAccess, service.SendID, service.SendNone:
		m.choice = service.TokenChoice(msg.Token)
	}
	cmds := m.selected()
	return m, tea.Batch(append(cmds, common.Status("ready: "+msg.Method+" "+msg.Path+" with the "+string(m.choice)+" token: press enter"))...)
}
