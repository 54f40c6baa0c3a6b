package service

import (
	"context"
	"errors"
	"sync"

	"github.com/cogscope/cogscope/flows"
)

// RunFunc runs one flow to its end, the way flows.Run does: it reports each
// step through onStep as it completes, asks ask for every challenge's
// answer, and returns the tokens or the error. cmd builds one per sign-in
// from flows.New (with OnStep and Reveal set) and flows.Run, or from the
// hosted-UI client; errors are best returned as *Failure with the
// diagnosis filled in.
type RunFunc func(ctx context.Context, onStep func(flows.Step), ask flows.Answerer) (*flows.Tokens, error)

// PrepareFunc turns the form's request into a RunFunc, or refuses it
// (missing target, flow not available).
type PrepareFunc func(req SignInRequest) (RunFunc, error)

// NewSignIn adapts blocking flows (challenges answered through a callback)
// to the console's streaming SignIn: each flow runs on its own goroutine,
// its steps and challenges become events, and Run.Answer feeds the callback.
// Cancelling the Start context stops the flow and closes its events.
func NewSignIn(prepare PrepareFunc) SignIn {
	return bridge(prepare)
}

type bridge PrepareFunc

// eventBuffer lets a flow record a burst of steps without waiting for the
// console to draw each one.
const eventBuffer = 32

func (b bridge) Start(ctx context.Context, req SignInRequest) (Run, error) {
	run, err := b(req)
	if err != nil {
		return nil, err
	}
	r := &bridgeRun{events: make(chan Event, eventBuffer), answers: make(chan flows.Answer, 1)}
	go r.play(ctx, run)
	return r, nil
}

type bridgeRun struct {
	events  chan Event
	answers chan flows.Answer

	mu      sync.Mutex
	waiting bool // a challenge is out and no answer has come yet
}

func (r *bridgeRun) Events() <-chan Event { return r.events }

// ErrNotWaiting is returned by Answer when no challenge is pending.
var ErrNotWaiting = errors.New("the flow is not waiting for an answer")

func (r *bridgeRun) Answer(a flows.Answer) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.waiting {
		return ErrNotWaiting
	}
	r.waiting = false
	r.answers <- a // buffered: never blocks while waiting was true
	return nil
}

func (r *bridgeRun) play(ctx context.Context, run RunFunc) {
	defer close(r.events)
	send := func(ev Event) bool {
		select {
		case r.events <- ev:
			return true
		case <-ctx.Done():
			return false
		}
	}
	ask := &bridgeAsker{ctx: ctx, r: r, send: send}
	tokens, err := run(ctx, func(s flows.Step) { send(Event{Step: &s}) }, ask)
	switch {
	case ctx.Err() != nil:
		// Cancelled: nobody is listening any more.
	case err != nil:
		send(Event{Err: err})
	case tokens != nil:
		send(Event{Tokens: tokens})
	default:
		send(Event{Err: errors.New("the flow ended without tokens")})
	}
}

// MaxAnswers is how many answers one challenge gets, as at the command
// line: Cognito keeps a challenge's session for about as many wrong codes.
const MaxAnswers = 3

// bridgeAsker answers the flow's challenges with the user's, through the
// events and Run.Answer. It is a flows.Retrier: a refused code is asked
// for again, up to MaxAnswers answers, with the refusal shown.
type bridgeAsker struct {
	ctx  context.Context
	r    *bridgeRun
	send func(Event) bool

	last    *flows.Challenge // the challenge asked last
	tries   int              // answers it got
	refused error            // why the last answer was refused, to show with the next ask
}

func (b *bridgeAsker) Answer(actx context.Context, c *flows.Challenge) (flows.Answer, error) {
	if c != b.last {
		b.last, b.tries, b.refused = c, 0, nil
	}
	ev := Event{Challenge: c}
	if b.refused != nil {
		ev.Refused, ev.TriesLeft = b.refused, MaxAnswers-b.tries
		b.refused = nil
	}
	b.tries++
	b.r.mu.Lock()
	b.r.waiting = true
	b.r.mu.Unlock()
	if !b.send(ev) {
		return nil, b.ctx.Err()
	}
	select {
	case a := <-b.r.answers:
		return a, nil
	case <-b.ctx.Done():
		return nil, b.ctx.Err()
	case <-actx.Done():
		return nil, actx.Err()
	}
}

// Retry implements flows.Retrier: the same challenge is asked again while
// it has answers left.
func (b *bridgeAsker) Retry(_ context.Context, c *flows.Challenge, err error) bool {
	if c != b.last || b.tries >= MaxAnswers {
		return false
	}
	b.refused = err
	return true
}
