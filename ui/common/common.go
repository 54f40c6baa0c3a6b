// Package common holds what the console's root model and its pages share:
// the messages they pass each other and small helpers for keymaps. It keeps
// pages independent of the root (and of each other).
//
// It imports bubbletea, bubbles/key and flows (types), and no other ui
// package.
package common

import (
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/termtext"
)

// StatusMsg asks the root to show a short status line, which clears itself
// after a few seconds (or when a newer one replaces it).
type StatusMsg struct {
	Text string
	Err  bool
}

// Status is a Cmd that shows text on the status line.
func Status(text string) tea.Cmd {
	return func() tea.Msg { return StatusMsg{Text: termtext.Line(text)} }
}

// StatusError is a Cmd that shows text on the status line as an error.
func StatusError(text string) tea.Cmd {
	// Status errors quote services and tokens: never raw on the terminal.
	return func() tea.Msg { return StatusMsg{Text: termtext.Line(text), Err: true} }
}

// SessionMsg announces new tokens: a sign-in finished or a refresh
// succeeded. Every page that shows or uses the session takes it.
type SessionMsg struct {
	Tokens flows.Tokens
	// From says what produced them ("SRP sign-in", "refresh").
	From string
	// Flow is the flow that produced them (a service.Flow: "srp",
	// "pkce", "refresh", …), recorded with the saved session.
	Flow string
	// Stored is set for the session the console started with: it comes
	// from the session store and is not saved again.
	Stored bool
}

// Session is a Cmd that announces tokens obtained by flow.
func Session(t flows.Tokens, from, flow string) tea.Cmd {
	return func() tea.Msg { return SessionMsg{Tokens: t, From: from, Flow: flow} }
}

// StoredSession is a Cmd that announces the session the console started
// with.
func StoredSession(t flows.Tokens) tea.Cmd {
	return func() tea.Msg { return SessionMsg{Tokens: t, From: "the session store", Stored: true} }
}

// Clock is the console's notion of now; tests fix it.
type Clock func() time.Time

// KeyMap is a help.KeyMap built from binding groups, so a root can show a
// page's keys and its own together.
type KeyMap struct {
	Short []key.Binding
	Full  [][]key.Binding
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return k.Short }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding { return k.Full }

// ShowLogsMsg asks for the Logs view with the lines of a request id: the
// root switches to it, and the Logs view jumps there.
type ShowLogsMsg struct {
	RequestID string
}
