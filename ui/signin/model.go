// Package signin is the console's Sign-in view: a flow picker and a short
// form on the left, the trace of the running flow in the middle (secrets
// masked until `m`), and a sequence diagram of the exchange that builds up
// beside it. Challenges become answer forms; MFA setup draws its QR code.
//
// The view drives a service.SignIn from tea.Cmds only, and reads the flow's
// events through a Cmd re-armed after each one.
package signin

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/flows/oauth"
	"github.com/cogscope/cogscope/ui/common"
	"github.com/cogscope/cogscope/ui/doctor"
	"github.com/cogscope/cogscope/ui/service"
	"github.com/cogscope/cogscope/ui/theme"
	"github.com/cogscope/cogscope/ui/widgets"
)

// focus says which part of the view takes keys.
type focus int

const (
	focusPicker focus = iota
	focusForm
	focusChallenge
)

// phase is where the current run stands.
type phase int

const (
	phaseIdle      phase = iota
	phaseStarting        // Start called
	phaseRunning         // steps arriving
	phaseChallenge       // waiting for the user's answer
	phaseAnswering       // answer sent, steps arriving
	phaseDone            // tokens
	phaseFailed
	phaseCancelled
)

func (p phase) busy() bool {
	return p == phaseStarting || p == phaseRunning || p == phaseAnswering
}

// Model is the Sign-in view.
type Model struct {
	t      *theme.Theme
	svc    service.SignIn
	target service.Target
	keys   KeyMap

	width, height int
	lay           layout

	formState // what the user picks and types
	runState  // the flow running (or last run) and how its trace is shown

	session flows.Tokens // for the refresh flow

	hasDoctor bool // SetDoctor gave a service: d and e work

	// open opens a URL in the browser (the authorize URL again); nil
	// when the console has no way to.
	open func(string) error

	// doc is the doctor pane (d: the checklist, e: a pasted error),
	// drawn over the trace and the diagram while it is open.
	doc doctor.Model
}

// formState is the picker and the form: the state the user edits.
type formState struct {
	cursor int // the picked flow
	focus  focus
	inputs [numFields]textinput.Model // by field
	field  int                        // index into the picked flow's fields
	// idp picks the hosted-UI flow's identity provider: 0 the hosted
	// UI's page, i the target's IdentityProviders[i-1].
	idp int
	// client, when set (the tour's TryMsg), is the app client flows run
	// as instead of the target's, with clientSecret ("" sends none);
	// clientName names it in the form.
	client, clientSecret, clientName string
}

// runState is one run of a flow: its id (stale results are dropped), phase,
// the service's handle, the steps and failure it produced, the challenge
// waiting for an answer, and the trace pane's scroll and render caches.
type runState struct {
	runID     int
	phase     phase
	run       service.Run
	cancel    context.CancelFunc
	ran       entry // the flow of the current run
	req       service.SignInRequest
	steps     []flows.Step
	failure   *service.Failure
	fullPane  bool
	challenge challengeForm
	unmask    bool
	waiting   string
	spin      spinner.Model
	trace     viewport.Model // scroll state of the trace pane
	// traceLines is the trace pane's content and cache its rendering
	// per step; diagram is the sequence diagram's lines.
	traceLines []string
	cache      traceCache
	diagram    diagramCache
}

// New returns the view for target, running flows through svc.
func New(t *theme.Theme, svc service.SignIn, target service.Target) Model {
	m := Model{t: t, svc: svc, target: target, keys: DefaultKeyMap()}
	m.spin = spinner.New(spinner.WithSpinner(theme.Spinner))
	m.trace = viewport.New()
	m.trace.MouseWheelEnabled = true
	m.trace.SoftWrap = false
	for f := range m.inputs {
		in := textinput.New()
		in.Prompt = "> "
		m.inputs[f] = in
	}
	m.inputs[fieldUsername].Placeholder = "username or alias"
	m.inputs[fieldUsername].SetValue(target.Username)
	m.inputs[fieldPassword].Placeholder = "password"
	m.inputs[fieldPassword].EchoMode = textinput.EchoPassword
	m.inputs[fieldPassword].EchoCharacter = '•'
	m.inputs[fieldPassword].SetValue(target.Password)
	m.inputs[fieldScopes].Placeholder = "openid email profile"
	m.inputs[fieldScopes].SetValue(target.Scopes)
	m.inputs[fieldClientScopes].Placeholder = "all the client allows"
	m.inputs[fieldClientScopes].SetValue(target.ClientScopes)
	m.doc = doctor.New(t, nil)
	m.SetTheme(t)
	return m
}

// SetDoctor gives the view the doctor service (d and e); without one the
// keys are off.
func (m *Model) SetDoctor(svc service.Doctor) {
	if svc == nil {
		return
	}
	m.doc = doctor.New(m.t, svc)
	m.hasDoctor = true
	m.doc.SetSize(m.docSize())
}

// docSize is the doctor pane's area: beside the picker and the form, or
// the whole view when narrow.
func (m Model) docSize() (int, int) {
	if m.docFull() {
		return m.width, m.height
	}
	return max(m.width-m.lay.leftW, 0), m.height
}

// docFull says the doctor pane takes the whole view: on a narrow screen
// the picker beside it would leave it too little room.
func (m Model) docFull() bool { return m.width < wideFrom }

// DoctorOpen reports whether the doctor pane is shown.
func (m Model) DoctorOpen() bool { return m.doc.IsOpen() }

// Doctor is the doctor pane, for tests.
func (m Model) Doctor() doctor.Model { return m.doc }

// doctorRequest is what the doctor checks: the picked flow, with the
// scopes of its form.
func (m Model) doctorRequest() service.DoctorRequest {
	e := menu[m.cursor]
	req := service.DoctorRequest{Flow: e.flow}
	switch e.flow {
	case service.FlowPKCE:
		req.Scopes = strings.Fields(m.inputs[fieldScopes].Value())
	case service.FlowClientCredentials:
		req.Scopes = strings.Fields(m.inputs[fieldClientScopes].Value())
	}
	return req
}

// SetTarget takes the target once it is known (the local stack started):
// empty fields of the form get its pre-filled values.
func (m *Model) SetTarget(t service.Target) {
	m.target = t
	for f, v := range map[field]string{fieldUsername: t.Username, fieldPassword: t.Password, fieldScopes: t.Scopes,
		fieldClientScopes: t.ClientScopes} {
		if m.inputs[f].Value() == "" && v != "" {
			m.inputs[f].SetValue(v)
		}
	}
}

// identityProvider is the picked identity provider of the hosted-UI
// flow, "" for the hosted UI's page.
func (m Model) identityProvider() string {
	if m.idp <= 0 || m.idp > len(m.target.IdentityProviders) {
		return ""
	}
	return m.target.IdentityProviders[m.idp-1]
}

// SetOpenURL gives the view a way to open URLs in the browser, for `o`
// while the hosted UI waits for the user.
func (m *Model) SetOpenURL(open func(string) error) { m.open = open }

// SetTheme restyles the view (the background colour became known).
func (m *Model) SetTheme(t *theme.Theme) {
	m.t = t
	m.spin.Style = t.Accent
	for f := range m.inputs {
		m.inputs[f].SetStyles(t.TextInput)
	}
	m.doc.SetTheme(t)
	m.refreshTrace()
}

// SetSize gives the view its area and reflows every pane.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.lay = computeLayout(w, h)
	for f := range m.inputs {
		m.inputs[f].SetWidth(max(m.lay.leftW-6, 4))
	}
	m.trace.SetWidth(max(m.lay.traceW-2, 0))
	m.trace.SetHeight(max(m.lay.traceH-2, 0))
	m.doc.SetSize(m.docSize())
	m.refreshTrace()
}

// Busy reports whether a flow is waiting for the service (not for the
// user: a challenge to answer, a browser sign-in to finish).
func (m Model) Busy() bool { return (m.phase.busy() && m.browserURL() == "") || m.doc.Busy() }

// WaitsForBrowser reports whether the hosted UI waits for the user to
// sign in in the browser.
func (m Model) WaitsForBrowser() bool { return m.browserURL() != "" }

// Typing reports whether a form has the keyboard, so the root keeps its
// single-letter keys to itself.
func (m Model) Typing() bool {
	if m.doc.IsOpen() {
		return m.doc.Typing()
	}
	return m.focus == focusForm || m.focus == focusChallenge
}

// KeyMap returns the bindings that work in the current state.
func (m Model) KeyMap() help.KeyMap {
	if m.doc.IsOpen() {
		return m.doc.KeyMap()
	}
	k := m.keys
	k.Doctor.SetEnabled(m.hasDoctor && m.focus == focusPicker)
	k.Explain.SetEnabled(m.hasDoctor && m.focus == focusPicker)
	picker := m.focus == focusPicker && !m.fullPane
	k.Up.SetEnabled(picker || m.focus == focusChallenge)
	k.Down.SetEnabled(picker || m.focus == focusChallenge)
	k.Pick.SetEnabled(picker) // a help entry only: Up and Down do the work
	k.Next.SetEnabled(m.focus != focusPicker)
	k.Prev.SetEnabled(m.focus != focusPicker)
	k.Unmask.SetEnabled(picker)
	browser := picker && m.browserURL() != ""
	k.Open.SetEnabled(browser && m.open != nil)
	k.Copy.SetEnabled(browser)
	k.Provider.SetEnabled(picker && menu[m.cursor].flow == service.FlowPKCE && len(m.target.IdentityProviders) > 0 && !m.phase.busy())
	if m.unmask {
		k.Unmask.SetHelp("m", "mask")
	}
	switch {
	case m.fullPane:
		k.Run.SetEnabled(false)
		k.Back.SetHelp("esc", "back to the trace")
	case m.focus == focusChallenge:
		k.Up.SetHelp("↑", "previous choice")
		k.Down.SetHelp("↓", "next choice")
		k.Run.SetHelp("enter", "answer")
		k.Back.SetHelp("esc", "cancel sign-in")
	case m.focus == focusForm:
		k.Run.SetHelp("enter", "next / run")
		k.Back.SetHelp("esc", "leave form")
	case m.phase.busy():
		k.Back.SetHelp("esc", "cancel sign-in")
	default:
		k.Back.SetEnabled(false)
	}
	if m.focus == focusPicker && len(menu[m.cursor].fields) == 0 {
		k.Run.SetHelp("enter", "run")
	}
	return k
}

// Update handles keys, mouse and the run's messages.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	if m.doc.IsOpen() {
		switch msg.(type) {
		case tea.KeyPressMsg, tea.PasteMsg, tea.MouseWheelMsg:
			var cmd tea.Cmd
			m.doc, cmd = m.doc.Update(msg)
			return m, cmd
		}
	}
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case tea.MouseWheelMsg:
		var cmd tea.Cmd
		m.trace, cmd = m.trace.Update(msg)
		return m, cmd
	case tea.PasteMsg:
		if m.hasDoctor && m.focus == focusPicker {
			// A paste with no field to go to is an error to explain: it
			// opens the box with the text, for enter to explain.
			var cmd, cmd2 tea.Cmd
			m.doc, cmd = m.doc.Paste(m.doctorRequest())
			m.doc, cmd2 = m.doc.Update(msg)
			return m, tea.Batch(cmd, cmd2)
		}
		return m.toInput(msg)
	case spinner.TickMsg:
		if !m.phase.busy() {
			return m, nil // let the tick chain stop
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case common.SessionMsg:
		m.session = msg.Tokens
		return m, nil
	case common.TryMsg:
		if msg.View != "signin" {
			return m, nil
		}
		return m.try(msg)
	case runStartedMsg:
		return m.started(msg)
	case runEventMsg:
		return m.event(msg)
	case openedMsg:
		if msg.err != nil {
			return m, common.StatusError("could not open the browser: " + msg.err.Error() + " (c copies the URL)")
		}
		return m, common.Status("opened the authorize URL in the browser again")
	case answerSentMsg:
		if msg.id != m.runID {
			return m, nil
		}
		if msg.err != nil {
			return m.fail(msg.err)
		}
		return m, nil
	}
	// The doctor's answers.
	var cmd tea.Cmd
	m.doc, cmd = m.doc.Update(msg)
	return m, cmd
}

func (m Model) handleKey(k tea.KeyPressMsg) (Model, tea.Cmd) {
	if m.hasDoctor && m.focus == focusPicker {
		switch {
		case key.Matches(k, m.keys.Doctor):
			var cmd tea.Cmd
			m.doc, cmd = m.doc.Run(m.doctorRequest())
			return m, cmd
		case key.Matches(k, m.keys.Explain):
			var cmd tea.Cmd
			m.doc, cmd = m.doc.Paste(m.doctorRequest())
			return m, cmd
		}
	}
	switch {
	case m.fullPane:
		if key.Matches(k, m.keys.Back) || key.Matches(k, m.keys.Run) {
			m.fullPane = false
		}
		return m, nil
	case m.focus == focusChallenge:
		if key.Matches(k, m.keys.Back) {
			return m.cancelRun("sign-in cancelled at " + m.challenge.c.Name)
		}
		var cmd tea.Cmd
		var submit bool
		m.challenge, cmd, submit = m.challenge.update(m.keys, k)
		if submit {
			return m.answer()
		}
		return m, cmd
	case m.focus == focusForm:
		return m.formKey(k)
	}
	switch {
	case key.Matches(k, m.keys.Up):
		m.cursor = (m.cursor + len(menu) - 1) % len(menu)
	case key.Matches(k, m.keys.Down):
		m.cursor = (m.cursor + 1) % len(menu)
	case key.Matches(k, m.keys.Run):
		if len(menu[m.cursor].fields) == 0 {
			return m.start()
		}
		return m, m.focusField(0)
	case key.Matches(k, m.keys.Open):
		u := m.browserURL()
		switch {
		case u == "":
			return m, nil
		case m.open == nil:
			return m, common.StatusError("no way to open a browser here: press c to copy the URL")
		}
		return m, openCmd(m.open, u)
	case key.Matches(k, m.keys.Provider) && menu[m.cursor].flow == service.FlowPKCE && len(m.target.IdentityProviders) > 0 && !m.phase.busy():
		m.idp = (m.idp + 1) % (len(m.target.IdentityProviders) + 1)
		if p := m.identityProvider(); p != "" {
			return m, common.Status("the hosted-UI sign-in goes straight to " + p + " (identity_provider)")
		}
		return m, common.Status("the hosted-UI sign-in shows the hosted UI's page")
	case key.Matches(k, m.keys.Copy):
		if u := m.browserURL(); u != "" {
			return m, tea.Batch(tea.SetClipboard(u), common.Status(common.ClipboardSent("the authorize URL")))
		}
	case key.Matches(k, m.keys.Unmask):
		m.unmask = !m.unmask
		m.refreshTrace()
		if m.unmask {
			return m, common.Status("secrets unmasked: press m to hide them again")
		}
	case key.Matches(k, m.keys.Back):
		if m.phase.busy() {
			return m.cancelRun("sign-in cancelled")
		}
	case key.Matches(k, m.keys.PageUp), key.Matches(k, m.keys.PageDown):
		var cmd tea.Cmd
		m.trace, cmd = m.trace.Update(k)
		return m, cmd
	}
	return m, nil
}

// formKey moves between the form's fields, runs from the last one, and
// hands everything else to the focused input.
func (m Model) formKey(k tea.KeyPressMsg) (Model, tea.Cmd) {
	fields := menu[m.cursor].fields
	switch {
	case key.Matches(k, m.keys.Back):
		m.blurInputs()
		m.focus = focusPicker
		return m, nil
	case key.Matches(k, m.keys.Run):
		if m.field < len(fields)-1 {
			return m, m.focusField(m.field + 1)
		}
		m.blurInputs()
		m.focus = focusPicker
		return m.start()
	case key.Matches(k, m.keys.Next):
		return m, m.focusField(m.field + 1)
	case key.Matches(k, m.keys.Prev):
		return m, m.focusField(m.field - 1)
	}
	return m.toInput(k)
}

// toInput gives a key or a paste to whatever input has the focus.
func (m Model) toInput(msg tea.Msg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	switch m.focus {
	case focusForm:
		f := menu[m.cursor].fields[m.field]
		m.inputs[f], cmd = m.inputs[f].Update(msg)
	case focusChallenge:
		m.challenge, cmd, _ = m.challenge.update(m.keys, msg)
	}
	return m, cmd
}

func (m *Model) focusField(i int) tea.Cmd {
	fields := menu[m.cursor].fields
	if len(fields) == 0 {
		return nil
	}
	m.focus = focusForm
	m.field = (i + len(fields)) % len(fields)
	m.blurInputs()
	return m.inputs[fields[m.field]].Focus()
}

func (m *Model) blurInputs() {
	for f := range m.inputs {
		m.inputs[f].Blur()
	}
}

// start validates the form and starts the picked flow.
func (m Model) start() (Model, tea.Cmd) {
	e := menu[m.cursor]
	req := service.SignInRequest{
		Flow:     e.flow,
		Username: strings.TrimSpace(m.inputs[fieldUsername].Value()),
		Password: m.inputs[fieldPassword].Value(),
		Scopes:   strings.Fields(m.inputs[fieldScopes].Value()),
		ClientID: m.client, ClientSecret: m.clientSecret,
	}
	if e.flow == service.FlowClientCredentials {
		req.Scopes = strings.Fields(m.inputs[fieldClientScopes].Value())
	}
	if e.flow == service.FlowPKCE {
		req.IdentityProvider = m.identityProvider()
	}
	for _, f := range e.fields {
		if f == fieldUsername && req.Username == "" {
			return m, common.StatusError("enter a username first")
		}
		if f == fieldPassword && req.Password == "" {
			return m, common.StatusError("enter the password first")
		}
	}
	if e.flow == service.FlowRefresh {
		if m.session.RefreshToken == "" {
			return m, common.StatusError(noRefreshToken(m.session))
		}
		req.RefreshToken, req.AccessToken = m.session.RefreshToken, m.session.AccessToken
	}
	if m.cancel != nil {
		m.cancel()
	}
	m.runID++
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel = cancel
	m.ran = e
	m.req = req
	m.phase = phaseStarting
	m.run = nil
	m.steps = nil
	m.failure = nil
	m.fullPane = false
	m.waiting = "starting " + e.title + ": waiting for " + e.waits
	m.refreshTrace()
	return m, tea.Batch(startCmd(ctx, m.svc, m.runID, e.title, req), m.spin.Tick)
}

func (m Model) started(msg runStartedMsg) (Model, tea.Cmd) {
	if msg.id != m.runID {
		return m, nil
	}
	if msg.err != nil {
		return m.fail(msg.err)
	}
	m.run = msg.run
	m.phase = phaseRunning
	return m, waitCmd(m.runID, m.ran.title, msg.run.Events())
}

func (m Model) event(msg runEventMsg) (Model, tea.Cmd) {
	if msg.id != m.runID {
		return m, nil
	}
	if msg.closed {
		if m.phase.busy() || m.phase == phaseChallenge {
			return m.fail(errors.New("the flow ended without tokens or an error"))
		}
		return m, nil
	}
	next := waitCmd(m.runID, m.ran.title, m.run.Events())
	ev := msg.ev
	switch {
	case ev.Step != nil:
		m.steps = append(m.steps, *ev.Step)
		m.waiting = waitingAfter(*ev.Step, m.ran)
		follow := m.trace.AtBottom()
		m.refreshTrace()
		if follow {
			m.trace.GotoBottom()
		}
		return m, next
	case ev.Challenge != nil:
		m.phase = phaseChallenge
		m.focus = focusChallenge
		m.blurInputs()
		var cmd tea.Cmd
		m.challenge, cmd = newChallengeForm(m.t, ev.Challenge, m.lay.leftW-2)
		m.reflowTrace() // a QR code takes room from the trace
		if ev.Refused != nil {
			// The same challenge again: the last answer was refused.
			m.challenge.err = refusalText(ev.Refused, ev.TriesLeft)
			return m, tea.Batch(next, cmd, common.StatusError(theme.Cross+" Cognito refused the "+ev.Challenge.Name+" answer: try again"))
		}
		said := m.said()
		said.Challenge = ev.Challenge.Name
		return m, tea.Batch(next, cmd, common.Status("Cognito asks: "+ev.Challenge.Name), tell(said))
	case ev.Tokens != nil:
		m.phase = phaseDone
		m.session = *ev.Tokens
		m.release()
		said := m.said()
		tk := *ev.Tokens
		said.Tokens = &tk
		session := common.SessionMsg{Tokens: tk, From: m.ran.title + " sign-in", Flow: string(m.ran.flow), SignIn: &said}
		// The session first, then the status that says to press 2: the
		// Tokens view holds the tokens by the time it says so (a batch
		// could deliver the status first, and a quick 2 then r found no
		// session to refresh).
		return m, tea.Batch(next, tea.Sequence(func() tea.Msg { return session },
			common.Status(theme.Check+" signed in with "+m.ran.title+": press 2 to inspect the tokens")))
	case ev.Err != nil:
		m2, cmd := m.fail(ev.Err)
		return m2, tea.Batch(next, cmd)
	}
	return m, next
}

// answer sends the challenge form's answer.
func (m Model) answer() (Model, tea.Cmd) {
	a, err := m.challenge.answer()
	if err != nil {
		m.challenge.err = err.Error()
		return m, nil
	}
	name := m.challenge.c.Name
	m.phase = phaseAnswering
	m.focus = focusPicker
	m.reflowTrace() // the QR code, if any, is gone
	m.waiting = "sending the " + name + " answer to Cognito"
	return m, tea.Batch(answerCmd(m.run, m.runID, a), m.spin.Tick)
}

// fail ends the run with err: inline on the failed step, and full-pane
// when the service could not be reached at all.
func (m Model) fail(err error) (Model, tea.Cmd) {
	f := service.AsFailure(err)
	m.phase = phaseFailed
	m.failure = f
	m.fullPane = f.Transport
	if m.focus == focusChallenge {
		m.focus = focusPicker
	}
	m.release()
	m.refreshTrace()
	m.trace.GotoBottom()
	short := f.Type
	switch {
	case f.Transport:
		short = "could not reach the service (esc: back to the trace)"
	case short == "":
		short = f.Message
	}
	said := m.said()
	d := f.Diagnosis
	said.Failure = &d
	return m, tea.Batch(common.StatusError(theme.Cross+" "+m.ran.title+" sign-in failed: "+short), tell(said))
}

// said is the run as common.SignInEventMsg tells it: the flow, the user
// and the app client it ran as, the steps so far.
func (m Model) said() common.SignInEventMsg {
	client := m.req.ClientID
	if client == "" {
		client = m.target.ClientID
		if m.req.Flow == service.FlowClientCredentials && m.target.CCClientID != "" {
			client = m.target.CCClientID
		}
	}
	return common.SignInEventMsg{Flow: string(m.req.Flow), Username: m.req.Username, ClientID: client,
		Steps: append([]flows.Step(nil), m.steps...)}
}

func tell(msg common.SignInEventMsg) tea.Cmd { return func() tea.Msg { return msg } }

// try gets the view ready for the tour's case: the flow picked, the form
// filled, and the app client to run as.
func (m Model) try(msg common.TryMsg) (Model, tea.Cmd) {
	for i, e := range menu {
		if string(e.flow) == msg.Flow {
			m.cursor = i
		}
	}
	if msg.Username != "" {
		m.inputs[fieldUsername].SetValue(msg.Username)
	}
	if msg.Password != "" {
		m.inputs[fieldPassword].SetValue(msg.Password)
	}
	if len(msg.Scopes) > 0 {
		m.inputs[fieldClientScopes].SetValue(strings.Join(msg.Scopes, " "))
	}
	m.client, m.clientSecret, m.clientName = msg.ClientID, msg.ClientSecret, msg.ClientName
	m.blurInputs()
	m.focus = focusPicker
	text := "ready: " + menu[m.cursor].title
	if m.client != "" {
		text += " as app client " + m.clientLabel()
	}
	return m, common.Status(text + ": press enter")
}

// clientLabel names the app client the tour picked.
func (m Model) clientLabel() string {
	if m.clientName != "" {
		return m.clientName
	}
	return m.client
}

// cancelRun abandons the current run; its late events are dropped.
func (m Model) cancelRun(why string) (Model, tea.Cmd) {
	m.release()
	m.runID++
	m.phase = phaseCancelled
	m.focus = focusPicker
	m.reflowTrace()
	return m, common.Status(why)
}

// release cancels the run's context, which lets the service stop.
func (m *Model) release() {
	if m.cancel != nil {
		m.cancel()
		m.cancel = nil
	}
}

// waitingAfter says what the next moment of the flow waits for.
func waitingAfter(s flows.Step, e entry) string {
	switch s.Operation {
	case oauth.OpPKCE:
		return "waiting for the hosted UI to accept the request"
	case oauth.OpAuthorizeCheck:
		return "opening the browser"
	case oauth.OpAuthorize:
		return "waiting for you to sign in in the browser"
	case oauth.OpRedirect:
		return "waiting for the token endpoint"
	}
	if s.Kind == flows.StepCompute {
		return "computing, then calling Cognito"
	}
	return "waiting for " + e.waits
}

// browserURL is the authorize URL while the hosted UI waits for the user
// to sign in in the browser, else "".
func (m Model) browserURL() string {
	if !m.phase.busy() || len(m.steps) == 0 {
		return ""
	}
	last := m.steps[len(m.steps)-1]
	if last.Operation != oauth.OpAuthorize || last.Error != nil {
		return ""
	}
	return last.Request["url"]
}

// openedMsg reports opening the authorize URL again.
type openedMsg struct{ err error }

func openCmd(open func(string) error, u string) tea.Cmd {
	return func() tea.Msg { return openedMsg{err: open(u)} }
}

// refreshTrace re-renders the trace pane's content (only the steps it has
// not rendered yet, when nothing else changed) and the diagram.
func (m *Model) refreshTrace() {
	traceW := m.panes().traceW // narrower while a QR code is shown
	if traceW < 4 {
		return
	}
	m.traceLines, m.cache = renderTrace(m.t, m.steps, m.failure, m.unmask, traceW-2, m.cache)
	m.trace.SetContentLines(m.traceLines)
	m.diagram = m.diagram.update(m.t, m.steps, max(m.lay.diagW-2, 0))
}

// reflowTrace re-renders the trace after its pane changed width, keeping
// it on the newest step if it was there.
func (m *Model) reflowTrace() {
	follow := m.trace.AtBottom()
	m.refreshTrace()
	if follow {
		m.trace.GotoBottom()
	}
}

// diagramCache is the sequence diagram drawn so far: a new step adds its
// rows; a new width, theme, or the browser's first appearance redraws it.
type diagramCache struct {
	t       *theme.Theme
	width   int
	browser bool
	steps   int
	lines   []string
}

func (c diagramCache) update(t *theme.Theme, steps []flows.Step, width int) diagramCache {
	var arr []widgets.Arrow
	for _, s := range steps {
		arr = append(arr, arrows(s)...)
	}
	browser := widgets.InvolvesBrowser(arr)
	if c.t != t || c.width != width || c.browser != browser || c.steps > len(steps) || c.lines == nil {
		c = diagramCache{t: t, width: width, browser: browser}
		c.lines = widgets.NewDiagram(t, width, browser).Header()
	}
	g := widgets.NewDiagram(t, width, browser)
	for _, s := range steps[c.steps:] {
		for _, a := range arrows(s) {
			c.lines = append(c.lines[:len(c.lines):len(c.lines)], g.Rows(a)...)
		}
	}
	c.steps = len(steps)
	return c
}

// refusalText says why an answer was refused and how many tries are left.
func refusalText(err error, left int) string {
	var msg string
	var ce *flows.CallError
	if errors.As(err, &ce) && ce.API != nil && ce.API.Type != "" {
		msg = ce.API.Type + ": " + ce.API.Message
	} else if f := service.AsFailure(err); f.Type != "" {
		msg = f.Type + ": " + f.Message
	} else {
		msg = err.Error()
	}
	tries := "tries"
	if left == 1 {
		tries = "try"
	}
	return fmt.Sprintf("%s — try again (%d %s left)", msg, left, tries)
}

// noRefreshToken says why the refresh flow cannot run: no session yet, or
// one whose flow gives no refresh token (client credentials).
func noRefreshToken(s flows.Tokens) string {
	if s.AccessToken == "" && s.IDToken == "" {
		return "no session yet: sign in with another flow first"
	}
	return "the session has no refresh token (client credentials give none): sign in with SRP, Password or the hosted UI first"
}
