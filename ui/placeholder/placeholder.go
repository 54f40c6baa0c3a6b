// Package placeholder is a view that is not built yet: it holds its place
// in the frame (a pane of the right size) and says what will arrive there.
//
// It imports bubbletea, bubbles/help and the console's theme and widgets.
package placeholder

import (
	"strings"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/cogscope/cogscope/ui/common"
	"github.com/cogscope/cogscope/ui/theme"
	"github.com/cogscope/cogscope/ui/widgets"
)

// Model is a placeholder view.
type Model struct {
	t             *theme.Theme
	title, about  string
	width, height int
}

// New returns a placeholder titled title that explains about.
func New(t *theme.Theme, title, about string) Model {
	return Model{t: t, title: title, about: about}
}

// SetTheme restyles the view.
func (m *Model) SetTheme(t *theme.Theme) { m.t = t }

// SetSize gives the view its area.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// Typing is always false: a placeholder takes no text.
func (m Model) Typing() bool { return false }

// KeyMap is empty: a placeholder has no keys of its own.
func (m Model) KeyMap() help.KeyMap { return common.KeyMap{} }

// Update does nothing yet.
func (m Model) Update(tea.Msg) (Model, tea.Cmd) { return m, nil }

// View renders the pane with the explanation centred.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	inner := max(m.width-6, 10)
	text := m.t.Muted.Render(strings.Join(strings.Split(ansi.Wrap(m.about, min(inner, 64), " "), "\n"), "\n"))
	body := lipgloss.Place(m.width-2, m.height-2, lipgloss.Center, lipgloss.Center, text)
	return widgets.Pane(m.t, m.title, body, m.width, m.height, false)
}
