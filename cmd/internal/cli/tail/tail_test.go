package tail

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/internal/local/localtest"
	"github.com/cogscope/cogscope/internal/logtail"
)

const adminsGroup = "/aws/lambda/cogscope-demo-admins"

var utcTime = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`)

// demoCalls signs the demo user in, calls GET /admin with its ID token
// (the Lambda authorizer runs and logs) and GET /private without a token
// (401: authorizer.error in the access log), and returns the two
// apigw-requestid values.
func demoCalls(t *testing.T, env *localtest.Env) (adminID, privateID string) {
	t.Helper()
	out, err := env.CognitoClient().InitiateAuth(context.Background(), &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(env.Demo.ClientID),
		AuthParameters: map[string]string{"USERNAME": env.Demo.Username, "PASSWORD": env.Demo.Password}})
	if err != nil || out.AuthenticationResult == nil {
		t.Fatalf("sign in: %v", err)
	}
	call := func(path, token string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, env.API.HTTPURL+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("apigw-requestid")
	}
	_, adminID = call("/admin", aws.ToString(out.AuthenticationResult.IdToken))
	status, privateID := call("/private", "")
	if status != http.StatusUnauthorized || adminID == "" || privateID == "" {
		t.Fatalf("/private = %d, ids %q %q", status, adminID, privateID)
	}
	return adminID, privateID
}

func jsonLines(t *testing.T, s string) []logtail.Event {
	t.Helper()
	var evs []logtail.Event
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if l == "" {
			continue
		}
		var raw map[string]any
		if err := json.Unmarshal([]byte(l), &raw); err != nil {
			t.Fatalf("not a JSON line: %q", l)
		}
		for _, k := range []string{"timestamp", "ingestionTime", "logGroup", "logStream", "eventId", "message", "requestId"} {
			if _, ok := raw[k]; !ok || len(raw) != 7 {
				t.Fatalf("line %q: want exactly the 7 fields, %q missing or extra", l, k)
			}
		}
		var e logtail.Event
		_ = json.Unmarshal([]byte(l), &e)
		evs = append(evs, e)
	}
	return evs
}

// The default groups on the local stack are the demo API's: a demo call's
// access-log line (the 401 with authorizer.error) and the Lambda
// authorizer's START/decision/END/REPORT lines come out as JSON lines;
// --request-id narrows them to one call's.
func TestTailDemoCallsJSON(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	adminID, privateID := demoCalls(t, env)
	ctx := context.Background()

	f, out, errOut := testFactory(t, nil)
	if code := runCLI(ctx, f, "--endpoint", env.Endpoint, "tail", "--json"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// The REST API was not called: its groups do not exist yet.
	if !strings.Contains(errOut.String(), "skipping log group "+env.API.RestLogGroup+" (from the API Gateway configuration): it does not exist yet") {
		t.Errorf("stderr: %s", errOut)
	}
	evs := jsonLines(t, out.String())
	var access401, start, report bool
	for _, e := range evs {
		switch {
		case e.LogGroup == env.API.HTTPLogGroup && e.RequestID == privateID:
			access401 = strings.Contains(e.Message, `"status":"401"`) && strings.Contains(e.Message, `"authorizer.error"`)
		case e.LogGroup == adminsGroup && strings.HasPrefix(e.Message, "START RequestId: "):
			start = e.RequestID != "" && e.EventID != ""
		case e.LogGroup == adminsGroup && strings.HasPrefix(e.Message, "REPORT RequestId: "):
			report = true
		}
	}
	if !access401 || !start || !report {
		t.Fatalf("401 access line %v, START %v, REPORT %v in:\n%s", access401, start, report, out)
	}

	f, out, errOut = testFactory(t, nil)
	if code := runCLI(ctx, f, "--endpoint", env.Endpoint, "tail", env.API.HTTPLogGroup, "--json", "--request-id", adminID); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	evs = jsonLines(t, out.String())
	if len(evs) != 1 || evs[0].RequestID != adminID {
		t.Fatalf("--request-id %s: %+v", adminID, evs)
	}
}

// The human lines: Lambda's platform lines shortened with the report's
// numbers, the decision marked, the 401's authorizer.error called out,
// server text sanitised, colour only on a terminal without NO_COLOR.
func TestTailHumanLines(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	demoCalls(t, env)
	env.Logs.Write("evil", "s", time.Now(), "hello \x1b[2J\x1b]0;pwned\x07 world")
	ctx := context.Background()

	f, out, errOut := testFactory(t, nil)
	if code := runCLI(ctx, f, "--endpoint", env.Endpoint, "tail", adminsGroup, env.API.HTTPLogGroup, "evil"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	s := out.String()
	for _, want := range []string{"START ", "REPORT ", "duration ", "billed ", " MB", "AUTHORIZER ERROR: ", `hello \x1b[2J\x1b]0;pwned\x07 world`} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	if !strings.Contains(s, "✔ ALLOW") && !strings.Contains(s, "✘ DENY") {
		t.Errorf("no decision marked:\n%s", s)
	}
	if strings.ContainsRune(s, 0x1b) || strings.ContainsRune(s, 0x07) {
		t.Errorf("control characters reached the output:\n%q", s)
	}

	for _, c := range []struct {
		tty     bool
		noColor string
		color   bool
	}{{true, "", true}, {true, "1", false}, {false, "", false}} {
		f, out, _ := testFactory(t, map[string]string{"NO_COLOR": c.noColor})
		f.IO.OutTTY = c.tty
		if code := runCLI(ctx, f, "--endpoint", env.Endpoint, "tail", adminsGroup, "--format", "detailed", "--utc"); code != 0 {
			t.Fatal(code)
		}
		if got := strings.Contains(out.String(), "\x1b["); got != c.color {
			t.Errorf("tty %v NO_COLOR %q: colour %v, want %v", c.tty, c.noColor, got, c.color)
		}
		if !utcTime.MatchString(out.String()) || !strings.Contains(out.String(), "[$LATEST]") {
			t.Errorf("detailed --utc: no UTC time or stream:\n%s", out)
		}
	}
}

// Bad input: an unknown group (the groups that exist named), an invalid
// filter pattern (the service's refusal), an unreachable endpoint, a bad
// --since.
func TestTailBadInput(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	env.Logs.Write("/aws/lambda/auth", "s", time.Now(), "x")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()
	cases := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"unknown group", []string{"--endpoint", env.Endpoint, "tail", "/aws/lambda/nope"}, 1,
			[]string{"log group /aws/lambda/nope does not exist", "existing groups: ", "/aws/lambda/auth"}},
		{"invalid filter", []string{"--endpoint", env.Endpoint, "tail", "/aws/lambda/auth", "--filter", "{ $.x = "}, 1,
			[]string{"refused the filter pattern", "Invalid filter pattern"}},
		{"unreachable", []string{"--endpoint", dead, "tail", "g"}, 2, []string{"cannot reach " + dead, "connection refused"}},
		{"bad since", []string{"--endpoint", env.Endpoint, "tail", "g", "--since", "yesterday"}, 2, []string{"--since: cannot read \"yesterday\""}},
		{"until before since", []string{"--endpoint", env.Endpoint, "tail", "g", "--since", "1m", "--until", "1h"}, 2, []string{"is before --since"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f, out, errOut := testFactory(t, nil)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if code := runCLI(ctx, f, c.args...); code != c.code {
				t.Fatalf("exit %d, want %d: %s", code, c.code, errOut)
			}
			for _, w := range c.want {
				if !strings.Contains(errOut.String(), w) {
					t.Errorf("stderr lacks %q: %s", w, errOut)
				}
			}
			if out.String() != "" {
				t.Errorf("stdout: %q", out)
			}
		})
	}
}

// A filter pattern is evaluated by the service.
func TestTailFilter(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	now := time.Now()
	env.Logs.Write("g", "s", now, `{"status":"200","path":"/a"}`)
	env.Logs.Write("g", "s", now.Add(time.Millisecond), `{"status":"401","path":"/b"}`)
	f, out, errOut := testFactory(t, nil)
	if code := runCLI(context.Background(), f, "--endpoint", env.Endpoint, "tail", "g", "--filter", `{ $.status = "401" }`, "--json"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	evs := jsonLines(t, out.String())
	if len(evs) != 1 || !strings.Contains(evs[0].Message, "/b") {
		t.Fatalf("got %+v", evs)
	}
}

// --follow prints events written after it started (Live Tail, or polling
// with --poll, said on stderr), and cancelling (Ctrl-C) ends it with 0.
func TestTailFollow(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		extra  []string
		notice string
	}{
		{"live tail", nil, "following with Live Tail"},
		{"polling", []string{"--poll"}, "following by polling FilterLogEvents"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			env := localtest.Start(t)
			env.Logs.Write("g", "s", time.Now().Add(-time.Hour), "old line")
			f, out, errOut := testFactory(t, nil)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan int, 1)
			go func() {
				done <- runCLI(ctx, f, append([]string{"--endpoint", env.Endpoint, "tail", "g", "--follow", "--json"}, c.extra...)...)
			}()
			deadline := time.Now().Add(10 * time.Second)
			for !strings.Contains(errOut.String(), c.notice) && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			for i := 0; !strings.Contains(out.String(), "fresh line") && time.Now().Before(deadline); i++ {
				if i%25 == 0 { // written until seen: Live Tail only sends what arrives after the session began
					env.Logs.Write("g", "s", time.Now(), "fresh line")
				}
				time.Sleep(20 * time.Millisecond)
			}
			cancel()
			select {
			case code := <-done:
				if code != 0 {
					t.Fatalf("exit %d after cancel: %s", code, errOut)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("the follow did not end on cancel")
			}
			if !strings.Contains(errOut.String(), c.notice) || !strings.Contains(out.String(), "fresh line") || strings.Contains(out.String(), "old line") {
				t.Fatalf("stdout %q stderr %q", out, errOut)
			}
		})
	}
}

// No credentials for a real AWS endpoint: the error names the sources the
// SDK's chain tried (and nothing reaches the network: signing fails
// first, the instance metadata service is switched off).
func TestTailNoCredentials(t *testing.T) {
	dir := t.TempDir()
	for k, v := range map[string]string{"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "",
		"AWS_CONFIG_FILE": dir + "/config", "AWS_SHARED_CREDENTIALS_FILE": dir + "/credentials", "AWS_EC2_METADATA_DISABLED": "true",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI": "", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "", "AWS_WEB_IDENTITY_TOKEN_FILE": ""} {
		t.Setenv(k, v)
	}
	f, out, errOut := testFactory(t, nil)
	if code := runCLI(context.Background(), f, "--endpoint", "https://logs.invalid", "--region", "eu-west-1", "tail", "g"); code != cmdutil.ExitUsage {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, w := range []string{"no AWS credentials found", "~/.aws/credentials", "instance metadata"} {
		if !strings.Contains(errOut.String(), w) {
			t.Errorf("stderr lacks %q: %s", w, errOut)
		}
	}
	if out.String() != "" {
		t.Errorf("stdout %q", out)
	}
}
