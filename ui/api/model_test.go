package api

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/cogscope/cogscope/ui/common"
	"github.com/cogscope/cogscope/ui/internal/fakes"
	"github.com/cogscope/cogscope/ui/internal/teststep"
	"github.com/cogscope/cogscope/ui/service"
	"github.com/cogscope/cogscope/ui/theme"
)

func forRoot(msg tea.Msg) bool {
	switch msg.(type) {
	case common.StatusMsg, common.ShowLogsMsg:
		return true
	}
	return false
}

func newView(t *testing.T, svc *fakes.API, w, h int) *teststep.Driver[Model] {
	t.Helper()
	var lg service.Logs // a nil *fakes.Logs is not a nil service
	if svc.Logs != nil {
		lg = svc.Logs
	}
	m := New(theme.New(true, false), svc, lg)
	m.SetSize(w, h)
	d := teststep.New(t, m, Model.Update, forRoot)
	d.Busy = Model.Busy
	d.Do(m.Init())
	d.Settle()
	d.Send(common.SessionMsg{Tokens: fakes.Session()})
	d.Settle()
	return d
}

func screen(m Model) string { return ansi.Strip(m.View()) }

func TestSendPrivateWithAccessToken(t *testing.T) {
	t.Parallel()
	svc := fakes.NewAPI(fakes.NewLogs())
	d := newView(t, svc, 120, 36)
	d.Keys("down", "enter")
	calls := svc.Calls()
	if len(calls) != 1 || calls[0].Path != "/private" || calls[0].Token != fakes.AccessToken || calls[0].TokenChoice != service.SendAccess {
		t.Fatalf("calls %+v", calls)
	}
	v := screen(d.M)
	for _, want := range []string{"200 OK · GET /private", "request id " + fakes.RequestID(1), `"message": "hello from /private"`,
		"DNS 1ms", "first byte 9ms", "200 GET /private · access"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	// The log pane holds the call's lines, highlighted.
	d.Until(func(m Model) bool { return strings.Contains(screen(m), `"requestId":"`+fakes.RequestID(1)) })
	if d.M.logs.Groups()[0] != fakes.AuthorizerGroup {
		t.Fatalf("the pane follows the route's groups: %v", d.M.logs.Groups())
	}
	// l asks for the call's lines in the Logs view.
	d.TakeKept()
	d.Keys("l")
	if k := d.TakeKept(); len(k) != 1 || k[0] != (common.ShowLogsMsg{RequestID: fakes.RequestID(1)}) {
		t.Fatalf("l sent %v", k)
	}
}

func TestIDTokenOnScopedRouteWarnsThenShowsJudgement(t *testing.T) {
	t.Parallel()
	svc := fakes.NewAPI(nil)
	d := newView(t, svc, 120, 36)
	d.Keys("down", "down", "a")
	if d.M.choice != service.SendID {
		t.Fatalf("t chooses the ID token, got %s", d.M.choice)
	}
	v := screen(d.M)
	if !strings.Contains(v, "! will fail: 403 · scope") || !strings.Contains(v, "an ID token has no scope claim") {
		t.Fatalf("the warning shows before sending:\n%s", v)
	}
	d.Keys("enter")
	v = screen(d.M)
	for _, want := range []string{"403 Forbidden", "failed check: scope", `API Gateway  {"message":"Forbidden"}`,
		"diagnosis    an ID token has no scope claim", "fix          send the access token"} {
		if !strings.Contains(v, want) {
			t.Errorf("judgement lacks %q:\n%s", want, v)
		}
	}
}

func TestHistoryResendAndBrowse(t *testing.T) {
	t.Parallel()
	svc := fakes.NewAPI(nil)
	d := newView(t, svc, 120, 36)
	d.Keys("down", "enter", "down", "a", "a", "enter") // /private access, /scoped none
	if d.M.Calls() != 2 || svc.Calls()[1].TokenChoice != service.SendNone || svc.Calls()[1].Token != "" {
		t.Fatalf("calls %+v", svc.Calls())
	}
	d.Keys("[")
	if d.M.shown != 0 || !strings.Contains(screen(d.M), "200 OK · GET /private") {
		t.Fatalf("[ shows the older call:\n%s", screen(d.M))
	}
	d.Keys("r")
	calls := svc.Calls()
	if len(calls) != 3 || calls[2].Path != "/private" || calls[2].Token != fakes.AccessToken {
		t.Fatalf("r re-sends the call shown: %+v", calls)
	}
	if d.M.shown != 2 || !strings.Contains(screen(d.M), "call 3 of 3") {
		t.Fatal("the re-sent call is shown")
	}
}

func TestNoTokenYetIsRefusedPlainly(t *testing.T) {
	t.Parallel()
	svc := fakes.NewAPI(nil)
	m := New(theme.New(true, false), svc, nil)
	m.SetSize(120, 36)
	d := teststep.New(t, m, Model.Update, forRoot)
	d.Busy = Model.Busy
	d.Do(m.Init())
	d.Settle()
	d.Keys("down", "enter")
	if len(svc.Calls()) != 0 {
		t.Fatal("nothing is sent without the token chosen")
	}
	k := d.TakeKept()
	if len(k) != 1 || !strings.Contains(k[0].(common.StatusMsg).Text, "no access token to send") {
		t.Fatalf("status %v", k)
	}
	// The keys it names are the view's own (the token key moved from t
	// to a once; the text must follow the key map).
	keys := DefaultKeyMap()
	want := "paste one (" + keys.Paste.Help().Key + "), or send none (" + keys.Token.Help().Key + ")"
	if text := k[0].(common.StatusMsg).Text; !strings.Contains(text, want) {
		t.Errorf("status %q does not name the keys: want %q", text, want)
	}
	if body := ansi.Strip(m.responseBody(80, 10)); !strings.Contains(body, "token chosen ("+keys.Token.Help().Key+")") {
		t.Errorf("the empty response pane names another key: %q", body)
	}
}

func TestFreeFormRequest(t *testing.T) {
	t.Parallel()
	svc := fakes.NewAPI(nil)
	d := newView(t, svc, 120, 36)
	d.Keys("e")
	if !d.M.Typing() {
		t.Fatal("e opens the request form")
	}
	d.Send(teststep.Key("ctrl+u"))
	d.Type("/items?x=1")
	d.Keys("shift+tab", "ctrl+u")
	d.Type("post")
	d.Keys("tab", "tab")
	d.Type("X-Trace: abc; Accept: application/json")
	d.Keys("tab")
	d.Type(`{"a":1}`)
	d.Keys("enter")
	calls := svc.Calls()
	if len(calls) != 1 {
		t.Fatalf("calls %+v", calls)
	}
	c := calls[0]
	if c.Method != "POST" || c.Path != "/items?x=1" || string(c.Body) != `{"a":1}` || c.Route != nil ||
		len(c.Headers) != 2 || c.Headers[0] != (service.Header{Name: "X-Trace", Value: "abc"}) {
		t.Fatalf("free-form call %+v", c)
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	big := append([]byte(`{"items":[`), bytes.Repeat([]byte(`{"id":12345,"name":"item"},`), 5<<20/27)...)
	cases := []struct {
		name   string
		res    *service.CallResult
		wants  []string
		scroll bool
	}{
		{"5 MB JSON", &service.CallResult{Status: 200, Body: big, Size: int64(len(big))},
			[]string{"Body · 5.0 MiB", "cut: the first 1.0 MiB of 5.0 MiB shown", `"id": 12345,`}, true},
		{"not UTF-8", &service.CallResult{Status: 200, Body: []byte("caf\xe9 \xff\xfe ok"), Size: 10},
			[]string{"not UTF-8", `caf\xe9 \xff\xfe ok`}, false},
		{"escape sequences", &service.CallResult{Status: 500, Body: []byte("boom\x1b[2J\x1b]52;c;AAAA\x07"), Size: 20,
			Headers: []service.Header{{Name: "X-Evil", Value: "a\x1b[31mred"}}},
			[]string{`boom\x1b[2J\x1b]52;c;AAAA\x07`, `X-Evil: a\x1b[31mred`}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			svc := fakes.NewAPI(nil)
			svc.Results = map[string]*service.CallResult{"/public": c.res}
			d := newView(t, svc, 120, 36)
			d.Keys("enter")
			raw := d.M.View()
			v := ansi.Strip(raw)
			for _, want := range c.wants {
				if !strings.Contains(v, want) {
					t.Errorf("view lacks %q:\n%s", want, v)
				}
			}
			if strings.Contains(raw, "\x1b[2J") || strings.Contains(raw, "\x1b]52") || strings.Contains(raw, "\x07") {
				t.Error("a control sequence from the server reached the screen")
			}
			if c.scroll {
				before := d.M.scroll
				d.Keys("pgdown", "pgdown")
				if d.M.scroll <= before || len(d.M.current().lines) < 1000 {
					t.Errorf("the body scrolls: scroll %d, %d lines", d.M.scroll, len(d.M.current().lines))
				}
			}
		})
	}
}

func TestFiveHundredRoutes(t *testing.T) {
	t.Parallel()
	svc := fakes.NewAPI(nil)
	for i := range 500 {
		svc.RouteList = append(svc.RouteList, service.Route{Method: "GET", Path: fmt.Sprintf("/r/%03d", i), Authorizer: service.AuthNone})
	}
	d := newView(t, svc, 120, 36)
	for range 499 {
		d.Send(teststep.Key("down"))
	}
	d.Settle()
	v := screen(d.M)
	if !strings.Contains(v, "/r/499") || strings.Contains(v, "/r/000") || !strings.Contains(v, "Routes · 500") {
		t.Fatalf("the list scrolls to the selection:\n%s", v)
	}
	d.Keys("down")
	if d.M.route() != nil {
		t.Fatal("past the last route is the free-form request")
	}
}

func TestResizeWhileACallRuns(t *testing.T) {
	t.Parallel()
	svc := fakes.NewAPI(nil)
	svc.Hold = make(chan struct{})
	d := newView(t, svc, 120, 36)
	d.Send(teststep.Key("enter"))
	d.M.SetSize(60, 12)
	if v := screen(d.M); !strings.Contains(v, "sending GET /public") {
		t.Fatalf("the pending call shows at 60 columns:\n%s", v)
	}
	for _, l := range strings.Split(screen(d.M), "\n") {
		if ansi.StringWidth(l) > 60 {
			t.Fatalf("a line is wider than 60: %q", l)
		}
	}
	close(svc.Hold)
	d.Settle()
	if v := screen(d.M); !strings.Contains(v, "200 OK") {
		t.Fatalf("the answer is laid out for the new size:\n%s", v)
	}
}

func TestTransportFailureAndNoAPI(t *testing.T) {
	t.Parallel()
	svc := fakes.NewAPI(nil)
	svc.RoutesErr = errors.New("GetRoutes: AccessDeniedException")
	d := newView(t, svc, 100, 30)
	if v := screen(d.M); !strings.Contains(v, "could not list the routes:") || !strings.Contains(v, "GetRoutes: AccessDeniedException") {
		t.Fatalf("view:\n%s", v)
	}
	m := New(theme.New(true, false), nil, nil)
	m.SetSize(80, 20)
	if m.Init() != nil || !strings.Contains(screen(m), "No API is configured for this target") {
		t.Fatalf("no API:\n%s", screen(m))
	}
	m, cmd := m.Update(teststep.Key("enter"))
	if cmd != nil {
		t.Fatal("enter does nothing without an API")
	}
}

// Routes of several APIs with the same path are told apart: the list
// tags each with its API (its kind when that says which, else kind and
// name), and the request and response panes name the route's API.
func TestRoutesOfTwoAPIsAreToldApart(t *testing.T) {
	t.Parallel()
	svc := fakes.NewAPI(nil)
	svc.RouteList = []service.Route{
		{API: "cogscope-demo-http (cogshttp01)", APIKind: "HTTP", Method: "GET", Path: "/hello", Authorizer: service.AuthNone},
		{API: "cogscope-demo-rest (cogsrest01)", APIKind: "REST", Method: "GET", Path: "/hello", Authorizer: service.AuthNone},
		{API: "other-rest\x1b[2J (x1)", APIKind: "REST", Method: "GET", Path: "/hello", Authorizer: service.AuthNone},
	}
	d := newView(t, svc, 120, 36)
	v := screen(d.M)
	for _, want := range []string{"GET    HTTP               /hello", "GET    REST cogscope-dem… /hello", `GET    REST other-rest\x… /hello`,
		"Request · HTTP cogscope-demo-http"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	d.Keys("down", "enter")
	if v := screen(d.M); !strings.Contains(v, "Response · call 1 of 1 · REST cogscope-demo-rest (cogsrest01)") {
		t.Errorf("the response pane does not name the call's API:\n%s", v)
	}
	if strings.Contains(d.M.View(), "\x1b[2J") {
		t.Fatal("an escape sequence in an API's name reached the screen")
	}

	// One API: no tag.
	if tags := apiTags(svc.RouteList[:1]); tags != nil {
		t.Fatalf("one API's routes tagged %q", tags)
	}
}

// An AWS_IAM route says a token is no use there and offers SigV4 (t): the
// call carries the ID token for the service to trade for AWS credentials.
// Other routes do not offer it, and leave it when selected.
func TestIAMRouteOffersSigV4(t *testing.T) {
	t.Parallel()
	svc := fakes.NewAPI(nil)
	svc.RouteList = []service.Route{
		{API: "demo-http", APIKind: "HTTP", Method: "GET", Path: "/iam", Authorizer: service.AuthIAM},
		{API: "demo-http", APIKind: "HTTP", Method: "GET", Path: "/private", Authorizer: service.AuthJWT},
	}
	d := newView(t, svc, 120, 36)
	v := screen(d.M)
	for _, want := range []string{"GET    /iam", "iam", "AWS_IAM: a token is no use, sign the call", "(a: SigV4)",
		"token (a)  access  ID none SigV4 pasted"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	d.Keys("a", "a", "a")
	if d.M.choice != service.SendSigV4 {
		t.Fatalf("a three times chose %q, want SigV4", d.M.choice)
	}
	if v := screen(d.M); !strings.Contains(v, "SigV4-signed by the identity pool's AWS") {
		t.Errorf("the request pane does not say how the call is signed:\n%s", v)
	}
	d.Keys("enter")
	calls := svc.Calls()
	if len(calls) != 1 || calls[0].TokenChoice != service.SendSigV4 || calls[0].Token != fakes.Session().IDToken {
		t.Fatalf("calls %+v, want one signed with the ID token to trade", calls)
	}
	if v := screen(d.M); !strings.Contains(v, "200 GET /iam · sigv4") {
		t.Errorf("history:\n%s", v)
	}
	// A JWT route takes tokens only: the choice goes back to access.
	d.Keys("down")
	if d.M.choice != service.SendAccess || strings.Contains(screen(d.M), "SigV4") {
		t.Fatalf("on a JWT route: choice %q\n%s", d.M.choice, screen(d.M))
	}
}

// TestTokenHelpNamesEveryChoice: the a key's help names every token the
// view can pick with a, as the view names it and in the order a cycles
// through them — SigV4 included, which an AWS_IAM route (and the
// free-form request) offers — and the view's own help line shows it.
func TestTokenHelpNamesEveryChoice(t *testing.T) {
	t.Parallel()
	svc := fakes.NewAPI(nil)
	svc.RouteList = []service.Route{{API: "demo-http", APIKind: "HTTP", Method: "GET", Path: "/iam", Authorizer: service.AuthIAM}}
	d := newView(t, svc, 120, 36)
	var labels []string
	for _, c := range d.M.tokenChoices() {
		labels = append(labels, tokenLabel(c))
	}
	if !slices.Contains(labels, "SigV4") {
		t.Fatalf("an AWS_IAM route does not offer SigV4: %v", labels)
	}
	help := DefaultKeyMap().Token.Help()
	if want := "token: " + strings.Join(labels, "/"); help.Desc != want {
		t.Errorf("the a key's help is %q, want %q", help.Desc, want)
	}
	// Each a press picks the next choice the help names.
	for i := range labels {
		if got := tokenLabel(d.M.choice); got != labels[i] {
			t.Errorf("after %d presses of a the view sends %q, want %q", i, got, labels[i])
		}
		if i < len(labels)-1 {
			d.Keys("a")
		}
	}
	var short []string
	for _, b := range d.M.keys.ShortHelp() {
		short = append(short, b.Help().Key+" "+b.Help().Desc)
	}
	if !slices.Contains(short, "a token: access/ID/none/SigV4/pasted") {
		t.Errorf("the short help lacks the token choices with SigV4: %q", short)
	}
}
