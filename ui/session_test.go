package ui

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/ui/internal/fakes"
)

// saver records the sessions the console asks to keep.
type saver struct {
	mu    sync.Mutex
	saved []string // flow:access token
	err   error
}

func (s *saver) save(_ context.Context, t flows.Tokens, flow string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.saved = append(s.saved, flow+":"+t.AccessToken)
	return "dev", s.err
}

func (s *saver) calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.saved...)
}

// New tokens (a sign-in, a refresh) are saved; the session the console
// started with is not saved again.
func TestNewTokensAreSaved(t *testing.T) {
	t.Parallel()
	sv := &saver{}
	start := fakes.Session()
	tokens := fakes.NewTokens()
	d := newDriver(t, Options{Target: fakes.Target(), SignIn: fakes.NewSignIn(), Tokens: tokens,
		Session: &start, SaveSession: sv.save}, 120, 40)
	if got := sv.calls(); len(got) != 0 {
		t.Fatalf("the stored session was saved again: %v", got)
	}
	d.keys("enter", "enter", "enter")
	d.Until(func(m Model) bool { return strings.Contains(m.Status(), "session saved") })
	if got := sv.calls(); len(got) != 1 || got[0] != "srp:"+fakes.AccessToken {
		t.Fatalf("saved %v, want the SRP sign-in's tokens", got)
	}
	if st := d.M.Status(); !strings.Contains(st, "session saved (dev)") {
		t.Fatalf("status %q", st)
	}
	d.keys("2", "r")
	d.Until(func(m Model) bool { return len(sv.calls()) == 2 })
	if got := sv.calls(); got[1] != "refresh:"+fakes.NewAccessToken {
		t.Fatalf("saved %v, want the refreshed tokens", got)
	}
}

func TestSaveFailureIsSaid(t *testing.T) {
	t.Parallel()
	sv := &saver{err: errors.New("write session: permission denied")}
	d := newDriver(t, Options{Target: fakes.Target(), SignIn: fakes.NewSignIn(), Tokens: fakes.NewTokens(), SaveSession: sv.save}, 120, 40)
	d.keys("enter", "enter", "enter")
	d.Until(func(m Model) bool { return strings.Contains(m.Status(), "not saved") })
	if st := d.M.Status(); !strings.Contains(st, "SRP sign-in were not saved: write session: permission denied") {
		t.Fatalf("status %q", st)
	}
}
