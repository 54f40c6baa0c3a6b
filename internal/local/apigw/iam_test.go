package apigw_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ci "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"

	"github.com/cogscope/cogscope/flows/idpool"
	"github.com/cogscope/cogscope/flows/rolemap"
	"github.com/cogscope/cogscope/internal/local/apigw"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/identity"
)

// poolCredentials trades a login (nil: a guest) for credentials of the
// demo identity pool through the SDK's cognitoidentity client.
func (f *fixture) poolCredentials(t *testing.T, idToken string) (aws.Credentials, string) {
	t.Helper()
	ctx := context.Background()
	c := f.env.IdentityClient()
	var logins map[string]string
	if idToken != "" {
		logins = map[string]string{rolemap.ProviderName(f.env.Demo.PoolID): idToken}
	}
	id, err := c.GetId(ctx, &ci.GetIdInput{IdentityPoolId: aws.String(f.env.Demo.IdentityPoolID), Logins: logins})
	if err != nil {
		t.Fatalf("GetId: %v", err)
	}
	out, err := c.GetCredentialsForIdentity(ctx, &ci.GetCredentialsForIdentityInput{IdentityId: id.IdentityId, Logins: logins})
	if err != nil {
		t.Fatalf("GetCredentialsForIdentity: %v", err)
	}
	cr := out.Credentials
	return aws.Credentials{AccessKeyID: *cr.AccessKeyId, SecretAccessKey: *cr.SecretKey, SessionToken: *cr.SessionToken}, *id.IdentityId
}

// signedCall sends a request to the demo HTTP API, signed with creds
// for execute-api at the stack's clock (unsigned when creds is zero).
func (f *fixture) signedCall(t *testing.T, method, path string, creds aws.Credentials, tamper func(*http.Request)) answer {
	t.Helper()
	req, err := http.NewRequest(method, f.env.API.HTTPURL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if creds.AccessKeyID != "" {
		if err := idpool.SignRequest(context.Background(), req, nil, creds, f.env.Region, f.clock.now()); err != nil {
			t.Fatal(err)
		}
	}
	if tamper != nil {
		tamper(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, string(b), resp.Header}
}

func TestIAMRouteAnswersAsAPIGateway(t *testing.T) {
	f := newFixture(t)
	// A user outside the admins group: the authenticated role.
	tk, err := f.env.Cognito.MintTokens(cognito.MintRequest{ClientID: cognito.DemoPublicClientID, Username: cognito.DemoMFAUsername, IDToken: true})
	if err != nil {
		t.Fatal(err)
	}
	user, userIdentity := f.poolCredentials(t, tk.IDToken)
	guest, _ := f.poolCredentials(t, "")
	resource := "arn:aws:execute-api:" + f.env.Region + ":" + apigw.DefaultAccountID + ":" + apigw.DemoHTTPAPIID + "/$default/GET/iam"
	guestArn := "arn:aws:sts::123456789012:assumed-role/cogscope-demo-guest/CognitoIdentityCredentials"
	wrongSecret := user
	wrongSecret.SecretAccessKey += "x"
	wrongService := func(r *http.Request) {
		r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/execute-api/", "/sts/", 1))
	}
	otherPath := func(r *http.Request) { r.URL.Path = strings.TrimSuffix(r.URL.Path, "/iam") + "/IAM" }
	mustJSON := func(v map[string]string) string { b, _ := json.Marshal(v); return string(b) }

	tests := []struct {
		name      string
		creds     aws.Credentials
		tamper    func(*http.Request)
		status    int
		body      string // "" : the echo
		errorType string
	}{
		{"unsigned", aws.Credentials{}, nil, 403, `{"message":"Missing Authentication Token"}`, "MissingAuthenticationTokenException"},
		{"wrong secret", wrongSecret, nil, 403, mustJSON(map[string]string{"message": identity.MsgSignatureMismatch}), "InvalidSignatureException"},
		{"signed for another service", user, wrongService, 403, mustJSON(map[string]string{"message": "Credential should be scoped to correct service: 'execute-api'."}), "InvalidSignatureException"},
		{"session token dropped", user, func(r *http.Request) { r.Header.Del("X-Amz-Security-Token") }, 403, mustJSON(map[string]string{"message": identity.MsgInvalidToken}), "UnrecognizedClientException"},
		{"guest role not allowed", guest, nil, 403, mustJSON(map[string]string{"Message": "User: " + guestArn + " is not authorized to perform: execute-api:Invoke on resource: " + resource}), "AccessDeniedException"},
		{"signed user", user, nil, 200, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := f.signedCall(t, "GET", "/iam", tt.creds, tt.tamper)
			if a.status != tt.status {
				t.Fatalf("status %d, want %d (%s)", a.status, tt.status, a.body)
			}
			if tt.body != "" && a.body != tt.body {
				t.Errorf("body %s\nwant %s", a.body, tt.body)
			}
			if got := a.header.Get("X-Amzn-Errortype"); got != tt.errorType {
				t.Errorf("x-amzn-ErrorType %q, want %q", got, tt.errorType)
			}
		})
	}
	// The signature covers the path: signed for /iam, sent to another.
	if a := f.signedCall(t, "GET", "/iam", user, otherPath); a.status == 200 {
		t.Errorf("a request whose path changed after signing got %d", a.status)
	}

	// The echo carries the caller as payload 2.0's authorizer.iam.
	a := f.signedCall(t, "GET", "/iam", user, nil)
	var ev struct {
		RequestContext struct {
			Authorizer struct {
				IAM map[string]any `json:"iam"`
			} `json:"authorizer"`
		} `json:"requestContext"`
	}
	if err := json.Unmarshal([]byte(a.body), &ev); err != nil {
		t.Fatalf("echo: %v\n%s", err, a.body)
	}
	iam := ev.RequestContext.Authorizer.IAM
	wantArn := "arn:aws:sts::123456789012:assumed-role/cogscope-demo-authenticated/CognitoIdentityCredentials"
	if iam["userArn"] != wantArn || iam["accessKey"] != user.AccessKeyID || iam["accountId"] != "123456789012" {
		t.Errorf("authorizer.iam = %v", iam)
	}
	if uid, _ := iam["userId"].(string); !strings.HasSuffix(uid, ":CognitoIdentityCredentials") || iam["callerId"] != uid {
		t.Errorf("userId %v callerId %v", iam["userId"], iam["callerId"])
	}
	ci, _ := iam["cognitoIdentity"].(map[string]any)
	if ci["identityId"] != userIdentity || ci["identityPoolId"] != f.env.Demo.IdentityPoolID {
		t.Errorf("cognitoIdentity = %v, want identity %s of %s", ci, userIdentity, f.env.Demo.IdentityPoolID)
	}

	// Credentials past their expiry: ExpiredToken's message.
	f.clock.shift(2 * time.Hour)
	a = f.signedCall(t, "GET", "/iam", user, nil)
	if want := mustJSON(map[string]string{"message": identity.MsgExpiredToken}); a.status != 403 || a.body != want {
		t.Errorf("expired credentials: %d %s, want 403 %s", a.status, a.body, want)
	}
}

// The admins role (the demo user is in group admins: the claim rule) is
// allowed too.
func TestIAMRouteAllowsAdminsRole(t *testing.T) {
	f := newFixture(t)
	creds, _ := f.poolCredentials(t, f.tokens["id"])
	a := f.signedCall(t, "GET", "/iam", creds, nil)
	if a.status != 200 {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	if !strings.Contains(a.body, `"userArn":"arn:aws:sts::123456789012:assumed-role/cogscope-demo-admins/CognitoIdentityCredentials"`) {
		t.Errorf("echo names not the admins role: %s", a.body)
	}
}

func TestIAMRouteInDescribeAndSeed(t *testing.T) {
	f := newFixture(t)
	var found bool
	for _, api := range f.env.Gateway.Describe() {
		for _, r := range api.Routes {
			if api.ID == apigw.DemoHTTPAPIID && r.Path == "/iam" {
				found = r.Authorizer == "iam" && r.Method == "GET"
			}
		}
	}
	if !found {
		t.Error(`Describe: no GET /iam route with authorizer "iam"`)
	}
	bad := []apigw.HTTPRouteSeed{
		{RouteKey: "GET /x", IAMRoles: []string{identity.DemoAuthRole}},
		{RouteKey: "GET /x", AuthorizationType: "AWS_IAM", Scopes: []string{"a/b"}},
		{RouteKey: "GET /x", AuthorizationType: "COGNITO"},
	}
	for _, rs := range bad {
		err := f.env.Gateway.ApplySeed(apigw.Seed{HTTPAPIs: []apigw.HTTPAPISeed{{Name: "bad", Routes: []apigw.HTTPRouteSeed{rs}}}})
		if err == nil {
			t.Errorf("seed route %+v: no error", rs)
		}
	}
}

// A seeded AWS_IAM route without iamRoles lets any signed caller in, and
// the body is part of the signature: changed after signing, it fails.
func TestIAMRouteSeededSignsTheBody(t *testing.T) {
	f := newFixture(t)
	if err := f.env.Gateway.ApplySeed(apigw.Seed{HTTPAPIs: []apigw.HTTPAPISeed{{ID: "iamapi0001", Name: "iam",
		Routes: []apigw.HTTPRouteSeed{{RouteKey: "POST /reports", AuthorizationType: "AWS_IAM"}}}}}); err != nil {
		t.Fatal(err)
	}
	guest, _ := f.poolCredentials(t, "")
	send := func(signed, sent string) answer {
		t.Helper()
		req, err := http.NewRequest("POST", apigw.InvokeURL(f.env.Endpoint, "iamapi0001", "")+"/reports", strings.NewReader(sent))
		if err != nil {
			t.Fatal(err)
		}
		if err := idpool.SignRequest(context.Background(), req, []byte(signed), guest, f.env.Region, f.clock.now()); err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return answer{resp.StatusCode, string(b), resp.Header}
	}
	if a := send(`{"n":1}`, `{"n":1}`); a.status != 200 || !strings.Contains(a.body, "cogscope-demo-guest") {
		t.Errorf("signed body: %d %s", a.status, a.body)
	}
	if a := send(`{"n":1}`, `{"n":2}`); a.status != 403 || !strings.Contains(a.body, identity.MsgSignatureMismatch) {
		t.Errorf("body changed after signing: %d %s", a.status, a.body)
	}
}
