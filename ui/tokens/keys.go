package tokens

import "charm.land/bubbles/v2/key"

// KeyMap is the Tokens view's bindings.
type KeyMap struct {
	PrevTab  key.Binding
	NextTab  key.Binding
	Tabs     key.Binding // ←/→ in the short help, standing for PrevTab and NextTab
	Refresh  key.Binding
	Copy     key.Binding
	Verify   key.Binding
	Paste    key.Binding
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	// AWS trades the ID token for AWS credentials (the ID tab's panel,
	// when the service can); not in the help lists, the panel says it.
	AWS    key.Binding
	Submit key.Binding // enter in the paste box
	Cancel key.Binding // esc in the paste box
}

// DefaultKeyMap returns the Tokens bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		PrevTab:  key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/h", "previous token")),
		NextTab:  key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→/l", "next token")),
		Tabs:     key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←/→", "token")),
		Refresh:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh")),
		Copy:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy")),
		Verify:   key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "verify")),
		Paste:    key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "paste")),
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "scroll up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "scroll down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		AWS:      key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "AWS credentials")),
		Submit:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "inspect")),
		Cancel:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Tabs, k.Refresh, k.Copy, k.Verify, k.Paste, k.Submit, k.Cancel}
}

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.PrevTab, k.NextTab, k.Up, k.Down},
		{k.Refresh, k.Copy, k.Verify, k.Paste},
		{k.PageUp, k.PageDown, k.Submit, k.Cancel},
	}
}
