// Package theme is the one place the console's colours and glyphs live: a
// palette of semantic colours built for a light or dark background (or none
// at all, for NO_COLOR), and the lipgloss styles made from it. Views take a
// *Theme; they never make colours.
//
// It imports only lipgloss and bubbles' style and spinner types.
package theme

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"
)

// Palette is the set of semantic colours.
type Palette struct {
	Text        color.Color
	Muted       color.Color
	Accent      color.Color
	Selection   color.Color // background of the selected row
	OK          color.Color
	Warn        color.Color
	Error       color.Color
	Border      color.Color
	BorderFocus color.Color
	Secret      color.Color
	Browser     color.Color // the browser's lifeline on the sequence diagram
}

// DarkPalette is for terminals with a dark background.
func DarkPalette() Palette {
	return Palette{
		Text:        lipgloss.Color("#E4E4E7"),
		Muted:       lipgloss.Color("#8B8FA3"),
		Accent:      lipgloss.Color("#7AA2F7"),
		Selection:   lipgloss.Color("#2E3A59"),
		OK:          lipgloss.Color("#9ECE6A"),
		Warn:        lipgloss.Color("#E0AF68"),
		Error:       lipgloss.Color("#F7768E"),
		Border:      lipgloss.Color("#3B4261"),
		BorderFocus: lipgloss.Color("#7AA2F7"),
		Secret:      lipgloss.Color("#BB9AF7"),
		Browser:     lipgloss.Color("#7DCFFF"),
	}
}

// LightPalette is for terminals with a light background.
func LightPalette() Palette {
	return Palette{
		Text:        lipgloss.Color("#1F2328"),
		Muted:       lipgloss.Color("#656D76"),
		Accent:      lipgloss.Color("#0550AE"),
		Selection:   lipgloss.Color("#DDF4FF"),
		OK:          lipgloss.Color("#1A7F37"),
		Warn:        lipgloss.Color("#9A6700"),
		Error:       lipgloss.Color("#CF222E"),
		Border:      lipgloss.Color("#D0D7DE"),
		BorderFocus: lipgloss.Color("#0550AE"),
		Secret:      lipgloss.Color("#8250DF"),
		Browser:     lipgloss.Color("#0969DA"),
	}
}

// NoColorPalette sets no colour at all (NO_COLOR); emphasis then comes
// from bold, underline and reverse video only.
func NoColorPalette() Palette {
	n := lipgloss.NoColor{}
	return Palette{n, n, n, n, n, n, n, n, n, n, n}
}

// Theme holds the styles every view draws with.
type Theme struct {
	IsDark  bool
	NoColor bool
	Palette Palette

	Text     lipgloss.Style
	Muted    lipgloss.Style
	Accent   lipgloss.Style
	Bold     lipgloss.Style
	OK       lipgloss.Style
	Warn     lipgloss.Style
	Error    lipgloss.Style
	Secret   lipgloss.Style
	Browser  lipgloss.Style
	Selected lipgloss.Style // the selected row of a list
	Key      lipgloss.Style // a key name in prose ("press m")
	Dim      lipgloss.Style // lines that are not the ones looked at
	// Groups colour log groups, in turn: a tail's first group takes
	// Groups[0], the next Groups[1], and so on round.
	Groups []lipgloss.Style
	// Highlight marks the log lines of the call looked at.
	Highlight lipgloss.Style

	Title       lipgloss.Style // the app name in the header
	Tab         lipgloss.Style
	TabActive   lipgloss.Style
	Pane        lipgloss.Style // a bordered pane
	PaneFocused lipgloss.Style
	PaneTitle   lipgloss.Style
	Overlay     lipgloss.Style // the help box and other floating boxes

	StatusInfo  lipgloss.Style
	StatusError lipgloss.Style

	Help      help.Styles
	TextInput textinput.Styles
	// TextArea styles multi-line inputs (the pasted error to explain).
	TextArea textarea.Styles
}

// New builds the theme for a dark or light background; noColor wins over
// both.
func New(isDark, noColor bool) *Theme {
	p := LightPalette()
	if isDark {
		p = DarkPalette()
	}
	if noColor {
		p = NoColorPalette()
	}
	t := &Theme{IsDark: isDark, NoColor: noColor, Palette: p}
	base := lipgloss.NewStyle()
	t.Text = base.Foreground(p.Text)
	t.Muted = base.Foreground(p.Muted)
	t.Accent = base.Foreground(p.Accent)
	t.Bold = base.Bold(true)
	t.OK = base.Foreground(p.OK)
	t.Warn = base.Foreground(p.Warn)
	t.Error = base.Foreground(p.Error).Bold(true)
	t.Secret = base.Foreground(p.Secret)
	t.Browser = base.Foreground(p.Browser)
	t.Selected = base.Background(p.Selection).Foreground(p.Text).Bold(true)
	t.Key = base.Foreground(p.Accent).Bold(true)
	t.Dim = base.Foreground(p.Muted).Faint(true)
	t.Groups = []lipgloss.Style{
		base.Foreground(p.Accent), base.Foreground(p.Browser), base.Foreground(p.Secret),
		base.Foreground(p.Warn), base.Foreground(p.OK),
	}
	t.Highlight = base.Background(p.Selection).Foreground(p.Text)
	t.Title = base.Foreground(p.Accent).Bold(true)
	t.Tab = base.Foreground(p.Muted).Padding(0, 1)
	t.TabActive = base.Foreground(p.Accent).Bold(true).Underline(true).Padding(0, 1)
	t.Pane = base.Border(lipgloss.RoundedBorder()).BorderForeground(p.Border)
	t.PaneFocused = base.Border(lipgloss.RoundedBorder()).BorderForeground(p.BorderFocus)
	t.PaneTitle = base.Foreground(p.Accent).Bold(true)
	t.Overlay = base.Border(lipgloss.DoubleBorder()).BorderForeground(p.BorderFocus).Padding(0, 1)
	t.StatusInfo = base.Foreground(p.OK)
	t.StatusError = base.Foreground(p.Error).Bold(true)
	if noColor {
		// Without colour the focused pane and the selection must still
		// stand out.
		t.PaneFocused = base.Border(lipgloss.ThickBorder())
		t.Selected = base.Reverse(true)
		t.TabActive = base.Bold(true).Reverse(true).Padding(0, 1)
		t.Highlight = base.Bold(true)
	}

	t.Help = help.DefaultStyles(isDark)
	t.Help.ShortKey = base.Foreground(p.Accent).Bold(true)
	t.Help.FullKey = t.Help.ShortKey
	t.Help.ShortDesc = base.Foreground(p.Muted)
	t.Help.FullDesc = t.Help.ShortDesc
	t.Help.ShortSeparator = base.Foreground(p.Border)
	t.Help.FullSeparator = t.Help.ShortSeparator
	t.Help.Ellipsis = t.Help.ShortSeparator

	t.TextInput = textinput.DefaultStyles(isDark)
	t.TextInput.Focused.Prompt = base.Foreground(p.Accent)
	t.TextInput.Focused.Text = base.Foreground(p.Text)
	t.TextInput.Blurred.Prompt = base.Foreground(p.Muted)
	t.TextInput.Blurred.Text = base.Foreground(p.Muted)
	t.TextInput.Focused.Placeholder = base.Foreground(p.Muted).Faint(true)
	t.TextInput.Blurred.Placeholder = t.TextInput.Focused.Placeholder
	t.TextInput.Cursor.Color = p.Accent
	// A static cursor: no blink ticks, and stable frames for tests.
	t.TextInput.Cursor.Blink = false

	t.TextArea = textarea.DefaultStyles(isDark)
	for _, st := range []*textarea.StyleState{&t.TextArea.Focused, &t.TextArea.Blurred} {
		st.Text = base.Foreground(p.Text)
		st.Placeholder = base.Foreground(p.Muted).Faint(true)
		st.Prompt = base.Foreground(p.Muted)
		st.CursorLine = base
		st.EndOfBuffer = base.Foreground(p.Muted)
	}
	t.TextArea.Focused.Prompt = base.Foreground(p.Accent)
	t.TextArea.Cursor.Color = p.Accent
	t.TextArea.Cursor.Blink = false
	return t
}
