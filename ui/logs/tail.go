package logs

import (
	"context"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/cogscope/cogscope/ui/service"
)

// A tail's updates arrive through a Cmd that waits on its channel and is
// re-armed after each message. The Cmd gathers what arrives within one
// frame into one message, so that a flood (10,000 events/s) costs one
// Update and at most one render per frame.
const (
	frame    = time.Second / 60
	maxBatch = 20_000
)

// tailIDs numbers tails across every logs Model (the API view has one of
// its own), so that each takes only its own messages.
var tailIDs atomic.Int64

// groupsMsg is the service's default groups.
type groupsMsg struct {
	id     int64
	groups []string
	err    error
}

// startedMsg says a tail started (or could not).
type startedMsg struct {
	id  int64
	ch  <-chan service.TailUpdate
	err error
}

// batchMsg is what a tail delivered within one frame; closed says the
// channel closed after it.
type batchMsg struct {
	id     int64
	ch     <-chan service.TailUpdate
	events []service.LogEvent
	status *service.TailStatus
	closed bool
}

// retryMsg starts a tail again after it ended.
type retryMsg struct{ id int64 }

// retryAfter is how long a tail that ended waits before starting again.
const retryAfter = 3 * time.Second

func groupsCmd(svc service.Logs, id int64) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		g, err := svc.Groups(ctx)
		return groupsMsg{id: id, groups: g, err: err}
	}
}

func startCmd(ctx context.Context, svc service.Logs, id int64, req service.TailRequest) tea.Cmd {
	return func() tea.Msg {
		ch, err := svc.Tail(ctx, req)
		return startedMsg{id: id, ch: ch, err: err}
	}
}

func waitCmd(id int64, ch <-chan service.TailUpdate) tea.Cmd {
	return func() tea.Msg {
		u, ok := <-ch
		msg := batchMsg{id: id, ch: ch}
		if !ok {
			msg.closed = true
			return msg
		}
		msg.add(u)
		timer := time.NewTimer(frame)
		defer timer.Stop()
		for len(msg.events) < maxBatch {
			// What is already queued is taken first, however long the
			// taking lasts: the frame bounds only the wait for more, so
			// a backlog is never split by the clock of a busy machine.
			select {
			case u, ok := <-ch:
				if !msg.take(u, ok) {
					return msg
				}
				continue
			default:
			}
			select {
			case u, ok := <-ch:
				if !msg.take(u, ok) {
					return msg
				}
			case <-timer.C:
				return msg
			}
		}
		return msg
	}
}

// take adds a received update, or marks the batch closed when the
// channel was (ok false); it reports whether to go on gathering.
func (b *batchMsg) take(u service.TailUpdate, ok bool) bool {
	if !ok {
		b.closed = true
		return false
	}
	b.add(u)
	return true
}

// Records implements service.Recorded: the lines that carry a request
// id. The Logs view's tail and the API view's pane may both deliver a
// line: the timeline takes it once.
func (b batchMsg) Records() []service.Record {
	var with []service.LogEvent
	for _, e := range b.events {
		if e.RequestID != "" {
			with = append(with, e)
		}
	}
	if len(with) == 0 {
		return nil
	}
	return []service.Record{{Logs: with}}
}

func (b *batchMsg) add(u service.TailUpdate) {
	b.events = append(b.events, u.Events...)
	if u.Status != nil {
		b.status = u.Status
	}
}

func retryCmd(id int64) tea.Cmd {
	return tea.Tick(retryAfter, func(time.Time) tea.Msg { return retryMsg{id: id} })
}
