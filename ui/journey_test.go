package ui

import (
	"bytes"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/cogscope/cogscope/ui/internal/fakes"
	"github.com/cogscope/cogscope/ui/service"
)

// Full-program journeys: the real bubbletea program, keys typed into its
// input, the rendered output read back.

func startProgram(t *testing.T, o Options) *teatest.TestModel {
	t.Helper()
	o.Now = fakes.Clock
	return teatest.NewTestModel(t, New(o),
		teatest.WithInitialTermSize(120, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
}

func waitFor(t *testing.T, tm *teatest.TestModel, texts ...string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		for _, s := range texts {
			if !bytes.Contains(b, []byte(s)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
}

func press(tm *teatest.TestModel, keys ...string) {
	for _, k := range keys {
		tm.Send(keyMsg(k))
	}
}

func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	return tea.KeyPressMsg{Code: []rune(k)[0], Text: k}
}

// Sign in with SRP as the demo user, read the access token on the Tokens
// view, refresh it, quit.
func TestJourneySRPSignInThenTokens(t *testing.T) {
	t.Parallel()
	tokens := fakes.NewTokens()
	tm := startProgram(t, Options{Target: fakes.Target(), SignIn: fakes.NewSignIn(), Tokens: tokens})
	waitFor(t, tm, "Sign in", "local stack")
	press(tm, "enter", "enter", "enter")
	waitFor(t, tm, "signed in with SRP")
	press(tm, "2")
	waitFor(t, tm, "token_use", "valid")
	press(tm, "r")
	waitFor(t, tm, "refreshed")
	press(tm, "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	final := tm.FinalModel(t).(Model)
	if final.Active() != PageTokens {
		t.Fatalf("ended on view %v", final.Active())
	}
	if tokens.Refreshes() != 1 {
		t.Fatalf("refreshes %d", tokens.Refreshes())
	}
}

// MFA setup: the QR code is drawn, the code typed in answers the
// challenge, and ctrl+c quits from inside a form.
func TestJourneyMFASetup(t *testing.T) {
	t.Parallel()
	svc := &fakes.SignIn{Scripts: map[service.Flow]fakes.Script{service.FlowSRP: fakes.MFASetupScript()}}
	tm := startProgram(t, Options{Target: fakes.Target(), SignIn: svc, Tokens: fakes.NewTokens()})
	waitFor(t, tm, "Sign in")
	press(tm, "enter", "enter", "enter")
	waitFor(t, tm, "Scan with an authenticator app", "JBSW Y3DP EHPK 3PXP") // the key, whole, in groups of four
	tm.Type("123456")
	press(tm, "enter")
	waitFor(t, tm, "VerifySoftwareToken")
	press(tm, "ctrl+c")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	if a := svc.Answers(); len(a) != 1 || a[0]["code"] != "123456" {
		t.Fatalf("answers %v", a)
	}
}

// Sign in, refresh, call a route: the Timeline view lists them in order,
// from the messages the real program delivered.
func TestJourneyTimeline(t *testing.T) {
	t.Parallel()
	tm := startProgram(t, demoOptions())
	waitFor(t, tm, "Sign in", "local stack")
	press(tm, "enter", "enter", "enter")
	waitFor(t, tm, "signed in with SRP")
	press(tm, "2", "r")
	waitFor(t, tm, "refreshed")
	press(tm, "3", "down", "enter")
	waitFor(t, tm, "200 OK · GET /private")
	press(tm, "5")
	waitFor(t, tm, "SRP sign-in · signed in", "tokens from refresh", "GET /private → 200 OK · "+fakes.RequestID(1))
	press(tm, "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	final := tm.FinalModel(t).(Model)
	tl := timelinePage(final)
	// The sign-in, its 3 steps and 3 tokens; the refresh and its 3
	// tokens; the call, and its 2 lines when they arrived in time.
	if n := tl.Len(); n < 12 || n > 14 {
		t.Fatalf("the timeline lists %d entries, want 12 to 14", n)
	}
}
