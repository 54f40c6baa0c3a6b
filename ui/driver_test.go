package ui

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/cogscope/cogscope/ui/internal/fakes"
	"github.com/cogscope/cogscope/ui/internal/teststep"
)

// driver runs the root Model as the program would (see teststep), with
// the fixed clock of the fakes, and remembers a quit.
type driver struct {
	*teststep.Driver[Model]
}

func newDriver(t testing.TB, o Options, w, h int) *driver {
	t.Helper()
	if o.Now == nil {
		o.Now = fakes.Clock
	}
	if o.StatusFor == 0 {
		o.StatusFor = time.Hour // status lines stay put during a test
	}
	update := func(m Model, msg tea.Msg) (Model, tea.Cmd) {
		n, cmd := m.Update(msg)
		return n.(Model), cmd
	}
	isQuit := func(msg tea.Msg) bool { _, ok := msg.(tea.QuitMsg); return ok }
	d := &driver{teststep.New(t, New(o), update, isQuit)}
	d.Busy = Model.Busy
	d.Do(d.M.Init())
	d.Send(tea.WindowSizeMsg{Width: w, Height: h})
	d.Settle()
	return d
}

func (d *driver) keys(keys ...string) { d.Keys(keys...) }
func (d *driver) typeText(s string)   { d.Type(s) }

// quit reports whether the console asked to quit.
func (d *driver) quit() bool { return len(d.Kept) > 0 }

// screen is the frame with ANSI stripped.
func (d *driver) screen() string { return ansi.Strip(d.M.render()) }
