package signin

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/ui/common"
	"github.com/cogscope/cogscope/ui/internal/fakes"
	"github.com/cogscope/cogscope/ui/service"
	"github.com/cogscope/cogscope/ui/theme"
)

// codeMismatch is Cognito's refusal of a wrong code, as a flow returns it.
var codeMismatch = &flows.CallError{Op: "respond to SOFTWARE_TOKEN_MFA", Operation: "RespondToAuthChallenge",
	API: &flows.APIError{Type: "CodeMismatchException", Message: "Invalid code received for user"}}

// mfaRun is a flow that asks for a TOTP code until it gets 123456,
// retrying as flows.Run does: while the answerer, a flows.Retrier, says so.
func mfaRun(ctx context.Context, _ func(flows.Step), ask flows.Answerer) (*flows.Tokens, error) {
	c := &flows.Challenge{Name: "SOFTWARE_TOKEN_MFA", Prompt: "Enter the 6-digit code",
		Fields: []flows.Field{{Name: flows.FieldCode, Label: "Code", Digits: 6}}}
	for {
		a, err := ask.Answer(ctx, c)
		if err != nil {
			return nil, err
		}
		if a[flows.FieldCode] == "123456" {
			return &flows.Tokens{AccessToken: "a", IDToken: "i", TokenType: "Bearer"}, nil
		}
		if r, ok := ask.(flows.Retrier); !ok || !r.Retry(ctx, c, codeMismatch) {
			return nil, codeMismatch
		}
	}
}

func newBridgeView(t *testing.T) *Model {
	t.Helper()
	svc := service.NewSignIn(func(service.SignInRequest) (service.RunFunc, error) { return mfaRun, nil })
	m := New(theme.New(true, false), svc, fakes.Target())
	m.SetSize(120, 36)
	return &m
}

// TestWrongMFACodeIsAskedAgain: a mistyped code does not end the sign-in
// (the command line allows three tries, and so does the console): the
// form comes back saying why and how many tries are left.
func TestWrongMFACodeIsAskedAgain(t *testing.T) {
	t.Parallel()
	d := drive(t, *newBridgeView(t))
	d.Keys("enter", "enter", "enter")
	if d.M.phase != phaseChallenge {
		t.Fatalf("phase %v: want the SOFTWARE_TOKEN_MFA form", d.M.phase)
	}
	d.Type("000000")
	d.Keys("enter")
	if d.M.phase != phaseChallenge || d.M.focus != focusChallenge {
		t.Fatalf("after a wrong code: phase %v focus %v, want the form again", d.M.phase, d.M.focus)
	}
	if want := "CodeMismatchException: Invalid code received for user — try again (2 tries left)"; d.M.challenge.err != want {
		t.Fatalf("form error %q, want %q", d.M.challenge.err, want)
	}
	if !strings.Contains(ansi.Strip(d.M.View()), "(2 tries left)") {
		t.Error("the refusal is not on the screen")
	}
	d.Type("123456")
	d.Keys("enter")
	if d.M.phase != phaseDone {
		t.Fatalf("phase %v after the right code, want done", d.M.phase)
	}
}

// TestThirdWrongCodeEndsTheSignIn: three answers, then the refusal is
// the flow's failure.
func TestThirdWrongCodeEndsTheSignIn(t *testing.T) {
	t.Parallel()
	d := drive(t, *newBridgeView(t))
	d.Keys("enter", "enter", "enter")
	for i, left := range []string{"2 tries left", "1 try left"} {
		d.Type("00000" + string(rune('0'+i)))
		d.Keys("enter")
		if !strings.Contains(d.M.challenge.err, left) {
			t.Fatalf("answer %d: form error %q, want %q", i+1, d.M.challenge.err, left)
		}
	}
	d.Type("000009")
	d.Keys("enter")
	if d.M.phase != phaseFailed || d.M.failure == nil || !errors.Is(d.M.failure, codeMismatch) && d.M.failure.Type != "CodeMismatchException" {
		t.Fatalf("after the third wrong code: phase %v, failure %+v", d.M.phase, d.M.failure)
	}
}

// TestLastRunsOutcomeLeavesWithTheFlow: "✓ signed in" belongs to the flow
// that ran; moving to another flow (or into a form) drops it.
func TestLastRunsOutcomeLeavesWithTheFlow(t *testing.T) {
	t.Parallel()
	d, _ := newView(t, map[service.Flow]fakes.Script{service.FlowSRP: fakes.SRPScript()}, fakes.Target())
	d.Keys("enter", "enter", "enter")
	if d.M.phase != phaseDone || !strings.Contains(ansi.Strip(d.M.View()), "signed in: press 2") {
		t.Fatalf("phase %v: the SRP run says it signed in", d.M.phase)
	}
	d.Keys("down")
	if strings.Contains(ansi.Strip(d.M.View()), "signed in: press 2") {
		t.Error("the Password flow's form still says the last run signed in")
	}
	d.Keys("up")
	if !strings.Contains(ansi.Strip(d.M.View()), "signed in: press 2") {
		t.Error("back on SRP, the outcome is gone")
	}
}

// TestRefreshWithoutARefreshToken: a session from client credentials has
// no refresh token; the refresh flow says so instead of "no session yet".
func TestRefreshWithoutARefreshToken(t *testing.T) {
	t.Parallel()
	d, svc := newView(t, nil, fakes.Target())
	d.Send(common.SessionMsg{Tokens: flows.Tokens{AccessToken: "a", TokenType: "Bearer"}, From: "client credentials", Flow: "client-credentials"})
	d.Keys("up", "enter")
	st := statuses(d.TakeKept())
	if len(st) != 1 || !st[0].Err || !strings.Contains(st[0].Text, "client credentials give none") || len(svc.Requests()) != 0 {
		t.Fatalf("status %+v", st)
	}
	if !strings.Contains(ansi.Strip(d.M.View()), "the session has no refresh token") {
		t.Error("the refresh form says there is no session")
	}
}
