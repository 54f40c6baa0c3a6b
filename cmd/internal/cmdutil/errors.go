package cmdutil

import (
	"fmt"
	"strings"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/termtext"
)

// Exit codes, documented in the README.
const (
	ExitOK      = 0 // success: tokens obtained, token valid, server stopped cleanly
	ExitRefused = 1 // the service refused (Cognito error, failed token check)
	ExitUsage   = 2 // bad flags or input, I/O or network failure

	ExitInterrupted = 130 // Ctrl-C or SIGTERM, as a shell reports SIGINT
)

// ExitError carries an exit code out of a command. Its message is printed
// on stderr as one line, unless Silent is set because the command already
// said what went wrong.
type ExitError struct {
	Code   int
	Err    error
	Silent bool
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// UsageErr is a bad-input error (exit 2).
func UsageErr(format string, args ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, args...)}
}

// OptionsText is an options error of flows or flows/oauth without its
// "invalid options: " prefix, as a usage message says it.
func OptionsText(err error) string {
	return strings.TrimPrefix(err.Error(), flows.ErrInvalidOptions.Error()+": ")
}

// CognitoFailure is the exit error of a Cognito API call a command made
// itself: the service's refusal (exit 1, "Operation refused: Type:
// message", made printable), else a network or configuration failure
// (exit 2).
func CognitoFailure(operation string, err error) error {
	if ae, ok := flows.APIErrorOf(err); ok && ae.Type != "" {
		return &ExitError{Code: ExitRefused, Err: fmt.Errorf("%s refused: %s: %s", operation, termtext.Line(ae.Type), termtext.Line(ae.Message))}
	}
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf("%s: %s", operation, termtext.Line(err.Error()))}
}
