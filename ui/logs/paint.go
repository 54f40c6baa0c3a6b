package logs

import (
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/cogscope/cogscope/ui/theme"
)

// paint is a style's escape sequences, taken once from the theme, for the
// lines drawn every frame: wrapping text in them costs a concatenation
// where Style.Render costs a measure and a dozen allocations. It serves
// styles of colour and weight only (no padding, width or border).
type paint struct{ pre, post string }

func paintOf(st lipgloss.Style) paint {
	s := st.Render("X")
	i := strings.Index(s, "X")
	if i < 0 {
		return paint{}
	}
	return paint{pre: s[:i], post: s[i+1:]}
}

func (p paint) on(s string) string {
	if p.pre == "" && p.post == "" {
		return s
	}
	return p.pre + s + p.post
}

// paints are the line styles of a theme.
type paints struct {
	muted, text, dim, highlight, selected paint
	groups                                []paint
}

func paintsOf(t *theme.Theme) paints {
	p := paints{muted: paintOf(t.Muted), text: paintOf(t.Text), dim: paintOf(t.Dim),
		highlight: paintOf(t.Highlight), selected: paintOf(t.Selected)}
	for _, g := range t.Groups {
		p.groups = append(p.groups, paintOf(g))
	}
	return p
}
