// Package doctor is the console's doctor pane, opened from the Sign-in
// view: the checklist of `cogscope doctor` for the console's target (✓ /
// ⚠ / ✗ / skipped, each with its detail, the error the user would see and
// the fix, and what could not be read and why), and the explanation of a
// pasted error (`cogscope explain`: the catalogue's causes, which one the
// target's configuration confirms, and the fix).
//
// It is a component in the bubbles grammar (New, KeyMap, SetSize, Update,
// View) that the Sign-in view holds and draws over its trace. It calls a
// service.Doctor from tea.Cmds only; everything it shows from the
// service goes through common.Clean / CleanLine. It imports bubbletea,
// bubbles and the console's common, service, theme and widgets packages.
package doctor

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"

	"github.com/cogscope/cogscope/ui/common"
	"github.com/cogscope/cogscope/ui/service"
	"github.com/cogscope/cogscope/ui/theme"
)

// timeout bounds one doctor run or explanation: a few reads of the
// configuration, a JWKS, a clock measurement.
const timeout = 60 * time.Second

// MaxPaste bounds the pasted text, as `cogscope explain` bounds stdin.
const MaxPaste = 64 << 10

// mode is what the pane shows.
type mode int

const (
	modeClosed  mode = iota
	modeChecks       // the doctor's checklist
	modeInput        // the pasted error, being edited
	modeExplain      // the pasted error explained
)

// Model is the doctor pane.
type Model struct {
	t    *theme.Theme
	svc  service.Doctor
	keys KeyMap

	width, height int

	mode mode
	seq  int // ids of async requests; a stale answer is dropped
	id   int // the request waited for, 0 for none
	req  service.DoctorRequest

	report    *service.DoctorReport
	reportErr error

	input       textarea.Model
	explained   string // the text explained
	explanation *service.Explanation
	explainErr  error

	// lines is the checklist or the explanation laid out for width.
	lines  []string
	laidW  int
	scroll int
}

// New returns the pane, closed, working through svc (nil: the console
// has no doctor; the pane says so).
func New(t *theme.Theme, svc service.Doctor) Model {
	m := Model{t: t, svc: svc, keys: DefaultKeyMap()}
	m.input = textarea.New()
	m.input.ShowLineNumbers = false
	m.input.Prompt = ""
	m.input.CharLimit = MaxPaste
	m.input.Placeholder = "paste the error here: NotAuthorizedException: …, a response body, error=redirect_mismatch, 401 {\"message\":\"Unauthorized\"}"
	m.input.KeyMap.InsertNewline = m.keys.Newline
	m.SetTheme(t)
	return m
}

// SetTheme restyles the pane.
func (m *Model) SetTheme(t *theme.Theme) {
	m.t = t
	m.input.SetStyles(t.TextArea)
	m.relayout()
}

// SetSize gives the pane its area (the pane's border included).
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.input.SetWidth(max(w-2, 8))
	m.input.SetHeight(max(h-2-inputHeader, 1))
	m.relayout()
}

// relayout lays the content out again (a new size or theme).
func (m *Model) relayout() {
	m.lines = nil
	if m.mode == modeChecks || m.mode == modeExplain {
		m.layout()
	}
	m.scroll = min(m.scroll, max(len(m.lines)-(m.height-2), 0))
}

// inputHeader is how many lines the input mode shows above the text.
const inputHeader = 3

// IsOpen reports whether the pane is shown.
func (m Model) IsOpen() bool { return m.mode != modeClosed }

// Typing reports whether the pasted text has the keyboard.
func (m Model) Typing() bool { return m.mode == modeInput }

// Busy reports whether a run or an explanation is under way.
func (m Model) Busy() bool { return m.id != 0 }

// Input is the pasted text as it stands.
func (m Model) Input() string { return m.input.Value() }

// Report is the last checklist, nil before the first.
func (m Model) Report() *service.DoctorReport { return m.report }

// Explanation is the last explanation, nil before the first or after a
// failure.
func (m Model) Explanation() *service.Explanation { return m.explanation }

// Run opens the checklist and runs the checks for req.
func (m Model) Run(req service.DoctorRequest) (Model, tea.Cmd) {
	m.input.Blur()
	m.mode = modeChecks
	m.req = req
	m.report, m.reportErr = nil, nil
	m.lines, m.scroll = nil, 0
	if m.svc == nil {
		m.id = 0
		return m, nil
	}
	m.seq++
	m.id = m.seq
	return m, doctorCmd(m.svc, m.id, req)
}

// Paste opens the input for an error to explain with req's checks; the
// text pasted before is kept.
func (m Model) Paste(req service.DoctorRequest) (Model, tea.Cmd) {
	m.req = req
	m.mode = modeInput
	m.lines = nil
	return m, m.input.Focus()
}

// Close hides the pane; a run under way is forgotten.
func (m Model) Close() Model {
	m.mode = modeClosed
	m.id = 0
	m.input.Blur()
	return m
}

// KeyMap returns the bindings that work now.
func (m Model) KeyMap() help.KeyMap {
	k := m.keys
	scroll := m.mode != modeInput
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown} {
		b.SetEnabled(scroll)
	}
	k.Submit.SetEnabled(m.mode == modeInput)
	k.Newline.SetEnabled(m.mode == modeInput)
	k.Rerun.SetEnabled(m.mode == modeChecks && m.svc != nil)
	k.Explain.SetEnabled(m.mode != modeInput && m.svc != nil)
	switch m.mode {
	case modeExplain:
		k.Explain.SetHelp("e", "edit the pasted error")
		k.Rerun.SetEnabled(false)
	case modeInput:
		k.Close.SetHelp("esc", "close (the text is kept)")
	}
	return k
}

// Update handles keys, pastes and the service's answers.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	m, cmd := m.update(msg)
	if m.mode == modeChecks || m.mode == modeExplain {
		m.layout()
	}
	return m, cmd
}

func (m Model) update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if m.mode == modeInput {
			return m.inputKey(msg)
		}
		return m.handleKey(msg)
	case tea.PasteMsg:
		if m.mode == modeInput {
			var cmd tea.Cmd
			m.input, cmd = m.input.Update(msg)
			return m, cmd
		}
		if m.mode != modeClosed && m.svc != nil {
			// A paste while the results show is a new error to explain.
			m, cmd := m.Paste(m.req)
			m.input.Reset()
			var cmd2 tea.Cmd
			m.input, cmd2 = m.input.Update(msg)
			return m, tea.Batch(cmd, cmd2)
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
	case doctorMsg:
		if msg.id != m.id || m.mode != modeChecks {
			return m, nil
		}
		m.id = 0
		m.report, m.reportErr = msg.report, msg.err
		m.lines, m.scroll = nil, 0
		if msg.err != nil {
			return m, common.StatusError(theme.Cross + " the doctor could not run: " + msg.err.Error())
		}
		r := msg.report
		return m, common.Status(summary(r))
	case explainedMsg:
		if msg.id != m.id {
			return m, nil
		}
		m.id = 0
		if msg.err != nil {
			// Back to the text, kept whole, with the error above it.
			m.explainErr = msg.err
			m.mode = modeInput
			return m, tea.Batch(m.input.Focus(), common.StatusError(theme.Cross+" could not explain: "+msg.err.Error()))
		}
		m.explainErr = nil
		m.explanation = msg.x
		m.explained = msg.text
		m.mode = modeExplain
		m.lines, m.scroll = nil, 0
		return m, nil
	}
	return m, nil
}

func (m Model) handleKey(k tea.KeyPressMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(k, m.keys.Close):
		return m.Close(), nil
	case key.Matches(k, m.keys.Up):
		m.scrollBy(-1)
	case key.Matches(k, m.keys.Down):
		m.scrollBy(1)
	case key.Matches(k, m.keys.PageUp):
		m.scrollBy(-max(m.height-3, 1))
	case key.Matches(k, m.keys.PageDown):
		m.scrollBy(max(m.height-3, 1))
	case key.Matches(k, m.keys.Rerun) && m.mode == modeChecks:
		return m.Run(m.req)
	case key.Matches(k, m.keys.Explain) && m.svc != nil:
		return m.Paste(m.req)
	}
	return m, nil
}

func (m Model) inputKey(k tea.KeyPressMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(k, m.keys.Close):
		if m.id != 0 {
			m.id = 0 // the explanation under way is dropped
		}
		if m.explanation != nil && m.input.Value() == m.explained {
			// Back to the explanation of this very text.
			m.mode = modeExplain
			m.input.Blur()
			return m, nil
		}
		return m.Close(), nil
	case key.Matches(k, m.keys.Submit):
		text := m.input.Value()
		if strings.TrimSpace(text) == "" {
			return m, common.StatusError("nothing to explain: paste the error text first")
		}
		if m.svc == nil || m.id != 0 {
			return m, nil
		}
		m.seq++
		m.id = m.seq
		m.explainErr = nil
		return m, explainCmd(m.svc, m.id, text, m.req)
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(k)
	return m, cmd
}

func (m *Model) scrollBy(n int) {
	m.layout()
	m.scroll = min(max(m.scroll+n, 0), max(len(m.lines)-(m.height-2), 0))
}

// summary is the status line after a run.
func summary(r *service.DoctorReport) string {
	if r == nil {
		return ""
	}
	s := counts(r)
	if r.Count(service.CheckFail) > 0 {
		return theme.Cross + " doctor: " + s
	}
	return theme.Check + " doctor: " + s
}

// Messages carry the id of the request they answer.
type doctorMsg struct {
	id     int
	report *service.DoctorReport
	err    error
}

type explainedMsg struct {
	id   int
	text string
	x    *service.Explanation
	err  error
}

func doctorCmd(svc service.Doctor, id int, req service.DoctorRequest) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		r, err := svc.Doctor(ctx, req)
		return doctorMsg{id: id, report: r, err: err}
	}
}

func explainCmd(svc service.Doctor, id int, text string, req service.DoctorRequest) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		x, err := svc.Explain(ctx, text, req)
		return explainedMsg{id: id, text: text, x: x, err: err}
	}
}
