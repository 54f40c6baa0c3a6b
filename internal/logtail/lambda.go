package logtail

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/cogscope/cogscope/internal/lazyregexp"
)

// LineKind is what a Lambda log line is.
type LineKind int

const (
	LineOther     LineKind = iota // not a Lambda line we know
	LineInitStart                 // INIT_START (cold start)
	LineStart                     // START RequestId: …
	LineEnd                       // END RequestId: …
	LineReport                    // REPORT RequestId: … Duration …
	LineRuntime                   // a runtime line carrying the request id (console.log, logger)
)

// Report is the numbers of a REPORT line.
type Report struct {
	Duration        time.Duration
	BilledDuration  time.Duration
	InitDuration    time.Duration // > 0 on a cold start
	MemorySizeMB    int
	MaxMemoryUsedMB int
	XRayTraceID     string
}

// Cold reports whether the invocation included an init phase.
func (r Report) Cold() bool { return r.InitDuration > 0 }

// LambdaLine is a parsed Lambda log line (text or JSON log format).
type LambdaLine struct {
	Kind      LineKind
	RequestID string
	Version   string  // START's Version
	Level     string  // a runtime line's level (INFO, ERROR, …)
	Text      string  // a runtime line's message
	Report    *Report // REPORT only
}

var (
	uuidRE     = lazyregexp.New(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	reportPart = lazyregexp.New(`^\s*([A-Za-z ]+):\s*([0-9.]+)\s*(ms|MB)?\s*$`)
)

// ParseLambdaLine recognises Lambda's platform lines (START, END, REPORT,
// INIT_START; text or JSON log format) and runtime lines that carry a
// request id (Node.js "time\tid\tLEVEL\tmsg", Python "[LEVEL]\ttime\tid\tmsg",
// JSON {"requestId":…}). Anything else is LineOther.
func ParseLambdaLine(msg string) LambdaLine {
	m := strings.TrimRight(msg, "\r\n")
	switch {
	case strings.HasPrefix(m, "START RequestId: "):
		rest := strings.TrimPrefix(m, "START RequestId: ")
		id, ver, _ := strings.Cut(rest, " Version: ")
		return LambdaLine{Kind: LineStart, RequestID: strings.TrimSpace(id), Version: strings.TrimSpace(ver)}
	case strings.HasPrefix(m, "END RequestId: "):
		return LambdaLine{Kind: LineEnd, RequestID: strings.TrimSpace(strings.TrimPrefix(m, "END RequestId: "))}
	case strings.HasPrefix(m, "REPORT RequestId: "):
		return parseTextReport(m)
	case strings.HasPrefix(m, "INIT_START "):
		return LambdaLine{Kind: LineInitStart}
	case strings.HasPrefix(m, "{"):
		return parseJSONLine(m)
	}
	fields := strings.Split(m, "\t")
	if len(fields) >= 4 {
		// Node.js: time, id, LEVEL, message.
		if uuidRE.MatchString(fields[1]) {
			return LambdaLine{Kind: LineRuntime, RequestID: fields[1], Level: fields[2], Text: strings.Join(fields[3:], "\t")}
		}
		// Python: [LEVEL], time, id, message.
		if uuidRE.MatchString(fields[2]) && strings.HasPrefix(fields[0], "[") {
			return LambdaLine{Kind: LineRuntime, RequestID: fields[2], Level: strings.Trim(fields[0], "[]"), Text: strings.Join(fields[3:], "\t")}
		}
	}
	return LambdaLine{}
}

func parseTextReport(m string) LambdaLine {
	l := LambdaLine{Kind: LineReport, Report: &Report{}}
	first, rest, _ := strings.Cut(m, "\n")
	for i, part := range strings.Split(first, "\t") {
		if i == 0 {
			l.RequestID = strings.TrimSpace(strings.TrimPrefix(part, "REPORT RequestId: "))
			continue
		}
		sm := reportPart.FindStringSubmatch(part)
		if sm == nil {
			continue
		}
		v, err := strconv.ParseFloat(sm[2], 64)
		if err != nil {
			continue
		}
		switch strings.TrimSpace(sm[1]) {
		case "Duration":
			l.Report.Duration = msDuration(v)
		case "Billed Duration":
			l.Report.BilledDuration = msDuration(v)
		case "Init Duration":
			l.Report.InitDuration = msDuration(v)
		case "Memory Size":
			l.Report.MemorySizeMB = int(v)
		case "Max Memory Used":
			l.Report.MaxMemoryUsedMB = int(v)
		}
	}
	if x, ok := strings.CutPrefix(strings.TrimSpace(rest), "XRAY TraceId: "); ok {
		l.Report.XRayTraceID, _, _ = strings.Cut(x, "\t")
	}
	return l
}

func msDuration(ms float64) time.Duration {
	return time.Duration(math.Round(ms * float64(time.Millisecond)))
}

func parseJSONLine(m string) LambdaLine {
	var v struct {
		Type   string `json:"type"`
		Record struct {
			RequestID string `json:"requestId"`
			Version   string `json:"version"`
			Metrics   struct {
				DurationMs       float64 `json:"durationMs"`
				BilledDurationMs float64 `json:"billedDurationMs"`
				MemorySizeMB     int     `json:"memorySizeMB"`
				MaxMemoryUsedMB  int     `json:"maxMemoryUsedMB"`
				InitDurationMs   float64 `json:"initDurationMs"`
			} `json:"metrics"`
		} `json:"record"`
		RequestID string `json:"requestId"`
		Level     string `json:"level"`
		Message   any    `json:"message"`
	}
	if json.Unmarshal([]byte(m), &v) != nil {
		return LambdaLine{}
	}
	switch v.Type {
	case "platform.initStart":
		return LambdaLine{Kind: LineInitStart}
	case "platform.start":
		return LambdaLine{Kind: LineStart, RequestID: v.Record.RequestID, Version: v.Record.Version}
	case "platform.runtimeDone", "platform.end":
		return LambdaLine{Kind: LineEnd, RequestID: v.Record.RequestID}
	case "platform.report":
		mt := v.Record.Metrics
		return LambdaLine{Kind: LineReport, RequestID: v.Record.RequestID, Report: &Report{
			Duration: msDuration(mt.DurationMs), BilledDuration: msDuration(mt.BilledDurationMs),
			InitDuration: msDuration(mt.InitDurationMs), MemorySizeMB: mt.MemorySizeMB, MaxMemoryUsedMB: mt.MaxMemoryUsedMB}}
	}
	if v.Level != "" && uuidRE.MatchString(v.RequestID) {
		text, _ := v.Message.(string)
		if text == "" && v.Message != nil {
			b, _ := json.Marshal(v.Message)
			text = string(b)
		}
		return LambdaLine{Kind: LineRuntime, RequestID: v.RequestID, Level: v.Level, Text: text}
	}
	return LambdaLine{}
}

// JSONObject finds the JSON object a message holds: the whole message, or
// the text of a Lambda runtime line. Numbers stay json.Number.
func JSONObject(msg string) (map[string]any, bool) {
	s := strings.TrimSpace(msg)
	if !strings.HasPrefix(s, "{") {
		l := ParseLambdaLine(msg)
		if l.Kind != LineRuntime {
			return nil, false
		}
		s = strings.TrimSpace(l.Text)
		if !strings.HasPrefix(s, "{") {
			return nil, false
		}
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var m map[string]any
	if dec.Decode(&m) != nil || m == nil {
		return nil, false
	}
	return m, true
}

// PrettyJSON indents a message that is a JSON object or array (two
// spaces); ok is false for anything else.
func PrettyJSON(msg string) (string, bool) {
	s := strings.TrimSpace(msg)
	if !strings.HasPrefix(s, "{") && !strings.HasPrefix(s, "[") {
		return "", false
	}
	var b bytes.Buffer
	if json.Indent(&b, []byte(s), "", "  ") != nil {
		return "", false
	}
	return b.String(), true
}

// Decision is a Lambda authorizer's verdict as its log line shows it.
type Decision struct {
	Effect       string // "Allow", "Deny" or "Unauthorized" (the function failed with Unauthorized → 401)
	PrincipalID  string
	APIRequestID string // requestContext.requestId the authorizer logged: the call's API Gateway request id
}

// Allowed reports whether the decision lets the call through.
func (d Decision) Allowed() bool { return d.Effect == "Allow" }

// ParseDecision recognises an authorizer's allow/deny line: an IAM policy
// (principalId + policyDocument, any Deny statement wins), a simple response
// ({"isAuthorized": bool}), an {"effect"|"decision": "Allow"|"Deny"} object,
// or the "Unauthorized" error that makes API Gateway answer 401.
func ParseDecision(msg string) (Decision, bool) {
	m, ok := JSONObject(msg)
	if !ok {
		if strings.Contains(msg, "Unauthorized") && (strings.Contains(msg, "errorMessage") || strings.Contains(msg, "ERROR")) {
			return Decision{Effect: "Unauthorized"}, true
		}
		return Decision{}, false
	}
	d := Decision{APIRequestID: apiRequestIDIn(m)}
	d.PrincipalID, _ = m["principalId"].(string)
	// The decision may be logged at the top level or under a key
	// ("decision", "response", "result").
	for _, obj := range []map[string]any{m, asMap(m["response"]), asMap(m["result"]), asMap(m["decision"])} {
		if obj == nil {
			continue
		}
		if pd := asMap(obj["policyDocument"]); pd != nil {
			d.Effect = policyEffect(pd)
			if p, ok := obj["principalId"].(string); ok {
				d.PrincipalID = p
			}
			return d, d.Effect != ""
		}
		if b, ok := obj["isAuthorized"].(bool); ok {
			d.Effect = map[bool]string{true: "Allow", false: "Deny"}[b]
			return d, true
		}
		for _, k := range []string{"effect", "Effect", "decision"} {
			if s, ok := obj[k].(string); ok && (strings.EqualFold(s, "allow") || strings.EqualFold(s, "deny")) {
				d.Effect = strings.ToUpper(s[:1]) + strings.ToLower(s[1:])
				return d, true
			}
		}
	}
	em, _ := m["errorMessage"].(string)
	if e, _ := m["error"].(string); em == "Unauthorized" || e == "Unauthorized" {
		d.Effect = "Unauthorized"
		return d, true
	}
	return Decision{}, false
}

func policyEffect(pd map[string]any) string {
	effect := ""
	var stmts []any
	switch s := pd["Statement"].(type) {
	case []any:
		stmts = s
	case map[string]any:
		stmts = []any{s}
	}
	for _, st := range stmts {
		e, _ := asMap(st)["Effect"].(string)
		switch {
		case strings.EqualFold(e, "deny"):
			return "Deny"
		case strings.EqualFold(e, "allow"):
			effect = "Allow"
		}
	}
	return effect
}

// apiRequestIDIn finds the API Gateway request id an authorizer logged.
func apiRequestIDIn(m map[string]any) string {
	for _, obj := range []map[string]any{m, asMap(m["event"]), asMap(m["input"])} {
		if rc := asMap(obj["requestContext"]); rc != nil {
			if id, ok := rc["requestId"].(string); ok {
				return id
			}
		}
		for _, k := range []string{"apiRequestId", "apiGatewayRequestId", "gatewayRequestId"} {
			if id, ok := obj[k].(string); ok {
				return id
			}
		}
	}
	return ""
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// Invocation is one Lambda invocation's lines, grouped by request id.
type Invocation struct {
	RequestID string
	LogGroup  string
	LogStream string
	Lines     []Event // in arrival order, platform lines included
	Version   string
	Report    *Report   // nil until the REPORT line arrived
	Decision  *Decision // an authorizer's allow/deny line, if any
	Started   bool      // START seen
	Ended     bool      // END seen
}

// Complete reports whether the REPORT line, Lambda's last, has arrived.
func (inv *Invocation) Complete() bool { return inv.Report != nil }

// Grouper groups Lambda lines into invocations as events arrive. Runtime
// lines without a request id belong to the invocation running in their
// stream (between its START and END).
type Grouper struct {
	byID    map[string]*Invocation
	order   []*Invocation
	current map[string]*Invocation // stream → running invocation
}

// NewGrouper returns an empty Grouper.
func NewGrouper() *Grouper {
	return &Grouper{byID: map[string]*Invocation{}, current: map[string]*Invocation{}}
}

// Add files an event; it returns the invocation it belongs to (nil for a
// line outside any) and whether that invocation just completed.
func (g *Grouper) Add(e Event) (*Invocation, bool) {
	l := ParseLambdaLine(e.Message)
	streamKey := e.LogGroup + "\x00" + e.LogStream
	var inv *Invocation
	if l.RequestID != "" {
		inv = g.byID[l.RequestID]
		if inv == nil {
			inv = &Invocation{RequestID: l.RequestID, LogGroup: e.LogGroup, LogStream: e.LogStream}
			g.byID[l.RequestID] = inv
			g.order = append(g.order, inv)
		}
	} else {
		inv = g.current[streamKey]
	}
	if inv == nil {
		return nil, false
	}
	inv.Lines = append(inv.Lines, e)
	if d, ok := ParseDecision(e.Message); ok && inv.Decision == nil {
		inv.Decision = &d
	}
	switch l.Kind {
	case LineStart:
		inv.Started, inv.Version = true, l.Version
		g.current[streamKey] = inv
	case LineEnd:
		inv.Ended = true
		if g.current[streamKey] == inv {
			delete(g.current, streamKey)
		}
	case LineReport:
		inv.Report = l.Report
		if g.current[streamKey] == inv {
			delete(g.current, streamKey)
		}
		return inv, true
	}
	return inv, false
}

// Invocations are the invocations seen, in order of their first line.
func (g *Grouper) Invocations() []*Invocation { return g.order }

// GroupInvocations groups a batch of events.
func GroupInvocations(events []Event) []*Invocation {
	g := NewGrouper()
	for _, e := range events {
		g.Add(e)
	}
	return g.Invocations()
}
