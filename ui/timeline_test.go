package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/cogscope/cogscope/ui/internal/fakes"
	"github.com/cogscope/cogscope/ui/timeline"
)

// timelinePage is the Timeline view's model.
func timelinePage(m Model) timeline.Model {
	return m.pages[PageTimeline].(*pageOf[timeline.Model, *timeline.Model]).M
}

// session drives the demo console through an SRP sign-in, GET /private
// with the access token and GET /scoped with the ID token, and waits for
// both calls' log lines to reach the Logs view.
func session(d *driver) {
	d.keys("enter", "enter", "enter", "3", "down", "enter")
	d.keys("down", "a", "enter")
	for _, n := range []int{1, 2} {
		id := fakes.RequestID(n)
		d.Until(func(m Model) bool { return logsPage(m).Holds(id) })
	}
}

// The timeline after a session, and the detail of each kind of entry.
// Regenerate with go test ./ui -run TestGoldenTimeline -update.
func TestGoldenTimeline(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		setup func(d *driver)
	}{
		{"timeline_empty", func(d *driver) { d.keys("5") }},
		{"timeline_session", func(d *driver) { session(d); d.keys("5") }},
		{"timeline_call_403", func(d *driver) { session(d); d.keys("5", "up", "up", "enter") }},
		{"timeline_step", func(d *driver) { session(d); d.keys("5", "g", "down", "enter") }},
		{"timeline_token", func(d *driver) { session(d); d.keys("5", "g", "down", "down", "down", "down", "down", "enter") }},
		{"timeline_log_line", func(d *driver) { session(d); d.keys("5", "enter") }},
	}
	for _, c := range cases {
		for _, size := range [][2]int{{120, 40}, {80, 24}} {
			t.Run(fmt.Sprintf("%s_%dx%d", c.name, size[0], size[1]), func(t *testing.T) {
				t.Parallel()
				d := newDriver(t, demoOptions(), size[0], size[1])
				d.Until(func(m Model) bool { return logsPage(m).Held() == len(fakes.Backlog()) })
				c.setup(d)
				golden.RequireEqual(t, d.screen())
			})
		}
	}
}

// After a session the timeline lists, in order: the sign-in, its steps
// and tokens, each call, and under each call the lines of its request id
// — each once, though the Logs view and the API view's pane both
// delivered them.
func TestTimelineLinesUpTheSession(t *testing.T) {
	t.Parallel()
	// Under 110 columns the list has the whole width: the lines show
	// far enough to tell them apart.
	d := newDriver(t, demoOptions(), 109, 40)
	session(d)
	d.keys("5")
	screen := d.screen()
	want := []string{
		"SRP sign-in · signed in",
		"1 InitiateAuth USER_SRP_AUTH",
		"RespondToAuthChallenge",
		"◆ ID token",
		"◆ access token · jti",
		"◆ refresh token",
		"GET /private → 200 OK · " + fakes.RequestID(1),
		`demo-authorizer  {"level":"info","msg":"authorize","requestId":"` + fakes.RequestID(1),
		`demo-http/access  {"requestId":"` + fakes.RequestID(1),
		"GET /scoped → 403 Forbidden · " + fakes.RequestID(2),
		`demo-authorizer  {"level":"info","msg":"authorize","requestId":"` + fakes.RequestID(2),
		`demo-http/access  {"requestId":"` + fakes.RequestID(2),
	}
	at := 0
	for _, w := range want {
		i := strings.Index(screen[at:], w)
		if i < 0 {
			t.Fatalf("the timeline does not show %q after the previous entries:\n%s", w, screen)
		}
		at += i + len(w)
	}
	for _, id := range []string{fakes.RequestID(1), fakes.RequestID(2)} {
		if n := strings.Count(screen, `{"requestId":"`+id); n != 1 {
			t.Errorf("the access line of %s shows %d times, want once:\n%s", id, n, screen)
		}
	}
	// The backlog's lines carry request ids of no call of the session.
	for _, e := range fakes.Backlog() {
		if e.RequestID != "" && strings.Contains(screen, e.RequestID) {
			t.Errorf("a line of no call of the session is listed: %s", e.RequestID)
			break
		}
	}
	// Sign-in, 3 steps, 3 tokens; 2 calls with 2 lines each.
	if n := timelinePage(d.M).Len(); n != 13 {
		t.Errorf("the timeline lists %d entries, want 13", n)
	}
}
