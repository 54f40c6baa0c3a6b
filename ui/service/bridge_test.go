package service

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cogscope/cogscope/flows"
)

// collect reads events until the run closes them (or the test times out).
func next(t *testing.T, r Run) (Event, bool) {
	t.Helper()
	select {
	case ev, ok := <-r.Events():
		return ev, ok
	case <-time.After(5 * time.Second):
		t.Fatal("no event within 5s")
		return Event{}, false
	}
}

func TestBridgeStreamsStepsChallengeAndTokens(t *testing.T) {
	t.Parallel()
	var got flows.Answer
	// The flow waits until the test has answered too early: without the
	// gate it could already be at its challenge, and the early answer
	// would be taken.
	gate := make(chan struct{})
	sign := NewSignIn(func(req SignInRequest) (RunFunc, error) {
		return func(ctx context.Context, onStep func(flows.Step), ask flows.Answerer) (*flows.Tokens, error) {
			<-gate
			onStep(flows.Step{Index: 1, Operation: "InitiateAuth"})
			a, err := ask.Answer(ctx, &flows.Challenge{Name: "SOFTWARE_TOKEN_MFA"})
			if err != nil {
				return nil, err
			}
			got = a
			onStep(flows.Step{Index: 2, Operation: "RespondToAuthChallenge"})
			return &flows.Tokens{AccessToken: "at-" + req.Username}, nil
		}, nil
	})
	run, err := sign.Start(context.Background(), SignInRequest{Flow: FlowSRP, Username: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Answer(flows.Answer{"code": "000000"}); !errors.Is(err, ErrNotWaiting) {
		t.Fatalf("Answer before any challenge = %v, want ErrNotWaiting", err)
	}
	close(gate)
	if ev, _ := next(t, run); ev.Step == nil || ev.Step.Index != 1 {
		t.Fatalf("first event %+v, want step 1", ev)
	}
	ev, _ := next(t, run)
	if ev.Challenge == nil || ev.Challenge.Name != "SOFTWARE_TOKEN_MFA" {
		t.Fatalf("second event %+v, want the challenge", ev)
	}
	if err := run.Answer(flows.Answer{"code": "123456"}); err != nil {
		t.Fatal(err)
	}
	if err := run.Answer(flows.Answer{"code": "654321"}); !errors.Is(err, ErrNotWaiting) {
		t.Fatalf("second Answer = %v, want ErrNotWaiting", err)
	}
	if ev, _ := next(t, run); ev.Step == nil || ev.Step.Index != 2 {
		t.Fatalf("third event %+v, want step 2", ev)
	}
	if ev, _ := next(t, run); ev.Tokens == nil || ev.Tokens.AccessToken != "at-demo" {
		t.Fatalf("fourth event %+v, want tokens", ev)
	}
	if _, ok := next(t, run); ok {
		t.Fatal("events not closed after the tokens")
	}
	if got["code"] != "123456" {
		t.Fatalf("the flow got %v", got)
	}
}

func TestBridgeReportsErrors(t *testing.T) {
	t.Parallel()
	refused := &Failure{Diagnosis: flows.Diagnosis{Type: "NotAuthorizedException", Message: "Incorrect username or password."}}
	cases := []struct {
		name    string
		prepErr error
		runErr  error
		tokens  *flows.Tokens
		want    string
	}{
		{name: "refused", runErr: refused, want: "NotAuthorizedException: Incorrect username or password."},
		{name: "no tokens, no error", want: "the flow ended without tokens"},
		{name: "prepare refuses", prepErr: errors.New("no pool"), want: "no pool"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			sign := NewSignIn(func(SignInRequest) (RunFunc, error) {
				if c.prepErr != nil {
					return nil, c.prepErr
				}
				return func(context.Context, func(flows.Step), flows.Answerer) (*flows.Tokens, error) {
					return c.tokens, c.runErr
				}, nil
			})
			run, err := sign.Start(context.Background(), SignInRequest{})
			if c.prepErr != nil {
				if err == nil || err.Error() != c.want {
					t.Fatalf("Start error = %v, want %q", err, c.want)
				}
				return
			}
			ev, _ := next(t, run)
			if ev.Err == nil || ev.Err.Error() != c.want {
				t.Fatalf("event %+v, want error %q", ev, c.want)
			}
			if _, ok := next(t, run); ok {
				t.Fatal("events not closed after the error")
			}
		})
	}
}

func TestBridgeCancelStopsAWaitingFlow(t *testing.T) {
	t.Parallel()
	flowErr := make(chan error, 1)
	sign := NewSignIn(func(SignInRequest) (RunFunc, error) {
		return func(ctx context.Context, onStep func(flows.Step), ask flows.Answerer) (*flows.Tokens, error) {
			_, err := ask.Answer(ctx, &flows.Challenge{Name: "NEW_PASSWORD_REQUIRED"})
			flowErr <- err
			// A flow that keeps recording after cancellation must not
			// block: nobody reads any more.
			for i := range 2 * eventBuffer {
				onStep(flows.Step{Index: i})
			}
			return nil, err
		}, nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	run, err := sign.Start(ctx, SignInRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if ev, _ := next(t, run); ev.Challenge == nil {
		t.Fatalf("want the challenge, got %+v", ev)
	}
	cancel()
	select {
	case err := <-flowErr:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("the waiting answerer returned %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the flow is still waiting for an answer after cancel")
	}
	// The events close; whatever was buffered before is fine.
	for {
		ev, ok := next(t, run)
		if !ok {
			break
		}
		if ev.Err != nil || ev.Tokens != nil {
			t.Fatalf("a cancelled run reported %+v", ev)
		}
	}
}

func TestAsFailure(t *testing.T) {
	t.Parallel()
	f := &Failure{Diagnosis: flows.Diagnosis{Type: "X"}}
	if AsFailure(errors.Join(errors.New("ctx"), f)) != f {
		t.Error("a wrapped *Failure is returned as is")
	}
	plain := AsFailure(errors.New("boom"))
	if plain.Message != "boom" || plain.Error() != "boom" {
		t.Errorf("plain error: %+v", plain)
	}
	if AsFailure(nil) != nil {
		t.Error("nil stays nil")
	}
	if got := (&Failure{Diagnosis: flows.Diagnosis{Operation: "respond", Type: "C", Message: "m"}}).Error(); got != "respond: C: m" {
		t.Errorf("Error() = %q", got)
	}
	if got := (&Failure{Diagnosis: flows.Diagnosis{Operation: "refresh", Message: "refresh: dial tcp: refused"}}).Error(); got != "refresh: dial tcp: refused" {
		t.Errorf("the call is named once: Error() = %q", got)
	}
}

func TestTargetLabel(t *testing.T) {
	t.Parallel()
	cases := map[string]Target{
		"local stack":               {Kind: TargetLocal},
		"endpoint http://x:1":       {Kind: TargetEndpoint, Endpoint: "http://x:1"},
		"profile dev at http://x:1": {Kind: TargetEndpoint, Endpoint: "http://x:1", Profile: "dev"},
		"AWS profile prod":          {Kind: TargetAWS, Profile: "prod"},
		"AWS":                       {Kind: TargetAWS},
	}
	for want, tg := range cases {
		if got := tg.Label(); got != want {
			t.Errorf("Label() = %q, want %q", got, want)
		}
	}
}
