package local

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/cogscope/cogscope/internal/awsclient"
)

// The stack serves CloudWatch Logs on its one endpoint, lists the groups in
// Info (the `--json` line), and a graceful stop does not wait for Live Tail
// streams, which never end by themselves.
func TestStackServesLogsAndStopsLiveTail(t *testing.T) {
	t.Parallel()
	stack, err := New(Options{NewKey: testKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := stack.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- stack.Serve(ctx) }()
	defer cancel()

	stack.Logs().Write("/aws/lambda/auth", "s", time.Now(), "hello")
	b, _ := json.Marshal(stack.Info())
	var info struct {
		Logs struct {
			Endpoint string   `json:"endpoint"`
			Groups   []string `json:"groups"`
		} `json:"logs"`
	}
	if err := json.Unmarshal(b, &info); err != nil || info.Logs.Endpoint != stack.Endpoint() || len(info.Logs.Groups) != 1 || info.Logs.Groups[0] != "/aws/lambda/auth" {
		t.Fatalf("Info logs = %+v (%s)", info.Logs, b)
	}
	c := awsclient.Logs(awsclient.Static(stack.Region(), nil), stack.Endpoint())
	out, err := c.StartLiveTail(context.Background(), &cwl.StartLiveTailInput{LogGroupIdentifiers: []string{stack.Logs().GroupARN("/aws/lambda/auth")}})
	if err != nil {
		t.Fatal(err)
	}
	st := out.GetStream()
	defer st.Close()
	<-st.Events() // sessionStart
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(shutdownGrace):
		t.Fatal("Serve waited out the shutdown grace for a Live Tail stream")
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("shutdown took %v", took)
	}
	for range st.Events() {
	}
	if st.Err() == nil {
		t.Fatal("the stream ended without saying why")
	}
}

// A full PutLogEvents batch is larger than the 1 MiB cap of the other
// services: the Logs target has its own (8 MiB), the others keep theirs.
func TestLogsBodyCap(t *testing.T) {
	t.Parallel()
	stack, err := New(Options{NewKey: testKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	big := `{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1,"message":"` + strings.Repeat("x", 2<<20) + `"}]}`
	for _, tc := range []struct {
		target string
		status int
		typ    string
	}{
		{"Logs_20140328.PutLogEvents", http.StatusBadRequest, "Upload too large: 2097178 bytes exceeds limit of 1048576"}, // read and answered by the service
		{"AWSCognitoIdentityProviderService.InitiateAuth", http.StatusRequestEntityTooLarge, "SerializationException"},
	} {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(big))
		req.Header.Set("X-Amz-Target", tc.target)
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		rec := httptest.NewRecorder()
		stack.Handler().ServeHTTP(rec, req)
		if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.typ) {
			t.Errorf("%s: %d %s", tc.target, rec.Code, rec.Body.String())
		}
	}
}
