// Package fakes holds scripted stand-ins for the console's services and
// realistic sample data (an SRP trace, a Cognito token pair and their
// inspection reports), for the ui packages' tests and benchmarks.
//
// It imports only flows, flows/oauth and inspect types and ui/service.
package fakes

import (
	"context"
	"errors"
	"sync"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/inspect"
	"github.com/cogscope/cogscope/ui/service"
)

// Script is what a fake run emits: Events up to the end or a challenge,
// then, once the challenge named in After is answered, the events listed
// there.
type Script struct {
	Events []service.Event
	After  map[string][]service.Event
	// StartErr makes Start itself fail.
	StartErr error
	// Hold keeps the run going after its last event, as a flow waiting
	// for something outside the console (the browser) does, until it is
	// cancelled.
	Hold bool
}

// SignIn is a scripted service.SignIn. It records what it was asked.
type SignIn struct {
	Scripts map[service.Flow]Script

	mu       sync.Mutex
	requests []service.SignInRequest
	answers  []flows.Answer
	runs     []*Run
}

// Start plays the flow's script on a new Run.
func (s *SignIn) Start(ctx context.Context, req service.SignInRequest) (service.Run, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, req)
	sc, ok := s.Scripts[req.Flow]
	if !ok {
		return nil, errors.New("fake: no script for " + string(req.Flow))
	}
	if sc.StartErr != nil {
		return nil, sc.StartErr
	}
	r := &Run{ch: make(chan service.Event), answers: make(chan flows.Answer, 1), owner: s, done: make(chan struct{})}
	s.runs = append(s.runs, r)
	go r.play(ctx, sc)
	return r, nil
}

// Requests returns the requests Start received.
func (s *SignIn) Requests() []service.SignInRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]service.SignInRequest(nil), s.requests...)
}

// Runs returns the runs started, in order.
func (s *SignIn) Runs() []*Run {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Run(nil), s.runs...)
}

// Answers returns the answers the runs received.
func (s *SignIn) Answers() []flows.Answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]flows.Answer(nil), s.answers...)
}

// Run is a fake run in progress.
type Run struct {
	ch      chan service.Event
	answers chan flows.Answer
	owner   *SignIn
	done    chan struct{}
}

// Events implements service.Run.
func (r *Run) Events() <-chan service.Event { return r.ch }

// Answer implements service.Run.
func (r *Run) Answer(a flows.Answer) error {
	r.owner.mu.Lock()
	r.owner.answers = append(r.owner.answers, a)
	r.owner.mu.Unlock()
	select {
	case r.answers <- a:
		return nil
	default:
		return errors.New("fake: the run is not waiting for an answer")
	}
}

// Done is closed when the run's goroutine has ended.
func (r *Run) Done() <-chan struct{} { return r.done }

func (r *Run) play(ctx context.Context, sc Script) {
	defer close(r.done)
	defer close(r.ch)
	if sc.Hold {
		defer func() { <-ctx.Done() }()
	}
	events := sc.Events
	for len(events) > 0 {
		ev := events[0]
		events = events[1:]
		select {
		case r.ch <- ev:
		case <-ctx.Done():
			return
		}
		if ev.Challenge == nil {
			continue
		}
		select {
		case <-r.answers:
			events = sc.After[ev.Challenge.Name]
		case <-ctx.Done():
			return
		}
	}
}

// Tokens is a fake service.Tokens: reports by token, a fixed refresh.
type Tokens struct {
	Reports map[string]*inspect.Report
	// Err is returned by Inspect for tokens in ErrFor.
	ErrFor map[string]error
	// Refreshed is what Refresh returns, or RefreshErr.
	Refreshed  flows.Tokens
	RefreshErr error
	// Block, when set, makes every call wait for it to close (or for the
	// context), to test that nothing blocks the console.
	Block chan struct{}

	mu        sync.Mutex
	inspected []string
	refreshes int
}

// Inspect returns the report registered for token, or a parse failure.
func (f *Tokens) Inspect(ctx context.Context, token string, _ service.TokenUse) (*inspect.Report, error) {
	if err := f.wait(ctx); err != nil {
		return nil, err
	}
	f.mu.Lock()
	f.inspected = append(f.inspected, token)
	f.mu.Unlock()
	if err := f.ErrFor[token]; err != nil {
		return f.Reports[token], err
	}
	if r, ok := f.Reports[token]; ok {
		return r, nil
	}
	return NotAToken("this is not a JWT: it has no dots, so it cannot be header.payload.signature"), nil
}

// Describe returns the registered report, unverified: the signature
// check skipped and not valid.
func (f *Tokens) Describe(token string) *inspect.Report {
	r, ok := f.Reports[token]
	if !ok {
		return NotAToken("this is not a JWT: it has no dots, so it cannot be header.payload.signature")
	}
	if r.Token == nil {
		return r
	}
	d := *r
	d.Valid = false
	d.Checks = append([]inspect.Check(nil), r.Checks...)
	for i, c := range d.Checks {
		if c.Name == inspect.CheckSignature || c.Name == inspect.CheckKid {
			d.Checks[i].Status, d.Checks[i].Detail = inspect.StatusSkipped, "not verified yet"
		}
	}
	return &d
}

// Refresh returns Refreshed.
func (f *Tokens) Refresh(ctx context.Context, _ flows.Tokens) (flows.Tokens, error) {
	if err := f.wait(ctx); err != nil {
		return flows.Tokens{}, err
	}
	f.mu.Lock()
	f.refreshes++
	f.mu.Unlock()
	return f.Refreshed, f.RefreshErr
}

// Inspected returns the tokens Inspect was asked about, in order.
func (f *Tokens) Inspected() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.inspected...)
}

// Refreshes returns how often Refresh ran.
func (f *Tokens) Refreshes() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.refreshes
}

func (f *Tokens) wait(ctx context.Context) error {
	if f.Block == nil {
		return nil
	}
	select {
	case <-f.Block:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
