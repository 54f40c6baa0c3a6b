package doctor

import (
	"errors"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/ui/internal/fakes"
	"github.com/cogscope/cogscope/ui/service"
	"github.com/cogscope/cogscope/ui/theme"
)

func newPane(svc service.Doctor) Model {
	m := New(theme.New(true, true), svc)
	m.SetSize(90, 30)
	return m
}

// exec runs cmd (a batch too) and returns the messages, status lines
// left out.
func exec(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, exec(c)...)
		}
		return out
	}
	return []tea.Msg{msg}
}

func only[T any](t *testing.T, msgs []tea.Msg) T {
	t.Helper()
	for _, m := range msgs {
		if v, ok := m.(T); ok {
			return v
		}
	}
	var zero T
	t.Fatalf("no %T among %#v", zero, msgs)
	return zero
}

func TestRunShowsTheReportAndDropsAStaleOne(t *testing.T) {
	t.Parallel()
	m := newPane(fakes.NewDoctor())
	m, first := m.Run(service.DoctorRequest{Flow: service.FlowSRP})
	if !m.IsOpen() || !m.Busy() || m.Typing() {
		t.Fatalf("after Run: open %v busy %v typing %v", m.IsOpen(), m.Busy(), m.Typing())
	}
	stale := only[doctorMsg](t, exec(first))
	m, second := m.Update(tea.KeyPressMsg{Code: 'r', Text: "r"}) // r: run again
	m, _ = m.Update(stale)
	if m.Report() != nil || !m.Busy() {
		t.Fatal("the first run's answer was taken after r started another")
	}
	m, _ = m.Update(only[doctorMsg](t, exec(second)))
	if m.Busy() || m.Report() == nil || m.Report().Count(service.CheckFail) != 1 {
		t.Fatalf("report = %+v", m.Report())
	}
	view := ansi.Strip(m.View())
	for _, want := range []string{"✗ client.auth-flow (srp)", "⚠ client.refresh-rotation", "– api.issuer", "Not read", "no AWS credentials"} {
		if !strings.Contains(view, want) {
			t.Errorf("checklist lacks %q:\n%s", want, view)
		}
	}
	m, _ = m.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
	if m.IsOpen() {
		t.Error("esc did not close the pane")
	}
}

func TestAFailedRunSaysWhy(t *testing.T) {
	t.Parallel()
	d := fakes.NewDoctor()
	d.Err = &service.Failure{Transport: true, Err: errors.New("dial tcp 127.0.0.1:9229: connection refused")}
	d.Err.(*service.Failure).Message = "dial tcp 127.0.0.1:9229: connection refused"
	m := newPane(d)
	m, cmd := m.Run(service.DoctorRequest{Flow: service.FlowSRP})
	m, _ = m.Update(only[doctorMsg](t, exec(cmd)))
	if v := ansi.Strip(m.View()); !strings.Contains(v, "the doctor could not run") || !strings.Contains(v, "connection refused") {
		t.Errorf("view:\n%s", v)
	}
}

// A bracketed paste keeps its lines; enter explains the whole text; a
// failure leaves it in the box, with the error shown.
func TestPasteIsExplainedAndKeptOnFailure(t *testing.T) {
	t.Parallel()
	d := fakes.NewDoctor()
	d.Err = errors.New("context deadline exceeded")
	m := newPane(d)
	m, _ = m.Paste(service.DoctorRequest{Flow: service.FlowPassword})
	if !m.Typing() {
		t.Fatal("the input does not have the keyboard")
	}
	text := "NotAuthorizedException: Incorrect username or password.\nRequestID: 1234"
	m, _ = m.Update(tea.PasteMsg{Content: text})
	if m.Input() != text {
		t.Fatalf("input = %q, want the paste whole", m.Input())
	}
	m, cmd := m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	msg := only[explainedMsg](t, exec(cmd))
	if msg.text != text || len(d.Texts()) != 1 || d.Requests()[0].Flow != service.FlowPassword {
		t.Fatalf("explained %q for %+v", d.Texts(), d.Requests())
	}
	m, _ = m.Update(msg)
	if !m.Typing() || m.Input() != text || m.Explanation() != nil {
		t.Fatalf("after the failure: typing %v input %q", m.Typing(), m.Input())
	}
	if v := ansi.Strip(m.View()); !strings.Contains(v, "could not explain: context deadline exceeded") {
		t.Errorf("view:\n%s", v)
	}
	// esc closes and keeps the text for the next e.
	m, _ = m.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
	m, _ = m.Paste(service.DoctorRequest{Flow: service.FlowPassword})
	if m.Input() != text {
		t.Errorf("reopened with %q", m.Input())
	}
	// An empty text is not sent.
	m.input.Reset()
	if _, cmd := m.Update(tea.KeyPressMsg{Code: tea.KeyEnter}); len(d.Texts()) != 1 || cmd == nil {
		t.Errorf("an empty text was sent (%d texts)", len(d.Texts()))
	}
}

// Text from the service never reaches the terminal raw.
func TestViewNeutralisesEscapes(t *testing.T) {
	t.Parallel()
	evil := "\x1b]52;c;ZXZpbA==\x07\x1b[2J\u202e"
	rep := &service.DoctorReport{Target: "pool " + evil, Checks: []service.Check{{Name: "client" + evil, Subject: evil, Status: service.CheckFail,
		Detail: evil, Fix: evil, Error: evil, Catalogue: evil, Link: flows.TroubleshootingURL + "#" + evil}}, Unread: []service.Unread{{What: evil, Op: evil, Reason: evil}}}
	x := &service.Explanation{Best: &service.Cause{ID: evil, Link: evil, Cause: evil, Fix: evil, Why: []string{evil}},
		Others: []service.Cause{{ID: evil, Cause: evil}}, Confirmations: []service.Confirmation{{Cause: evil, Check: evil, Subject: evil,
			Verdict: service.Confirmed, Detail: evil, Fix: evil}}, Notes: []string{evil}, Checked: true}
	m := newPane(fakes.NewDoctor())
	m, _ = m.Run(service.DoctorRequest{})
	m, _ = m.Update(doctorMsg{id: m.id, report: rep})
	views := []string{m.View()}
	m.mode, m.explained, m.explanation, m.lines = modeExplain, evil, x, nil
	views = append(views, m.View())
	for _, v := range views {
		for _, bad := range []string{"\x1b]", "\x1b[2J", "\x07", "\u202e"} {
			if strings.Contains(v, bad) {
				t.Errorf("view holds %q", bad)
			}
		}
	}
}

// A check's or cause's catalogue entry is a hyperlink to its entry on
// the troubleshooting page, shown as the page's path; a link anywhere
// else, or with more than an anchor after the page, is not shown.
func TestViewLinksTheTroubleshootingPage(t *testing.T) {
	t.Parallel()
	page := flows.RefURL("cognito.flow-disabled")
	cases := []struct {
		name, link string
		shown      bool
	}{
		{"the page's entry", page, true},
		{"another site", "https://example.com/docs/troubleshooting.md#cognito.flow-disabled", false},
		{"an anchor with a query", page + "?x=1", false},
		{"an anchor with a space", page + " x", false},
		{"the page without an anchor", flows.TroubleshootingURL + "#", false},
		{"none", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			rep := &service.DoctorReport{Checks: []service.Check{{Name: "client.auth-flow", Status: service.CheckFail,
				Detail: "USER_SRP_AUTH is off", Catalogue: "cognito.flow-disabled", Link: c.link}}}
			x := &service.Explanation{Best: &service.Cause{ID: "cognito.flow-disabled", Link: c.link, Cause: "the flow is off"}}
			m := newPane(fakes.NewDoctor())
			m.SetSize(120, 40)
			m, _ = m.Run(service.DoctorRequest{})
			m, _ = m.Update(doctorMsg{id: m.id, report: rep})
			views := []string{m.View()}
			m.mode, m.explained, m.explanation, m.lines = modeExplain, "text", x, nil
			views = append(views, m.View())
			for i, v := range views {
				hyper := strings.Contains(v, ansi.SetHyperlink(page))
				text := strings.Contains(ansi.Strip(v), "link    docs/troubleshooting.md#cognito.flow-disabled")
				if hyper != c.shown || text != c.shown {
					t.Errorf("view %d: hyperlink %v, text %v; want %v:\n%s", i, hyper, text, c.shown, ansi.Strip(v))
				}
				if c.shown && !strings.Contains(v, ansi.ResetHyperlink()) {
					t.Errorf("view %d: the hyperlink is not closed", i)
				}
			}
		})
	}
}

func TestViewIsExactlyItsSize(t *testing.T) {
	t.Parallel()
	m := newPane(fakes.NewDoctor())
	for _, size := range [][2]int{{90, 30}, {50, 12}, {30, 6}} {
		m.SetSize(size[0], size[1])
		m, cmd := m.Run(service.DoctorRequest{Flow: service.FlowSRP})
		m, _ = m.Update(only[doctorMsg](t, exec(cmd)))
		lines := strings.Split(m.View(), "\n")
		if len(lines) != size[1] {
			t.Errorf("%v: %d lines", size, len(lines))
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w != size[0] {
				t.Errorf("%v: line %d is %d wide", size, i, w)
			}
		}
	}
}

var _ service.Doctor = (*fakes.Doctor)(nil)
