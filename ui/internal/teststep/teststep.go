// Package teststep drives a view in tests the way the program does: every
// Cmd runs on its own goroutine, its message (batches expanded, animation
// ticks dropped) goes back through the view's Update, and Settle waits
// until the view has been quiet for a moment. A Cmd that waits for
// something the test has not done yet (a tick, a challenge's answer) stays
// pending; its message arrives in a later Settle, as in the program.
//
// Messages meant for the root (status lines, sessions) are kept aside
// rather than fed back.
//
// It imports bubbletea and bubbles' spinner only.
package teststep

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
)

// quiet is how long Settle waits for one more message; busyLimit how long
// it waits for a view that says it is busy.
const (
	quiet     = 100 * time.Millisecond
	busyLimit = 10 * time.Second
)

// Driver runs a view M.
type Driver[M any] struct {
	t       testing.TB
	M       M
	update  func(M, tea.Msg) (M, tea.Cmd)
	keep    func(tea.Msg) bool
	results chan tea.Msg
	// Kept holds the messages keep chose, in arrival order.
	Kept []tea.Msg
	// Busy, when set, says the view has work in flight (a run, an
	// inspection): Settle does not return while it is true, so a slow
	// machine cannot make a test read the view too early.
	Busy func(M) bool
}

// New drives m with update; messages for which keep is true are collected
// in Kept instead of being fed back.
func New[M any](t testing.TB, m M, update func(M, tea.Msg) (M, tea.Cmd), keep func(tea.Msg) bool) *Driver[M] {
	return &Driver[M]{t: t, M: m, update: update, keep: keep, results: make(chan tea.Msg, 64)}
}

// Do starts cmd.
func (d *Driver[M]) Do(cmd tea.Cmd) {
	if cmd != nil {
		go func() { d.results <- cmd() }()
	}
}

// Send delivers msg to the view and starts the Cmd it returns; it does not
// settle.
func (d *Driver[M]) Send(msg tea.Msg) {
	d.t.Helper()
	var cmd tea.Cmd
	d.M, cmd = d.update(d.M, msg)
	d.Do(cmd)
}

// result handles what a Cmd returned: batches start their Cmds, ticks are
// dropped, kept messages are set aside, the rest go to the view.
func (d *Driver[M]) result(msg tea.Msg) {
	d.t.Helper()
	switch msg := msg.(type) {
	case nil, spinner.TickMsg:
		return
	case tea.BatchMsg:
		for _, c := range msg {
			d.Do(c)
		}
		return
	}
	if cmds, ok := sequence(msg); ok {
		// tea.Sequence: one after the other, their messages in order.
		go func() {
			for _, c := range cmds {
				if c != nil {
					d.results <- c()
				}
			}
		}()
		return
	}
	if d.keep(msg) {
		d.Kept = append(d.Kept, msg)
		return
	}
	d.Send(msg)
}

// Settle feeds results back until none has come for a moment and the view
// is not busy.
func (d *Driver[M]) Settle() {
	d.t.Helper()
	deadline := time.Now().Add(busyLimit)
	for {
		select {
		case msg := <-d.results:
			d.result(msg)
		case <-time.After(quiet):
			if d.Busy == nil || !d.Busy(d.M) {
				return
			}
			if time.Now().After(deadline) {
				d.t.Fatalf("teststep: the view is still busy after %v", busyLimit)
			}
		}
	}
}

// Until settles until cond holds, failing the test after a while.
func (d *Driver[M]) Until(cond func(M) bool) {
	d.t.Helper()
	deadline := time.Now().Add(busyLimit)
	for !cond(d.M) {
		if time.Now().After(deadline) {
			d.t.Fatalf("teststep: condition not met after %v", busyLimit)
		}
		select {
		case msg := <-d.results:
			d.result(msg)
		case <-time.After(quiet):
		}
	}
}

// Keys sends each key and settles after each.
func (d *Driver[M]) Keys(keys ...string) {
	d.t.Helper()
	for _, k := range keys {
		d.Send(Key(k))
		d.Settle()
	}
}

// Type sends s one character at a time, then settles.
func (d *Driver[M]) Type(s string) {
	d.t.Helper()
	for _, r := range s {
		d.Send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	d.Settle()
}

// TakeKept returns Kept and empties it.
func (d *Driver[M]) TakeKept() []tea.Msg {
	k := d.Kept
	d.Kept = nil
	return k
}

// Key is the key press named k ("enter", "esc", "tab", "shift+tab", "up",
// "down", "left", "right", "pgup", "pgdown", "backspace", or one
// character).
func Key(k string) tea.KeyPressMsg {
	named := map[string]tea.Key{
		"enter": {Code: tea.KeyEnter}, "esc": {Code: tea.KeyEscape}, "tab": {Code: tea.KeyTab},
		"shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift}, "up": {Code: tea.KeyUp}, "down": {Code: tea.KeyDown},
		"left": {Code: tea.KeyLeft}, "right": {Code: tea.KeyRight}, "pgdown": {Code: tea.KeyPgDown},
		"pgup": {Code: tea.KeyPgUp}, "backspace": {Code: tea.KeyBackspace},
		"ctrl+c": {Code: 'c', Mod: tea.ModCtrl}, "ctrl+u": {Code: 'u', Mod: tea.ModCtrl},
	}
	if nk, ok := named[k]; ok {
		return tea.KeyPressMsg(nk)
	}
	r := []rune(k)
	if len(r) != 1 {
		panic(fmt.Sprintf("teststep: unknown key %q", k))
	}
	return tea.KeyPressMsg{Code: r[0], Text: k}
}

// sequence reports whether msg is tea.Sequence's (an unexported []tea.Cmd
// type other than tea.BatchMsg) and returns its Cmds.
func sequence(msg tea.Msg) ([]tea.Cmd, bool) {
	v := reflect.ValueOf(msg)
	if v.Kind() != reflect.Slice || v.Type().Elem() != reflect.TypeFor[tea.Cmd]() {
		return nil, false
	}
	cmds := make([]tea.Cmd, v.Len())
	for i := range cmds {
		cmds[i], _ = v.Index(i).Interface().(tea.Cmd)
	}
	return cmds, true
}
