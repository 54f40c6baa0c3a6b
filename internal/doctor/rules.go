package doctor

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogscope/cogscope/inspect"
	"github.com/cogscope/cogscope/internal/apiconfig"
	"github.com/cogscope/cogscope/internal/lazyregexp"
)

// Rule is one check of the table: the parts of the configuration it
// reads and the function that judges them. A rule whose parts could not
// be read is reported as skipped, with the reason.
type Rule struct {
	Name  string
	Title string
	Needs []string
	Check func(t Target, c *Config) []Finding
	// Explains are the catalogue entries (Entries) whose cause this rule
	// confirms when it fails or warns, and rules out when it passes.
	Explains []string
}

// Report is the doctor's list of findings, in rule order.
type Report struct {
	Checks []Finding `json:"checks"`
	Unread []Unread  `json:"unread,omitempty"`
}

// Failed says whether any check failed.
func (r Report) Failed() bool {
	for _, f := range r.Checks {
		if f.Status == StatusFail {
			return true
		}
	}
	return false
}

// Count returns how many checks have the status.
func (r Report) Count(s Status) int {
	n := 0
	for _, f := range r.Checks {
		if f.Status == s {
			n++
		}
	}
	return n
}

// Rules returns the table of checks, in the order they run.
func Rules() []Rule { return slices.Clone(rules) }

// Run applies every rule to the configuration.
func Run(t Target, c *Config) Report {
	r := Report{Unread: c.Unread}
	for _, rule := range rules {
		missing := ""
		for _, p := range rule.Needs {
			if !c.has(p) {
				missing = p
				break
			}
		}
		if missing != "" {
			r.Checks = append(r.Checks, Finding{Name: rule.Name, Status: StatusSkipped, Detail: rule.Title + ": " + c.why(missing)})
			continue
		}
		for _, f := range rule.Check(t, c) {
			f.Name = rule.Name
			r.Checks = append(r.Checks, phrased(f))
		}
	}
	return r
}

// apiFlows maps cogscope's API flow names to the AuthFlow and the
// ExplicitAuthFlows value that enables it, and the message Cognito
// answers when it is missing.
var apiFlows = map[string]struct{ authFlow, setting, refusal string }{
	"srp":            {"USER_SRP_AUTH", "ALLOW_USER_SRP_AUTH", "InvalidParameterException: USER_SRP_AUTH is not enabled for the client."},
	"password":       {"USER_PASSWORD_AUTH", "ALLOW_USER_PASSWORD_AUTH", "InvalidParameterException: USER_PASSWORD_AUTH flow not enabled for this client"},
	"admin-password": {"ADMIN_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "InvalidParameterException: Auth flow not enabled for this client"},
	"refresh":        {"REFRESH_TOKEN_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "InvalidParameterException: Refresh Token flow not enabled for this client"},
	"user-auth":      {"USER_AUTH", "ALLOW_USER_AUTH", "InvalidParameterException: USER_AUTH flow not enabled for this client"},
	"custom":         {"CUSTOM_AUTH", "ALLOW_CUSTOM_AUTH", "InvalidParameterException: CUSTOM_AUTH flow not enabled for this client"},
	"custom-srp":     {"CUSTOM_AUTH", "ALLOW_CUSTOM_AUTH", "InvalidParameterException: CUSTOM_AUTH flow not enabled for this client"},
}

// APIFlowScope is the only scope the API sign-in flows put in access
// tokens.
const APIFlowScope = "aws.cognito.signin.user.admin"

func flowOf(t Target) string {
	if t.Flow == "" {
		return "srp"
	}
	return t.Flow
}

func isAPIFlow(flow string) bool { _, ok := apiFlows[flow]; return ok }

func isHostedFlow(flow string) bool {
	return flow == "pkce" || flow == "client-credentials" || flow == "refresh-token"
}

func okf(detail string) Finding { return Finding{Status: StatusOK, Detail: detail} }

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func flowStrings(c *types.UserPoolClientType) []string {
	out := make([]string, len(c.ExplicitAuthFlows))
	for i, f := range c.ExplicitAuthFlows {
		out[i] = string(f)
	}
	return out
}

func oauthFlows(c *types.UserPoolClientType) []string {
	out := make([]string, len(c.AllowedOAuthFlows))
	for i, f := range c.AllowedOAuthFlows {
		out[i] = string(f)
	}
	return out
}

func rotates(c *types.UserPoolClientType) bool {
	return c.RefreshTokenRotation != nil && c.RefreshTokenRotation.Feature == types.FeatureTypeEnabled
}

var rules = []Rule{
	{Name: "client.auth-flow", Title: "the sign-in flow is enabled on the app client", Needs: []string{PartClient}, Check: checkAuthFlow,
		Explains: []string{"cognito.flow-disabled", "cognito.flow-disabled.refresh"}},
	{Name: "client.secret", Title: "the app client's secret", Needs: []string{PartClient}, Check: checkSecret,
		Explains: []string{"cognito.NotAuthorizedException.secret-missing", "cognito.NotAuthorizedException.secret-missing-gettokens", "cognito.NotAuthorizedException.secret-hash-none-sent", "cognito.NotAuthorizedException.secret-hash", "oauth.token.invalid_client"}},
	{Name: "pool.alias-secret-hash", Title: "SECRET_HASH with sign-in aliases", Needs: []string{PartPool, PartClient}, Check: checkAliasSecretHash,
		Explains: []string{"cognito.NotAuthorizedException.secret-hash-refresh", "cognito.NotAuthorizedException.secret-hash"}},
	{Name: "client.refresh-rotation", Title: "refresh-token rotation and REFRESH_TOKEN_AUTH", Needs: []string{PartClient}, Check: checkRotation,
		Explains: []string{"cognito.flow-disabled.refresh", "oauth.token.unauthorized_client.refresh"}},
	{Name: "hosted.domain", Title: "the hosted UI has a domain", Needs: []string{PartPool}, Check: checkDomain,
		Explains: []string{"oauth-client.http.discovery", "oauth-client.http.discovery-no-pool"}},
	{Name: "hosted.grant", Title: "the OAuth grant is allowed on the app client", Needs: []string{PartClient}, Check: checkGrant,
		Explains: []string{"oauth.authorize.unauthorized_client", "oauth.token.unauthorized_client.client_credentials", "oauth.token.unauthorized_client"}},
	{Name: "hosted.callback-url", Title: "the redirect URI is a registered callback URL", Needs: []string{PartClient}, Check: checkCallback,
		Explains: []string{"oauth.authorize.redirect_mismatch", "oauth.authorize.invalid_request.error-page"}},
	{Name: "hosted.scopes", Title: "the requested scopes are allowed", Needs: []string{PartClient}, Check: checkScopes,
		Explains: []string{"oauth.authorize.invalid_scope", "oauth.token.invalid_scope", "oauth.userinfo.insufficient_scope"}},
	{Name: "client.prevent-user-existence-errors", Title: "user-existence errors are hidden", Needs: []string{PartClient}, Check: checkExistence,
		Explains: []string{"cognito.UserNotFoundException"}},
	{Name: "pool.mfa", Title: "MFA can be satisfied", Needs: []string{PartMFA}, Check: checkMFA,
		Explains: []string{"cognito.InvalidUserPoolConfigurationException", "cognito.MFAMethodNotFoundException"}},
	{Name: "pool.mfa-users", Title: "users can satisfy the pool's MFA", Needs: []string{PartMFA, PartUsers}, Check: checkMFAUsers,
		Explains: []string{"cognito.SoftwareTokenMFANotFoundException", "cognito.MFAMethodNotFoundException"}},
	{Name: "client.token-validity", Title: "token lifetimes", Needs: []string{PartClient}, Check: checkValidity,
		Explains: []string{"gateway.expired.rest", "gateway.jwt.expired", "cognito.NotAuthorizedException.refresh-expired", "jwt.expired"}},
	{Name: "api.issuer", Title: "the authorizers trust this pool", Needs: []string{PartAPI}, Check: checkIssuer,
		Explains: []string{"gateway.jwt.issuer", "gateway.jwt.signature", "gateway.unauthorized", "gateway.jwt.invalid_token"}},
	{Name: "api.audience", Title: "the JWT authorizers' audience lists this client", Needs: []string{PartAPI}, Check: checkAudience,
		Explains: []string{"gateway.jwt.audience", "gateway.jwt.invalid_token"}},
	{Name: "api.scopes", Title: "the routes' scopes can be in this client's tokens", Needs: []string{PartAPI, PartClient}, Check: checkRouteScopes,
		Explains: []string{"gateway.forbidden.scope", "gateway.forbidden", "gateway.unauthorized", "jwt.scope"}},
	{Name: "api.rest-token-kind", Title: "which token each REST Cognito method takes", Needs: []string{PartAPI}, Check: checkRESTTokenKind},
	{Name: "api.identity-validation", Title: "identity validation expressions", Needs: []string{PartAPI}, Check: checkValidationExpression,
		Explains: []string{"gateway.unauthorized"}},
	{Name: "api.lambda-cache", Title: "Lambda authorizer caches", Needs: []string{PartAPI}, Check: checkLambdaCache,
		Explains: []string{"gateway.lambda.policy", "gateway.forbidden"}},
	{Name: "api.access-log", Title: "access logs can be matched to calls", Needs: []string{PartAPI}, Check: checkAccessLog},
}

func checkAuthFlow(t Target, c *Config) []Finding {
	flow := flowOf(t)
	f, ok := apiFlows[flow]
	if !ok {
		return []Finding{{Status: StatusOK, Detail: fmt.Sprintf("%s is a hosted-UI flow: ExplicitAuthFlows does not apply", flow)}}
	}
	have := flowStrings(c.Client)
	if flow == "refresh" && rotates(c.Client) {
		return []Finding{okf("refresh uses GetTokensFromRefreshToken on this client (rotation is on)")}
	}
	if slices.Contains(have, f.setting) {
		return []Finding{okf(fmt.Sprintf("%s is enabled (%s)", f.authFlow, f.setting))}
	}
	return []Finding{{Status: StatusFail, Subject: flow,
		Detail:    fmt.Sprintf("the flow %s needs %s, which is not in the client's ExplicitAuthFlows (%s)", flow, f.setting, strings.Join(have, ", ")),
		Fix:       fmt.Sprintf("add %s to the app client's authentication flows, or sign in with a flow it allows", f.setting),
		Error:     f.refusal,
		Catalogue: "cognito.flow-disabled", Ref: "a3"}}
}

func checkSecret(t Target, c *Config) []Finding {
	if str(c.Client.ClientSecret) == "" {
		return []Finding{okf("the app client has no secret")}
	}
	note := "front ends built on amazon-cognito-identity-js or Amplify cannot sign in with a client that has a secret"
	if isAPIFlow(flowOf(t)) && !t.SecretKnown {
		return []Finding{{Status: StatusFail, Detail: "the app client has a secret, so every call needs SECRET_HASH, and no secret was given; " + note,
			Fix:       "give the client secret ({input:client-secret-stdin}), or use an app client without a secret for browser and mobile sign-in",
			Error:     fmt.Sprintf("NotAuthorizedException: Client %s is configured for secret but secret was not received", t.ClientID),
			Catalogue: "cognito.NotAuthorizedException.secret-missing", Ref: "a2"}}
	}
	return []Finding{{Status: StatusWarn, Detail: "the app client has a secret: SECRET_HASH is needed on every call; " + note,
		Fix:       "for browser and mobile apps, use an app client without a secret",
		Error:     fmt.Sprintf("NotAuthorizedException: Client %s is configured for secret but secret was not received", t.ClientID),
		Catalogue: "cognito.NotAuthorizedException.secret-missing", Ref: "a2"}}
}

func checkAliasSecretHash(t Target, c *Config) []Finding {
	var names []string
	for _, a := range c.Pool.AliasAttributes {
		names = append(names, string(a))
	}
	for _, a := range c.Pool.UsernameAttributes {
		names = append(names, string(a))
	}
	if len(names) == 0 || str(c.Client.ClientSecret) == "" {
		return []Finding{okf("no sign-in aliases with a client secret")}
	}
	return []Finding{{Status: StatusWarn, Detail: fmt.Sprintf("users may sign in with %s, and the client has a secret: SECRET_HASH must be computed from the internal username (USER_ID_FOR_SRP in the challenge, the access token's username on refresh), not from what the user typed", strings.Join(names, ", ")),
		Fix:       "compute SECRET_HASH from the username Cognito returns (cogscope does); on refresh, from the access token's username claim",
		Error:     fmt.Sprintf("NotAuthorizedException: Unable to verify secret hash for client %s", t.ClientID),
		Catalogue: "cognito.NotAuthorizedException.secret-hash-refresh", Ref: "a1"}}
}

func checkRotation(t Target, c *Config) []Finding {
	if !rotates(c.Client) {
		return []Finding{okf("refresh-token rotation is off: REFRESH_TOKEN_AUTH works when ALLOW_REFRESH_TOKEN_AUTH is on")}
	}
	st := StatusWarn
	detail := "refresh-token rotation is on: REFRESH_TOKEN_AUTH is refused; refresh with GetTokensFromRefreshToken (cogscope's refresh flow does, with AWS credentials)"
	if flowOf(t) == "refresh-token" {
		detail = "refresh-token rotation is on: the token endpoint's refresh_token grant and REFRESH_TOKEN_AUTH are refused"
		st = StatusFail
	}
	return []Finding{{Status: st, Detail: detail,
		Fix:       "refresh with GetTokensFromRefreshToken ({flow:refresh}), or turn rotation off",
		Error:     "InvalidParameterException: REFRESH_TOKEN_AUTH is not supported for app clients with refresh token rotation enabled. Use GetTokensFromRefreshToken.",
		Catalogue: "cognito.flow-disabled.refresh", Ref: "a19"}}
}

func checkDomain(t Target, c *Config) []Finding {
	domain := str(c.Pool.CustomDomain)
	if domain == "" {
		domain = str(c.Pool.Domain)
	}
	if domain == "" {
		if isHostedFlow(flowOf(t)) {
			return []Finding{{Status: StatusFail, Detail: "the pool has no domain, so there is no hosted UI and no token endpoint for " + flowOf(t),
				Fix: "add a domain to the user pool (a prefix or a custom domain)", Error: "no hosted UI: the pool has no domain (its openid-configuration lists no authorization_endpoint)"}}
		}
		return []Finding{okf("the pool has no domain (the hosted-UI flows need one)")}
	}
	if c.Domain != nil && c.Domain.Status != "" && c.Domain.Status != types.DomainStatusTypeActive {
		return []Finding{{Status: StatusWarn, Detail: fmt.Sprintf("the pool's domain %s is %s, not ACTIVE", domain, c.Domain.Status), Fix: "wait for the domain to become ACTIVE (custom domains take up to an hour)"}}
	}
	return []Finding{okf("the hosted UI's domain is " + domain)}
}

func checkGrant(t Target, c *Config) []Finding {
	flow := flowOf(t)
	grant := map[string]string{"pkce": "code", "client-credentials": "client_credentials", "refresh-token": "code"}[flow]
	if grant == "" {
		return []Finding{okf(flow + " does not use an OAuth grant")}
	}
	enabled := c.Client.AllowedOAuthFlowsUserPoolClient != nil && *c.Client.AllowedOAuthFlowsUserPoolClient
	if enabled && slices.Contains(oauthFlows(c.Client), grant) {
		return []Finding{okf("the " + grant + " grant is allowed")}
	}
	detail := fmt.Sprintf("the %s grant is not in the client's AllowedOAuthFlows (%s)", grant, strings.Join(oauthFlows(c.Client), ", "))
	if !enabled {
		detail = "the app client's OAuth features are off (AllowedOAuthFlowsUserPoolClient is false)"
	}
	id := "oauth.authorize.unauthorized_client"
	if grant == "client_credentials" {
		id = "oauth.token.unauthorized_client.client_credentials"
	}
	return []Finding{{Status: StatusFail, Detail: detail, Fix: "allow the " + grant + " grant (and the OAuth features) on the app client's hosted-UI settings",
		Error: `{"error":"unauthorized_client"}`, Catalogue: id, Ref: "b21"}}
}

func checkCallback(t Target, c *Config) []Finding {
	if flowOf(t) != "pkce" && t.RedirectURI == "" {
		return []Finding{okf("no redirect URI in use")}
	}
	cbs := c.Client.CallbackURLs
	if t.RedirectURI == "" {
		if len(cbs) == 0 {
			return []Finding{{Status: StatusFail, Detail: "the app client has no callback URLs", Fix: "add the loopback callback cogscope listens on (e.g. http://localhost:8765/callback) to the client's callback URLs",
				Error: "/error?error=redirect_mismatch", Catalogue: "oauth.authorize.redirect_mismatch", Ref: "b20"}}
		}
		return []Finding{okf("no redirect URI given: cogscope uses a registered one (" + cbs[0] + ")")}
	}
	if slices.Contains(cbs, t.RedirectURI) {
		return []Finding{okf(t.RedirectURI + " is a registered callback URL")}
	}
	detail := fmt.Sprintf("%s is not an exact match for any callback URL (%s)", t.RedirectURI, strings.Join(cbs, ", "))
	if near := nearMiss(t.RedirectURI, cbs); near != "" {
		detail += "; it differs from " + near
	}
	return []Finding{{Status: StatusFail, Subject: t.RedirectURI, Detail: detail,
		Fix:       "add exactly " + t.RedirectURI + " to the app client's callback URLs, or pass a registered one with {input:redirect-uri}",
		Error:     "redirect to <domain>/error?error=redirect_mismatch&client_id=" + t.ClientID + " (\"An error was encountered with the requested page\")",
		Catalogue: "oauth.authorize.redirect_mismatch", Ref: "b20"}}
}

// nearMiss names a registered URL the given one almost matches, and how.
func nearMiss(uri string, cbs []string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return ""
	}
	for _, cb := range cbs {
		v, err := url.Parse(cb)
		if err != nil {
			continue
		}
		switch {
		case strings.TrimSuffix(uri, "/") == strings.TrimSuffix(cb, "/"):
			return cb + " by a trailing slash"
		case strings.EqualFold(uri, cb):
			return cb + " in letter case"
		case u.Scheme == v.Scheme && u.Port() == v.Port() && u.Path == v.Path && isLocal(u.Hostname()) && isLocal(v.Hostname()):
			return cb + " in the host (localhost and 127.0.0.1 are different URLs)"
		case u.Scheme == v.Scheme && u.Hostname() == v.Hostname() && u.Path == v.Path && u.Port() != v.Port():
			return cb + " in the port"
		case u.Host == v.Host && u.Path == v.Path && u.Scheme != v.Scheme:
			return cb + " in the scheme"
		}
	}
	return ""
}

func isLocal(h string) bool { return h == "localhost" || h == "127.0.0.1" || h == "::1" }

func checkScopes(t Target, c *Config) []Finding {
	flow := flowOf(t)
	if !isHostedFlow(flow) {
		return []Finding{okf(flow + " is an API flow: its access tokens carry " + APIFlowScope + " only")}
	}
	allowed := c.Client.AllowedOAuthScopes
	var out []Finding
	var bad []string
	for _, s := range t.Scopes {
		if !slices.Contains(allowed, s) {
			bad = append(bad, s)
		}
	}
	if len(bad) > 0 {
		out = append(out, Finding{Status: StatusFail, Subject: strings.Join(bad, " "),
			Detail:    fmt.Sprintf("scope %s is not in the client's AllowedOAuthScopes (%s)", strings.Join(bad, ", "), strings.Join(allowed, ", ")),
			Fix:       "request only allowed scopes (or {omit:scope} to get all of them), or allow the scope on the app client",
			Error:     `{"error":"invalid_scope"}`,
			Catalogue: "oauth.authorize.invalid_scope", Ref: "b24"})
	}
	if flow == "pkce" {
		effective := t.Scopes
		if len(effective) == 0 {
			effective = allowed
		}
		if !slices.Contains(effective, "openid") {
			out = append(out, Finding{Status: StatusWarn, Subject: "openid",
				Detail: "openid is not among the scopes the sign-in gets: the token endpoint returns no ID token, and userInfo refuses the access token",
				Fix:    "request openid (and allow it on the app client) when an ID token is expected"})
		}
	}
	if len(out) == 0 {
		out = append(out, okf("the scopes are allowed"))
	}
	return out
}

func checkExistence(t Target, c *Config) []Finding {
	if c.Client.PreventUserExistenceErrors == types.PreventUserExistenceErrorTypesEnabled {
		return []Finding{okf("PreventUserExistenceErrors is ENABLED")}
	}
	return []Finding{{Status: StatusWarn, Detail: "PreventUserExistenceErrors is not ENABLED: sign-in tells an unknown user from a wrong password, so usernames can be enumerated",
		Fix: "set PreventUserExistenceErrors to ENABLED on the app client", Error: "UserNotFoundException: User does not exist.", Catalogue: "cognito.UserNotFoundException", Ref: "a7"}}
}

func checkMFA(t Target, c *Config) []Finding {
	m := c.MFA
	var factors []string
	if m.SoftwareTokenMfaConfiguration != nil && m.SoftwareTokenMfaConfiguration.Enabled {
		factors = append(factors, "SOFTWARE_TOKEN_MFA")
	}
	if m.SmsMfaConfiguration != nil && m.SmsMfaConfiguration.SmsConfiguration != nil && str(m.SmsMfaConfiguration.SmsConfiguration.SnsCallerArn) != "" {
		factors = append(factors, "SMS_MFA")
	}
	if m.EmailMfaConfiguration != nil {
		factors = append(factors, "EMAIL_OTP")
	}
	switch m.MfaConfiguration {
	case types.UserPoolMfaTypeOn:
		if len(factors) == 0 {
			return []Finding{{Status: StatusFail, Detail: "MFA is required (ON) but no factor is configured (no TOTP, no SMS role, no e-mail): no user can finish signing in",
				Fix:   "enable software-token MFA (or SMS with an SNS role, or e-mail) on the pool, or set MFA to OPTIONAL",
				Error: "a challenge no client can answer (MFA_SETUP with no factor to set up)", Catalogue: "cognito.InvalidUserPoolConfigurationException"}}
		}
		return []Finding{{Status: StatusWarn, Detail: "MFA is required (ON) with " + strings.Join(factors, ", ") + ": users without a factor get MFA_SETUP, and client-credentials-style automation cannot sign in with a password",
			Fix: "enrol each user (AssociateSoftwareToken/VerifySoftwareToken) before the first sign-in, or set MFA to OPTIONAL"}}
	case types.UserPoolMfaTypeOptional:
		return []Finding{okf("MFA is OPTIONAL (" + strings.Join(factors, ", ") + ")")}
	}
	return []Finding{okf("MFA is off")}
}

// poolFactors are the MFA factors the pool enables.
func poolFactors(c *Config) []string {
	m := c.MFA
	var out []string
	if m.SoftwareTokenMfaConfiguration != nil && m.SoftwareTokenMfaConfiguration.Enabled {
		out = append(out, "SOFTWARE_TOKEN_MFA")
	}
	if m.SmsMfaConfiguration != nil {
		out = append(out, "SMS_MFA")
	}
	if m.EmailMfaConfiguration != nil {
		out = append(out, "EMAIL_OTP")
	}
	return out
}

func checkMFAUsers(t Target, c *Config) []Finding {
	if len(c.Users) == 0 {
		return []Finding{okf("no users to check")}
	}
	enabled := poolFactors(c)
	var unenrolled, stale []string
	for _, u := range c.Users {
		usable := slices.ContainsFunc(u.Factors, func(f string) bool { return slices.Contains(enabled, f) })
		if !usable && c.MFA.MfaConfiguration == types.UserPoolMfaTypeOn {
			unenrolled = append(unenrolled, u.Username)
		}
		if u.Preferred != "" && !slices.Contains(enabled, u.Preferred) {
			stale = append(stale, u.Username+" ("+u.Preferred+")")
		}
	}
	var out []Finding
	if len(unenrolled) > 0 {
		f := Finding{Status: StatusWarn, Subject: fmt.Sprintf("%d of %d users", len(unenrolled), len(c.Users)),
			Detail: fmt.Sprintf("MFA is ON and %s have no factor the pool enables: their sign-in stops at MFA_SETUP (enrol TOTP)", strings.Join(first(unenrolled, 5), ", ")),
			Fix:    "enrol them (AssociateSoftwareToken + VerifySoftwareToken in the MFA_SETUP challenge), or set MFA to OPTIONAL"}
		if !slices.Contains(enabled, "SOFTWARE_TOKEN_MFA") {
			f.Status = StatusFail
			f.Detail = fmt.Sprintf("MFA is ON, %s have no factor the pool enables, and TOTP is off, so MFA_SETUP cannot enrol them", strings.Join(first(unenrolled, 5), ", "))
		}
		out = append(out, f)
	}
	if len(stale) > 0 {
		out = append(out, Finding{Status: StatusWarn, Subject: fmt.Sprintf("%d users", len(stale)),
			Detail: fmt.Sprintf("%s prefer a factor the pool no longer enables", strings.Join(first(stale, 5), ", ")),
			Fix:    "enable the factor on the pool again, or have them choose another (SetUserMFAPreference)",
			Error:  "SoftwareTokenMFANotFoundException: Software Token MFA does not exist for the user.", Catalogue: "cognito.SoftwareTokenMFANotFoundException", Ref: "a13"})
	}
	if len(out) == 0 {
		out = append(out, okf(fmt.Sprintf("%d sampled users can answer the pool's MFA", len(c.Users))))
	}
	return out
}

func first(s []string, n int) []string { return s[:min(n, len(s))] }

func validity(v *int32, unit types.TimeUnitsType, defUnit time.Duration, def time.Duration) time.Duration {
	if v == nil || *v == 0 {
		return def
	}
	u := defUnit
	switch unit {
	case types.TimeUnitsTypeSeconds:
		u = time.Second
	case types.TimeUnitsTypeMinutes:
		u = time.Minute
	case types.TimeUnitsTypeHours:
		u = time.Hour
	case types.TimeUnitsTypeDays:
		u = 24 * time.Hour
	}
	return time.Duration(*v) * u
}

func dur(d time.Duration) string { return inspect.HumanDuration(d) }

func checkValidity(t Target, c *Config) []Finding {
	var units types.TokenValidityUnitsType
	if c.Client.TokenValidityUnits != nil {
		units = *c.Client.TokenValidityUnits
	}
	access := validity(c.Client.AccessTokenValidity, units.AccessToken, time.Hour, time.Hour)
	id := validity(c.Client.IdTokenValidity, units.IdToken, time.Hour, time.Hour)
	refresh := validity(&c.Client.RefreshTokenValidity, units.RefreshToken, 24*time.Hour, 30*24*time.Hour)
	var out []Finding
	for _, x := range []struct {
		name string
		d    time.Duration
	}{{"access", access}, {"ID", id}} {
		switch {
		case x.d <= 5*time.Minute:
			out = append(out, Finding{Status: StatusWarn, Subject: x.name, Detail: fmt.Sprintf("%s tokens live %s: a little clock skew or a slow step makes them expire in flight", x.name, dur(x.d)),
				Fix: "raise the validity to 15 minutes or more", Error: `401 {"message":"The incoming token has expired"}`, Ref: "c27"})
		case x.d >= 12*time.Hour:
			out = append(out, Finding{Status: StatusWarn, Subject: x.name, Detail: fmt.Sprintf("%s tokens live %s: a revoked user keeps API access that long (API Gateway does not check revocation)", x.name, dur(x.d)),
				Fix: "lower the validity to an hour and refresh", Ref: "c35"})
		}
	}
	if refresh <= access || refresh <= id {
		out = append(out, Finding{Status: StatusFail, Subject: "refresh", Detail: fmt.Sprintf("the refresh token (%s) does not outlive the access and ID tokens (%s, %s): refreshing is impossible", dur(refresh), dur(access), dur(id)),
			Fix: "make the refresh-token validity longer than the access- and ID-token validities", Error: "NotAuthorizedException: Refresh Token has expired", Catalogue: "cognito.NotAuthorizedException.refresh-expired"})
	} else if refresh < 12*time.Hour {
		out = append(out, Finding{Status: StatusWarn, Subject: "refresh", Detail: fmt.Sprintf("refresh tokens live %s: users sign in again that often", dur(refresh)), Fix: "raise the refresh-token validity (days)"})
	}
	if len(out) == 0 {
		out = append(out, okf(fmt.Sprintf("access %s, ID %s, refresh %s", dur(access), dur(id), dur(refresh))))
	}
	return out
}

// ---- the API's authorizers ----

func routeName(r apiconfig.Route) string {
	if r.Method == "" {
		return r.APIID + " " + r.Path
	}
	return r.APIID + " " + r.Method + " " + r.Path
}

// authRoutes are the routes with a JWT or Cognito authorizer.
func authRoutes(c *Config, kinds ...string) []apiconfig.Route {
	var out []apiconfig.Route
	for _, a := range c.API.APIs {
		for _, r := range a.Routes {
			if r.Authorizer != nil && slices.Contains(kinds, r.AuthorizationType) {
				out = append(out, r)
			}
		}
	}
	return out
}

var arnRegionRe = lazyregexp.New(`:cognito-idp:([a-z0-9-]+):`)

var poolIssuerRe = lazyregexp.New(`^https://cognito-idp\.([a-z0-9-]+)\.amazonaws\.com/([A-Za-z0-9-]+_[A-Za-z0-9]+)$`)

// issuerProblem says how iss differs from want ("" when equal).
func issuerProblem(iss, want, poolID string) (problem string, samePool bool) {
	if iss == want {
		return "", true
	}
	switch {
	case strings.TrimSuffix(iss, "/") == want:
		return "it has a trailing slash", true
	case strings.EqualFold(iss, want):
		return "it differs in letter case", true
	case strings.HasPrefix(iss, "http://") && strings.TrimPrefix(iss, "http://") == strings.TrimPrefix(want, "https://"):
		return "its scheme is http", true
	}
	if m := poolIssuerRe.FindStringSubmatch(strings.TrimSuffix(iss, "/")); m != nil && m[2] == poolID {
		return "it names region " + m[1], true
	}
	if strings.Contains(iss, "amazoncognito.com") || strings.Contains(iss, "/_domain/") {
		return "it is the hosted-UI domain, not the cognito-idp issuer", true
	}
	if poolID != "" && strings.Contains(iss, poolID) {
		return "it is not the pool's issuer URL", true
	}
	return "it is another pool's", false
}

func checkIssuer(t Target, c *Config) []Finding {
	var out []Finding
	seen := map[string]bool{}
	for _, r := range authRoutes(c, "JWT", "COGNITO_USER_POOLS") {
		a := r.Authorizer
		if seen[r.APIID+a.ID] {
			continue
		}
		seen[r.APIID+a.ID] = true
		subject := r.APIID + " authorizer " + a.Name
		if r.AuthorizationType == "COGNITO_USER_POOLS" {
			found := false
			for _, arn := range a.ProviderARNs {
				if _, id, ok := strings.Cut(arn, ":userpool/"); ok && id == t.PoolID {
					found = true
					if m := arnRegionRe.FindStringSubmatch(arn); m != nil && t.Region != "" && m[1] != t.Region {
						out = append(out, Finding{Status: StatusFail, Subject: subject, Detail: fmt.Sprintf("the authorizer's pool ARN %s names region %s; the pool is in %s", arn, m[1], t.Region),
							Fix: "point the authorizer at the pool's ARN in its own region", Error: `401 {"message":"Unauthorized"}`, Ref: "c26"})
					}
				}
			}
			if !found {
				out = append(out, Finding{Status: StatusFail, Subject: subject, Detail: fmt.Sprintf("the authorizer trusts %s, not pool %s: this pool's tokens are refused", strings.Join(a.ProviderARNs, ", "), t.PoolID),
					Fix: "add this pool's ARN to the authorizer's providerARNs (and redeploy)", Error: `401 {"message":"Unauthorized"}`, Ref: "c26"})
			}
			continue
		}
		problem, same := issuerProblem(a.Issuer, t.Issuer, t.PoolID)
		switch {
		case problem == "":
		case same:
			out = append(out, Finding{Status: StatusFail, Subject: subject, Detail: fmt.Sprintf("the authorizer's issuer %q is not the pool's %q: %s", a.Issuer, t.Issuer, problem),
				Fix:   "set the authorizer's issuer to exactly " + t.Issuer,
				Error: `401 {"message":"Unauthorized"} www-authenticate: Bearer scope="" error="invalid_token" error_description="the token does not have a valid issuer"`, Ref: "c29"})
		default:
			out = append(out, Finding{Status: StatusFail, Subject: subject, Detail: fmt.Sprintf("the authorizer trusts %q, not this pool (%s): its tokens are refused", a.Issuer, t.Issuer),
				Fix:   "set the authorizer's issuer to " + t.Issuer + " if this API is meant for this pool",
				Error: `401 {"message":"Unauthorized"} www-authenticate: Bearer scope="" error="invalid_token" error_description="the token does not have a valid issuer"`, Ref: "c29"})
		}
	}
	if len(out) == 0 {
		out = append(out, okf(fmt.Sprintf("%d authorizer(s) trust this pool", len(seen))))
	}
	return out
}

func checkAudience(t Target, c *Config) []Finding {
	var out []Finding
	seen := map[string]bool{}
	for _, r := range authRoutes(c, "JWT") {
		a := r.Authorizer
		if seen[r.APIID+a.ID] {
			continue
		}
		seen[r.APIID+a.ID] = true
		if slices.Contains(a.Audience, t.ClientID) {
			continue
		}
		out = append(out, Finding{Status: StatusFail, Subject: r.APIID + " authorizer " + a.Name,
			Detail:    fmt.Sprintf("the audience (%s) does not list the client %s: its ID tokens (aud) and access tokens (client_id) are refused", strings.Join(a.Audience, ", "), t.ClientID),
			Fix:       "add " + t.ClientID + " to the JWT authorizer's audience",
			Error:     `401 {"message":"Unauthorized"} www-authenticate: Bearer scope="" error="invalid_token" error_description="the token does not have a valid audience"`,
			Catalogue: "gateway.jwt.audience", Ref: "c28"})
	}
	if len(out) == 0 {
		out = append(out, okf(fmt.Sprintf("%d JWT authorizer(s) list the client", len(seen))))
	}
	return out
}

// reachableScopes are the scopes this client's tokens can hold with the
// target's flow.
func reachableScopes(t Target, c *Config) []string {
	if isAPIFlow(flowOf(t)) {
		return []string{APIFlowScope}
	}
	if len(t.Scopes) > 0 {
		var out []string
		for _, s := range t.Scopes {
			if slices.Contains(c.Client.AllowedOAuthScopes, s) {
				out = append(out, s)
			}
		}
		return out
	}
	return c.Client.AllowedOAuthScopes
}

func checkRouteScopes(t Target, c *Config) []Finding {
	var out []Finding
	have := reachableScopes(t, c)
	n := 0
	for _, r := range authRoutes(c, "JWT", "COGNITO_USER_POOLS") {
		if len(r.Scopes) == 0 {
			continue
		}
		n++
		if slices.ContainsFunc(r.Scopes, func(s string) bool { return slices.Contains(have, s) }) {
			continue
		}
		f := Finding{Status: StatusFail, Subject: routeName(r),
			Detail: fmt.Sprintf("the route needs one of %s; with {flow:%s} this client's access tokens carry only %s", strings.Join(r.Scopes, " "), flowOf(t), strings.Join(have, " ")),
			Fix:    "sign in through the hosted UI (pkce) or client credentials with one of the route's scopes allowed on the client and requested", Ref: "c30"}
		if isAPIFlow(flowOf(t)) {
			f.Detail = fmt.Sprintf("the route needs one of %s; the API sign-in flows issue only %s", strings.Join(r.Scopes, " "), APIFlowScope)
		}
		if r.Kind == "rest" {
			f.Error = `401 {"message":"Unauthorized"}`
		} else {
			f.Error = `403 {"message":"Forbidden"} www-authenticate: Bearer scope="` + strings.Join(r.Scopes, " ") + `" error="insufficient_scope"`
			f.Catalogue = "gateway.forbidden.scope"
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		out = append(out, okf(fmt.Sprintf("%d scoped route(s) reachable", n)))
	}
	return out
}

func checkRESTTokenKind(t Target, c *Config) []Finding {
	var out []Finding
	for _, r := range authRoutes(c, "COGNITO_USER_POOLS") {
		if len(r.Scopes) > 0 {
			out = append(out, Finding{Status: StatusOK, Subject: routeName(r), Detail: routeName(r) + " has scopes: it takes the access token (an ID token gets 401)"})
		} else {
			out = append(out, Finding{Status: StatusOK, Subject: routeName(r), Detail: routeName(r) + " has no scopes: it takes the ID token (an access token gets 401)"})
		}
	}
	if len(out) == 0 {
		out = append(out, okf("no REST Cognito authorizer"))
	}
	for i := range out {
		out[i].Error = `401 {"message":"Unauthorized"} (with the other token)`
		out[i].Ref = "c26"
	}
	return out
}

func checkValidationExpression(t Target, c *Config) []Finding {
	var out []Finding
	for _, r := range authRoutes(c, "COGNITO_USER_POOLS") {
		expr := r.Authorizer.IdentityValidationExpression
		if expr == "" {
			continue
		}
		re, err := regexp.Compile("^(?:" + expr + ")$")
		switch {
		case err != nil:
			out = append(out, Finding{Status: StatusFail, Subject: routeName(r), Detail: fmt.Sprintf("the identity validation expression %q is not a valid regular expression: %v", expr, err),
				Fix: "fix or remove the expression", Error: `401 {"message":"Unauthorized"}`, Ref: "c26"})
		case len(r.Scopes) > 0:
			out = append(out, Finding{Status: StatusFail, Subject: routeName(r), Detail: fmt.Sprintf("the route takes access tokens (it has scopes), and the identity validation expression %q is matched against aud, which access tokens lack: every access token fails", expr),
				Fix: "remove the identity validation expression from the authorizer", Error: `401 {"message":"Unauthorized"}`, Ref: "c26"})
		case !re.MatchString(t.ClientID):
			out = append(out, Finding{Status: StatusFail, Subject: routeName(r), Detail: fmt.Sprintf("the identity validation expression %q does not match the client id %s (the ID token's aud)", expr, t.ClientID),
				Fix: "make the expression match the client id, or remove it", Error: `401 {"message":"Unauthorized"}`, Ref: "c26"})
		}
	}
	if len(out) == 0 {
		out = append(out, okf("no identity validation expression refuses this client's tokens"))
	}
	return out
}

func checkLambdaCache(t Target, c *Config) []Finding {
	var out []Finding
	for _, api := range c.API.APIs {
		users := map[string][]apiconfig.Route{}
		auths := map[string]*apiconfig.Authorizer{}
		for _, r := range api.Routes {
			if r.Authorizer != nil && (r.AuthorizationType == "CUSTOM" || r.Authorizer.Type == "TOKEN" || r.Authorizer.Type == "REQUEST") {
				users[r.Authorizer.ID] = append(users[r.Authorizer.ID], r)
				auths[r.Authorizer.ID] = r.Authorizer
			}
		}
		ids := make([]string, 0, len(auths))
		for id := range auths {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			a := auths[id]
			if a.CacheTTLSeconds == nil || *a.CacheTTLSeconds == 0 || len(users[id]) < 2 {
				continue
			}
			varies := slices.ContainsFunc(a.IdentitySources, func(s string) bool {
				return strings.Contains(s, "routeKey") || strings.Contains(s, "resourcePath") || strings.Contains(s, "httpMethod") || strings.Contains(s, "resourceId")
			})
			if varies {
				continue
			}
			body := `403 {"message":"Forbidden"}`
			if api.Kind == "rest" {
				body = `403 {"Message":"User is not authorized to access this resource"}`
			}
			out = append(out, Finding{Status: StatusWarn, Subject: api.ID + " authorizer " + a.Name,
				Detail: fmt.Sprintf("the Lambda authorizer caches its answer for %d s keyed on %s, which does not vary with the route, and %d routes use it: a policy returned for one route answers the others", *a.CacheTTLSeconds, strings.Join(a.IdentitySources, ", "), len(users[id])),
				Fix:    "return a policy with a wildcard resource, add $context.routeKey (HTTP) to the identity sources, or set the TTL to 0",
				Error:  body, Catalogue: "gateway.lambda.policy", Ref: "c33"})
		}
	}
	if len(out) == 0 {
		out = append(out, okf("no Lambda authorizer cache answers for other routes"))
	}
	return out
}

func checkAccessLog(t Target, c *Config) []Finding {
	var out []Finding
	for _, api := range c.API.APIs {
		for _, s := range api.Stages {
			subject := api.ID + " stage " + s.Name
			if s.AccessLogARN == "" && s.AccessLogGroup == "" {
				out = append(out, Finding{Status: StatusWarn, Subject: subject, Detail: "the stage writes no access log: a refused call leaves no trace of the authorizer's reason",
					Fix: `turn on access logging with a JSON format holding $context.requestId and $context.authorizer.error`})
				continue
			}
			var missing []string
			for _, v := range []string{"$context.requestId", "$context.authorizer.error", "$context.status"} {
				if !strings.Contains(s.AccessLogFormat, v) {
					missing = append(missing, v)
				}
			}
			if s.AccessLogFormat != "" && len(missing) > 0 {
				out = append(out, Finding{Status: StatusWarn, Subject: subject, Detail: "the access-log format lacks " + strings.Join(missing, ", ") + ": its lines cannot be matched to calls and refusals",
					Fix: "add " + strings.Join(missing, ", ") + " to the access-log format"})
			}
		}
	}
	if len(out) == 0 {
		out = append(out, okf("access logs carry the request id and the authorizer's error"))
	}
	return out
}

// Verdicts of Confirm.
const (
	VerdictConfirmed = "confirmed" // the rule fails or warns: this cause is in the configuration
	VerdictRuledOut  = "ruled-out" // the rule passes: the configuration does not cause it
	VerdictUnchecked = "unchecked" // the rule could not run (its configuration was not read)
)

// Confirmation is what the configuration says about one explained cause.
type Confirmation struct {
	Match   string  `json:"match"`
	Rule    string  `json:"rule"`
	Verdict string  `json:"verdict"`
	Finding Finding `json:"finding"`
}

// Confirm sets an explanation's causes beside a doctor report of the
// current target: for each matched entry, the findings of the rules that
// explain it, as confirmed, ruled out or unchecked. A finding is given
// once, for the first (best) cause it bears on.
func Confirm(x Explanation, rep Report) []Confirmation {
	var out []Confirmation
	seen := map[string]bool{}
	for _, m := range x.matches() {
		for _, r := range rules {
			if !slices.Contains(r.Explains, m.ID) {
				continue
			}
			for _, f := range rep.Checks {
				if f.Name != r.Name || seen[f.Name+"\x00"+f.Subject] {
					continue
				}
				seen[f.Name+"\x00"+f.Subject] = true
				v := VerdictRuledOut
				switch f.Status {
				case StatusFail, StatusWarn:
					v = VerdictConfirmed
				case StatusSkipped:
					v = VerdictUnchecked
				}
				out = append(out, Confirmation{Match: m.ID, Rule: r.Name, Verdict: v, Finding: f})
			}
		}
	}
	return out
}
