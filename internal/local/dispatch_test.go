package local

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// fakeService answers with its name, so a test sees who got the request,
// and reads the whole body, so the body cap is exercised.
func fakeService(name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			writeError(w, http.StatusBadRequest, "SerializationException", err.Error())
			return
		}
		w.Header().Set("X-Served-By", name)
		_, _ = io.WriteString(w, name)
	})
}

func testRouter() http.Handler {
	return newRouter([]service{
		{name: "idp", handler: fakeService("idp"), targets: []string{"AWSCognitoIdentityProviderService"},
			patterns: []string{"GET /{pool}/.well-known/jwks.json", "GET /{pool}/.well-known/openid-configuration"}},
		{name: "logs", handler: fakeService("logs"), targets: []string{"Logs_20140328"}},
	})
}

func TestRouterDispatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		method     string
		path       string
		target     string
		body       string
		wantStatus int
		wantBy     string // X-Served-By; "" means the router answered
		wantType   string // __type of the router's own error
	}{
		{name: "cognito target", method: "POST", path: "/", target: "AWSCognitoIdentityProviderService.InitiateAuth", body: "{}", wantStatus: 200, wantBy: "idp"},
		{name: "cognito unknown action still goes to cognito", method: "POST", path: "/", target: "AWSCognitoIdentityProviderService.Nope", body: "{}", wantStatus: 200, wantBy: "idp"},
		{name: "logs target", method: "POST", path: "/", target: "Logs_20140328.FilterLogEvents", body: "{}", wantStatus: 200, wantBy: "logs"},
		{name: "unknown prefix", method: "POST", path: "/", target: "DynamoDB_20120810.ListTables", body: "{}", wantStatus: 400, wantType: "UnknownOperationException"},
		{name: "prefix without dot", method: "POST", path: "/", target: "AWSCognitoIdentityProviderServiceX", body: "{}", wantStatus: 400, wantType: "UnknownOperationException"},
		{name: "missing target", method: "POST", path: "/", body: "{}", wantStatus: 400, wantType: "UnknownOperationException"},
		{name: "jwks", method: "GET", path: "/us-east-1_abc/.well-known/jwks.json", wantStatus: 200, wantBy: "idp"},
		{name: "discovery", method: "GET", path: "/us-east-1_abc/.well-known/openid-configuration", wantStatus: 200, wantBy: "idp"},
		{name: "head jwks", method: "HEAD", path: "/us-east-1_abc/.well-known/jwks.json", wantStatus: 200, wantBy: "idp"},
		{name: "unknown path", method: "GET", path: "/nothing/here", wantStatus: 404, wantType: "ResourceNotFoundException"},
		{name: "get root", method: "GET", path: "/", wantStatus: 404, wantType: "ResourceNotFoundException"},
		{name: "target on another path", method: "POST", path: "/x", target: "AWSCognitoIdentityProviderService.InitiateAuth", body: "{}", wantStatus: 400, wantType: "UnknownOperationException"},
		{name: "post to jwks", method: "POST", path: "/us-east-1_abc/.well-known/jwks.json", body: "{}", wantStatus: 404, wantType: "ResourceNotFoundException"},
	}
	h := testRouter()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
			if tt.target != "" {
				req.Header.Set("X-Amz-Target", tt.target)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tt.wantStatus, rec.Body)
			}
			if got := rec.Header().Get("X-Served-By"); got != tt.wantBy {
				t.Fatalf("served by %q, want %q", got, tt.wantBy)
			}
			if tt.wantType != "" {
				assertAWSError(t, rec, tt.wantType)
			}
		})
	}
}

func assertAWSError(t *testing.T, rec *httptest.ResponseRecorder, wantType string) {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); ct != "application/x-amz-json-1.1" {
		t.Errorf("Content-Type = %q", ct)
	}
	if rec.Header().Get("x-amzn-RequestId") == "" {
		t.Error("no x-amzn-RequestId")
	}
	var body struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("error body is not JSON: %v: %s", err, rec.Body)
	}
	if body.Type != wantType || body.Message == "" {
		t.Errorf("error = %+v, want __type %s and a message", body, wantType)
	}
	if got := rec.Header().Get("x-amzn-ErrorType"); got != wantType+":" {
		t.Errorf("x-amzn-ErrorType = %q, want %q", got, wantType+":")
	}
	if got := rec.Header().Get("x-amzn-ErrorMessage"); got != body.Message {
		t.Errorf("x-amzn-ErrorMessage = %q, want the body's message %q", got, body.Message)
	}
}

func TestRouterCapsBodies(t *testing.T) {
	t.Parallel()
	h := testRouter()
	big := strings.Repeat("a", maxBodyBytes+1)

	t.Run("declared length", func(t *testing.T) {
		t.Parallel()
		req := httptest.NewRequest("POST", "/", strings.NewReader(big))
		req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusRequestEntityTooLarge {
			t.Fatalf("status = %d, want 413", rec.Code)
		}
		assertAWSError(t, rec, "SerializationException")
	})
	t.Run("chunked", func(t *testing.T) {
		t.Parallel()
		req := httptest.NewRequest("POST", "/", io.MultiReader(strings.NewReader(big)))
		req.ContentLength = -1
		req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		// The service's read fails at the cap and it answers with its
		// own error; it never sees more than the cap.
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "too large") {
			t.Fatalf("status = %d body %s, want the service's 400 for a too-large body", rec.Code, rec.Body)
		}
	})
}

func TestRouterRejectsDuplicateTargets(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for a target prefix registered twice")
		}
	}()
	newRouter([]service{
		{name: "a", handler: fakeService("a"), targets: []string{"X"}},
		{name: "b", handler: fakeService("b"), targets: []string{"X"}},
	})
}
