package service

import (
	"context"
	"errors"
	"time"
)

// ErrNoGroupYet is a tail refused because none of its log groups exists
// yet. That is a normal state, not a failure: API Gateway creates an
// access-log group with the API's first logged request, Lambda its group
// with the function's first invocation. Logs.Tail wraps it; the view
// waits and tries again.
var ErrNoGroupYet = errors.New("no log group to follow yet")

// ErrGroupAppeared ends a tail because one of its log groups now exists:
// the view starts the tail again to follow it too. Normal, not a failure.
var ErrGroupAppeared = errors.New("log group appeared")

// TailRequest is what a tail follows.
type TailRequest struct {
	// Groups are the log groups, by name.
	Groups []string
	// FilterPattern is a CloudWatch Logs filter pattern the service
	// applies; empty for every event.
	FilterPattern string
	// Since is how far back to start; zero for now.
	Since time.Time
}

// LogEvent is one log line.
type LogEvent struct {
	Time    time.Time
	Group   string
	Stream  string
	ID      string // the service's event id
	Message string
	// RequestID is the API Gateway request id the line carries (an
	// access-log line's requestId, an authorizer's log of it); empty
	// when the service found none.
	RequestID string
}

// TailMode says how a tail runs.
type TailMode string

// The ways of tailing.
const (
	TailLive    TailMode = "live"    // StartLiveTail, pushed
	TailPolling TailMode = "polling" // FilterLogEvents, every few seconds
)

// TailStatus says how a tail is doing.
type TailStatus struct {
	Mode TailMode
	// Lag is how far behind the newest event is (ingestion delay, or the
	// polling interval).
	Lag time.Duration
	// Sampled is set when the service sent a sample only (Live Tail above
	// 500 events/s).
	Sampled bool
	// Err is the latest error; nil when the tail is healthy. Retrying
	// says the tail goes on trying; Reconnects counts its new starts.
	Err        error
	Retrying   bool
	Reconnects int
}

// TailUpdate is one delivery from a tail: events, a status change, or
// both.
type TailUpdate struct {
	Events []LogEvent
	Status *TailStatus
}

// Logs tails log groups.
type Logs interface {
	// Groups are the log groups the Logs view follows by default (the
	// authorizers' and the APIs' access logs); empty when the target has
	// none.
	Groups(ctx context.Context) ([]string, error)
	// Tail starts following req. Updates arrive on the channel, in time
	// order within each group, until ctx is cancelled; then the channel
	// is closed. The service retries on its own after an error and says
	// so in a Status; the channel closes early only when it gives up (its
	// last Status says why). The error is for a request that cannot
	// start at all.
	Tail(ctx context.Context, req TailRequest) (<-chan TailUpdate, error)
}
