package doctor_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/cogscope/cogscope/internal/doctor"
)

// gatewayAnswer is one answer API Gateway gives, in the words of the
// protocol reference (§6) and the failure catalogue (§c): its status,
// the headers that come with it and its body.
type gatewayAnswer struct {
	name    string
	status  int
	headers []string // "name: value"
	body    string
	want    string // the entry of the whole answer
	// bodyWant is the entry of the answer without its headers, when
	// they said more than the body ("": want).
	bodyWant string
	// needsStatus: the body is not one of API Gateway's fixed bodies, so
	// a paste without the status shows no gateway answer.
	needsStatus bool
}

// gatewayAnswers are API Gateway's refusals, HTTP APIs' and REST APIs'.
// Each holds several texts that match entries of their own — the body,
// the www-authenticate header, the reason phrase of an HTTP/1.1 status
// line, x-amzn-ErrorType — so every pair of entries one pasted answer
// can match is tried.
var gatewayAnswers = []gatewayAnswer{
	// HTTP API, JWT authorizer (§6.1; catalogue rows 26, 28, 29, 30).
	{"HTTP JWT: no token", 401, []string{"apigw-requestid: Mc7UVioPPHcEKPA="}, `{"message":"Unauthorized"}`, "gateway.unauthorized", "", false},
	{"HTTP JWT: audience", 401, []string{"apigw-requestid: Mc7UVioPPHcEKPA=", `www-authenticate: Bearer scope="" error="invalid_token" error_description="the token does not have a valid audience"`}, `{"message":"Unauthorized"}`, "gateway.jwt.audience", "gateway.unauthorized", false},
	{"HTTP JWT: issuer", 401, []string{`www-authenticate: Bearer scope="" error="invalid_token" error_description="the token does not have a valid issuer"`}, `{"message":"Unauthorized"}`, "gateway.jwt.issuer", "gateway.unauthorized", false},
	{"HTTP JWT: expired", 401, []string{`www-authenticate: Bearer scope="" error="invalid_token" error_description="the token has expired"`}, `{"message":"Unauthorized"}`, "gateway.jwt.expired", "gateway.unauthorized", false},
	{"HTTP JWT: not yet valid", 401, []string{`www-authenticate: Bearer scope="" error="invalid_token" error_description="the token is not valid yet"`}, `{"message":"Unauthorized"}`, "gateway.jwt.expired", "gateway.unauthorized", false},
	{"HTTP JWT: signature", 401, []string{`www-authenticate: Bearer scope="" error="invalid_token" error_description="the token signature is invalid"`}, `{"message":"Unauthorized"}`, "gateway.jwt.signature", "gateway.unauthorized", false},
	{"HTTP JWT: a reason without an entry", 401, []string{"apigw-requestid: Mc7UVioPPHcEKPA=", `www-authenticate: Bearer scope="" error="invalid_token" error_description="the token could not be decoded"`}, `{"message":"Unauthorized"}`, "gateway.jwt.invalid_token", "gateway.unauthorized", false},
	{"HTTP JWT: scope", 403, []string{`www-authenticate: Bearer scope="orders/read" error="insufficient_scope"`}, `{"message":"Forbidden"}`, "gateway.forbidden.scope", "gateway.forbidden", false},
	{"HTTP JWT: scope, described", 403, []string{`www-authenticate: Bearer scope="orders/read orders/write" error="insufficient_scope" error_description="the token does not have the required scope"`}, `{"message":"Forbidden"}`, "gateway.forbidden.scope", "gateway.forbidden", false},
	{"HTTP: no route", 404, []string{"apigw-requestid: Mc7UVioPPHcEKPA="}, `{"message":"Not Found"}`, "gateway.not-found", "", false},
	// HTTP API, Lambda authorizer (§6.3).
	{"HTTP Lambda: denied", 403, []string{"apigw-requestid: Mc7UVioPPHcEKPA="}, `{"message":"Forbidden"}`, "gateway.forbidden", "", false},
	{"HTTP Lambda: Unauthorized", 401, []string{"apigw-requestid: Mc7UVioPPHcEKPA="}, `{"message":"Unauthorized"}`, "gateway.unauthorized", "", false},
	{"HTTP Lambda: failed", 500, []string{"apigw-requestid: Mc7UVioPPHcEKPA="}, `{"message":"Internal Server Error"}`, "gateway.authorizer-configuration", "", false},
	// REST API, COGNITO_USER_POOLS authorizer (§6.2; rows 26, 27, 31).
	{"REST Cognito: refused", 401, []string{"x-amzn-RequestId: 8db3b4dd-ecd5-436d-9eeb-a544e39d3e12", "x-amz-apigw-id: AyD6KEwwPHcEKxg=", "x-amzn-ErrorType: UnauthorizedException"}, `{"message":"Unauthorized"}`, "gateway.unauthorized", "", false},
	{"REST Cognito: expired", 401, []string{"x-amzn-RequestId: 8db3b4dd-ecd5-436d-9eeb-a544e39d3e12"}, `{"message":"The incoming token has expired"}`, "gateway.expired.rest", "", false},
	{"REST Cognito: failed", 500, []string{"x-amzn-ErrorType: AuthorizerConfigurationException"}, `{"message":null}`, "gateway.authorizer-configuration", "", false},
	{"REST: no resource", 403, []string{"x-amzn-RequestId: 8db3b4dd-ecd5-436d-9eeb-a544e39d3e12", "x-amzn-ErrorType: MissingAuthenticationTokenException"}, `{"message":"Missing Authentication Token"}`, "gateway.missing-authentication-token", "", false},
	// REST API, Lambda authorizer (§6.3; row 33).
	{"REST Lambda: explicit deny", 403, []string{"x-amzn-ErrorType: AccessDeniedException"}, `{"Message":"User is not authorized to access this resource with an explicit deny"}`, "gateway.lambda.explicit-deny", "", false},
	{"REST Lambda: explicit deny, identity-based policy", 403, []string{"x-amzn-ErrorType: AccessDeniedException"}, `{"Message":"User is not authorized to access this resource with an explicit deny in an identity-based policy"}`, "gateway.lambda.explicit-deny", "", false},
	{"REST Lambda: policy", 403, []string{"x-amzn-ErrorType: AccessDeniedException"}, `{"Message":"User is not authorized to access this resource"}`, "gateway.lambda.policy", "", false},
	{"REST Lambda: Unauthorized", 401, []string{"x-amzn-ErrorType: UnauthorizedException"}, `{"message":"Unauthorized"}`, "gateway.unauthorized", "", false},
	{"REST Lambda: failed", 500, []string{"x-amzn-ErrorType: AuthorizerConfigurationException"}, `{"message":null}`, "gateway.authorizer-configuration", "", false},
	// REST API, AWS_IAM (§6.2; rows 31, 32).
	{"REST IAM: unsigned", 403, []string{"x-amzn-ErrorType: MissingAuthenticationTokenException"}, `{"message":"Missing Authentication Token"}`, "gateway.missing-authentication-token", "", false},
	{"REST IAM: a bearer token", 403, []string{"x-amzn-ErrorType: IncompleteSignatureException"}, `{"message":"'eyJraWQiOiJrMSJ9.eyJzdWIiOiJ1In0.c2ln' not a valid key=value pair (missing equal-sign) in Authorization header: 'Bearer eyJraWQiOiJrMSJ9.eyJzdWIiOiJ1In0.c2ln'."}`, "gateway.iam", "", true},
}

// pastings are the ways an answer reaches explain: how much of it, in
// what form. noStatus marks a pasting without the status code.
var pastings = []struct {
	name              string
	noStatus, headers bool
	text              func(a gatewayAnswer) string
}{
	{"status and body", false, false, func(a gatewayAnswer) string { return itoa(a.status) + " " + a.body }},
	{"status, body and headers", false, true, func(a gatewayAnswer) string {
		return itoa(a.status) + " " + a.body + ", " + strings.Join(a.headers, ", ")
	}},
	{"body alone", true, false, func(a gatewayAnswer) string { return a.body }},
	{"body and headers", true, true, func(a gatewayAnswer) string { return a.body + "\n" + strings.Join(a.headers, "\n") }},
	{"pretty-printed body under its status", false, false, func(a gatewayAnswer) string {
		var b bytes.Buffer
		if err := json.Indent(&b, []byte(a.body), "", "    "); err != nil {
			panic(err)
		}
		return "Status: " + itoa(a.status) + " " + http.StatusText(a.status) + "\n" + b.String()
	}},
	{"curl -i over HTTP/2", false, true, func(a gatewayAnswer) string {
		return "HTTP/2 " + itoa(a.status) + " \ndate: Sun, 06 Dec 2026 18:59:33 GMT\ncontent-type: application/json\n" +
			"content-length: " + itoa(len(a.body)) + "\n" + strings.Join(a.headers, "\n") + "\n\n" + a.body
	}},
	{"curl -i over HTTP/1.1 (the reason phrase)", false, true, func(a gatewayAnswer) string {
		return "HTTP/1.1 " + itoa(a.status) + " " + http.StatusText(a.status) + "\r\nDate: Sun, 06 Dec 2026 18:59:33 GMT\r\n" +
			"Content-Type: application/json\r\nConnection: keep-alive\r\n" + strings.Join(a.headers, "\r\n") + "\r\n\r\n" + a.body
	}},
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestGatewayAnswerPickedOnce: every API Gateway answer, however it is
// pasted, gives one entry — the most specific its text shows — and no
// tie: the www-authenticate header's reason outranks the generic body
// it comes with, the body alone is the generic entry's.
func TestGatewayAnswerPickedOnce(t *testing.T) {
	t.Parallel()
	for _, a := range gatewayAnswers {
		for _, p := range pastings {
			if p.noStatus && a.needsStatus {
				continue
			}
			text, want := p.text(a), a.want
			if !p.headers && a.bodyWant != "" {
				want = a.bodyWant
			}
			t.Run(a.name+"/"+p.name, func(t *testing.T) {
				t.Parallel()
				x := doctor.Explain(text)
				if x.Ambiguous || x.Best == nil || x.Best.ID != want {
					t.Fatalf("Explain(%q) = %s, want %s alone", text, describe(x), want)
				}
				for _, c := range x.Candidates {
					if c.Score >= x.Best.Score {
						t.Errorf("runner-up %s scores %d, the best %d", c.ID, c.Score, x.Best.Score)
					}
				}
			})
		}
	}
}

// TestGenericEntryRanksBelowTheSpecific: when an answer's text matches
// both the generic entry and a more specific one, the generic one stays
// a runner-up and says why; alone, it is the answer.
func TestGenericEntryRanksBelowTheSpecific(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, text, best, generic string
	}{
		{"the 401 body under a JWT refusal", `401 {"message":"Unauthorized"}, www-authenticate: Bearer scope="" error="invalid_token" error_description="the token could not be decoded"`,
			"gateway.jwt.invalid_token", "gateway.unauthorized"},
		{"the invalid_token header under a named reason", `401 {"message":"Unauthorized"}, www-authenticate: Bearer scope="" error="invalid_token" error_description="the token does not have a valid audience"`,
			"gateway.jwt.audience", "gateway.jwt.invalid_token"},
		{"the 403 body under a scope refusal", `403 {"message":"Forbidden"}, www-authenticate: Bearer scope="orders/read" error="insufficient_scope"`,
			"gateway.forbidden.scope", "gateway.forbidden"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			x := doctor.Explain(tc.text)
			if x.Best == nil || x.Best.ID != tc.best {
				t.Fatalf("Explain(%q) = %s, want %s", tc.text, describe(x), tc.best)
			}
			i := slices.IndexFunc(x.Candidates, func(m doctor.Match) bool { return m.ID == tc.generic })
			if i < 0 {
				t.Fatalf("%s is no runner-up: %s", tc.generic, describe(x))
			}
			if g := x.Candidates[i]; g.Score >= x.Best.Score || !slices.ContainsFunc(g.Why, func(w string) bool { return strings.HasPrefix(w, "less specific than ") }) {
				t.Errorf("%s: score %d (best %d), why %q", g.ID, g.Score, x.Best.Score, g.Why)
			}
		})
	}
}

// TestAmbiguousPastesStayAmbiguous: ranking the generic below the
// specific settles nothing else — two refusals of their own pasted
// together, or an OAuth error without its endpoint, still list every
// entry that fits, and none of the generic ones.
func TestAmbiguousPastesStayAmbiguous(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"two JWT refusals", "HTTP/2 401\nwww-authenticate: Bearer scope=\"\" error=\"invalid_token\" error_description=\"the token does not have a valid audience\"\n\n{\"message\":\"Unauthorized\"}\n" +
			"HTTP/2 401\nwww-authenticate: Bearer scope=\"\" error=\"invalid_token\" error_description=\"the token does not have a valid issuer\"\n\n{\"message\":\"Unauthorized\"}",
			[]string{"gateway.jwt.audience", "gateway.jwt.issuer"}},
		{"invalid_request without its endpoint", "error=invalid_request",
			[]string{"oauth.authorize.invalid_request", "oauth.token.invalid_request", "oauth.revoke.invalid_request", "oauth.userinfo.invalid_request"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			x := doctor.Explain(tc.text)
			var ids []string
			for _, c := range x.Candidates {
				ids = append(ids, c.ID)
			}
			slices.Sort(ids)
			want := slices.Sorted(slices.Values(tc.want))
			if !x.Ambiguous || x.Best != nil || !slices.Equal(ids, want) {
				t.Errorf("Explain(%q) = %s, want ambiguous between %v", tc.text, describe(x), want)
			}
		})
	}
}

// The hosted UI's userInfo endpoint refuses a token with a 401 and a
// www-authenticate of its own (protocol reference §4.4): a paste that
// shows the endpoint, or the endpoint's challenge, is not API Gateway's.
func TestUserInfoRefusalIsNotTheGateway(t *testing.T) {
	t.Parallel()
	const challenge = `WWW-Authenticate: error="invalid_token", error_description="Access token is expired, disabled, or deleted, or the user has globally signed out."`
	for _, text := range []string{
		"GET /oauth2/userInfo HTTP/1.1\n\nHTTP/1.1 401 Unauthorized\n" + challenge,
		"> GET /oauth2/userInfo HTTP/2\n< HTTP/2 401\n< " + challenge,
		"HTTP/2 401\n" + challenge,
		"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n" + challenge,
	} {
		x := doctor.Explain(text)
		if x.Best == nil || x.Best.ID != "oauth.userinfo.invalid_token" {
			t.Errorf("Explain(%q) = %s, want oauth.userinfo.invalid_token", text, describe(x))
			continue
		}
		for _, c := range x.Candidates {
			if c.Source == doctor.SourceGateway {
				t.Errorf("Explain(%q): candidate %s, but the gateway did not answer", text, c.ID)
			}
		}
	}
}

func describe(x doctor.Explanation) string {
	var b strings.Builder
	if x.Best != nil {
		b.WriteString(x.Best.ID + "(" + itoa(x.Best.Score) + ")")
	} else {
		b.WriteString("no best")
	}
	if x.Ambiguous {
		b.WriteString(", ambiguous")
	}
	for _, c := range x.Candidates {
		b.WriteString(" | " + c.ID + "(" + itoa(c.Score) + ")")
	}
	return b.String()
}

// An HTTP/1.1 status line's reason phrase is the status in words, sent
// by any server: it is not API Gateway's body, so another service's
// answer in a curl -i dump is that service's — and the status line
// alone is still the gateway's generic answer.
func TestReasonPhraseIsNotTheGatewaysBody(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, text string
		want       []string // the best, or every candidate of an ambiguous answer
	}{
		{"the token endpoint's 401", "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json;charset=UTF-8\r\n\r\n{\"error\":\"invalid_client\"}",
			[]string{"oauth.revoke.invalid_client", "oauth.token.invalid_client"}},
		{"Cognito's 500", "HTTP/1.1 500 Internal Server Error\r\nx-amzn-ErrorType: InternalErrorException\r\n\r\n{\"__type\":\"InternalErrorException\",\"message\":\"Internal error\"}",
			[]string{"cognito.InternalErrorException"}},
		{"curl -v, the status line alone", "< HTTP/1.1 401 Unauthorized", []string{"gateway.unauthorized"}},
		{"the gateway's body under it", "HTTP/1.1 401 Unauthorized\r\n\r\n{\"message\":\"Unauthorized\"}", []string{"gateway.unauthorized"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			x := doctor.Explain(tc.text)
			var got []string
			if x.Best != nil {
				got = []string{x.Best.ID}
			} else {
				for _, c := range x.Candidates {
					got = append(got, c.ID)
				}
				slices.Sort(got)
			}
			if !slices.Equal(got, tc.want) || (len(tc.want) > 1) != x.Ambiguous {
				t.Errorf("Explain(%q) = %s, want %v", tc.text, describe(x), tc.want)
			}
		})
	}
}
