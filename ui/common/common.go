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
	// SignIn, from the Sign-in view, tells the sign-in that produced
	// them, for the tour (carried here rather than sent apart, so that
	// the view's commands stay as they were).
	SignIn *SignInEventMsg
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

// ClipboardSent is the status after what was handed to the terminal's
// clipboard (OSC 52): the console cannot know it arrived, since terminals
// may ignore the sequence and tmux passes it on only with set-clipboard on.
func ClipboardSent(what string) string {
	return "sent " + what + " to the terminal's clipboard (OSC 52; in tmux it needs set-clipboard on)"
}

// ShowLogsMsg asks for the Logs view with the lines of a request id: the
// root switches to it, and the Logs view jumps there.
type ShowLogsMsg struct {
	RequestID string
}

// SignInEventMsg reports a sign-in that reached an end for the user: a
// challenge to answer, tokens, or a failure. The Sign-in view sends it
// for whoever follows the console's progress (the tour); views ignore it.
type SignInEventMsg struct {
	// Flow is the flow (a service.Flow), Username the name typed, and
	// ClientID the app client the flow ran as.
	Flow, Username, ClientID string
	// Challenge is the challenge Cognito asks (the run waits for the
	// user); else Tokens or Failure is set.
	Challenge string
	Tokens    *flows.Tokens
	Failure   *flows.Diagnosis
	// Steps are the run's steps so far (unredacted: never shown from
	// here).
	Steps []flows.Step
}

// CallDoneMsg reports an API call the API view made and its answer.
type CallDoneMsg struct {
	// Method and Path are the route's (or the free-form request's);
	// Token says which token was sent ("access", "id", "pasted", or
	// "none" when none was).
	Method, Path, Token string
	// Status is the answer's status (0: no answer, Err says why);
	// FailedCheck and Diagnosis are the judgement's.
	Status                 int
	FailedCheck, Diagnosis string
	Err                    string
}

// TryMsg asks a view to get ready for something to try (the tour's
// case): the Sign-in view picks Flow and fills the form, and signs in as
// ClientID (with ClientSecret, "" for none) instead of the target's
// client until the next TryMsg; the API view selects the route of Method
// and Path and the token. The root shows View ("signin" or "api").
type TryMsg struct {
	View                                           string
	Flow, Username, Password, ClientID, ClientName string
	ClientSecret                                   string
	Scopes                                         []string
	Method, Path, Token                            string
}
