package service

import "github.com/cogscope/cogscope/flows"

// Record is one thing of the session that the Timeline view lines up: a
// step of a sign-in, a sign-in's failure, a call and its answer, or log
// lines. Exactly one of Step, Err, Call and Logs is set. (Tokens come in
// common.SessionMsg.)
//
// The views' own async messages carry records (Recorded): the root hands
// every message to every view, so the timeline reads the session from
// the messages that already flow, and no view copies another's state.
type Record struct {
	// Run numbers the Sign-in view's runs and Flow names the run's flow
	// ("SRP", "Hosted UI (PKCE)"), for a Step or an Err.
	Run  int
	Flow string
	// Step is a call or computation of a sign-in, recorded unredacted
	// (the viewer masks by flows/trace's table).
	Step *flows.Step
	// Err is why a sign-in failed (preferably a *Failure).
	Err error
	// Call is a call the API view made, with its answer.
	Call *CallRecord
	// Logs are log lines that carry an API Gateway request id.
	Logs []LogEvent
}

// CallRecord is one call of the API view and what came back.
type CallRecord struct {
	// ID is the API view's id of the call (a re-sent call has a new one).
	ID      int
	Request CallRequest
	// Result is the answer; nil when Err says why there is none.
	Result *CallResult
	Err    error
}

// Recorded is a message that carries records of the session.
type Recorded interface {
	Records() []Record
}
