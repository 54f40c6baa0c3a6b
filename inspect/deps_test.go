package inspect

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportsOnlyStdAndJWX holds the package to its rule: it imports the
// standard library and jwx only, and pulls in nothing but what jwx itself
// needs.
func TestImportsOnlyStdAndJWX(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs go list")
	}
	list := func(args ...string) []string {
		t.Helper()
		out, err := exec.Command("go", append([]string{"list"}, args...)...).Output()
		if err != nil {
			t.Fatalf("go list %v: %v", args, err)
		}
		return strings.Fields(string(out))
	}
	const jwx = "github.com/lestrrat-go/jwx/v3"
	for _, imp := range list("-f", `{{join .Imports " "}}`, ".") {
		if strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") && !strings.HasPrefix(imp, jwx+"/") && imp != jwx {
			t.Errorf("inspect imports %s: only the standard library and %s are allowed", imp, jwx)
		}
	}
	// Everything non-standard reachable from inspect must be reachable from
	// the jwx packages it uses.
	var jwxPkgs []string
	for _, imp := range list("-f", `{{join .Imports " "}}`, ".") {
		if strings.HasPrefix(imp, jwx) {
			jwxPkgs = append(jwxPkgs, imp)
		}
	}
	allowed := map[string]bool{}
	if len(jwxPkgs) > 0 {
		for _, p := range list(append([]string{"-deps", "-f", `{{if not .Standard}}{{.ImportPath}}{{end}}`}, jwxPkgs...)...) {
			allowed[p] = true
		}
	}
	for _, p := range list("-deps", "-f", `{{if not .Standard}}{{.ImportPath}}{{end}}`, ".") {
		if p != "github.com/cogscope/cogscope/inspect" && !allowed[p] {
			t.Errorf("inspect depends on %s, which jwx does not bring", p)
		}
	}
}
