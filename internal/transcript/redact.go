package transcript

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/cogscope/cogscope/flows/trace"
	"github.com/cogscope/cogscope/internal/lazyregexp"
)

// Rule is a row a transcript adds to flows/trace's table: values a trace
// shows (a login's trace is read at once by the person who ran it) but a
// transcript, written to be pasted into a ticket, must not keep.
type Rule struct {
	Key  string // the last dot-separated segment of a request/response key, or "srp.<name>"
	What string
}

// rules are the transcript's own rows. Everything trace.Classify calls
// Secret is masked too, and so is everything it shortens (tokens,
// sessions, SRP state) except the SRP public values in publicShort.
var rules = []Rule{
	{"PASSWORD_CLAIM_SIGNATURE", "the SRP password claim (M1), which a dictionary attack on the password could start from"},
	{"SMS_MFA_CODE", "a one-time code sent by SMS"},
	{"SMS_OTP_CODE", "a one-time code sent by SMS"},
	{"EMAIL_OTP_CODE", "a one-time code sent by e-mail"},
	{"SOFTWARE_TOKEN_MFA_CODE", "a TOTP code"},
	{"UserCode", "a TOTP code (VerifySoftwareToken)"},
	{"ANSWER", "a custom challenge's answer"},
	{"Session", "a challenge session, good for the rest of a sign-in"},
	{"session", "a hosted-UI sign-in session"},
	{"state", "the OAuth state"},
	{"srp.signature", "the SRP password claim (M1)"},
	{"srp.a", "the SRP private value a"},
	{"srp.S", "the SRP premaster secret S"},
}

// publicShort are values the trace shortens that a transcript keeps:
// SRP's public values.
var publicShort = map[string]bool{"SRP_A": true, "SRP_B": true, "USER_ID_FOR_SRP": true, "SALT": true}

// Rules lists what a transcript masks beyond flows/trace's table, for
// documentation.
func Rules() []Rule { return slices.Clone(rules) }

var extra = func() map[string]string {
	m := map[string]string{}
	for _, r := range rules {
		m[r.Key] = r.What
	}
	return m
}()

// whatOf says whether the value under key is masked in a transcript, and
// what it is.
func whatOf(key, value string) (string, bool) {
	last := key
	if !strings.HasPrefix(key, "srp.") {
		if i := strings.LastIndexByte(key, '.'); i >= 0 {
			last = key[i+1:]
		}
	}
	if w, ok := extra[last]; ok {
		return w, true
	}
	switch trace.Classify(key, value) {
	case trace.Secret:
		return traceWhy(key), true
	case trace.Short:
		if publicShort[last] {
			return "", false
		}
		return traceWhy(key), true
	}
	return "", false
}

// traceWhy is the Why of flows/trace's row for key.
func traceWhy(key string) string {
	last := key
	if !strings.HasPrefix(key, "srp.") {
		if i := strings.LastIndexByte(key, '.'); i >= 0 {
			last = key[i+1:]
		}
	}
	for _, r := range trace.Rules() {
		if r.Key == last || r.Key == key || strings.EqualFold(r.Key, key) {
			return r.Why
		}
	}
	return "a secret"
}

// jwtPattern finds compact JWS anywhere in text (a note, a log line, a
// body that echoed a header): header.payload.signature.
var jwtPattern = lazyregexp.New(`eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{16,}`)

// redactor masks one transcript and remembers what it masked.
type redactor struct {
	secrets []string
	items   map[string]*MaskedItem
	order   []string
}

// Redact masks every secret of t in place and adds what it masked to
// t.Masked. secrets are values the caller knows were secret (the
// password, the refresh token, the client secret, the raw tokens): any
// text that still contains one after the table's masking has it replaced
// — a server that echoed a password into a message cannot leak it.
// Redacting a transcript twice changes nothing the second time.
func Redact(t *Transcript, secrets ...string) {
	r := &redactor{items: map[string]*MaskedItem{}}
	for _, s := range secrets {
		if len(strings.TrimSpace(s)) >= 4 {
			r.secrets = append(r.secrets, s)
		}
	}
	// Longest first, so a token is replaced whole before any part of it.
	sort.Slice(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
	for _, m := range t.Masked {
		r.add(m.Key, m.What, m.Where...)
	}
	t.Target.Username = r.text(t.Target.Username, "target")
	for i := range t.SignIns {
		r.signIn(i+1, &t.SignIns[i])
	}
	for i := range t.Calls {
		r.call(i+1, &t.Calls[i])
	}
	t.Masked = make([]MaskedItem, 0, len(r.order))
	for _, k := range r.order {
		t.Masked = append(t.Masked, *r.items[k])
	}
}

func (r *redactor) add(key, what string, where ...string) {
	it, ok := r.items[key]
	if !ok {
		it = &MaskedItem{Key: key, What: what}
		r.items[key] = it
		r.order = append(r.order, key)
	}
	for _, w := range where {
		if !slices.Contains(it.Where, w) {
			it.Where = append(it.Where, w)
		}
	}
}

// jwePattern finds compact JWE (a Cognito refresh token): five parts,
// masked whole.
var jwePattern = lazyregexp.New(`eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+`)

// text masks known secrets, encrypted tokens, JWT signatures and secret
// URL query parameters in free text.
func (r *redactor) text(s, where string) string {
	if s == "" {
		return s
	}
	// Known secrets first: a token is replaced whole before the patterns
	// below change it.
	for _, sec := range r.secrets {
		if strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, Masked)
			r.add("known-secret", "a value known to be secret (the password, a token, the client secret) found in text", where)
		}
	}
	if jwePattern.MatchString(s) {
		s = jwePattern.ReplaceAllString(s, Masked)
		r.add("encrypted-token", "encrypted tokens (a refresh token) found in text", where)
	}
	if strings.Contains(s, "://") && !strings.ContainsAny(s, " \n\t") {
		if u := trace.RedactURL(s, false); u != s {
			s = strings.ReplaceAll(u, trace.Redacted, Masked)
			r.add("url-query", "secret query parameters of a URL (an authorization code)", where)
		}
	}
	if jwtPattern.MatchString(s) {
		s = jwtPattern.ReplaceAllStringFunc(s, func(tok string) string {
			i := strings.LastIndexByte(tok, '.')
			return tok[:i+1] + Masked
		})
		r.add("signature", "token signatures (the header and claims are kept)", where)
	}
	return s
}

func (r *redactor) values(m map[string]string, where string) {
	for k, v := range m {
		if v == "" {
			continue
		}
		if what, ok := whatOf(k, v); ok {
			if v != Masked {
				m[k] = Masked
			}
			r.add(k, what, where)
			continue
		}
		m[k] = r.text(v, where)
	}
}

func (r *redactor) signIn(n int, s *SignIn) {
	for i := range s.Steps {
		st := &s.Steps[i]
		where := fmt.Sprintf("sign-in %d, step %d", n, st.Index)
		r.values(st.Request, where+", request")
		r.values(st.Response, where+", response")
		for j, note := range st.Notes {
			st.Notes[j] = r.text(note, where)
		}
		if st.Error != nil {
			st.Error.Message = r.text(st.Error.Message, where)
		}
		if p := st.SRP; p != nil {
			for _, f := range []struct {
				key string
				v   *string
			}{{"srp.x", &p.X}, {"srp.key", &p.Key}, {"srp.signature", &p.Signature}, {"srp.secret_block", &p.SecretBlock}} {
				if *f.v != "" {
					*f.v = Masked
					what, _ := whatOf(f.key, "")
					r.add(f.key, what, where+", SRP")
				}
			}
		}
	}
	if s.Error != nil {
		s.Error.Message = r.text(s.Error.Message, fmt.Sprintf("sign-in %d", n))
	}
	for i := range s.Tokens {
		tk := &s.Tokens[i]
		where := fmt.Sprintf("sign-in %d, %s token", n, tk.Use)
		if tk.Use == "refresh" {
			if tk.Signature != "" || tk.Header != nil || tk.Claims != nil {
				tk.Header, tk.Claims = nil, nil
			}
			tk.Signature = ""
			r.add("refresh_token", "refresh tokens (only that one was issued is kept)", where)
			continue
		}
		tk.Signature = Masked
		r.add("signature", "token signatures (the header and claims are kept)", where)
		for j := range tk.Checks {
			tk.Checks[j].Detail = r.text(tk.Checks[j].Detail, where)
		}
	}
}

func (r *redactor) call(n int, c *Call) {
	where := fmt.Sprintf("call %d", n)
	c.URL = r.text(c.URL, where)
	c.Path = r.text(strings.ReplaceAll(trace.RedactURL(c.Path, false), trace.Redacted, Masked), where)
	for k, vs := range c.Headers {
		for i, v := range vs {
			if what, ok := whatOf(k, v); ok && v != "" {
				vs[i] = Masked
				r.add(k, what, where+", request header")
				continue
			}
			vs[i] = r.text(v, where+", request header")
		}
	}
	c.Message = r.text(c.Message, where)
	c.Error = r.text(c.Error, where)
	if x := c.Explanation; x != nil {
		x.Reason = r.text(x.Reason, where)
		for i := range x.Mistakes {
			x.Mistakes[i] = r.text(x.Mistakes[i], where)
		}
	}
	for i := range c.Logs {
		c.Logs[i].Message = r.text(c.Logs[i].Message, where+", log line")
	}
}
