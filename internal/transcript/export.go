package transcript

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/cogscope/cogscope/internal/termtext"
)

// Formats of an export.
const (
	FormatMarkdown = "md"
	FormatJSON     = "json"
)

// Write writes t in format (md or json), redacted once more on the way
// out (with the caller's known secrets).
func Write(w io.Writer, t *Transcript, format string, secrets ...string) error {
	c := clone(t)
	Redact(c, secrets...)
	switch format {
	case FormatJSON:
		return WriteJSON(w, c)
	case FormatMarkdown, "markdown", "":
		return WriteMarkdown(w, c)
	}
	return fmt.Errorf("unknown format %q: want md or json", format)
}

// clone is a deep copy of t (through its JSON form).
func clone(t *Transcript) *Transcript {
	b, err := json.Marshal(t)
	if err != nil {
		return t
	}
	var c Transcript
	if json.Unmarshal(b, &c) != nil {
		return t
	}
	return &c
}

// WriteJSON writes t as indented JSON (docs/transcript.md). Characters a
// terminal would act on (C1 controls, bidi and format characters) are
// written as \u escapes, so the document is the same data and safe to
// print.
func WriteJSON(w io.Writer, t *Transcript) error { return EncodeJSON(w, t) }

// EncodeJSON writes v as indented JSON with the characters a terminal
// would act on written as \u escapes (replay's --json document).
func EncodeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode JSON: %w", err)
	}
	_, err := w.Write(escapeFormatChars(buf.Bytes()))
	return err
}

func escapeFormatChars(b []byte) []byte {
	if !bytes.ContainsFunc(b, unsafeRune) {
		return b
	}
	var out bytes.Buffer
	for _, r := range string(b) {
		if unsafeRune(r) {
			if r > 0xffff {
				r1, r2 := utf16Pair(r)
				fmt.Fprintf(&out, `\u%04x\u%04x`, r1, r2)
				continue
			}
			fmt.Fprintf(&out, `\u%04x`, r)
			continue
		}
		out.WriteRune(r)
	}
	return out.Bytes()
}

func utf16Pair(r rune) (rune, rune) {
	r -= 0x10000
	return 0xd800 + (r>>10)&0x3ff, 0xdc00 + r&0x3ff
}

func unsafeRune(r rune) bool {
	return (r >= 0x80 && r <= 0x9f) || unicode.Is(unicode.Cf, r)
}

// ReadJSON reads a transcript written by WriteJSON (a replay's input).
func ReadJSON(r io.Reader) (*Transcript, error) {
	b, err := io.ReadAll(io.LimitReader(r, 4*DefaultMaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read transcript: %w", err)
	}
	if len(b) > 4*DefaultMaxBytes {
		return nil, fmt.Errorf("transcript is larger than %d bytes", 4*DefaultMaxBytes)
	}
	trimmed := bytes.TrimSpace(b)
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("the transcript is empty")
	}
	if trimmed[0] != '{' {
		if trimmed[0] == '#' {
			return nil, fmt.Errorf("not a JSON transcript but a Markdown one (`cogscope transcript export` without --format json, or the console's x key), which is for people: export the session as JSON with `cogscope --profile NAME transcript export --format json`")
		}
		return nil, fmt.Errorf("not a JSON transcript (export one with `cogscope transcript export --format json`; Markdown is for people)")
	}
	var t Transcript
	if err := json.Unmarshal(trimmed, &t); err != nil {
		return nil, fmt.Errorf("not a transcript: %w", err)
	}
	if t.Version != Version {
		return nil, fmt.Errorf("transcript version %d: this cogscope reads version %d", t.Version, Version)
	}
	return &t, nil
}

// md is text made safe for a terminal and for a Markdown code span.
func md(s string) string {
	return strings.ReplaceAll(termtext.Line(s), "`", "'")
}

func code(s string) string {
	if s == "" {
		return "—"
	}
	return "`" + md(s) + "`"
}

func ts(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format(time.RFC3339)
}

// WriteMarkdown writes t for a ticket: the target, what was masked, each
// sign-in's steps and tokens, each call with its explanation and log
// lines.
func WriteMarkdown(w io.Writer, t *Transcript) error {
	var b strings.Builder
	b.WriteString("# cogscope session transcript\n\n")
	tg := t.Target
	fmt.Fprintf(&b, "- **Target**: profile %s · region %s · pool %s · client %s · user %s\n",
		code(tg.Profile), code(tg.Region), code(tg.UserPoolID), code(tg.ClientID), code(tg.Username))
	if tg.Endpoint != "" {
		fmt.Fprintf(&b, "- **Endpoint**: %s\n", code(tg.Endpoint))
	}
	if tg.APIBaseURL != "" {
		fmt.Fprintf(&b, "- **API**: %s\n", code(tg.APIBaseURL))
	}
	fmt.Fprintf(&b, "- **Session**: %s to %s · %d sign-in(s), %d call(s)\n", ts(t.Started), ts(t.Updated), len(t.SignIns), len(t.Calls))
	fmt.Fprintf(&b, "- **Format**: cogscope transcript version %d (`cogscope transcript export --format json` for tools)\n\n", t.Version)

	b.WriteString("## Masked\n\n")
	if len(t.Masked) == 0 {
		b.WriteString("Nothing.\n\n")
	} else {
		b.WriteString("| value | what it is | where |\n| --- | --- | --- |\n")
		for _, m := range t.Masked {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", code(m.Key), cell(m.What), cell(strings.Join(m.Where, "; ")))
		}
		b.WriteString("\n")
	}
	for i, s := range t.SignIns {
		writeSignIn(&b, i+1, s)
	}
	for i, c := range t.Calls {
		writeCall(&b, i+1, c)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func cell(s string) string {
	return strings.ReplaceAll(termtext.Line(s), "|", `\|`)
}

func writeSignIn(b *strings.Builder, n int, s SignIn) {
	fmt.Fprintf(b, "## Sign-in %d: %s — %s\n\n", n, md(s.Flow), s.Outcome)
	fmt.Fprintf(b, "Started %s.", ts(s.Started))
	if len(s.Challenges) > 0 {
		fmt.Fprintf(b, " Challenges: %s.", md(strings.Join(s.Challenges, " → ")))
	}
	b.WriteString("\n\n")
	if e := s.Error; e != nil {
		fmt.Fprintf(b, "**Error**: %s\n\n", errText(e))
	}
	for _, st := range s.Steps {
		title := st.Title
		if title == "" {
			title = st.Operation
		}
		fmt.Fprintf(b, "%d. **%s** (%s", st.Index, md(title), st.Kind)
		if st.RequestID != "" {
			fmt.Fprintf(b, ", request id %s", code(st.RequestID))
		}
		fmt.Fprintf(b, ", %.0f ms)\n", st.DurationMS)
		writeValues(b, "request", st.Request)
		writeValues(b, "response", st.Response)
		if p := st.SRP; p != nil {
			fmt.Fprintf(b, "   - SRP (%s): A %s, B %s, salt %s, u %s, x %s, key %s, signature %s, timestamp %s\n",
				md(p.Subject), code(abbrev(p.A)), code(abbrev(p.B)), code(p.Salt), code(abbrev(p.U)), code(p.X), code(p.Key), code(p.Signature), code(p.Timestamp))
		}
		if e := st.Error; e != nil {
			fmt.Fprintf(b, "   - **error**: %s\n", errText(e))
		}
		for _, note := range st.Notes {
			fmt.Fprintf(b, "   - note: %s\n", md(note))
		}
	}
	b.WriteString("\n")
	for _, tk := range s.Tokens {
		writeToken(b, tk)
	}
}

// abbrev cuts long values (SRP's public numbers are 768 hex digits).
func abbrev(s string) string {
	if len(s) > 80 {
		return s[:16] + "…" + s[len(s)-8:]
	}
	return s
}

func errText(e *Error) string {
	s := md(e.Message)
	if e.Type != "" {
		s = code(e.Type) + ": " + s
	}
	if e.Operation != "" {
		s = md(e.Operation) + " refused: " + s
	}
	if e.RequestID != "" {
		s += " (request id " + code(e.RequestID) + ")"
	}
	return s
}

func writeValues(b *strings.Builder, what string, m map[string]string) {
	if len(m) == 0 {
		return
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, code(k)+" = "+code(abbrev(m[k])))
	}
	fmt.Fprintf(b, "   - %s: %s\n", what, strings.Join(parts, ", "))
}

func writeToken(b *strings.Builder, tk Token) {
	if tk.Use == "refresh" {
		b.WriteString("### Refresh token\n\nIssued (opaque; masked).\n\n")
		return
	}
	fmt.Fprintf(b, "### %s token %s\n\n", titleCase(tk.Use), code(tk.JTI))
	fmt.Fprintf(b, "- client %s · subject %s · issued %s · expires %s · signature %s\n",
		code(tk.ClientID), code(tk.Subject), ts(tk.IssuedAt), ts(tk.Expires), code(tk.Signature))
	if len(tk.Scopes) > 0 {
		fmt.Fprintf(b, "- scopes %s\n", code(strings.Join(tk.Scopes, " ")))
	}
	verdict := "valid"
	if !tk.Valid {
		verdict = "not valid"
	}
	if !tk.Verified {
		verdict += " (decoded only: the signature was not checked)"
	}
	fmt.Fprintf(b, "- verdict: %s\n\n", verdict)
	if len(tk.Header) > 0 || len(tk.Claims) > 0 {
		b.WriteString("| claim | value |\n| --- | --- |\n")
		for _, part := range []map[string]any{tk.Header, tk.Claims} {
			keys := make([]string, 0, len(part))
			for k := range part {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				v, _ := json.Marshal(part[k])
				fmt.Fprintf(b, "| %s | %s |\n", code(k), code(string(v)))
			}
		}
		b.WriteString("\n")
	}
	if len(tk.Checks) > 0 {
		b.WriteString("| check | result | detail |\n| --- | --- | --- |\n")
		for _, c := range tk.Checks {
			fmt.Fprintf(b, "| %s | %s | %s |\n", md(c.Name), md(c.Status), cell(c.Detail))
		}
		b.WriteString("\n")
	}
}

func titleCase(s string) string {
	switch s {
	case "id":
		return "ID"
	case "":
		return ""
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func writeCall(b *strings.Builder, n int, c Call) {
	status := "no answer"
	if c.Status != 0 {
		status = fmt.Sprint(c.Status)
	}
	fmt.Fprintf(b, "## Call %d: %s %s → %s\n\n", n, md(c.Method), code(c.Path), status)
	fmt.Fprintf(b, "- %s, %s token", ts(c.Started), md(c.TokenKind))
	if c.TokenJTI != "" {
		fmt.Fprintf(b, " (jti %s)", code(c.TokenJTI))
	}
	fmt.Fprintf(b, ", %.0f ms\n- URL %s\n", c.DurationMS, code(c.URL))
	if len(c.Headers) > 0 {
		names := make([]string, 0, len(c.Headers))
		for k := range c.Headers {
			names = append(names, k)
		}
		sort.Strings(names)
		parts := make([]string, 0, len(names))
		for _, k := range names {
			parts = append(parts, code(k+": "+strings.Join(c.Headers[k], ", ")))
		}
		fmt.Fprintf(b, "- request headers: %s\n", strings.Join(parts, ", "))
	}
	if c.BodyBytes > 0 {
		fmt.Fprintf(b, "- request body: %d bytes (not kept)\n", c.BodyBytes)
	}
	if c.RequestID != "" {
		fmt.Fprintf(b, "- request id %s\n", code(c.RequestID))
	}
	if c.Message != "" {
		fmt.Fprintf(b, "- gateway's message: %s\n", code(c.Message))
	}
	if c.Error != "" {
		fmt.Fprintf(b, "- error: %s\n", md(c.Error))
	}
	if x := c.Explanation; x != nil {
		fmt.Fprintf(b, "- explanation: failed check %s, cause %s, fix %s\n", code(x.FailedCheck), code(x.Cause), code(x.Fix))
		if x.Reason != "" {
			fmt.Fprintf(b, "  - %s\n", md(x.Reason))
		}
		for _, m := range x.Mistakes {
			fmt.Fprintf(b, "  - %s\n", md(m))
		}
	}
	if len(c.Logs) > 0 {
		b.WriteString("\nLog lines:\n\n```\n")
		for _, l := range c.Logs {
			fmt.Fprintf(b, "%s %s %s\n", ts(l.Timestamp), termtext.Line(l.Group), strings.ReplaceAll(termtext.Line(l.Message), "```", "'''"))
		}
		b.WriteString("```\n")
	}
	b.WriteString("\n")
}
