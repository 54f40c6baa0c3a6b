package widgets

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/cogscope/cogscope/internal/termtext"
	"github.com/cogscope/cogscope/ui/service"
	"github.com/cogscope/cogscope/ui/theme"
)

// Failure lays out a refusal within width cells: Cognito's own code and
// message first, the request id, then our diagnosis and fix in plain words,
// wrapped. indent prefixes every line (inline use in a trace).
func Failure(t *theme.Theme, f *service.Failure, width int, indent string) []string {
	if f == nil {
		return nil
	}
	w := width - ansi.StringWidth(indent)
	if w < 10 {
		w = 10
	}
	var out []string
	add := func(prefix, text string, st func(...string) string) {
		if text == "" {
			return
		}
		// Codes, messages and ids come from the service: nothing in
		// them may act on the terminal.
		text = termtext.Line(text)
		wrapped := ansi.Wrap(text, w-ansi.StringWidth(prefix), " ")
		for i, l := range strings.Split(wrapped, "\n") {
			p := prefix
			if i > 0 {
				p = strings.Repeat(" ", ansi.StringWidth(prefix))
			}
			out = append(out, indent+t.Muted.Render(p)+st(l))
		}
	}
	switch {
	case f.Transport:
		add(theme.Cross+" ", "could not reach the service: "+orErr(f), t.Error.Render)
	case f.Type != "":
		add(theme.Cross+" ", f.Type+": "+f.Message, t.Error.Render)
	default:
		add(theme.Cross+" ", orErr(f), t.Error.Render)
	}
	if id := f.RequestID; id != "" {
		// An id is copied whole (for AWS support), never broken at a
		// hyphen: it goes under its label when the line is too short.
		if ansi.StringWidth("  request id "+id) <= w {
			add("  request id ", id, t.Muted.Render)
		} else {
			out = append(out, indent+t.Muted.Render("  request id"))
			add("  ", id, t.Muted.Render)
		}
	}
	add("  diagnosis  ", f.Cause, t.Text.Render)
	add("  fix        ", f.Fix, t.Text.Render)
	return out
}

func orErr(f *service.Failure) string {
	switch {
	case f.Message != "":
		return f.Message
	case f.Err != nil:
		return f.Err.Error()
	}
	return "failed"
}

// WrapLines is text wrapped to w (at least 8 cells after indent), each
// line in style st after indent.
func WrapLines(st lipgloss.Style, text string, w int, indent string) []string {
	var out []string
	for _, l := range strings.Split(ansi.Wrap(text, max(w-len(indent), 8), " "), "\n") {
		out = append(out, indent+st.Render(l))
	}
	return out
}
