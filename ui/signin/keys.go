package signin

import "charm.land/bubbles/v2/key"

// KeyMap is the Sign-in view's bindings. Bindings that do not apply in the
// current state are disabled, so they drop out of the help by themselves.
type KeyMap struct {
	Up       key.Binding
	Down     key.Binding
	Pick     key.Binding // ↑/↓ in the short help, standing for Up and Down
	Run      key.Binding // enter: edit the form, next field, run
	Next     key.Binding // tab inside a form
	Prev     key.Binding // shift+tab inside a form
	Back     key.Binding // esc: leave the form, cancel a run, close an error
	Unmask   key.Binding
	Open     key.Binding // the authorize URL again, while the browser sign-in waits
	Copy     key.Binding // the authorize URL, by OSC 52
	Provider key.Binding // p on the hosted-UI flow: the next identity provider
	PageUp   key.Binding
	PageDown key.Binding
	Doctor   key.Binding // the doctor's checklist for the picked flow
	Explain  key.Binding // paste an error to explain
}

// DefaultKeyMap returns the Sign-in bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "previous flow")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "next flow")),
		Run:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "fill in & run")),
		Pick:     key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "flow")),
		Next:     key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next field")),
		Prev:     key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous field")),
		Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Unmask:   key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "unmask")),
		Open:     key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open the sign-in URL in the browser")),
		Copy:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy the sign-in URL")),
		Provider: key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "identity provider")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "scroll trace up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "scroll trace down")),
		Doctor:   key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "doctor")),
		Explain:  key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "explain an error")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Pick, k.Run, k.Next, k.Back, k.Open, k.Copy, k.Provider, k.Doctor, k.Explain, k.Unmask}
}

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.Run},
		{k.Next, k.Prev, k.Back},
		{k.Unmask, k.Open, k.Copy, k.Provider},
		{k.PageUp, k.PageDown},
		{k.Doctor, k.Explain},
	}
}
