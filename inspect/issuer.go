package inspect

import (
	"fmt"
	"regexp"
	"strings"
)

// cognitoIssuerRe matches both Cognito issuer host forms.
var cognitoIssuerRe = regexp.MustCompile(`^https://(?:issuer-)?cognito-idp\.([a-z0-9-]+)\.amazonaws\.com/([^/]+)$`)

// ParseCognitoIssuer splits a Cognito issuer URL
// (https://cognito-idp.<region>.amazonaws.com/<poolId>) into pool id and
// region.
func ParseCognitoIssuer(iss string) (poolID, region string, ok bool) {
	m := cognitoIssuerRe.FindStringSubmatch(iss)
	if m == nil {
		return "", "", false
	}
	return m[2], m[1], true
}

// issuerHint names the likely mistake behind an issuer mismatch.
func issuerHint(got, want string) string {
	switch {
	case strings.TrimRight(got, "/") == strings.TrimRight(want, "/"):
		return "the two differ only by a trailing slash: issuers are compared exactly"
	case strings.EqualFold(got, want):
		return "the two differ only in letter case: issuers (and pool ids) are case-sensitive"
	case strings.Contains(want, "amazoncognito.com") || strings.Contains(want, "/oauth2"):
		return "the expected issuer is the hosted-UI domain; a user pool's issuer is https://cognito-idp.<region>.amazonaws.com/<poolId>"
	}
	gp, gr, gok := ParseCognitoIssuer(got)
	wp, wr, wok := ParseCognitoIssuer(want)
	switch {
	case gok && wok && gp == wp:
		return "the same pool under another issuer host form (cognito-idp vs issuer-cognito-idp)"
	case gok && wok && gr != wr:
		return fmt.Sprintf("a token from another region: pool %s in %s, while %s in %s is expected", gp, gr, wp, wr)
	case gok && wok:
		return fmt.Sprintf("a token from another user pool (%s, expected %s): another environment or app?", gp, wp)
	case !gok && wok:
		return "the token was not issued by AWS Cognito (a local stack or another provider?)"
	case gok && !wok:
		return "a token from real Cognito, while a non-Cognito issuer (a local stack?) is expected"
	}
	return "a token from another issuer"
}
