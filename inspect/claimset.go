package inspect

import (
	"encoding/json"
	"math"
)

// claimBit marks one claim the verifier reads.
type claimBit uint16

const (
	cIss claimBit = 1 << iota
	cTokenUse
	cClientID
	cAud
	cExp
	cNbf
	cIat
	cAuthTime
	cScope
	cScp
	cGroups
	cSub
	cJti
)

// claimSet holds the claims verification needs, typed, read in one pass
// over the payload JSON. has marks claims present; bad marks claims of the
// wrong JSON type (their value fields stay zero). A repeated name counts
// last, as in encoding/json and JSON.parse.
type claimSet struct {
	has, bad claimBit

	iss, tokenUse, clientID, scope string
	aud                            string
	audList                        []string // set when aud is an array
	audIsList                      bool
	scp                            []string
	groups                         []string
	exp, nbf, iat, authTime        float64
}

func (c *claimSet) present(b claimBit) bool { return c.has&b != 0 }
func (c *claimSet) wrong(b claimBit) bool   { return c.bad&b != 0 }

func (c *claimSet) mark(b claimBit, ok bool) {
	c.has |= b
	if ok {
		c.bad &^= b
	} else {
		c.bad |= b
	}
}

// parseClaims reads a payload. A JSON error fails; a claim of the wrong
// type does not (the check that reads it fails instead). alias: see
// scanner.alias.
func parseClaims(payload []byte, c *claimSet, alias bool) error {
	s := scanner{b: payload, alias: alias}
	return s.object(func(name []byte) error {
		switch string(name) {
		case "iss":
			return c.readString(&s, cIss, &c.iss)
		case "token_use":
			return c.readString(&s, cTokenUse, &c.tokenUse)
		case "client_id":
			return c.readString(&s, cClientID, &c.clientID)
		case "scope":
			return c.readString(&s, cScope, &c.scope)
		case "sub":
			return c.checkString(&s, cSub)
		case "jti":
			return c.checkString(&s, cJti)
		case "aud":
			one, list, isList, ok, err := s.strOrList()
			if err != nil {
				return err
			}
			c.mark(cAud, ok)
			c.aud, c.audList, c.audIsList = one, list, isList && ok
			return nil
		case "scp":
			one, list, isList, ok, err := s.strOrList()
			if err != nil {
				return err
			}
			c.mark(cScp, ok)
			c.scp = list
			if ok && !isList {
				c.scp = splitSpaces(one)
			}
			return nil
		case "cognito:groups":
			one, list, isList, ok, err := s.strOrList()
			if err != nil {
				return err
			}
			c.mark(cGroups, ok)
			c.groups = list
			if ok && !isList {
				c.groups = []string{one}
			}
			return nil
		case "exp":
			return c.readNumber(&s, cExp, &c.exp)
		case "nbf":
			return c.readNumber(&s, cNbf, &c.nbf)
		case "iat":
			return c.readNumber(&s, cIat, &c.iat)
		case "auth_time":
			return c.readNumber(&s, cAuthTime, &c.authTime)
		default:
			return s.skip(1)
		}
	})
}

func (c *claimSet) readString(s *scanner, b claimBit, dst *string) error {
	if s.peek() != '"' {
		*dst = ""
		c.mark(b, false)
		return s.skip(1)
	}
	v, err := s.str()
	if err != nil {
		return err
	}
	*dst = v
	c.mark(b, true)
	return nil
}

// checkString notes whether a claim is a string without keeping it.
func (c *claimSet) checkString(s *scanner, b claimBit) error {
	if s.peek() != '"' {
		c.mark(b, false)
		return s.skip(1)
	}
	start := s.i
	_, esc, _, err := s.rawString()
	if err == nil && esc {
		// Escapes were checked for form; make sure they decode too.
		var v string
		if jerr := json.Unmarshal(s.b[start:s.i], &v); jerr != nil {
			return &scanError{off: start, msg: jerr.Error()}
		}
	}
	c.mark(b, err == nil)
	return err
}

func (c *claimSet) readNumber(s *scanner, b claimBit, dst *float64) error {
	f, isNum, err := s.number()
	if err != nil {
		return err
	}
	ok := isNum && !math.IsInf(f, 0) && !math.IsNaN(f)
	if ok {
		*dst = f
	} else {
		*dst = 0
	}
	c.mark(b, ok)
	return nil
}

// headerSet holds the header fields verification reads.
type headerSet struct {
	alg, kid       string
	hasAlg, hasKid bool
	// crit lists the critical extensions (RFC 7515 §4.1.11); critBad is
	// set when crit is present but not a list of strings.
	crit             []string
	hasCrit, critBad bool
	// b64False: "b64": false (RFC 7797), an unencoded payload.
	b64False bool
}

// parseHeader reads a JOSE header; alg and kid must be strings when
// present (as in Decode and aws-jwt-verify).
func parseHeader(b []byte, h *headerSet, alias bool) error {
	s := scanner{b: b, alias: alias}
	return s.object(func(name []byte) error {
		var dst *string
		switch string(name) {
		case "alg":
			dst, h.hasAlg = &h.alg, true
		case "kid":
			dst, h.hasKid = &h.kid, true
		case "crit":
			_, list, isList, ok, err := s.strOrList()
			h.hasCrit, h.crit, h.critBad = true, list, !(ok && isList)
			return err
		case "b64":
			s.ws()
			start := s.i
			if err := s.skip(1); err != nil {
				return err
			}
			h.b64False = string(s.b[start:s.i]) == "false"
			return nil
		default:
			return s.skip(1)
		}
		if s.peek() != '"' {
			return &scanError{off: s.i, msg: "header " + string(name) + " is not a string"}
		}
		v, err := s.str()
		*dst = v
		return err
	})
}

// splitSpaces splits a scope string on spaces, dropping empty items.
func splitSpaces(s string) []string {
	var out []string
	start := -1
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ' ' {
			if start >= 0 {
				out = append(out, s[start:i])
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	return out
}
