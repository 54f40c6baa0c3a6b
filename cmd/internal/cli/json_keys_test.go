package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

// jsonKey is the one key style of every command's --json: camelCase.
var jsonKey = regexp.MustCompile(`^[a-z][a-zA-Z0-9]*$`)

// timeKey names a member that holds a time, which is an RFC 3339 string,
// except where a case says the time is another's shape (CloudWatch Logs'
// events in epoch milliseconds, SRP's TIMESTAMP as sent).
var timeKey = regexp.MustCompile(`(At|Time)$|^(started|expiration|timestamp)$`)

// badJSONKeys decodes out (one JSON document, or one a line with lines
// set) and returns every object key that is not camelCase, as
// "path.key", except under dataPaths: objects whose keys are data (a
// token's claims, HTTP header names, Cognito's request members), named as
// "trace[].request" ("" is the document itself). It also returns how many
// keys it checked, so that a document with nothing to check cannot pass
// unnoticed. A time (timeKey) that is not an RFC 3339 string is bad too,
// unless its path starts with one of otherTimes.
func badJSONKeys(t *testing.T, out string, lines bool, dataPaths []string, otherTimes ...string) (bad []string, checked int) {
	t.Helper()
	var docs []any
	dec := json.NewDecoder(strings.NewReader(out))
	dec.UseNumber()
	for {
		var v any
		if err := dec.Decode(&v); err != nil {
			if err.Error() == "EOF" && len(docs) > 0 {
				break
			}
			t.Fatalf("stdout is not JSON: %v\n%s", err, out)
		}
		docs = append(docs, v)
		if !lines {
			if dec.More() {
				t.Fatalf("stdout holds more than one JSON document:\n%s", out)
			}
			break
		}
	}
	var walk func(v any, path string)
	walk = func(v any, path string) {
		switch v := v.(type) {
		case map[string]any:
			if slices.Contains(dataPaths, path) {
				return
			}
			for k, e := range v {
				checked++
				p := k
				if path != "" {
					p = path + "." + k
				}
				if !jsonKey.MatchString(k) {
					bad = append(bad, p)
				}
				other := slices.ContainsFunc(otherTimes, func(pre string) bool { return strings.HasPrefix(p, pre) })
				if timeKey.MatchString(k) && !other {
					if ts, ok := e.(string); !ok {
						bad = append(bad, p+" (a time that is not an RFC 3339 string)")
					} else if _, err := time.Parse(time.RFC3339Nano, ts); err != nil {
						bad = append(bad, p+" (not RFC 3339: "+ts+")")
					}
				}
				walk(e, p)
			}
		case []any:
			for _, e := range v {
				walk(e, path+"[]")
			}
		}
	}
	for _, d := range docs {
		walk(d, "")
	}
	sort.Strings(bad)
	return slices.Compact(bad), checked
}

// TestJSONKeysAreCamelCase runs every command that has --json against the
// local stack (in-process) and checks every object key it prints that is
// not data. A command that gains --json must be added here (the test
// walks the command tree for them).
func TestJSONKeysAreCamelCase(t *testing.T) {
	t.Parallel()
	stack := localtest.Start(t)
	dir := t.TempDir()
	ep := []string{"--endpoint", stack.Endpoint}
	run := func(stdin string, args ...string) result {
		t.Helper()
		return runIn(t, dir, stdin, append(append([]string{}, ep...), args...)...)
	}
	// A saved session for call, userinfo and refresh; the access token
	// for inspect.
	if r := run(cognito.DemoPassword+"\n", "login", "--username", "demo", "--password-stdin"); r.code != 0 {
		t.Fatalf("login: exit %d\n%s", r.code, r.errOut)
	}
	access := strings.TrimSpace(run("", "token", "access").out)
	if access == "" {
		t.Fatal("no access token saved")
	}
	// The sign-in was recorded: its transcript, for replay (against the
	// same pool, so the outcomes are the same).
	// logout signs out a session of its own (the shared one stays).
	logoutDir := filepath.Join(dir, "logout")
	if r := runIn(t, logoutDir, cognito.DemoPassword+"\n", append(append([]string{}, ep...), "login", "--username", "demo", "--password-stdin")...); r.code != 0 {
		t.Fatalf("login for logout: exit %d\n%s", r.code, r.errOut)
	}
	transcriptFile := filepath.Join(dir, "session.json")
	if r := run("", "transcript", "export", "--format", "json", "--output", transcriptFile); r.code != 0 {
		t.Fatalf("transcript export: exit %d\n%s", r.code, r.errOut)
	}

	// login's trace members and a challenge's parameters are Cognito's
	// names; claims, headers and principal tags are data too.
	loginData := []string{"trace[].request", "trace[].response", "challenge.parameters", "challenge.userAttributes"}
	cases := []struct {
		name  string
		stdin string
		args  []string
		dir   string // "" the shared one (signed in)
		lines bool   // one document a line
		codes []int  // the exit codes that print the document
		data  []string
		// otherTimes are paths whose times keep another's shape:
		// CloudWatch Logs' events (epoch milliseconds, as tail documents),
		// SRP's TIMESTAMP (the text sent to Cognito).
		otherTimes []string
		// want are keys (paths) the document must hold, so that the
		// case covers what it claims to.
		want []string
	}{
		{name: "login srp", stdin: cognito.DemoPassword + "\n", args: []string{"login", "--username", "demo", "--password-stdin", "--no-save", "--json"},
			data: loginData, otherTimes: []string{"trace[].srp.timestamp"}, want: []string{"tokens.accessToken", "tokens.expiresIn", "trace[].durationMs", "trace[].authFlow", "trace[].srp.srpB", "trace[].srp.secretBlock", "trace[].requestId"}},
		{name: "login refused", stdin: "wrong\n", args: []string{"login", "--flow", "password", "--username", "demo", "--password-stdin", "--no-save", "--json"},
			codes: []int{cmdutil.ExitRefused}, data: loginData, want: []string{"error.requestId", "error.cause", "trace[].error.httpStatus", "trace[].error.requestId"}},
		{name: "login challenge", stdin: cognito.DemoPassword + "\n", args: []string{"login", "--username", "mfa-demo", "--password-stdin", "--no-save", "--json"},
			codes: []int{cmdutil.ExitUsage}, data: loginData, otherTimes: []string{"trace[].srp.timestamp"}, want: []string{"challenge.issuedAt", "trace[].nextChallenge", "trace[].started"}},
		{name: "login refresh", args: []string{"login", "--flow", "refresh", "--no-save", "--json"},
			data: loginData, want: []string{"tokens.refreshToken", "trace[].operation"}},
		{name: "login client credentials refused", stdin: "wrong\n", args: []string{"login", "--flow", "client-credentials", "--client-id", cognito.DemoSecretClientID, "--client-secret-stdin", "--no-save", "--json"},
			codes: []int{cmdutil.ExitRefused}, data: loginData, want: []string{"error.requestId", "trace[].error.httpStatus", "trace[].serverTime"}},
		{name: "inspect", args: []string{"inspect", "--json", "--issuer", cognito.DemoPoolID, access},
			data: []string{"header", "claims"}, want: []string{"checks[].name", "issuer.poolShaped"}},
		{name: "inspect http-jwt", args: []string{"inspect", "--json", "--authorizer", "http-jwt", "--issuer", cognito.DemoPoolID, "--audience", "nobody", access},
			codes: []int{cmdutil.ExitRefused}, data: []string{"header", "claims"}, want: []string{"authorizer.wwwAuthenticate"}},
		{name: "inspect rest-cognito", args: []string{"inspect", "--json", "--authorizer", "rest-cognito", "--issuer", cognito.DemoPoolID, access},
			codes: []int{cmdutil.ExitRefused}, data: []string{"header", "claims"}, want: []string{"authorizer.responseType", "authorizer.errorType"}},
		{name: "call", args: []string{"call", "--json", "/admin", "--logs"},
			data: []string{"request.headers", "response.headers"}, otherTimes: []string{"logs."}, want: []string{"response.status", "timings"}},
		{name: "call refused", args: []string{"call", "--json", "/private", "--token", "none"},
			codes: []int{cmdutil.ExitRefused}, data: []string{"request.headers", "response.headers"}, want: []string{"judgement"}},
		{name: "tail", args: []string{"tail", "--json", "--since", "1h"}, lines: true, otherTimes: []string{""}, want: []string{"logGroup", "eventId", "ingestionTime"}},
		{name: "userinfo", args: []string{"userinfo", "--json"}, data: []string{""}},
		{name: "token", args: []string{"token", "--json"},
			want: []string{"session", "flow", "obtainedAt", "kind", "token", "tokenUse", "clientId", "issuedAt", "expiresAt", "authTime", "expired", "expiresInSeconds"}},
		{name: "token refresh", args: []string{"token", "refresh", "--json"}, want: []string{"session", "kind", "token", "obtainedAt"}},
		{name: "logout", dir: "logout", args: []string{"logout", "--json", "--logout-uri", "http://localhost:8765/signed-out"},
			want: []string{"session", "operation", "global", "tokensRemoved", "logoutUrl"}},
		{name: "credentials", args: []string{"credentials", "--json"}, data: []string{"principalTags"}, want: []string{"identityId", "credentials.accessKeyId", "expiration"}},
		{name: "doctor", args: []string{"doctor", "--json"}, codes: []int{0, cmdutil.ExitRefused}, want: []string{"checks[].name"}},
		{name: "explain", args: []string{"explain", "--json", "NotAuthorizedException: Incorrect username or password."}, want: []string{"candidates"}},
		{name: "init", dir: "init", args: []string{"init", "--json", "--profile", "p", "--user-pool-id", cognito.DemoPoolID, "--client-id", cognito.DemoPublicClientID},
			want: []string{"written.userPoolId", "written.clientId", "written.hostedUI.callbackUrl"}},
		{name: "version", args: []string{"version", "--json"}, want: []string{"version"}},
		{name: "transcript export", args: []string{"transcript", "export", "--format", "json"},
			data:       []string{"calls[].headers", "signIns[].steps[].request", "signIns[].steps[].response", "signIns[].tokens[].claims", "signIns[].tokens[].header"},
			otherTimes: []string{"signIns[].steps[].srp.timestamp"}, want: []string{"version", "masked", "signIns[].steps[].srp.srpA"}},
		{name: "replay", stdin: cognito.DemoPassword + "\n", args: []string{"replay", transcriptFile, "--password-stdin", "--json"},
			data:       []string{"replay.signIns[].steps[].request", "replay.signIns[].steps[].response", "replay.signIns[].tokens[].claims", "replay.signIns[].tokens[].header"},
			otherTimes: []string{"replay.signIns[].steps[].srp.timestamp"}, want: []string{"comparison.same", "replay.signIns[].steps[].srp.srpB"}},
	}
	covered := map[string]bool{"local": true} // TestJSONKeysLocal
	for _, c := range cases {
		covered[c.args[0]] = true
	}
	root := NewCmdRoot(cmdutil.NewSystemFactory())
	var walkCmds func(c *cobra.Command)
	walkCmds = func(c *cobra.Command) {
		if c.Flags().Lookup("json") != nil && !covered[c.Name()] {
			t.Errorf("%q has --json but no case here", c.CommandPath())
		}
		for _, s := range c.Commands() {
			walkCmds(s)
		}
	}
	walkCmds(root)

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var r result
			if c.dir != "" {
				r = runIn(t, filepath.Join(dir, c.dir), c.stdin, append(append([]string{}, ep...), c.args...)...)
			} else {
				r = run(c.stdin, c.args...)
			}
			codes := c.codes
			if codes == nil {
				codes = []int{0}
			}
			if !slices.Contains(codes, r.code) {
				t.Fatalf("exit %d, want one of %v\nstdout:\n%s\nstderr:\n%s", r.code, codes, r.out, r.errOut)
			}
			bad, checked := badJSONKeys(t, r.out, c.lines, c.data, c.otherTimes...)
			if len(bad) > 0 {
				t.Errorf("keys not camelCase: %v\n%s", bad, r.out)
			}
			if checked == 0 && !slices.Contains(c.data, "") {
				t.Errorf("no key checked in\n%s", r.out)
			}
			have := keyPaths(t, r.out, c.lines)
			for _, w := range c.want {
				if !have[w] {
					t.Errorf("the document lacks %s\n%s", w, r.out)
				}
			}
		})
	}
}

// keyPaths lists every key path of out's documents ("trace[].srp.srpA").
func keyPaths(t *testing.T, out string, lines bool) map[string]bool {
	t.Helper()
	paths := map[string]bool{}
	var walk func(v any, path string)
	walk = func(v any, path string) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				p := k
				if path != "" {
					p = path + "." + k
				}
				paths[p] = true
				walk(e, p)
			}
		case []any:
			for _, e := range v {
				walk(e, path+"[]")
			}
		}
	}
	dec := json.NewDecoder(strings.NewReader(out))
	for dec.More() {
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("stdout is not JSON: %v", err)
		}
		walk(v, "")
		if !lines {
			break
		}
	}
	return paths
}

// lineWriter is a stdout that tells when its first line is complete (the
// local stack's ready line) and may be read while the command runs.
type lineWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	ready chan struct{}
	once  sync.Once
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.buf.Write(p)
	if bytes.IndexByte(w.buf.Bytes(), '\n') >= 0 {
		w.once.Do(func() { close(w.ready) })
	}
	return n, err
}

func (w *lineWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// TestJSONKeysLocal: `cogscope local --json`'s ready line, the style the
// other commands follow.
func TestJSONKeysLocal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := &lineWriter{ready: make(chan struct{})}
	var errOut bytes.Buffer
	env := map[string]string{"XDG_CONFIG_HOME": filepath.Join(dir, "config"), "XDG_STATE_HOME": filepath.Join(dir, "state")}
	f := &cmdutil.Factory{IO: cmdutil.IOStreams{In: strings.NewReader(""), Out: out, ErrOut: &errOut},
		Env: func(k string) string { return env[k] }, Now: time.Now, HTTP: &http.Client{Timeout: 10 * time.Second}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- Run(ctx, f, []string{"local", "--addr", "127.0.0.1:0", "--json"}) }()
	select {
	case <-out.ready:
	case code := <-done:
		cancel()
		t.Fatalf("cogscope local exited %d before its ready line", code)
	case <-time.After(20 * time.Second):
		cancel()
		t.Fatal("cogscope local printed no ready line within 20s")
	}
	cancel()
	<-done
	line, _, _ := strings.Cut(out.String(), "\n")
	bad, checked := badJSONKeys(t, line, false, nil)
	if len(bad) > 0 || checked == 0 {
		t.Errorf("keys not camelCase: %v (%d checked)\n%s", bad, checked, line)
	}
	have := keyPaths(t, line, false)
	for _, w := range []string{"userPools[].hostedUI", "userPools[].identityProviders", "identityPools"} {
		if !have[w] {
			t.Errorf("the ready line lacks %s\n%s", w, line)
		}
	}
}
