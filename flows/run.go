package flows

import (
	"context"
	"errors"
	"fmt"
)

// Run starts f and answers each challenge through a until the flow ends.
// It returns the last Result (with tokens on success) and the first error:
// a Cognito refusal (*CallError), or an *UnanswerableError when a cannot
// or will not answer.
func Run(ctx context.Context, f *Flow, a Answerer) (*Result, error) {
	res, err := f.Start(ctx)
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
		res, err = f.Respond(ctx, ans)
		if res != nil && res.ForgottenDevice == "" {
			res.ForgottenDevice = forgotten
		}
	}
	return res, err
}
