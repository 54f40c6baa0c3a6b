package oauth

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestAuthorizeStepSaysWhetherTheBrowserOpened: the authorize step's note
// tells a failed opener (no browser on this machine) from one that
// worked, instead of always "opening".
func TestAuthorizeStepSaysWhetherTheBrowserOpened(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		open func(string) error
		want string
	}{
		{"no opener works", func(string) error { return errors.New("exec: \"xdg-open\": executable file not found in $PATH") },
			`Could not open a browser (exec: "xdg-open": executable file not found in $PATH): open the URL yourself.`},
		{"the opener worked", func(string) error { return nil }, "Opened the URL in the browser."},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			op := newFakeOP(t)
			ln, redirect := loopbackListener(t)
			op.redirects = []string{redirect}
			run := runCode(t, Options{Issuer: op.issuer, ClientID: op.clientID, RedirectURI: redirect, Listener: ln,
				Scopes: []string{"openid"}, OpenBrowser: c.open}, newBrowser())
			if run.err != nil {
				t.Fatal(run.err)
			}
			auth := stepOf(t, run.client.Trace(), OpAuthorize)
			if !slices.Contains(auth.Notes, c.want) || slices.ContainsFunc(auth.Notes, func(n string) bool { return strings.HasPrefix(n, "Opening") }) {
				t.Errorf("notes %q, want %q", auth.Notes, c.want)
			}
		})
	}
}
