package console

import (
	"context"
	"strings"
	"testing"

	"github.com/cogscope/cogscope/internal/apicall/apicalltest"
	"github.com/cogscope/cogscope/ui/service"
)

// judgeFixture is view 3's service on the local stack's demo APIs with a
// signed-in session, its key lookups counted.
type judgeFixture struct {
	api    *consoleAPI
	keys   *apicalltest.CountingKeys
	routes map[string]service.Route // "GET /private HTTP"
	tokens map[service.TokenChoice]string
}

func newJudgeFixture(ctx context.Context, tb testing.TB) *judgeFixture {
	tb.Helper()
	c, env := endpointConsole(ctx, tb)
	keys := &apicalltest.CountingKeys{Inner: c.keys}
	api := &consoleAPI{c: c, keys: keys}
	routes, err := api.Routes(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	fx := &judgeFixture{api: api, keys: keys, routes: map[string]service.Route{}}
	for _, r := range routes {
		fx.routes[r.Method+" "+r.Path+" "+r.APIKind] = r
	}
	run, err := c.options().SignIn.Start(ctx, service.SignInRequest{Flow: service.FlowSRP, Username: env.Demo.Username, Password: env.Demo.Password})
	if err != nil {
		tb.Fatal(err)
	}
	_, tk, err := drain(tb, run)
	if err != nil || tk == nil {
		tb.Fatalf("sign-in: %v", err)
	}
	fx.tokens = map[service.TokenChoice]string{service.SendAccess: tk.AccessToken, service.SendID: tk.IDToken,
		service.SendSigV4: tk.IDToken, service.SendPasted: "not.a.jwt"}
	return fx
}

func (fx *judgeFixture) request(tb testing.TB, route string, choice service.TokenChoice) service.CallRequest {
	tb.Helper()
	r, ok := fx.routes[route]
	if !ok {
		tb.Fatalf("no route %q", route)
	}
	return service.CallRequest{Route: &r, Method: r.Method, Path: r.Path, TokenChoice: choice, Token: fx.tokens[choice]}
}

// TestConsoleJudgesATokenOnce: the warning before a call and the
// prediction beside its answer are one judgement of the token, not two.
// A JWT or Cognito route with a signed token costs one key lookup for
// the warning and one for the call (the prediction made before sending
// also explains the answer); other routes, and requests without a
// verifiable token, cost none. The warning says what the prediction
// says: the same status, check and gateway text.
func TestConsoleJudgesATokenOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := newJudgeFixture(ctx, t)
	cases := []struct {
		route   string
		choice  service.TokenChoice
		lookups int64 // by Check, and again by Call
		warn    int   // the status warned of, 0 for none
	}{
		{"GET /private HTTP", service.SendAccess, 1, 0},
		{"GET /private HTTP", service.SendID, 1, 0},
		{"GET /private HTTP", service.SendNone, 0, 401},
		{"GET /private HTTP", service.SendPasted, 0, 401},
		{"GET /scoped HTTP", service.SendAccess, 1, 403}, // an SRP sign-in has no custom scope
		{"GET /scoped HTTP", service.SendID, 1, 403},
		{"GET /scoped HTTP", service.SendNone, 0, 401},
		{"GET /profile REST", service.SendID, 1, 0},
		{"GET /profile REST", service.SendAccess, 1, 401},
		{"GET /profile REST", service.SendNone, 0, 401},
		{"GET /profile REST", service.SendPasted, 0, 401},
		{"GET /admin HTTP", service.SendAccess, 0, 0},
		{"GET /admin HTTP", service.SendNone, 0, 0},
		{"GET /hello HTTP", service.SendAccess, 0, 0},
		{"GET /iam HTTP", service.SendAccess, 0, 403},
	}
	for _, tc := range cases {
		t.Run(tc.route+"/"+string(tc.choice), func(t *testing.T) {
			// Not parallel: the lookups are counted per case.
			req := fx.request(t, tc.route, tc.choice)
			before := fx.keys.N.Load()
			w, err := fx.api.Check(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if n := fx.keys.N.Load() - before; n != tc.lookups {
				t.Errorf("Check looked up the issuer's keys %d times, want %d", n, tc.lookups)
			}
			if (w == nil) != (tc.warn == 0) || (w != nil && w.Status != tc.warn) {
				t.Fatalf("warning %+v, want status %d", w, tc.warn)
			}
			before = fx.keys.N.Load()
			res, err := fx.api.Call(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if n := fx.keys.N.Load() - before; n != tc.lookups {
				t.Errorf("Call looked up the issuer's keys %d times, want %d", n, tc.lookups)
			}
			p := res.Preflight
			if p == nil || !p.Agrees {
				t.Fatalf("preflight %+v beside %d %s", p, res.Status, res.Body)
			}
			if w == nil || tc.route == "GET /iam HTTP" {
				// AWS_IAM's warning is the console's own (a token where
				// a signature belongs); the prediction does not judge it.
				if w == nil && p.Outcome == service.PredictRefuse && tc.route != "GET /admin HTTP" {
					t.Errorf("no warning, but the prediction refuses: %+v", p)
				}
				return
			}
			if p.Outcome != service.PredictRefuse || p.Status != w.Status || p.Check != w.FailedCheck {
				t.Errorf("warning %+v, prediction %+v: not one judgement", w, p)
			}
			if msg := gatewayMessage(p.Body); !strings.Contains(w.Gateway, msg) ||
				(p.WWWAuthenticate != "" && !strings.Contains(w.Gateway, p.WWWAuthenticate)) {
				t.Errorf("warning's gateway text %q, prediction's answer %s (www-authenticate %q)", w.Gateway, p.Body, p.WWWAuthenticate)
			}
			if j := res.Judgement; j == nil || j.FailedCheck != w.FailedCheck || j.Fix != w.Fix {
				t.Errorf("the answer's judgement %+v, the warning %+v", j, w)
			}
		})
	}
}

// gatewayMessage is the message of a gateway body {"message":"…"}.
func gatewayMessage(body string) string {
	_, m, _ := strings.Cut(body, `"message":"`)
	m, _, _ = strings.Cut(m, `"`)
	return m
}

// BenchmarkConsoleCheck is the warning before a call that will be
// refused (the scoped route with the ID token): one judgement.
//
//	go test -run '^$' -bench 'BenchmarkConsole(Check|Call)$' -benchmem ./cmd/internal/cli/console/
func BenchmarkConsoleCheck(b *testing.B) {
	ctx := context.Background()
	fx := newJudgeFixture(ctx, b)
	req := fx.request(b, "GET /scoped HTTP", service.SendID)
	b.ResetTimer()
	for b.Loop() {
		if w, err := fx.api.Check(ctx, req); err != nil || w == nil {
			b.Fatalf("%+v %v", w, err)
		}
	}
	b.ReportMetric(float64(fx.keys.N.Load())/float64(b.N), "lookups/op")
}

// BenchmarkConsoleCall is the refused call itself, its prediction beside
// the answer and the answer explained.
func BenchmarkConsoleCall(b *testing.B) {
	ctx := context.Background()
	fx := newJudgeFixture(ctx, b)
	req := fx.request(b, "GET /scoped HTTP", service.SendID)
	b.ResetTimer()
	for b.Loop() {
		if res, err := fx.api.Call(ctx, req); err != nil || res.Status != 403 {
			b.Fatalf("%+v %v", res, err)
		}
	}
	b.ReportMetric(float64(fx.keys.N.Load())/float64(b.N), "lookups/op")
}
