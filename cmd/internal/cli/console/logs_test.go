package console

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cogscope/cogscope/internal/local/localtest"
	"github.com/cogscope/cogscope/ui/service"
)

// The console's Logs service on the local stack: the default groups are
// the demo API's; a tail follows with Live Tail and delivers a demo call's
// access line and its authorizer's decision, both carrying the call's API
// Gateway request id; a group that does not exist yet is skipped and,
// when it appears, the tail ends so that the view restarts it.
func TestConsoleLogsAgainstTheLocalStack(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, env := endpointConsole(ctx, t)
	logs := c.options().Logs
	if logs == nil {
		t.Fatal("no Logs service wired")
	}
	groups, err := logs.Groups(ctx)
	if err != nil || !slices.Contains(groups, env.API.HTTPLogGroup) || !slices.Contains(groups, "/aws/lambda/cogscope-demo-admins") {
		t.Fatalf("groups %v, %v", groups, err)
	}

	// Before any call no group exists: the tail cannot start (the view
	// tries again).
	if _, err := logs.Tail(ctx, service.TailRequest{Groups: groups}); err == nil || !strings.Contains(err.Error(), "do not exist") {
		t.Fatalf("tail of groups that do not exist: %v", err)
	}
	// After a call to an open route the access log exists, the
	// authorizer's group not yet.
	if resp, err := http.Get(env.API.HTTPURL + "/hello"); err != nil {
		t.Fatal(err)
	} else {
		resp.Body.Close()
	}
	svc := logs.(*consoleLogs)
	svc.recheck = 50 * time.Millisecond
	tailCtx, stop := context.WithCancel(ctx)
	defer stop()
	ch, err := logs.Tail(tailCtx, service.TailRequest{Groups: []string{env.API.HTTPLogGroup, "/aws/lambda/cogscope-demo-admins"}})
	if err != nil {
		t.Fatal(err)
	}
	var sawWaiting, sawLive, sawAppeared, called bool
	for u := range ch {
		if u.Status != nil {
			err := u.Status.Err
			sawWaiting = sawWaiting || err != nil && strings.Contains(err.Error(), "not there yet")
			sawLive = sawLive || u.Status.Mode == service.TailLive && err == nil
			sawAppeared = sawAppeared || err != nil && strings.Contains(err.Error(), "appeared")
		}
		if sawLive && !called {
			called = true
			callDemo(t, env, "/admin") // the authorizer's group appears
		}
	}
	if !sawWaiting || !sawLive || !sawAppeared {
		t.Fatalf("waiting %v, live %v, appeared %v", sawWaiting, sawLive, sawAppeared)
	}

	// Both exist now: a call's access line and its authorizer's decision
	// line carry its request id.
	ch, err = logs.Tail(tailCtx, service.TailRequest{Groups: []string{env.API.HTTPLogGroup, "/aws/lambda/cogscope-demo-admins"}})
	if err != nil {
		t.Fatal(err)
	}
	var id string
	var access, decision bool
	called = false
	for u := range ch {
		if u.Status != nil && u.Status.Mode == service.TailLive && !called {
			called = true
			id = callDemo(t, env, "/admin?again")
		}
		for _, ev := range u.Events {
			if id == "" || ev.RequestID != id {
				continue
			}
			access = access || ev.Group == env.API.HTTPLogGroup && strings.Contains(ev.Message, `"status":"401"`)
			decision = decision || ev.Group == "/aws/lambda/cogscope-demo-admins"
		}
		if access && decision {
			stop()
		}
	}
	if !access || !decision {
		t.Fatalf("request %s: access line %v, authorizer line %v", id, access, decision)
	}
}

// callDemo calls a demo HTTP API route with a token the authorizer
// rejects (it runs, and logs) and returns the apigw-requestid.
func callDemo(t *testing.T, env *localtest.Env, path string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, env.API.HTTPURL+path, nil)
	req.Header.Set("Authorization", "Bearer not-a-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.Header.Get("apigw-requestid")
}

// The view starts a tail again when a group appears, with Since: the
// restarted tail reads the window before it, so the lines the call that
// created the group wrote (the authorizer's, logged before the restart)
// are delivered.
func TestConsoleLogsRestartReadsTheLinesOfTheCallThatCreatedTheGroup(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, env := endpointConsole(ctx, t)
	logs := c.options().Logs.(*consoleLogs)
	logs.recheck = 50 * time.Millisecond
	if resp, err := http.Get(env.API.HTTPURL + "/hello"); err != nil { // the access log exists
		t.Fatal(err)
	} else {
		resp.Body.Close()
	}
	groups := []string{env.API.HTTPLogGroup, "/aws/lambda/cogscope-demo-admins"}
	since := time.Now()
	ch, err := logs.Tail(ctx, service.TailRequest{Groups: groups, Since: since})
	if err != nil {
		t.Fatal(err)
	}
	var id string
	for u := range ch { // ends when the authorizer's group appears
		if u.Status != nil && u.Status.Mode == service.TailLive && u.Status.Err == nil && id == "" {
			id = callDemo(t, env, "/admin")
		}
	}
	if id == "" {
		t.Fatal("the first tail never went live")
	}
	tailCtx, stop := context.WithCancel(ctx)
	defer stop()
	ch, err = logs.Tail(tailCtx, service.TailRequest{Groups: groups, Since: since})
	if err != nil {
		t.Fatal(err)
	}
	var access, decision bool
	for u := range ch {
		for _, ev := range u.Events {
			if ev.RequestID != id {
				continue
			}
			access = access || ev.Group == env.API.HTTPLogGroup
			decision = decision || ev.Group == "/aws/lambda/cogscope-demo-admins"
		}
		if access && decision {
			stop()
		}
	}
	if !access || !decision {
		t.Fatalf("request %s before the restart: access line %v, authorizer line %v", id, access, decision)
	}
}
