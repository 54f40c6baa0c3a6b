package inspect

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// cognitoIssuerRe matches both Cognito issuer host forms.
var cognitoIssuerRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^https://(?:issuer-)?cognito-idp\.([a-z0-9-]+)\.amazonaws\.com/([^/]+)$`)
})

// ParseCognitoIssuer splits a Cognito issuer URL
// (https://cognito-idp.<region>.amazonaws.com/<poolId>) into pool id and
// region.
func ParseCognitoIssuer(iss string) (poolID, region string, ok bool) {
	m := cognitoIssuerRe().FindStringSubmatch(iss)
	if m == nil {
		return "", "", false
	}
	return m[2], m[1], true
}

// DescribeIssuer says what an issuer URL is: a Cognito user pool's, one
// shaped like a pool's (a local stack), or another provider's.
func DescribeIssuer(iss string) IssuerInfo {
	info := IssuerInfo{URL: iss}
	// A user pool id is <region>_<letters and digits>, its region the
	// host's: anything else under a Cognito host is not a pool's issuer.
	if pool, region, ok := ParseCognitoIssuer(iss); ok {
		if m := poolIDRe().FindStringSubmatch(pool); m != nil && m[1] == region {
			info.Cognito, info.Pool, info.Region = true, pool, region
		}
		return info
	}
	if i := strings.LastIndexByte(iss, '/'); i >= 0 && strings.Contains(iss[:i], "://") {
		if m := poolIDRe().FindStringSubmatch(iss[i+1:]); m != nil {
			info.PoolShaped, info.Pool, info.Region = true, iss[i+1:], m[1]
		}
	}
	return info
}

// text names the issuer for messages: "the Cognito user pool X in Y".
func (i IssuerInfo) text() string {
	switch {
	case i.Cognito:
		return fmt.Sprintf("the Cognito user pool %s in %s", i.Pool, i.Region)
	case i.PoolShaped:
		return fmt.Sprintf("a user pool %s served by %q (not AWS: a local stack or emulator)", i.Pool, hostOf(i.URL))
	}
	return "not a Cognito user pool"
}

// hostOf is the scheme and host of a URL, for messages.
func hostOf(u string) string {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return u
	}
	host, _, _ := strings.Cut(rest, "/")
	return scheme + "://" + host
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
