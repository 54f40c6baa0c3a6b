package tokens

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/cogscope/cogscope/inspect"
	"github.com/cogscope/cogscope/ui/common"
	"github.com/cogscope/cogscope/ui/internal/fakes"
	"github.com/cogscope/cogscope/ui/internal/teststep"
	"github.com/cogscope/cogscope/ui/theme"
)

func update(m Model, msg tea.Msg) (Model, tea.Cmd) { return m.Update(msg) }

// forRoot keeps what the root handles, and the clipboard request.
func forRoot(msg tea.Msg) bool {
	switch msg.(type) {
	case common.StatusMsg, common.SessionMsg:
		return true
	}
	return strings.Contains(fmt.Sprintf("%T", msg), "Clipboard")
}

func newView(t *testing.T, svc *fakes.Tokens) *teststep.Driver[Model] {
	t.Helper()
	m := New(theme.New(true, false), svc, fakes.Clock)
	m.SetSize(120, 34)
	return drive(t, m)
}

func drive(t *testing.T, m Model) *teststep.Driver[Model] {
	d := teststep.New(t, m, update, forRoot)
	d.Busy = Model.Busy
	return d
}

func withSession(t *testing.T, svc *fakes.Tokens) *teststep.Driver[Model] {
	t.Helper()
	d := newView(t, svc)
	d.Send(common.SessionMsg{Tokens: fakes.Session()})
	d.Settle()
	return d
}

func TestSessionIsInspectedTokenByToken(t *testing.T) {
	t.Parallel()
	svc := fakes.NewTokens()
	d := withSession(t, svc)
	got := svc.Inspected()
	if len(got) != 3 {
		t.Fatalf("inspected %d tokens, want the three of the session", len(got))
	}
	for tab, want := range map[int]bool{tabID: true, tabAccess: true, tabRefresh: false} {
		s := d.M.slots[tab]
		if s.busy || !s.verified || s.report == nil || s.report.Valid != want {
			t.Errorf("%s: busy %v verified %v report %v", s.title, s.busy, s.verified, s.report != nil)
		}
	}
	v := ansi.Strip(d.M.View())
	for _, want := range []string{"access token · RS256", "✓ valid", "token_use", "expires in 40m 00s", "✓ signature"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q", want)
		}
	}
	d.Keys("right")
	if v := ansi.Strip(d.M.View()); !strings.Contains(v, "encrypted token (JWE") {
		t.Errorf("the refresh tab says what a refresh token is:\n%s", v)
	}
}

func TestStaleAndEarlyAnswersAreDropped(t *testing.T) {
	t.Parallel()
	d := withSession(t, fakes.NewTokens())
	s := d.M.slots[tabAccess]
	// An answer to an older request.
	d.Send(inspectedMsg{tab: tabAccess, id: s.gen - 1, verified: true, report: fakes.ExpiredReport()})
	if !d.M.slots[tabAccess].report.Valid {
		t.Fatal("a stale verdict replaced the current one")
	}
	// A decoding that arrives after the verdict.
	d.Send(inspectedMsg{tab: tabAccess, id: s.gen, report: fakes.ExpiredReport()})
	if !d.M.slots[tabAccess].report.Valid {
		t.Fatal("a late decoding replaced the verdict")
	}
}

func TestVerifyAgainAndCountdown(t *testing.T) {
	t.Parallel()
	now := fakes.Now
	svc := fakes.NewTokens()
	m := New(theme.New(true, false), svc, func() time.Time { return now })
	m.SetSize(120, 34)
	d := drive(t, m)
	d.Send(common.SessionMsg{Tokens: fakes.Session()})
	d.Settle()
	svc.Reports[fakes.AccessToken] = fakes.ExpiredReport()
	d.Keys("v")
	if d.M.slots[tabAccess].report.Valid {
		t.Fatal("v re-verifies: the new verdict (expired) should show")
	}
	if v := ansi.Strip(d.M.View()); !strings.Contains(v, "1 failed: exp") {
		t.Fatalf("summary should name the failed check:\n%s", v)
	}

	// The tick moves the countdown; a tick of another chain is dropped.
	now = now.Add(41 * time.Minute)
	d.Send(tickMsg{id: d.M.tickID + 1})
	if !d.M.now.Equal(fakes.Now) {
		t.Fatal("a foreign tick moved the clock")
	}
	next, cmd := d.M.Update(tickMsg{id: d.M.tickID})
	if cmd == nil || !next.now.Equal(now) {
		t.Fatal("a tick re-arms itself and reads the clock")
	}
	if v := ansi.Strip(next.View()); !strings.Contains(v, "expired 1m 00s ago") {
		t.Fatalf("countdown after the tick:\n%s", v)
	}
}

func TestCopyUsesTheClipboard(t *testing.T) {
	t.Parallel()
	d := withSession(t, fakes.NewTokens())
	d.TakeKept()
	d.Keys("c")
	var clip string
	var status []string
	for _, k := range d.TakeKept() {
		switch k := k.(type) {
		case common.StatusMsg:
			status = append(status, k.Text)
		default:
			clip = fmt.Sprint(k)
		}
	}
	if clip != fakes.AccessToken {
		t.Fatalf("clipboard got %q, want the access token", clip)
	}
	if len(status) != 1 || !strings.Contains(status[0], "OSC 52") {
		t.Fatalf("status %v", status)
	}
	// Nothing to copy on the empty pasted tab.
	d.Keys("left", "left") // access → ID → pasted (wraps)
	if d.M.active != tabPasted {
		t.Fatalf("active tab %d", d.M.active)
	}
	d.Keys("c")
	kept := d.TakeKept()
	if len(kept) != 1 || !kept[0].(common.StatusMsg).Err {
		t.Fatalf("copying nothing should be an error status, got %v", kept)
	}
}

func TestPasteInspectsAnything(t *testing.T) {
	t.Parallel()
	svc := fakes.NewTokens()
	d := newView(t, svc)
	d.Keys("p")
	if !d.M.Typing() {
		t.Fatal("p opens the paste box")
	}
	d.Send(tea.PasteMsg{Content: "AKIAIOSFODNN7EXAMPLE"})
	d.Keys("enter")
	if d.M.Typing() || d.M.active != tabPasted {
		t.Fatal("enter inspects and closes the box")
	}
	if got := svc.Inspected(); len(got) != 1 || got[0] != "AKIAIOSFODNN7EXAMPLE" {
		t.Fatalf("inspected %v", got)
	}
	if v := ansi.Strip(d.M.View()); !strings.Contains(v, "What this is") || !strings.Contains(v, "it has no dots") {
		t.Fatalf("a pasted non-token says what it is:\n%s", v)
	}
	// A bracketed paste straight into the view inspects at once.
	d.Send(tea.PasteMsg{Content: fakes.AccessToken})
	d.Settle()
	if r := d.M.slots[tabPasted].report; r == nil || r.Kind != inspect.KindAccess {
		t.Fatal("a direct paste is inspected")
	}
	// esc abandons the box.
	d.Keys("p", "x", "esc")
	if d.M.Typing() || d.M.slots[tabPasted].raw != fakes.AccessToken {
		t.Fatal("esc closes the paste box without inspecting")
	}
}

func TestRefresh(t *testing.T) {
	t.Parallel()
	svc := fakes.NewTokens()
	d := newView(t, svc)
	d.Keys("r")
	if kept := d.TakeKept(); len(kept) != 1 || !kept[0].(common.StatusMsg).Err || svc.Refreshes() != 0 {
		t.Fatalf("r without a session: %v", kept)
	}
	d.Send(common.SessionMsg{Tokens: fakes.Session()})
	d.Settle()
	d.TakeKept()
	d.Keys("r")
	var session *common.SessionMsg
	for _, k := range d.TakeKept() {
		if s, ok := k.(common.SessionMsg); ok {
			session = &s
		}
	}
	if svc.Refreshes() != 1 || session == nil || session.Tokens.AccessToken != fakes.NewAccessToken {
		t.Fatalf("refreshes %d, session %+v", svc.Refreshes(), session)
	}
	if d.M.refreshing {
		t.Fatal("still refreshing")
	}

	svc.RefreshErr = errors.New("Refresh Token has been revoked")
	d.Keys("r")
	kept := d.TakeKept()
	if len(kept) != 1 || !strings.Contains(kept[0].(common.StatusMsg).Text, "revoked") {
		t.Fatalf("a failed refresh is reported: %v", kept)
	}
}

func TestSlowInspectorNeverBlocks(t *testing.T) {
	t.Parallel()
	svc := fakes.NewTokens()
	svc.Block = make(chan struct{})
	d := newView(t, svc)
	d.Busy = nil // busy on purpose: the inspector hangs until unblocked
	d.Send(common.SessionMsg{Tokens: fakes.Session()})
	d.Settle()
	if !d.M.busy() || !strings.Contains(ansi.Strip(d.M.View()), "verifying") {
		t.Fatal("while the inspector works the view says what it waits for")
	}
	// The decoded claims are there before the verdict.
	if r := d.M.slots[tabAccess].report; r == nil || r.Valid {
		t.Fatal("the decoding (unverified) should show meanwhile")
	}
	d.Keys("left") // keys still work
	if d.M.active != tabID {
		t.Fatal("keys must work while waiting")
	}
	close(svc.Block)
	d.Until(func(m Model) bool { return !m.Busy() })
	if d.M.busy() || !d.M.slots[tabAccess].report.Valid {
		t.Fatal("the verdict arrives once the inspector answers")
	}
}

// v says what it found: the view may look exactly as before, so without a
// word the user cannot tell the token was checked again.
func TestVerifySaysItsVerdict(t *testing.T) {
	t.Parallel()
	svc := fakes.NewTokens()
	d := withSession(t, svc)
	d.TakeKept()
	d.Keys("v")
	st := statusesOf(d.TakeKept())
	if len(st) != 1 || st[0].Err || !strings.Contains(st[0].Text, "verified the access token again") || !strings.Contains(st[0].Text, "valid") {
		t.Fatalf("status after v: %+v", st)
	}
	svc.Reports[fakes.AccessToken] = fakes.ExpiredReport()
	d.Keys("v")
	st = statusesOf(d.TakeKept())
	if len(st) != 1 || !st[0].Err || !strings.Contains(st[0].Text, "exp failed") {
		t.Fatalf("status after v on an expired token: %+v", st)
	}
	// A session's own inspection says nothing: only v is answered.
	d.Send(common.SessionMsg{Tokens: fakes.Session()})
	d.Settle()
	if st := statusesOf(d.TakeKept()); len(st) != 0 {
		t.Fatalf("a new session's inspection spoke: %+v", st)
	}
}

func statusesOf(msgs []tea.Msg) []common.StatusMsg {
	var out []common.StatusMsg
	for _, m := range msgs {
		if s, ok := m.(common.StatusMsg); ok {
			out = append(out, s)
		}
	}
	return out
}

// ↑/↓ scroll the checks and header beside the claims too: they are
// often longer than the claims, and a keyboard user must reach them.
func TestKeysScrollBothPanes(t *testing.T) {
	t.Parallel()
	m := New(theme.New(true, false), fakes.NewTokens(), fakes.Clock)
	m.SetSize(120, 16)
	d := drive(t, m)
	d.Send(common.SessionMsg{Tokens: fakes.Session()})
	d.Settle()
	if !d.M.split {
		t.Fatal("at 120 columns the claims and the checks stand side by side")
	}
	d.Keys("down", "down", "down")
	if d.M.side.YOffset() == 0 || d.M.body.YOffset() == 0 {
		t.Fatalf("down scrolled claims to %d and checks to %d", d.M.body.YOffset(), d.M.side.YOffset())
	}
}

// The meaning of a claim is the point of the view for a newcomer: it
// wraps rather than being cut when the pane has the room; when it has
// not, every claim stays in view (jti, exp) and meanings are cut.
func TestClaimMeaningsWrap(t *testing.T) {
	t.Parallel()
	r := fakes.AccessReport()
	long := "subject: the user's immutable id (UUID); for client_credentials tokens, the app client id"
	r.Claims[0].Meaning = long
	th := theme.New(true, false)
	for _, w := range []int{60, 72, 110} {
		plain := ansi.Strip(strings.Join(claimLines(th, r, w, true), "\n"))
		if !strings.Contains(strings.Join(strings.Fields(plain), " "), long) {
			t.Errorf("width %d: the meaning was cut:\n%s", w, plain)
		}
		for _, l := range strings.Split(plain, "\n") {
			if ansi.StringWidth(l) > w {
				t.Errorf("width %d: %q is too wide", w, l)
			}
		}
	}
	s := slot{title: "Access", raw: fakes.AccessToken, report: r}
	for _, rows := range []int{25, 60} {
		body, _ := renderReport(th, s, 70, 46, rows)
		lines := strings.Split(ansi.Strip(body), "\n")
		whole := strings.Contains(strings.Join(strings.Fields(strings.Join(lines, " ")), " "), long)
		switch {
		case rows == 60 && !whole:
			t.Errorf("%d rows: room enough, yet the meaning was cut", rows)
		case rows == 25 && (len(lines) > rows || !strings.Contains(lines[len(lines)-1], "username")):
			t.Errorf("%d rows: the claims do not fit:\n%s", rows, strings.Join(lines, "\n"))
		}
	}
}
