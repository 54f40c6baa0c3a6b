package console

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/ui/service"
)

// TestConsoleRetriesAWrongMFACode: against the local stack, as cmd wires
// the console, mfa-demo's wrong TOTP code brings the challenge back with
// Cognito's refusal, and the right one then signs in.
func TestConsoleRetriesAWrongMFACode(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, _ := endpointConsole(ctx, t)
	run, err := c.options().SignIn.Start(ctx, service.SignInRequest{Flow: service.FlowSRP, Username: cognito.DemoMFAUsername, Password: cognito.DemoPassword})
	if err != nil {
		t.Fatal(err)
	}
	next := func() service.Event {
		t.Helper()
		for {
			select {
			case ev, ok := <-run.Events():
				if !ok {
					t.Fatal("the run ended")
				}
				if ev.Step == nil {
					return ev
				}
			case <-ctx.Done():
				t.Fatal("no event")
			}
		}
	}
	ev := next()
	if ev.Challenge == nil || ev.Challenge.Name != "SOFTWARE_TOKEN_MFA" || ev.Refused != nil {
		t.Fatalf("first event %+v", ev)
	}
	wrong := "000000"
	if now, _ := totp.GenerateCode(cognito.DemoTOTPSecret, time.Now()); now == wrong {
		wrong = "111111"
	}
	if err := run.Answer(flows.Answer{flows.FieldCode: wrong}); err != nil {
		t.Fatal(err)
	}
	ev = next()
	var ce *flows.CallError
	if ev.Challenge == nil || ev.TriesLeft != 2 || !errors.As(ev.Refused, &ce) || ce.API == nil || ce.API.Type != "CodeMismatchException" {
		t.Fatalf("after a wrong code: %+v", ev)
	}
	code, err := totp.GenerateCode(cognito.DemoTOTPSecret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Answer(flows.Answer{flows.FieldCode: code}); err != nil {
		t.Fatal(err)
	}
	if ev = next(); ev.Tokens == nil || ev.Tokens.AccessToken == "" {
		t.Fatalf("after the right code: %+v", ev)
	}
}
