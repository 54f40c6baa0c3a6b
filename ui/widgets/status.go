package widgets

import (
	"github.com/cogscope/cogscope/inspect"
	"github.com/cogscope/cogscope/ui/theme"
)

// StatusGlyph is the one-cell verdict mark for a claim or check.
func StatusGlyph(t *theme.Theme, s inspect.Status) string {
	switch s {
	case inspect.StatusOK:
		return t.OK.Render(theme.Check)
	case inspect.StatusFail:
		return t.Error.Render(theme.Cross)
	case inspect.StatusSkipped:
		return t.Muted.Render(theme.Skip)
	}
	return " "
}
