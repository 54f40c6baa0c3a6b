package inspect

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Token is a decoded JWS whose signature and claims have NOT been checked.
// Nothing in it can be trusted until a Verifier says so: Decode only splits
// and decodes. Fields are read-only once returned.
type Token struct {
	// Raw is the compact serialisation after cleaning (no "Bearer ", no
	// whitespace): header.payload.signature.
	Raw string
	// Header holds the JOSE header's well-known fields.
	Header Header
	// HeaderJSON and PayloadJSON are the decoded JSON of the first two
	// parts; Signature the decoded third part (empty for alg "none").
	HeaderJSON  []byte
	PayloadJSON []byte
	Signature   []byte
	// Claims lists the payload's members in token order, values as raw
	// JSON. A duplicated name appears twice; the last one counts, as in
	// encoding/json and JavaScript's JSON.parse.
	Claims []Field
	// Notes say how the input was cleaned before decoding.
	Notes []string
}

// Header is a JOSE header. Alg and Kid are strings when present (Decode
// refuses other types); Fields lists every member in token order.
type Header struct {
	Alg, Kid, Typ, Cty string
	Fields             []Field
}

// Field is one JSON object member: a name and its raw JSON value.
type Field struct {
	Name  string
	Value json.RawMessage
}

// Lookup returns the last payload member with the given name.
func (t *Token) Lookup(name string) (json.RawMessage, bool) {
	for i := len(t.Claims) - 1; i >= 0; i-- {
		if t.Claims[i].Name == name {
			return t.Claims[i].Value, true
		}
	}
	return nil, false
}

// Part names one of the dot-separated segments of a compact token.
type Part string

// The parts of a JWS, plus the whole input for errors not tied to one part.
const (
	PartToken     Part = "token"
	PartHeader    Part = "header"
	PartPayload   Part = "payload"
	PartSignature Part = "signature"
)

// DecodeError says why a string is not a decodable JWS, and where.
type DecodeError struct {
	Part Part
	// Offset is the 0-based position in the cleaned token (base64 and
	// structure errors) or in the part's decoded JSON (JSON errors, see
	// InJSON); -1 when no position applies.
	Offset int
	// InJSON is true when Offset counts bytes of the decoded JSON.
	InJSON bool
	// Reason is the whole explanation, ready to show.
	Reason string
	// Truncated is true when the evidence says the token was cut off.
	Truncated bool
	Err       error
}

func (e *DecodeError) Error() string { return e.Reason }
func (e *DecodeError) Unwrap() error { return e.Err }

// JWEError refuses an encrypted token (JWE compact serialisation, five
// parts). Cognito refresh tokens are JWEs: their content is encrypted
// with a key only Cognito holds, so no client can show or verify it.
type JWEError struct {
	// Header is the JWE's protected header when it decodes (it is not
	// encrypted), e.g. {"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}.
	Header    []Field
	Alg, Enc  string
	RefreshOf bool // the header matches a Cognito refresh token's
}

func (e *JWEError) Error() string {
	var b strings.Builder
	b.WriteString("this is an encrypted token (JWE, 5 parts")
	if e.Alg != "" || e.Enc != "" {
		fmt.Fprintf(&b, ", alg %s, enc %s", orDash(e.Alg), orDash(e.Enc))
	}
	b.WriteString(")")
	if e.RefreshOf {
		b.WriteString(", shaped like a Cognito refresh token")
	}
	b.WriteString(": its claims are encrypted with a key only the issuer holds, so they cannot be shown or verified here")
	if e.RefreshOf {
		b.WriteString("; use it only to get new tokens (REFRESH_TOKEN_AUTH or the token endpoint) and inspect the ID or access token instead")
	}
	return b.String()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// ErrEmpty is returned by Decode for input that is empty after cleaning.
var ErrEmpty = errors.New("no token: the input is empty")

// Decode splits and decodes a compact JWS without verifying anything. It
// accepts a "Bearer " prefix (and "Authorization:" before it), surrounding
// quotes and whitespace anywhere (a line-wrapped paste), and says so in
// Token.Notes. Errors are *DecodeError, *JWEError or ErrEmpty.
func Decode(raw string) (*Token, error) {
	clean, notes := cleanInput(raw)
	if clean == "" {
		return nil, ErrEmpty
	}
	sp, err := splitCompact(clean)
	if err != nil {
		return nil, err
	}
	hdr, err := decodePart(clean, sp.h0, sp.h1, PartHeader)
	if err != nil {
		return nil, err
	}
	pay, err := decodePart(clean, sp.p0, sp.p1, PartPayload)
	if err != nil {
		return nil, err
	}
	sig, err := decodePart(clean, sp.s0, sp.s1, PartSignature)
	if err != nil {
		return nil, err
	}
	if len(hdr) == 0 {
		return nil, &DecodeError{Part: PartHeader, Offset: 0, Reason: "header: the first part is empty"}
	}
	if len(pay) == 0 {
		return nil, &DecodeError{Part: PartPayload, Offset: sp.p0, Reason: "payload: the second part is empty"}
	}
	hfields, err := objectFields(hdr, PartHeader)
	if err != nil {
		return nil, err
	}
	cfields, err := objectFields(pay, PartPayload)
	if err != nil {
		return nil, err
	}
	t := &Token{Raw: clean, HeaderJSON: hdr, PayloadJSON: pay, Signature: sig, Claims: cfields, Notes: notes}
	t.Header.Fields = hfields
	for _, f := range hfields {
		var dst *string
		switch f.Name {
		case "alg":
			dst = &t.Header.Alg
		case "kid":
			dst = &t.Header.Kid
		case "typ":
			dst = &t.Header.Typ
		case "cty":
			dst = &t.Header.Cty
		default:
			continue
		}
		*dst = ""
		if jsonKind(f.Value) != "a string" || json.Unmarshal(f.Value, dst) != nil {
			if f.Name == "alg" || f.Name == "kid" {
				return nil, &DecodeError{Part: PartHeader, Offset: -1,
					Reason: fmt.Sprintf("header: %q is %s, it must be a string", f.Name, jsonKind(f.Value))}
			}
		}
	}
	seen := make(map[string]bool, len(cfields))
	for _, f := range cfields {
		if seen[f.Name] {
			t.Notes = append(t.Notes, fmt.Sprintf("claim %q appears more than once; the last one counts", f.Name))
		}
		seen[f.Name] = true
	}
	return t, nil
}

// span holds the byte ranges of the three parts of a compact JWS.
type span struct{ h0, h1, p0, p1, s0, s1 int }

// splitCompact finds the parts of a compact JWS and refuses anything with
// another number of parts, naming what it looks like instead.
func splitCompact(s string) (span, error) {
	d1 := strings.IndexByte(s, '.')
	if d1 < 0 {
		return span{}, &DecodeError{Part: PartToken, Offset: -1,
			Reason: "not a JWT: there is no '.' in it; a JWT is three base64url parts separated by dots (header.payload.signature). An opaque string like this cannot be decoded"}
	}
	d2 := strings.IndexByte(s[d1+1:], '.')
	if d2 < 0 {
		return span{}, &DecodeError{Part: PartSignature, Offset: len(s), Truncated: true,
			Reason: "truncated token: it has 2 parts where a JWT has 3 (header.payload.signature); the signature part is missing, so the token was probably cut off when copied"}
	}
	d2 += d1 + 1
	if rest := strings.Count(s[d2+1:], "."); rest != 0 {
		n := rest + 3
		if n == 5 {
			return span{}, jweError(s[:d1])
		}
		return span{}, &DecodeError{Part: PartToken, Offset: -1,
			Reason: fmt.Sprintf("not a JWT: it has %d dot-separated parts; a signed JWT (JWS) has 3 and an encrypted one (JWE) 5", n)}
	}
	return span{0, d1, d1 + 1, d2, d2 + 1, len(s)}, nil
}

func jweError(hdr64 string) error {
	e := &JWEError{}
	b, err := base64URLDecode(hdr64)
	if err != nil {
		return e
	}
	fields, err := objectFields(b, PartHeader)
	if err != nil {
		return e
	}
	e.Header = fields
	var cty string
	for _, f := range fields {
		switch f.Name {
		case "alg":
			_ = json.Unmarshal(f.Value, &e.Alg)
		case "enc":
			_ = json.Unmarshal(f.Value, &e.Enc)
		case "cty":
			_ = json.Unmarshal(f.Value, &cty)
		}
	}
	e.RefreshOf = e.Alg == "RSA-OAEP" && e.Enc == "A256GCM" && cty == "JWT"
	return e
}

// decodePart base64url-decodes s[from:to], naming the first bad character
// by its position in the whole token.
func decodePart(s string, from, to int, part Part) ([]byte, error) {
	seg := s[from:to]
	// aws-jwt-verify and most libraries accept base64 padding; RFC 7515
	// omits it. Accept up to two '=' at the end.
	trimmed := strings.TrimRight(seg, "=")
	if len(seg)-len(trimmed) > 2 {
		return nil, &DecodeError{Part: part, Offset: from + len(trimmed) + 2,
			Reason: fmt.Sprintf("%s: too much '=' padding at position %d", part, from+len(trimmed)+2)}
	}
	for i := 0; i < len(trimmed); i++ {
		c := trimmed[i]
		if isB64URL(c) {
			continue
		}
		reason := fmt.Sprintf("%s: invalid base64url character %q at position %d of the token", part, c, from+i)
		switch c {
		case '+', '/':
			reason += " (this is standard base64; JWTs use base64url, with '-' and '_')"
		case '=':
			reason += " ('=' padding may only come at the end of a part)"
		}
		return nil, &DecodeError{Part: part, Offset: from + i, Reason: reason}
	}
	if len(trimmed)%4 == 1 {
		return nil, &DecodeError{Part: part, Offset: to, Truncated: true,
			Reason: fmt.Sprintf("%s: %d base64url characters cannot encode whole bytes (one too many or missing); the token was probably cut off or mangled at position %d", part, len(trimmed), to)}
	}
	b, err := base64.RawURLEncoding.DecodeString(trimmed)
	if err != nil {
		var ce base64.CorruptInputError
		off := from
		if errors.As(err, &ce) {
			off = from + int(ce)
		}
		return nil, &DecodeError{Part: part, Offset: off, Err: err,
			Reason: fmt.Sprintf("%s: invalid base64url at position %d of the token", part, off)}
	}
	return b, nil
}

func isB64URL(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

func base64URLDecode(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

// objectFields parses a JSON object into its members in order, with errors
// that give the byte offset in the decoded JSON.
func objectFields(b []byte, part Part) ([]Field, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	fail := func(err error) error {
		de := &DecodeError{Part: part, Offset: int(dec.InputOffset()), InJSON: true, Err: err}
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se):
			// encoding/json counts the bytes it read; the scanner names the
			// offending byte itself.
			de.Offset = int(se.Offset)
			sc := scanner{b: b}
			var scErr *scanError
			if errors.As(sc.skip(0), &scErr) {
				de.Offset = scErr.off
			}
			de.Reason = fmt.Sprintf("%s: invalid JSON at byte %d of the decoded %s: %v", part, de.Offset, part, err)
		case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
			de.Offset = len(b)
			de.Truncated = true
			de.Reason = fmt.Sprintf("%s: the JSON ends early, at byte %d of the decoded %s (token cut off?)", part, len(b), part)
		default:
			de.Reason = fmt.Sprintf("%s: invalid JSON near byte %d of the decoded %s: %v", part, de.Offset, part, err)
		}
		return de
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, fail(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, &DecodeError{Part: part, Offset: 0, InJSON: true,
			Reason: fmt.Sprintf("%s: the decoded JSON is %s, not an object", part, jsonKind(b))}
	}
	var fields []Field
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fail(err)
		}
		name, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fail(err)
		}
		fields = append(fields, Field{Name: name, Value: v})
	}
	if _, err := dec.Token(); err != nil {
		return nil, fail(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		off := int(dec.InputOffset())
		return nil, &DecodeError{Part: part, Offset: off, InJSON: true,
			Reason: fmt.Sprintf("%s: unexpected data after the JSON object at byte %d of the decoded %s", part, off, part)}
	}
	return fields, nil
}

// jsonKind names the JSON type of a value for messages.
func jsonKind(v []byte) string {
	v = bytes.TrimLeft(v, " \t\r\n")
	if len(v) == 0 {
		return "empty"
	}
	switch v[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	default:
		return "a number"
	}
}
