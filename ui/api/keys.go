package api

import "charm.land/bubbles/v2/key"

// KeyMap is the API view's bindings.
type KeyMap struct {
	Up       key.Binding
	Down     key.Binding
	Pick     key.Binding // ↑/↓ in the short help, standing for Up and Down
	Send     key.Binding
	Token    key.Binding // every choice tokenChoices can offer, by its tokenLabel, in its order (SigV4 on AWS_IAM routes and the free-form request)
	Paste    key.Binding
	Edit     key.Binding
	Resend   key.Binding
	Older    key.Binding
	Newer    key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Logs     key.Binding
	Next     key.Binding // tab in the request form
	Prev     key.Binding // shift+tab in the request form
	Submit   key.Binding // enter in a box
	Cancel   key.Binding // esc in a box
}

// DefaultKeyMap returns the API bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "previous route")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "next route")),
		Pick:     key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "route")),
		Send:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "send")),
		Token:    key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "token: access/ID/none/SigV4/pasted")),
		Paste:    key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "paste a token to send")),
		Edit:     key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "free-form request")),
		Resend:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "re-send the call shown")),
		Older:    key.NewBinding(key.WithKeys("["), key.WithHelp("[", "older call")),
		Newer:    key.NewBinding(key.WithKeys("]"), key.WithHelp("]", "newer call")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "scroll response up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "scroll response down")),
		Logs:     key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "the call's lines in Logs")),
		Next:     key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next field")),
		Prev:     key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous field")),
		Submit:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "send/apply")),
		Cancel:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Pick, k.Send, k.Token, k.Resend, k.Logs, k.Next, k.Submit, k.Cancel}
}

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.Send, k.Token, k.Paste},
		{k.Edit, k.Resend, k.Older, k.Newer, k.Logs},
		{k.PageUp, k.PageDown, k.Next, k.Prev, k.Submit, k.Cancel},
	}
}
