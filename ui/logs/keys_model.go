package logs

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/cogscope/cogscope/ui/common"
)

func (m Model) handleKey(k tea.KeyPressMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(k, m.keys.Up):
		m.move(-1)
	case key.Matches(k, m.keys.Down):
		m.move(1)
	case key.Matches(k, m.keys.PageUp):
		m.move(-max(m.rows()-1, 1))
	case key.Matches(k, m.keys.PageDown):
		m.move(max(m.rows()-1, 1))
	case key.Matches(k, m.keys.Top):
		if first, ok := m.nextMatch(m.lines.dropped, 1); ok {
			m.follow = false
			m.top, m.cursor = first, first
		}
	case key.Matches(k, m.keys.Bottom):
		m.follow = true
	case key.Matches(k, m.keys.Pause):
		if m.pausedEnd >= 0 {
			m.pausedEnd = -1
			return m, common.Status("resumed: following the newest lines")
		}
		m.pausedEnd = m.lines.total()
		return m, common.Status("paused: new lines are held and counted until space")
	case key.Matches(k, m.keys.Filter):
		return m.openBox(boxFilter, "filter> ", "text the held lines must contain (not sent to the service)", m.filter)
	case key.Matches(k, m.keys.Jump):
		return m.openBox(boxJump, "request id> ", "an API Gateway request id", m.highlight)
	case key.Matches(k, m.keys.Expand):
		if m.follow {
			return m, nil
		}
		if e := m.lines.at(m.cursor); e != nil {
			id := e.key()
			m.expanded[id] = !m.expanded[id]
			m.clamp()
		}
	case key.Matches(k, m.keys.Clear):
		m.highlight = ""
		m.setFilter("")
	}
	return m, nil
}

func (m Model) openBox(b box, prompt, placeholder, value string) (Model, tea.Cmd) {
	m.box = b
	m.input.Prompt = prompt
	m.input.Placeholder = placeholder
	m.input.SetValue(value)
	m.input.CursorEnd()
	return m, m.input.Focus()
}

func (m Model) boxKey(k tea.KeyPressMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(k, m.keys.Cancel):
		m.box = boxNone
		m.input.Blur()
		return m, nil
	case key.Matches(k, m.keys.Submit):
		b := m.box
		m.box = boxNone
		m.input.Blur()
		v := strings.TrimSpace(m.input.Value())
		if b == boxFilter {
			m.setFilter(strings.ToLower(v))
			return m, nil
		}
		if v == "" {
			m.highlight = ""
			return m, nil
		}
		if !m.JumpTo(v) {
			return m, common.StatusError("no held log line carries request id " + v)
		}
		return m, nil
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(k)
	return m, cmd
}
