package ui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/cogscope/cogscope/ui/internal/fakes"
	"github.com/cogscope/cogscope/ui/service"
)

// The doctor pane on the Sign-in view: the checklist (d) and a pasted
// error explained (e), on the fake doctor. Regenerate with
//
//	go test ./ui -run TestGoldenDoctor -update
func TestGoldenDoctor(t *testing.T) {
	t.Parallel()
	paste := func(d *driver) {
		d.keys("e")
		d.Send(tea.PasteMsg{Content: fakes.FlowDisabledMessage + "\n    at InitiateAuth (index.js:12)"})
		d.Settle()
	}
	cases := []struct {
		name  string
		fail  bool
		setup func(d *driver)
	}{
		{"signin_keys", false, func(*driver) {}},
		{"doctor_checklist", false, func(d *driver) { d.keys("d") }},
		{"doctor_help", false, func(d *driver) { d.keys("d", "?") }},
		{"explain_input", false, paste},
		{"explain_result", false, func(d *driver) { paste(d); d.keys("enter") }},
		{"explain_failed", true, func(d *driver) { paste(d); d.keys("enter") }},
	}
	for _, c := range cases {
		for _, size := range [][2]int{{120, 40}, {80, 24}} {
			t.Run(fmt.Sprintf("%s_%dx%d", c.name, size[0], size[1]), func(t *testing.T) {
				t.Parallel()
				doc := fakes.NewDoctor()
				if c.fail {
					doc.Err = fakes.ErrDoctorDown
				}
				d := newDriver(t, Options{Target: fakes.Target(), SignIn: fakes.NewSignIn(), Tokens: fakes.NewTokens(), Doctor: doc}, size[0], size[1])
				c.setup(d)
				golden.RequireEqual(t, d.screen())
			})
		}
	}
}

// The doctor runs for the flow picked, with its form's scopes, and keeps
// the keys to itself while it is open; the root's keys work again once
// it is closed.
func TestDoctorRunsForThePickedFlow(t *testing.T) {
	t.Parallel()
	doc := fakes.NewDoctor()
	d := newDriver(t, Options{Target: fakes.Target(), SignIn: fakes.NewSignIn(), Tokens: fakes.NewTokens(), Doctor: doc}, 120, 40)
	d.keys("down", "down", "d") // Hosted UI (PKCE)
	reqs := doc.Requests()
	if len(reqs) != 1 || reqs[0].Flow != "pkce" || strings.Join(reqs[0].Scopes, " ") != fakes.Target().Scopes {
		t.Fatalf("requests = %+v, want the pkce flow with the form's scopes %q", reqs, fakes.Target().Scopes)
	}
	if !d.M.signIn.DoctorOpen() || d.M.signIn.Doctor().Report() == nil {
		t.Fatal("the checklist is not shown")
	}
	// r runs again; j scrolls, and is no flow move.
	d.keys("r", "j")
	if n := len(doc.Requests()); n != 2 {
		t.Errorf("r: %d runs, want 2", n)
	}
	d.keys("esc")
	if d.M.signIn.DoctorOpen() {
		t.Fatal("esc left the pane open")
	}
	d.keys("2")
	if d.M.Active() != PageTokens {
		t.Errorf("2 after closing the doctor: view %d", d.M.Active())
	}
}

// A pasted error is kept when its explanation fails, and explained when
// the service answers; while the text has the keyboard, q and the number
// keys are text.
func TestExplainKeepsThePasteWhenItFails(t *testing.T) {
	t.Parallel()
	doc := fakes.NewDoctor()
	doc.Err = fakes.ErrDoctorDown
	d := newDriver(t, Options{Target: fakes.Target(), SignIn: fakes.NewSignIn(), Tokens: fakes.NewTokens(), Doctor: doc}, 120, 40)
	d.keys("e")
	d.Send(tea.PasteMsg{Content: fakes.FlowDisabledMessage})
	d.Settle()
	d.typeText(" q2")
	want := fakes.FlowDisabledMessage + " q2"
	d.keys("enter")
	if texts := doc.Texts(); len(texts) != 1 || texts[0] != want {
		t.Fatalf("Explain got %q, want %q", texts, want)
	}
	pane := d.M.signIn.Doctor()
	if !pane.Typing() || pane.Input() != want || pane.Explanation() != nil {
		t.Fatalf("after the failure: typing %v, input %q, explanation %v", pane.Typing(), pane.Input(), pane.Explanation())
	}
	if !strings.Contains(d.screen(), "could not explain: the local stack is still starting") {
		t.Errorf("the failure is not shown:\n%s", d.screen())
	}
	if d.quit() || d.M.Active() != PageSignIn {
		t.Fatal("q or 2 in the text reached the root")
	}
	doc.Err = nil
	d.keys("enter")
	x := d.M.signIn.Doctor().Explanation()
	if x == nil || x.Best == nil || x.Best.ID != "cognito.flow-disabled" {
		t.Fatalf("explanation = %+v", x)
	}
	if s := d.screen(); !strings.Contains(s, "confirmed cognito.flow-disabled by client.auth-flow") {
		t.Errorf("the confirmation is not shown:\n%s", s)
	}
}

// A call whose answer is not the one predicted before sending says so
// beside both. Regenerate with
//
//	go test ./ui -run TestGoldenPreflightMismatch -update
func TestGoldenPreflightMismatch(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{{120, 40}, {80, 24}} {
		t.Run(fmt.Sprintf("api_preflight_mismatch_%dx%d", size[0], size[1]), func(t *testing.T) {
			t.Parallel()
			o := demoOptions()
			api := o.API.(*fakes.API)
			body := []byte(`{"message":"Unauthorized"}`)
			api.Results = map[string]*service.CallResult{"/private": {Status: 401, Body: body, Size: int64(len(body)),
				Headers:   []service.Header{{Name: "Content-Type", Value: "application/json"}, {Name: "Www-Authenticate", Value: `Bearer error="invalid_token" error_description="the token has expired"`}},
				Judgement: &service.Judgement{Verdict: service.VerdictUnauthorized, FailedCheck: "exp", Gateway: `"Unauthorized"`, Diagnosis: "the token expired", Fix: "refresh (2, r)"},
				Preflight: &service.Preflight{Outcome: service.PredictPass, Reason: "the token passes the JWT authorizer's checks", Differences: []string{"status"}}}}
			d := newDriver(t, o, size[0], size[1])
			d.keys("enter", "enter", "enter", "3", "down", "enter")
			id := fakes.RequestID(1)
			d.Until(func(m Model) bool {
				return logsPage(m).Holds(id) && strings.Contains(ansi.Strip(m.render()), `"requestId":"`+id)
			})
			golden.RequireEqual(t, d.screen())
		})
	}
}

// A paste on the Sign-in view with no field focused opens the box with
// the text; enter explains it.
func TestAPasteOnSignInIsAnErrorToExplain(t *testing.T) {
	t.Parallel()
	doc := fakes.NewDoctor()
	d := newDriver(t, Options{Target: fakes.Target(), SignIn: fakes.NewSignIn(), Tokens: fakes.NewTokens(), Doctor: doc}, 120, 40)
	d.Send(tea.PasteMsg{Content: fakes.FlowDisabledMessage})
	d.Settle()
	if p := d.M.signIn.Doctor(); !p.Typing() || p.Input() != fakes.FlowDisabledMessage {
		t.Fatalf("after the paste: typing %v, input %q", p.Typing(), p.Input())
	}
	d.keys("enter")
	if x := d.M.signIn.Doctor().Explanation(); x == nil || x.Best == nil || len(doc.Texts()) != 1 {
		t.Fatalf("explanation %+v, texts %q", x, doc.Texts())
	}
	// In a form field the paste is the field's.
	d.keys("esc", "enter")
	d.Send(tea.PasteMsg{Content: "alice"})
	d.Settle()
	if d.M.signIn.DoctorOpen() || len(doc.Texts()) != 1 {
		t.Error("a paste into the form went to the doctor")
	}
}
