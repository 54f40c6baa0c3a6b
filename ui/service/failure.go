package service

import (
	"errors"
	"strings"

	"github.com/cogscope/cogscope/flows"
)

// Failure is an error a service refused with, kept whole so the console
// can show Cognito's own words next to our diagnosis. The diagnosis is
// flows': Operation is the call that failed ("InitiateAuth", "Token
// (authorization_code)"); Type and Message are the service's own (the
// __type and message of a Cognito error, or an OAuth error and its
// description), with RequestID; Cause says in plain words what is wrong
// and Fix what to do, in the console's words (NewFailure).
type Failure struct {
	flows.Diagnosis
	// Transport is set when the service could not be reached at all (the
	// stack went away, the network is down): there is no Cognito answer.
	Transport bool
	// Err is the underlying error, when there is one.
	Err error
}

func (f *Failure) Error() string {
	var what string
	switch {
	case f.Type != "" && f.Message != "":
		what = f.Type + ": " + f.Message
	case f.Type != "":
		what = f.Type
	case f.Message != "":
		what = f.Message
	case f.Err != nil:
		what = f.Err.Error()
	default:
		what = "failed"
	}
	// A wrapped error often names the call already.
	if f.Operation == "" || strings.HasPrefix(what, f.Operation+": ") {
		return what
	}
	return f.Operation + ": " + what
}

func (f *Failure) Unwrap() error { return f.Err }

// AsFailure returns err as a *Failure, wrapping a plain error as one with
// only Err (and Message) set, so views have one shape to show.
func AsFailure(err error) *Failure {
	if err == nil {
		return nil
	}
	var f *Failure
	if errors.As(err, &f) {
		return f
	}
	return &Failure{Diagnosis: flows.Diagnosis{Message: err.Error()}, Err: err}
}

// NewFailure is the console's failure for a diagnosed error: the
// diagnosis phrased in the console's words (Words), and the error kept.
func NewFailure(d flows.Diagnosis, err error) *Failure {
	return &Failure{Diagnosis: d.Phrase(Words), Err: err}
}
