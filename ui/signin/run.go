package signin

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/ui/service"
)

// Every message of a run carries the run's id: when the user has started
// another run or cancelled, late answers of the old one are dropped.

// runStartedMsg reports SignIn.Start's answer.
type runStartedMsg struct {
	id  int
	run service.Run
	err error
}

// runEventMsg is one event from the run's stream; closed when it ended.
type runEventMsg struct {
	id     int
	ev     service.Event
	closed bool
}

// answerSentMsg reports Run.Answer's answer.
type answerSentMsg struct {
	id  int
	err error
}

func startCmd(ctx context.Context, svc service.SignIn, id int, req service.SignInRequest) tea.Cmd {
	return func() tea.Msg {
		run, err := svc.Start(ctx, req)
		return runStartedMsg{id: id, run: run, err: err}
	}
}

// waitCmd waits for the run's next event. The page re-arms it after each
// event, so the stream is read one message at a time and never in Update.
func waitCmd(id int, ch <-chan service.Event) tea.Cmd {
	return func() tea.Msg {
		ev, ok := <-ch
		return runEventMsg{id: id, ev: ev, closed: !ok}
	}
}

func answerCmd(run service.Run, id int, a flows.Answer) tea.Cmd {
	return func() tea.Msg {
		return answerSentMsg{id: id, err: run.Answer(a)}
	}
}
