package inspect

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestJudgeHTTPJWTAuthorizer(t *testing.T) {
	t.Parallel()
	ti := newTestIssuer(t, CognitoIssuer("eu-west-1", "eu-west-1_ApiPool1"))
	ac, ic := ti.accessClaims(testNow), ti.idClaims(testNow)
	access, id := ti.access(ac), ti.id(ic)
	base := Authorizer{Type: HTTPJWTAuthorizer, Issuer: ti.iss, Audience: []string{testClient}}
	withScopes := base
	withScopes.Scopes = []string{"orders/read"}
	other := newTestIssuer(t, CognitoIssuer("us-west-2", "us-west-2_Elsewhere"))
	cases := []struct {
		name    string
		auth    Authorizer
		header  string // Authorization value; "" for none
		extra   http.Header
		now     time.Time
		allowed bool
		status  int
		body    string
		www     string // substring of www-authenticate
		mistake string // substring of a mistake
	}{
		{name: "access token, bearer", auth: base, header: "Bearer " + access, allowed: true},
		{name: "access token, bare", auth: base, header: access, allowed: true},
		{name: "ID token passes by aud", auth: base, header: "Bearer " + id, allowed: true, mistake: "usually want the access token"},
		{name: "no header", auth: base, status: 401, body: `{"message":"Unauthorized"}`, mistake: "send the token in the Authorization header"},
		{name: "wrong header", auth: base, extra: http.Header{"X-Access-Token": {access}}, status: 401, mistake: "X-Access-Token header"},
		{name: "expired", auth: base, header: "Bearer " + access, now: testNow.Add(3 * time.Hour), status: 401, www: `error_description="the token has expired"`, mistake: "expired token"},
		{name: "access token, audience lacks client", auth: Authorizer{Type: HTTPJWTAuthorizer, Issuer: ti.iss, Audience: []string{"otherclient"}}, header: "Bearer " + access,
			status: 401, www: `Bearer scope="" error="invalid_token" error_description="the token does not have a valid audience"`, mistake: "compares its client_id"},
		{name: "another region's pool", auth: base, header: "Bearer " + other.access(other.accessClaims(testNow)), status: 401, www: "invalid_token", mistake: "another region"},
		{name: "scope missing: ID token", auth: withScopes, header: "Bearer " + id, status: 403, body: `{"message":"Forbidden"}`, www: `scope="orders/read" error="insufficient_scope"`, mistake: "ID token sent where scopes are required"},
		{name: "scope missing: API-flow access token", auth: withScopes, header: "Bearer " + access, status: 403, mistake: "aws.cognito.signin.user.admin"},
		{name: "scope present", auth: withScopes, header: "Bearer " + ti.access(with(ac, "scope", "openid orders/read")), allowed: true},
		{name: "scp instead of scope", auth: withScopes, header: "Bearer " + ti.access(with(without(ac, "scope"), "scp", []string{"orders/read"})), allowed: true},
		{name: "refresh token sent", auth: base, header: "Bearer eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.a.b.c.d", status: 401, mistake: "refresh token"},
		{name: "forged HS256", auth: base, header: "Bearer " + signHS(publicPEM(ti.accKey), claims{"alg": "HS256", "kid": accessKid}, ac), status: 401, mistake: "key confusion"},
		{name: "aud counts over client_id", auth: Authorizer{Type: HTTPJWTAuthorizer, Issuer: ti.iss, Audience: []string{"urn:my:api"}},
			header: "Bearer " + ti.access(with(ac, "aud", "urn:my:api", "client_id", "web-app")), allowed: true},
		{name: "client_id ignored when aud is there", auth: Authorizer{Type: HTTPJWTAuthorizer, Issuer: ti.iss, Audience: []string{"web-app"}},
			header: "Bearer " + ti.access(with(ac, "aud", "urn:my:api", "client_id", "web-app")), status: 401, www: "valid audience", mistake: "only aud is evaluated"},
		{name: "aud as a list", auth: Authorizer{Type: HTTPJWTAuthorizer, Issuer: ti.iss, Audience: []string{"urn:my:api"}},
			header: "Bearer " + ti.access(with(ac, "aud", []string{"urn:other", "urn:my:api"})), allowed: true},
		{name: "mistyped aud is not passed over", auth: base,
			header: "Bearer " + ti.access(with(ac, "aud", 42)), status: 401, www: "valid audience", mistake: "wrong type"},
		{name: "a non-Cognito token without token_use", auth: Authorizer{Type: HTTPJWTAuthorizer, Issuer: ti.iss, Audience: []string{"urn:my:api"}},
			header: "Bearer " + ti.access(with(without(ac, "token_use", "client_id"), "aud", "urn:my:api")), allowed: true},
		{name: "line break inside", auth: base, header: "Bearer " + access[:50] + " " + access[50:], status: 401, mistake: "whitespace"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			for k, v := range tc.extra {
				h[k] = v
			}
			if tc.header != "" {
				h.Set("Authorization", tc.header)
			}
			now := tc.now
			if now.IsZero() {
				now = testNow
			}
			j, err := Judge(ctx(), tc.auth, h, ti.keySet, now)
			if err != nil {
				t.Fatal(err)
			}
			checkJudgement(t, j, tc.allowed, tc.status, tc.body, tc.www, tc.mistake)
		})
	}
}

func checkJudgement(t *testing.T, j *Judgement, allowed bool, status int, body, www, mistake string) {
	t.Helper()
	if j.Allowed != allowed {
		t.Fatalf("allowed %v (%s), want %v; mistakes %q", j.Allowed, j.Reason, allowed, j.Mistakes)
	}
	if !allowed {
		if j.Status != status {
			t.Fatalf("status %d, want %d (%s)", j.Status, status, j.Reason)
		}
		if j.Reason == "" {
			t.Fatal("no reason")
		}
	}
	if body != "" && j.Body != body {
		t.Fatalf("body %s, want %s", j.Body, body)
	}
	if www != "" && !strings.Contains(j.WWWAuthenticate, www) {
		t.Fatalf("www-authenticate %q lacks %q", j.WWWAuthenticate, www)
	}
	if mistake != "" && !strings.Contains(strings.Join(j.Mistakes, "|"), mistake) {
		t.Fatalf("mistakes %q lack %q", j.Mistakes, mistake)
	}
}

func TestJudgeRESTCognitoAuthorizer(t *testing.T) {
	t.Parallel()
	ti := newTestIssuer(t, CognitoIssuer("eu-west-1", "eu-west-1_ApiPool1"))
	ac, ic := ti.accessClaims(testNow), ti.idClaims(testNow)
	access, id := ti.access(ac), ti.id(ic)
	arn := "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_ApiPool1"
	noScopes := Authorizer{Type: RESTCognitoAuthorizer, ProviderARNs: []string{arn}}
	scoped := Authorizer{Type: RESTCognitoAuthorizer, ProviderARNs: []string{arn}, Scopes: []string{"aws.cognito.signin.user.admin"}}
	audRegex := Authorizer{Type: RESTCognitoAuthorizer, ProviderARNs: []string{arn}, IdentityValidationExpression: "^" + testClient + "$"}
	otherPool := Authorizer{Type: RESTCognitoAuthorizer, ProviderARNs: []string{"arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Different"}}
	cases := []struct {
		name     string
		auth     Authorizer
		header   string
		now      time.Time
		allowed  bool
		status   int
		body     string
		mistake  string
		rtype    string
		caveated bool
	}{
		{name: "ID token, no scopes", auth: noScopes, header: id, allowed: true},
		{name: "ID token with Bearer", auth: noScopes, header: "Bearer " + id, allowed: true, caveated: true},
		{name: "access token, no scopes", auth: noScopes, header: access, status: 401, body: `{"message":"Unauthorized"}`, rtype: "UNAUTHORIZED", mistake: "access token sent to a method without authorization scopes"},
		{name: "access token, scopes", auth: scoped, header: access, allowed: true},
		{name: "ID token where scopes are required", auth: scoped, header: id, status: 401, mistake: "ID token sent where scopes are required"},
		{name: "scope not granted", auth: Authorizer{Type: RESTCognitoAuthorizer, ProviderARNs: []string{arn}, Scopes: []string{"orders/read"}}, header: access, status: 401},
		{name: "expired", auth: noScopes, header: id, now: testNow.Add(2 * time.Hour), status: 401, body: `{"message":"The incoming token has expired"}`, mistake: "expired"},
		{name: "other pool", auth: otherPool, header: id, status: 401, mistake: "another user pool"},
		{name: "aud regex, ID token", auth: audRegex, header: id, allowed: true},
		{name: "aud regex, access token", auth: Authorizer{Type: RESTCognitoAuthorizer, ProviderARNs: []string{arn}, Scopes: []string{"aws.cognito.signin.user.admin"}, IdentityValidationExpression: ".+"}, header: access,
			status: 401, mistake: "access token sent to an audience check that looks at aud"},
		{name: "no header", auth: noScopes, status: 401, rtype: "UNAUTHORIZED"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			if tc.header != "" {
				h.Set("Authorization", tc.header)
			}
			now := tc.now
			if now.IsZero() {
				now = testNow
			}
			j, err := Judge(ctx(), tc.auth, h, ti.keySet, now)
			if err != nil {
				t.Fatal(err)
			}
			checkJudgement(t, j, tc.allowed, tc.status, tc.body, "", tc.mistake)
			if j.WWWAuthenticate != "" {
				t.Errorf("REST answers carry no www-authenticate: %q", j.WWWAuthenticate)
			}
			if tc.rtype != "" && j.ResponseType != tc.rtype {
				t.Errorf("response type %q, want %q", j.ResponseType, tc.rtype)
			}
			if tc.caveated != (len(j.Caveats) > 0) {
				t.Errorf("caveats %q", j.Caveats)
			}
		})
	}
}

func TestJudgeRejectsBadSettings(t *testing.T) {
	t.Parallel()
	ti := newTestIssuer(t, CognitoIssuer("eu-west-1", "eu-west-1_ApiPool1"))
	h := http.Header{"Authorization": {ti.id(ti.idClaims(testNow))}}
	for _, a := range []Authorizer{
		{Type: "lambda"},
		{Type: RESTCognitoAuthorizer},
		{Type: RESTCognitoAuthorizer, ProviderARNs: []string{"not-an-arn"}},
	} {
		if _, err := Judge(ctx(), a, h, ti.keySet, testNow); err == nil {
			t.Errorf("Judge accepted %+v", a)
		}
	}
	if iss, err := IssuerFromPoolARN("arn:aws:cognito-idp:ap-south-1:123456789012:userpool/ap-south-1_Xy"); err != nil || iss != CognitoIssuer("ap-south-1", "ap-south-1_Xy") {
		t.Fatalf("IssuerFromPoolARN: %q %v", iss, err)
	}
}

// TestJudgeReasonsNameEmptyLists: a token without scopes, or an authorizer
// without an audience, is said as such (not as the JWKS' "no keys").
func TestJudgeReasonsNameEmptyLists(t *testing.T) {
	t.Parallel()
	ti := newTestIssuer(t, CognitoIssuer("eu-west-1", "eu-west-1_ApiPool1"))
	id := "Bearer " + ti.id(ti.idClaims(testNow))
	for _, c := range []struct {
		auth Authorizer
		want string
	}{
		{Authorizer{Type: HTTPJWTAuthorizer, Issuer: ti.iss, Audience: []string{testClient}, Scopes: []string{"orders/read"}}, "scopes (it has none)"},
		{Authorizer{Type: HTTPJWTAuthorizer, Issuer: ti.iss}, "audience list (an empty list)"},
	} {
		j, err := Judge(ctx(), c.auth, http.Header{"Authorization": {id}}, ti.keySet, testNow)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(j.Reason, c.want) || strings.Contains(j.Reason, "no keys") {
			t.Errorf("reason %q, want %q", j.Reason, c.want)
		}
	}
}

// TestJudgeWithoutIssuer: an HTTP authorizer with no issuer trusts no
// keys, not those the token's own iss points at.
func TestJudgeWithoutIssuer(t *testing.T) {
	t.Parallel()
	ti := newTestIssuer(t, CognitoIssuer("eu-west-1", "eu-west-1_ApiPool1"))
	h := http.Header{}
	h.Set("Authorization", "Bearer "+ti.access(ti.accessClaims(testNow)))
	j, err := Judge(ctx(), Authorizer{Type: HTTPJWTAuthorizer, Audience: []string{testClient}}, h, unpinned{ti.keySet}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if j.Allowed || j.Status != 401 || j.Reason != "the authorizer has no issuer configured" {
		t.Fatalf("%+v", j)
	}
	if c := j.Report.Check(CheckIss); c.Status != StatusFail || !strings.Contains(c.Detail, "unconfirmed issuer") {
		t.Fatalf("iss %+v", c)
	}
}
