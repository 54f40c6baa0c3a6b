package widgets

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/cogscope/cogscope/ui/theme"
)

// Party is one lifeline of the sequence diagram.
type Party int

// The parties of a sign-in.
const (
	Client  Party = iota // cogscope itself
	Cognito              // the user-pool API or the hosted UI's endpoints
	Browser              // the user's browser (hosted UI)
)

// String names the party as the diagram labels it.
func (p Party) String() string {
	switch p {
	case Client:
		return "client"
	case Cognito:
		return "Cognito"
	case Browser:
		return "browser"
	}
	return "?"
}

// Arrow is one message of the diagram; From == To is local work.
type Arrow struct {
	From, To Party
	Label    string
	Failed   bool
}

// Sequence draws the exchange so far as a sequence diagram of width cells:
// one lifeline per party (client, Cognito, and the browser once an arrow
// involves it), and per arrow its label (wrapped between the lifelines,
// over up to three rows) then the arrow; local work is a tick on its
// lifeline. It returns the lines; the caller shows the
// last ones that fit so the newest arrow stays in view.
func Sequence(t *theme.Theme, arrows []Arrow, width int) []string {
	g := NewDiagram(t, width, InvolvesBrowser(arrows))
	lines := g.Header()
	for _, a := range arrows {
		lines = append(lines, g.Rows(a)...)
	}
	return lines
}

// InvolvesBrowser reports whether any arrow starts or ends at the browser.
func InvolvesBrowser(arrows []Arrow) bool {
	for _, a := range arrows {
		if a.From == Browser || a.To == Browser {
			return true
		}
	}
	return false
}

// Diagram draws a sequence diagram row by row, so that a growing exchange
// costs only its new rows.
type Diagram struct {
	d      diagram
	narrow bool
}

// NewDiagram lays out the lifelines for width cells.
func NewDiagram(t *theme.Theme, width int, withBrowser bool) Diagram {
	parties := []Party{Client, Cognito}
	if withBrowser {
		parties = append(parties, Browser)
	}
	const pad = 3 // half of "browser", so the names fit over their lifelines
	if width < 2*pad+len(parties)*4 {
		return Diagram{d: diagram{t: t, width: width}, narrow: true}
	}
	span := width - 1 - 2*pad
	xs := map[Party]int{Client: pad, Cognito: pad + span}
	if withBrowser {
		// Calls between the client and Cognito carry the long labels
		// (operations, grants); the browser's exchanges with Cognito are
		// "sign in" and "302 + code": the first gap gets four sevenths.
		xs[Cognito], xs[Browser] = pad+span*4/7, pad+span
	}
	return Diagram{d: diagram{t: t, width: width, xs: xs, parties: parties}}
}

// Header is the parties' names over their lifelines.
func (g Diagram) Header() []string {
	if g.narrow {
		return []string{g.d.t.Muted.Render(Cut("(too narrow for the diagram)", g.d.width))}
	}
	head := g.d.row()
	for _, p := range g.d.parties {
		name := []rune(p.String())
		start := g.d.xs[p] - len(name)/2
		for i, r := range name {
			head.set(start+i, r, g.d.partyStyle(p).Bold(true))
		}
	}
	return []string{head.render(), g.d.row().render()}
}

// Rows draws one arrow: its label, then the arrow itself (one row for
// local work).
func (g Diagram) Rows(a Arrow) []string {
	if g.narrow {
		return nil
	}
	return g.d.arrow(a)
}

type diagram struct {
	t       *theme.Theme
	width   int
	xs      map[Party]int
	parties []Party
}

type cell struct {
	r  rune
	st lipgloss.Style
}

type row []cell

// row returns an empty row with every lifeline drawn.
func (d diagram) row() row {
	r := make(row, d.width)
	for i := range r {
		r[i] = cell{' ', lipgloss.Style{}}
	}
	for _, p := range d.parties {
		r[d.xs[p]] = cell{'│', d.t.Muted}
	}
	return r
}

func (r row) set(x int, c rune, st lipgloss.Style) {
	if x >= 0 && x < len(r) {
		r[x] = cell{c, st}
	}
}

// text writes s from x on, stopping at the row's end (with an ellipsis
// when it had to stop early).
func (r row) text(x int, s string, st lipgloss.Style) {
	rs := []rune(s)
	for i, c := range rs {
		if x+i == len(r)-1 && i < len(rs)-1 {
			r.set(x+i, '…', st)
			return
		}
		r.set(x+i, c, st)
	}
}

// render joins runs of equally styled cells.
func (r row) render() string {
	var b strings.Builder
	start := 0
	for i := 1; i <= len(r); i++ {
		if i == len(r) || !sameStyle(r[i].st, r[start].st) {
			var run strings.Builder
			for _, c := range r[start:i] {
				run.WriteRune(c.r)
			}
			b.WriteString(r[start].st.Render(run.String()))
			start = i
		}
	}
	return strings.TrimRight(b.String(), " ")
}

func sameStyle(a, b lipgloss.Style) bool {
	return a.GetForeground() == b.GetForeground() && a.GetBold() == b.GetBold()
}

func (d diagram) partyStyle(p Party) lipgloss.Style {
	switch p {
	case Cognito:
		return d.t.Warn
	case Browser:
		return d.t.Browser
	}
	return d.t.Accent
}

func (d diagram) arrow(s Arrow) []string {
	label := s.Label
	arrow := d.partyStyle(s.From)
	if s.Failed {
		arrow = d.t.Error
		label += " " + theme.Cross
	}
	from, to := d.xs[s.From], d.xs[s.To]
	lo, hi := min(from, to), max(from, to)
	// A label stays in the gap right of the arrow's left end, up to the
	// next lifeline: it never covers a lifeline (nor leaves the row), and
	// wraps onto more rows rather than being cut.
	textX := lo + 2
	if s.From == s.To {
		textX = from + 2
	}
	var out []string
	for i, l := range labelLines(label, d.gapEnd(lo)-textX) {
		r := d.row()
		if i == 0 && s.From == s.To {
			r.set(from, '├', arrow)
			r.set(from+1, '╴', arrow)
		}
		r.text(textX, l, d.t.Text)
		out = append(out, r.render())
	}
	if s.From == s.To {
		return out
	}
	ar := d.row()
	for x := lo + 1; x < hi; x++ {
		ar.set(x, '─', arrow)
	}
	if to > from {
		ar.set(hi-1, '▶', arrow)
	} else {
		ar.set(lo+1, '◀', arrow)
	}
	return append(out, ar.render())
}

// gapEnd is the last column a label starting right of lifeline x may use:
// one cell short of the next lifeline, or the row's end.
func (d diagram) gapEnd(x int) int {
	end := d.width
	for _, p := range d.parties {
		if px := d.xs[p]; px > x && px < end {
			end = px
		}
	}
	return end - 1
}

// maxLabelRows bounds how many rows one label may take; the last is cut
// with an ellipsis.
const maxLabelRows = 3

// labelLines wraps label into lines of at most w cells, at spaces where it
// can and within words where it must.
func labelLines(label string, w int) []string {
	if w < 1 {
		return []string{""}
	}
	lines := strings.Split(ansi.Wrap(label, w, " "), "\n")
	if len(lines) > maxLabelRows {
		// Joined, the rest is wider than w (else it would have wrapped
		// onto one line), so Cut ends it with an ellipsis.
		lines = append(lines[:maxLabelRows-1], Cut(strings.Join(lines[maxLabelRows-1:], " "), w))
	}
	return lines
}
