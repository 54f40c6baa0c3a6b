package tokens

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/inspect"
	"github.com/cogscope/cogscope/ui/service"
)

// Results carry the id of the request they answer; a result whose id is
// no longer the slot's (or the view's) latest is stale and dropped.

// inspectedMsg is the inspector's answer for one tab: first the decoded
// report (verified false), then the verdict.
type inspectedMsg struct {
	tab      int
	id       int
	verified bool
	report   *inspect.Report
	err      error
}

// refreshedMsg is the answer to a refresh.
type refreshedMsg struct {
	id     int
	tokens flows.Tokens
	err    error
}

// tickMsg advances the countdown; id keeps a single tick chain alive.
type tickMsg struct {
	id  int
	now time.Time
}

// timeout bounds one inspection or refresh, so a service that hangs
// cannot leave the spinner turning for ever.
const timeout = 30 * time.Second

func inspectCmd(svc service.Tokens, tab, id int, raw string, use service.TokenUse) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		r, err := svc.Inspect(ctx, raw, use)
		return inspectedMsg{tab: tab, id: id, verified: true, report: r, err: err}
	}
}

func describeCmd(svc service.Tokens, tab, id int, raw string) tea.Cmd {
	return func() tea.Msg {
		return inspectedMsg{tab: tab, id: id, report: svc.Describe(raw)}
	}
}

func refreshCmd(svc service.Tokens, id int, s flows.Tokens) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		t, err := svc.Refresh(ctx, s)
		return refreshedMsg{id: id, tokens: t, err: err}
	}
}

func tickCmd(id int) tea.Cmd {
	return tea.Tick(time.Second, func(t time.Time) tea.Msg { return tickMsg{id: id, now: t} })
}
