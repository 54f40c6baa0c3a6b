package signin

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/ui/service"
)

// Every message of a run carries the run's id: when the user has started
// another run or cancelled, late answers of the old one are dropped.

// runStartedMsg reports SignIn.Start's answer; flow is the run's flow's
// title (for the timeline's records).
type runStartedMsg struct {
	id   int
	flow string
	run  service.Run
	err  error
}

// runEventMsg is one event from the run's stream; closed when it ended.
type runEventMsg struct {
	id     int
	flow   string
	ev     service.Event
	closed bool
}

// Records implements service.Recorded: a start refused is a failed
// sign-in.
func (m runStartedMsg) Records() []service.Record {
	if m.err == nil {
		return nil
	}
	return []service.Record{{Run: m.id, Flow: m.flow, Err: m.err}}
}

// Records implements service.Recorded: a step, or why the sign-in failed.
func (m runEventMsg) Records() []service.Record {
	switch {
	case m.closed:
		return nil
	case m.ev.Step != nil:
		return []service.Record{{Run: m.id, Flow: m.flow, Step: m.ev.Step}}
	case m.ev.Err != nil:
		return []service.Record{{Run: m.id, Flow: m.flow, Err: m.ev.Err}}
	}
	return nil
}

// answerSentMsg reports Run.Answer's answer.
type answerSentMsg struct {
	id  int
	err error
}

func startCmd(ctx context.Context, svc service.SignIn, id int, flow string, req service.SignInRequest) tea.Cmd {
	return func() tea.Msg {
		run, err := svc.Start(ctx, req)
		return runStartedMsg{id: id, flow: flow, run: run, err: err}
	}
}

// waitCmd waits for the run's next event. The page re-arms it after each
// event, so the stream is read one message at a time and never in Update.
func waitCmd(id int, flow string, ch <-chan service.Event) tea.Cmd {
	return func() tea.Msg {
		ev, ok := <-ch
		return runEventMsg{id: id, flow: flow, ev: ev, closed: !ok}
	}
}

func answerCmd(run service.Run, id int, a flows.Answer) tea.Cmd {
	return func() tea.Msg {
		return answerSentMsg{id: id, err: run.Answer(a)}
	}
}
