package ui

import (
	"context"
	"errors"
	"image/color"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/ui/common"
	"github.com/cogscope/cogscope/ui/internal/fakes"
	"github.com/cogscope/cogscope/ui/internal/teststep"
	"github.com/cogscope/cogscope/ui/service"
)

func newTestModel(t *testing.T) *driver {
	t.Helper()
	return newDriver(t, Options{Target: fakes.Target(), SignIn: fakes.NewSignIn(), Tokens: fakes.NewTokens()}, 120, 40)
}

func TestGlobalKeys(t *testing.T) {
	t.Parallel()
	cases := []struct {
		keys       []string
		wantPage   Page
		wantHelp   bool
		wantQuit   bool
		wantTyping bool
	}{
		{keys: []string{"2"}, wantPage: PageTokens},
		{keys: []string{"4"}, wantPage: PageLogs},
		{keys: []string{"tab", "tab"}, wantPage: PageAPI},
		{keys: []string{"5"}, wantPage: PageTimeline},
		{keys: []string{"shift+tab"}, wantPage: PageTimeline},
		{keys: []string{"3", "tab"}, wantPage: PageLogs},
		{keys: []string{"4", "tab"}, wantPage: PageTimeline},
		{keys: []string{"5", "tab"}, wantPage: PageSignIn},
		{keys: []string{"?"}, wantHelp: true},
		{keys: []string{"?", "2"}, wantHelp: true, wantPage: PageSignIn}, // help takes the keys
		{keys: []string{"?", "esc"}},
		{keys: []string{"?", "?"}},
		{keys: []string{"q"}, wantQuit: true},
		{keys: []string{"ctrl+c"}, wantQuit: true},
		// In a text field the letters and digits are text: only ctrl+c
		// stays global.
		{keys: []string{"enter", "q", "2", "tab", "?"}, wantTyping: true},
		{keys: []string{"enter", "ctrl+c"}, wantTyping: true, wantQuit: true},
		{keys: []string{"2", "p", "q", "1"}, wantPage: PageTokens, wantTyping: true},
		{keys: []string{"enter", "esc", "2"}, wantPage: PageTokens},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.keys, ","), func(t *testing.T) {
			t.Parallel()
			d := newTestModel(t)
			d.keys(c.keys...)
			if d.M.Active() != c.wantPage || d.M.HelpOpen() != c.wantHelp || d.quit() != c.wantQuit || d.M.typing() != c.wantTyping {
				t.Fatalf("page %v help %v quit %v typing %v; want %v %v %v %v", d.M.Active(), d.M.HelpOpen(), d.quit(),
					d.M.typing(), c.wantPage, c.wantHelp, c.wantQuit, c.wantTyping)
			}
		})
	}
}

func TestTypedTextReachesTheForm(t *testing.T) {
	t.Parallel()
	d := newTestModel(t)
	d.keys("enter")
	d.Send(teststep.Key("ctrl+u")) // clear the pre-filled username
	d.typeText("q2?")
	if !strings.Contains(d.screen(), "> q2?") {
		t.Fatalf("typed text should be in the username field:\n%s", d.screen())
	}
}

func TestStatusLineClearsItself(t *testing.T) {
	t.Parallel()
	d := newTestModel(t)
	d.Send(common.StatusMsg{Text: "first"})
	first := d.M.statusID
	d.Send(common.StatusMsg{Text: "second", Err: true})
	d.Send(statusClearMsg{id: first})
	if d.M.Status() != "second" {
		t.Fatalf("an older timer cleared a newer status: %q", d.M.Status())
	}
	d.Send(statusClearMsg{id: d.M.statusID})
	if d.M.Status() != "" {
		t.Fatalf("status %q not cleared", d.M.Status())
	}
	// The timer is a Cmd, armed per status.
	_, cmd := d.M.Update(common.StatusMsg{Text: "x"})
	if cmd == nil {
		t.Fatal("a status arms its clearing timer")
	}
}

func TestWindowSizeReflowsEveryView(t *testing.T) {
	t.Parallel()
	d := newTestModel(t)
	for _, sz := range [][2]int{{100, 30}, {150, 50}, {60, 16}} {
		d.Send(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		for _, p := range []string{"1", "2", "3", "4"} {
			d.keys(p)
			lines := strings.Split(d.screen(), "\n")
			if len(lines) != sz[1] {
				t.Fatalf("%v view %s: %d lines", sz, p, len(lines))
			}
		}
	}
	d.Send(tea.WindowSizeMsg{Width: 20, Height: 10})
	if s := d.screen(); !strings.Contains(s, "too") || !strings.Contains(s, "small") {
		t.Fatalf("20×10 should say it is too small:\n%s", s)
	}
	d.keys("1", "enter")
	if d.M.Active() != PageLogs || d.M.Busy() || d.M.typing() {
		t.Fatal("keys do nothing unseen in a terminal too small to draw")
	}
	d.keys("q")
	if !d.quit() {
		t.Fatal("q still quits")
	}
}

func TestMouseWheelReachesTheActiveView(t *testing.T) {
	t.Parallel()
	d := newDriver(t, Options{Target: fakes.Target(), SignIn: fakes.NewSignIn(), Tokens: fakes.NewTokens()}, 80, 24)
	d.keys("enter", "enter", "enter", "2")
	before := d.screen()
	for range 5 {
		d.Send(tea.MouseWheelMsg{Button: tea.MouseWheelDown, X: 10, Y: 12})
	}
	if d.screen() == before {
		t.Fatal("the wheel should scroll the claims")
	}
}

func TestThemeFollowsTheBackground(t *testing.T) {
	t.Parallel()
	d := newTestModel(t)
	if !d.M.t.IsDark {
		t.Fatal("dark is assumed until the terminal answers")
	}
	d.Send(tea.BackgroundColorMsg{Color: color.White})
	if d.M.t.IsDark {
		t.Fatal("a white background selects the light palette")
	}
	d.Send(tea.BackgroundColorMsg{Color: color.Black})
	if !d.M.t.IsDark {
		t.Fatal("a black background selects the dark palette")
	}
}

// A background cmd knows (COLORFGBG) is the first guess, which the
// terminal's answer replaces; one the user chose is kept, and the
// terminal is not even asked.
func TestBackgroundCmdKnows(t *testing.T) {
	t.Parallel()
	asks := func(m Model) bool { return m.askBackground() != nil }
	guess := newDriver(t, Options{Target: fakes.Target(), SignIn: fakes.NewSignIn(), Tokens: fakes.NewTokens(),
		Background: BackgroundLight}, 120, 40)
	if guess.M.t.IsDark || !asks(guess.M) {
		t.Fatal("a light guess starts light and still asks the terminal")
	}
	guess.Send(tea.BackgroundColorMsg{Color: color.Black})
	if !guess.M.t.IsDark {
		t.Fatal("the terminal's answer replaces the guess")
	}
	fixed := newDriver(t, Options{Target: fakes.Target(), SignIn: fakes.NewSignIn(), Tokens: fakes.NewTokens(),
		Background: BackgroundLight, FixedBackground: true}, 120, 40)
	if asks(fixed.M) {
		t.Fatal("a chosen background is not asked for")
	}
	fixed.Send(tea.BackgroundColorMsg{Color: color.Black})
	if fixed.M.t.IsDark {
		t.Fatal("a chosen light background stays light")
	}
}

func TestNoColorDrawsNoColour(t *testing.T) {
	t.Parallel()
	for _, noColor := range []bool{false, true} {
		d := newDriver(t, Options{Target: fakes.Target(), SignIn: fakes.NewSignIn(), Tokens: fakes.NewTokens(), NoColor: noColor}, 120, 40)
		d.keys("enter", "enter", "enter", "2")
		frame := d.M.render()
		// SGR colour parameters: 38/48 (foreground/background), 30–37, 90–97.
		hasColour := strings.Contains(frame, "[38;") || strings.Contains(frame, ";38;") || strings.Contains(frame, "[48;")
		if hasColour == noColor {
			t.Errorf("NoColor %v: colour sequences present: %v", noColor, hasColour)
		}
		if noColor && !strings.Contains(frame, "\x1b[") {
			t.Error("without colour, emphasis (bold, reverse) remains")
		}
	}
}

func TestStartingSessionIsShown(t *testing.T) {
	t.Parallel()
	s := fakes.Session()
	d := newDriver(t, Options{Target: fakes.Target(), SignIn: fakes.NewSignIn(), Tokens: fakes.NewTokens(), Session: &s}, 120, 40)
	d.keys("2")
	if !strings.Contains(d.screen(), "✓ valid") {
		t.Fatalf("the session store's tokens are inspected at start:\n%s", d.screen())
	}
}

func TestConnectFinishesTheTargetAfterTheFirstFrame(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	ready := fakes.Target()
	initial := service.Target{Kind: service.TargetLocal, Hint: ready.Hint}
	connect := func(context.Context) (service.Target, error) {
		<-release
		return ready, nil
	}
	d := newDriver(t, Options{Target: initial, SignIn: fakes.NewSignIn(), Tokens: fakes.NewTokens(), Connect: connect}, 120, 40)
	if s := d.screen(); !strings.Contains(s, "local stack (starting…)") || strings.Contains(s, "> demo") {
		t.Fatalf("first frame while the stack starts:\n%s", s)
	}
	close(release)
	d.Until(func(m Model) bool { return !m.connecting })
	s := d.screen()
	if !strings.Contains(s, "local stack "+fakes.Endpoint) || !strings.Contains(s, "> demo") {
		t.Fatalf("after the stack started the header names it and the form is filled:\n%s", s)
	}

	failed := newDriver(t, Options{Target: initial, SignIn: fakes.NewSignIn(), Tokens: fakes.NewTokens(),
		Connect: func(context.Context) (service.Target, error) { return initial, errors.New("listen: address in use") }}, 120, 40)
	failed.Until(func(m Model) bool { return !m.connecting })
	if s := failed.screen(); !strings.Contains(s, "failed: listen: address in use") {
		t.Fatalf("a stack that cannot start says so:\n%s", s)
	}
}

// TestConnectStartsAfterTheFirstSizedFrame: the local stack does not start
// beside the first frame (Init starts nothing that connects); the window
// size arms it once, a frame's tick later.
func TestConnectStartsAfterTheFirstSizedFrame(t *testing.T) {
	t.Parallel()
	calls := make(chan struct{}, 4)
	connect := func(context.Context) (service.Target, error) {
		calls <- struct{}{}
		return fakes.Target(), nil
	}
	m := New(Options{Target: service.Target{Kind: service.TargetLocal}, SignIn: fakes.NewSignIn(), Tokens: fakes.NewTokens(), Connect: connect})
	// Every Cmd of Init, batches expanded, run to its end but the tokens'
	// countdown (a one-second tick).
	var run func(cmd tea.Cmd, depth int)
	run = func(cmd tea.Cmd, depth int) {
		if cmd == nil || depth > 3 {
			return
		}
		done := make(chan tea.Msg, 1)
		go func() { done <- cmd() }()
		select {
		case msg := <-done:
			if b, ok := msg.(tea.BatchMsg); ok {
				for _, c := range b {
					run(c, depth+1)
				}
			}
		case <-time.After(200 * time.Millisecond):
		}
	}
	run(m.Init(), 0)
	select {
	case <-calls:
		t.Fatal("Init started Connect: the stack starts beside the first frame")
	default:
	}

	start := time.Now()
	next, cmd := m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	if cmd == nil {
		t.Fatal("the first window size did not arm Connect")
	}
	msg := cmd()
	if waited := time.Since(start); waited < connectAfter {
		t.Errorf("Connect armed after %s, want at least %s", waited, connectAfter)
	}
	if _, ok := msg.(connectMsg); !ok {
		t.Fatalf("the armed Cmd answered %T, want connectMsg", msg)
	}
	if _, again := next.(Model).Update(tea.WindowSizeMsg{Width: 100, Height: 30}); again != nil {
		t.Error("a second window size armed Connect again")
	}
	_, cmd = next.Update(msg)
	if cmd == nil {
		t.Fatal("connectMsg did not start Connect")
	}
	if got, ok := cmd().(connectedMsg); !ok || got.err != nil {
		t.Fatalf("Connect's Cmd answered %#v", got)
	}
	if len(calls) != 1 {
		t.Errorf("Connect ran %d times, want once", len(calls))
	}
}

func TestKeyTableComesFromTheBindings(t *testing.T) {
	t.Parallel()
	table := KeyTable()
	for _, want := range []string{"| everywhere | `q` | quit |", "| Sign in | `m` | unmask |", "| Tokens | `p` | paste |", "| Tokens | `c` | copy |", "| Sign in | `o` | open the sign-in URL in the browser |"} {
		if !strings.Contains(table, want) {
			t.Errorf("key table lacks %q:\n%s", want, table)
		}
	}
}

// The header names the pool and the client whole at the sizes people demo
// at: the region a pool id starts with, and the endpoint's scheme, give
// way first.
func TestHeaderKeepsPoolAndClient(t *testing.T) {
	t.Parallel()
	local := service.Target{Kind: service.TargetLocal, Endpoint: "http://127.0.0.1:46403", Region: "us-east-1",
		PoolID: "us-east-1_CogScope1", ClientID: "cogscopedemopublicclient01"}
	aws := service.Target{Kind: service.TargetAWS, Profile: "dev", Region: "eu-west-1",
		PoolID: "eu-west-1_AbCdEfGhI", ClientID: "1example23456789abcdefghij"}
	cases := []struct {
		target service.Target
		width  int
		want   []string
		not    []string
	}{
		{local, 200, []string{"http://127.0.0.1:46403", "region us-east-1", "pool us-east-1_CogScope1", "client cogscopedemopublicclient01"}, nil},
		{local, 120, []string{"http://127.0.0.1:46403", "pool us-east-1_CogScope1", "client cogscopedemopublicclient01"}, []string{"region"}},
		{local, 104, []string{"local stack 127.0.0.1:46403", "pool us-east-1_CogScope1", "client cogscopedemopublicclient01"}, nil},
		{local, 100, []string{"local stack 127.0.0.1:46403", "us-east-1_CogScope1", "cogscopedemopublicclient01"}, nil},
		{aws, 80, []string{"AWS profile dev", "eu-west-1_AbCdEfGhI", "1example23456789abcdefghij"}, nil},
		{local, 80, []string{"local stack │", "us-east-1_CogScope1", "cogscopedemopublicclient01"}, nil},
	}
	for _, c := range cases {
		d := newDriver(t, Options{Target: c.target, SignIn: fakes.NewSignIn(), Tokens: fakes.NewTokens()}, c.width, 30)
		line := strings.SplitN(d.screen(), "\n", 2)[0]
		for _, w := range c.want {
			if !strings.Contains(line, w) {
				t.Errorf("%d columns: %q lacks %q", c.width, line, w)
			}
		}
		for _, w := range c.not {
			if strings.Contains(line, w) {
				t.Errorf("%d columns: %q should not have %q", c.width, line, w)
			}
		}
	}
}

// TestHeaderNamesTheSessionsClient: after client credentials the header
// names the confidential client the tokens are for, not the public one;
// a user sign-in names the target's client again.
func TestHeaderNamesTheSessionsClient(t *testing.T) {
	t.Parallel()
	tg := fakes.Target()
	tg.CCClientID = "confidentialclient01"
	d := newDriver(t, Options{Target: tg, SignIn: fakes.NewSignIn(), Tokens: fakes.NewTokens()}, 160, 40)
	header := func() string { return strings.SplitN(d.screen(), "\n", 2)[0] }
	if !strings.Contains(header(), tg.ClientID) {
		t.Fatalf("header %q lacks the target's client", header())
	}
	d.Send(common.SessionMsg{Tokens: flows.Tokens{AccessToken: "a", TokenType: "Bearer"}, From: "client credentials", Flow: string(service.FlowClientCredentials)})
	if h := header(); !strings.Contains(h, "confidentialclient01") || strings.Contains(h, tg.ClientID) {
		t.Errorf("after client credentials: %q", h)
	}
	d.Send(common.SessionMsg{Tokens: flows.Tokens{AccessToken: "a", TokenType: "Bearer"}, From: "SRP sign-in", Flow: string(service.FlowSRP)})
	if h := header(); !strings.Contains(h, tg.ClientID) || strings.Contains(h, "confidentialclient01") {
		t.Errorf("after SRP: %q", h)
	}
}

// The pool's identity providers are read after the first frame, once the
// target is known (after Connect): the hosted-UI form offers them and says
// where they came from and why the pool's own list was not read.
func TestProvidersAreReadOnceTheTargetIsKnown(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		list       service.ProviderList
		want, lack []string
	}{
		{"from the pool", service.ProviderList{Names: []string{"Google", "CorpSAML"}, From: "ListIdentityProviders"},
			[]string{"p: page / Google / CorpSAML", "p: page / Google / CorpSAML list from ListIdentityProviders"}, []string{"not read"}},
		{"from the profile", service.ProviderList{Names: []string{"Corp\x1b[2JSAML"}, From: "profile dev", Unread: "no AWS credentials"},
			[]string{"p: page / Corp\\x1b[2JSAML", "SAML list from profile dev", "pool's providers not read: no AWS credentials"}, nil},
		{"none", service.ProviderList{Unread: "AccessDeniedException (the credentials lack permission)"},
			[]string{"no identity providers: AccessDeniedException"}, []string{"Sign in via"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var connected atomic.Bool
			ready := fakes.Target()
			connect := func(context.Context) (service.Target, error) {
				connected.Store(true)
				return ready, nil
			}
			asked := make(chan bool, 1)
			providers := func(context.Context) service.ProviderList {
				asked <- connected.Load()
				return tc.list
			}
			d := newDriver(t, Options{Target: service.Target{Kind: service.TargetLocal}, SignIn: fakes.NewSignIn(), Tokens: fakes.NewTokens(),
				Connect: connect, Providers: providers}, 120, 40)
			d.Until(func(m Model) bool { return m.opts.Target.ProvidersFrom != "" || m.opts.Target.ProvidersUnread != "" })
			if after := <-asked; !after {
				t.Fatal("the providers were read before the target was connected")
			}
			d.keys("down", "down")
			s := leftPaneText(d.screen())
			for _, w := range tc.want {
				if !strings.Contains(s, w) {
					t.Errorf("the hosted-UI form lacks %q:\n%s", w, s)
				}
			}
			for _, w := range tc.lack {
				if strings.Contains(s, w) {
					t.Errorf("the hosted-UI form shows %q:\n%s", w, s)
				}
			}
		})
	}
}

// leftPaneText is the text of a screen's left pane, its wrapped lines
// joined by spaces.
func leftPaneText(screen string) string {
	var words []string
	for _, line := range strings.Split(screen, "\n") {
		parts := strings.Split(line, "│")
		if len(parts) >= 3 {
			words = append(words, strings.Fields(parts[1])...)
		}
	}
	return strings.Join(words, " ")
}
