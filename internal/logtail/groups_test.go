package logtail_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/cogscope/cogscope/internal/local/localtest"

	"github.com/cogscope/cogscope/internal/logtail"
)

func TestLambdaLogGroup(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"cogscope-authorizer", "/aws/lambda/cogscope-authorizer", true},
		{"arn:aws:lambda:eu-west-1:123456789012:function:auth", "/aws/lambda/auth", true},
		{"arn:aws:lambda:eu-west-1:123456789012:function:auth:live", "/aws/lambda/auth", true},
		{"arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:auth/invocations", "/aws/lambda/auth", true},
		{"arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:${stageVariables.fn}/invocations", "", false},
		{"arn:aws:iam::123456789012:role/x", "", false},
		{"", "", false},
	} {
		got, ok := logtail.LambdaLogGroup(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("LambdaLogGroup(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"arn:aws:logs:eu-west-1:123456789012:log-group:/aws/apigateway/access", "/aws/apigateway/access", true},
		{"arn:aws:logs:eu-west-1:123456789012:log-group:api-access:*", "api-access", true},
		{"arn:aws:firehose:eu-west-1:123456789012:deliverystream/amazon-apigateway-x", "", false},
		{"", "", false},
	} {
		got, ok := logtail.AccessLogGroup(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("AccessLogGroup(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// A phrase pattern finds exactly the events holding the id, whatever
// characters it has.
func TestPhrasePattern(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	env.Logs.Write("g", "s", time.Now(), `{"requestId":"Mc7U-Vi\\oPP\"HcEKPA="}`)
	env.Logs.Write("g", "s", time.Now(), `{"requestId":"Mc7U-ViooPPHcEKPA="}`)
	out, err := env.LogsClient().FilterLogEvents(context.Background(), &cwl.FilterLogEventsInput{LogGroupName: aws.String("g"),
		FilterPattern: aws.String(logtail.PhrasePattern(`Mc7U-Vi\\oPP\"HcEKPA=`))})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Events) != 1 || *out.Events[0].Message != `{"requestId":"Mc7U-Vi\\oPP\"HcEKPA="}` {
		t.Fatalf("matched %+v", out.Events)
	}
}
