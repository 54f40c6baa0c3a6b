package logview

import (
	"encoding/json"
	"fmt"
	"github.com/cogscope/cogscope/internal/termtext"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/cogscope/cogscope/internal/logtail"
)

// Line is termtext.Block (the project's one sanitiser: control, C1,
// bidi and format characters shown as visible escapes) on one line: line
// breaks show as ⏎, tabs as spaces.
func Line(s string) string {
	s = strings.TrimRight(s, "\r\n")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(termtext.Block(s), "\n", " ⏎ ")
	return strings.ReplaceAll(s, "\t", "  ")
}

// Formats of the human lines.
const (
	FormatShort    = "short"
	FormatDetailed = "detailed"
)

// Printer writes events for people (or, with JSON, one JSON object a
// line). It is not safe for concurrent use.
type Printer struct {
	W      io.Writer
	Format string // FormatShort (default) or FormatDetailed
	UTC    bool
	Color  bool // ANSI colour: only on a terminal without NO_COLOR
	JSON   bool
	// Groups is how many groups are tailed: with one, short lines leave
	// the group out.
	Groups int
}

const (
	ansiReset = "\x1b[0m"
	ansiDim   = "\x1b[2m"
	ansiBold  = "\x1b[1m"
	ansiRed   = "\x1b[31m"
	ansiGreen = "\x1b[32m"
	ansiCyan  = "\x1b[36m"
)

func (p *Printer) paint(code, s string) string {
	if !p.Color || s == "" {
		return s
	}
	return code + s + ansiReset
}

// Event writes one event.
func (p *Printer) Event(e logtail.Event) error {
	if p.JSON {
		return WriteJSON(p.W, e)
	}
	_, err := io.WriteString(p.W, p.format(e))
	return err
}

// Events writes a batch read at once (not followed): a Lambda
// invocation's lines are kept together, in the order of their first line.
func (p *Printer) Events(evs []logtail.Event) error {
	if p.JSON {
		for _, e := range evs {
			if err := WriteJSON(p.W, e); err != nil {
				return err
			}
		}
		return nil
	}
	for _, e := range GroupedOrder(evs) {
		if err := p.Event(e); err != nil {
			return err
		}
	}
	return nil
}

// GroupedOrder reorders events so that each Lambda invocation's lines
// (same group, same request id, or in its stream between START and END)
// follow its first line; other events keep their place.
func GroupedOrder(evs []logtail.Event) []logtail.Event {
	g := logtail.NewGrouper()
	owner := make([]*logtail.Invocation, len(evs))
	for i, e := range evs {
		owner[i], _ = g.Add(e)
	}
	first := map[*logtail.Invocation]int{}
	for i, inv := range owner {
		if inv != nil {
			if _, ok := first[inv]; !ok {
				first[inv] = i
			}
		}
	}
	idx := make([]int, len(evs))
	for i := range idx {
		idx[i] = i
	}
	key := func(i int) int {
		if inv := owner[i]; inv != nil {
			return first[inv]
		}
		return i
	}
	sort.SliceStable(idx, func(a, b int) bool { return key(idx[a]) < key(idx[b]) })
	out := make([]logtail.Event, len(evs))
	for i, j := range idx {
		out[i] = evs[j]
	}
	return out
}

// jsonEvent is the --json line: the contract's field order.
type jsonEvent struct {
	Timestamp     int64  `json:"timestamp"`
	IngestionTime int64  `json:"ingestionTime"`
	LogGroup      string `json:"logGroup"`
	LogStream     string `json:"logStream"`
	EventID       string `json:"eventId"`
	Message       string `json:"message"`
	RequestID     string `json:"requestId"`
}

// WriteJSON writes one event as one JSON line: {"timestamp",
// "ingestionTime","logGroup","logStream","eventId","message","requestId"}.
// Control characters in the message are JSON escapes, so the line is
// safe on a terminal.
func WriteJSON(w io.Writer, e logtail.Event) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(jsonEvent(e))
}

func (p *Printer) timeOf(e logtail.Event) string {
	t := e.Time()
	if p.UTC {
		t = t.UTC()
	}
	if p.Format == FormatDetailed {
		return logtail.FormatTime(t, p.UTC)
	}
	return t.Format("15:04:05.000")
}

func (p *Printer) format(e logtail.Event) string {
	ts := p.paint(ansiDim, p.timeOf(e))
	where := ""
	if p.Format == FormatDetailed {
		where = p.paint(ansiCyan, Line(e.LogGroup)) + p.paint(ansiDim, " "+Line(e.LogStream))
	} else if p.Groups != 1 {
		where = p.paint(ansiCyan, Line(e.LogGroup))
	}
	head := ts
	if where != "" {
		head += " " + where
	}
	msg := p.message(e)
	if p.Format == FormatDetailed {
		return head + "\n" + indent(msg, "  ") + "\n"
	}
	return head + "  " + msg + "\n"
}

// message is the event's text: Lambda's platform lines in short form,
// decisions and errors marked, JSON pretty-printed in detailed format.
func (p *Printer) message(e logtail.Event) string {
	l := logtail.ParseLambdaLine(e.Message)
	switch l.Kind {
	case logtail.LineStart:
		return p.paint(ansiBold, "START") + " " + Line(l.RequestID) + p.paint(ansiDim, " "+Line(l.Version))
	case logtail.LineEnd:
		return p.paint(ansiDim, "END   "+Line(l.RequestID))
	case logtail.LineInitStart:
		return p.paint(ansiDim, Line(e.Message))
	case logtail.LineReport:
		return p.paint(ansiBold, "REPORT") + " " + Line(l.RequestID) + "  " + ReportText(l.Report)
	}
	prefix := ""
	if d, ok := logtail.ParseDecision(e.Message); ok {
		prefix = p.decision(d) + " "
	} else if ae := authorizerError(e.Message); ae != "" {
		prefix = p.paint(ansiRed+ansiBold, "AUTHORIZER ERROR: "+Line(ae)) + " "
	}
	body := e.Message
	if l.Kind == logtail.LineRuntime {
		body = l.Text
		prefix += p.paint(ansiDim, Line(l.RequestID)+" "+Line(l.Level)) + " "
	}
	if p.Format == FormatDetailed {
		if pretty, ok := logtail.PrettyJSON(body); ok {
			return strings.TrimRight(prefix, " ") + nlIf(prefix) + termtext.Block(pretty)
		}
		return prefix + termtext.Block(strings.TrimRight(body, "\r\n"))
	}
	return prefix + Line(body)
}

func nlIf(s string) string {
	if s == "" {
		return ""
	}
	return "\n"
}

// decision marks an authorizer's verdict.
func (p *Printer) decision(d logtail.Decision) string {
	text := strings.ToUpper(d.Effect)
	if d.PrincipalID != "" {
		text += " (" + Line(d.PrincipalID) + ")"
	}
	if d.Allowed() {
		return p.paint(ansiGreen+ansiBold, "✔ "+text)
	}
	return p.paint(ansiRed+ansiBold, "✘ "+text)
}

// authorizerError is an access-log line's authorizer.error ("" for none
// or "-").
func authorizerError(msg string) string {
	m, ok := logtail.JSONObject(msg)
	if !ok {
		return ""
	}
	for _, k := range []string{"authorizer.error", "authorizerError", "authError"} {
		if v, ok := m[k].(string); ok && v != "" && v != "-" {
			return v
		}
	}
	if a, ok := m["authorizer"].(map[string]any); ok {
		if v, ok := a["error"].(string); ok && v != "" && v != "-" {
			return v
		}
	}
	return ""
}

// ReportText is a REPORT line's numbers: "duration 2.35 ms, billed 3 ms,
// memory 67/128 MB, init 120 ms (cold start)".
func ReportText(r *logtail.Report) string {
	if r == nil {
		return ""
	}
	s := fmt.Sprintf("duration %s, billed %s, memory %d/%d MB", ms(r.Duration), ms(r.BilledDuration), r.MaxMemoryUsedMB, r.MemorySizeMB)
	if r.Cold() {
		s += ", init " + ms(r.InitDuration) + " (cold start)"
	}
	return s
}

func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	if v == float64(int64(v)) {
		return fmt.Sprintf("%d ms", int64(v))
	}
	return fmt.Sprintf("%.2f ms", v)
}

func indent(s, pad string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = pad + l
	}
	return strings.Join(lines, "\n")
}
