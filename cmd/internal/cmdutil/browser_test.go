package cmdutil

import (
	"os/exec"
	"strings"
	"testing"
)

// TestBrowserErrors: a $BROWSER that fails says how, with what it printed
// when it printed something, and no dangling colon when it did not.
func TestBrowserErrors(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"false", "ls"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s: %v", tool, err)
		}
	}
	cases := []struct {
		browser string
		want    string // the error's exact prefix
		suffix  string // "" : the error ends with the exit status
	}{
		{"false", "$BROWSER false: exit status 1", ""},
		{"ls /nonexistent-cogscope-dir", "$BROWSER ls: exit status 2: ", "nonexistent-cogscope-dir"},
	}
	for _, tc := range cases {
		f := &Factory{Env: func(k string) string {
			if k == "BROWSER" {
				return tc.browser
			}
			return ""
		}}
		err := f.Browser()("http://127.0.0.1:1/authorize")
		switch {
		case err == nil:
			t.Errorf("%s: no error", tc.browser)
		case !strings.HasPrefix(err.Error(), tc.want):
			t.Errorf("%s: %q, want it to start %q", tc.browser, err, tc.want)
		case tc.suffix == "" && err.Error() != tc.want:
			t.Errorf("%s: %q, want %q", tc.browser, err, tc.want)
		case tc.suffix != "" && !strings.Contains(err.Error(), tc.suffix):
			t.Errorf("%s: %q lacks %q", tc.browser, err, tc.suffix)
		}
	}
}
