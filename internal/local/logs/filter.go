package logs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cogscope/cogscope/internal/lazyregexp"
)

// The filter pattern syntax of FilterLogEvents and StartLiveTail (protocol
// reference §7.6): terms, quoted phrases, ?alternatives, -exclusions and
// %regex% for unstructured text; { $.selector op value } with &&, || and
// parentheses for JSON. Space-delimited [..] patterns and anything else are
// refused with InvalidParameterException.

// matcher decides whether a message matches a compiled pattern.
type matcher interface {
	match(msg string) bool
}

type matchAll struct{}

func (matchAll) match(string) bool { return true }

// compilePattern compiles a filter pattern; "" and `" "` match everything.
func compilePattern(p string) (matcher, error) {
	if len(p) > 1024 {
		return nil, errors.New("the pattern is longer than 1024 characters")
	}
	t := strings.TrimSpace(p)
	switch {
	case t == "" || t == `" "` || t == `""`:
		return matchAll{}, nil
	case strings.HasPrefix(t, "{"):
		return compileJSONPattern(t)
	case strings.HasPrefix(t, "["):
		return nil, errors.New("space-delimited [..] patterns are not supported by the local service")
	}
	return compileTextPattern(t)
}

// --- unstructured text ---------------------------------------------------

type term struct {
	text string
	re   *regexp.Regexp
}

func (t term) in(msg string) bool {
	if t.re != nil {
		return t.re.MatchString(msg)
	}
	return strings.Contains(msg, t.text)
}

type textPattern struct {
	all, any, none []term
}

func (p *textPattern) match(msg string) bool {
	for _, t := range p.none {
		if t.in(msg) {
			return false
		}
	}
	for _, t := range p.all {
		if !t.in(msg) {
			return false
		}
	}
	if len(p.any) == 0 {
		return true
	}
	for _, t := range p.any {
		if t.in(msg) {
			return true
		}
	}
	return false
}

var regexAllowed = lazyregexp.New(`^[A-Za-z0-9:_#=@/;,\-^$?\[\]{}|\\*+. ]*$`)

func compileTextPattern(p string) (matcher, error) {
	out := &textPattern{}
	regexes := 0
	i := 0
	for i < len(p) {
		if p[i] == ' ' || p[i] == '\t' {
			i++
			continue
		}
		mod := byte(0)
		if p[i] == '?' || p[i] == '-' {
			mod = p[i]
			i++
			if i >= len(p) || p[i] == ' ' || p[i] == '\t' {
				return nil, fmt.Errorf("%q stands alone at offset %d: put it right before a term", string(mod), i-1)
			}
		}
		var t term
		switch p[i] {
		case '"':
			var b strings.Builder
			j := i + 1
			closed := false
			for j < len(p) {
				c := p[j]
				if c == '\\' && j+1 < len(p) {
					b.WriteByte(p[j+1])
					j += 2
					continue
				}
				if c == '"' {
					closed = true
					j++
					break
				}
				b.WriteByte(c)
				j++
			}
			if !closed {
				return nil, fmt.Errorf("the quote at offset %d is not closed", i)
			}
			t.text, i = b.String(), j
		case '%':
			end := strings.IndexByte(p[i+1:], '%')
			if end < 0 {
				return nil, fmt.Errorf("the regular expression at offset %d has no closing %%", i)
			}
			expr := p[i+1 : i+1+end]
			if expr == "" || !regexAllowed.MatchString(expr) || !utf8.ValidString(expr) {
				return nil, fmt.Errorf("the regular expression %%%s%% uses characters filter patterns do not allow (no groups, no multibyte characters)", expr)
			}
			re, err := regexp.Compile(expr)
			if err != nil {
				return nil, fmt.Errorf("the regular expression %%%s%%: %v", expr, err)
			}
			regexes++
			if regexes > 2 {
				return nil, errors.New("a pattern may hold at most 2 regular expressions")
			}
			t.re, i = re, i+1+end+1
		default:
			j := i
			for j < len(p) && p[j] != ' ' && p[j] != '\t' {
				if p[j] == '"' || p[j] == '{' || p[j] == '}' || p[j] == '[' || p[j] == ']' {
					return nil, fmt.Errorf("unexpected %q at offset %d: quote terms that hold anything but letters, digits and _", string(p[j]), j)
				}
				j++
			}
			t.text, i = p[i:j], j
		}
		switch mod {
		case '?':
			out.any = append(out.any, t)
		case '-':
			out.none = append(out.none, t)
		default:
			out.all = append(out.all, t)
		}
	}
	return out, nil
}

// --- JSON ----------------------------------------------------------------

type jsonNode interface {
	eval(doc any) bool
}

type jsonPattern struct{ root jsonNode }

func (p *jsonPattern) match(msg string) bool {
	m := strings.TrimSpace(msg)
	if !strings.HasPrefix(m, "{") {
		return false
	}
	dec := json.NewDecoder(strings.NewReader(m))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return false
	}
	return p.root.eval(doc)
}

type orNode struct{ l, r jsonNode }

func (n orNode) eval(d any) bool { return n.l.eval(d) || n.r.eval(d) }

type andNode struct{ l, r jsonNode }

func (n andNode) eval(d any) bool { return n.l.eval(d) && n.r.eval(d) }

type selector []any // string keys and int indexes

// resolve walks the selector; ok is false when the path does not exist.
func (sel selector) resolve(doc any) (v any, ok bool) {
	v = doc
	for _, step := range sel {
		switch k := step.(type) {
		case string:
			m, isMap := v.(map[string]any)
			if !isMap {
				return nil, false
			}
			if v, ok = m[k]; !ok {
				return nil, false
			}
		case int:
			a, isArr := v.([]any)
			if !isArr || k >= len(a) {
				return nil, false
			}
			v = a[k]
		}
	}
	return v, true
}

func isScalar(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return false
	}
	return true
}

type cmpNode struct {
	sel   selector
	op    string
	num   *float64 // numeric comparison
	str   string   // string comparison (with * wildcards at the ends)
	check string   // "TRUE", "FALSE", "NULL", "NOT EXISTS"
}

func (n cmpNode) eval(doc any) bool {
	v, ok := n.sel.resolve(doc)
	if n.check == "NOT EXISTS" {
		return !ok
	}
	if !ok || !isScalar(v) {
		return false
	}
	switch n.check {
	case "TRUE":
		return v == true
	case "FALSE":
		return v == false
	case "NULL":
		return v == nil
	}
	if n.num != nil {
		var f float64
		switch x := v.(type) {
		case json.Number:
			var err error
			if f, err = x.Float64(); err != nil {
				return false
			}
		case string:
			var err error
			if f, err = strconv.ParseFloat(x, 64); err != nil {
				return false
			}
		default:
			return false
		}
		switch n.op {
		case "=":
			return f == *n.num
		case "!=":
			return f != *n.num
		case "<":
			return f < *n.num
		case "<=":
			return f <= *n.num
		case ">":
			return f > *n.num
		case ">=":
			return f >= *n.num
		}
		return false
	}
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case json.Number:
		s = x.String()
	case bool:
		s = strconv.FormatBool(x)
	default:
		return false
	}
	eq := wildcardEqual(n.str, s)
	if n.op == "!=" {
		return !eq
	}
	return eq
}

func wildcardEqual(pat, s string) bool {
	lead := strings.HasPrefix(pat, "*")
	trail := len(pat) > 1 && strings.HasSuffix(pat, "*")
	core := strings.TrimSuffix(strings.TrimPrefix(pat, "*"), "*")
	switch {
	case pat == "*":
		return true
	case lead && trail:
		return strings.Contains(s, core)
	case lead:
		return strings.HasSuffix(s, core)
	case trail:
		return strings.HasPrefix(s, core)
	}
	return s == pat
}

type jsonParser struct {
	src string
	pos int
}

func compileJSONPattern(p string) (matcher, error) {
	if !strings.HasSuffix(p, "}") {
		return nil, errors.New("a JSON pattern must end with }")
	}
	jp := &jsonParser{src: p[1 : len(p)-1]}
	root, err := jp.parseOr()
	if err != nil {
		return nil, err
	}
	jp.skipSpace()
	if jp.pos < len(jp.src) {
		return nil, fmt.Errorf("unexpected %q in the JSON pattern", jp.src[jp.pos:])
	}
	return &jsonPattern{root: root}, nil
}

func (p *jsonParser) skipSpace() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t' || p.src[p.pos] == '\n') {
		p.pos++
	}
}

func (p *jsonParser) eat(tok string) bool {
	p.skipSpace()
	if strings.HasPrefix(p.src[p.pos:], tok) {
		p.pos += len(tok)
		return true
	}
	return false
}

func (p *jsonParser) parseOr() (jsonNode, error) {
	l, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for p.eat("||") {
		r, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		l = orNode{l, r}
	}
	return l, nil
}

func (p *jsonParser) parseAnd() (jsonNode, error) {
	l, err := p.parsePrimary()
	if err != nil {
		return nil, err
	}
	for p.eat("&&") {
		r, err := p.parsePrimary()
		if err != nil {
			return nil, err
		}
		l = andNode{l, r}
	}
	return l, nil
}

func (p *jsonParser) parsePrimary() (jsonNode, error) {
	if p.eat("(") {
		n, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if !p.eat(")") {
			return nil, errors.New("a ( is not closed in the JSON pattern")
		}
		return n, nil
	}
	sel, err := p.parseSelector()
	if err != nil {
		return nil, err
	}
	n := cmpNode{sel: sel}
	p.skipSpace()
	rest := p.src[p.pos:]
	switch {
	case hasWord(rest, "IS"):
		p.pos += 2
		p.skipSpace()
		for _, w := range []string{"TRUE", "FALSE", "NULL"} {
			if hasWord(p.src[p.pos:], w) {
				p.pos += len(w)
				n.check = w
				return n, nil
			}
		}
		return nil, errors.New("IS must be followed by TRUE, FALSE or NULL")
	case hasWord(rest, "NOT"):
		p.pos += 3
		p.skipSpace()
		if !hasWord(p.src[p.pos:], "EXISTS") {
			return nil, errors.New("NOT must be followed by EXISTS")
		}
		p.pos += 6
		n.check = "NOT EXISTS"
		return n, nil
	}
	for _, op := range []string{"!=", "<=", ">=", "=", "<", ">"} {
		if strings.HasPrefix(rest, op) {
			n.op = op
			p.pos += len(op)
			break
		}
	}
	if n.op == "" {
		return nil, fmt.Errorf("expected an operator (=, !=, <, <=, >, >=) after the selector at %q", rest)
	}
	p.skipSpace()
	if p.pos >= len(p.src) {
		return nil, fmt.Errorf("the comparison %s has no value", n.op)
	}
	if p.src[p.pos] == '"' {
		s, err := p.parseQuoted()
		if err != nil {
			return nil, err
		}
		if n.op != "=" && n.op != "!=" {
			return nil, fmt.Errorf("%s compares numbers, not the string %q", n.op, s)
		}
		n.str = s
		return n, nil
	}
	j := p.pos
	for j < len(p.src) && !strings.ContainsRune(" \t\n)&|", rune(p.src[j])) {
		j++
	}
	word := p.src[p.pos:j]
	if word == "" {
		return nil, fmt.Errorf("the comparison %s has no value", n.op)
	}
	p.pos = j
	if f, err := strconv.ParseFloat(word, 64); err == nil {
		n.num = &f
		return n, nil
	}
	if n.op != "=" && n.op != "!=" {
		return nil, fmt.Errorf("%s compares numbers, not %q", n.op, word)
	}
	for _, r := range word {
		if !(r == '_' || r == '*' || r == '-' || r == '.' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
			return nil, fmt.Errorf("quote the value %q: it holds %q", word, string(r))
		}
	}
	n.str = word
	return n, nil
}

func hasWord(s, w string) bool {
	return strings.HasPrefix(s, w) && (len(s) == len(w) || s[len(w)] == ' ' || s[len(w)] == '\t' || s[len(w)] == ')')
}

func (p *jsonParser) parseQuoted() (string, error) {
	start := p.pos
	var b bytes.Buffer
	p.pos++
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if c == '\\' && p.pos+1 < len(p.src) {
			b.WriteByte(p.src[p.pos+1])
			p.pos += 2
			continue
		}
		if c == '"' {
			p.pos++
			return b.String(), nil
		}
		b.WriteByte(c)
		p.pos++
	}
	return "", fmt.Errorf("the quote at offset %d is not closed", start)
}

func (p *jsonParser) parseSelector() (selector, error) {
	p.skipSpace()
	if !strings.HasPrefix(p.src[p.pos:], "$") {
		rest := p.src[p.pos:]
		if rest == "" {
			return nil, errors.New("the JSON pattern is empty or ends with an operator")
		}
		return nil, fmt.Errorf("expected a selector starting with $. at %q", rest)
	}
	p.pos++
	var sel selector
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case '.':
			p.pos++
			j := p.pos
			for j < len(p.src) && isKeyChar(p.src[j]) {
				j++
			}
			if j == p.pos {
				return nil, errors.New("a selector has an empty field name after '.'")
			}
			sel = append(sel, p.src[p.pos:j])
			p.pos = j
		case '[':
			end := strings.IndexByte(p.src[p.pos:], ']')
			if end < 0 {
				return nil, errors.New("a selector's [ is not closed")
			}
			idx, err := strconv.Atoi(p.src[p.pos+1 : p.pos+end])
			if err != nil || idx < 0 {
				return nil, fmt.Errorf("a selector's index %q is not a number", p.src[p.pos+1:p.pos+end])
			}
			sel = append(sel, idx)
			p.pos += end + 1
		default:
			if len(sel) == 0 {
				return nil, errors.New("a selector must name a field: $.field")
			}
			return sel, nil
		}
	}
	if len(sel) == 0 {
		return nil, errors.New("a selector must name a field: $.field")
	}
	return sel, nil
}

func isKeyChar(c byte) bool {
	return c == '_' || c == '-' || c == '@' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}
