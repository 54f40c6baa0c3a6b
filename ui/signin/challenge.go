package signin

import (
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/ui/theme"
	"github.com/cogscope/cogscope/ui/widgets"
)

// challengeForm is the answer form of one challenge, built from the fields
// the flow asks for: a text input per field (masked for secrets), or a
// choice list for fields with options.
type challengeForm struct {
	c      *flows.Challenge
	inputs []textinput.Model // zero Model for choice fields
	choice []int
	focus  int
	err    string
}

func newChallengeForm(t *theme.Theme, c *flows.Challenge, width int) (challengeForm, tea.Cmd) {
	f := challengeForm{c: c, inputs: make([]textinput.Model, len(c.Fields)), choice: make([]int, len(c.Fields))}
	for i, fd := range c.Fields {
		if len(fd.Options) > 0 {
			continue
		}
		in := textinput.New()
		in.Prompt = "> "
		in.SetStyles(t.TextInput)
		in.SetWidth(max(width-4, 4))
		if fd.Secret {
			in.EchoMode = textinput.EchoPassword
			in.EchoCharacter = '•'
		}
		if fd.Digits > 0 {
			in.CharLimit = fd.Digits
			in.Placeholder = strings.Repeat("0", fd.Digits)
		}
		f.inputs[i] = in
	}
	return f, f.focusField(0)
}

// focusField moves the focus to field i, blurring the others.
func (f *challengeForm) focusField(i int) tea.Cmd {
	if len(f.c.Fields) == 0 {
		return nil
	}
	f.focus = (i + len(f.c.Fields)) % len(f.c.Fields)
	var cmd tea.Cmd
	for j := range f.inputs {
		if len(f.c.Fields[j].Options) > 0 {
			continue
		}
		if j == f.focus {
			cmd = f.inputs[j].Focus()
		} else {
			f.inputs[j].Blur()
		}
	}
	return cmd
}

// typing reports whether a text input has the focus.
func (f challengeForm) typing() bool {
	return len(f.c.Fields) > 0 && len(f.c.Fields[f.focus].Options) == 0
}

// update handles a key; submit is true when the user asked to send.
func (f challengeForm) update(k KeyMap, msg tea.Msg) (challengeForm, tea.Cmd, bool) {
	if len(f.c.Fields) == 0 {
		return f, nil, false
	}
	fd := f.c.Fields[f.focus]
	if kp, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case len(fd.Options) > 0 && key.Matches(kp, k.Up):
			f.choice[f.focus] = (f.choice[f.focus] + len(fd.Options) - 1) % len(fd.Options)
			return f, nil, false
		case len(fd.Options) > 0 && key.Matches(kp, k.Down):
			f.choice[f.focus] = (f.choice[f.focus] + 1) % len(fd.Options)
			return f, nil, false
		case key.Matches(kp, k.Run):
			if f.focus < len(f.c.Fields)-1 {
				return f, f.focusField(f.focus + 1), false
			}
			return f, nil, true
		case key.Matches(kp, k.Next):
			return f, f.focusField(f.focus + 1), false
		case key.Matches(kp, k.Prev):
			return f, f.focusField(f.focus - 1), false
		}
	}
	if len(fd.Options) > 0 {
		return f, nil, false
	}
	var cmd tea.Cmd
	f.inputs[f.focus], cmd = f.inputs[f.focus].Update(msg)
	f.err = ""
	return f, cmd, false
}

// answer collects the form, refusing what Cognito would refuse anyway
// without the round trip: an empty required field, a code of the wrong
// length.
func (f challengeForm) answer() (flows.Answer, error) {
	a := flows.Answer{}
	for i, fd := range f.c.Fields {
		if len(fd.Options) > 0 {
			a[fd.Name] = fd.Options[f.choice[i]]
			continue
		}
		v := strings.TrimSpace(f.inputs[i].Value())
		if fd.Secret {
			v = f.inputs[i].Value() // passwords keep their spaces
		}
		switch {
		case v == "" && !fd.Optional:
			return nil, fmt.Errorf("%s is required", strings.ToLower(label(fd)))
		case fd.Digits > 0 && v != "" && (len(v) != fd.Digits || strings.Trim(v, "0123456789") != ""):
			return nil, fmt.Errorf("the code has %d digits", fd.Digits)
		}
		if v != "" {
			a[fd.Name] = v
		}
	}
	if len(a) == 0 && len(f.c.Fields) > 0 {
		return nil, errors.New("nothing to send")
	}
	return a, nil
}

func label(fd flows.Field) string {
	if fd.Label != "" {
		return fd.Label
	}
	return fd.Name
}

// view renders the form within width cells.
func (f challengeForm) view(t *theme.Theme, width int) string {
	c := f.c
	var lines []string
	lines = append(lines, t.Warn.Bold(true).Render(widgets.Cut(c.Name, width)))
	wrap := func(s string, st func(...string) string) {
		for _, l := range strings.Split(ansi.Wrap(s, width, " "), "\n") {
			lines = append(lines, st(l))
		}
	}
	if c.Prompt != "" {
		wrap(c.Prompt, t.Text.Render)
	}
	if c.Destination != "" && !strings.Contains(c.Prompt, c.Destination) { // flows' prompts often say it already
		wrap("sent by "+strings.ToLower(orDefault(c.DeliveryMedium, "message"))+" to "+c.Destination, t.Muted.Render)
	}
	if c.Unanswerable != "" {
		wrap(c.Unanswerable, t.Error.Render)
		lines = append(lines, "", t.Muted.Render("esc cancels the sign-in"))
		return strings.Join(lines, "\n")
	}
	for i, fd := range c.Fields {
		lines = append(lines, "")
		name := label(fd)
		if fd.Optional {
			name += " (optional)"
		}
		st := t.Muted
		if i == f.focus {
			st = t.Accent
		}
		lines = append(lines, st.Render(widgets.Cut(name, width)))
		if len(fd.Options) == 0 {
			lines = append(lines, f.inputs[i].View())
			continue
		}
		for j, o := range fd.Options {
			row := "  " + o
			if j == f.choice[i] {
				row = theme.Pointer + " " + o
				if i == f.focus {
					row = t.Selected.Render(widgets.PadRight(row, width))
				}
			}
			lines = append(lines, widgets.Cut(row, width))
		}
	}
	if f.err != "" {
		// Wrapped, not cut: a refusal ends with how many tries are left.
		lines = append(lines, "")
		for _, l := range strings.Split(ansi.Wordwrap(theme.Cross+" "+f.err, max(width, 10), " "), "\n") {
			lines = append(lines, t.Error.Render(widgets.Cut(l, width)))
		}
	}
	return strings.Join(lines, "\n")
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
