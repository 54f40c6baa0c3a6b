package logtail_test

import (
	"testing"

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
