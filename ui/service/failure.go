package service

import (
	"errors"
	"strings"
)

// Failure is an error a service refused with, kept whole so the console
// can show Cognito's own words next to our diagnosis.
type Failure struct {
	// Op is the call that failed ("InitiateAuth", "POST /oauth2/token").
	Op string
	// Code and Message are the service's own: the __type and message of a
	// Cognito error, or an OAuth error and its description.
	Code      string
	Message   string
	RequestID string
	// Diagnosis says in plain words what is wrong; Fix what to do.
	Diagnosis string
	Fix       string
	// Transport is set when the service could not be reached at all (the
	// stack went away, the network is down): there is no Cognito answer.
	Transport bool
	// Err is the underlying error, when there is one.
	Err error
}

func (f *Failure) Error() string {
	var what string
	switch {
	case f.Code != "" && f.Message != "":
		what = f.Code + ": " + f.Message
	case f.Code != "":
		what = f.Code
	case f.Message != "":
		what = f.Message
	case f.Err != nil:
		what = f.Err.Error()
	default:
		what = "failed"
	}
	// A wrapped error often names the call already.
	if f.Op == "" || strings.HasPrefix(what, f.Op+": ") {
		return what
	}
	return f.Op + ": " + what
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
	return &Failure{Message: err.Error(), Err: err}
}
