package ui

import "charm.land/bubbles/v2/key"

// KeyMap is the console's global bindings, handled before the active
// view's. While a view has a text field focused only ForceQuit is global.
type KeyMap struct {
	Quit      key.Binding
	ForceQuit key.Binding
	Help      key.Binding
	Views     key.Binding // 1–5, help only: the five below do the work
	SignIn    key.Binding
	Tokens    key.Binding
	API       key.Binding
	Logs      key.Binding
	Timeline  key.Binding
	NextView  key.Binding
	PrevView  key.Binding
	CloseHelp key.Binding
	// Tour opens and closes the demo's tour; enabled only when the
	// console has one (the local stack's demo).
	Tour key.Binding
	// Export writes the target's latest recorded session as Markdown
	// (Options.ExportTranscript); enabled only when the console can.
	Export key.Binding
}

// DefaultKeyMap returns the global bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit from anywhere")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Views:     key.NewBinding(key.WithKeys("1", "2", "3", "4", "5"), key.WithHelp("1-5", "views")),
		SignIn:    key.NewBinding(key.WithKeys("1"), key.WithHelp("1", "sign in")),
		Tokens:    key.NewBinding(key.WithKeys("2"), key.WithHelp("2", "tokens")),
		API:       key.NewBinding(key.WithKeys("3"), key.WithHelp("3", "API")),
		Logs:      key.NewBinding(key.WithKeys("4"), key.WithHelp("4", "logs")),
		Timeline:  key.NewBinding(key.WithKeys("5"), key.WithHelp("5", "timeline")),
		NextView:  key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next view")),
		PrevView:  key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous view")),
		CloseHelp: key.NewBinding(key.WithKeys("?", "esc", "q"), key.WithHelp("?/esc", "close help")),
		Tour:      key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "tour (demo stack)")),
		Export:    key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "export transcript (Markdown)")),
	}
}

// pageBindings are the keys that go to each view, indexed by Page.
func (k KeyMap) pageBindings() [numPages]key.Binding {
	return [numPages]key.Binding{PageSignIn: k.SignIn, PageTokens: k.Tokens, PageAPI: k.API, PageLogs: k.Logs,
		PageTimeline: k.Timeline}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Views, k.Tour, k.Help, k.Quit}
}

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.SignIn, k.Tokens, k.API, k.Logs, k.Timeline},
		{k.NextView, k.PrevView, k.Tour, k.Export, k.Help, k.Quit, k.ForceQuit},
	}
}
