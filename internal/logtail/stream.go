package logtail

import "context"

// Stream is a Tail running in the background, for a consumer that waits on
// channels (the console re-arms a command on Events after each message).
// Events closes when the tail ends; Done then yields its result once.
type Stream struct {
	Events  <-chan Event
	Notices <-chan Notice
	Done    <-chan error
}

// Start runs Tail in a goroutine. Cancelling ctx stops it (a consumer that
// stops reading must cancel); Notices are dropped rather than block the
// tail when nobody reads them.
func Start(ctx context.Context, api API, opts Options) *Stream {
	events := make(chan Event, 256)
	notices := make(chan Notice, 16)
	done := make(chan error, 1)
	user := opts.Notify
	opts.Notify = func(n Notice) {
		if user != nil {
			user(n)
		}
		select {
		case notices <- n:
		default:
		}
	}
	go func() {
		defer close(done)
		err := Tail(ctx, api, opts, func(e Event) bool {
			select {
			case events <- e:
				return true
			case <-ctx.Done():
				return false
			}
		})
		close(events)
		done <- err
	}()
	return &Stream{Events: events, Notices: notices, Done: done}
}
