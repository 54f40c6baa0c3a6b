package inspect

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"
	"unsafe"
)

// scanner is a small validating JSON reader for the verification hot path:
// it walks one object, hands the caller each member name, and reads or
// skips values without building a map. It accepts exactly what
// encoding/json accepts (the fuzz tests hold it to that), including the
// 10000-level nesting limit.
type scanner struct {
	b []byte
	i int
	// alias lets str return strings that share memory with b instead of
	// copying. Only for buffers that are never written again (the fast
	// path's private decode buffer).
	alias bool
}

// scanError is a JSON error at a byte offset.
type scanError struct {
	off int
	msg string
}

func (e *scanError) Error() string { return fmt.Sprintf("invalid JSON at byte %d: %s", e.off, e.msg) }

const maxJSONDepth = 10000

func (s *scanner) fail(msg string) error { return &scanError{off: s.i, msg: msg} }

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, 0 at the end.
func (s *scanner) peek() byte {
	s.ws()
	if s.i >= len(s.b) {
		return 0
	}
	return s.b[s.i]
}

func (s *scanner) expect(c byte) error {
	if s.peek() != c {
		if s.i >= len(s.b) {
			return s.fail("unexpected end of JSON")
		}
		return s.fail(fmt.Sprintf("expected %q, found %q", c, s.b[s.i]))
	}
	s.i++
	return nil
}

// rawString reads a string token and returns its contents without the
// quotes, whether it holds escapes, and whether it holds non-ASCII bytes.
func (s *scanner) rawString() (raw []byte, escaped, nonASCII bool, err error) {
	if s.peek() != '"' {
		return nil, false, false, s.fail("expected a string")
	}
	s.i++
	start := s.i
	for s.i < len(s.b) {
		// Skip eight plain bytes at a time: most of a token is long
		// ASCII strings (ids, URLs).
		for s.i+8 <= len(s.b) && plainWord(binary.LittleEndian.Uint64(s.b[s.i:])) {
			s.i += 8
		}
		if s.i >= len(s.b) {
			break
		}
		c := s.b[s.i]
		if plainByte[c] {
			s.i++
			continue
		}
		switch {
		case c == '"':
			raw = s.b[start:s.i]
			s.i++
			return raw, escaped, nonASCII, nil
		case c == '\\':
			escaped = true
			s.i++
			if s.i >= len(s.b) {
				return nil, false, false, s.fail("unexpected end of JSON in a string escape")
			}
			switch s.b[s.i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.i++
			case 'u':
				s.i++
				for k := 0; k < 4; k++ {
					if s.i >= len(s.b) || !isHex(s.b[s.i]) {
						return nil, false, false, s.fail("invalid \\u escape")
					}
					s.i++
				}
			default:
				return nil, false, false, s.fail("invalid escape")
			}
		case c < 0x20:
			return nil, false, false, s.fail("control character in a string")
		default:
			if c >= 0x80 {
				nonASCII = true
			}
			s.i++
		}
	}
	return nil, false, false, s.fail("unexpected end of JSON in a string")
}

// plainByte marks the bytes a string can hold that need no attention:
// printable ASCII other than '"' and '\\'.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

const (
	lows  = 0x0101010101010101
	highs = 0x8080808080808080
)

// plainWord reports whether none of the eight bytes of w is a quote, a
// backslash, a control character or non-ASCII (the SWAR "has zero byte"
// trick, applied to w XOR the byte looked for).
func plainWord(w uint64) bool {
	hasZero := func(v uint64) uint64 { return (v - lows) & ^v & highs }
	special := w&highs | // non-ASCII
		(w-0x20*lows)&^w&highs | // a byte below 0x20
		hasZero(w^('"'*lows)) |
		hasZero(w^('\\'*lows))
	return special == 0
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// str reads a string value. Plain ASCII (or valid UTF-8) without escapes
// is copied as is; anything else goes through encoding/json so escapes,
// surrogate pairs and invalid UTF-8 come out exactly as it would decode
// them.
func (s *scanner) str() (string, error) {
	start := s.i
	raw, esc, nonASCII, err := s.rawString()
	if err != nil {
		return "", err
	}
	if !esc && (!nonASCII || utf8.Valid(raw)) {
		if s.alias {
			if len(raw) == 0 {
				return "", nil
			}
			return unsafe.String(&raw[0], len(raw)), nil
		}
		return string(raw), nil
	}
	var out string
	q := s.b[start:s.i]
	for q[0] != '"' { // skip leading whitespace before the quote
		q = q[1:]
	}
	if err := json.Unmarshal(q, &out); err != nil {
		return "", &scanError{off: start, msg: err.Error()}
	}
	return out, nil
}

// key reads a member name and the colon after it. The returned bytes alias
// the input when the name has no escapes, so comparing them allocates
// nothing.
func (s *scanner) key() ([]byte, error) {
	start := s.i
	raw, esc, _, err := s.rawString()
	if err != nil {
		return nil, err
	}
	if esc {
		var out string
		q := s.b[start:s.i]
		for q[0] != '"' {
			q = q[1:]
		}
		if err := json.Unmarshal(q, &out); err != nil {
			return nil, &scanError{off: start, msg: err.Error()}
		}
		raw = []byte(out)
	}
	if err := s.expect(':'); err != nil {
		return nil, err
	}
	return raw, nil
}

// number reads a JSON number as float64. ok is false (and the value
// skipped) when the next value is not a number.
func (s *scanner) number() (f float64, isNum bool, err error) {
	c := s.peek()
	if c != '-' && (c < '0' || c > '9') {
		return 0, false, s.skip(1)
	}
	start := s.i
	if err := s.numberToken(); err != nil {
		return 0, true, err
	}
	raw := s.b[start:s.i]
	// Integers of up to 15 digits are exact in a float64: skip strconv.
	if len(raw) <= 15 {
		var n int64
		neg := raw[0] == '-'
		digits := raw
		if neg {
			digits = raw[1:]
		}
		plain := true
		for _, d := range digits {
			if d < '0' || d > '9' {
				plain = false
				break
			}
			n = n*10 + int64(d-'0')
		}
		if plain {
			if neg {
				n = -n
			}
			return float64(n), true, nil
		}
	}
	f, perr := strconv.ParseFloat(string(raw), 64)
	if perr != nil {
		// Out of range: JavaScript reads it as ±Infinity, which no
		// verifier accepts as a time.
		return math.Inf(1), true, nil
	}
	return f, true, nil
}

// numberToken consumes a number per the JSON grammar.
func (s *scanner) numberToken() error {
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	switch {
	case s.i >= len(s.b):
		return s.fail("unexpected end of JSON in a number")
	case s.b[s.i] == '0':
		s.i++
	case s.b[s.i] >= '1' && s.b[s.i] <= '9':
		for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
			s.i++
		}
	default:
		return s.fail("invalid number")
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if s.i >= len(s.b) || s.b[s.i] < '0' || s.b[s.i] > '9' {
			return s.fail("invalid number: digit expected after '.'")
		}
		for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
			s.i++
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if s.i >= len(s.b) || s.b[s.i] < '0' || s.b[s.i] > '9' {
			return s.fail("invalid number: digit expected in exponent")
		}
		for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
			s.i++
		}
	}
	return nil
}

// strOrList reads a string or an array of strings. isList says which; ok is
// false (and the value skipped) for any other shape.
func (s *scanner) strOrList() (one string, list []string, isList, ok bool, err error) {
	switch s.peek() {
	case '"':
		one, err = s.str()
		return one, nil, false, err == nil, err
	case '[':
		s.i++
		list = []string{}
		ok = true
		if s.peek() == ']' {
			s.i++
			return "", list, true, true, nil
		}
		for {
			if s.peek() == '"' {
				v, err := s.str()
				if err != nil {
					return "", nil, true, false, err
				}
				list = append(list, v)
			} else {
				ok = false
				if err := s.skip(2); err != nil {
					return "", nil, true, false, err
				}
			}
			switch s.peek() {
			case ',':
				s.i++
			case ']':
				s.i++
				if !ok {
					list = nil
				}
				return "", list, true, ok, nil
			default:
				return "", nil, true, false, s.fail("expected ',' or ']' in an array")
			}
		}
	default:
		return "", nil, false, false, s.skip(1)
	}
}

// skip consumes one value of any type. depth is the nesting level of the
// container holding the value (the top-level object is 1, as in
// encoding/json), for the nesting limit.
func (s *scanner) skip(depth int) error {
	switch c := s.peek(); {
	case c == '"':
		_, _, _, err := s.rawString()
		return err
	case c == '{':
		if depth+1 > maxJSONDepth {
			return s.fail("exceeded max depth")
		}
		s.i++
		if s.peek() == '}' {
			s.i++
			return nil
		}
		for {
			if _, _, _, err := s.rawString(); err != nil {
				return err
			}
			if err := s.expect(':'); err != nil {
				return err
			}
			if err := s.skip(depth + 1); err != nil {
				return err
			}
			switch s.peek() {
			case ',':
				s.i++
			case '}':
				s.i++
				return nil
			default:
				return s.fail("expected ',' or '}' in an object")
			}
		}
	case c == '[':
		if depth+1 > maxJSONDepth {
			return s.fail("exceeded max depth")
		}
		s.i++
		if s.peek() == ']' {
			s.i++
			return nil
		}
		for {
			if err := s.skip(depth + 1); err != nil {
				return err
			}
			switch s.peek() {
			case ',':
				s.i++
			case ']':
				s.i++
				return nil
			default:
				return s.fail("expected ',' or ']' in an array")
			}
		}
	case c == '-' || c >= '0' && c <= '9':
		return s.numberToken()
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	case c == 0 && s.i >= len(s.b):
		return s.fail("unexpected end of JSON")
	default:
		return s.fail(fmt.Sprintf("invalid character %q looking for a value", c))
	}
}

func (s *scanner) literal(word string) error {
	if len(s.b)-s.i < len(word) || string(s.b[s.i:s.i+len(word)]) != word {
		return s.fail("invalid literal")
	}
	s.i += len(word)
	return nil
}

// object walks the members of one top-level object, calling member for
// each name with the scanner positioned at the value; member must consume
// the value. It refuses trailing data.
func (s *scanner) object(member func(name []byte) error) error {
	if err := s.expect('{'); err != nil {
		return err
	}
	if s.peek() == '}' {
		s.i++
	} else {
		for {
			name, err := s.key()
			if err != nil {
				return err
			}
			if err := member(name); err != nil {
				return err
			}
			switch s.peek() {
			case ',':
				s.i++
				continue
			case '}':
				s.i++
			default:
				if s.i >= len(s.b) {
					return s.fail("unexpected end of JSON")
				}
				return s.fail("expected ',' or '}' after an object member")
			}
			break
		}
	}
	s.ws()
	if s.i != len(s.b) {
		return s.fail("data after the top-level object")
	}
	return nil
}
