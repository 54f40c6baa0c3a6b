package cognito

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/cogscope/cogscope/internal/lazyregexp"
)

// Cognito's documented input limits (the API reference's "Length
// Constraints" and "Pattern" of each member), checked on every request
// before a handler runs, with AWS's validation message. A member the model
// marks sensitive (usernames, passwords, attribute values, codes, tokens,
// sessions, secrets) is never echoed: its message reads "Value at
// 'username' failed to satisfy constraint: …", as Cognito's does. Other
// values are echoed cut to a short prefix (echoLimit), so a huge value
// cannot blow up the message or the x-amzn-ErrorMessage header.
type memberRule struct {
	min, max  int // in characters (runes); max 0 = none
	pattern   *lazyregexp.Regexp
	sensitive bool
}

var (
	nameChars     = lazyregexp.New(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$`)
	nonSpace      = lazyregexp.New(`^[\S]+$`)
	secretHashPat = lazyregexp.New(`^[\w+=/]+$`)
	tokenPat      = lazyregexp.New(`^[A-Za-z0-9-_=.]+$`)
	poolNamePat   = lazyregexp.New(`^[\w\s+=,.@-]+$`)
	deviceKeyPat  = lazyregexp.New(`^[\w-]+_[0-9a-f-]+$`)
)

var (
	ruleUsername  = memberRule{min: 1, max: 128, pattern: nameChars, sensitive: true}
	rulePassword  = memberRule{max: 256, pattern: nonSpace, sensitive: true}
	ruleAttrName  = memberRule{min: 1, max: 32, pattern: nameChars}
	ruleAttrValue = memberRule{max: 2048, sensitive: true}
	ruleToken     = memberRule{pattern: tokenPat, sensitive: true}
)

// memberRules are the constraints of top-level (and nested structure)
// members, by wire name.
var memberRules = map[string]memberRule{
	"Username":          ruleUsername,
	"Password":          rulePassword,
	"PreviousPassword":  rulePassword,
	"ProposedPassword":  rulePassword,
	"TemporaryPassword": rulePassword,
	"ConfirmationCode":  {min: 1, max: 2048, pattern: nonSpace, sensitive: true},
	"Code":              {min: 1, max: 2048, pattern: nonSpace, sensitive: true},
	"Session":           {min: 20, max: 2048, sensitive: true},
	"SecretHash":        {min: 1, max: 128, pattern: secretHashPat, sensitive: true},
	// ClientSecretType's pattern ([\w+]+) is not applied: a seed may
	// declare any secret, and its client must still be able to send it.
	"ClientSecret":       {min: 1, max: 64, sensitive: true},
	"AccessToken":        ruleToken,
	"RefreshToken":       ruleToken,
	"Token":              ruleToken,
	"GroupName":          {min: 1, max: 128, pattern: nameChars},
	"Description":        {max: 2048},
	"PoolName":           {min: 1, max: 128, pattern: poolNamePat},
	"ClientName":         {min: 1, max: 128, pattern: poolNamePat},
	"DeviceKey":          {min: 1, max: 55, pattern: deviceKeyPat},
	"DeviceName":         {min: 1, max: 1024},
	"FriendlyDeviceName": {max: 131072},
	"AttributeName":      ruleAttrName,
	"Filter":             {max: 256},
	"Domain":             {min: 1, max: 63},
	"Identifier":         {min: 1, max: 256},
	"Name":               {min: 1, max: 256}, // resource servers; attribute lists use listRules
}

// listRules are the constraints of the members of list elements: user
// attribute lists ([{Name, Value}]) and lists of attribute names.
var listRules = map[string]map[string]memberRule{
	"UserAttributes": {"Name": ruleAttrName, "Value": ruleAttrValue},
	"ValidationData": {"Name": ruleAttrName, "Value": ruleAttrValue},
	"ClientMetadata": nil,
}

// stringListRules constrain each string of a list member.
var stringListRules = map[string]memberRule{
	"UserAttributeNames": ruleAttrName,
	"AttributesToGet":    ruleAttrName,
}

// freeMaps are string→string maps whose keys are data, not members: the
// walk does not look inside them (their values are checked by the
// handlers, e.g. USERNAME in AuthParameters).
var freeMaps = map[string]bool{
	"AuthParameters": true, "ChallengeResponses": true, "ClientMetadata": true,
	"UserContextData": true, "AnalyticsMetadata": true,
}

// echoLimit is how many characters of an offending value a message
// repeats.
const echoLimit = 64

// echo cuts v to echoLimit characters, marking the cut.
func echo(v string) string {
	if utf8.RuneCountInString(v) <= echoLimit {
		return v
	}
	n := 0
	for i := range v {
		if n == echoLimit {
			return v[:i] + "..."
		}
		n++
	}
	return v
}

// checkLimits walks the request's members and returns the violations of
// memberRules, listRules and stringListRules (UserPoolId and ClientId are
// checked by decode).
func checkLimits(raw map[string]json.RawMessage) []violation {
	var vs []violation
	walkMembers(raw, "", memberRules, &vs)
	return vs
}

func walkMembers(obj map[string]json.RawMessage, prefix string, rules map[string]memberRule, vs *[]violation) {
	for _, name := range slices.Sorted(maps.Keys(obj)) {
		m := obj[name]
		path := prefix + name
		if freeMaps[name] {
			continue
		}
		switch firstByte(m) {
		case '"':
			rule, ok := rules[name]
			if !ok {
				continue
			}
			var s string
			if json.Unmarshal(m, &s) != nil {
				continue
			}
			if v, bad := rule.check(path, s); bad {
				*vs = append(*vs, v)
			}
		case '[':
			if elemRules, ok := listRules[name]; ok && elemRules != nil {
				var list []map[string]json.RawMessage
				if json.Unmarshal(m, &list) != nil {
					continue
				}
				for i, el := range list {
					walkMembers(el, fmt.Sprintf("%s.%d.member.", path, i+1), elemRules, vs)
				}
				continue
			}
			if rule, ok := stringListRules[name]; ok {
				var list []string
				if json.Unmarshal(m, &list) != nil {
					continue
				}
				for i, s := range list {
					if v, bad := rule.check(fmt.Sprintf("%s.%d.member", path, i+1), s); bad {
						*vs = append(*vs, v)
					}
				}
			}
		case '{':
			var sub map[string]json.RawMessage
			if json.Unmarshal(m, &sub) == nil {
				walkMembers(sub, path+".", rules, vs)
			}
		}
	}
}

// check returns the violation of s against r, if any: length first, then
// pattern, as AWS lists them.
func (r memberRule) check(path, s string) (violation, bool) {
	v := violation{member: path}
	if !r.sensitive {
		e := echo(s)
		v.value = &e
	} else {
		v.hidden = true
	}
	n := utf8.RuneCountInString(s)
	switch {
	case n < r.min:
		v.rule = fmt.Sprintf("Member must have length greater than or equal to %d", r.min)
	case r.max > 0 && n > r.max:
		v.rule = fmt.Sprintf("Member must have length less than or equal to %d", r.max)
	case r.pattern != nil && s != "" && !r.pattern.MatchString(s):
		v.rule = "Member must satisfy regular expression pattern: " + strings.TrimSuffix(strings.TrimPrefix(r.pattern.String(), "^"), "$")
	default:
		return v, false
	}
	return v, true
}

func firstByte(m json.RawMessage) byte {
	for _, b := range m {
		switch b {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return b
	}
	return 0
}

// validJSONText reports whether body is valid UTF-8 and has no unpaired
// UTF-16 surrogate escapes (\ud800 alone): encoding/json would silently
// turn either into U+FFFD, so two different byte strings would name the
// same user. Cognito refuses such bodies with SerializationException.
func validJSONText(body []byte) bool {
	if !utf8.Valid(body) {
		return false
	}
	for i := 0; i < len(body); i++ {
		if body[i] != '\\' || i+1 >= len(body) {
			continue
		}
		if body[i+1] != 'u' {
			i++ // skip the escaped character (it may be a backslash)
			continue
		}
		r, ok := hex4(body, i+2)
		if !ok {
			i++
			continue
		}
		switch {
		case r >= 0xD800 && r <= 0xDBFF:
			if i+12 > len(body) {
				return false
			}
			if body[i+6] != '\\' || body[i+7] != 'u' {
				return false
			}
			lo, ok := hex4(body, i+8)
			if !ok || lo < 0xDC00 || lo > 0xDFFF {
				return false
			}
			i += 11
		case r >= 0xDC00 && r <= 0xDFFF:
			return false
		default:
			i += 5
		}
	}
	return true
}

func hex4(b []byte, at int) (rune, bool) {
	if at+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[at : at+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	return r, true
}
