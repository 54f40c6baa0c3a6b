package interop

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

type logsPeerResult struct {
	OK       bool   `json:"ok"`
	Crash    string `json:"crash"`
	GroupARN string `json:"groupArn"`
	Steps    []struct {
		Step         string   `json:"step"`
		OK           bool     `json:"ok"`
		Messages     []string `json:"messages"`
		EventIDs     []string `json:"eventIds"`
		SessionStart bool     `json:"sessionStart"`
		Unknown      []string `json:"unknown"`
		Rejected     any      `json:"rejected"`
		Error        *struct {
			Name    string `json:"name"`
			Message string `json:"message"`
		} `json:"error"`
	} `json:"steps"`
}

// TestJSSDKv3CloudWatchLogs has the AWS SDK for JavaScript v3 write, filter
// and live-tail the stack's logs and meet its errors; then the Go SDK reads
// what the JS SDK wrote.
func TestJSSDKv3CloudWatchLogs(t *testing.T) {
	t.Parallel()
	peers(t)
	env := localtest.Start(t)
	const group = "/aws/lambda/js-peer"
	r := runPeer(t, nil, "cloudwatch-logs.js", env.Endpoint, env.Region, group)
	var out logsPeerResult
	r.decode(t, &out)
	if out.Crash != "" {
		t.Fatalf("cloudwatch-logs.js crashed: %s", out.Crash)
	}
	wantErrors := map[string]struct{ name, msg string }{
		"FilterLogEvents unknown group": {"ResourceNotFoundException", "The specified log group does not exist."},
		"FilterLogEvents bad pattern":   {"InvalidParameterException", "Invalid filter pattern: a JSON pattern must end with }"},
		"CreateLogGroup again":          {"ResourceAlreadyExistsException", "The specified log group already exists"},
	}
	for _, s := range out.Steps {
		if !s.OK {
			t.Errorf("step %s failed: %+v", s.Step, s.Error)
			continue
		}
		switch s.Step {
		case "PutLogEvents":
			if s.Rejected != nil {
				t.Errorf("rejected %v", s.Rejected)
			}
		case "FilterLogEvents text":
			if !slices.Equal(s.Messages, []string{"ERROR from js one"}) || len(s.EventIDs) != 1 || len(s.EventIDs[0]) != 56 {
				t.Errorf("text filter: %v %v", s.Messages, s.EventIDs)
			}
		case "FilterLogEvents json":
			if !slices.Equal(s.Messages, []string{`{"requestId":"js-1","status":"401"}`}) {
				t.Errorf("JSON filter: %v", s.Messages)
			}
		case "StartLiveTail":
			if !s.SessionStart || !slices.Equal(s.Messages, []string{"live from js"}) {
				t.Errorf("live tail: %+v", s)
			}
			t.Logf("events the JS SDK did not model: %v", s.Unknown)
		}
		if w, ok := wantErrors[s.Step]; ok && (s.Error == nil || s.Error.Name != w.name || s.Error.Message != w.msg) {
			t.Errorf("step %s: error %+v, want %s %q", s.Step, s.Error, w.name, w.msg)
		}
	}
	if out.GroupARN != env.Logs.GroupARN(group) {
		t.Errorf("JS saw ARN %q", out.GroupARN)
	}
	if len(out.Steps) != 10 {
		t.Errorf("%d steps ran, want 10", len(out.Steps))
	}
	got, err := env.LogsClient().FilterLogEvents(context.Background(), &cwl.FilterLogEventsInput{LogGroupName: aws.String(group)})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Events) != 5 {
		t.Errorf("Go SDK reads %d events the JS SDK wrote, want 5", len(got.Events))
	}
}
