package cognito

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// rawCall posts body to the service with the given target and content type
// and decodes the response.
func rawCall(t *testing.T, e *env, target, contentType, body string) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("response is not JSON: %q", b)
	}
	return resp.StatusCode, resp.Header, m
}

func TestProtocolBadInput(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	const ct = "application/x-amz-json-1.1"
	const tgt = "AWSCognitoIdentityProviderService."
	cases := []struct {
		name, target, ct, body string
		status                 int
		typ, msg               string
	}{
		{"malformed JSON", tgt + "InitiateAuth", ct, `{"AuthFlow":`, 400, "SerializationException", "Unable to parse the request body as a JSON object: invalid JSON at byte offset 12"},
		{"not an object", tgt + "InitiateAuth", ct, `[1,2]`, 400, "SerializationException", "Unable to parse the request body as a JSON object: the body is an array, not an object"},
		{"wrong member type", tgt + "InitiateAuth", ct, `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":7}`, 400, "SerializationException", "Unable to parse the request body: member ClientId must be a string, not a number"},
		{"fraction for an integer", tgt + "ListUserPools", ct, `{"MaxResults":1.5}`, 400, "SerializationException", "Unable to parse the request body: member MaxResults must be an integer, not a number"},
		{"object for a map of strings", tgt + "InitiateAuth", ct, `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"x","AuthParameters":{"USERNAME":{}}}`, 400, "SerializationException", "Unable to parse the request body: member AuthParameters must be a string, not an object"},
		{"unknown action", tgt + "StealAllUsers", ct, `{}`, 400, "UnknownOperationException", "Unknown operation AWSCognitoIdentityProviderService.StealAllUsers"},
		{"other service", "Logs_20140328.FilterLogEvents", ct, `{}`, 400, "UnknownOperationException", "Unknown operation Logs_20140328.FilterLogEvents"},
		{"missing target", "", ct, `{}`, 400, "UnknownOperationException", "Missing X-Amz-Target header"},
		{"wrong content type", tgt + "InitiateAuth", "text/plain", `{}`, 400, "UnknownOperationException", `Unsupported Content-Type "text/plain": use application/x-amz-json-1.1`},
		{"no content type", tgt + "InitiateAuth", "", `{}`, 400, "UnknownOperationException", `Unsupported Content-Type "": use application/x-amz-json-1.1`},
		{"missing members", tgt + "InitiateAuth", ct, `{}`, 400, "InvalidParameterException",
			"2 validation errors detected: Value null at 'authFlow' failed to satisfy constraint: Member must not be null; Value null at 'clientId' failed to satisfy constraint: Member must not be null"},
		{"null member", tgt + "DescribeUserPool", ct, `{"UserPoolId":null}`, 400, "InvalidParameterException",
			"1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null"},
		{"bad pool id", tgt + "DescribeUserPool", ct, `{"UserPoolId":"nounderscore"}`, 400, "InvalidParameterException",
			`1 validation error detected: Value 'nounderscore' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w-]+_[0-9a-zA-Z]+`},
		{"bad enum", tgt + "InitiateAuth", ct, `{"AuthFlow":"MAGIC","ClientId":"x"}`, 400, "InvalidParameterException",
			"1 validation error detected: Value 'MAGIC' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: [USER_SRP_AUTH, REFRESH_TOKEN_AUTH, REFRESH_TOKEN, CUSTOM_AUTH, ADMIN_NO_SRP_AUTH, USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, USER_AUTH]"},
		{"oversized body", tgt + "SignUp", ct, `{"ClientId":"` + strings.Repeat("a", maxBody) + `"}`, 413, "SerializationException", "Request body exceeds the limit of 1048576 bytes"},
		{"unknown pool", tgt + "DescribeUserPool", ct, `{"UserPoolId":"us-east-1_Nope12345"}`, 400, "ResourceNotFoundException", "User pool us-east-1_Nope12345 does not exist."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, h, body := rawCall(t, e, tc.target, tc.ct, tc.body)
			if status != tc.status || body["__type"] != tc.typ || (tc.msg != "" && body["message"] != tc.msg) {
				t.Errorf("got %d %v, want %d %s %q", status, body, tc.status, tc.typ, tc.msg)
			}
			if h.Get("x-amzn-RequestId") == "" || h.Get("Content-Type") != ct || h.Get("x-amzn-ErrorType") != tc.typ+":" {
				t.Errorf("headers %v", h)
			}
		})
	}
	// The server is still up and answers a good request.
	if _, err := e.passwordSignIn(DemoPublicClientID, DemoUsername, DemoPassword, nil); err != nil {
		t.Fatalf("after bad input: %v", err)
	}
}

func TestProtocolSuccessShape(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	status, h, body := rawCall(t, e, "AWSCognitoIdentityProviderService.DescribeUserPool", "application/x-amz-json-1.1",
		`{"UserPoolId":"`+DemoPoolID+`"}`)
	if status != 200 || h.Get("x-amzn-RequestId") == "" || h.Get("Content-Type") != "application/x-amz-json-1.1" {
		t.Fatalf("status %d headers %v", status, h)
	}
	pool := body["UserPool"].(map[string]any)
	// Timestamps are JSON numbers of epoch seconds.
	if _, ok := pool["CreationDate"].(float64); !ok {
		t.Errorf("CreationDate = %#v, want a number", pool["CreationDate"])
	}
	// The SDK's request id middleware sees the header.
	_, err := e.client.DescribeUserPool(e.ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String("us-east-1_Nope12345")})
	wantAPIError(t, err, "ResourceNotFoundException", "User pool us-east-1_Nope12345 does not exist.")
	if !strings.Contains(err.Error(), "RequestID: ") {
		t.Errorf("SDK error lacks the request id: %v", err)
	}
}

func TestWellKnownErrors(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/us-east-1_Nope12345/.well-known/jwks.json", 404},
		{"GET", "/us-east-1_Nope12345/.well-known/openid-configuration", 404},
		{"GET", "/" + DemoPoolID + "/.well-known/other", 404},
		{"GET", "/elsewhere", 404},
		{"POST", "/" + DemoPoolID + "/.well-known/jwks.json", 405},
		{"GET", "/", 405},
	} {
		req, _ := http.NewRequest(tc.method, e.srv.URL+tc.path, nil)
		resp, err := e.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		decodeErr := json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || decodeErr != nil {
			t.Errorf("%s %s: %d (%v), want %d with a JSON body", tc.method, tc.path, resp.StatusCode, decodeErr, tc.status)
		}
	}
}

func TestDateHeaderFollowsServiceClock(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	e.clock.Advance(10 * time.Minute)
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/", strings.NewReader(`{}`))
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.ListUserPools")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	got, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil {
		t.Fatalf("Date header %q: %v", resp.Header.Get("Date"), err)
	}
	if want := e.clock.Now().Truncate(time.Second); !got.Equal(want) {
		t.Errorf("Date = %v, want the service clock %v", got, want)
	}
}
