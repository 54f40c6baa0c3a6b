package flows

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/smithy-go"
)

// One row per catalogue entry of the sources this package diagnoses: an
// error that must be explained by exactly that entry, and words its cause
// and fix must hold (facts filled in, references phrased as flags).
func TestCatalogueEntries(t *testing.T) {
	t.Parallel()
	api := func(code, msg string, mod ...func(*CallError)) error {
		return callErr(KindUserPassword, "", &smithy.GenericAPIError{Code: code, Message: msg}, mod...)
	}
	srpFlow := func(ce *CallError) { ce.Flow = KindUserSRP }
	refresh := func(ce *CallError) { ce.Flow = KindRefreshTokenAuth }
	skew := 5 * time.Minute
	dial := &url.Error{Op: "Post", URL: "http://127.0.0.1:1/", Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}}
	// What Go's transport returns when HTTPS_PROXY (an https URL) or
	// HTTP_PROXY (plain http) names a dead proxy (internal/proxyerr's
	// tests take these shapes from a real transport); without the URL,
	// which variable sent it is unknown.
	proxyDial := &net.OpError{Op: "proxyconnect", Net: "tcp",
		Err: &net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9}, Err: errors.New("connect: connection refused")}}
	deadProxy := &url.Error{Op: "Post", URL: "https://cognito-idp.us-east-1.amazonaws.com/", Err: proxyDial}
	deadHTTPProxy := &url.Error{Op: "Post", URL: "http://cognito.internal.example:9229/", Err: proxyDial}
	rows := []struct {
		id    string
		err   error
		cause string // substrings of the cause
		fix   string // and of the fix
	}{
		{"cognito.NotAuthorizedException.secret-missing-gettokens", api("NotAuthorizedException", "Client x is configured for secret but secret was not received", func(ce *CallError) { ce.Operation = "GetTokensFromRefreshToken" }),
			"takes the secret itself", "--client-secret-stdin"},
		{"cognito.NotAuthorizedException.secret-missing", api("NotAuthorizedException", "Client x is configured for secret but secret was not received"), "no SECRET_HASH was sent", "--client-secret-stdin"},
		{"cognito.NotAuthorizedException.secret-hash-none-sent", api("NotAuthorizedException", "Unable to verify secret hash for client x"), "yet none was sent", "compute SECRET_HASH"},
		{"cognito.NotAuthorizedException.secret-hash-refresh", api("NotAuthorizedException", "SecretHash does not match for the client", refresh, func(ce *CallError) {
			ce.SecretSent, ce.SecretHash = true, &SecretHashInfo{Username: "alice@example.com", Source: HashFromTyped}
		}), `computed from "alice@example.com" (USERNAME as given). For REFRESH_TOKEN_AUTH`, "--username with the internal username"},
		{"cognito.NotAuthorizedException.secret-hash", api("NotAuthorizedException", "Unable to verify secret hash", func(ce *CallError) { ce.SecretSent = true }),
			"does not match this app client.", "copy it again"},
		{"cognito.NotAuthorizedException.incorrect-password-srp", api("NotAuthorizedException", "Incorrect username or password.", srpFlow, func(ce *CallError) { ce.Timestamp, ce.ClockSkew = "Thu Nov 5 09:05:00 UTC 2026", &skew }),
			`clock far off. The TIMESTAMP sent was "Thu Nov 5 09:05:00 UTC 2026" (English, UTC, day not zero-padded — the format is right). This machine's clock is 5m0s off`, "try --flow password (USER_PASSWORD_AUTH"},
		{"cognito.NotAuthorizedException.incorrect-password", api("NotAuthorizedException", "Incorrect username or password."), "(PreventUserExistenceErrors).", "in this pool"},
		{"cognito.NotAuthorizedException.locked-out", api("NotAuthorizedException", "Password attempts exceeded"), "locked the user out", "doubling"},
		{"cognito.NotAuthorizedException.session-expired", api("NotAuthorizedException", "Invalid session for the user, session is expired."), "expired before", "raise AuthSessionValidity"},
		{"cognito.NotAuthorizedException.session-invalid", api("NotAuthorizedException", "Invalid session for the user."), "already used", "Session from the previous"},
		{"cognito.NotAuthorizedException.refresh-revoked", api("NotAuthorizedException", "Refresh Token has been revoked"), "GlobalSignOut or RevokeToken, perhaps", "new refresh token"},
		{"cognito.NotAuthorizedException.refresh-expired", api("NotAuthorizedException", "Refresh Token has expired"), "refresh-token validity", "raise RefreshTokenValidity"},
		{"cognito.NotAuthorizedException.refresh-invalid-no-device", api("NotAuthorizedException", "Invalid Refresh Token", refresh), "no DEVICE_KEY was sent.", "latest sign-in"},
		{"cognito.NotAuthorizedException.refresh-invalid", api("NotAuthorizedException", "Invalid Refresh Token", refresh, func(ce *CallError) { ce.DeviceKey = "us-east-1_dev" }),
			"or device us-east-1_dev is not the one", "remembered device"},
		{"cognito.NotAuthorizedException.access-revoked", api("NotAuthorizedException", "Access Token has been revoked"), "access token was revoked", "Sign in again."},
		{"cognito.NotAuthorizedException.access-expired", api("NotAuthorizedException", "Invalid Access Token"), "not a token of this pool", "Refresh or sign in"},
		{"cognito.NotAuthorizedException.scope", api("NotAuthorizedException", "Access Token does not have required scopes"), "aws.cognito.signin.user.admin", "API sign-in"},
		{"cognito.NotAuthorizedException.user-disabled", api("NotAuthorizedException", "User is disabled."), "AdminDisableUser", "AdminEnableUser"},
		{"cognito.InvalidParameterException.timestamp", api("InvalidParameterException", "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.", func(ce *CallError) { ce.Timestamp = "Thu Nov 05" }),
			`TIMESTAMP "Thu Nov 05"`, "client bug"},
		{"cognito.flow-disabled.refresh", api("InvalidParameterException", "Refresh Token flow not enabled for this client", refresh), "REFRESH_TOKEN_AUTH is not enabled", "Use --flow refresh with AWS credentials"},
		{"cognito.flow-disabled", api("NotAuthorizedException", "CUSTOM_AUTH flow not enabled", func(ce *CallError) { ce.Flow = KindCustomSRP }), "CUSTOM_AUTH is not enabled", "Enable ALLOW_CUSTOM_AUTH"},
		{"cognito.NotAuthorizedException", api("NotAuthorizedException", "something else"), "not authorised", "check the user"},
		{"cognito.InvalidParameterException.missing-parameter", api("InvalidParameterException", "Missing required parameter SRP_A"), "not sent (SRP_A).", "sends SRP_A"},
		{"cognito.InvalidParameterException.validation", api("InvalidParameterException", "1 validation error detected"), "constraints", "AWS names"},
		{"cognito.InvalidParameterException", api("InvalidParameterException", "odd"), "rejected a parameter", "AWS's message"},
		{"cognito.UserNotFoundException", api("UserNotFoundException", "User does not exist."), "no such user", "verified alias"},
		{"cognito.UserNotConfirmedException", api("UserNotConfirmedException", "User is not confirmed."), "never confirmed", "ConfirmSignUp"},
		{"cognito.PasswordResetRequiredException", api("PasswordResetRequiredException", "Password reset required"), "choose a new one", "ForgotPassword"},
		{"cognito.LimitExceededException", api("LimitExceededException", "Attempt limit exceeded"), "backing off", "few minutes"},
		{"cognito.TooManyRequestsException", api("TooManyRequestsException", "Rate exceeded"), "throttled", "does not retry"},
		{"cognito.CodeMismatchException.totp", api("CodeMismatchException", "Invalid code", func(ce *CallError) { ce.Operation = "VerifySoftwareToken" }), "clock drifts", "current code"},
		{"cognito.CodeMismatchException", api("CodeMismatchException", "Invalid code", func(ce *CallError) { ce.Challenge = "SMS_MFA" }), "does not match.", "current code"},
		{"cognito.ExpiredCodeException", api("ExpiredCodeException", "Invalid code provided"), "already used", "new code"},
		{"cognito.EnableSoftwareTokenMFAException", api("EnableSoftwareTokenMFAException", "Code mismatch"), "first code", "account just added"},
		{"cognito.SoftwareTokenMFANotFoundException", api("SoftwareTokenMFANotFoundException", "no"), "no verified authenticator", "SetUserMFAPreference"},
		{"cognito.MFAMethodNotFoundException", api("MFAMethodNotFoundException", "no"), "no MFA method", "authenticator app"},
		{"cognito.InvalidPasswordException", api("InvalidPasswordException", "Password not long enough"), "policy (Password not long enough).", "satisfies"},
		{"cognito.ResourceNotFoundException.device", api("ResourceNotFoundException", "Device does not exist."), "remembered device", "session store"},
		{"cognito.ResourceNotFoundException.client", api("ResourceNotFoundException", "User pool client x does not exist."), "No app client", "before the underscore"},
		{"cognito.ResourceNotFoundException", api("ResourceNotFoundException", "User pool x does not exist."), "pool or app client", "user pool ID"},
		{"cognito.RefreshTokenReuseException", api("RefreshTokenReuseException", "reused"), "grace period", "newest"},
		{"cognito.InvalidUserPoolConfigurationException", api("InvalidUserPoolConfigurationException", "no"), "not configured", "messaging"},
		{"cognito.lambda", api("InvalidLambdaResponseException", "bad"), "Lambda trigger", "/aws/lambda/"},
		{"cognito.credentials", api("ExpiredTokenException", "expired", func(ce *CallError) { ce.Operation = "AdminInitiateAuth" }), "invalid for AdminInitiateAuth.", "cognito-idp:AdminInitiateAuth"},
		{"cognito.ForbiddenException", api("ForbiddenException", "Request not allowed due to WAF block."), "AWS WAF", "web ACL"},
		{"cognito.UnknownOperationException", api("UnknownOperationException", "", func(ce *CallError) { ce.Operation = "" }), "does not serve this operation:", "Give --endpoint as the root URL"},
		{"cognito.InternalErrorException", api("InternalErrorException", "oops"), "failed internally", "Health Dashboard"},
		{"cognito.other", api("WeirdException", "odd"), "Cognito refused the request.", "AWS's message"},
		{"local.unanswerable.webauthn", &UnanswerableError{Challenge: "WEB_AUTHN", Reason: "passkeys need a browser"}, "asked for WEB_AUTHN, which could not be answered here: passkeys need a browser", "hosted UI"},
		{"local.unanswerable", &UnanswerableError{Challenge: "SMS_MFA", Reason: "no terminal"}, "SMS_MFA", "in a terminal"},
		{"local.invalid-input", fmt.Errorf("%w: no client id", ErrInvalidOptions), "nothing was sent", "input named"},
		{"local.cancelled", context.Canceled, "was cancelled", ""},
		{"local.deadline", context.DeadlineExceeded, "ran out of time", "network path"},
		{"local.not-cognito", &smithy.DeserializationError{Err: errors.New("failed to decode response body, invalid character '<' looking for beginning of value")}, "not in Cognito's JSON protocol (an HTML page).", "Check --endpoint:"},
		{"local.bad-response.srp", fmt.Errorf("%w: PASSWORD_VERIFIER from Cognito has a bad SRP_B: zero", ErrBadResponse), "SRP values were unsafe", "check --endpoint"},
		{"local.bad-response", fmt.Errorf("%w: neither tokens nor a challenge", ErrBadResponse), "never does: neither tokens nor a challenge.", "check --endpoint"},
		{"local.unreachable.proxy-http", callErr(KindUserSRP, "", deadHTTPProxy), "The HTTP proxy at 127.0.0.1:9 could not be reached (Post \"http://cognito.internal.example:9229/\": proxyconnect tcp: dial tcp 127.0.0.1:9: connect: connection refused): HTTP_PROXY sends plain-http requests to cognito.internal.example through it",
			"Check the proxy that HTTP_PROXY names: start it, or correct or unset the variable; or add cognito.internal.example to NO_PROXY"},
		{"local.unreachable.proxy-https", callErr(KindUserSRP, "", deadProxy), "The HTTP proxy at 127.0.0.1:9 could not be reached", "Check the proxy that HTTPS_PROXY names: start it, or correct or unset the variable; or add cognito-idp.us-east-1.amazonaws.com to NO_PROXY"},
		{"local.unreachable.proxy", callErr(KindUserSRP, "", proxyDial), "The HTTP proxy at 127.0.0.1:9 could not be reached", "HTTPS_PROXY or HTTP_PROXY"},
		{"local.unreachable", callErr(KindUserSRP, "", dial), "could not be reached (Post", "Check --endpoint and the region"},
		{"local.no-credentials", errors.New("failed to retrieve credentials"), "needs AWS credentials", "AWS_PROFILE"},
		{"local.other", errors.New("entropy source failed"), "before Cognito answered: entropy source failed.", ""},
	}
	covered := map[string]bool{}
	unfilled := regexp.MustCompile(`\{[a-z0-9_]+\}|\{(flow|scope|input|omit|setting):`)
	for _, r := range rows {
		covered[r.id] = true
		t.Run(r.id, func(t *testing.T) {
			t.Parallel()
			e, ok := EntryByID(r.id)
			if !ok {
				t.Fatalf("no entry %s", r.id)
			}
			d := Diagnose(r.err)
			if d.ID != r.id {
				t.Fatalf("explained by %q, want %q (%s)", d.ID, r.id, d)
			}
			if d.Ref != e.Ref {
				t.Errorf("ref = %q, want the entry's %q", d.Ref, e.Ref)
			}
			if !strings.Contains(d.Cause, r.cause) || !strings.Contains(d.Fix, r.fix) || (r.fix == "") != (d.Fix == "") {
				t.Errorf("cause %q\nfix %q\nwant %q and %q", d.Cause, d.Fix, r.cause, r.fix)
			}
			if unfilled.MatchString(d.Cause + d.Fix) {
				t.Errorf("a placeholder is left: %q / %q", d.Cause, d.Fix)
			}
		})
	}
	for _, e := range Catalogue() {
		if (e.Source == SourceCognito || e.Source == SourceLocal) && !covered[e.ID] {
			t.Errorf("entry %s has no row in this test", e.ID)
		}
	}
}

// The table is well formed: unique IDs, a cause for each entry, a
// fallback last for each source, and only known references.
func TestCatalogueShape(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	last := map[string]Entry{}
	ref := regexp.MustCompile(`\{([a-z]+):[^{}]*\}`)
	for _, e := range Catalogue() {
		if seen[e.ID] {
			t.Errorf("duplicate id %s", e.ID)
		}
		seen[e.ID] = true
		if e.Cause == "" || !strings.HasPrefix(e.ID, e.Source+".") {
			t.Errorf("%s: cause %q, source %q", e.ID, e.Cause, e.Source)
		}
		for _, m := range ref.FindAllStringSubmatch(e.Cause+e.Fix, -1) {
			switch m[1] {
			case "flow", "scope", "input", "omit", "setting":
			case "env":
				// Only the proxy settings: an edge shows them with their value.
				if m[0] != "{env:HTTP_PROXY}" && m[0] != "{env:HTTPS_PROXY}" {
					t.Errorf("%s: %s is not a proxy variable", e.ID, m[0])
				}
			default:
				t.Errorf("%s: unknown reference %s", e.ID, m[0])
			}
		}
		last[e.Source] = e
	}
	for src, e := range last {
		if e.Code != "" {
			t.Errorf("source %s ends with %s, not a fallback for any code", src, e.ID)
		}
	}
	if _, ok := Lookup(Facts{Source: "nowhere", Code: "X"}); ok {
		t.Error("an unknown source matched an entry")
	}
}

type testWords struct{}

func (testWords) Flow(n string) string    { return "FLOW(" + n + ")" }
func (testWords) Scope(s string) string   { return "SCOPE(" + s + ")" }
func (testWords) Input(n string) string   { return "INPUT(" + n + ")" }
func (testWords) Omit(n string) string    { return "OMIT(" + n + ")" }
func (testWords) Setting(n string) string { return "SETTING(" + n + ")" }

type envWords struct{ testWords }

func (envWords) Env(n string) string { return "ENV(" + n + ")" }

func TestPhrase(t *testing.T) {
	t.Parallel()
	d := Diagnose(callErr(KindUserSRP, "PASSWORD_VERIFIER", &smithy.GenericAPIError{Code: "NotAuthorizedException", Message: "Incorrect username or password."}))
	p := d.Phrase(testWords{})
	if !strings.Contains(p.Fix, "try FLOW(password) (USER_PASSWORD_AUTH") || p.Cause != d.Cause || p.Type != d.Type || p.ID != d.ID {
		t.Errorf("phrased = %+v", p)
	}
	if refs := d.Template.Refs(); len(refs) != 2 || refs[0] != (Ref{Kind: "input", Name: "user-pool-id"}) || refs[1] != (Ref{Kind: "flow", Name: "password"}) {
		t.Errorf("refs = %v", refs)
	}
	tx := Text{Cause: "a {input:issuer}", Fix: "{flow:pkce} {scope:openid email}, {omit:scope}, {setting:ALLOW_USER_AUTH}"}
	want := Text{Cause: "a --issuer", Fix: `--flow pkce --scope "openid email", leave --scope out, ALLOW_USER_AUTH`}
	if got := tx.Phrase(FlagWords); got != want {
		t.Errorf("FlagWords: %+v, want %+v", got, want)
	}
	if got := tx.Phrase(testWords{}).Fix; got != "FLOW(pkce) SCOPE(openid email), OMIT(scope), SETTING(ALLOW_USER_AUTH)" {
		t.Errorf("testWords: %q", got)
	}
	// An environment variable: named bare by Words without Env, shown
	// by EnvWords as they choose.
	env := Text{Cause: "{env:HTTPS_PROXY} is set", Fix: "unset {env:HTTPS_PROXY}"}
	if got := env.Phrase(FlagWords); got != (Text{Cause: "HTTPS_PROXY is set", Fix: "unset HTTPS_PROXY"}) {
		t.Errorf("FlagWords env: %+v", got)
	}
	if got := env.Phrase(envWords{testWords{}}); got.Fix != "unset ENV(HTTPS_PROXY)" {
		t.Errorf("EnvWords env: %+v", got)
	}
	// A diagnosis not made from the table keeps its words.
	plain := Diagnosis{Cause: "c --flow x", Fix: "f"}
	if plain.Phrase(testWords{}) != plain {
		t.Error("Phrase changed a diagnosis without an entry")
	}
	if got := (Context{Message: "a|b", Operation: "Token", Condition: "srp"}).String(); got != "message contains a or b, operation Token, when srp" {
		t.Errorf("Context.String = %q", got)
	}
}
