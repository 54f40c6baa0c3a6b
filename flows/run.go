package flows

import (
	"context"
	"errors"
	"fmt"
)

// Run starts f and answers each challenge through a until the flow ends.
// It returns the last Result (with tokens on success) and the first error:
// a Cognito refusal (*CallError), or an *UnanswerableError when a cannot
// or will not answer. When a also implements Retrier, an answer refused in
// a way that leaves the challenge open (Retryable) is asked for again for
// as long as Retry says so.
func Run(ctx context.Context, f *Flow, a Answerer) (*Result, error) {
	res, err := f.Start(ctx)
	retrier, _ := a.(Retrier)
	for err == nil && !res.Done() {
		c := res.Challenge
		if c == nil {
			return res, errors.New("flow stopped without tokens or a challenge")
		}
		if c.Unanswerable != "" {
			return res, &UnanswerableError{Challenge: c.Name, Reason: c.Unanswerable}
		}
		var ans Answer
		ans, err = a.Answer(ctx, c)
		if err != nil {
			return res, fmt.Errorf("answer %s: %w", c.Name, err)
		}
		forgotten := res.ForgottenDevice
		next, rerr := f.Respond(ctx, ans)
		if rerr != nil && retrier != nil && Retryable(rerr) && f.Pending() == c && retrier.Retry(ctx, c, rerr) {
			continue // the same challenge, asked again
		}
		res, err = next, rerr
		if res != nil && res.ForgottenDevice == "" {
			res.ForgottenDevice = forgotten
		}
	}
	return res, err
}

// Retrier is an optional interface of an Answerer: after an answer was
// refused in a way that leaves the challenge open, Run calls Retry with
// the refusal, and asks for the same challenge again when it returns true
// (a person at a terminal who mistyped a code).
type Retrier interface {
	Retry(ctx context.Context, c *Challenge, err error) bool
}

// Retryable reports whether err, returned by Respond, leaves the challenge
// open for another answer: an answer that does not fit the challenge's
// form (nothing was sent), a wrong or expired code (CodeMismatchException:
// Cognito keeps the session for a few attempts), or a new password the
// pool's policy refuses (InvalidPasswordException). Every other refusal
// ends the sign-in.
func Retryable(err error) bool {
	if errors.Is(err, ErrInvalidAnswer) {
		return true
	}
	var ce *CallError
	if !errors.As(err, &ce) || ce.API == nil {
		return false
	}
	switch ce.API.Type {
	case "CodeMismatchException", "InvalidPasswordException":
		return true
	}
	return false
}
