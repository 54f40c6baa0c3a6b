package timeline

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/inspect"
	"github.com/cogscope/cogscope/ui/common"
	"github.com/cogscope/cogscope/ui/internal/fakes"
	"github.com/cogscope/cogscope/ui/service"
	"github.com/cogscope/cogscope/ui/theme"
)

// recorded is a message carrying records, as the views' messages do.
type recorded []service.Record

func (r recorded) Records() []service.Record { return r }

func newModel(o Options) Model {
	m := New(theme.New(true, false), fakes.NewTokens(), nil, fakes.Clock, o)
	m.SetSize(100, 30)
	return m
}

func send(m Model, msgs ...tea.Msg) Model {
	for _, msg := range msgs {
		m, _ = m.Update(msg)
	}
	return m
}

func press(k string) tea.KeyPressMsg {
	switch k {
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	}
	return tea.KeyPressMsg{Code: rune(k[0]), Text: k}
}

func step(i int, op string) *flows.Step {
	return &flows.Step{Index: i, Kind: flows.StepCall, Operation: op, Title: op, Started: fakes.Now.Add(time.Duration(i) * time.Millisecond)}
}

func call(id int, path string, status int, reqID string) recorded {
	return recorded{{Call: &service.CallRecord{ID: id, Request: service.CallRequest{Method: "GET", Path: path},
		Result: &service.CallResult{Status: status, RequestID: reqID, Timings: service.Timings{Total: 12 * time.Millisecond}}}}}
}

func line(id, reqID, msg string, at time.Time) service.LogEvent {
	return service.LogEvent{Time: at, Group: "/aws/apigateway/demo/access", Stream: "s", ID: id, Message: msg, RequestID: reqID}
}

// plainRows is the list as text, one entry a line, ANSI stripped.
func plainRows(m Model) []string {
	var out []string
	for _, r := range m.rows {
		out = append(out, strings.TrimSpace(ansi.Strip(m.rowLine(r, 200, false))))
	}
	return out
}

// The rows of a session, whatever order its lines come in: each call's
// lines under it in time order, each line once.
func TestRowsLineUpBySessionAndRequestID(t *testing.T) {
	t.Parallel()
	at := fakes.Now
	early := line("e1", "R1", `{"requestId":"R1","n":1}`, at)
	late := line("e2", "R1", `{"requestId":"R1","n":2}`, at.Add(time.Second))
	noID := service.LogEvent{Time: at, Group: "g", Stream: "s", Message: "live tail line", RequestID: "R2"}
	cases := []struct {
		name string
		msgs []tea.Msg
		want []string
	}{
		{"lines after their call", []tea.Msg{call(1, "/a", 200, "R1"), recorded{{Logs: []service.LogEvent{early, late}}}},
			[]string{"GET /a → 200 OK · R1", `"n":1`, `"n":2`}},
		{"lines before their call, out of order", []tea.Msg{recorded{{Logs: []service.LogEvent{late}}},
			recorded{{Logs: []service.LogEvent{early}}}, call(1, "/a", 200, "R1")},
			[]string{"GET /a → 200 OK · R1", `"n":1`, `"n":2`}},
		{"a line delivered by two tails", []tea.Msg{call(1, "/a", 200, "R1"), recorded{{Logs: []service.LogEvent{early}}},
			recorded{{Logs: []service.LogEvent{early, late}}}},
			[]string{"GET /a → 200 OK · R1", `"n":1`, `"n":2`}},
		{"live tail lines without an event id", []tea.Msg{call(1, "/b", 403, "R2"), recorded{{Logs: []service.LogEvent{noID, noID}}}},
			[]string{"GET /b → 403 Forbidden · R2", "live tail line"}},
		{"lines of no call of the session", []tea.Msg{recorded{{Logs: []service.LogEvent{early}}}, call(1, "/c", 200, "R9")},
			[]string{"GET /c → 200 OK · R9"}},
		{"a sign-in, its steps, its tokens, then a call", []tea.Msg{
			recorded{{Run: 1, Flow: "SRP", Step: step(1, "InitiateAuth")}},
			recorded{{Run: 1, Flow: "SRP", Step: step(2, "RespondToAuthChallenge")}},
			common.SessionMsg{Tokens: fakes.Session(), From: "SRP sign-in", Flow: "srp"},
			call(1, "/a", 200, "R1"),
		}, []string{"SRP sign-in · signed in", "1 InitiateAuth", "2 RespondToAuthChallenge", "ID token", "access token · jti",
			"refresh token", "GET /a → 200 OK · R1"}},
		{"a refresh's tokens on their own", []tea.Msg{
			recorded{{Run: 1, Flow: "SRP", Step: step(1, "InitiateAuth")}},
			common.SessionMsg{Tokens: fakes.Session(), From: "SRP sign-in"},
			common.SessionMsg{Tokens: fakes.Session(), From: "refresh"},
		}, []string{"SRP sign-in · signed in", "1 InitiateAuth", "ID token", "access token", "refresh token",
			"tokens from refresh", "ID token", "access token", "refresh token"}},
		{"a failed sign-in", []tea.Msg{
			recorded{{Run: 2, Flow: "Password", Step: &flows.Step{Index: 1, Operation: "InitiateAuth",
				Error: &flows.APIError{Type: "NotAuthorizedException", Message: "Incorrect username or password."}}}},
			recorded{{Run: 2, Flow: "Password", Err: &service.Failure{Diagnosis: flows.Diagnosis{Type: "NotAuthorizedException",
				Message: "Incorrect username or password."}}}},
		}, []string{"✗ Password sign-in · failed", "✗ 1 InitiateAuth", "✗ failed: NotAuthorizedException: Incorrect username or password."}},
		{"a call with no answer", []tea.Msg{recorded{{Call: &service.CallRecord{ID: 1, Request: service.CallRequest{Method: "GET", Path: "/x"},
			Err: errors.New("dial tcp 127.0.0.1:1: connection refused")}}}},
			[]string{"✗ GET /x → dial tcp 127.0.0.1:1: connection refused"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			m := send(newModel(Options{}), c.msgs...)
			got := plainRows(m)
			if len(got) != len(c.want) {
				t.Fatalf("rows:\n%s\nwant %d rows like:\n%s", strings.Join(got, "\n"), len(c.want), strings.Join(c.want, "\n"))
			}
			for i, w := range c.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("row %d is %q, want it to contain %q", i, got[i], w)
				}
			}
		})
	}
}

// The store holds at most Bound groups and LineBound lines, and says how
// many fell out.
func TestBounds(t *testing.T) {
	t.Parallel()
	m := newModel(Options{Bound: 3, LineBound: 4})
	for i := 1; i <= 5; i++ {
		id := fmt.Sprintf("R%d", i)
		m = send(m, call(i, fmt.Sprintf("/%d", i), 200, id),
			recorded{{Logs: []service.LogEvent{line(id+"a", id, "a "+id, fakes.Now), line(id+"b", id, "b "+id, fakes.Now)}}})
	}
	groups, lines := m.Dropped()
	if len(m.st.groups) != 3 || groups != 2 {
		t.Errorf("held %d groups, dropped %d; want 3 and 2", len(m.st.groups), groups)
	}
	if m.st.nLines != 4 || lines != 6 {
		t.Errorf("held %d lines, dropped %d; want 4 and 6", m.st.nLines, lines)
	}
	rows := strings.Join(plainRows(m), "\n")
	for _, want := range []string{"GET /3", "GET /4", "a R4", "b R5", "GET /5"} {
		if !strings.Contains(rows, want) {
			t.Errorf("rows lack %q:\n%s", want, rows)
		}
	}
	for _, gone := range []string{"GET /1", "GET /2", "a R3"} {
		if strings.Contains(rows, gone) {
			t.Errorf("rows still hold %q:\n%s", gone, rows)
		}
	}
	if !strings.Contains(ansi.Strip(m.View()), "2 entries and 6 lines dropped") {
		t.Errorf("the view does not count what was dropped:\n%s", ansi.Strip(m.View()))
	}
}

// The cursor follows the newest entry until moved; it stays on its entry
// when others arrive; enter opens the detail and esc closes it.
func TestKeys(t *testing.T) {
	t.Parallel()
	m := send(newModel(Options{}), call(1, "/a", 200, "R1"), call(2, "/b", 200, "R2"))
	if m.cursor != 1 || !m.follow {
		t.Fatalf("cursor %d follow %v, want on the newest (1) following", m.cursor, m.follow)
	}
	m = send(m, press("up"))
	m = send(m, call(3, "/c", 200, "R3"))
	if r, _ := m.selected(); r.g.call.Request.Path != "/a" {
		t.Fatalf("the cursor left its entry for %s", r.g.call.Request.Path)
	}
	m = send(m, press("G"))
	if r, _ := m.selected(); r.g.call.Request.Path != "/c" || !m.follow {
		t.Fatalf("G goes to the newest entry and follows")
	}
	m = send(m, press("g"), press("enter"))
	if !m.DetailOpen() || !strings.Contains(ansi.Strip(m.View()), "GET /a sent") {
		t.Fatalf("enter opens the detail of the first entry:\n%s", ansi.Strip(m.View()))
	}
	m = send(m, press("down"))
	if r, _ := m.selected(); r.g.call.Request.Path != "/a" {
		t.Fatalf("in the detail, down scrolls: the cursor moved to %s", r.g.call.Request.Path)
	}
	m = send(m, press("esc"))
	if m.DetailOpen() {
		t.Fatal("esc closes the detail")
	}
}

// A step's detail masks the secrets flows/trace's table names, and text
// from the service or a token never reaches the terminal raw.
func TestDetailMasksSecretsAndEscapes(t *testing.T) {
	t.Parallel()
	s := step(1, "InitiateAuth")
	s.Title = "InitiateAuth\x1b[2J"
	s.Request = map[string]string{"AuthParameters.PASSWORD": "hunter2-secret", "AuthParameters.USERNAME": "demo\x1b]0;owned\x07"}
	ev := line("e", "R1", "line \x1b[31mred\x1b[0m", fakes.Now)
	res := call(1, "/a\x1b[1A", 500, "R1")
	res[0].Call.Result.Body = []byte("body \x1b[2J")
	for _, c := range []struct {
		name  string
		msgs  []tea.Msg
		moves []string
	}{
		{"step", []tea.Msg{recorded{{Run: 1, Flow: "Password", Step: s}}}, nil},
		{"call", []tea.Msg{res, recorded{{Logs: []service.LogEvent{ev}}}}, []string{"up"}},
		{"line", []tea.Msg{res, recorded{{Logs: []service.LogEvent{ev}}}}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			m := send(newModel(Options{}), c.msgs...)
			for _, k := range c.moves {
				m = send(m, press(k))
			}
			m = send(m, press("enter"))
			v := m.View()
			if strings.Contains(v, "hunter2") {
				t.Errorf("the password shows:\n%s", ansi.Strip(v))
			}
			for _, bad := range []string{"\x1b[2J", "\x1b]0;owned", "\x1b[1A", "\x1b[31mred"} {
				if strings.Contains(v, bad) {
					t.Errorf("%q reaches the terminal raw", bad)
				}
			}
		})
	}
}

// A token's row and detail say its jti and expiry; an opaque one says so.
func TestTokenEntries(t *testing.T) {
	t.Parallel()
	exp := fakes.Now.Add(40 * time.Minute)
	tokens := fakes.NewTokens()
	r := *fakes.AccessReport()
	r.Claims = append([]inspect.Claim(nil), r.Claims...)
	for i := range r.Claims {
		if r.Claims[i].Name == "exp" {
			r.Claims[i].Time = exp
		}
	}
	tokens.Reports["access.jwt"] = &r
	m := New(theme.New(true, false), tokens, nil, fakes.Clock, Options{})
	m.SetSize(120, 40)
	m = send(m, common.SessionMsg{Tokens: flows.Tokens{AccessToken: "access.jwt", RefreshToken: "opaque-refresh"}, From: "refresh"})
	rows := plainRows(m)
	want := []string{"tokens from refresh", "access token · jti 3c4d5e6f-7a8b-4c9d-0e1f-2a3b4c5d6e7f · expires 10:40:00",
		"refresh token (opaque: nothing to decode)"}
	if len(rows) != len(want) {
		t.Fatalf("rows %q, want %q", rows, want)
	}
	for i := range want {
		if !strings.Contains(rows[i], want[i]) {
			t.Errorf("row %d %q, want %q", i, rows[i], want[i])
		}
	}
	m = send(m, press("up"), press("enter"))
	v := ansi.Strip(m.View())
	for _, w := range []string{"expires 2026-11-26 10:40:00 UTC (40m after it arrived)", "token_use", "decoded, not verified here"} {
		if !strings.Contains(v, w) {
			t.Errorf("the token's detail lacks %q:\n%s", w, v)
		}
	}
}

// Every frame is exactly the size given, at every width and height, with
// the detail open or not.
func TestViewIsItsSize(t *testing.T) {
	t.Parallel()
	base := send(newModel(Options{}), recorded{{Run: 1, Flow: "SRP", Step: step(1, "InitiateAuth")}}, call(1, "/a", 200, "R1"),
		recorded{{Logs: []service.LogEvent{line("e", "R1", strings.Repeat("x", 500), fakes.Now)}}})
	for _, size := range [][2]int{{60, 12}, {80, 20}, {109, 30}, {110, 30}, {200, 50}} {
		for _, open := range []bool{false, true} {
			m := base
			m.SetSize(size[0], size[1])
			if open {
				m = send(m, press("enter"))
			}
			lines := strings.Split(m.View(), "\n")
			if len(lines) != size[1] {
				t.Errorf("%dx%d open %v: %d lines", size[0], size[1], open, len(lines))
			}
			for _, l := range lines {
				if w := ansi.StringWidth(l); w > size[0] {
					t.Errorf("%dx%d open %v: a line %d wide", size[0], size[1], open, w)
					break
				}
			}
		}
	}
}

// lookupLogs is a log service that answers a lookup with its lines and
// records what it was asked.
type lookupLogs struct {
	lines []service.LogEvent
	reqs  []service.TailRequest
}

func (l *lookupLogs) Groups(context.Context) ([]string, error) { return nil, nil }

func (l *lookupLogs) Tail(ctx context.Context, req service.TailRequest) (<-chan service.TailUpdate, error) {
	l.reqs = append(l.reqs, req)
	ch := make(chan service.TailUpdate, 1)
	ch <- service.TailUpdate{Events: l.lines}
	close(ch)
	return ch, nil
}

// run runs cmd and what its messages' Updates return, to the end.
func run(t *testing.T, m Model, cmd tea.Cmd) Model {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for n := 0; len(queue) > 0; n++ {
		if n > 100 {
			t.Fatal("the Cmds do not end")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case tea.BatchMsg:
			queue = append(queue, msg...)
		default:
			var next tea.Cmd
			m, next = m.Update(msg)
			queue = append(queue, next)
		}
	}
	return m
}

// A call of a listed route asks the log service once for the route's
// lines of its request id, from before it was sent: lines the tails
// missed show under it; lines of other ids do not.
func TestCallLinesAreLookedUp(t *testing.T) {
	t.Parallel()
	lg := &lookupLogs{lines: []service.LogEvent{
		{Time: fakes.Now, Group: "/aws/lambda/auth", Stream: "s", ID: "1", Message: "authorizer saw R1"},
		line("2", "R1", `{"requestId":"R1"}`, fakes.Now),
		line("3", "R7", `{"requestId":"R7","note":"R1"}`, fakes.Now),
	}}
	m := New(theme.New(true, false), nil, lg, fakes.Clock, Options{})
	m.SetSize(120, 30)
	rec := call(1, "/a", 200, "R1")
	rec[0].Call.Request.Route = &service.Route{Method: "GET", Path: "/a", LogGroups: []string{"/aws/lambda/auth", "/aws/apigateway/demo/access"}}
	m, cmd := m.Update(rec)
	m = run(t, m, cmd)
	if len(lg.reqs) != 1 {
		t.Fatalf("%d lookups, want 1", len(lg.reqs))
	}
	req := lg.reqs[0]
	if req.FilterPattern != `"R1"` || len(req.Groups) != 2 || !req.Since.Before(fakes.Now.Add(-12*time.Millisecond)) {
		t.Errorf("lookup %+v: want the route's groups, the quoted id, from before the call", req)
	}
	rows := strings.Join(plainRows(m), "\n")
	for _, want := range []string{"GET /a → 200 OK · R1", "authorizer saw R1", `{"requestId":"R1"}`} {
		if !strings.Contains(rows, want) {
			t.Errorf("rows lack %q:\n%s", want, rows)
		}
	}
	if strings.Contains(rows, "R7") {
		t.Errorf("a line of another request id is listed:\n%s", rows)
	}
	if m.lookups != 0 {
		t.Errorf("%d lookups still counted after the lookup ended", m.lookups)
	}
	// No route, or an id that cannot be quoted as it is: no lookup.
	for _, c := range []recorded{call(2, "/free", 200, "R2"), func() recorded {
		r := call(3, "/b", 200, `R"3`)
		r[0].Call.Request.Route = &service.Route{LogGroups: []string{"g"}}
		return r
	}()} {
		m, cmd = m.Update(c)
		m = run(t, m, cmd)
	}
	if len(lg.reqs) != 1 {
		t.Errorf("%d lookups, want still 1", len(lg.reqs))
	}
}

// A busy API's other requests do not push a session call's lines out:
// lines no held call claims go first.
func TestCallLinesOutliveOtherTraffic(t *testing.T) {
	t.Parallel()
	m := newModel(Options{LineBound: 10})
	m = send(m, call(1, "/mine", 200, "MINE"), recorded{{Logs: []service.LogEvent{line("m", "MINE", "my line", fakes.Now)}}})
	for i := range 50 {
		id := fmt.Sprintf("OTHER%d", i)
		m = send(m, recorded{{Logs: []service.LogEvent{line(id, id, "other traffic", fakes.Now)}}})
	}
	if got := len(m.st.linesOf(m.st.groups[0])); got != 1 {
		t.Fatalf("the call keeps %d lines, want its 1", got)
	}
	if m.st.nLines != 10 {
		t.Errorf("%d lines held, want the bound (10)", m.st.nLines)
	}
	// With only claimed lines left, the oldest call's go.
	m = send(m, call(2, "/next", 200, "OTHER49"))
	for i := range 10 {
		m = send(m, call(3+i, "/more", 200, fmt.Sprintf("NEW%d", i)),
			recorded{{Logs: []service.LogEvent{line(fmt.Sprint(i), fmt.Sprintf("NEW%d", i), "new", fakes.Now)}}})
	}
	if got := len(m.st.linesOf(m.st.groups[0])); got != 0 {
		t.Errorf("the oldest call keeps %d lines after every held line became claimed", got)
	}
}

// The detail is laid out once, and again when what it shows changed: a
// call's line arriving while its detail is open shows in it.
func TestDetailFollowsItsEntry(t *testing.T) {
	t.Parallel()
	m := send(newModel(Options{}), call(1, "/a", 200, "R1"), press("enter"))
	if v := ansi.Strip(m.View()); !strings.Contains(v, "Log lines · 0") {
		t.Fatalf("the call's detail before its lines:\n%s", v)
	}
	m = send(m, recorded{{Logs: []service.LogEvent{line("e", "R1", "arrived late", fakes.Now)}}})
	if v := ansi.Strip(m.View()); !strings.Contains(v, "Log lines · 1") || !strings.Contains(v, "arrived late") {
		t.Fatalf("the call's detail does not show its new line:\n%s", v)
	}
}
