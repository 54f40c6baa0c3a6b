package logview

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogscope/cogscope/internal/local/localtest"
	"github.com/cogscope/cogscope/internal/logtail"
)

const adminsGroup = "/aws/lambda/cogscope-demo-admins"

// writeCallLogs finds a call's lines and prints them, as `cogscope call
// --logs` does after the response. The error is the lookup's (the lines
// found so far are printed first).
func writeCallLogs(ctx context.Context, api logtail.API, p *Printer, o CallLogsOptions) (*logtail.CallLogs, error) {
	c, err := FindCallLogs(ctx, api, o)
	if perr := PrintCallLogs(p, c); perr != nil && err == nil {
		err = perr
	}
	return c, err
}

// call makes one demo HTTP API call and returns its status and
// apigw-requestid.
func call(t *testing.T, env *localtest.Env, path, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, env.API.HTTPURL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("apigw-requestid")
}

func idToken(t *testing.T, env *localtest.Env) string {
	t.Helper()
	out, err := env.CognitoClient().InitiateAuth(context.Background(), &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(env.Demo.ClientID),
		AuthParameters: map[string]string{"USERNAME": env.Demo.Username, "PASSWORD": env.Demo.Password}})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.AuthenticationResult.IdToken)
}

// The log lines of real demo calls: /admin's access line and its Lambda
// authorizer's START / decision / END / REPORT, the decision marked; a
// token-less /admin's 401 with its authorizer.error; --json's lines.
func TestCallLogsOfDemoCalls(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	client := &Client{Client: env.LogsClient(), stream: &http.Client{}}
	opts := func(id string) CallLogsOptions {
		return CallLogsOptions{APIRequestID: id, AccessLogGroups: []string{env.API.HTTPLogGroup},
			AuthorizerGroups: []string{adminsGroup}, Wait: 3 * time.Second, PollInterval: 50 * time.Millisecond}
	}

	status, id := call(t, env, "/admin", idToken(t, env))
	if status != http.StatusOK {
		t.Fatalf("/admin = %d", status)
	}
	var buf bytes.Buffer
	c, err := writeCallLogs(context.Background(), client, &Printer{W: &buf}, opts(id))
	if err != nil || !c.Complete() {
		t.Fatalf("err %v, missing %v", err, c.Missing)
	}
	s := buf.String()
	for _, want := range []string{"Log lines of request " + id, "access log " + env.API.HTTPLogGroup, `"status":"200"`,
		"authorizer " + c.AuthorizerRequestID + " ✔ ALLOW", "START " + c.AuthorizerRequestID, "END   " + c.AuthorizerRequestID,
		"REPORT " + c.AuthorizerRequestID, "billed "} {
		if !strings.Contains(s, want) {
			t.Errorf("lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "not arrived") || strings.Contains(s, "authorizer.error: ") {
		t.Errorf("a complete 200 says something is missing or failed:\n%s", s)
	}

	// No token: the identity source is missing, the gateway answers 401
	// without running the authorizer; the access line says why.
	status, id = call(t, env, "/admin", "")
	if status != http.StatusUnauthorized {
		t.Fatalf("/admin without a token = %d", status)
	}
	buf.Reset()
	o := opts(id)
	o.Wait = time.Second // the authorizer did not run: its lines never come
	c, err = writeCallLogs(context.Background(), client, &Printer{W: &buf}, o)
	if err != nil || c.Access == nil || c.AuthorizerError == "" {
		t.Fatalf("err %v, logs %+v", err, c)
	}
	if s := buf.String(); !strings.Contains(s, `"status":"401"`) || !strings.Contains(s, "authorizer.error: "+c.AuthorizerError) {
		t.Fatalf("the 401's authorizer.error is not shown:\n%s", s)
	}

	// --json: the lines, one event a line, nothing else.
	buf.Reset()
	if err := PrintCallLogs(&Printer{W: &buf, JSON: true}, c); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	want := 1
	if c.Authorizer != nil {
		want += len(c.Authorizer.Lines)
	}
	if len(lines) != want || !strings.HasPrefix(lines[0], `{"timestamp":`) {
		t.Fatalf("json:\n%s", buf.String())
	}
}

// A request id no call had: nothing arrives within the wait, and the
// output says what is missing.
func TestCallLogsMissing(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	env.Logs.Write(env.API.HTTPLogGroup, "s", time.Now(), `{"requestId":"other"}`)
	env.Logs.Write(adminsGroup, "s", time.Now(), "START RequestId: 11111111-2222-3333-4444-555555555555 Version: $LATEST")
	var buf bytes.Buffer
	start := time.Now()
	c, err := writeCallLogs(context.Background(), env.LogsClient(), &Printer{W: &buf}, CallLogsOptions{APIRequestID: "nope=",
		AccessLogGroups: []string{env.API.HTTPLogGroup}, AuthorizerGroups: []string{adminsGroup}, Wait: 300 * time.Millisecond, PollInterval: 50 * time.Millisecond})
	if err != nil || c.Complete() || time.Since(start) > 3*time.Second {
		t.Fatalf("err %v, logs %+v after %v", err, c, time.Since(start))
	}
	if !strings.Contains(buf.String(), "not arrived: access-log line, authorizer lines") {
		t.Fatalf("output:\n%s", buf.String())
	}
}
