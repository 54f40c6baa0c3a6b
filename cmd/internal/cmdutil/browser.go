package cmdutil

import (
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/cli/browser"
)

var quietBrowser sync.Once

// Browser opens a URL with f.OpenBrowser when a test set it, else with
// $BROWSER when set (a command, as git and gh read it), else with the
// desktop's opener (cli/browser). The opener's own output never reaches
// stdout, which may be JSON.
func (f *Factory) Browser() func(string) error {
	if f.OpenBrowser != nil {
		return f.OpenBrowser
	}
	if cmdline := strings.Fields(f.Env("BROWSER")); len(cmdline) > 0 {
		return func(u string) error {
			out, err := exec.Command(cmdline[0], append(cmdline[1:], u)...).CombinedOutput()
			if err != nil {
				if said := strings.TrimSpace(string(out)); said != "" {
					return fmt.Errorf("$BROWSER %s: %w: %s", cmdline[0], err, said)
				}
				return fmt.Errorf("$BROWSER %s: %w", cmdline[0], err)
			}
			return nil
		}
	}
	quietBrowser.Do(func() { browser.Stdout, browser.Stderr = io.Discard, io.Discard })
	return browser.OpenURL
}

// WriteAuthorizeURL tells, on w (stderr), where to sign in: the
// authorize URL alone on a line, after a line saying whether a browser
// was opened for it (noBrowser: the person opens it), and how long the
// redirect is waited for — `login --flow pkce` and replay's pkce
// sign-ins.
func WriteAuthorizeURL(w io.Writer, u string, noBrowser bool, timeout time.Duration) {
	if noBrowser {
		fmt.Fprintln(w, "Open this URL in a browser to sign in:")
	} else {
		fmt.Fprintln(w, "Opening the browser to sign in; if it does not open, visit:")
	}
	fmt.Fprintln(w, u)
	fmt.Fprintf(w, "Waiting up to %s for the redirect (Ctrl-C to cancel)…\n", timeout)
}
