package transcript

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Comparison is a replay's outcome: the recorded session (A) and the
// replayed one (B), step by step.
type Comparison struct {
	A     string     `json:"a"` // labels: the profiles, "recorded" / "replay" without
	B     string     `json:"b"`
	Steps []StepDiff `json:"steps"`
	// Same is true when no step differs.
	Same bool `json:"same"`
}

// StepDiff compares one sign-in or call of both sessions.
type StepDiff struct {
	Step string `json:"step"` // "sign-in 1", "call 2"
	What string `json:"what"` // "srp", "GET /private"
	// A and B are each side's outcome: "signed in", "refused
	// (NotAuthorizedException)", "200", "not sent".
	A           string   `json:"a"`
	B           string   `json:"b"`
	Same        bool     `json:"same"`
	Differences []string `json:"differences,omitempty"`
	// Note says why a step was not compared (a call the replay skipped).
	Note string `json:"note,omitempty"`
}

// Differences counts the steps that differ.
func (c *Comparison) Differences() int {
	n := 0
	for _, s := range c.Steps {
		if !s.Same {
			n++
		}
	}
	return n
}

// Diff compares a recorded session with its replay, labelled la and lb.
func Diff(a, b *Transcript, la, lb string) *Comparison {
	if same := la == lb; la == "" || same {
		la = "recorded"
		if lb == "" || same {
			lb = "replay"
		}
	} else if lb == "" {
		lb = "replay"
	}
	c := &Comparison{A: la, B: lb, Steps: []StepDiff{}}
	for i, sa := range a.SignIns {
		sd := StepDiff{Step: fmt.Sprintf("sign-in %d", i+1), What: sa.Flow, A: signInOutcome(&sa)}
		if i >= len(b.SignIns) {
			sd.B = "not replayed"
			sd.Differences = append(sd.Differences, fmt.Sprintf("%s did not get this far", lb))
		} else {
			sb := b.SignIns[i]
			sd.B = signInOutcome(&sb)
			sd.Differences = diffSignIn(&sa, &sb, la, lb)
		}
		sd.Same = len(sd.Differences) == 0
		c.Steps = append(c.Steps, sd)
	}
	for i, ca := range a.Calls {
		sd := StepDiff{Step: fmt.Sprintf("call %d", i+1), What: strings.TrimSpace(ca.Method + " " + ca.Path), A: callOutcome(&ca)}
		if i >= len(b.Calls) {
			sd.B = "not replayed"
			sd.Differences = append(sd.Differences, fmt.Sprintf("%s %s, %s did not call", la, sd.A, lb))
		} else {
			cb := b.Calls[i]
			sd.B = callOutcome(&cb)
			if cb.Skipped != "" {
				sd.B, sd.Note = "skipped", cb.Skipped
			} else {
				sd.Differences = diffCall(a, b, &ca, &cb, la, lb)
			}
		}
		sd.Same = len(sd.Differences) == 0
		c.Steps = append(c.Steps, sd)
	}
	c.Same = c.Differences() == 0
	return c
}

func signInOutcome(s *SignIn) string {
	switch s.Outcome {
	case OutcomeSignedIn:
		return "signed in"
	case OutcomeRefused:
		if s.Error != nil && s.Error.Type != "" {
			return "refused (" + s.Error.Type + ")"
		}
		return "refused"
	}
	if n := len(s.Challenges); n > 0 {
		return "stopped at " + s.Challenges[n-1]
	}
	return "stopped"
}

func callOutcome(c *Call) string {
	switch {
	case c.Status != 0:
		return fmt.Sprint(c.Status)
	case c.Error != "" && !strings.HasPrefix(c.Error, NotSent):
		return "no answer"
	}
	return "not sent"
}

func diffSignIn(a, b *SignIn, la, lb string) []string {
	var out []string
	for _, ch := range b.Challenges {
		if !slices.Contains(a.Challenges, ch) {
			out = append(out, fmt.Sprintf("%s asks for %s where %s did not", lb, ch, la))
		}
	}
	for _, ch := range a.Challenges {
		if !slices.Contains(b.Challenges, ch) {
			out = append(out, fmt.Sprintf("%s asked for %s where %s did not", la, ch, lb))
		}
	}
	oa, ob := signInOutcome(a), signInOutcome(b)
	if oa != ob {
		switch {
		case b.Error != nil:
			out = append(out, fmt.Sprintf("%s %s, %s %s: %s", la, oa, lb, ob, errLine(b.Error)))
		case a.Error != nil:
			out = append(out, fmt.Sprintf("%s %s (%s), %s %s", la, oa, errLine(a.Error), lb, ob))
		case len(out) == 0:
			out = append(out, fmt.Sprintf("%s %s, %s %s", la, oa, lb, ob))
		}
	}
	if a.Outcome == OutcomeSignedIn && b.Outcome == OutcomeSignedIn {
		out = append(out, diffTokens(a.Tokens, b.Tokens, la, lb)...)
	}
	return out
}

func errLine(e *Error) string {
	s := e.Message
	if e.Type != "" && s != "" {
		s = e.Type + ": " + s
	} else if e.Type != "" {
		s = e.Type
	}
	if e.Operation != "" {
		s = e.Operation + " " + s
	}
	return s
}

// diffTokens names what differs between the tokens of two sign-ins that
// matters whatever the environment: scopes, groups, token lifetimes,
// which tokens were issued. Ids (client, pool, jti) always differ between
// environments and are named only when a call's outcome depends on them.
func diffTokens(a, b []Token, la, lb string) []string {
	var out []string
	for _, use := range []string{"id", "access", "refresh"} {
		ta, okA := tokenOf(a, use)
		tb, okB := tokenOf(b, use)
		switch {
		case okA && !okB:
			out = append(out, fmt.Sprintf("%s issued no %s token where %s did", lb, use, la))
			continue
		case !okA && okB:
			out = append(out, fmt.Sprintf("%s issued a %s token where %s did not", lb, use, la))
			continue
		case !okA:
			continue
		}
		if !sameSet(ta.Scopes, tb.Scopes) {
			out = append(out, fmt.Sprintf("%s token `scope` differs (%s %s, %s %s)", use, la, list(ta.Scopes), lb, list(tb.Scopes)))
		}
		if !sameSet(ta.Groups, tb.Groups) {
			out = append(out, fmt.Sprintf("%s token `cognito:groups` differs (%s %s, %s %s)", use, la, list(ta.Groups), lb, list(tb.Groups)))
		}
		la1, lb1 := lifetime(ta), lifetime(tb)
		if la1 > 0 && lb1 > 0 && absDur(la1-lb1) > time.Minute {
			out = append(out, fmt.Sprintf("%s token lifetime differs (%s %s, %s %s)", use, la, la1, lb, lb1))
		}
	}
	return out
}

func tokenOf(ts []Token, use string) (Token, bool) {
	for _, t := range ts {
		if t.Use == use {
			return t, true
		}
	}
	return Token{}, false
}

func lifetime(t Token) time.Duration {
	if t.IssuedAt.IsZero() || t.Expires.IsZero() {
		return 0
	}
	return t.Expires.Sub(t.IssuedAt)
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

func list(v []string) string {
	if len(v) == 0 {
		return "none"
	}
	return "`" + strings.Join(v, " ") + "`"
}

// short is an id cut for a sentence: "4ymsan…".
func short(s string) string {
	return cut(s, 6)
}

// shortPair cuts two ids that a sentence contrasts far enough to tell
// apart: "4ymsan…" and "7c2k1q…", but "cogscopedemopub…" and
// "cogscopedemorot…" when they share a prefix.
func shortPair(a, b string) (string, string) {
	ra, rb := []rune(a), []rune(b)
	common := 0
	for common < len(ra) && common < len(rb) && ra[common] == rb[common] {
		common++
	}
	n := max(6, common+3)
	return cut(a, n), cut(b, n)
}

// cut keeps the first n runes of s, when that drops at least three.
func cut(s string, n int) string {
	if r := []rune(s); len(r) > n+2 {
		return string(r[:n]) + "…"
	}
	return s
}

func diffCall(ta, tb *Transcript, a, b *Call, la, lb string) []string {
	oa, ob := callOutcome(a), callOutcome(b)
	if oa == ob {
		return nil
	}
	head := fmt.Sprintf("%s %s, %s %s", la, oa, lb, ob)
	// The side that was refused explains the difference.
	x, refused := b.Explanation, lb
	if (x == nil || b.Status < 400) && a.Explanation != nil && a.Status >= 400 {
		x, refused = a.Explanation, la
	}
	tka, _ := tokenAt(ta, a)
	tkb, _ := tokenAt(tb, b)
	if b.Status == 0 && b.Error == "" {
		if n := len(tb.SignIns); n > 0 && tb.SignIns[n-1].Outcome != OutcomeSignedIn {
			return []string{head + ": no token (" + lb + "'s sign-in " + signInOutcome(&tb.SignIns[n-1]) + ")"}
		} else if n == 0 && a.TokenKind != "" && a.TokenKind != "none" {
			// The recorded call's token came from a sign-in the
			// transcript does not hold (an earlier session's).
			return []string{head + ": no token (the transcript holds no sign-in for " + lb + " to get one from; export a session that starts with its sign-in)"}
		} else if _, ok := tokenAt(tb, b); !ok && (b.TokenKind == "id" || b.TokenKind == "access") {
			// Signed in, but with no token of the kind the call sends (a
			// client_credentials grant issues no ID token).
			return []string{head + ": no " + b.TokenKind + " token (" + lb + "'s sign-ins issued none)"}
		}
		return []string{head}
	}
	if x == nil || x.FailedCheck == "" {
		why := ""
		if b.Error != "" {
			why = ": " + strings.TrimPrefix(b.Error, NotSent)
		} else if b.Message != "" {
			why = ": " + b.Message
		}
		return []string{head + why}
	}
	switch x.FailedCheck {
	case "aud":
		if tka.ClientID != tkb.ClientID {
			ca, cb := shortPair(tka.ClientID, tkb.ClientID)
			return []string{fmt.Sprintf("%s: `aud` differs (%s client %s, %s client %s)", head, la, ca, lb, cb)}
		}
		return []string{fmt.Sprintf("%s: `aud`: %s's authorizer does not accept client %s", head, refused, short(tkb.ClientID))}
	case "scope":
		if !sameSet(tka.Scopes, tkb.Scopes) {
			return []string{fmt.Sprintf("%s: `scope` differs (%s %s, %s %s)", head, la, list(tka.Scopes), lb, list(tkb.Scopes))}
		}
		return []string{fmt.Sprintf("%s: `scope`: %s's route requires a scope the token (%s) lacks", head, refused, list(tkb.Scopes))}
	case "iss":
		return []string{fmt.Sprintf("%s: `iss`: %s's authorizer does not trust issuer %s", head, refused, tkb.Issuer)}
	case "token_use":
		return []string{fmt.Sprintf("%s: `token_use`: %s's route wants another kind of token than the %s token sent", head, refused, b.TokenKind)}
	}
	reason := x.Reason
	if reason == "" {
		reason = x.Cause
	}
	return []string{fmt.Sprintf("%s: `%s` check failed in %s: %s", head, x.FailedCheck, refused, reason)}
}

// tokenAt is the token a call sent: by its jti, else the latest token of
// its kind issued before it.
func tokenAt(t *Transcript, c *Call) (Token, bool) {
	if tk, ok := t.TokenByJTI(c.TokenJTI); ok {
		return tk, true
	}
	for i := len(t.SignIns) - 1; i >= 0; i-- {
		s := t.SignIns[i]
		if !c.Started.IsZero() && s.Started.After(c.Started) {
			continue
		}
		if tk, ok := tokenOf(s.Tokens, c.TokenKind); ok {
			return tk, true
		}
	}
	return Token{}, false
}
