package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/cogscope/cogscope/ui/internal/fakes"
	"github.com/cogscope/cogscope/ui/logs"
	"github.com/cogscope/cogscope/ui/service"
)

// Golden frames at fixed sizes, ANSI stripped. Regenerate with
//
//	go test ./ui -run TestGolden -update
func TestGolden(t *testing.T) {
	t.Parallel()
	signIn := func(name string) service.SignIn {
		s := fakes.NewSignIn()
		if name == "signin_pkce_waiting" {
			s.Scripts[service.FlowPKCE] = fakes.PKCEWaitingScript()
			return s
		}
		s.Scripts[service.FlowPKCE] = fakes.PKCEScript()
		return s
	}
	cases := []struct {
		name string
		w, h int
		// setup drives the console from its first frame to the one
		// compared.
		setup func(d *driver)
	}{
		{"signin_idle", 120, 40, func(*driver) {}},
		{"signin_idle", 80, 24, func(*driver) {}},
		{"signin_idle", 60, 16, func(*driver) {}},
		{"signin_form_focused", 100, 30, func(d *driver) { d.keys("enter") }},
		{"signin_srp_done", 120, 40, func(d *driver) { d.keys("enter", "enter", "enter") }},
		{"signin_srp_done", 80, 24, func(d *driver) { d.keys("enter", "enter", "enter") }},
		{"signin_srp_unmasked", 120, 40, func(d *driver) { d.keys("enter", "enter", "enter", "m") }},
		{"signin_wrong_password", 120, 40, func(d *driver) { d.keys("down", "enter", "enter", "enter") }},
		{"signin_pkce", 120, 40, func(d *driver) { d.keys("down", "down", "enter", "enter") }},
		{"signin_pkce", 80, 24, func(d *driver) { d.keys("down", "down", "enter", "enter") }},
		{"signin_pkce_waiting", 120, 40, func(d *driver) {
			d.keys("down", "down", "enter", "enter")
			d.Until(func(m Model) bool { return m.signIn.WaitsForBrowser() })
		}},
		{"signin_client_credentials_form", 100, 30, func(d *driver) { d.keys("down", "down", "down", "enter") }},
		{"tokens_empty", 100, 30, func(d *driver) { d.keys("2") }},
		{"tokens_access", 120, 40, func(d *driver) { d.keys("enter", "enter", "enter", "2") }},
		{"tokens_access", 80, 24, func(d *driver) { d.keys("enter", "enter", "enter", "2") }},
		{"tokens_id", 120, 40, func(d *driver) { d.keys("enter", "enter", "enter", "2", "left") }},
		{"tokens_refresh", 120, 40, func(d *driver) { d.keys("enter", "enter", "enter", "2", "right") }},
		{"tokens_pasted_non_token", 100, 30, func(d *driver) {
			d.keys("2", "p")
			d.typeText("AKIAIOSFODNN7EXAMPLE")
			d.keys("enter")
		}},
		{"help", 120, 40, func(d *driver) { d.keys("?") }},
		{"help_tokens", 80, 24, func(d *driver) { d.keys("2", "?") }},
		{"api_none", 100, 30, func(d *driver) { d.keys("3") }},
		{"logs_none", 100, 30, func(d *driver) { d.keys("4") }},
		{"too_small", 20, 10, func(*driver) {}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s_%dx%d", c.name, c.w, c.h), func(t *testing.T) {
			t.Parallel()
			// cmd always gives the export: the help lists x.
			d := newDriver(t, Options{Target: fakes.Target(), SignIn: signIn(c.name), Tokens: fakes.NewTokens(),
				ExportTranscript: (&exporter{path: exportPath}).export}, c.w, c.h)
			c.setup(d)
			golden.RequireEqual(t, d.screen())
		})
	}
}

// The API and Logs views on the fake demo API and log groups.
func TestGoldenAPIAndLogs(t *testing.T) {
	t.Parallel()
	signedIn := func(d *driver) { d.keys("enter", "enter", "enter") }
	// logged waits for the first call's lines in both log panes: they
	// come through the tails, on their own time.
	logged := func(d *driver) {
		id := fakes.RequestID(1)
		d.Until(func(m Model) bool {
			return logsPage(m).Holds(id) && strings.Contains(ansi.Strip(m.render()), `"requestId":"`+id)
		})
	}
	private := func(d *driver) { signedIn(d); d.keys("3", "down", "enter"); logged(d) }
	scopedID := func(d *driver) { signedIn(d); d.keys("3", "down", "down", "a"); d.keys("enter"); logged(d) }
	cases := []struct {
		name  string
		setup func(d *driver)
	}{
		{"api_routes", func(d *driver) { d.keys("3") }},
		{"api_private_200", private},
		{"api_scoped_id_warning", func(d *driver) { signedIn(d); d.keys("3", "down", "down", "a") }},
		{"api_scoped_id_403", scopedID},
		{"api_free_form", func(d *driver) { signedIn(d); d.keys("3", "e") }},
		{"logs_tail", func(d *driver) { d.keys("4") }},
		{"logs_jump", func(d *driver) { scopedID(d); d.keys("l") }},
		{"logs_paused_filtered", func(d *driver) {
			private(d)
			d.keys("4", " ", "/")
			d.typeText("private")
			d.keys("enter")
		}},
	}
	for _, c := range cases {
		for _, size := range [][2]int{{120, 40}, {80, 24}} {
			t.Run(fmt.Sprintf("%s_%dx%d", c.name, size[0], size[1]), func(t *testing.T) {
				t.Parallel()
				d := newDriver(t, demoOptions(), size[0], size[1])
				// The Logs view's backlog comes through its tail.
				d.Until(func(m Model) bool { return logsPage(m).Held() == len(fakes.Backlog()) })
				c.setup(d)
				golden.RequireEqual(t, d.screen())
			})
		}
	}
}

// logsPage is the Logs view's model.
func logsPage(m Model) logs.Model { return m.pages[PageLogs].(*pageOf[logs.Model, *logs.Model]).M }

// demoOptions is the console on the fake demo stack: sign-in, tokens,
// the demo API and its log groups.
func demoOptions() Options {
	lg := fakes.NewLogs()
	lg.Backlog = fakes.Backlog()
	return Options{Target: fakes.Target(), SignIn: fakes.NewSignIn(), Tokens: fakes.NewTokens(), API: fakes.NewAPI(lg), Logs: lg}
}

// Challenges and failures get their own goldens: each needs a script.
func TestGoldenFlows(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		script fakes.Script
		w, h   int
	}{
		{"mfa_setup", fakes.MFASetupScript(), 120, 40},
		{"new_password", fakes.NewPasswordScript(), 100, 30},
		{"stack_gone", fakes.StackGoneScript(), 100, 30},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s_%dx%d", c.name, c.w, c.h), func(t *testing.T) {
			t.Parallel()
			s := &fakes.SignIn{Scripts: map[service.Flow]fakes.Script{service.FlowSRP: c.script}}
			d := newDriver(t, Options{Target: fakes.Target(), SignIn: s, Tokens: fakes.NewTokens()}, c.w, c.h)
			d.keys("enter", "enter", "enter")
			golden.RequireEqual(t, d.screen())
		})
	}
}
