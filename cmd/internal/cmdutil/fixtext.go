package cmdutil

import (
	"os"
	"strings"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/proxyerr"
)

// How the command line words a diagnosis. The catalogue (flows.Catalogue)
// says what to do as structured references — a flow, a scope, an input, a
// setting — and each edge phrases them: the console by its views and
// profile keys (ui/service.Words), the command line here, by its flags.
// fixtext_test.go checks that every reference of the catalogue names a
// flag or a --flow value this command line has.

// CLIWords names what a fix refers to by `cogscope login`'s flags: the
// library's default words (flows.FlagWords), which the --json document
// carries too, the catalogue naming inputs by their flags. An environment
// variable the fix names ({env:HTTPS_PROXY}) is shown with its value as
// this process has it — the value Go's transport read — a proxy's
// password masked (proxyerr.Setting).
var CLIWords flows.Words = cliWords{flows.FlagWords}

type cliWords struct{ flows.Words }

func (cliWords) Env(name string) string { return ProxySetting(name) }

// ProxySetting shows a proxy variable (HTTP_PROXY, HTTPS_PROXY, NO_PROXY)
// with its value as this process has it, which is what Go's transport
// read (http.ProxyFromEnvironment reads the process's environment, not
// the Factory's Env): "HTTP_PROXY=http://127.0.0.1:3128", a password
// masked; the bare name when it is unset or not a proxy variable.
func ProxySetting(name string) string { return proxyerr.Setting(os.Getenv, name) }

// CLIDiagnosis phrases d for the command line.
func CLIDiagnosis(d flows.Diagnosis) flows.Diagnosis { return d.Phrase(CLIWords) }

// CauseFixLines are the lines a failure prints under its error: our cause,
// then the fix when there is one.
func CauseFixLines(d flows.Diagnosis) string {
	s := "\n  cause: " + d.Cause
	if d.Fix != "" {
		s += "\n  fix:   " + d.Fix
	}
	return s
}

// FirstSentence is text up to its first ". ": a diagnosis's cause said in
// one line.
func FirstSentence(text string) string {
	if i := strings.Index(text, ". "); i > 0 {
		return text[:i+1]
	}
	return text
}
