package inspect

import (
	"errors"
	"strings"
)

// Fix codes: what a check's text (or a fetch refusal) leaves for an edge
// to name in its own terms. The library's texts name no flag, key or
// command — the command line gives an expected issuer with --issuer, the
// console with the profile's user_pool_id — so a Check (or a PolicyError)
// carries the code in Fix, and each edge adds its words with Phrase,
// keyed by the code (as apicall's FixPhrase does for a refused call's
// fix). Each constant's comment quotes the library's words the edge's
// words follow.
const (
	// "no expected issuer given" (iss skipped: keys given, no issuer).
	FixExpectIssuer = "expect-issuer"
	// "give the expected issuer" (iss failed: no issuer, no iss).
	FixGiveIssuer = "give-issuer"
	// "if this is the issuer you expect, say so" (iss failed: the keys
	// came from the token's own iss); the issuer is Report.Issuer.URL.
	FixConfirmIssuer = "confirm-issuer"
	// "... not required, since the issuer is not a Cognito user pool"
	// (token_use skipped: no kind expected).
	FixExpectTokenUse = "expect-token-use"
	// "...; either kind accepted" (token_use passed, no kind expected).
	FixAnyTokenUse = "any-token-use"
	// "no expected client id given" (aud skipped).
	FixExpectClientID = "expect-client-id"
	// "... compare this machine's clock with the issuer's" (exp, just
	// expired), "this machine's clock may be behind the issuer's" (nbf).
	FixSkew = "skew"
	// "this machine's clock is behind the issuer's[, or iat was forged]"
	// (iat or auth_time in the future).
	FixSkewDrift = "skew-drift"
	// "no required scope given" (scope skipped).
	FixRequireScope = "require-scope"
	// "no required group given" (group skipped).
	FixRequireGroup = "require-group"
	// "... use https" (plain http refused beyond loopback).
	FixRelaxFetch = "relax-fetch"
	// "... and the issuer is unconfirmed" (a private address refused).
	FixConfirmOrRelax = "confirm-or-relax"
	// "... so its JWKS cannot be fetched" (an issuer that is no URL).
	FixGiveJWKS = "give-jwks"
)

// FixCodes lists every fix code, for an edge's test that it words each.
var FixCodes = [...]string{
	FixExpectIssuer, FixGiveIssuer, FixConfirmIssuer, FixExpectTokenUse, FixAnyTokenUse,
	FixExpectClientID, FixSkew, FixSkewDrift, FixRequireScope, FixRequireGroup,
	FixRelaxFetch, FixConfirmOrRelax, FixGiveJWKS,
}

// Hint is an edge's own words for a fix: how to do it there (a CLI flag,
// a console key). Text goes right after the words After of the library's
// text, or at its end when After is "" or not found.
type Hint struct{ After, Text string }

// Phrase is text with the hint hints holds for the fix code inserted;
// text as it is when there is none.
func Phrase(text, fix string, hints map[string]Hint) string {
	h, ok := hints[fix]
	if text == "" || fix == "" || !ok || h.Text == "" {
		return text
	}
	if i := strings.Index(text, h.After); h.After != "" && i >= 0 {
		at := i + len(h.After)
		return text[:at] + h.Text + text[at:]
	}
	return text + h.Text
}

// Phrase returns c with the hint for its Fix added: to Hint when the check
// has one, else to Detail.
func (c Check) Phrase(hints map[string]Hint) Check {
	if c.Hint != "" {
		c.Hint = Phrase(c.Hint, c.Fix, hints)
	} else {
		c.Detail = Phrase(c.Detail, c.Fix, hints)
	}
	return c
}

// Phrase returns a copy of r whose checks are phrased with hints (r
// itself is not changed).
func (r *Report) Phrase(hints map[string]Hint) *Report {
	if r == nil {
		return nil
	}
	out := *r
	out.Checks = make([]Check, len(r.Checks))
	for i, c := range r.Checks {
		out.Checks[i] = c.Phrase(hints)
	}
	return &out
}

// PhraseError returns err with the hint for the fix of the fetch refusal
// it holds (a PolicyError) in its message; err itself when it holds none.
// The result unwraps to err.
func PhraseError(err error, hints map[string]Hint) error {
	fix := fixOf(err)
	if fix == "" {
		return err
	}
	msg := err.Error()
	if p := Phrase(msg, fix, hints); p != msg {
		return &phrasedError{msg: p, err: err}
	}
	return err
}

type phrasedError struct {
	msg string
	err error
}

func (e *phrasedError) Error() string { return e.msg }
func (e *phrasedError) Unwrap() error { return e.err }

// fixOf is the fix code of the fetch refusal err holds, if any.
func fixOf(err error) string {
	var pe *PolicyError
	if errors.As(err, &pe) {
		return pe.Fix
	}
	return ""
}
