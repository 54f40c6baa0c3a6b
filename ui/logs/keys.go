package logs

import "charm.land/bubbles/v2/key"

// KeyMap is the Logs view's bindings.
type KeyMap struct {
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding
	Pause    key.Binding
	Filter   key.Binding
	Jump     key.Binding
	Expand   key.Binding
	Clear    key.Binding // esc: clear the filter and the highlight
	Submit   key.Binding // enter in the filter or request-id box
	Cancel   key.Binding // esc in a box
}

// DefaultKeyMap returns the Logs bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "previous line")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "next line")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g/home", "oldest line held")),
		Bottom:   key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G/end", "newest line, follow")),
		Pause:    key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "pause/resume")),
		Filter:   key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter the held lines")),
		Jump:     key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "jump to a request id")),
		Expand:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "expand a JSON line")),
		Clear:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter & highlight")),
		Submit:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply")),
		Cancel:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Pause, k.Filter, k.Jump, k.Expand, k.Bottom, k.Submit, k.Cancel}
}

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown},
		{k.Top, k.Bottom, k.Pause, k.Expand},
		{k.Filter, k.Jump, k.Clear, k.Submit, k.Cancel},
	}
}
