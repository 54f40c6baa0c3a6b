package logs

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/cogscope/cogscope/ui/common"
	"github.com/cogscope/cogscope/ui/service"
	"github.com/cogscope/cogscope/ui/theme"
	"github.com/cogscope/cogscope/ui/widgets"
)

// maxHistGroups is how many groups get a histogram row.
const maxHistGroups = 5

// sparks draw a count from none to the most.
var sparks = []rune(" ▁▂▃▄▅▆▇█")

// chromeRows is the height of everything but the lines.
func (m *Model) chromeRows() int {
	if m.opts.Compact {
		return 3 // status, pane border
	}
	return 3 + m.histRows()
}

func (m *Model) histRows() int {
	if m.opts.Compact || m.height < 16 {
		return 0
	}
	return min(len(m.hist), maxHistGroups)
}

// View renders the status line, the histogram (full view) and the lines.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	top := []string{widgets.Cut(m.statusLine(), m.width)}
	if m.box != boxNone {
		top[0] = m.input.View()
	}
	top = append(top, m.histLines()...)
	paneH := max(m.height-len(top), 2)
	title := "Log tail"
	if !m.opts.Compact {
		title = "Logs"
	}
	if n := len(m.groups); n > 0 {
		title += fmt.Sprintf(" · %d group", n)
		if n > 1 {
			title += "s"
		}
	}
	body := m.body(m.width-2, paneH-2)
	return strings.Join(top, "\n") + "\n" + widgets.Pane(m.t, title, body, m.width, paneH, false)
}

// statusLine says how the tail runs and what is held.
func (m Model) statusLine() string {
	t := m.t
	sep := t.Muted.Render(" · ")
	switch {
	case m.svc == nil:
		return t.Muted.Render("no log service configured for this target")
	case m.noGroups:
		return t.Muted.Render("no log group to follow")
	}
	var parts []string
	switch {
	case errors.Is(m.startErr, service.ErrNoGroupYet):
		parts = append(parts, t.Muted.Render("waiting: "+common.CleanLine(m.startErr.Error())+" (looked for again every few seconds)"))
	case m.startErr != nil:
		parts = append(parts, t.Error.Render(theme.Cross+" tail could not start: "+common.CleanLine(m.startErr.Error()))+t.Muted.Render(" (retrying)"))
	case errors.Is(m.ended, service.ErrGroupAppeared):
		parts = append(parts, t.Muted.Render(common.CleanLine(m.ended.Error())+" (starting again)"))
	case m.ended != nil:
		parts = append(parts, t.Error.Render(theme.Cross+" tail ended: "+common.CleanLine(m.ended.Error()))+t.Muted.Render(" (starting again)"))
	case m.status.Err != nil:
		what := theme.Cross + " log service: " + common.CleanLine(m.status.Err.Error())
		if m.status.Retrying {
			what += " — retrying"
		}
		parts = append(parts, t.Error.Render(what))
	case !m.running:
		parts = append(parts, t.Muted.Render("starting…"))
	default:
		mode := "Live Tail"
		if m.status.Mode == "polling" {
			mode = "polling"
		}
		parts = append(parts, t.OK.Render("● "+mode), t.Muted.Render("lag ")+t.Text.Render(fmtLag(m.status.Lag)))
		if m.status.Sampled {
			parts = append(parts, t.Warn.Render("sampled"))
		}
	}
	if m.pausedEnd >= 0 {
		parts = append(parts, t.Warn.Render(fmt.Sprintf("paused: %s waiting", grouped(m.Waiting()))))
	}
	if m.filter != "" {
		parts = append(parts, t.Accent.Render(fmt.Sprintf("filter %q", m.filter))+t.Muted.Render(" (held lines)"))
	}
	if m.highlight != "" && !m.opts.Compact {
		parts = append(parts, t.Accent.Render("request "+m.highlight))
	}
	if m.status.Reconnects > 0 {
		parts = append(parts, t.Muted.Render(fmt.Sprintf("%d reconnects", m.status.Reconnects)))
	}
	held := fmt.Sprintf("%s held", grouped(int64(m.lines.len())))
	if !m.opts.Compact && m.width >= 100 {
		held += " of " + grouped(int64(m.lines.bound))
	}
	parts = append(parts, t.Text.Render(held))
	if m.lines.dropped > 0 {
		parts = append(parts, t.Warn.Render(grouped(m.lines.dropped)+" dropped"))
	}
	return strings.Join(parts, sep)
}

// histLines are one line per group: its colour, name, events per second
// over the last seconds, and the rate of the last ten.
func (m Model) histLines() []string {
	n := m.histRows()
	if n == 0 {
		return nil
	}
	var newest int64
	for _, h := range m.hist {
		newest = max(newest, h.newest)
	}
	nameW := min(34, m.width/3)
	sparkW := min(30, max(m.width-nameW-16, 0))
	most := 1
	for _, h := range m.hist[:n] {
		for s := newest - int64(sparkW) + 1; s <= newest; s++ {
			most = max(most, h.count(s))
		}
	}
	names := m.groupNames()
	out := make([]string, 0, n)
	for g, h := range m.hist[:n] {
		var b strings.Builder
		last10 := 0
		for s := newest - int64(sparkW) + 1; s <= newest; s++ {
			c := h.count(s)
			if s > newest-10 {
				last10 += c
			}
			idx := 0
			if c > 0 {
				idx = 1 + c*(len(sparks)-2)/most
			}
			b.WriteRune(sparks[idx])
		}
		st := m.groupStyle(g)
		name := names[g]
		if len(name) > nameW {
			name = shortGroup(name)
		}
		out = append(out, st.Render("■ "+widgets.PadRight(widgets.CutMiddle(name, nameW), nameW))+" "+
			st.Render(b.String())+" "+m.t.Muted.Render(fmt.Sprintf("%6.1f/s", float64(last10)/10)))
	}
	return out
}

// groupNames are the groups in colour order.
func (m Model) groupNames() []string {
	names := make([]string, len(m.groupIdx))
	for g, i := range m.groupIdx {
		names[i] = g
	}
	return names
}

func (m Model) groupStyle(g int) lipgloss.Style {
	return m.t.Groups[g%len(m.t.Groups)]
}

// shortGroup names a group in a line: its last part, with the one before
// when the last is short ("demo-http/access").
func shortGroup(g string) string {
	parts := strings.Split(strings.Trim(g, "/"), "/")
	last := parts[len(parts)-1]
	if len(last) <= 8 && len(parts) > 1 {
		return parts[len(parts)-2] + "/" + last
	}
	return last
}

// body is the lines in view, w×h.
func (m Model) body(w, h int) string {
	if m.svc == nil {
		return widgets.Fit(m.t.Muted.Render(ansi.Wrap("No log service is configured for this target: cmd gives the console "+
			"one when the profile names the API's log groups, or on the local stack.", max(w, 10), " ")), w, h)
	}
	if m.lines.len() == 0 {
		msg := "Waiting for log lines…"
		if m.noGroups {
			msg = "The target names no log group: there is nothing to tail."
		}
		return m.t.Muted.Render(widgets.Cut(msg, w))
	}
	var rows []string
	if m.follow {
		// From the newest back, then in order.
		abs := m.end()
		for len(rows) < h {
			prev, ok := m.nextMatch(abs-1, -1)
			if !ok {
				break
			}
			abs = prev
			e := m.lines.at(abs)
			block := m.lineBlock(e, abs, w)
			rows = append(block, rows...)
		}
		if len(rows) > h {
			rows = rows[len(rows)-h:]
		}
	} else {
		abs := m.top
		for len(rows) < h {
			e := m.lines.at(abs)
			if e == nil {
				break
			}
			if m.matches(e) {
				rows = append(rows, m.lineBlock(e, abs, w)...)
			}
			abs++
			if abs >= m.end() {
				break
			}
		}
		if len(rows) > h {
			rows = rows[:h]
		}
	}
	if len(rows) == 0 {
		return m.t.Muted.Render(widgets.Cut(fmt.Sprintf("No held line contains %q.", m.filter), w))
	}
	return strings.Join(rows, "\n")
}

// lineBlock is one held line on screen, and its expansion when open.
func (m Model) lineBlock(e *entry, abs int64, w int) []string {
	t := m.t
	ts := "15:04:05.000"
	gw := 20
	if m.opts.Compact {
		ts = "15:04:05"
		gw = 16
	}
	ts = e.ev.Time.Format(ts)
	msg := firstLine(e.ev.Message, w)
	gname := widgets.PadRight(widgets.CutMiddle(shortGroup(e.ev.Group), gw), gw)
	mine := m.highlight != "" && (e.ev.RequestID == m.highlight || strings.Contains(e.ev.Message, m.highlight))
	var line string
	p := m.paint
	switch {
	case !m.follow && abs == m.cursor && !m.opts.Compact:
		line = p.selected.on(widgets.PadRight(ts+" "+gname+" "+msg, w))
	case m.highlight != "" && !mine:
		line = p.dim.on(widgets.Cut(ts+" "+gname+" "+msg, w))
	case mine:
		line = p.highlight.on(widgets.PadRight(ts+" "+gname+" "+msg, w))
	default:
		line = p.muted.on(ts) + " " + p.groups[e.group%len(p.groups)].on(gname) + " " +
			p.text.on(widgets.Cut(msg, max(w-len(ts)-gw-2, 1)))
	}
	out := []string{line}
	if m.expanded[e.key()] {
		for _, l := range expansion(e.ev.Message, max(w-4, 10)) {
			out = append(out, "    "+t.Text.Render(l))
		}
	}
	return out
}

// firstLine is a message's first line, cut to about w cells cheaply (a
// line can be megabytes).
func firstLine(s string, w int) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	s = widgets.Head(s, w)
	if strings.IndexByte(s, '\t') >= 0 {
		s = strings.ReplaceAll(s, "\t", " ")
	}
	return s
}

// maxExpansion bounds an expanded line.
const maxExpansion = 400

// expansion is a JSON line laid out, or a long line wrapped, to w cells
// and at most maxExpansion lines.
func expansion(msg string, w int) []string {
	var lines []string
	if widgets.LooksLikeJSON(msg) {
		lines, _ = widgets.PrettyJSON(msg, maxExpansion)
	} else {
		lines = strings.Split(ansi.Hardwrap(strings.ReplaceAll(msg, "\t", " "), w, true), "\n")
		lines = lines[:min(len(lines), maxExpansion)]
	}
	for i, l := range lines {
		lines[i] = widgets.Cut(l, w)
	}
	return lines
}

// fmtLag says a lag briefly.
func fmtLag(d time.Duration) string {
	return fmt.Sprintf("%.1fs", d.Seconds())
}

// grouped writes n with thousands separators.
func grouped(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
