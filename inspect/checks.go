package inspect

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

func failCheck(name CheckName, detail string) Check {
	return Check{Name: name, Status: StatusFail, Detail: detail}
}

func skipCheck(name CheckName, why string) Check {
	return Check{Name: name, Status: StatusSkipped, Detail: why}
}

// fixed is c with the code of the fix its text leaves for an edge to word.
func fixed(c Check, fix string) Check {
	c.Fix = fix
	return c
}

// step runs one check by name.
func (e *evaluation) step(name CheckName) Check {
	switch name {
	case CheckAlg:
		return e.checkAlg()
	case CheckKid:
		return e.checkKid()
	case CheckSignature:
		return e.checkSignature()
	case CheckIss:
		return e.checkIss()
	case CheckTokenUse:
		return e.checkTokenUse()
	case CheckAud:
		return e.checkAud()
	case CheckExp:
		return e.checkExp()
	case CheckNbf:
		return e.checkNbf()
	case CheckIat:
		return e.checkIat()
	case CheckScope:
		return e.checkScope()
	case CheckGroup:
		return e.checkGroup()
	}
	return skipCheck(name, "unknown check")
}

func (e *evaluation) parseOKDetail() string {
	n := 0
	if e.tok != nil {
		n = len(e.tok.Claims)
	}
	return fmt.Sprintf("a signed JWT (JWS): header, payload with %d claims, %d-byte signature", n, len(e.sig))
}

// checkParseTypes applies RFC 7519's types to the claims no other check
// reads (sub and jti must be strings), as aws-jwt-verify does when it
// decodes.
func (e *evaluation) checkParseTypes() Check {
	for _, c := range []struct {
		bit  claimBit
		name string
	}{{cSub, "sub"}, {cJti, "jti"}} {
		if e.cs.wrong(c.bit) {
			return failCheck(CheckParse, fmt.Sprintf("claim %q is not a string, as RFC 7519 requires", c.name))
		}
	}
	return Check{Name: CheckParse, Status: StatusOK}
}

// checkCrit refuses a header that makes extensions critical (RFC 7515
// §4.1.11: a JWS whose crit lists an extension the recipient does not
// understand is invalid) and an unencoded payload (RFC 7797 "b64": false).
// cogscope understands no extension.
func (e *evaluation) checkCrit() Check {
	h := &e.hdr
	switch {
	case h.b64False:
		c := failCheck(CheckParse, `the header says "b64": false (RFC 7797): the payload is not base64url-encoded, an extension cogscope does not support; such a token is refused`)
		c.Hint = "Cognito never sets b64 or crit: this token was made by something else, or altered"
		return c
	case h.hasCrit && (h.critBad || len(h.crit) == 0):
		return failCheck(CheckParse, "the header's crit is not a non-empty list of extension names, as RFC 7515 §4.1.11 requires; the token is invalid")
	case h.hasCrit:
		c := failCheck(CheckParse, fmt.Sprintf("the header marks %s as critical (crit): extensions cogscope does not understand, so the token must be refused (RFC 7515 §4.1.11)", quoteList(h.crit)))
		c.Hint = "Cognito never sets crit: this token was made by something else, or altered"
		return c
	}
	return Check{Name: CheckParse, Status: StatusOK}
}

func isRSAAlg(alg string) bool { return alg == "RS256" || alg == "RS384" || alg == "RS512" }

// Attack names, shown next to refused algorithms.
const (
	AttackAlgNone      = "alg \"none\": an unsigned token passed off as valid; a verifier that lets the token choose its algorithm accepts anything"
	AttackKeyConfusion = "HMAC/RSA key confusion: the token is signed with an HMAC algorithm using the issuer's public RSA key as the secret; " +
		"a verifier that lets the header pick the algorithm would accept tokens anyone can forge, since the public key is public"
	AttackAlgSubstitution = "algorithm substitution: the header names a different algorithm than the key is declared for"
	AttackKeyTypeMismatch = "alg/key-type mismatch: the header's algorithm cannot be used with this key's type"
)

func (e *evaluation) checkAlg() Check {
	alg := e.hdr.alg
	switch {
	case !e.hdr.hasAlg || alg == "":
		c := failCheck(CheckAlg, "the header has no alg: a signed JWT names its algorithm (Cognito: RS256)")
		return c
	case strings.EqualFold(alg, "none"):
		c := failCheck(CheckAlg, fmt.Sprintf("alg is %q: the token says it needs no signature; it is refused whatever it claims", alg))
		c.Attack = AttackAlgNone
		c.Hint = "someone removed the signature; never accept unsigned tokens"
		return c
	case len(alg) >= 2 && strings.EqualFold(alg[:2], "HS"):
		detail := fmt.Sprintf("alg %s is a shared-secret (HMAC) algorithm, but this issuer publishes public RSA keys (Cognito signs RS256)", alg)
		if e.full {
			e.lookupKey()
			if e.key != nil && e.key.RSA != nil {
				detail = fmt.Sprintf("alg %s is a shared-secret (HMAC) algorithm, but kid %q names a public RSA key declared for %s", alg, e.key.ID, orDefault(e.key.Alg, "RSA signatures"))
			}
		}
		c := failCheck(CheckAlg, detail)
		c.Attack = AttackKeyConfusion
		c.Hint = "a forged token: HS256 \"signed\" with the issuer's public key"
		return c
	case !isRSAAlg(alg):
		c := failCheck(CheckAlg, fmt.Sprintf("alg %s is not supported: cogscope verifies RS256, RS384 and RS512 (Cognito signs RS256)", alg))
		if e.full {
			// Name the attack when the token's kid says what the key is for.
			e.lookupKey()
			switch k := e.key; {
			case k == nil:
			case k.Alg != "" && k.Alg != alg:
				c.Detail = fmt.Sprintf("alg %s, but kid %q is declared for %s", alg, k.ID, k.Alg)
				c.Attack = AttackAlgSubstitution
			case k.Kty == "RSA" && !strings.HasPrefix(alg, "PS"):
				c.Detail = fmt.Sprintf("alg %s cannot be used with kid %q, an RSA key", alg, k.ID)
				c.Attack = AttackKeyTypeMismatch
			}
		}
		return c
	}
	e.lookupKey()
	if k := e.key; k != nil {
		switch {
		case k.Kty != "RSA":
			c := failCheck(CheckAlg, fmt.Sprintf("alg %s needs an RSA key, but kid %q is a %s key", alg, k.ID, k.Kty))
			c.Attack = AttackKeyTypeMismatch
			return c
		case k.Alg != "" && k.Alg != alg:
			c := failCheck(CheckAlg, fmt.Sprintf("alg %s, but kid %q is declared for %s", alg, k.ID, k.Alg))
			c.Attack = AttackAlgSubstitution
			return c
		}
		c := Check{Name: CheckAlg, Status: StatusOK}
		if e.full {
			if k.Alg != "" {
				c.Detail = fmt.Sprintf("%s, as key %q declares", alg, k.ID)
			} else {
				c.Detail = fmt.Sprintf("%s with RSA key %q (the key declares no alg)", alg, k.ID)
			}
		}
		return c
	}
	var unknown *UnknownKidError
	if e.keyErr != nil && !errors.As(e.keyErr, &unknown) {
		return fixed(skipCheck(CheckAlg, "not checked against the keys: "+e.keyErr.Error()), fixOf(e.keyErr))
	}
	// No key for this token (kid missing or unknown): the alg must still be
	// one the issuer's keys declare.
	iss, kctx := e.keyIssuer()
	keys, err := e.v.keys.Keys(kctx, iss)
	if err != nil {
		return fixed(skipCheck(CheckAlg, "not checked against the keys: "+err.Error()), fixOf(err))
	}
	if len(keys) == 0 {
		// Nothing to hold the alg against: an empty JWKS is the kid
		// check's finding, not an attack on the algorithm.
		return skipCheck(CheckAlg, "not checked: the issuer's JWKS holds no keys")
	}
	var declared []string
	for _, k := range keys {
		switch {
		case k.Alg == alg || k.Alg == "" && k.Kty == "RSA":
			c := Check{Name: CheckAlg, Status: StatusOK}
			if e.full {
				c.Detail = fmt.Sprintf("%s, which the issuer's keys declare", alg)
			}
			return c
		case k.Alg != "":
			declared = append(declared, k.Alg)
		}
	}
	c := failCheck(CheckAlg, fmt.Sprintf("alg %s is not declared by any key of the issuer (they declare %s)", alg, listOrNone(declared)))
	c.Attack = AttackAlgSubstitution
	return c
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func (e *evaluation) checkKid() Check {
	if !e.hdr.hasKid || e.hdr.kid == "" {
		c := failCheck(CheckKid, "the header has no kid, so no key can be chosen; Cognito names the signing key in every ID and access token")
		return c
	}
	e.lookupKey()
	if e.keyErr != nil {
		var unknown *UnknownKidError
		if errors.As(e.keyErr, &unknown) {
			c := failCheck(CheckKid, unknown.Error())
			c.Hint = "a token from another user pool, region or environment, or signed by a key the issuer has retired"
			if unknown.Skipped != "" {
				c.Hint = "the issuer publishes this key in a form that is refused; a token signed with it cannot be trusted"
			}
			return c
		}
		return fixed(skipCheck(CheckKid, "keys unavailable: "+e.keyErr.Error()), fixOf(e.keyErr))
	}
	if e.key == nil {
		return skipCheck(CheckKid, "keys unavailable")
	}
	if e.key.Use != "" && e.key.Use != "sig" {
		return failCheck(CheckKid, fmt.Sprintf("kid %q names a key whose use is %q, not \"sig\"", e.key.ID, e.key.Use))
	}
	c := Check{Name: CheckKid, Status: StatusOK}
	if e.full {
		c.Detail = fmt.Sprintf("%q is in the issuer's JWKS (%s %d-bit)", e.key.ID, e.key.Kty, e.key.Bits())
	}
	return c
}

func (e *evaluation) checkSignature() Check {
	alg, kid := e.checks[1], e.checks[2]
	if alg.Status == StatusFail {
		return skipCheck(CheckSignature, "not checked: the alg was refused")
	}
	if kid.Status == StatusFail {
		return skipCheck(CheckSignature, "not checked: no key for this kid")
	}
	if e.key == nil || e.key.RSA == nil {
		if e.keyErr != nil {
			e.ioErr = e.keyErr
			return fixed(skipCheck(CheckSignature, "not checked: keys unavailable: "+e.keyErr.Error()), fixOf(e.keyErr))
		}
		return skipCheck(CheckSignature, "not checked: no usable key")
	}
	size := e.key.RSA.Size()
	if len(e.sig) != size {
		c := failCheck(CheckSignature, fmt.Sprintf("the signature is %d bytes; %s with this %d-bit key makes %d-byte signatures", len(e.sig), e.hdr.alg, e.key.Bits(), size))
		if len(e.sig) < size {
			c.Hint = "the token was probably cut off at the end when copied"
		}
		return c
	}
	if err := verifyRSA(e.key.RSA, e.hdr.alg, e.signingInput, e.sig); err != nil {
		c := failCheck(CheckSignature, "the signature does not match the header and payload: they were changed after signing, or another key made it")
		c.Hint = "a tampered token, or one from an issuer that reuses this kid"
		return c
	}
	c := Check{Name: CheckSignature, Status: StatusOK}
	if e.full {
		c.Detail = fmt.Sprintf("%s signature verified with key %q", e.hdr.alg, e.key.ID)
	}
	return c
}

func (e *evaluation) checkIss() Check {
	if e.cs.wrong(cIss) {
		return failCheck(CheckIss, "iss is not a string")
	}
	want := e.v.opts.Issuer
	if want == "" {
		if e.v.pinned {
			if !e.cs.present(cIss) {
				return fixed(skipCheck(CheckIss, "no expected issuer given, and the token has no iss; the signature was checked with the keys given"), FixExpectIssuer)
			}
			return fixed(skipCheck(CheckIss, fmt.Sprintf("no expected issuer given; iss %q (%s) is not compared, the signature was checked with the keys given", e.cs.iss, DescribeIssuer(e.cs.iss).text())), FixExpectIssuer)
		}
		if !e.cs.present(cIss) || e.cs.iss == "" {
			c := failCheck(CheckIss, "no expected issuer given and the token has no iss: nothing says whose keys could vouch for it")
			c.Hint, c.Fix = "give the expected issuer", FixGiveIssuer
			return c
		}
		c := failCheck(CheckIss, fmt.Sprintf("unconfirmed issuer: the signature was checked against the token's own issuer %q (%s), which nobody confirmed; "+
			"whoever wrote the token chose those keys, so the signature proves nothing", e.cs.iss, DescribeIssuer(e.cs.iss).text()))
		c.Hint, c.Fix = "if this is the issuer you expect, say so", FixConfirmIssuer
		return c
	}
	if !e.cs.present(cIss) || e.cs.iss == "" {
		return failCheck(CheckIss, fmt.Sprintf("the token has no iss; expected %q", want))
	}
	if e.cs.iss != want {
		c := failCheck(CheckIss, fmt.Sprintf("iss is %q, expected %q", e.cs.iss, want))
		c.Hint = issuerHint(e.cs.iss, want)
		return c
	}
	c := Check{Name: CheckIss, Status: StatusOK}
	if e.full {
		c.Detail = fmt.Sprintf("%q, as expected (%s)", want, DescribeIssuer(want).text())
	}
	return c
}

// cognitoIssued reports whether the token's issuer (the expected one, else
// its own iss) is a Cognito user pool, or shaped like one (a local stack):
// those always say token_use.
func (e *evaluation) cognitoIssued() bool {
	iss := e.v.opts.Issuer
	if iss == "" {
		iss = e.cs.iss
	}
	info := DescribeIssuer(iss)
	return info.Cognito || info.PoolShaped
}

func (e *evaluation) checkTokenUse() Check {
	tu := e.cs.tokenUse
	want := e.v.opts.TokenUse
	// Whether token_use is required matters only when it is not a
	// Cognito kind; the issuer is not looked at for the common case.
	required := want != "" || tu == "id" || tu == "access" || e.cognitoIssued()
	switch {
	case e.cs.wrong(cTokenUse):
		return failCheck(CheckTokenUse, "token_use is not a string")
	case !required && tu == "":
		return fixed(skipCheck(CheckTokenUse, "the token has no token_use, which only Cognito tokens carry: not required, since the issuer is not a Cognito user pool"), FixExpectTokenUse)
	case !required && tu != "id" && tu != "access":
		return fixed(skipCheck(CheckTokenUse, fmt.Sprintf("token_use is %q, not a Cognito kind: not required, since the issuer is not a Cognito user pool", tu)), FixExpectTokenUse)
	case tu == "":
		c := failCheck(CheckTokenUse, "the token has no token_use: it is not a Cognito ID or access token")
		if want == "" {
			c.Detail += " (required: the issuer is a Cognito user pool)"
		}
		return c
	case tu != "id" && tu != "access":
		return failCheck(CheckTokenUse, fmt.Sprintf("token_use is %q; Cognito tokens say \"id\" or \"access\"", tu))
	case want != "" && tu != want:
		c := failCheck(CheckTokenUse, fmt.Sprintf("token_use is %q, expected %q", tu, want))
		if want == "access" {
			c.Hint = "an ID token sent where an access token is expected: send the access token"
		} else {
			c.Hint = "an access token sent where an ID token is expected: send the ID token"
		}
		return c
	}
	c := Check{Name: CheckTokenUse, Status: StatusOK}
	if e.full {
		if tu == "id" {
			c.Detail = "id: an ID token (who the user is, for the app)"
		} else {
			c.Detail = "access: an access token (what the bearer may call)"
		}
		if want == "" {
			c.Detail, c.Fix = c.Detail+"; either kind accepted", FixAnyTokenUse
		}
	}
	return c
}

// audience is what API Gateway's JWT authorizer compares with its
// audience list: aud when the token has one (any type: a mistyped aud is
// not passed over), else client_id (cognito-protocol.md §6.1).
type audience struct {
	field  string   // "aud", "client_id", or "" when the token has neither
	one    string   // the value to match, unless isList
	list   []string // the values to match when aud is a list
	isList bool
	bad    string // set when the field is of the wrong type
}

// values lists what is matched (allocates: for messages).
func (a audience) values() []string {
	switch {
	case a.isList:
		return a.list
	case a.field == "":
		return nil
	}
	return []string{a.one}
}

// match returns the first value the expected set holds.
func (a audience) match(want map[string]struct{}) (string, bool) {
	if a.isList {
		for _, g := range a.list {
			if _, ok := want[g]; ok {
				return g, true
			}
		}
		return "", false
	}
	_, ok := want[a.one]
	return a.one, ok && a.field != ""
}

func (cs *claimSet) audience() audience {
	switch {
	case cs.present(cAud) && cs.wrong(cAud):
		return audience{field: "aud", bad: "aud is neither a string nor a list of strings"}
	case cs.present(cAud) && cs.audIsList:
		return audience{field: "aud", list: cs.audList, isList: true}
	case cs.present(cAud):
		return audience{field: "aud", one: cs.aud}
	case cs.present(cClientID) && cs.wrong(cClientID):
		return audience{field: "client_id", bad: "client_id is not a string"}
	case cs.present(cClientID):
		return audience{field: "client_id", one: cs.clientID}
	}
	return audience{}
}

func (e *evaluation) checkAud() Check {
	a := e.cs.audience()
	if a.bad != "" {
		return failCheck(CheckAud, a.bad)
	}
	if len(e.v.clients) == 0 {
		return fixed(skipCheck(CheckAud, "no expected client id given"), FixExpectClientID)
	}
	want := e.v.opts.ClientIDs
	if a.field == "" {
		return failCheck(CheckAud, fmt.Sprintf("the token has neither aud nor client_id; expected %s", oneOf(want)))
	}
	if g, ok := a.match(e.v.clients); ok {
		c := Check{Name: CheckAud, Status: StatusOK}
		if e.full {
			if a.field == "aud" {
				c.Detail = fmt.Sprintf("aud %q is expected (aud is evaluated when present, as API Gateway does)", g)
			} else {
				c.Detail = fmt.Sprintf("client_id %q is expected (the token has no aud, so client_id counts, as API Gateway does; Cognito access tokens name their client there)", g)
			}
		}
		return c
	}
	c := failCheck(CheckAud, fmt.Sprintf("%s %s is not %s", a.field, quoteList(a.values()), oneOf(want)))
	c.Hint = "the token was issued to another app client or audience"
	if _, ok := e.v.clients[e.cs.clientID]; ok && a.field == "aud" && e.cs.clientID != "" {
		c.Hint = fmt.Sprintf("client_id %q is expected, but the token has an aud, and only aud counts then (as API Gateway's JWT authorizer does): expect the aud value, or use a token without aud", e.cs.clientID)
	}
	return c
}

// closeCall is how near expiry a token must be for the report to warn.
const closeCall = 5 * time.Minute

func (e *evaluation) checkExp() Check {
	switch {
	case e.cs.wrong(cExp):
		return failCheck(CheckExp, "exp is not a number")
	case !e.cs.present(cExp):
		c := failCheck(CheckExp, "the token has no exp: it would never expire; Cognito always sets one")
		return c
	}
	// Expired at exp itself: now must be before exp (RFC 7519 §4.1.4).
	if e.cs.exp+e.v.skewSec <= e.nowSec {
		exp := secondsTime(e.cs.exp)
		c := failCheck(CheckExp, "expired "+whenText(exp, e.now))
		if e.v.skewSec > 0 {
			c.Detail += fmt.Sprintf(", beyond the %s skew allowance", HumanDuration(e.v.opts.Skew))
		}
		c.Hint = "get a new token (refresh it); a cached or saved token was reused"
		if e.now.Sub(exp) < closeCall {
			c.Hint, c.Fix = c.Hint+"; if it expired just now, compare this machine's clock with the issuer's", FixSkew
		}
		return c
	}
	c := Check{Name: CheckExp, Status: StatusOK}
	if e.full {
		exp := secondsTime(e.cs.exp)
		left := exp.Sub(e.now)
		switch {
		case left < 0:
			c.Detail = fmt.Sprintf("expired %s, accepted only thanks to the %s skew allowance", whenText(exp, e.now), HumanDuration(e.v.opts.Skew))
		case left < closeCall:
			c.Detail = fmt.Sprintf("expires %s: close to the edge, refresh soon", whenText(exp, e.now))
		default:
			c.Detail = "expires " + whenText(exp, e.now)
		}
	}
	return c
}

func (e *evaluation) checkNbf() Check {
	switch {
	case e.cs.wrong(cNbf):
		return failCheck(CheckNbf, "nbf is not a number")
	case !e.cs.present(cNbf):
		return skipCheck(CheckNbf, "the token has no nbf (Cognito sets none)")
	}
	if e.cs.nbf-e.v.skewSec > e.nowSec {
		c := failCheck(CheckNbf, "not valid until "+whenText(secondsTime(e.cs.nbf), e.now))
		c.Hint, c.Fix = "this machine's clock may be behind the issuer's", FixSkew
		return c
	}
	c := Check{Name: CheckNbf, Status: StatusOK}
	if e.full {
		c.Detail = "valid since " + whenText(secondsTime(e.cs.nbf), e.now)
	}
	return c
}

func (e *evaluation) checkIat() Check {
	switch {
	case e.cs.wrong(cIat):
		return failCheck(CheckIat, "iat is not a number")
	case e.cs.wrong(cAuthTime):
		return failCheck(CheckIat, "auth_time is not a number")
	}
	if e.cs.present(cIat) && e.cs.iat-e.v.skewSec > e.nowSec {
		c := failCheck(CheckIat, "issued in the future: iat is "+whenText(secondsTime(e.cs.iat), e.now))
		c.Hint, c.Fix = "this machine's clock is behind the issuer's, or iat was forged", FixSkewDrift
		return c
	}
	if e.cs.present(cAuthTime) && e.cs.authTime-e.v.skewSec > e.nowSec {
		c := failCheck(CheckIat, "auth_time (the sign-in) is in the future: "+whenText(secondsTime(e.cs.authTime), e.now))
		c.Hint, c.Fix = "this machine's clock is behind the issuer's", FixSkewDrift
		return c
	}
	if !e.cs.present(cIat) {
		return skipCheck(CheckIat, "the token has no iat")
	}
	c := Check{Name: CheckIat, Status: StatusOK}
	if e.full {
		c.Detail = "issued " + whenText(secondsTime(e.cs.iat), e.now)
		if e.cs.present(cAuthTime) {
			c.Detail += "; signed in " + Relative(secondsTime(e.cs.authTime), e.now)
			if e.cs.authTime < e.cs.iat-1 {
				c.Detail += " (refreshed since)"
			}
		}
	}
	return c
}

func (e *evaluation) checkScope() Check {
	if e.cs.wrong(cScope) {
		return failCheck(CheckScope, "scope is not a string")
	}
	want := e.v.opts.Scopes
	if len(want) == 0 {
		return fixed(skipCheck(CheckScope, "no required scope given"), FixRequireScope)
	}
	if e.cs.scope == "" {
		c := failCheck(CheckScope, fmt.Sprintf("the token has no scope; required: %s", oneOf(want)))
		if e.cs.tokenUse == "id" {
			c.Hint = "an ID token sent where scopes are required: ID tokens carry no scope, send the access token"
		}
		return c
	}
	have := splitSpaces(e.cs.scope)
	for _, w := range want {
		for _, h := range have {
			if h == w {
				c := Check{Name: CheckScope, Status: StatusOK}
				if e.full {
					c.Detail = fmt.Sprintf("has %q (required: %s)", w, oneOf(want))
				}
				return c
			}
		}
	}
	c := failCheck(CheckScope, fmt.Sprintf("scope %q has none of the required %s", e.cs.scope, quoteList(want)))
	c.Hint = scopeHint(have)
	return c
}

// scopeHint explains the common reason a Cognito token lacks a scope.
func scopeHint(have []string) string {
	if len(have) == 1 && have[0] == "aws.cognito.signin.user.admin" {
		return "tokens from the API sign-in flows (InitiateAuth) carry only aws.cognito.signin.user.admin; custom scopes come from the hosted UI / token endpoint, client_credentials, or a pre-token-generation v2 trigger"
	}
	return "the app client was not allowed the scope, or it was not requested at sign-in"
}

func (e *evaluation) checkGroup() Check {
	want := e.v.opts.Groups
	if len(want) == 0 {
		return fixed(skipCheck(CheckGroup, "no required group given"), FixRequireGroup)
	}
	switch {
	case e.cs.wrong(cGroups):
		return failCheck(CheckGroup, "cognito:groups is not a list of strings")
	case len(e.cs.groups) == 0:
		c := failCheck(CheckGroup, fmt.Sprintf("the user is in no group (no cognito:groups); required: %s", oneOf(want)))
		return c
	}
	for _, w := range want {
		for _, g := range e.cs.groups {
			if g == w {
				c := Check{Name: CheckGroup, Status: StatusOK}
				if e.full {
					c.Detail = fmt.Sprintf("in %q (required: %s)", w, oneOf(want))
				}
				return c
			}
		}
	}
	c := failCheck(CheckGroup, fmt.Sprintf("in %s, none of the required %s", quoteList(e.cs.groups), quoteList(want)))
	c.Hint = "group changes show up only in tokens issued after them: sign in again or refresh"
	return c
}
