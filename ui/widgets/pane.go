package widgets

import (
	"strings"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/cogscope/cogscope/ui/theme"
)

// Pane draws body in a rounded box of exactly width×height cells, with
// title set into the top border. Body lines are cut (never wrapped) to the
// inside width, and the body is cut or padded to the inside height.
func Pane(t *theme.Theme, title, body string, width, height int, focused bool) string {
	if width < 2 || height < 2 {
		return Fit(body, max(width, 0), max(height, 0))
	}
	st := t.Pane
	if focused {
		st = t.PaneFocused
	}
	// Assembled by hand rather than with Style.Render: panes are redrawn
	// every frame, and measuring each line once is all they need.
	b := st.GetBorderStyle()
	bs := lipgloss.NewStyle().Foreground(st.GetBorderTopForeground())
	left, right := bs.Render(b.Left), bs.Render(b.Right)
	innerW := width - 2
	var out strings.Builder
	out.Grow((width + 16) * height)
	out.WriteString(topBorder(t, st, title, width))
	lines := strings.Split(body, "\n")
	for i := range height - 2 {
		out.WriteByte('\n')
		out.WriteString(left)
		if i < len(lines) {
			out.WriteString(PadRight(lines[i], innerW))
		} else {
			out.WriteString(strings.Repeat(" ", innerW))
		}
		out.WriteString(right)
	}
	out.WriteByte('\n')
	out.WriteString(bs.Render(b.BottomLeft + strings.Repeat(b.Bottom, innerW) + b.BottomRight))
	return out.String()
}

// topBorder builds "╭─ title ───╮" so the title sits in the frame.
func topBorder(t *theme.Theme, st lipgloss.Style, title string, width int) string {
	b := st.GetBorderStyle()
	bs := lipgloss.NewStyle().Foreground(st.GetBorderTopForeground())
	fill := width - 2
	if title == "" || fill < 5 {
		return bs.Render(b.TopLeft + strings.Repeat(b.Top, max(fill, 0)) + b.TopRight)
	}
	title = ansi.Truncate(title, fill-4, theme.Ellipsis)
	rest := fill - 3 - ansi.StringWidth(title)
	return bs.Render(b.TopLeft+b.Top+" ") + t.PaneTitle.Render(title) +
		bs.Render(" "+strings.Repeat(b.Top, max(rest, 0))+b.TopRight)
}

// Fit cuts every line of s to width cells and s to height lines, padding
// with empty lines to exactly height. ANSI styling survives the cut.
func Fit(s string, width, height int) string {
	if height <= 0 {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > height {
		lines = lines[:height]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > width {
			lines[i] = ansi.Truncate(l, width, theme.Ellipsis)
		}
	}
	for len(lines) < height {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// Cut shortens one line to width cells with an ellipsis.
func Cut(s string, width int) string {
	if width <= 0 {
		return ""
	}
	return ansi.Truncate(s, width, theme.Ellipsis)
}

// Head is the start of s that can fill w cells: at most four bytes a
// cell, ending on a whole character. A line megabytes long (a response
// body, a log message) is then measured and cut (Cut, PadRight) by its
// head alone.
func Head(s string, w int) string {
	limit := 4 * (w + 1)
	if len(s) <= limit {
		return s
	}
	s = s[:limit]
	// Drop the start of a character the cut left unfinished.
	for i := 1; i < utf8.UTFMax && i <= len(s); i++ {
		if utf8.RuneStart(s[len(s)-i]) {
			if !utf8.FullRuneInString(s[len(s)-i:]) {
				return s[:len(s)-i]
			}
			break
		}
	}
	return s
}

// CutMiddle shortens one line to width cells by taking out its middle,
// for names and values whose ends both matter: PASSWORD_CLAIM_SIGNATURE
// and PASSWORD_CLAIM_SECRET_BLOCK stay apart ("PASSWO…GNATURE",
// "PASSWO…T_BLOCK"), a URL keeps its host and its path.
func CutMiddle(s string, width int) string {
	sw := ansi.StringWidth(s)
	if sw <= width {
		return s
	}
	if width < 5 {
		return Cut(s, width)
	}
	head := (width - 1) / 2
	tail := width - 1 - head
	return ansi.Cut(s, 0, head) + theme.Ellipsis + ansi.Cut(s, sw-tail, sw)
}

// PadRight pads s with spaces to width cells (cutting it if longer).
func PadRight(s string, width int) string {
	w := ansi.StringWidth(s)
	if w > width {
		return Cut(s, width)
	}
	return s + strings.Repeat(" ", width-w)
}

// Beside joins blocks left to right, line by line. Every block must have
// the same number of lines, each exactly as wide as the block (as Pane
// draws them): nothing is measured, which keeps frames cheap.
func Beside(blocks ...string) string {
	if len(blocks) == 0 {
		return ""
	}
	cols := make([][]string, len(blocks))
	n := 0
	for i, b := range blocks {
		cols[i] = strings.Split(b, "\n")
		n = max(n, len(cols[i]))
	}
	var out strings.Builder
	for y := range n {
		if y > 0 {
			out.WriteByte('\n')
		}
		for _, c := range cols {
			if y < len(c) {
				out.WriteString(c[y])
			}
		}
	}
	return out.String()
}

// Visible is the part of a viewport's content in view, cut to its height
// (lines are left as they are: Pane fits them).
func Visible(content []string, yOffset, height int) string {
	if yOffset > len(content) {
		yOffset = len(content)
	}
	end := min(yOffset+height, len(content))
	return strings.Join(content[yOffset:end], "\n")
}
