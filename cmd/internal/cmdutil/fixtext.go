package cmdutil

import "github.com/cogscope/cogscope/flows"

// How the command line words a diagnosis. The catalogue (flows.Catalogue)
// says what to do as structured references — a flow, a scope, an input, a
// setting — and each edge phrases them: the console by its views and
// profile keys (ui/service.Words), the command line here, by its flags.
// fixtext_test.go checks that every reference of the catalogue names a
// flag or a --flow value this command line has.

// CLIWords names what a fix refers to by `cogscope login`'s flags. They
// are the library's default words (flows.FlagWords), which the --json
// document carries too: the catalogue names inputs by their flags.
var CLIWords = flows.FlagWords

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
