package oauth

import (
	"go/parser"
	"go/token"
	"os"
	"strconv"
	"strings"
	"testing"
)

// The package imports only the standard library, flows, flows/trace
// (itself standard library only) and internal/termtext (docs/architecture.md);
// test files may import more.
func TestImportsOnlyStdAndFlows(t *testing.T) {
	t.Parallel()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			std := !strings.Contains(strings.Split(path, "/")[0], ".")
			if !std && path != "github.com/cogscope/cogscope/flows" && path != "github.com/cogscope/cogscope/flows/trace" && path != "github.com/cogscope/cogscope/internal/termtext" {
				t.Errorf("%s imports %s: flows/oauth may import only the standard library, flows, flows/trace and internal/termtext", name, path)
			}
		}
	}
}
