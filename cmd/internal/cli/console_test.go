package cli

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/inspect"
	"github.com/cogscope/cogscope/internal/local/localtest"
	"github.com/cogscope/cogscope/ui/service"
)

func TestConsoleNeedsATerminal(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, out bool }{{false, false}, {true, false}, {false, true}} {
		var out, errOut bytes.Buffer
		f := &Factory{
			IO:  IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, InTTY: c.in, OutTTY: c.out},
			Env: func(string) string { return "" }, Now: time.Now, HTTP: &http.Client{},
		}
		if code := Run(context.Background(), f, nil); code != ExitUsage {
			t.Errorf("tty in=%v out=%v: exit %d, want %d", c.in, c.out, code, ExitUsage)
		}
		msg := errOut.String()
		if strings.Count(msg, "\n") != 1 || !strings.Contains(msg, "needs a terminal") || !strings.Contains(msg, "cogscope login") {
			t.Errorf("want one line naming the non-interactive commands, got %q", msg)
		}
		if out.Len() != 0 {
			t.Errorf("nothing goes to stdout, got %q", out.String())
		}
	}
}

// drain reads a run's events to its end.
func drain(t *testing.T, run service.Run) (steps []flows.Step, tokens *flows.Tokens, err error) {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case ev, ok := <-run.Events():
			switch {
			case !ok:
				return steps, tokens, err
			case ev.Step != nil:
				steps = append(steps, *ev.Step)
			case ev.Tokens != nil:
				tokens = ev.Tokens
			case ev.Err != nil:
				err = ev.Err
			case ev.Challenge != nil:
				t.Fatalf("unexpected challenge %s", ev.Challenge.Name)
			}
		case <-timeout:
			t.Fatal("the run did not end")
		}
	}
}

// The console's services, as cmd wires them, against the local stack
// through the real SDK: sign in, inspect, refresh, and fail as Cognito
// does.
func TestConsoleServicesAgainstTheLocalStack(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	f := &Factory{Env: func(string) string { return "" }, Now: time.Now, HTTP: &http.Client{Timeout: 10 * time.Second},
		Global: GlobalOptions{Endpoint: env.Endpoint}}
	ctx := context.Background()
	c := newConsole(ctx, f)
	defer c.close()
	opts := c.options()
	if opts.Target.Kind != service.TargetEndpoint || opts.Connect == nil {
		t.Fatalf("an --endpoint target connects after the first frame: %+v", opts.Target)
	}
	target, err := opts.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if target.PoolID != env.Demo.PoolID || target.ClientID != env.Demo.ClientID || target.Username != env.Demo.Username {
		t.Fatalf("target %+v is not the demo pool %+v", target, env.Demo)
	}

	run, err := opts.SignIn.Start(ctx, service.SignInRequest{Flow: service.FlowSRP, Username: env.Demo.Username, Password: env.Demo.Password})
	if err != nil {
		t.Fatal(err)
	}
	steps, tokens, err := drain(t, run)
	if err != nil || tokens == nil {
		t.Fatalf("SRP sign-in: tokens %v, err %v", tokens, err)
	}
	var srp *flows.SRPValues
	for _, s := range steps {
		if s.SRP != nil {
			srp = s.SRP
		}
	}
	if srp == nil || srp.Key == "" || srp.Key == flows.Redacted {
		t.Fatalf("the console records unredacted steps (it masks them itself): %+v", srp)
	}

	access, err := opts.Tokens.Inspect(ctx, tokens.AccessToken, service.TokenAccess)
	if err != nil || !access.Valid || access.Kind != inspect.KindAccess {
		t.Fatalf("access token: valid %v kind %v err %v failed %v", access != nil && access.Valid, access.Kind, err, access.Failed())
	}
	if id, err := opts.Tokens.Inspect(ctx, tokens.IDToken, service.TokenID); err != nil || !id.Valid {
		t.Fatalf("ID token: %v %v", err, id.Failed())
	}
	// Presented as an ID token, the access token fails the token_use check.
	if wrong, _ := opts.Tokens.Inspect(ctx, tokens.AccessToken, service.TokenID); wrong.Valid || wrong.Check(inspect.CheckTokenUse).Status != inspect.StatusFail {
		t.Fatal("an access token is not a valid ID token")
	}
	refresh, err := opts.Tokens.Inspect(ctx, tokens.RefreshToken, service.TokenRefresh)
	if err != nil || refresh.Token != nil || !strings.Contains(refresh.Check(inspect.CheckParse).Detail, "encrypted") {
		t.Fatalf("the refresh token is said to be encrypted: %+v, %v", refresh.Check(inspect.CheckParse), err)
	}
	if d := opts.Tokens.Describe("not a token"); d.Check(inspect.CheckParse).Status != inspect.StatusFail {
		t.Fatal("Describe refuses a non-token")
	}

	renewed, err := opts.Tokens.Refresh(ctx, *tokens)
	if err != nil || renewed.AccessToken == "" || renewed.AccessToken == tokens.AccessToken {
		t.Fatalf("refresh: %v", err)
	}

	run, err = opts.SignIn.Start(ctx, service.SignInRequest{Flow: service.FlowPassword, Username: env.Demo.Username, Password: "wrong"})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = drain(t, run)
	var fail *service.Failure
	if !errors.As(err, &fail) || fail.Code != "NotAuthorizedException" || fail.Message != "Incorrect username or password." || fail.Diagnosis == "" || fail.Transport {
		t.Fatalf("a wrong password is Cognito's refusal with a diagnosis: %+v", fail)
	}

	if _, err := opts.SignIn.Start(ctx, service.SignInRequest{Flow: service.FlowPKCE}); err == nil {
		t.Fatal("the hosted-UI flow is refused until flows/oauth lands")
	}
}

func TestConsoleSaysWhenTheServiceIsGone(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	f := &Factory{Env: func(string) string { return "" }, Now: time.Now, HTTP: &http.Client{Timeout: 10 * time.Second},
		Global: GlobalOptions{Endpoint: env.Endpoint}}
	ctx := context.Background()
	c := newConsole(ctx, f)
	defer c.close()
	opts := c.options()
	if _, err := opts.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	if err := env.Stack.Close(); err != nil {
		t.Fatal(err)
	}
	run, err := opts.SignIn.Start(ctx, service.SignInRequest{Flow: service.FlowSRP, Username: "demo", Password: "x"})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = drain(t, run)
	var fail *service.Failure
	if !errors.As(err, &fail) || !fail.Transport || fail.Fix == "" {
		t.Fatalf("an endpoint that went away is a transport failure with a fix: %+v", fail)
	}
}

func TestConsoleTargetFromFlags(t *testing.T) {
	t.Parallel()
	cases := []struct {
		g       GlobalOptions
		kind    service.TargetKind
		connect bool
	}{
		{GlobalOptions{}, service.TargetLocal, true},
		{GlobalOptions{Endpoint: "http://127.0.0.1:9229"}, service.TargetEndpoint, true},
		{GlobalOptions{Profile: "prod"}, service.TargetAWS, false},
	}
	for _, tc := range cases {
		c := newConsole(context.Background(), &Factory{Env: func(string) string { return "" }, Now: time.Now, Global: tc.g})
		o := c.options()
		if o.Target.Kind != tc.kind || (o.Connect != nil) != tc.connect {
			t.Errorf("%+v: kind %v connect %v", tc.g, o.Target.Kind, o.Connect != nil)
		}
		if tc.kind == service.TargetLocal && o.Target.Hint == "" {
			t.Error("the local stack's header says how to target AWS")
		}
		if !tc.connect {
			c.close() // returns at once: nothing was started
		}
	}
}
