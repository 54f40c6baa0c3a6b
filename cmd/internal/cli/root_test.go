package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
)

// TestRunTree: the tree has every command and runs a command line to its
// exit code, through the same factory streams.
func TestRunTree(t *testing.T) {
	t.Parallel()
	run := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		f := &cmdutil.Factory{IO: cmdutil.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut},
			Env: func(string) string { return "" }, Now: time.Now}
		return Run(context.Background(), f, args), out.String(), errOut.String()
	}
	var names []string
	for _, c := range NewCmdRoot(&cmdutil.Factory{Env: func(string) string { return "" }}).Commands() {
		names = append(names, c.Name())
	}
	for _, want := range []string{"inspect", "local", "login", "version", "token", "userinfo", "logout"} {
		if !strings.Contains(" "+strings.Join(names, " ")+" ", " "+want+" ") {
			t.Errorf("the tree lacks %s: %v", want, names)
		}
	}

	if code, out, errOut := run("version"); code != cmdutil.ExitOK || !strings.HasPrefix(out, "cogscope ") || errOut != "" {
		t.Errorf("version: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, out, _ := run("version", "--json")
	var bi map[string]any
	if code != cmdutil.ExitOK || json.Unmarshal([]byte(out), &bi) != nil || bi["version"] == nil || bi["go"] == nil {
		t.Errorf("version --json: exit %d, %q", code, out)
	}
	if code, out, errOut := run("frobnicate"); code != cmdutil.ExitUsage || out != "" ||
		!strings.HasPrefix(errOut, "cogscope: unknown command \"frobnicate\"") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("unknown command: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if code, _, errOut := run("--region"); code != cmdutil.ExitUsage || !strings.Contains(errOut, "flag needs an argument") {
		t.Errorf("a flag error: exit %d, stderr %q", code, errOut)
	}
}
