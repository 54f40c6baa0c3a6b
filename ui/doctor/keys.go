package doctor

import "charm.land/bubbles/v2/key"

// KeyMap is the doctor pane's bindings. Bindings that do not apply in the
// pane's state are disabled, so they drop out of the help by themselves.
type KeyMap struct {
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Rerun    key.Binding // the checks again
	Explain  key.Binding // paste an error (or edit the pasted one)
	Submit   key.Binding // enter: explain the pasted text
	Newline  key.Binding // a new line in the pasted text
	Close    key.Binding
}

// DefaultKeyMap returns the doctor pane's bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "scroll up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "scroll down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Rerun:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "run the checks again")),
		Explain:  key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "paste an error to explain")),
		Submit:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "explain the pasted error")),
		Newline:  key.NewBinding(key.WithKeys("alt+enter", "ctrl+j"), key.WithHelp("alt+enter", "new line")),
		Close:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Submit, k.Newline, k.Rerun, k.Explain, k.PageDown, k.Close}
}

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown},
		{k.Rerun, k.Explain},
		{k.Submit, k.Newline, k.Close},
	}
}
