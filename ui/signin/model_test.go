package signin

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/ui/common"
	"github.com/cogscope/cogscope/ui/internal/fakes"
	"github.com/cogscope/cogscope/ui/internal/teststep"
	"github.com/cogscope/cogscope/ui/service"
	"github.com/cogscope/cogscope/ui/theme"
)

func update(m Model, msg tea.Msg) (Model, tea.Cmd) { return m.Update(msg) }

// forRoot keeps the messages the root handles.
func forRoot(msg tea.Msg) bool {
	switch msg.(type) {
	case common.StatusMsg, common.SessionMsg:
		return true
	}
	return false
}

func drive(t *testing.T, m Model) *teststep.Driver[Model] {
	d := teststep.New(t, m, update, forRoot)
	d.Busy = Model.Busy
	return d
}

func newView(t *testing.T, scripts map[service.Flow]fakes.Script, target service.Target) (*teststep.Driver[Model], *fakes.SignIn) {
	t.Helper()
	svc := &fakes.SignIn{Scripts: scripts}
	m := New(theme.New(true, false), svc, target)
	m.SetSize(120, 36)
	return drive(t, m), svc
}

func statuses(msgs []tea.Msg) []common.StatusMsg {
	var out []common.StatusMsg
	for _, m := range msgs {
		if s, ok := m.(common.StatusMsg); ok {
			out = append(out, s)
		}
	}
	return out
}

func TestPickerAndFormFocus(t *testing.T) {
	t.Parallel()
	d, _ := newView(t, nil, fakes.Target())
	if d.M.Typing() || d.M.cursor != 0 {
		t.Fatal("starts on the picker at SRP")
	}
	d.Keys("up")
	if got := menu[d.M.cursor].flow; got != service.FlowRefresh {
		t.Fatalf("up from the first flow wraps to the last, got %s", got)
	}
	d.Keys("down", "down")
	if got := menu[d.M.cursor].flow; got != service.FlowPassword {
		t.Fatalf("cursor on %s, want password", got)
	}
	d.Keys("enter")
	if !d.M.Typing() || d.M.focus != focusForm || !d.M.inputs[fieldUsername].Focused() {
		t.Fatal("enter on a flow with fields focuses the username")
	}
	if !d.M.KeyMap().(KeyMap).Next.Enabled() {
		t.Error("tab (next field) should be offered in the form")
	}
	d.Keys("tab")
	if !d.M.inputs[fieldPassword].Focused() || d.M.inputs[fieldUsername].Focused() {
		t.Fatal("tab moves to the password")
	}
	d.Keys("q") // typed into the password, not a quit
	if !strings.HasSuffix(d.M.inputs[fieldPassword].Value(), "q") {
		t.Fatal("letters go to the focused input")
	}
	d.Keys("esc")
	if d.M.Typing() || d.M.focus != focusPicker {
		t.Fatal("esc leaves the form")
	}
	if d.M.KeyMap().(KeyMap).Next.Enabled() {
		t.Error("tab (next field) should not be offered on the picker")
	}
}

func TestStartRefusesAnIncompleteForm(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		target service.Target
		keys   []string
		want   string
	}{
		{"no username", service.Target{}, []string{"enter", "enter", "enter"}, "enter a username first"},
		{"no password", service.Target{Username: "demo"}, []string{"enter", "enter", "enter"}, "enter the password first"},
		{"refresh without a session", fakes.Target(), []string{"up", "enter"}, "no session yet: sign in"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			d, svc := newView(t, map[service.Flow]fakes.Script{service.FlowSRP: fakes.SRPScript()}, c.target)
			d.Keys(c.keys...)
			st := statuses(d.TakeKept())
			if len(st) != 1 || !st[0].Err || !strings.Contains(st[0].Text, c.want) {
				t.Fatalf("status %+v, want an error containing %q", st, c.want)
			}
			if d.M.phase != phaseIdle || d.M.runID != 0 || len(svc.Requests()) != 0 {
				t.Fatalf("nothing should have started: phase %v, run %d, requests %v", d.M.phase, d.M.runID, svc.Requests())
			}
		})
	}
}

func TestRunStreamsStepsAndHandsOverTheSession(t *testing.T) {
	t.Parallel()
	d, svc := newView(t, map[service.Flow]fakes.Script{service.FlowSRP: fakes.SRPScript()}, fakes.Target())
	d.Keys("enter", "enter", "enter")
	if got := svc.Requests(); len(got) != 1 || got[0].Flow != service.FlowSRP || got[0].Username != fakes.Username || got[0].Password == "" {
		t.Fatalf("requests %+v", got)
	}
	if d.M.phase != phaseDone || len(d.M.steps) != 3 {
		t.Fatalf("phase %v with %d steps, want done with 3", d.M.phase, len(d.M.steps))
	}
	var session *common.SessionMsg
	for _, k := range d.TakeKept() {
		switch k := k.(type) {
		case common.SessionMsg:
			session = &k
		case common.StatusMsg:
			// "press 2 to inspect the tokens" must be true when said: the
			// session reaches the root (and the Tokens view) first.
			if strings.Contains(k.Text, "signed in with") && session == nil {
				t.Fatalf("the status %q came before the session", k.Text)
			}
		}
	}
	if session == nil || session.Tokens.AccessToken != fakes.AccessToken {
		t.Fatalf("no session handed to the root: %+v", session)
	}
	if d.M.session.RefreshToken != fakes.RefreshToken {
		t.Error("the view keeps the session for the refresh flow")
	}

	// A late event of an older run is dropped.
	before := len(d.M.steps)
	d.Send(runEventMsg{id: d.M.runID - 1, ev: service.Event{Step: &d.M.steps[0]}})
	if len(d.M.steps) != before {
		t.Fatal("a stale event changed the trace")
	}
	// The refresh flow now has a refresh token to send.
	d.Keys("up", "enter")
	if got := svc.Requests(); len(got) != 2 || got[1].Flow != service.FlowRefresh || got[1].RefreshToken != fakes.RefreshToken {
		t.Fatalf("refresh request %+v", got)
	}
}

func TestUnmaskShowsSecrets(t *testing.T) {
	t.Parallel()
	d, _ := newView(t, map[service.Flow]fakes.Script{service.FlowSRP: fakes.SRPScript()}, fakes.Target())
	d.Keys("enter", "enter", "enter")
	key := fakes.SRPSteps()[1].SRP.Key
	masked := ansi.Strip(d.M.trace.GetContent())
	if strings.Contains(masked, key[:12]) || !strings.Contains(masked, theme.Mask) {
		t.Fatal("the SRP key should be masked")
	}
	d.Keys("m")
	if !strings.Contains(ansi.Strip(d.M.trace.GetContent()), key[:12]) {
		t.Fatal("m should unmask the SRP key")
	}
	d.Keys("m")
	if strings.Contains(ansi.Strip(d.M.trace.GetContent()), key[:12]) {
		t.Fatal("m again should mask it")
	}
}

func TestChallengeFormValidatesThenAnswers(t *testing.T) {
	t.Parallel()
	d, svc := newView(t, map[service.Flow]fakes.Script{service.FlowSRP: fakes.MFASetupScript()}, fakes.Target())
	d.Keys("enter", "enter", "enter")
	if d.M.phase != phaseChallenge || d.M.focus != focusChallenge || !d.M.Typing() {
		t.Fatalf("phase %v focus %v: want the MFA_SETUP form", d.M.phase, d.M.focus)
	}
	if !strings.Contains(d.M.View(), "Scan with an authenticator app") {
		t.Fatal("MFA setup shows its QR pane")
	}
	d.Type("12")
	d.Keys("enter")
	if d.M.challenge.err != "the code has 6 digits" || len(svc.Answers()) != 0 {
		t.Fatalf("a short code must be refused locally: err %q, answers %v", d.M.challenge.err, svc.Answers())
	}
	d.Type("3456")
	d.Keys("enter")
	if got := svc.Answers(); len(got) != 1 || got[0]["code"] != "123456" {
		t.Fatalf("answers %v", got)
	}
	if d.M.phase != phaseDone || len(d.M.steps) != 5 {
		t.Fatalf("phase %v with %d steps, want done with 5", d.M.phase, len(d.M.steps))
	}
}

func TestNewPasswordFormCollectsAttributes(t *testing.T) {
	t.Parallel()
	d, svc := newView(t, map[service.Flow]fakes.Script{service.FlowSRP: fakes.NewPasswordScript()}, fakes.Target())
	d.Keys("enter", "enter", "enter")
	d.Type("N3w password!")
	d.Keys("enter") // to the next field, not a submit
	if len(svc.Answers()) != 0 {
		t.Fatal("enter on a field that is not the last moves on")
	}
	d.Keys("enter")
	if d.M.challenge.err != "name is required" {
		t.Fatalf("err %q, want the missing attribute named", d.M.challenge.err)
	}
	d.Type("Demo User")
	d.Keys("enter")
	got := svc.Answers()
	if len(got) != 1 || got[0]["new_password"] != "N3w password!" || got[0]["userAttributes.name"] != "Demo User" {
		t.Fatalf("answers %v", got)
	}
}

func TestCancelAbandonsTheRun(t *testing.T) {
	t.Parallel()
	svc := &fakes.SignIn{Scripts: map[service.Flow]fakes.Script{service.FlowSRP: fakes.NewPasswordScript()}}
	m := New(theme.New(true, false), svc, fakes.Target())
	m.SetSize(120, 36)
	d := drive(t, m)
	d.Keys("enter", "enter", "enter")
	id := d.M.runID
	d.Keys("esc")
	if d.M.phase != phaseCancelled || d.M.runID == id || d.M.Typing() {
		t.Fatalf("phase %v run %d: want cancelled and a new run id", d.M.phase, d.M.runID)
	}
	st := statuses(d.TakeKept())
	if len(st) == 0 || !strings.Contains(st[len(st)-1].Text, "cancelled") {
		t.Fatalf("status %+v", st)
	}
	// The flow itself was told to stop: the fake run ends.
	select {
	case <-firstRunDone(t, svc):
	case <-time.After(2 * time.Second):
		t.Fatal("the cancelled run is still going")
	}
}

func firstRunDone(t *testing.T, svc *fakes.SignIn) <-chan struct{} {
	t.Helper()
	r := svc.Runs()
	if len(r) == 0 {
		t.Fatal("no run started")
	}
	return r[0].Done()
}

func TestUnreachableServiceIsAFullPaneWithAWayBack(t *testing.T) {
	t.Parallel()
	d, _ := newView(t, map[service.Flow]fakes.Script{service.FlowSRP: fakes.StackGoneScript()}, fakes.Target())
	d.Keys("enter", "enter", "enter")
	if !d.M.fullPane || d.M.phase != phaseFailed {
		t.Fatal("a transport failure fills the pane")
	}
	if v := ansi.Strip(d.M.View()); !strings.Contains(v, "The sign-in stopped") || !strings.Contains(v, "esc returns") {
		t.Fatalf("full-pane view:\n%s", v)
	}
	d.Keys("esc")
	if d.M.fullPane {
		t.Fatal("esc goes back")
	}
	if v := ansi.Strip(d.M.View()); !strings.Contains(v, "could not reach the service") {
		t.Fatalf("the trace keeps the error inline:\n%s", v)
	}
	// Still usable: another run starts.
	d.Keys("enter", "enter", "enter")
	if d.M.runID != 2 {
		t.Fatalf("run id %d, want a second run", d.M.runID)
	}
}

func TestMouseWheelScrollsTheTrace(t *testing.T) {
	t.Parallel()
	svc := &fakes.SignIn{Scripts: map[service.Flow]fakes.Script{service.FlowSRP: fakes.SRPScript()}}
	m := New(theme.New(true, false), svc, fakes.Target())
	m.SetSize(80, 20)
	d := drive(t, m)
	d.Keys("enter", "enter", "enter")
	bottom := d.M.trace.YOffset()
	if bottom == 0 {
		t.Fatal("the trace should follow the newest step")
	}
	d.Send(tea.MouseWheelMsg{Button: tea.MouseWheelUp})
	if d.M.trace.YOffset() >= bottom {
		t.Fatalf("wheel up: offset %d, was %d", d.M.trace.YOffset(), bottom)
	}
}

func TestResizeReflows(t *testing.T) {
	t.Parallel()
	m := New(theme.New(true, false), &fakes.SignIn{}, fakes.Target())
	for _, sz := range [][2]int{{140, 40}, {100, 30}, {60, 12}} {
		m.SetSize(sz[0], sz[1])
		lines := strings.Split(m.View(), "\n")
		if len(lines) != sz[1] {
			t.Fatalf("%v: %d lines", sz, len(lines))
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w != sz[0] {
				t.Fatalf("%v: line %d is %d wide", sz, i, w)
			}
		}
	}
}

// When the diagram outgrows its pane, the newest arrows stay in view and
// so do the parties' names above them.
func TestDiagramKeepsThePartiesInView(t *testing.T) {
	t.Parallel()
	svc := &fakes.SignIn{Scripts: map[service.Flow]fakes.Script{service.FlowSRP: fakes.SRPScript()}}
	m := New(theme.New(true, false), svc, fakes.Target())
	m.SetSize(80, 20)
	d := drive(t, m)
	d.Keys("enter", "enter", "enter")
	if len(d.M.diagram.lines) <= d.M.lay.diagH-2 {
		t.Fatalf("the diagram (%d lines) should outgrow its pane (%d)", len(d.M.diagram.lines), d.M.lay.diagH-2)
	}
	_, body := d.M.diagramView(d.M.lay.diagW-2, d.M.lay.diagH-2)
	lines := strings.Split(ansi.Strip(body), "\n")
	if len(lines) != d.M.lay.diagH-2 {
		t.Fatalf("%d lines for a pane of %d", len(lines), d.M.lay.diagH-2)
	}
	if !strings.Contains(lines[0], "client") || !strings.Contains(lines[0], "Cognito") {
		t.Errorf("the parties' names scrolled away: %q", lines[0])
	}
	if !strings.Contains(body, "tokens") {
		t.Errorf("the newest arrow is not in view:\n%s", body)
	}
}

// While MFA setup shows its QR code, the key is spelled out whole (it is
// what people type in when they cannot scan), and the trace, narrowed to
// make room for the code, is laid out for its new width; once answered,
// the trace gets its width back.
func TestMFASetupShowsTheWholeKey(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{{120, 36}, {100, 30}, {200, 40}} {
		svc := &fakes.SignIn{Scripts: map[service.Flow]fakes.Script{service.FlowSRP: fakes.MFASetupScript()}}
		m := New(theme.New(true, false), svc, fakes.Target())
		m.SetSize(size[0], size[1])
		d := drive(t, m)
		d.Keys("enter", "enter", "enter")
		l := d.M.panes()
		qr := ansi.Strip(d.M.qrView(l.diagW-2, l.diagH-2))
		if size[0] < wideFrom {
			qr = ansi.Strip(d.M.qrView(l.traceW-2, l.leftH-2)) // the whole right column
		}
		if !strings.Contains(strings.NewReplacer(" ", "", "\n", "").Replace(qr), fakes.TOTPSecret) {
			t.Errorf("%v: the key is not shown whole:\n%s", size, qr)
		}
		if !strings.Contains(qr, "JBSW Y3DP EHPK 3PXP") {
			t.Errorf("%v: the key is not grouped in fours", size)
		}
		narrowed := d.M.panes().traceW
		for _, l := range d.M.traceLines {
			if w := ansi.StringWidth(l); w > narrowed-2 {
				t.Fatalf("%v: trace line %q is %d wide in a pane of %d", size, ansi.Strip(l), w, narrowed-2)
			}
		}
		d.Type("123456")
		d.Keys("enter")
		if d.M.panes().traceW != d.M.lay.traceW || d.M.cache.width != d.M.lay.traceW-2 {
			t.Errorf("%v: after the answer the trace is laid out for %d cells, its pane has %d", size, d.M.cache.width, d.M.lay.traceW-2)
		}
	}
}

// In the smallest terminal (60×16: a pane of 12 rows) the form and the
// challenge forms stay whole: the heading, the flow's description and,
// while a form has the keyboard, the other flows give way.
func TestShortPaneKeepsTheFormWhole(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		script fakes.Script
		keys   []string
		want   []string
	}{
		{fakes.SRPScript(), nil, []string{"Username", "> demo", "Password", "> •"}},
		{fakes.NewPasswordScript(), []string{"enter", "enter", "enter"}, []string{"NEW_PASSWORD_REQUIRED", "New password", "name", "> "}},
		{fakes.MFASetupScript(), []string{"enter", "enter", "enter"}, []string{"MFA_SETUP", "Code from the app", "> "}},
	} {
		svc := &fakes.SignIn{Scripts: map[service.Flow]fakes.Script{service.FlowSRP: c.script}}
		m := New(theme.New(true, false), svc, fakes.Target())
		m.SetSize(60, 12)
		d := drive(t, m)
		d.Keys(c.keys...)
		left := ansi.Strip(d.M.leftView(d.M.lay.leftW - 2))
		if n := strings.Count(left, "\n") + 1; n > d.M.lay.leftH-2 {
			t.Errorf("%d lines in a pane of %d:\n%s", n, d.M.lay.leftH-2, left)
		}
		for _, w := range c.want {
			if !strings.Contains(left, w) {
				t.Errorf("%q missing from the short pane:\n%s", w, left)
			}
		}
	}
}

// The idle hint matches the flow: the refresh flow has no form.
func TestIdleHintFollowsTheFlow(t *testing.T) {
	t.Parallel()
	d, _ := newView(t, nil, fakes.Target())
	if v := ansi.Strip(d.M.View()); !strings.Contains(v, "enter: fill in the form") {
		t.Fatalf("SRP has a form:\n%s", v)
	}
	d.Keys("up") // Refresh
	if v := ansi.Strip(d.M.View()); !strings.Contains(v, "enter: run") || strings.Contains(v, "fill in the form") {
		t.Fatalf("the refresh flow has no form to fill in:\n%s", v)
	}
}

// Where a code went is said once: flows' prompt may already name it.
func TestChallengeSaysTheDestinationOnce(t *testing.T) {
	t.Parallel()
	th := theme.New(true, false)
	for _, c := range []*flows.Challenge{
		{Name: "EMAIL_OTP", Prompt: "Enter the code sent by e-mail sent to m***@e***.com", DeliveryMedium: "EMAIL",
			Destination: "m***@e***.com", Fields: []flows.Field{{Name: flows.FieldCode, Label: "Code"}}},
		{Name: "SMS_MFA", Prompt: "Enter the SMS code", DeliveryMedium: "SMS",
			Destination: "+*******0100", Fields: []flows.Field{{Name: flows.FieldCode, Label: "Code", Digits: 6}}},
	} {
		f, _ := newChallengeForm(th, c, 40)
		if n := strings.Count(ansi.Strip(f.view(th, 40)), c.Destination); n != 1 {
			t.Errorf("%s: the destination is said %d times:\n%s", c.Name, n, ansi.Strip(f.view(th, 40)))
		}
	}
}
