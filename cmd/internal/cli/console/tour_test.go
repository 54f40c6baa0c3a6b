package console

import (
	"context"
	"slices"
	"testing"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/tour"
	"github.com/cogscope/cogscope/ui/service"
)

// The tour is offered on the demo stack only: in-process, or a `cogscope
// local` at --endpoint with the demo pool and client; never on AWS or a
// profile's pool.
func TestTourOnlyOnTheDemo(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		t    cmdutil.Target
		want bool
	}{
		{"in-process, starting", cmdutil.Target{Pending: true}, true},
		{"in-process", cmdutil.Target{Ephemeral: true, Endpoint: "http://127.0.0.1:1"}, true},
		{"cogscope local at --endpoint", cmdutil.Target{Endpoint: "http://127.0.0.1:9229", UserPoolID: tour.PoolID, ClientID: tour.PublicClientID}, true},
		{"another pool at --endpoint", cmdutil.Target{Endpoint: "http://127.0.0.1:9229", UserPoolID: "us-east-1_Other", ClientID: tour.PublicClientID}, false},
		{"AWS", cmdutil.Target{UserPoolID: tour.PoolID, ClientID: tour.PublicClientID}, false},
	} {
		if got := demoStack(tc.t); got != tc.want {
			t.Errorf("%s: tour offered %v, want %v", tc.name, got, tc.want)
		}
	}
}

// The tour's cases on other app clients, through the console's sign-in
// service against the local stack: the request's client (and secret, or
// none) replaces the target's, and the Tokens view accepts their tokens.
func TestConsoleSignInAsTheTourClient(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, _ := endpointConsole(ctx, t)
	opts := c.options()
	if len(opts.Tour) == 0 {
		t.Fatal("no tour on the demo stack at --endpoint")
	}
	cases := tour.Demo()
	for _, id := range []string{"secret-missing", "srp-off", "alias", "machine"} {
		t.Run(id, func(t *testing.T) {
			cs, _ := tour.CaseByID(cases, id)
			try := cs.Try
			req := service.SignInRequest{Flow: service.Flow(try.Flow), Username: try.Username, Password: try.Password,
				Scopes: try.Scopes, ClientID: try.ClientID, ClientSecret: try.ClientSecret}
			run, err := opts.SignIn.Start(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			steps, tokens, err := drain(t, run)
			ev := tour.Event{Kind: tour.EventSignIn, Flow: try.Flow, Username: try.Username, ClientID: try.ClientID, Steps: steps, Tokens: tokens}
			if err != nil {
				f := service.AsFailure(err)
				ev.Failure = &f.Diagnosis
			}
			if _, ok := cs.Matches(ev); !ok {
				t.Fatalf("the console's %s run does not tick the case off: tokens %v, err %v", id, tokens != nil, err)
			}
			if ev.Failure != nil && ev.Failure.ID != cs.Diagnosis {
				t.Errorf("diagnosis %s, the tour promises %s", ev.Failure.ID, cs.Diagnosis)
			}
			// The flow ran as the case's client: its tokens say so, or
			// the trace of the refused call does.
			if tokens != nil {
				if got := tour.Claims(tokens.AccessToken)["client_id"]; got != try.ClientID {
					t.Errorf("access token of client %v, want %s", got, try.ClientID)
				}
			} else if !slices.ContainsFunc(steps, func(s flows.Step) bool { return s.Request["ClientId"] == try.ClientID }) {
				t.Errorf("no step sent client %s", try.ClientID)
			}
			if tokens != nil {
				use := service.TokenAccess
				r, err := opts.Tokens.Inspect(ctx, tokens.AccessToken, use)
				if err != nil || !r.Valid {
					t.Errorf("the Tokens view refuses the %s client's access token: %v %v", try.ClientID, err, r.Failed())
				}
			}
		})
	}
}

// The rotation case through the console: SRP on demo-rotation, then the
// Sign-in view's Refresh on the same client rotates the refresh token.
func TestConsoleRotationCase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, _ := endpointConsole(ctx, t)
	opts := c.options()
	cs, _ := tour.CaseByID(tour.Demo(), "rotation")
	try := cs.Try
	run, err := opts.SignIn.Start(ctx, service.SignInRequest{Flow: service.FlowSRP, Username: try.Username, Password: try.Password, ClientID: try.ClientID})
	if err != nil {
		t.Fatal(err)
	}
	_, first, err := drain(t, run)
	if err != nil || first == nil {
		t.Fatalf("sign-in on %s: %v", try.ClientID, err)
	}
	run, err = opts.SignIn.Start(ctx, service.SignInRequest{Flow: service.FlowRefresh, RefreshToken: first.RefreshToken,
		AccessToken: first.AccessToken, ClientID: try.ClientID})
	if err != nil {
		t.Fatal(err)
	}
	steps, tokens, err := drain(t, run)
	if err != nil || tokens == nil {
		t.Fatalf("refresh on %s: %v", try.ClientID, err)
	}
	ev := tour.Event{Kind: tour.EventSignIn, Flow: tour.FlowRefresh, ClientID: try.ClientID, Steps: steps, Tokens: tokens}
	if _, ok := cs.Matches(ev); !ok || tokens.RefreshToken == first.RefreshToken {
		t.Fatalf("the refresh did not rotate: rotated %v, same token %v", tokens.RefreshRotated, tokens.RefreshToken == first.RefreshToken)
	}
}

// The Tokens view's refresh (r) of a session the tour signed in on
// another demo client goes to that client.
func TestConsoleRefreshesOnTheTourClient(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, _ := endpointConsole(ctx, t)
	opts := c.options()
	for _, tc := range []struct{ client, secret string }{
		{tour.SecretClientID, tour.ClientSecret},
		{tour.RotateClientID, ""},
		{tour.PublicClientID, ""},
	} {
		t.Run(tc.client, func(t *testing.T) {
			run, err := opts.SignIn.Start(ctx, service.SignInRequest{Flow: service.FlowSRP, Username: tour.Username, Password: tour.Password,
				ClientID: tc.client, ClientSecret: tc.secret})
			if err != nil {
				t.Fatal(err)
			}
			_, first, err := drain(t, run)
			if err != nil || first == nil {
				t.Fatalf("sign-in: %v", err)
			}
			next, err := opts.Tokens.Refresh(ctx, *first)
			if err != nil {
				t.Fatalf("refresh of a %s session: %v", tc.client, err)
			}
			if got := tour.Claims(next.AccessToken)["client_id"]; got != tc.client {
				t.Errorf("refreshed tokens of %v, want %s", got, tc.client)
			}
		})
	}
}
