package inspect

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Describe decodes a token and explains it without verifying anything: no
// keys are fetched, so alg "none"/HS* are still refused but kid and
// signature are skipped and Valid is false. The time checks use now, so
// the console can show claims and a lifetime bar the moment a token is
// pasted, before verification completes.
func Describe(raw string, now time.Time) *Report {
	v, _ := NewVerifier(Options{Keys: noKeys{}, Now: func() time.Time { return now }})
	r, err := v.Verify(context.Background(), raw)
	if err != nil && r == nil {
		r = &Report{Now: now, Kind: KindUnknown, Checks: make([]Check, numChecks)}
		r.Checks[0] = failCheck(CheckParse, err.Error())
		for i := 1; i < numChecks; i++ {
			r.Checks[i] = skipCheck(CheckNames[i], "the token could not be decoded")
		}
	}
	return r
}

// noKeys is the key source of Describe: it consults nothing.
type noKeys struct{}

var errNotVerified = errors.New("not verified: no keys consulted")

func (noKeys) Key(context.Context, string, string) (*Key, error) { return nil, errNotVerified }
func (noKeys) Keys(context.Context, string) ([]*Key, error)      { return nil, errNotVerified }

// Pinned: Describe consults no keys, so no issuer is trusted or doubted.
func (noKeys) Pinned() bool { return true }

// report assembles the Report of a finished full evaluation.
func (e *evaluation) report(tok *Token) *Report {
	r := &Report{Token: tok, Now: e.now, Checks: e.checks[:], Kind: KindUnknown}
	switch e.cs.tokenUse {
	case "id":
		r.Kind = KindID
	case "access":
		r.Kind = KindAccess
	}
	status := func(n CheckName) Status {
		for _, c := range e.checks {
			if c.Name == n {
				return c.Status
			}
		}
		return ""
	}
	r.Valid = status(CheckSignature) == StatusOK
	for _, c := range e.checks {
		if c.Status == StatusFail {
			r.Valid = false
		}
	}
	if tok == nil {
		return r
	}
	if !e.cs.wrong(cIss) {
		r.Issuer = DescribeIssuer(e.cs.iss)
		if e.cs.iss == "" {
			r.Issuer = IssuerInfo{}
		}
	}
	if _, describing := e.v.keys.(noKeys); !describing && status(CheckParse) != "" {
		switch {
		case e.v.opts.Issuer != "":
			r.Trust = TrustExpectedIssuer
		case e.v.pinned:
			r.Trust = TrustGivenKeys
		default:
			r.Trust = TrustTokenIssuer
		}
	}
	r.Notes = append(r.Notes, tok.Notes...)
	if sk, ok := e.v.keys.(skippedKeySource); ok && e.keyDone {
		iss, _ := e.keyIssuer()
		if skipped := sk.SkippedKeys(iss); len(skipped) > 0 {
			names := make([]string, len(skipped))
			for i, k := range skipped {
				names[i] = k.String()
			}
			r.Notes = append(r.Notes, "the JWKS holds keys that cannot be used; they were skipped and the others used (RFC 7517 §5): "+strings.Join(names, "; "))
		}
	}
	for _, f := range tok.Header.Fields {
		info, known := LookupHeader(f.Name)
		c := Claim{Name: f.Name, Value: f.Value, Display: display(info.Kind, f.Value, e.now, nil), Meaning: info.Meaning, Known: known, Check: info.Check}
		if !known {
			c.Meaning = "not a standard header field"
		}
		if c.Check != "" {
			c.Status = status(c.Check)
		}
		r.Header = append(r.Header, c)
		switch f.Name {
		case "jwk", "jku", "x5u", "x5c":
			r.Notes = append(r.Notes, fmt.Sprintf("the header carries %q: keys named by the token itself are ignored (trusting them would let anyone sign)", f.Name))
		}
	}
	for _, f := range tok.Claims {
		info, known := LookupClaim(f.Name)
		c := Claim{Name: f.Name, Value: f.Value, Meaning: info.Meaning, Known: known, Check: info.Check}
		if !known {
			c.Meaning = unknownMeaning
		}
		c.Display = display(info.Kind, f.Value, e.now, &c)
		if c.Check != "" {
			c.Status = status(c.Check)
		}
		r.Claims = append(r.Claims, c)
	}
	r.Lifetime = e.lifetime()
	if r.Kind != KindUnknown && status(CheckSignature) != StatusOK {
		r.Notes = append(r.Notes, "the claims are unverified: anyone can write a token that says this")
	}
	switch r.Kind {
	case KindAccess:
		r.Notes = append(r.Notes, "offline checks cannot see revocation (GlobalSignOut, RevokeToken): only Cognito knows; GetUser with this access token tells")
	case KindID:
		r.Notes = append(r.Notes, "ID tokens are never revoked: after sign-out they stay accepted until exp wherever they are verified offline")
	}
	return r
}

func (e *evaluation) lifetime() Lifetime {
	l := Lifetime{Now: e.now}
	if e.cs.present(cNbf) && !e.cs.wrong(cNbf) {
		l.NotBefore = secondsTime(e.cs.nbf)
	}
	if !e.cs.present(cIat) || e.cs.wrong(cIat) || !e.cs.present(cExp) || e.cs.wrong(cExp) {
		return l
	}
	l.IssuedAt, l.ExpiresAt = secondsTime(e.cs.iat), secondsTime(e.cs.exp)
	if l.IssuedAt.IsZero() || l.ExpiresAt.IsZero() {
		return l
	}
	l.Known = true
	l.Total = l.ExpiresAt.Sub(l.IssuedAt)
	l.Remaining = l.ExpiresAt.Sub(e.now)
	switch {
	case l.Total <= 0 || !e.now.Before(l.ExpiresAt):
		l.Elapsed = 1
	case !e.now.After(l.IssuedAt):
		l.Elapsed = 0
	default:
		l.Elapsed = float64(e.now.Sub(l.IssuedAt)) / float64(l.Total)
	}
	return l
}

// display formats a raw JSON value for people, filling c.Items and c.Time
// when c is not nil.
func display(kind ValueKind, raw json.RawMessage, now time.Time, c *Claim) string {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return string(raw)
	}
	setItems := func(items []string) string {
		if c != nil {
			c.Items = items
		}
		if len(items) == 0 {
			return "(none)"
		}
		return strings.Join(items, ", ")
	}
	switch kind {
	case ValueTime:
		if n, ok := v.(json.Number); ok {
			if f, err := n.Float64(); err == nil {
				if t := secondsTime(f); !t.IsZero() {
					if c != nil {
						c.Time = t
					}
					return FormatTime(t) + " (" + Relative(t, now) + ")"
				}
			}
		}
	case ValueSpaceList:
		switch x := v.(type) {
		case string:
			return setItems(splitSpaces(x))
		case []any:
			return setItems(stringItems(x))
		}
	case ValueList:
		switch x := v.(type) {
		case string:
			return setItems([]string{x})
		case []any:
			return setItems(stringItems(x))
		}
	case ValueIdentities:
		if x, ok := v.([]any); ok {
			items := make([]string, 0, len(x))
			for _, it := range x {
				items = append(items, identityText(it))
			}
			return setItems(items)
		}
	case ValueObject:
		if m, ok := v.(map[string]any); ok {
			if f, ok := m["formatted"].(string); ok {
				return f
			}
		}
	}
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		if x {
			return "true"
		}
		return "false"
	case nil:
		return "null"
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return string(raw)
	}
	return buf.String()
}

func stringItems(x []any) []string {
	out := make([]string, 0, len(x))
	for _, it := range x {
		if s, ok := it.(string); ok {
			out = append(out, s)
		} else {
			b, _ := json.Marshal(it)
			out = append(out, string(b))
		}
	}
	return out
}

// identityText renders one entry of Cognito's identities claim:
// "Google: userId 1234 (primary, linked 2022-01-20)".
func identityText(it any) string {
	m, ok := it.(map[string]any)
	if !ok {
		b, _ := json.Marshal(it)
		return string(b)
	}
	str := func(k string) string {
		switch x := m[k].(type) {
		case string:
			return x
		case json.Number:
			return x.String()
		case bool:
			if x {
				return "true"
			}
			return "false"
		}
		return ""
	}
	name := str("providerName")
	if name == "" {
		name = str("providerType")
	}
	s := orDefault(name, "provider") + ": userId " + orDefault(str("userId"), "?")
	var extra []string
	if str("primary") == "true" {
		extra = append(extra, "primary")
	}
	if ms := str("dateCreated"); ms != "" {
		var n json.Number = json.Number(ms)
		if f, err := n.Float64(); err == nil {
			if t := secondsTime(f / 1000); !t.IsZero() {
				extra = append(extra, "linked "+t.Format("2006-01-02"))
			}
		}
	}
	if len(extra) > 0 {
		s += " (" + strings.Join(extra, ", ") + ")"
	}
	return s
}
