package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/cogscope/cogscope/ui/internal/fakes"
)

// A call's lines, from view 3 to view 4: l switches to the Logs view at
// the call's request id.
func TestCallLinesInTheLogsView(t *testing.T) {
	t.Parallel()
	d := newDriver(t, demoOptions(), 120, 40)
	d.keys("enter", "enter", "enter", "3", "down", "enter")
	d.keys("l")
	if d.M.Active() != PageLogs {
		t.Fatalf("l goes to the Logs view, on %v", d.M.Active())
	}
	if v := d.screen(); !strings.Contains(v, "request "+fakes.RequestID(1)) || !strings.Contains(v, `"requestId":"`+fakes.RequestID(1)) {
		t.Fatalf("the Logs view is at the call's lines:\n%s", v)
	}
}

// A resize to the smallest frame while a call runs, then the answer.
func TestResizeWhileACallRuns(t *testing.T) {
	t.Parallel()
	o := demoOptions()
	api := o.API.(*fakes.API)
	api.Hold = make(chan struct{})
	d := newDriver(t, o, 120, 40)
	d.keys("enter", "enter", "enter", "3", "down")
	d.Send(keyMsg("enter"))
	d.Send(tea.WindowSizeMsg{Width: MinWidth, Height: MinHeight})
	v := d.screen()
	if !strings.Contains(v, "sending GET /private") {
		t.Fatalf("the running call shows at %dx%d:\n%s", MinWidth, MinHeight, v)
	}
	for _, l := range strings.Split(v, "\n") {
		if ansi.StringWidth(l) > MinWidth {
			t.Fatalf("a line is wider than the terminal: %q", l)
		}
	}
	close(api.Hold)
	d.Until(func(m Model) bool { return strings.Contains(ansi.Strip(m.render()), "200 OK") })
	if n := len(strings.Split(d.screen(), "\n")); n != MinHeight {
		t.Fatalf("the frame has %d lines, want %d", n, MinHeight)
	}
}

// The log service going away mid-tail: both log panes say so, and the
// console stays usable.
func TestLogServiceGoingAway(t *testing.T) {
	t.Parallel()
	o := demoOptions()
	lg := o.Logs.(*fakes.Logs)
	d := newDriver(t, o, 120, 40)
	d.keys("enter", "enter", "enter", "3", "down")
	lg.Fail(errors.New("connection reset by peer"))
	d.Until(func(m Model) bool {
		return strings.Contains(ansi.Strip(m.render()), "log service: connection reset by peer — retrying")
	})
	d.keys("enter")
	if v := d.screen(); !strings.Contains(v, "200 OK · GET /private") {
		t.Fatalf("calls still work while the logs are away:\n%s", v)
	}
	d.keys("4")
	if v := d.screen(); !strings.Contains(v, "log service: connection reset by peer — retrying") {
		t.Fatalf("the Logs view says so too:\n%s", v)
	}
	d.keys("2")
	if d.M.Active() != PageTokens {
		t.Fatal("the other views stay usable")
	}
}

// The journey, in the real program: sign in with SRP, the Tokens
// view, 3, /private with the access token (200), the ID token to /scoped
// (403, and why), the call's lines in the log pane, 4 at its request id,
// q.
func TestJourneyCallAndItsLogLines(t *testing.T) {
	t.Parallel()
	o := demoOptions()
	tm := startProgram(t, o)
	waitFor(t, tm, "Sign in", "local stack")
	press(tm, "enter", "enter", "enter")
	waitFor(t, tm, "signed in with SRP")
	press(tm, "2")
	waitFor(t, tm, "token_use", "valid")
	press(tm, "3")
	waitFor(t, tm, "Routes · 6", "/scoped")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyDown})
	press(tm, "enter")
	waitFor(t, tm, "200 OK", fakes.RequestID(1))
	tm.Send(tea.KeyPressMsg{Code: tea.KeyDown})
	press(tm, "a")
	waitFor(t, tm, "will fail: 403")
	press(tm, "enter")
	waitFor(t, tm, "403 Forbidden", "failed check: scope", "diagnosis", `"requestId":"`+fakes.RequestID(2))
	press(tm, "l")
	waitFor(t, tm, "request "+fakes.RequestID(2))
	press(tm, "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	final := tm.FinalModel(t).(Model)
	if final.Active() != PageLogs {
		t.Fatalf("ended on view %v", final.Active())
	}
	if calls := o.API.(*fakes.API).Calls(); len(calls) != 2 || calls[1].TokenChoice != "id" {
		t.Fatalf("calls %+v", calls)
	}
}
