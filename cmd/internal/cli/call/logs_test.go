package call

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestCallLogs: --logs prints the lines the call left in the stack's
// CloudWatch Logs, found by its API Gateway request id — the Lambda
// authorizer's invocation for /admin, the access-log line with the
// authorizer's error for a refused /private.
func TestCallLogs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	demo := e.signIn(t, "demo", "Passw0rd!")

	t.Run("admin: the authorizer's invocation", func(t *testing.T) {
		code, out, errOut := e.call(t, demo.AccessToken, "/admin", "--bearer-stdin", "--logs", "--logs-wait", "5s")
		if code != 0 {
			t.Fatalf("exit %d\nstderr: %s\nstdout: %s", code, errOut, out)
		}
		logs := out[strings.Index(out, "Log lines of request"):]
		for _, want := range []string{"START", "ALLOW", "REPORT"} {
			if !strings.Contains(logs, want) {
				t.Errorf("the call's lines lack %q:\n%s", want, logs)
			}
		}
	})

	t.Run("private without a token: the authorizer's error, as JSON", func(t *testing.T) {
		code, out, errOut := e.call(t, "", "/private", "--token", "none", "--logs", "--json")
		if code != 1 {
			t.Fatalf("exit %d, want 1\nstderr: %s\nstdout: %s", code, errOut, out)
		}
		var doc struct {
			Response struct {
				Status    int    `json:"status"`
				RequestID string `json:"requestId"`
			} `json:"response"`
			Logs struct {
				APIRequestID    string `json:"apiRequestId"`
				AuthorizerError string `json:"authorizerError"`
				Access          *struct {
					Message   string `json:"message"`
					RequestID string `json:"requestId"`
				} `json:"access"`
				Error string `json:"error"`
			} `json:"logs"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, out)
		}
		if doc.Response.Status != 401 || doc.Logs.Error != "" {
			t.Fatalf("status %d, logs error %q", doc.Response.Status, doc.Logs.Error)
		}
		if doc.Logs.APIRequestID != doc.Response.RequestID || doc.Logs.Access == nil || doc.Logs.Access.RequestID != doc.Response.RequestID {
			t.Fatalf("the access line is not the call's (request id %s): %+v", doc.Response.RequestID, doc.Logs)
		}
		if doc.Logs.AuthorizerError == "" {
			t.Errorf("no authorizer error on a 401's access line: %s", doc.Logs.Access.Message)
		}
	})

	t.Run("logs-wait without logs", func(t *testing.T) {
		if code, _, errOut := e.call(t, "", "/hello", "--token", "none", "--logs-wait", "2s"); code != 2 || !strings.Contains(errOut, "--logs-wait needs --logs") {
			t.Fatalf("exit %d, stderr %s", code, errOut)
		}
	})
}
