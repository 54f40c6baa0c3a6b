package ui

import (
	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/cogscope/cogscope/ui/theme"
)

// page is what the root asks of a view: the root holds its views in an
// array of these, indexed by Page, the way soft-serve's UI holds its
// components, so that adding a view is one line in New.
//
// A page changes in place (the root holds a pointer to it); Update hands
// back the page's Cmd only.
type page interface {
	SetSize(w, h int)
	SetTheme(t *theme.Theme)
	KeyMap() help.KeyMap
	// Typing reports whether a text field has the keyboard: the root's
	// keys then go to the page, all but ctrl+c.
	Typing() bool
	Update(msg tea.Msg) tea.Cmd
	View() string
	// Init starts the view's own work (nil for none); Busy reports
	// whether it waits for a service.
	Init() tea.Cmd
	Busy() bool
}

// viewModel is a view written in the bubbles grammar: a value model whose
// Update returns its concrete type, whose setters take a pointer.
type viewModel[M any] interface {
	Update(tea.Msg) (M, tea.Cmd)
	View() string
	KeyMap() help.KeyMap
	Typing() bool
}

// viewSetters are a view's pointer methods.
type viewSetters[M any] interface {
	*M
	SetSize(w, h int)
	SetTheme(t *theme.Theme)
}

// pageOf adapts a viewModel to page. Its M field is the view itself, so
// that the root can reach a view's own methods (signin's SetTarget).
type pageOf[M viewModel[M], PM viewSetters[M]] struct{ M M }

// newPage wraps the view m.
func newPage[M viewModel[M], PM viewSetters[M]](m M) *pageOf[M, PM] {
	return &pageOf[M, PM]{M: m}
}

func (p *pageOf[M, PM]) SetSize(w, h int)        { PM(&p.M).SetSize(w, h) }
func (p *pageOf[M, PM]) SetTheme(t *theme.Theme) { PM(&p.M).SetTheme(t) }
func (p *pageOf[M, PM]) KeyMap() help.KeyMap     { return p.M.KeyMap() }
func (p *pageOf[M, PM]) Typing() bool            { return p.M.Typing() }
func (p *pageOf[M, PM]) View() string            { return p.M.View() }

func (p *pageOf[M, PM]) Update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	p.M, cmd = p.M.Update(msg)
	return cmd
}

// Init starts the view's own work (a countdown), when it has any.
func (p *pageOf[M, PM]) Init() tea.Cmd {
	if i, ok := any(p.M).(interface{ Init() tea.Cmd }); ok {
		return i.Init()
	}
	return nil
}

// Busy reports whether the view waits for a service, when it can tell.
func (p *pageOf[M, PM]) Busy() bool {
	if b, ok := any(p.M).(interface{ Busy() bool }); ok {
		return b.Busy()
	}
	return false
}
