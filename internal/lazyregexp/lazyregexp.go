// Package lazyregexp is a regular expression compiled on its first use.
// A package-level regexp.MustCompile runs at every start of cogscope,
// before the console's first frame, whether the pattern is used or not;
// a package-level lazyregexp.New costs nothing until it is. Tests compile
// every pattern at once, so a bad one still fails its package's tests.
// (The Go command has the same package, cmd/go/internal/lazyregexp.)
package lazyregexp

import (
	"os"
	"regexp"
	"strings"
	"sync"
)

// Regexp is a regexp.Regexp compiled when a method first needs it.
type Regexp struct {
	expr string
	re   func() *regexp.Regexp
}

var inTest = len(os.Args) > 0 && strings.HasSuffix(strings.TrimSuffix(os.Args[0], ".exe"), ".test")

// New is expr, compiled with regexp.MustCompile on first use (at once in
// a test binary).
func New(expr string) *Regexp {
	r := &Regexp{expr: expr, re: sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })}
	if inTest {
		r.re()
	}
	return r
}

// String is the source text, without compiling it.
func (r *Regexp) String() string { return r.expr }

func (r *Regexp) MatchString(s string) bool { return r.re().MatchString(s) }

func (r *Regexp) FindStringSubmatch(s string) []string { return r.re().FindStringSubmatch(s) }

func (r *Regexp) FindAllStringSubmatch(s string, n int) [][]string {
	return r.re().FindAllStringSubmatch(s, n)
}

func (r *Regexp) ReplaceAllString(src, repl string) string { return r.re().ReplaceAllString(src, repl) }

func (r *Regexp) ReplaceAllStringFunc(src string, repl func(string) string) string {
	return r.re().ReplaceAllStringFunc(src, repl)
}
