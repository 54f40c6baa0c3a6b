package cmdutil

import (
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"

	"github.com/cli/browser"
)

var quietBrowser sync.Once

// Browser opens a URL with $BROWSER when set (a command, as git and gh
// read it), else with the desktop's opener (cli/browser). The opener's
// own output never reaches stdout, which may be JSON.
func (f *Factory) Browser() func(string) error {
	if cmdline := strings.Fields(f.Env("BROWSER")); len(cmdline) > 0 {
		return func(u string) error {
			out, err := exec.Command(cmdline[0], append(cmdline[1:], u)...).CombinedOutput()
			if err != nil {
				return fmt.Errorf("$BROWSER %s: %w: %s", cmdline[0], err, strings.TrimSpace(string(out)))
			}
			return nil
		}
	}
	quietBrowser.Do(func() { browser.Stdout, browser.Stderr = io.Discard, io.Discard })
	return browser.OpenURL
}
