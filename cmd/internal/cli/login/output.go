package login

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/termtext"
)

// traceWriter prints steps as they happen, for people.
type traceWriter struct {
	w      io.Writer
	reveal bool
}

// maxValue is how much of a long value (SRP numbers) the readable trace
// shows; --json and --reveal show all of it.
const maxValue = 64

func (tw *traceWriter) val(s string) string {
	s = termtext.Line(s) // values come from the service
	if tw.reveal || utf8.RuneCountInString(s) <= maxValue {
		return s
	}
	r := []rune(s)
	return string(r[:maxValue-1]) + "…"
}

func (tw *traceWriter) step(s flows.Step) {
	w := tw.w
	fmt.Fprintf(w, "%2d. %s", s.Index, termtext.Line(s.Title))
	if s.Kind == flows.StepCall || s.Kind == flows.StepCompute {
		fmt.Fprintf(w, "  (%.1f ms)", s.DurationMS)
	}
	fmt.Fprintln(w)
	width := 0
	for _, m := range []map[string]string{s.Request, s.Response} {
		for k := range m {
			width = max(width, utf8.RuneCountInString(k))
		}
	}
	if s.SRP != nil {
		width = max(width, len("device group key")+2)
	}
	tw.fields(w, "→", s.Request, width)
	if s.SRP != nil {
		v := s.SRP
		rows := [][2]string{
			{"pool name", v.PoolName}, {"user id", v.UserID}, {"A", v.A}, {"B", v.B}, {"salt", v.Salt},
			{"u", v.U}, {"x", v.X}, {"key (HKDF)", v.Key}, {"secret block", v.SecretBlock},
			{"TIMESTAMP", v.Timestamp}, {"signature", v.Signature},
		}
		if v.Subject == "device" {
			rows[0][0], rows[1][0] = "device group key", "device key"
		}
		for _, r := range rows {
			if r[1] != "" {
				fmt.Fprintf(w, "      %-*s %s\n", width, r[0], tw.val(r[1]))
			}
		}
	}
	tw.fields(w, "←", s.Response, width)
	if s.Error != nil {
		fmt.Fprintf(w, "    ✗ %s\n", termtext.Line(s.Error.String()))
	} else if s.RequestID != "" {
		fmt.Fprintf(w, "      request id %s\n", termtext.Line(s.RequestID))
	}
	for _, n := range s.Notes {
		fmt.Fprintf(w, "    · %s\n", termtext.Line(n))
	}
}

func (tw *traceWriter) fields(w io.Writer, arrow string, m map[string]string, width int) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "    %s %-*s %s\n", arrow, width, termtext.Line(k), tw.val(m[k]))
	}
}

// writeLifetimes prints when each token expires.
func writeLifetimes(w io.Writer, res *flows.Result, now time.Time) {
	t := res.Tokens
	fmt.Fprintf(w, "\nTokens (%s, expires_in %d s):\n", t.TokenType, t.ExpiresIn)
	for _, tok := range []struct{ name, jwt string }{{"id token", t.IDToken}, {"access token", t.AccessToken}} {
		if tok.jwt == "" {
			continue
		}
		c, err := flows.UnverifiedClaims(tok.jwt)
		if err != nil {
			fmt.Fprintf(w, "  %-14s unreadable (%v)\n", tok.name, err)
			continue
		}
		line := fmt.Sprintf("  %-14s", tok.name)
		if !c.ExpiresAt.IsZero() {
			line += fmt.Sprintf(" expires %s (%s)", c.ExpiresAt.UTC().Format("2006-01-02 15:04:05 UTC"), untilText(c.ExpiresAt, now))
			if !c.IssuedAt.IsZero() {
				line += fmt.Sprintf(", lifetime %s", c.ExpiresAt.Sub(c.IssuedAt))
			}
		}
		if c.Username != "" {
			line += ", user " + c.Username
		}
		fmt.Fprintln(w, line)
	}
	switch {
	case t.RefreshToken == "":
		fmt.Fprintf(w, "  %-14s none\n", "refresh token")
	case res.Tokens.RefreshRotated:
		fmt.Fprintf(w, "  %-14s rotated: a new one replaced the old (lifetime set by the app client)\n", "refresh token")
	default:
		fmt.Fprintf(w, "  %-14s opaque; valid for the app client's refresh-token validity (30 days by default)\n", "refresh token")
	}
	if res.NewDevice != nil {
		state := "confirmed, not remembered"
		if res.NewDevice.Remembered {
			state = "remembered"
		}
		fmt.Fprintf(w, "  %-14s %s (%s)\n", "device", res.NewDevice.Key, state)
	}
	fmt.Fprintln(w, "Print the tokens with --json.")
}

// loginJSON is the `cogscope login --json` document.
type loginJSON struct {
	Tokens *flows.Tokens    `json:"tokens"`
	Trace  []flows.Step     `json:"trace"`
	Error  *flows.Diagnosis `json:"error,omitempty"`
	// Challenge is the one left unanswered when the flow stopped at it.
	Challenge *flows.Challenge `json:"challenge,omitempty"`
}

func writeLoginJSON(w io.Writer, res *flows.Result, trace []flows.Step, runErr error) error {
	doc := loginJSON{Trace: trace}
	if doc.Trace == nil {
		doc.Trace = []flows.Step{}
	}
	if res != nil {
		doc.Tokens = res.Tokens
		if res.Challenge != nil && runErr != nil {
			c := *res.Challenge
			c.OTPAuthURI = "" // holds the TOTP secret
			doc.Challenge = &c
		}
	}
	if runErr != nil {
		d := cmdutil.CLIDiagnosis(flows.Diagnose(runErr))
		doc.Error = &d
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
