package logtail_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/aws/smithy-go"
	"github.com/cogscope/cogscope/internal/local/localtest"
	"github.com/cogscope/cogscope/internal/logtail"
)

const (
	authGroup   = "/aws/lambda/cogscope-authorizer"
	accessGroup = "/aws/apigateway/access"
	authStream  = "2026/12/06/[$LATEST]e6f4a0c4241adcd70c262d34c0bbc85c"
)

// lambdaLines writes one authorizer invocation as Lambda does.
func lambdaLines(env *localtest.Env, t0 time.Time, lambdaID, decision string) {
	env.Logs.Write(authGroup, authStream, t0, "START RequestId: "+lambdaID+" Version: $LATEST\n")
	env.Logs.Write(authGroup, authStream, t0.Add(time.Millisecond), decision)
	env.Logs.Write(authGroup, authStream, t0.Add(2*time.Millisecond), "END RequestId: "+lambdaID+"\n")
	env.Logs.Write(authGroup, authStream, t0.Add(2*time.Millisecond), "REPORT RequestId: "+lambdaID+"\tDuration: 2.35 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 67 MB\t\n")
}

func TestFindCallLogsREST(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	t0 := time.Now().Add(-time.Second)
	const apiID, lambdaID = "8db3b4dd-ecd5-436d-9eeb-a544e39d3e12", "11111111-2222-3333-4444-555555555555"
	lambdaLines(env, t0.Add(-time.Second), "99999999-2222-3333-4444-555555555555", `{"principalId":"other","policyDocument":{"Statement":[{"Effect":"Allow"}]}}`)
	lambdaLines(env, t0, lambdaID, "2026-12-06T10:00:00.000Z\t"+lambdaID+"\tINFO\t"+`{"principalId":"user-1","policyDocument":{"Statement":[{"Effect":"Deny","Resource":"arn:x"}]}}`)
	env.Logs.Write(accessGroup, "stage", t0.Add(5*time.Millisecond), `{"requestId":"`+apiID+`","status":"403","authorizer":{"requestId":"`+lambdaID+`","error":"-"}}`)
	env.Logs.Write(accessGroup, "stage", t0.Add(6*time.Millisecond), `{"requestId":"other","status":"200","authorizer":{"requestId":"x","error":"-"}}`)

	got, err := logtail.FindCallLogs(context.Background(), env.LogsClient(), logtail.CallQuery{APIRequestID: apiID,
		AccessLogGroups: []string{accessGroup}, AuthorizerGroups: []string{authGroup}, Since: t0.Add(-time.Minute), Wait: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if !got.Complete() || got.Access == nil || got.AccessFields["status"] != "403" || got.AuthorizerRequestID != lambdaID || got.AuthorizerError != "" {
		t.Fatalf("got %+v", got)
	}
	inv := got.Authorizer
	if inv == nil || inv.RequestID != lambdaID || len(inv.Lines) != 4 || !inv.Complete() || inv.Report.MemorySizeMB != 128 ||
		inv.Decision == nil || inv.Decision.Effect != "Deny" || inv.Decision.PrincipalID != "user-1" {
		t.Fatalf("authorizer = %+v", inv)
	}
}

// An HTTP API authorizer logs the requestContext.requestId it received on a
// line without its Lambda request id; the START before it links the rest.
// A 401's access line carries authorizer.error. Lines that arrive after
// the lookup began are waited for.
func TestFindCallLogsHTTPAPILateLines(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	t0 := time.Now()
	const apiID, lambdaID = "Mc7UVioPPHcEKPA=", "22222222-2222-3333-4444-555555555555"
	lambdaLines(env, t0.Add(-2*time.Second), "33333333-2222-3333-4444-555555555555", `{"isAuthorized":true,"requestContext":{"requestId":"earlier="}}`)
	go func() {
		time.Sleep(300 * time.Millisecond)
		lambdaLines(env, t0, lambdaID, `{"errorType":"Error","errorMessage":"Unauthorized","requestContext":{"requestId":"`+apiID+`"}}`)
		time.Sleep(200 * time.Millisecond)
		env.Logs.Write(accessGroup, "stage", t0.Add(10*time.Millisecond), `{"requestId":"`+apiID+`","status":"401","authError":"Unauthorized"}`)
	}()
	start := time.Now()
	got, err := logtail.FindCallLogs(context.Background(), env.LogsClient(), logtail.CallQuery{APIRequestID: apiID,
		AccessLogGroups: []string{accessGroup}, AuthorizerGroups: []string{authGroup}, Since: t0.Add(-time.Minute), Wait: 5 * time.Second, PollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if !got.Complete() || got.AuthorizerError != "Unauthorized" || got.AuthorizerRequestID != lambdaID || time.Since(start) > 3*time.Second {
		t.Fatalf("got %+v after %v", got, time.Since(start))
	}
	inv := got.Authorizer
	if inv == nil || len(inv.Lines) != 4 || inv.Decision == nil || inv.Decision.Effect != "Unauthorized" || inv.Decision.APIRequestID != apiID {
		t.Fatalf("authorizer = %+v", inv)
	}
}

func TestFindCallLogsMissingAndErrors(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	env.Logs.Write(accessGroup, "stage", time.Now(), `{"requestId":"other"}`)
	env.Logs.Write(authGroup, authStream, time.Now(), "START RequestId: 44444444-2222-3333-4444-555555555555 Version: $LATEST\n")
	start := time.Now()
	got, err := logtail.FindCallLogs(context.Background(), env.LogsClient(), logtail.CallQuery{APIRequestID: "nope",
		AccessLogGroups: []string{accessGroup}, AuthorizerGroups: []string{authGroup}, Wait: 400 * time.Millisecond, PollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < 400*time.Millisecond || waited > 2*time.Second {
		t.Fatalf("waited %v for a 400ms deadline", waited)
	}
	if !slices.Equal(got.Missing, []string{"access-log line", "authorizer lines"}) || got.Complete() {
		t.Fatalf("missing = %v", got.Missing)
	}
	_, err = logtail.FindCallLogs(context.Background(), env.LogsClient(), logtail.CallQuery{APIRequestID: "x", AccessLogGroups: []string{"/no/such/group"}, Wait: 200 * time.Millisecond})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ResourceNotFoundException" || ae.ErrorMessage() != "The specified log group does not exist." {
		t.Fatalf("unknown group: %v", err)
	}
	if _, err := logtail.FindCallLogs(context.Background(), env.LogsClient(), logtail.CallQuery{}); err == nil {
		t.Fatal("no request id accepted")
	}
}
