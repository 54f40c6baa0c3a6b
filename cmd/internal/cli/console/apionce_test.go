package console

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/internal/awsclient"
	"github.com/cogscope/cogscope/internal/local/localtest"
	"github.com/cogscope/cogscope/ui/service"
)

// configOps counts the API Gateway configuration requests that go through
// an HTTP client, by operation and API ("apigatewayv2:GetRoutes
// cogshttp01"); a later page of a paged list (nextToken, position) is not
// counted again.
type configOps struct {
	next http.RoundTripper
	// hold, when set, is called with each configuration request before
	// it is sent (tests hold one back).
	hold func(r *http.Request, op string)

	mu sync.Mutex
	n  map[string]int
}

func (c *configOps) RoundTrip(r *http.Request) (*http.Response, error) {
	if op := configOp(r); op != "" {
		c.mu.Lock()
		c.n[op]++
		hold := c.hold
		c.mu.Unlock()
		if hold != nil {
			hold(r, op)
		}
	}
	return c.next.RoundTrip(r)
}

func (c *configOps) counts() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.n))
	for k, v := range c.n {
		out[k] = v
	}
	return out
}

func (c *configOps) reset() {
	c.mu.Lock()
	clear(c.n)
	c.mu.Unlock()
}

// configOp names the configuration operation r is the first page of: the
// apigatewayv2 and apigateway REST-JSON paths.
func configOp(r *http.Request) string {
	if r.Method != http.MethodGet {
		return ""
	}
	q := r.URL.Query()
	if q.Get("nextToken") != "" || q.Get("position") != "" {
		return ""
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case len(parts) == 2 && parts[0] == "v2" && parts[1] == "apis":
		return "apigatewayv2:GetApis"
	case len(parts) == 4 && parts[0] == "v2" && parts[1] == "apis":
		return "apigatewayv2:Get" + title(parts[3]) + " " + parts[2]
	case len(parts) == 1 && parts[0] == "restapis":
		return "apigateway:GetRestApis"
	case len(parts) == 3 && parts[0] == "restapis":
		return "apigateway:Get" + title(parts[2]) + " " + parts[1]
	}
	return ""
}

func title(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// wantedOps are the requests one read of env's configuration makes:
// the two lists, and each API's routes (resources), authorizers and
// stages — asked of the stack with the test's own clients.
func wantedOps(ctx context.Context, t *testing.T, env *localtest.Env) []string {
	t.Helper()
	return wantedOpsAt(ctx, t, env.Endpoint)
}

func wantedOpsAt(ctx context.Context, t *testing.T, endpoint string) []string {
	t.Helper()
	cfg := awsclient.Static("us-east-1", &http.Client{Timeout: 10 * time.Second})
	want := []string{"apigatewayv2:GetApis", "apigateway:GetRestApis"}
	h, err := awsclient.APIGatewayV2(cfg, endpoint).GetApis(ctx, &apigatewayv2.GetApisInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range h.Items {
		if a.ProtocolType != "" && a.ProtocolType != "HTTP" {
			continue
		}
		for _, op := range []string{"Routes", "Authorizers", "Stages"} {
			want = append(want, fmt.Sprintf("apigatewayv2:Get%s %s", op, aws.ToString(a.ApiId)))
		}
	}
	r, err := awsclient.APIGateway(cfg, endpoint).GetRestApis(ctx, &apigateway.GetRestApisInput{Limit: aws.Int32(500)})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range r.Items {
		for _, op := range []string{"Resources", "Authorizers", "Stages"} {
			want = append(want, fmt.Sprintf("apigateway:Get%s %s", op, aws.ToString(a.Id)))
		}
	}
	if len(h.Items) == 0 || len(r.Items) == 0 {
		t.Fatalf("the stack has %d HTTP and %d REST APIs: the test wants both kinds", len(h.Items), len(r.Items))
	}
	sort.Strings(want)
	return want
}

// countingConsole is the console for --endpoint at env whose HTTP client
// (the one the local stack's AWS clients use) counts the configuration
// requests.
func countingConsole(ctx context.Context, t *testing.T, env *localtest.Env, profile string) (*console, *configOps) {
	t.Helper()
	var g cmdutil.GlobalOptions // the profile names the endpoint; nil env and no profile: the in-process stack
	if profile == "" && env != nil {
		g.Endpoint = env.Endpoint
	}
	f := newConsoleEnv(t, profile).factory(g)
	ops := &configOps{next: http.DefaultTransport, n: map[string]int{}}
	f.HTTP.Transport = ops
	c, err := newConsole(ctx, f, cmdutil.TargetFlags{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.close)
	return c, ops
}

// populate does what the console does from its start until the API view
// and the Logs view are populated, their Cmds running at once: the API
// view's routes, the Logs view's default groups; then the Sign-in view's
// doctor and the API view's warning before a call, which judge against
// the same configuration.
func populate(ctx context.Context, t *testing.T, o apiUsers) ([]service.Route, []string) {
	t.Helper()
	var wg sync.WaitGroup
	var routes []service.Route
	var groups []string
	var rerr, gerr error
	wg.Go(func() { routes, rerr = o.api.Routes(ctx) })
	wg.Go(func() { groups, gerr = o.logs.Groups(ctx) })
	wg.Wait()
	if rerr != nil || gerr != nil {
		t.Fatalf("routes: %v; groups: %v", rerr, gerr)
	}
	if _, err := o.doctor.Doctor(ctx, service.DoctorRequest{Flow: service.FlowSRP}); err != nil {
		t.Fatalf("doctor: %v", err)
	}
	for _, r := range routes {
		if r.Authorizer == service.AuthJWT {
			if _, err := o.api.Check(ctx, service.CallRequest{Route: &r, Method: r.Method, Path: r.Path, TokenChoice: service.SendNone}); err != nil {
				t.Fatalf("check %s %s: %v", r.Method, r.Path, err)
			}
			break
		}
	}
	return routes, groups
}

type apiUsers struct {
	api    service.API
	logs   service.Logs
	doctor service.Doctor
}

func usersOf(c *console) apiUsers {
	o := c.options()
	return apiUsers{api: o.API, logs: o.Logs, doctor: o.Doctor}
}

// checkOnce says that counts are want, each once.
func checkOnce(t *testing.T, what string, counts map[string]int, want []string) {
	t.Helper()
	var got []string
	for op, n := range counts {
		got = append(got, op)
		if n != 1 {
			t.Errorf("%s: %s called %d times, want once", what, op, n)
		}
	}
	sort.Strings(got)
	if !slices.Equal(got, want) {
		t.Errorf("%s: operations\n%v\nwant\n%v", what, got, want)
	}
}

// The console reads API Gateway's configuration once per target: the API
// view's routes, the Logs view's default groups (what the stages' access
// logs and the Lambda authorizers name), the doctor and the warning before
// a call all share one read, each configuration operation called once per
// API; another console (a restart) reads again, as does a changed target,
// which reads the new target's configuration.
func TestConsoleReadsTheAPIConfigurationOnce(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	env := localtest.Start(t)
	want := wantedOps(ctx, t, env)

	cases := []struct {
		name    string
		profile string
		// rest says whether the Logs view follows the REST API's access
		// log too.
		rest bool
	}{
		{"all APIs", "", true},
		// The Logs view follows the one API of api.base_url: it is found
		// in the configuration the API view read of every API.
		{"the profile's API", fmt.Sprintf("default_profile = \"p\"\n[profiles.p]\nendpoint = %q\nuser_pool_id = %q\nclient_id = %q\n[profiles.p.api]\nbase_url = %q\n",
			env.Endpoint, env.Demo.PoolID, env.Demo.ClientID, env.API.HTTPURL), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, ops := countingConsole(ctx, t, env, tc.profile)
			users := usersOf(c)
			routes, groups := populate(ctx, t, users)
			if len(routes) == 0 || !slices.Contains(groups, env.API.HTTPLogGroup) || !slices.Contains(groups, "/aws/lambda/cogscope-demo-admins") ||
				slices.Contains(groups, env.API.RestLogGroup) != tc.rest {
				t.Fatalf("routes %d, groups %v (REST access log %s: %v)", len(routes), groups, env.API.RestLogGroup, tc.rest)
			}
			checkOnce(t, "start", ops.counts(), want)

			// Again, as the views do when they come back: nothing read.
			ops.reset()
			populate(ctx, t, users)
			if n := ops.counts(); len(n) != 0 {
				t.Errorf("populated again: %v, want no read", n)
			}
		})
	}

	// A changed target reads its own configuration, once; the views show
	// the new target's routes and groups.
	t.Run("changed target", func(t *testing.T) {
		c, ops := countingConsole(ctx, t, env, "")
		users := usersOf(c)
		populate(ctx, t, users)
		other := localtest.Start(t)
		ops.reset()
		c.mu.Lock()
		c.target.Endpoint = other.Endpoint
		c.mu.Unlock()
		routes, groups := populate(ctx, t, users)
		checkOnce(t, "after the target changed", ops.counts(), wantedOps(ctx, t, other))
		if len(routes) == 0 || !slices.Contains(groups, other.API.HTTPLogGroup) {
			t.Fatalf("routes %d, groups %v", len(routes), groups)
		}
		a := users.api.(*consoleAPI)
		a.mu.Lock()
		base := a.base
		a.mu.Unlock()
		if !strings.HasPrefix(base, other.Endpoint) {
			t.Errorf("free-form paths resolve against %q, want the new target %s", base, other.Endpoint)
		}
	})
}

// The zero-config console starts the local stack in-process after its
// first frame: the views' reads wait for it, then read its configuration
// once between them.
func TestConsoleReadsTheInProcessStacksAPIConfigurationOnce(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, ops := countingConsole(ctx, t, nil, "")
	users := usersOf(c)
	connected := make(chan error, 1)
	var tg service.Target
	go func() {
		var err error
		tg, err = c.options().Connect(ctx)
		connected <- err
	}()
	routes, groups := populate(ctx, t, users) // waits for the stack
	if err := <-connected; err != nil {
		t.Fatal(err)
	}
	if len(routes) == 0 || !slices.Contains(groups, "/aws/lambda/cogscope-demo-admins") {
		t.Fatalf("routes %d, groups %v", len(routes), groups)
	}
	checkOnce(t, "in-process start", ops.counts(), wantedOpsAt(ctx, t, tg.Endpoint))
}

// A read cut short by its caller's context is not kept: the next caller
// reads, and what it read is kept.
func TestConsoleAPIConfigurationCutShortIsReadAgain(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	env := localtest.Start(t)
	c, ops := countingConsole(ctx, t, env, "")
	gone, stop := context.WithCancel(ctx)
	stop()
	if cfg, _, err := c.apiConfig(gone, c.current()); cfg != nil || !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled read: %v, %v", cfg, err)
	}
	ops.reset()
	for i := range 2 {
		cfg, sent, err := c.apiConfig(ctx, c.current())
		if err != nil || !sent || cfg == nil || len(cfg.APIs) == 0 {
			t.Fatalf("read %d: %+v sent %v: %v", i, cfg, sent, err)
		}
	}
	checkOnce(t, "after a cancelled read", ops.counts(), wantedOps(ctx, t, env))
}

// A caller waiting for another's read, which that caller's context cuts
// short, reads itself rather than take the cut read.
func TestConsoleAPIConfigurationWaiterReadsWhenTheReaderGivesUp(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	env := localtest.Start(t)
	c, ops := countingConsole(ctx, t, env, "")
	held := make(chan struct{})
	var once sync.Once
	ops.mu.Lock()
	ops.hold = func(r *http.Request, op string) {
		if op != "apigatewayv2:GetApis" {
			return
		}
		first := false
		once.Do(func() { first = true })
		if first {
			close(held)
			<-r.Context().Done() // the first read's caller gives up
		}
	}
	ops.mu.Unlock()

	readerCtx, giveUp := context.WithCancel(ctx)
	readerErr := make(chan error, 1)
	go func() {
		_, _, err := c.apiConfig(readerCtx, c.current())
		readerErr <- err
	}()
	<-held
	type answer struct {
		apis int
		err  error
	}
	waiter := make(chan answer, 1)
	go func() {
		cfg, _, err := c.apiConfig(ctx, c.current())
		a := answer{err: err}
		if cfg != nil {
			a.apis = len(cfg.APIs)
		}
		waiter <- a
	}()
	time.Sleep(20 * time.Millisecond) // the waiter waits for the read under way
	giveUp()
	if err := <-readerErr; !errors.Is(err, context.Canceled) {
		t.Fatalf("the reader that gave up: %v", err)
	}
	if a := <-waiter; a.err != nil || a.apis == 0 {
		t.Fatalf("the waiter: %d APIs, %v", a.apis, a.err)
	}
	if n := ops.counts()["apigatewayv2:GetApis"]; n != 2 {
		t.Errorf("GetApis sent %d times, want twice: the cut read and the waiter's own", n)
	}
}
