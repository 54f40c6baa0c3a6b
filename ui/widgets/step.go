package widgets

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/flows/trace"
	"github.com/cogscope/cogscope/internal/termtext"
	"github.com/cogscope/cogscope/ui/service"
	"github.com/cogscope/cogscope/ui/theme"
)

// StepFailure is the failure to show on a step that failed: the step's
// own error (Cognito's code, message and request id) with the run's
// diagnosis (run, when the run ended with one).
func StepFailure(s flows.Step, run *service.Failure) *service.Failure {
	f := &service.Failure{Diagnosis: flows.Diagnosis{Operation: s.Operation, Type: s.Error.Type, Message: s.Error.Message,
		RequestID: s.Error.RequestID}, Transport: s.Error.Type == ""}
	if f.RequestID == "" {
		f.RequestID = s.RequestID
	}
	if run != nil {
		f.Cause, f.Fix = run.Cause, run.Fix
		if run.Transport {
			f.Transport = true
			if run.Message != "" {
				f.Message = run.Message // the service's words are none: the run's summary is shorter
			}
		}
	}
	return f
}

// TraceStep draws one step of a sign-in's trace width cells wide: its
// title and duration, the members it sent (→) and received (←) with the
// secrets flows/trace's table names masked unless unmask, SRP's values,
// which username SECRET_HASH used, the server's clock, the notes, and —
// when f is set — the failure with its diagnosis. Everything from the
// service goes through termtext. The Sign-in view's trace and the
// Timeline view's detail draw steps with it.
func TraceStep(t *theme.Theme, s flows.Step, f *service.Failure, unmask bool, width int) []string {
	mark := t.OK.Render(theme.Check)
	if s.Error != nil {
		mark = t.Error.Render(theme.Cross)
	}
	title := s.Title
	if title == "" {
		title = s.Operation
	}
	head := fmt.Sprintf("%s %d ", mark, s.Index)
	titleW := width - ansi.StringWidth(head)
	var took string
	if s.DurationMS > 0 {
		took = fmt.Sprintf("%.0f ms", s.DurationMS)
		if s.DurationMS < 0.5 {
			took = "<1 ms" // local work and hand-overs: "0 ms" would read as not timed
		}
		// The time stays on the line: a long title gives way to it.
		titleW -= len(took) + 1
	}
	title = Cut(termtext.Line(title), titleW)
	head += t.Bold.Render(title)
	if took != "" {
		head += strings.Repeat(" ", max(titleW-ansi.StringWidth(title), 0)+1) + t.Muted.Render(took)
	}
	lines := []string{head}

	nw := nameWidth(s, width)
	kv := func(arrow, name, value string, secret bool) {
		// Members and values come from the service: shown, never obeyed.
		name, value = termtext.Line(name), termtext.Line(value)
		v := value
		st := t.Text
		if secret && !unmask && value != trace.Redacted && value != "" {
			v, st = theme.Mask, t.Secret
		}
		// Both ends of a long name or value say what it is (two
		// PASSWORD_CLAIM_… members, a URL's host and path): cut the middle.
		label := t.Muted.Render(arrow+" ") + t.Muted.Render(PadRight(CutMiddle(name, nw), nw))
		lines = append(lines, "  "+label+" "+st.Render(CutMiddle(v, width-4-nw-1)))
	}
	for _, k := range sortedKeys(s.Request) {
		kv("→", shortName(k), s.Request[k], trace.IsSecret(k))
	}
	for _, k := range sortedKeys(s.Response) {
		kv("←", shortName(k), s.Response[k], trace.IsSecret(k))
	}
	if v := s.SRP; v != nil {
		// Labelled as the protocol names them; masked by their JSON name.
		for _, p := range []struct{ label, json, value string }{
			{"A", "srpA", v.A}, {"B", "srpB", v.B}, {"salt", "salt", v.Salt}, {"u", "u", v.U},
			{"x", "x", v.X}, {"key", "key", v.Key}, {"TIMESTAMP", "timestamp", v.Timestamp},
			{"signature", "signature", v.Signature},
		} {
			if p.value != "" {
				kv("∗", p.label, p.value, trace.IsSecret("srp."+p.json))
			}
		}
	}
	if h := s.SecretHash; h != nil {
		lines = append(lines, "  "+t.Muted.Render("SECRET_HASH computed from "+h.Source+": ")+t.Text.Render(h.Username))
	}
	if s.ServerTime != nil && !s.Started.IsZero() {
		line := "server clock " + s.ServerTime.UTC().Format("15:04:05Z") + " (" + skew(s) + ")"
		lines = append(lines, "  "+t.Muted.Render(line))
	}
	for _, n := range s.Notes {
		for _, l := range strings.Split(ansi.Wrap(termtext.Line(n), width-4, " "), "\n") {
			lines = append(lines, "  "+t.Muted.Render(l))
		}
	}
	if f != nil {
		lines = append(lines, Failure(t, f, width, "  ")...)
	}
	return lines
}

// nameWidth is the column of a step's member names: as wide as its
// longest name, but no more than two fifths of the pane (values keep the
// rest) and never wider than PASSWORD_CLAIM_SECRET_BLOCK.
func nameWidth(s flows.Step, width int) int {
	longest := 0
	for _, m := range []map[string]string{s.Request, s.Response} {
		for k := range m {
			longest = max(longest, ansi.StringWidth(shortName(k)))
		}
	}
	if s.SRP != nil {
		longest = max(longest, len("signature"))
	}
	return min(longest, max(width*2/5, 8), 27)
}

// skew says how far the server's clock (its Date header, to the second)
// is from this machine's while the call was under way. The header is cut
// to the second, so the server's time lies in [Date, Date+1s): any
// overlap with the call's span means the clocks agree.
func skew(s flows.Step) string {
	sent := s.Started
	back := sent.Add(time.Duration(s.DurationMS * float64(time.Millisecond)))
	early := s.ServerTime.Add(time.Second).Sub(sent) // < 0: the server is behind
	late := s.ServerTime.Sub(back)                   // > 0: the server is ahead
	var d time.Duration
	switch {
	case early < 0:
		d = early
	case late > 0:
		d = late
	}
	secs := int(d.Round(time.Second) / time.Second)
	if secs == 0 {
		return "clocks agree"
	}
	return fmt.Sprintf("skew %+ds", secs)
}

// shortName drops the container ("AuthParameters.") from a flattened key.
func shortName(k string) string {
	if i := strings.LastIndexByte(k, '.'); i >= 0 {
		return k[i+1:]
	}
	return k
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
