package call

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/cmd/internal/config"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/doctor"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

// clock is a settable clock shared by the stack and the CLI.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type env struct {
	stack *localtest.Env
	clock *clock
	dir   string
	env   map[string]string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	c := &clock{t: time.Now().UTC()}
	e := &env{clock: c, dir: t.TempDir()}
	e.stack = localtest.Start(t, localtest.WithNow(c.Now))
	e.env = map[string]string{"XDG_CONFIG_HOME": filepath.Join(e.dir, "c"), "XDG_STATE_HOME": filepath.Join(e.dir, "s")}
	return e
}

// run runs `cogscope --endpoint <stack> ARGS` with stdin.
func (e *env) run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	f := &cmdutil.Factory{IO: cmdutil.IOStreams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut},
		Env: func(k string) string { return e.env[k] }, Now: e.clock.Now}
	root := cmdutil.NewRootCmd(f)
	root.AddCommand(NewCmdCall(f, nil))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := cmdutil.Execute(ctx, f, root, append([]string{"--endpoint", e.stack.Endpoint}, args...))
	return code, out.String(), errOut.String()
}

// signIn mints tokens for a user of the demo pool with SRP.
func (e *env) signIn(t *testing.T, user, password string) flows.Tokens {
	t.Helper()
	fl, err := flows.New(flows.Options{Kind: flows.KindUserSRP, API: e.stack.CognitoClient(), UserPoolID: e.stack.Demo.PoolID,
		ClientID: e.stack.Demo.ClientID, Username: user, Password: password, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	res, err := flows.Run(context.Background(), fl, flows.NonInteractive)
	if err != nil || res.Tokens == nil {
		t.Fatalf("sign in %s: %v", user, err)
	}
	return *res.Tokens
}

// outsider creates a user of the demo pool outside the admins group.
func (e *env) outsider(t *testing.T) (string, string) {
	t.Helper()
	ctx := context.Background()
	c := e.stack.CognitoClient()
	user, pw := "outsider", "Outs1der!pass"
	if _, err := c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(e.stack.Demo.PoolID), Username: aws.String(user),
		MessageAction: "SUPPRESS"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(e.stack.Demo.PoolID),
		Username: aws.String(user), Password: aws.String(pw), Permanent: true}); err != nil {
		t.Fatal(err)
	}
	return user, pw
}

// call runs `cogscope --endpoint <stack> call ARGS`.
func (e *env) call(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	return e.run(t, stdin, append([]string{"call"}, args...)...)
}

// saveSession saves tokens where login would.
func (e *env) saveSession(t *testing.T, tk flows.Tokens) {
	t.Helper()
	e.saveSessionAs(t, "", tk)
}

// saveSessionAs saves tokens where `cogscope --profile profile login`
// would.
func (e *env) saveSessionAs(t *testing.T, profile string, tk flows.Tokens) {
	t.Helper()
	tgt := cmdutil.Target{Profile: profile, Endpoint: e.stack.Endpoint, UserPoolID: e.stack.Demo.PoolID, ClientID: e.stack.Demo.ClientID, Region: e.stack.Region}
	s := &config.Session{}
	cmdutil.RecordTokens(s, tgt, tgt.ClientID, "srp", "demo", tk)
	store := config.NewStore(filepath.Join(e.dir, "s", "cogscope"))
	if err := store.Save(tgt.SessionKey(tgt.ClientID), s); err != nil {
		t.Fatal(err)
	}
}

// callDoc is the part of `call --json` the tests read.
type callDoc struct {
	Request struct {
		URL       string              `json:"url"`
		Headers   map[string][]string `json:"headers"`
		TokenKind string              `json:"tokenKind"`
		Notes     []string            `json:"notes"`
	} `json:"request"`
	Response *struct {
		Status    int    `json:"status"`
		Body      string `json:"body"`
		BodySize  int64  `json:"bodySize"`
		Truncated bool   `json:"truncated"`
		RequestID string `json:"requestId"`
	} `json:"response"`
	Timings   map[string]any `json:"timings"`
	Judgement *struct {
		FailedCheck string   `json:"failedCheck"`
		Cause       string   `json:"cause"`
		Entry       string   `json:"entry"`
		Warnings    []string `json:"warnings"`
		Predicted   *struct {
			Agrees bool `json:"agrees"`
		} `json:"predicted"`
	} `json:"judgement"`
	Error *struct {
		Kind string `json:"kind"`
	} `json:"error"`
}

func decode(t *testing.T, out string) callDoc {
	t.Helper()
	var d callDoc
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("stdout is not call's JSON: %v\n%s", err, out)
	}
	return d
}

// TestCallDemoRoutes calls each demo route with each kind of token and
// checks the status, the failed check named and the exit code — in
// JSON and in the words people read.
func TestCallDemoRoutes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	demo := e.signIn(t, cognito.DemoUsername, cognito.DemoPassword)
	outUser, outPw := e.outsider(t)
	outsider := e.signIn(t, outUser, outPw)
	tampered := demo.AccessToken[:len(demo.AccessToken)-4] + "AAAA"
	rest := e.stack.API.RestURL
	cases := []struct {
		name        string
		stdin       string // the token, with --bearer-stdin
		args        []string
		status      int
		code        int
		failedCheck string
		cause       string
		words       string // in the human output
	}{
		{name: "hello without a token", args: []string{"/hello", "--token", "none"}, status: 200},
		{name: "private with the access token", stdin: demo.AccessToken, args: []string{"/private"}, status: 200},
		{name: "private with the ID token", stdin: demo.IDToken, args: []string{"/private"}, status: 200},
		{name: "private without a token", args: []string{"/private", "--token", "none"}, status: 401, code: 1,
			failedCheck: "identity_source", cause: "no-token", words: "identity source"},
		{name: "private with a tampered token", stdin: tampered, args: []string{"/private"}, status: 401, code: 1,
			failedCheck: "signature", cause: "bad-signature", words: "signature"},
		{name: "private with a token of another client", stdin: e.otherClientToken(t), args: []string{"/private"}, status: 401, code: 1,
			failedCheck: "aud", cause: "wrong-audience", words: "audience"},
		{name: "private with a token of another pool", stdin: e.otherPoolToken(t), args: []string{"/private"}, status: 401, code: 1,
			failedCheck: "kid", cause: "unknown-key", words: "a token of another pool"},
		{name: "REST profile with Bearer and the access token", stdin: demo.AccessToken, args: []string{rest + "/profile"}, status: 401, code: 1,
			failedCheck: "token_use", cause: "access-token-on-id-route", words: "--auth-scheme raw"},
		{name: "scoped with the ID token", stdin: demo.IDToken, args: []string{"/scoped"}, status: 403, code: 1,
			failedCheck: "scope", cause: "id-token-on-scoped-route", words: "send the access token"},
		{name: "scoped with an access token without the scope", stdin: demo.AccessToken, args: []string{"/scoped"}, status: 403, code: 1,
			failedCheck: "scope", cause: "missing-scope", words: "none of the route's scopes"},
		{name: "admin as an admin", stdin: demo.AccessToken, args: []string{"/admin"}, status: 200},
		{name: "admin outside the group", stdin: outsider.AccessToken, args: []string{"/admin"}, status: 403, code: 1,
			failedCheck: "lambda", words: "Lambda authorizer"},
		{name: "REST profile with the bare ID token", stdin: demo.IDToken, args: []string{rest + "/profile", "--auth-scheme", "raw"}, status: 200},
		{name: "REST profile with the access token", stdin: demo.AccessToken, args: []string{rest + "/profile", "--auth-scheme", "raw"}, status: 401, code: 1,
			failedCheck: "token_use", cause: "access-token-on-id-route", words: "send the ID token"},
		{name: "REST unknown path", args: []string{rest + "/nope", "--token", "none"}, status: 403, code: 1,
			failedCheck: "route", cause: "unknown-route", words: "not about the token"},
		{name: "HTTP unknown path", args: []string{"/nope", "--token", "none"}, status: 404, code: 1,
			failedCheck: "route", cause: "unknown-route", words: "no route has this path"},
		{name: "expect a refusal", args: []string{"/private", "--token", "none", "--expect", "401"}, status: 401, code: 0,
			failedCheck: "identity_source"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := c.args
			if c.stdin != "" {
				args = append(args, "--bearer-stdin")
			}
			code, out, errOut := e.call(t, c.stdin, append(args, "--json")...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstderr: %s\nstdout: %s", code, c.code, errOut, out)
			}
			d := decode(t, out)
			if d.Response == nil || d.Response.Status != c.status {
				t.Fatalf("response %+v, want status %d", d.Response, c.status)
			}
			if d.Response.RequestID == "" {
				t.Error("no request id")
			}
			for k, v := range d.Request.Headers {
				if strings.EqualFold(k, "Authorization") && c.stdin != "" && strings.Contains(strings.Join(v, ""), c.stdin[:20]) {
					t.Errorf("the token is in the JSON's headers: %v", v)
				}
			}
			if c.stdin != "" && strings.Contains(out, c.stdin) {
				t.Error("the token is in the JSON")
			}
			if c.failedCheck == "" {
				if d.Judgement != nil && c.status < 400 {
					t.Errorf("judgement on a success: %+v", d.Judgement)
				}
			} else {
				if d.Judgement == nil || d.Judgement.FailedCheck != c.failedCheck || (c.cause != "" && d.Judgement.Cause != c.cause) {
					t.Fatalf("judgement %+v, want failed check %s cause %s", d.Judgement, c.failedCheck, c.cause)
				}
				if p := d.Judgement.Predicted; p != nil && !p.Agrees {
					t.Errorf("the inspector's prediction disagrees with the gateway's answer")
				}
			}
			code, human, _ := e.call(t, c.stdin, args...)
			if code != c.code {
				t.Errorf("human: exit %d, want %d", code, c.code)
			}
			if !strings.Contains(human, fmt.Sprintf(" %d ", c.status)) || !strings.Contains(human, "timings  DNS") || !strings.Contains(human, "request id") {
				t.Errorf("human output lacks the status, timings or request id:\n%s", human)
			}
			if c.words != "" && !strings.Contains(human, c.words) {
				t.Errorf("human output does not say %q:\n%s", c.words, human)
			}
			if c.failedCheck != "" && c.status >= 400 && !strings.Contains(human, "failed check   "+c.failedCheck) {
				t.Errorf("human output does not name the failed check %s:\n%s", c.failedCheck, human)
			}
			// The refusal names the explain entry of its cause, one for
			// this status; never a failure-catalogue row code.
			if strings.Contains(human, "failure catalogue") {
				t.Errorf("human output names a failure-catalogue row:\n%s", human)
			}
			if c.failedCheck != "" && c.status >= 400 {
				id := d.Judgement.Entry
				ent, ok := doctor.EntryByID(id)
				if !ok || !slices.Contains(strings.Split(ent.Code, "|"), strconv.Itoa(c.status)) {
					t.Errorf("judgement's entry %q (%v, code %q) does not explain a %d", id, ok, ent.Code, c.status)
				}
				if !strings.Contains(human, "see            cogscope explain "+id+"\n") {
					t.Errorf("human output does not point at %s:\n%s", id, human)
				}
				// and links its entry on the troubleshooting page.
				if !strings.Contains(human, "link           "+flows.RefURL(id)+"\n") {
					t.Errorf("human output does not link %s on the troubleshooting page:\n%s", id, human)
				}
			}
		})
	}
}

// otherPoolToken is an access token of a user of another pool of the
// stack (its issuer is not /private's).
func (e *env) otherPoolToken(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	c := e.stack.CognitoClient()
	pool, err := c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("other")})
	if err != nil {
		t.Fatal(err)
	}
	poolID := aws.ToString(pool.UserPool.Id)
	cl, err := c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientName: aws.String("web"),
		ExplicitAuthFlows: []ciptypes.ExplicitAuthFlowsType{"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String("eve"), MessageAction: "SUPPRESS"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(poolID), Username: aws.String("eve"),
		Password: aws.String("Eve-Passw0rd!"), Permanent: true}); err != nil {
		t.Fatal(err)
	}
	fl, err := flows.New(flows.Options{Kind: flows.KindUserSRP, API: c, UserPoolID: poolID, ClientID: aws.ToString(cl.UserPoolClient.ClientId),
		Username: "eve", Password: "Eve-Passw0rd!", Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	res, err := flows.Run(ctx, fl, flows.NonInteractive)
	if err != nil {
		t.Fatal(err)
	}
	return res.Tokens.AccessToken
}

// otherClientToken is an access token of another app client of the
// demo pool (not in /private's audience).
func (e *env) otherClientToken(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	out, err := e.stack.CognitoClient().CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(e.stack.Demo.PoolID),
		ClientName: aws.String("other"), ExplicitAuthFlows: []ciptypes.ExplicitAuthFlowsType{"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}})
	if err != nil {
		t.Fatal(err)
	}
	fl, err := flows.New(flows.Options{Kind: flows.KindUserSRP, API: e.stack.CognitoClient(), UserPoolID: e.stack.Demo.PoolID,
		ClientID: aws.ToString(out.UserPoolClient.ClientId), Username: cognito.DemoUsername, Password: cognito.DemoPassword, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	res, err := flows.Run(ctx, fl, flows.NonInteractive)
	if err != nil {
		t.Fatal(err)
	}
	return res.Tokens.AccessToken
}

// TestCallExpiredToken: a token past its exp by the gateway's clock is
// refused, and call names exp and the fix.
func TestCallExpiredToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tk := e.signIn(t, cognito.DemoUsername, cognito.DemoPassword)
	e.clock.Add(2 * time.Hour)
	code, out, errOut := e.call(t, tk.AccessToken, "/private", "--bearer-stdin", "--json")
	if code != 1 {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	d := decode(t, out)
	if d.Response.Status != 401 || d.Judgement == nil || d.Judgement.FailedCheck != "exp" || d.Judgement.Cause != "expired" {
		t.Fatalf("got %+v %+v", d.Response, d.Judgement)
	}
	_, human, _ := e.call(t, tk.AccessToken, "/private", "--bearer-stdin")
	if !strings.Contains(human, "the token has expired") || !strings.Contains(human, "refresh the session") {
		t.Errorf("human output:\n%s", human)
	}
}

// TestCallSavedSession: without --bearer-stdin the saved session's token
// is sent (--token picks which); without a session on the demo pool the
// demo user is signed in.
func TestCallSavedSession(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	user, pw := e.outsider(t)
	e.saveSession(t, e.signIn(t, user, pw))
	code, out, errOut := e.call(t, "", "/admin", "--json")
	if code != 1 || decode(t, out).Response.Status != 403 || strings.Contains(errOut, "signed in as the demo user") {
		t.Fatalf("the saved (outsider's) session was not used: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = e.call(t, "", "/scoped", "--token", "id", "--json")
	if d := decode(t, out); code != 1 || d.Judgement == nil || d.Judgement.Cause != "id-token-on-scoped-route" {
		t.Fatalf("--token id: exit %d %+v", code, d.Judgement)
	}

	fresh := newEnv(t)
	code, out, errOut = fresh.call(t, "", "/admin")
	if code != 0 || !strings.Contains(errOut, "signed in as the demo user demo") || !strings.Contains(out, "200 OK") {
		t.Fatalf("no session on the demo pool: exit %d\n%s\n%s", code, out, errOut)
	}
	// The demo user's tokens go to the local stack only.
	var got []string
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Header.Get("Authorization"))
	}))
	defer elsewhere.Close()
	code, _, errOut = fresh.call(t, "", elsewhere.URL+"/x")
	if code != 2 || len(got) != 0 || !strings.Contains(errOut, "is not on the local stack") {
		t.Fatalf("demo tokens off the stack: exit %d, sent %v\n%s", code, got, errOut)
	}
}

// TestCallBadInput: each bad input gets a clear message and the right
// exit code, never a panic.
func TestCallBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tk := e.signIn(t, cognito.DemoUsername, cognito.DemoPassword)

	tlsSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0)
	tlsSrv.StartTLS()
	defer tlsSrv.Close()
	big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		chunk := bytes.Repeat([]byte("a"), 1<<20)
		for range 10 {
			_, _ = w.Write(chunk)
		}
	}))
	defer big.Close()
	loop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/a", http.StatusFound)
	}))
	defer loop.Close()
	notJSON := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("<html>oops\x1b[2J</html>"))
	}))
	defer notJSON.Close()
	ln := httptest.NewServer(http.NotFoundHandler())
	dead := ln.URL
	ln.Close()
	bodyFile := filepath.Join(t.TempDir(), "body.json")
	if err := os.WriteFile(bodyFile, []byte(`{"a":1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	wrapped := tk.AccessToken[:40] + "\n" + tk.AccessToken[40:] + "\n"

	cases := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stderr string // in stderr
		stdout string // in stdout
	}{
		{name: "unreachable", args: []string{dead + "/x", "--token", "none"}, code: 2, stderr: "connection refused"},
		{name: "self-signed TLS", args: []string{tlsSrv.URL + "/x", "--token", "none"}, code: 2, stderr: "unknown authority"},
		{name: "10 MB body", args: []string{big.URL, "--token", "none"}, code: 0, stdout: "body cut: 16.0 KiB (16384 bytes) shown, of 10.0 MiB (10485760 bytes) in all"},
		{name: "redirect loop", args: []string{loop.URL + "/a", "--token", "none"}, code: 2, stderr: "redirect loop"},
		{name: "non-JSON body", args: []string{notJSON.URL, "--token", "none"}, code: 0, stdout: `<html>oops\x1b[2J</html>`},
		{name: "token with a line break", stdin: wrapped, args: []string{"/private", "--bearer-stdin"}, code: 0, stderr: "line breaks"},
		{name: "unknown route", args: []string{"GET", "/orders", "--token", "none"}, code: 1, stdout: "no route has this path"},
		{name: "wrong method", args: []string{"POST", "/hello", "--token", "none"}, code: 1, stdout: "not with this method"},
		{name: "missing body file", args: []string{"POST", "/hello", "-d", "@" + filepath.Join(e.dir, "none.json")}, code: 2, stderr: "-d @"},
		{name: "body file", args: []string{"POST", "/hello", "-d", "@" + bodyFile, "--token", "none", "--expect", "404"}, code: 0},
		{name: "bad header", args: []string{"/hello", "-H", "nocolon", "--token", "none"}, code: 2, stderr: `want "Name: value"`},
		{name: "a scheme that is not http", args: []string{"ftp://x/y", "--token", "none"}, code: 2, stderr: "only http and https"},
		{name: "empty stdin token", stdin: "\n", args: []string{"/private", "--bearer-stdin"}, code: 2, stderr: "stdin is empty"},
		{name: "timeout", args: []string{e.slowURL(t), "--token", "none", "--timeout", "200ms"}, code: 2, stderr: "no answer"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := e.call(t, c.stdin, c.args...)
			if code != c.code || !strings.Contains(errOut, c.stderr) || !strings.Contains(out, c.stdout) {
				t.Fatalf("exit %d (want %d)\nstderr (want %q): %s\nstdout (want %q): %s", code, c.code, c.stderr, errOut, c.stdout, out)
			}
			if strings.Contains(out+errOut, "\x1b") {
				t.Error("an escape character reached the terminal")
			}
			if strings.Contains(out+errOut, "panic") {
				t.Error("panic")
			}
		})
	}
}

// slowURL answers after a second.
func (e *env) slowURL(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(time.Second):
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestCallSmoke runs routes as a table: from the profile (a wrong
// expectation fails with exit 1, and the JUnit file parses), and from
// API Gateway's configuration.
func TestCallSmoke(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.saveSession(t, e.signIn(t, cognito.DemoUsername, cognito.DemoPassword))
	cfgDir := filepath.Join(e.dir, "c", "cogscope")
	if err := os.MkdirAll(cfgDir, 0o700); err != nil {
		t.Fatal(err)
	}
	writeProfile := func(routes string) {
		t.Helper()
		doc := "[profiles.p.api]\nbase_url = \"" + e.stack.API.HTTPURL + "\"\n" + routes
		if err := os.WriteFile(filepath.Join(cfgDir, "config.toml"), []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	good := `
[[profiles.p.api.routes]]
name = "hello"
path = "/hello"
token = "none"
[[profiles.p.api.routes]]
name = "private"
path = "/private"
[[profiles.p.api.routes]]
name = "private-anon"
path = "/private"
token = "none"
expect = 401
[[profiles.p.api.routes]]
name = "scoped-id"
path = "/scoped"
token = "id"
expect = 403
`
	writeProfile(good)
	code, out, errOut := e.run(t, "", "--profile", "p", "call", "--routes")
	if code != 0 || strings.Count(out, "PASS") != 4 || !strings.Contains(out, "4 routes (the profile's [[api.routes]]), 4 passed, 0 failed") {
		t.Fatalf("good routes: exit %d\n%s\n%s", code, out, errOut)
	}
	writeProfile(good + `
[[profiles.p.api.routes]]
name = "wrong"
path = "/private"
token = "none"
`)
	junit := filepath.Join(e.dir, "smoke.xml")
	code, out, errOut = e.run(t, "", "--profile", "p", "call", "--routes", "--junit", junit)
	if code != 1 || !strings.Contains(out, "FAIL  GET /private") || !strings.Contains(out, "1 failed") {
		t.Fatalf("a wrong expectation: exit %d\n%s\n%s", code, out, errOut)
	}
	raw, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Cases []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(raw, &suites); err != nil {
		t.Fatalf("the JUnit file does not parse: %v\n%s", err, raw)
	}
	if suites.Tests != 5 || suites.Failures != 1 || len(suites.Suites) != 1 || len(suites.Suites[0].Cases) != 5 || suites.Suites[0].Cases[4].Failure == nil {
		t.Errorf("JUnit: %+v", suites)
	}

	// No [[api.routes]]: every route of the HTTP API (the base URL's)
	// from API Gateway, with statuses derived from the authorizers.
	writeProfile("")
	code, out, errOut = e.run(t, "", "--profile", "p", "call", "--routes", "--json")
	doc := decodeSmoke(t, out, errOut)
	// 9: each route with its right token (GET /iam signed) and, but
	// /hello, once unsigned and without a token.
	if doc.From != "apigateway" || len(doc.Results) != 9 {
		t.Fatalf("from %s, %d rows: %s", doc.From, len(doc.Results), out)
	}
	// The demo user's SRP access token lacks the scope /scoped wants:
	// the derived expectation (2xx) fails, and the run says why.
	if code != 1 || doc.Failed != 1 {
		t.Fatalf("exit %d, failed %d: %s", code, doc.Failed, out)
	}
	var iam []string
	for _, r := range doc.Results {
		if !r.Pass && (r.Route.Path != "/scoped" || r.Cause != "missing-scope") {
			t.Errorf("unexpected failure %+v", r)
		}
		if r.Route.Path == "/iam" {
			iam = append(iam, fmt.Sprintf("%s %d %v %s", r.Route.Token, r.Status, r.Pass, r.Cause))
		}
	}
	if want := []string{"sigv4 200 true ", "none 403 true iam-signature-required"}; !slices.Equal(iam, want) {
		t.Errorf("GET /iam rows %q, want %q", iam, want)
	}
	if !strings.Contains(errOut, "Signing AWS_IAM routes with SigV4 (execute-api, "+e.stack.Region+") with credentials from identity pool ") {
		t.Errorf("stderr does not say how /iam was signed: %s", errOut)
	}
}

// smokeJSON is the part of `call --routes --json` the tests read.
type smokeJSON struct {
	From    string `json:"from"`
	Failed  int    `json:"failed"`
	Results []struct {
		Route struct {
			Method, Path, Token string
			Expect              int
		} `json:"route"`
		Status int    `json:"status"`
		Pass   bool   `json:"pass"`
		Error  string `json:"error"`
		Cause  string `json:"cause"`
	} `json:"results"`
}

func decodeSmoke(t *testing.T, out, errOut string) smokeJSON {
	t.Helper()
	var doc smokeJSON
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("--json: %v\n%s\n%s", err, out, errOut)
	}
	return doc
}

// TestCallSmokeSigV4 runs the demo APIs' routes as a smoke test: a
// profile route with token = "sigv4" is signed (credentials from the
// demo identity pool for the session's ID token) and passes, as do all
// the demo HTTP API's routes for a session whose access token carries the
// demo scope; without credentials to sign with, the AWS_IAM row fails
// saying why and the others still run.
func TestCallSmokeSigV4(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// A hosted-UI sign-in granted cogscope-api/read (as `cogscope login
	// --flow pkce --scope ...` would save).
	tk, err := e.stack.Cognito.MintTokens(cognito.MintRequest{ClientID: e.stack.Demo.ClientID, Username: cognito.DemoUsername,
		Scopes: []string{"openid", "email", "aws.cognito.signin.user.admin", "cogscope-api/read"}, IDToken: true})
	if err != nil {
		t.Fatal(err)
	}
	e.saveSessionAs(t, "p", flows.Tokens{AccessToken: tk.AccessToken, IDToken: tk.IDToken, ExpiresIn: int32(tk.ExpiresIn), TokenType: "Bearer"})
	cfgDir := filepath.Join(e.dir, "c", "cogscope")
	if err := os.MkdirAll(cfgDir, 0o700); err != nil {
		t.Fatal(err)
	}
	writeProfile := func(doc string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(cfgDir, "config.toml"), []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	api := "[profiles.p.api]\nbase_url = \"" + e.stack.API.HTTPURL + "\"\n"
	routes := `
[[profiles.p.api.routes]]
name = "private"
path = "/private"
[[profiles.p.api.routes]]
name = "iam"
path = "/iam"
token = "sigv4"
[[profiles.p.api.routes]]
name = "iam-unsigned"
path = "/iam"
token = "none"
expect = 403
`
	tests := []struct {
		name, profile string
		args          []string
		code          int
		rows          []string // token status pass, in order
		why           string   // a row's error
	}{
		{"profile route signed", api + routes, nil, 0,
			[]string{"access 200 true", "sigv4 200 true", "none 403 true"}, ""},
		// hello; private, scoped, admin each with its token and without;
		// iam signed and unsigned.
		{"every route of the demo HTTP API", api, nil, 0,
			[]string{"none 200 true", "access 200 true", "none 401 true", "access 200 true", "none 401 true", "access 200 true", "none 401 true", "sigv4 200 true", "none 403 true"}, ""},
		{"no credentials to sign with", api + routes, []string{"--identity-pool-id", e.stack.Region + ":11111111-2222-3333-4444-555555555555"}, 1,
			[]string{"access 200 true", "sigv4 0 false", "none 403 true"}, "not sent: the route wants a SigV4 signature and cannot be signed: credentials from identity pool"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			writeProfile(tt.profile)
			code, out, errOut := e.run(t, "", append([]string{"--profile", "p", "call", "--routes", "--json"}, tt.args...)...)
			doc := decodeSmoke(t, out, errOut)
			var rows []string
			for _, r := range doc.Results {
				rows = append(rows, fmt.Sprintf("%s %d %v", r.Route.Token, r.Status, r.Pass))
				if r.Route.Token == "sigv4" && tt.why != "" && !strings.HasPrefix(r.Error, tt.why) {
					t.Errorf("the unsigned row's error %q, want %q…", r.Error, tt.why)
				}
			}
			if code != tt.code || !slices.Equal(rows, tt.rows) {
				t.Errorf("exit %d, rows\n%q\nwant exit %d,\n%q\n%s", code, rows, tt.code, tt.rows, errOut)
			}
		})
	}

	// The table and the JUnit file name the token kind sigv4.
	writeProfile(api + routes)
	junit := filepath.Join(e.dir, "sigv4.xml")
	code, out, errOut := e.run(t, "", "--profile", "p", "call", "--routes", "--junit", junit)
	if code != 0 || !regexp.MustCompile(`(?m)^PASS  GET /iam +sigv4 +2xx +200 `).MatchString(out) {
		t.Errorf("table: exit %d\n%s\n%s", code, out, errOut)
	}
	raw, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), `<testcase name="GET /iam (sigv4)"`) {
		t.Errorf("JUnit does not name the sigv4 row:\n%s", raw)
	}

	// A token kind that is not one is refused, naming the kinds.
	writeProfile(api + `
[[profiles.p.api.routes]]
name = "iam"
path = "/iam"
token = "bogus"
`)
	code, _, errOut = e.run(t, "", "--profile", "p", "call", "--routes")
	if code != 2 || !strings.Contains(errOut, `token "bogus": want access, id, none or sigv4`) {
		t.Errorf("token bogus: exit %d, %s", code, errOut)
	}
}
