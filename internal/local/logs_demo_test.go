package local_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/cogscope/cogscope/internal/local/localtest"
)

// By default (no APILogSink) the gateway's lines go to the stack's own
// CloudWatch Logs: a demo API call's access-log line is there, read back
// through the SDK client by its request id, and the group is in Info.
func TestDemoCallAccessLogLandsInStackLogs(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	resp, err := http.Get(env.API.HTTPURL + "/private") // no token: 401
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	id := resp.Header.Get("apigw-requestid")
	if resp.StatusCode != http.StatusUnauthorized || id == "" {
		t.Fatalf("GET /private = %d, request id %q", resp.StatusCode, id)
	}
	out, err := env.LogsClient().FilterLogEvents(context.Background(), &cwl.FilterLogEventsInput{
		LogGroupName: aws.String(env.API.HTTPLogGroup), FilterPattern: aws.String(`"` + id + `"`)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Events) != 1 {
		t.Fatalf("%d access-log lines for %s in %s", len(out.Events), id, env.API.HTTPLogGroup)
	}
	var line map[string]string
	if err := json.Unmarshal([]byte(aws.ToString(out.Events[0].Message)), &line); err != nil {
		t.Fatal(err)
	}
	if line["requestId"] != id || line["status"] != "401" || line["authorizer.error"] == "" || line["authorizer.error"] == "-" {
		t.Fatalf("access line %v", line)
	}
	if stream := aws.ToString(out.Events[0].LogStreamName); stream != env.API.HTTPAPIID+"_$default" {
		t.Errorf("stream %q", stream)
	}
	if groups := env.Stack.Info().Logs.Groups; !slices.Contains(groups, env.API.HTTPLogGroup) {
		t.Errorf("Info.Logs.Groups %v lacks %s", groups, env.API.HTTPLogGroup)
	}
}
