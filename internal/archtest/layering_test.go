// Package archtest holds the test that keeps the project's import rules
// (docs/architecture.md): dependencies point from cmd to ui to the
// capability packages, never back.
package archtest

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/cogscope/cogscope"

// rule forbids packages under a prefix from importing (directly) anything
// matching one of the banned prefixes.
type rule struct {
	pkgs   string
	banned []string
	why    string
}

var rules = []rule{
	{module + "/flows", []string{"charm.land/", module + "/ui", module + "/cmd", module + "/internal/local"},
		"flows is a library for the CLI and the console: no UI, no cmd, no local stack"},
	{module + "/inspect", []string{"charm.land/", module + "/", "github.com/aws/"},
		"inspect stands alone: the standard library and jwx"},
	{module + "/internal", []string{"charm.land/", module + "/ui", module + "/cmd"},
		"internal packages serve cmd; they never reach up to the console or the CLI"},
	{module + "/cmd/internal/cmdutil", []string{module + "/cmd/internal/cli"},
		"cmdutil is what the commands share: it never reaches up to a command or the command tree"},
	{module + "/internal/termtext", []string{module + "/", "github.com/", "charm.land/", "golang.org/"},
		"termtext is a leaf every layer (flows, ui, cmd) may use: the standard library only"},
	{module + "/ui", []string{module + "/cmd", module + "/internal/awsclient", module + "/internal/local", module + "/internal/doctor", module + "/internal/apicall", module + "/internal/apiconfig",
		"github.com/aws/aws-sdk-go-v2/config", "github.com/aws/aws-sdk-go-v2/service/", "github.com/spf13/", "os/exec"},
		"the console gets its services as interfaces from cmd: it never builds AWS clients, reads flags or runs commands"},
}

func TestImportRules(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	// Non-test imports only: tests may start a local stack or use fakes.
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, imports := fields[0], fields[1:]
		for _, r := range rules {
			if pkg != r.pkgs && !strings.HasPrefix(pkg, r.pkgs+"/") {
				continue
			}
			checked++
			for _, imp := range imports {
				for _, b := range r.banned {
					if strings.HasPrefix(imp, b) && !strings.HasPrefix(imp, r.pkgs) {
						t.Errorf("%s imports %s: %s", pkg, imp, r.why)
					}
				}
			}
		}
	}
	// A command's package (cmd/internal/cli/<command>) builds on cmdutil,
	// never on another command or on the tree that assembles them: each
	// can be read, tested and added on its own.
	const commands = module + "/cmd/internal/cli/"
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, imports := fields[0], fields[1:]
		if !strings.HasPrefix(pkg, commands) {
			continue
		}
		checked++
		for _, imp := range imports {
			if imp == strings.TrimSuffix(commands, "/") || (strings.HasPrefix(imp, commands) && imp != pkg && !strings.HasPrefix(imp, pkg+"/")) {
				t.Errorf("%s imports %s: a command builds on cmd/internal/cmdutil, not on another command", pkg, imp)
			}
		}
	}
	if checked < 10 {
		t.Fatalf("only %d packages matched the rules: the module layout changed under this test", checked)
	}
}
