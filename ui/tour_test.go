package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/cogscope/cogscope/internal/tour"
	"github.com/cogscope/cogscope/ui/internal/fakes"
	"github.com/cogscope/cogscope/ui/service"
)

// tourOptions is the fake demo with the tour, its target's client the
// demo's public client (as cmd gives it on the local stack).
func tourOptions() Options {
	o := demoOptions()
	o.Target.ClientID = tour.PublicClientID
	o.Tour = tour.Demo()
	return o
}

// toCase moves the tour's cursor to the case id.
func (d *driver) toCase(t *testing.T, id string) {
	t.Helper()
	for range len(tour.Demo()) + 1 {
		if d.M.tourModel.Selected().ID == id {
			return
		}
		d.keys("down")
	}
	t.Fatalf("no case %s in the tour", id)
}

// The footer announces the tour only when the console has one, and t
// opens and closes it only then.
func TestTourKeyOnlyOnTheDemo(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts Options
		want bool
	}{
		{"demo stack", tourOptions(), true},
		{"no tour (AWS)", demoOptions(), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := newDriver(t, tc.opts, 120, 40)
			if got := strings.Contains(d.screen(), "t tour (demo stack)"); got != tc.want {
				t.Fatalf("footer announces the tour: %v, want %v\n%s", got, tc.want, d.screen())
			}
			d.keys("t")
			if d.M.TourOpen() != tc.want || strings.Contains(d.screen(), "Tour · 0/16 done") != tc.want {
				t.Fatalf("t opened the tour: %v, want %v\n%s", d.M.TourOpen(), tc.want, d.screen())
			}
			if tc.want {
				if !strings.Contains(d.screen(), "t/esc close the tour") {
					t.Errorf("the footer shows the tour's keys while it is open:\n%s", d.screen())
				}
				d.keys("esc")
				if d.M.TourOpen() {
					t.Error("esc did not close the tour")
				}
			}
		})
	}
}

// The tour's first case works through the keys: enter sets the Sign-in
// view up, the sign-in ticks the case off with what happened.
func TestTourFirstCaseThroughTheKeys(t *testing.T) {
	t.Parallel()
	d := newDriver(t, tourOptions(), 120, 40)
	d.keys("2", "t", "enter") // from another view: the case's view comes up
	if d.M.TourOpen() || d.M.Active() != PageSignIn {
		t.Fatalf("enter: tour open %v, view %v; want the Sign-in view", d.M.TourOpen(), d.M.Active())
	}
	if !strings.Contains(d.M.Status(), "ready: SRP") {
		t.Errorf("status %q", d.M.Status())
	}
	d.keys("enter", "enter", "enter")
	d.Until(func(m Model) bool { _, ok := m.tourModel.Outcome("clean"); return ok })
	d.keys("t")
	v := d.screen()
	for _, want := range []string{"Tour · 1/16 done", "✓ A clean sign-in", "✓ Happened", "signed in as demo with SRP"} {
		if !strings.Contains(v, want) {
			t.Errorf("no %q on the tour:\n%s", want, v)
		}
	}
}

// A case on another app client: the form says so, and the sign-in runs
// as that client with the secret the case gives (none here).
func TestTourCaseOnAnotherClient(t *testing.T) {
	t.Parallel()
	o := tourOptions()
	signIn := o.SignIn.(*fakes.SignIn)
	d := newDriver(t, o, 120, 40)
	d.keys("t")
	d.toCase(t, "secret-missing")
	d.keys("enter")
	if v := d.screen(); !strings.Contains(v, "App client (tour)") || !strings.Contains(v, "demo-confidential without its") {
		t.Fatalf("the form does not name the tour's client:\n%s", v)
	}
	d.keys("enter", "enter", "enter")
	d.Until(func(Model) bool { return len(signIn.Requests()) == 1 })
	req := signIn.Requests()[0]
	if req.ClientID != tour.SecretClientID || req.ClientSecret != "" || req.Flow != service.FlowSRP || req.Username != tour.Username {
		t.Fatalf("request %+v", req)
	}
	// The case of the public client clears the override.
	d.keys("t")
	d.toCase(t, "clean")
	d.keys("enter", "enter", "enter", "enter")
	d.Until(func(Model) bool { return len(signIn.Requests()) == 2 })
	if req := signIn.Requests()[1]; req.ClientID != "" {
		t.Fatalf("the clean case still runs as %s", req.ClientID)
	}
}

// An API case: enter selects the route and the token, the call's answer
// ticks the case off with the failed check.
func TestTourAPICase(t *testing.T) {
	t.Parallel()
	d := newDriver(t, tourOptions(), 120, 40)
	d.keys("enter", "enter", "enter", "t")
	d.toCase(t, "api-scope")
	d.keys("enter")
	if d.M.Active() != PageAPI {
		t.Fatalf("view %v, want the API view", d.M.Active())
	}
	d.Settle()
	d.keys("enter")
	d.Until(func(m Model) bool { _, ok := m.tourModel.Outcome("api-scope"); return ok })
	d.keys("t")
	v := d.screen()
	for _, want := range []string{"✓ JWT with a scope", "id token → 403 (failed check: scope)"} {
		if !strings.Contains(v, want) {
			t.Errorf("no %q on the tour:\n%s", want, v)
		}
	}
}

// Golden frames of the tour pane: the first case, and the TOTP case with
// its code (the fakes' fixed clock).
func TestGoldenTour(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		w, h int
		at   string
	}{
		{"tour_open", 120, 40, "clean"},
		{"tour_open", 80, 24, "clean"},
		{"tour_totp", 120, 40, "totp"},
		{"tour_api", 80, 24, "api-rest"},
	} {
		t.Run(fmt.Sprintf("%s_%dx%d", tc.name, tc.w, tc.h), func(t *testing.T) {
			t.Parallel()
			d := newDriver(t, tourOptions(), tc.w, tc.h)
			d.keys("t")
			d.toCase(t, tc.at)
			golden.RequireEqual(t, d.screen())
		})
	}
}
