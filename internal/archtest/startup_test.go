package archtest

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// eager are the calls that compile or parse at package initialisation
// when a package-level variable or an init function makes them: every
// start of cogscope pays for them before the console's first frame,
// whether the pattern or the page is used or not. internal/lazyregexp
// and sync.OnceValue defer them to first use.
var eager = map[string][]string{
	"regexp":        {"MustCompile", "Compile", "MustCompilePOSIX", "CompilePOSIX"},
	"html/template": {"Must", "New"},
	"text/template": {"Must", "New"},
}

// TestNothingCompiledAtInit: no package of the cogscope binary compiles a
// regular expression or parses a template while it is initialised (a
// package-level variable's value or an init function; function literals
// are not run then and are left alone).
func TestNothingCompiledAtInit(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", "-json=ImportPath,Dir,GoFiles", module+"/cmd/cogscope").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	checked := 0
	for dec.More() {
		var p struct {
			ImportPath, Dir string
			GoFiles         []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatalf("go list: %v", err)
		}
		if p.ImportPath != module && !strings.HasPrefix(p.ImportPath, module+"/") {
			continue // dependencies' inits are theirs (README: Performance)
		}
		for _, name := range p.GoFiles {
			checked++
			for _, at := range eagerCalls(t, filepath.Join(p.Dir, name)) {
				t.Errorf("%s: compiled at every start of cogscope; use internal/lazyregexp (or sync.OnceValue where the package may import nothing of ours)", at)
			}
		}
	}
	if checked < 50 {
		t.Fatalf("only %d files checked: the go list query is wrong", checked)
	}
}

// eagerCalls returns the positions of eager calls run at initialisation
// in one file.
func eagerCalls(t *testing.T, path string) []string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	// The file's names for the packages in eager.
	names := map[string]string{}
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		if _, ok := eager[p]; !ok {
			continue
		}
		name := p[strings.LastIndex(p, "/")+1:]
		if imp.Name != nil {
			name = imp.Name.Name
		}
		names[name] = p
	}
	if len(names) == 0 {
		return nil
	}
	var found []string
	check := func(n ast.Node) {
		ast.Inspect(n, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false // runs when called, not at init
			case *ast.CallExpr:
				sel, ok := n.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				id, ok := sel.X.(*ast.Ident)
				if !ok {
					return true
				}
				for _, fn := range eager[names[id.Name]] {
					if sel.Sel.Name == fn {
						found = append(found, fset.Position(n.Pos()).String())
					}
				}
			}
			return true
		})
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			if d.Tok == token.VAR {
				for _, s := range d.Specs {
					for _, v := range s.(*ast.ValueSpec).Values {
						check(v)
					}
				}
			}
		case *ast.FuncDecl:
			if d.Recv == nil && d.Name.Name == "init" {
				check(d.Body)
			}
		}
	}
	return found
}
