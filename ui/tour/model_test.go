package tour

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/tour"
	"github.com/cogscope/cogscope/ui/common"
	"github.com/cogscope/cogscope/ui/theme"
)

var now = time.Date(2026, 11, 26, 10, 0, 7, 0, time.UTC)

func newModel(w, h int) Model {
	m := New(theme.New(true, true), tour.Demo(), func() time.Time { return now })
	m.SetSize(w, h)
	return m
}

func press(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	}
	return tea.KeyPressMsg{Code: rune(s[0]), Text: s}
}

func (m Model) to(id string) Model {
	for range len(m.cases) {
		if m.Selected().ID == id {
			break
		}
		m, _ = m.Update(press("down"))
	}
	return m
}

// The views' reports tick cases off, once each, with a status line for
// the first time only.
func TestReportsTickCasesOff(t *testing.T) {
	t.Parallel()
	unconfirmed := flows.Diagnosis{ID: "cognito.UserNotConfirmedException", Type: "UserNotConfirmedException", Cause: "never confirmed"}
	for _, tc := range []struct {
		name   string
		msg    tea.Msg
		ticked []string
	}{
		{"challenge", common.SignInEventMsg{Flow: "srp", Username: "new-user", Challenge: "NEW_PASSWORD_REQUIRED"}, []string{"force-change"}},
		{"failure", common.SignInEventMsg{Flow: "srp", Username: "unconfirmed-user", Failure: &unconfirmed}, []string{"unconfirmed"}},
		{"call", common.CallDoneMsg{Method: "GET", Path: "/profile", Token: "access", Status: 401}, []string{"api-rest"}},
		{"call without an answer", common.CallDoneMsg{Method: "GET", Path: "/profile", Token: "access", Err: "refused"}, nil},
		{"nothing of the tour", common.CallDoneMsg{Method: "GET", Path: "/nowhere", Status: 200}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := newModel(100, 30)
			m, cmd := m.Update(tc.msg)
			if m.Done() != len(tc.ticked) {
				t.Fatalf("%d ticked, want %v", m.Done(), tc.ticked)
			}
			for _, id := range tc.ticked {
				if _, ok := m.Outcome(id); !ok {
					t.Errorf("%s not ticked", id)
				}
			}
			if (cmd != nil) != (len(tc.ticked) > 0) {
				t.Fatalf("status cmd %v for %v", cmd != nil, tc.ticked)
			}
			if cmd != nil {
				if st, ok := cmd().(TickedMsg); !ok || !strings.Contains(st.Text, "tour ✓") {
					t.Errorf("status %+v", st)
				}
				// The same again: still ticked, nothing said.
				if _, again := m.Update(tc.msg); again != nil {
					t.Error("a case ticked twice is announced twice")
				}
			}
		})
	}
}

// enter asks the case's view to get ready, with what the case fills in.
func TestEnterSetsTheCaseUp(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		id   string
		want common.TryMsg
	}{
		{"alias", common.TryMsg{View: "signin", Flow: "srp", Username: tour.AliasUsername, Password: tour.Password,
			ClientID: tour.SecretClientID, ClientName: "demo-confidential", ClientSecret: tour.ClientSecret}},
		{"machine", common.TryMsg{View: "signin", Flow: "client-credentials", ClientID: tour.MachineClientID, ClientName: "demo-machine",
			ClientSecret: tour.MachineClientSecret, Scopes: []string{tour.MachineScope}}},
		{"api-scope", common.TryMsg{View: "api", Method: "GET", Path: "/scoped", Token: "id"}},
	} {
		m := newModel(100, 30).to(tc.id)
		_, cmd := m.Update(press("enter"))
		if cmd == nil {
			t.Fatalf("%s: enter did nothing", tc.id)
		}
		got, ok := cmd().(common.TryMsg)
		if !ok || got.View != tc.want.View || got.Flow != tc.want.Flow || got.Username != tc.want.Username ||
			got.ClientID != tc.want.ClientID || got.ClientName != tc.want.ClientName || got.ClientSecret != tc.want.ClientSecret ||
			strings.Join(got.Scopes, " ") != strings.Join(tc.want.Scopes, " ") || got.Path != tc.want.Path || got.Token != tc.want.Token {
			t.Errorf("%s: %+v, want %+v", tc.id, got, tc.want)
		}
	}
}

// The TOTP case shows the code of the console's clock.
func TestTOTPCaseShowsTheCode(t *testing.T) {
	t.Parallel()
	code, left, err := tour.TOTPCode(tour.TOTPSecret, now)
	if err != nil {
		t.Fatal(err)
	}
	v := ansi.Strip(newModel(120, 30).to("totp").View())
	if !strings.Contains(v, code) || !strings.Contains(v, "23 s left") || left != 23*time.Second {
		t.Fatalf("no code %s (%v left):\n%s", code, left, v)
	}
	if strings.Contains(ansi.Strip(newModel(120, 30).View()), code) {
		t.Error("the code is shown on a case that does not need it")
	}
}

// What a server said reaches the terminal sanitised, and the pane keeps
// its size at any size.
func TestViewIsSafeAndSized(t *testing.T) {
	t.Parallel()
	m := newModel(90, 20)
	m, _ = m.Update(common.CallDoneMsg{Method: "GET", Path: "/private", Token: "none", Status: 401, Diagnosis: "evil\x1b]52;c;AAAA\x07 text"})
	v := m.to("api-jwt").View()
	if strings.Contains(v, "\x1b]52") || strings.Contains(v, "\x07") {
		t.Fatalf("control sequence from the server reached the view: %q", v)
	}
	for _, size := range [][2]int{{90, 20}, {60, 12}, {30, 8}, {200, 60}} {
		m.SetSize(size[0], size[1])
		lines := strings.Split(m.View(), "\n")
		if len(lines) != size[1] {
			t.Errorf("%v: %d lines", size, len(lines))
		}
		for _, l := range lines {
			if w := ansi.StringWidth(l); w != size[0] {
				t.Errorf("%v: a line of %d cells", size, w)
				break
			}
		}
	}
}

// The clock ticks only while the pane is open, one chain at a time.
func TestClockTicksWhileOpen(t *testing.T) {
	t.Parallel()
	m := newModel(100, 30)
	if _, cmd := m.Update(tickMsg{n: 0}); cmd != nil {
		t.Error("a closed pane ticks")
	}
	if m.Open() == nil {
		t.Fatal("opening starts no clock")
	}
	if _, cmd := m.Update(tickMsg{n: m.tick}); cmd == nil {
		t.Error("the open pane's clock stopped")
	}
	if _, cmd := m.Update(tickMsg{n: m.tick - 1}); cmd != nil {
		t.Error("an old chain goes on")
	}
	m.Close()
	if _, cmd := m.Update(tickMsg{n: m.tick}); cmd != nil {
		t.Error("a closed pane ticks")
	}
}
