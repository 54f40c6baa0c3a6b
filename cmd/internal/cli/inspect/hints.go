package inspect

import (
	"fmt"

	jwtinspect "github.com/cogscope/cogscope/inspect"
)

// checkHints are the flags that do what a check's text, or a fetch
// refusal, asks for, by fix code: the library's texts name no flag (the
// console words the same codes by its profile). iss is the token's
// issuer, which the confirm-issuer hint quotes.
func checkHints(iss string) map[string]jwtinspect.Hint {
	return map[string]jwtinspect.Hint{
		jwtinspect.FixExpectIssuer:   {After: "no expected issuer given", Text: " (--issuer)"},
		jwtinspect.FixGiveIssuer:     {Text: " (--issuer, a profile or a session) or the JWKS (--jwks)"},
		jwtinspect.FixConfirmIssuer:  {Text: fmt.Sprintf(": --issuer %q (or a profile or session), or give its JWKS (--jwks)", iss)},
		jwtinspect.FixExpectTokenUse: {Text: " and no --token-use was given"},
		jwtinspect.FixAnyTokenUse:    {Text: " (no --token-use)"},
		jwtinspect.FixExpectClientID: {Text: " (--client-id)"},
		jwtinspect.FixSkew:           {Text: " (--skew)"},
		jwtinspect.FixSkewDrift:      {Text: " (--skew allows for drift)"},
		jwtinspect.FixRequireScope:   {Text: " (--scope)"},
		jwtinspect.FixRequireGroup:   {Text: " (--group)"},
		jwtinspect.FixRelaxFetch:     {After: "use https", Text: ", or --relaxed-fetch for a local emulator"},
		jwtinspect.FixConfirmOrRelax: {After: "the issuer is unconfirmed", Text: " (give --issuer to confirm it, or --relaxed-fetch for a local emulator)"},
		jwtinspect.FixGiveJWKS:       {After: "its JWKS cannot be fetched", Text: "; give the JWKS explicitly (--jwks)"},
	}
}

// phraseReport is r in the command line's words, and the hints that
// word its errors (jwtinspect.PhraseError).
func phraseReport(r *jwtinspect.Report) (*jwtinspect.Report, map[string]jwtinspect.Hint) {
	iss := ""
	if r != nil {
		iss = r.Issuer.URL
	}
	h := checkHints(iss)
	return r.Phrase(h), h
}
