package timeline

import "charm.land/bubbles/v2/key"

// KeyMap is the Timeline view's bindings.
type KeyMap struct {
	Up       key.Binding
	Down     key.Binding
	Open     key.Binding // enter: the entry's detail
	Back     key.Binding // esc: back to the list
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding
}

// DefaultKeyMap returns the Timeline bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "previous entry")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "next entry")),
		Open:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "the entry's detail")),
		Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to the list")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g/home", "first entry")),
		Bottom:   key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G/end", "newest entry, follow")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Open, k.Back, k.Bottom}
}

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.Open, k.Back},
		{k.PageUp, k.PageDown, k.Top, k.Bottom},
	}
}
