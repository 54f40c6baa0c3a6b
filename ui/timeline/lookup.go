package timeline

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/cogscope/cogscope/ui/service"
)

// A call's lines usually reach the timeline through the tails the Logs
// view and the API view's pane run. Those follow from the moment they
// start, and a log group that did not exist yet (an access log or a
// Lambda's group appears with the first call) is followed only once it
// does: the first call's lines fall in that gap. So for each call of a
// listed route with a request id, the timeline also asks the log service
// once for the route's lines that carry the id, from a little before the
// call was sent, for a bounded time. What both deliver is kept once.
const (
	// lookupFor bounds a lookup: Lambda and access-log lines arrive
	// within seconds of the call.
	lookupFor = 20 * time.Second
	// lookupBefore is how far before the call was sent a lookup reads
	// (clocks differ a little).
	lookupBefore = time.Minute
	// maxLookups is how many lookups run at once; more calls than that
	// rely on the tails alone.
	maxLookups = 8
)

// lookupStartedMsg says a lookup started (or could not: err).
type lookupStartedMsg struct {
	requestID string
	ch        <-chan service.TailUpdate
	cancel    context.CancelFunc
	err       error
}

// lookupMsg is one delivery of a lookup; closed when it ended.
type lookupMsg struct {
	requestID string
	ch        <-chan service.TailUpdate
	cancel    context.CancelFunc
	events    []service.LogEvent
	closed    bool
}

// lookup is the Cmd that asks for a call's lines, nil when there is
// nothing to ask (no log service, no route groups, no usable request id).
func (m *Model) lookup(c service.CallRecord, sent time.Time) tea.Cmd {
	if m.logs == nil || c.Result == nil || c.Request.Route == nil || len(c.Request.Route.LogGroups) == 0 ||
		m.lookups >= maxLookups {
		return nil
	}
	id := c.Result.RequestID
	if !plainID(id) {
		return nil
	}
	m.lookups++
	svc := m.logs
	req := service.TailRequest{Groups: append([]string(nil), c.Request.Route.LogGroups...),
		FilterPattern: `"` + id + `"`, Since: sent.Add(-lookupBefore)}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), lookupFor)
		ch, err := svc.Tail(ctx, req)
		if err != nil {
			cancel()
		}
		return lookupStartedMsg{requestID: id, ch: ch, cancel: cancel, err: err}
	}
}

// plainID reports whether a request id can be quoted in a filter pattern
// as it is: API Gateway's ids are base64-ish or UUIDs.
func plainID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case r == '-' || r == '_' || r == '=' || r == '+' || r == '/' || r == '.':
		default:
			return false
		}
	}
	return true
}

// waitLookup reads a lookup's next delivery.
func waitLookup(id string, ch <-chan service.TailUpdate, cancel context.CancelFunc) tea.Cmd {
	return func() tea.Msg {
		u, ok := <-ch
		if !ok {
			cancel()
			return lookupMsg{requestID: id, closed: true}
		}
		return lookupMsg{requestID: id, ch: ch, cancel: cancel, events: u.Events}
	}
}

// lookedUp takes a lookup's message: its lines, all of which carry the
// id it asked for (the service matched them by it).
func (m *Model) lookedUp(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case lookupStartedMsg:
		if msg.err != nil {
			m.lookups--
			return nil
		}
		return waitLookup(msg.requestID, msg.ch, msg.cancel)
	case lookupMsg:
		if msg.closed {
			m.lookups--
			return nil
		}
		changed := false
		for _, e := range msg.events {
			if e.RequestID == "" {
				e.RequestID = msg.requestID
			}
			if e.RequestID == msg.requestID {
				changed = m.st.addLine(e) || changed
			}
		}
		if changed {
			m.rebuild()
		}
		return waitLookup(msg.requestID, msg.ch, msg.cancel)
	}
	return nil
}
