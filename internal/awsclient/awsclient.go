// Package awsclient builds aws-sdk-go-v2 configurations and clients the way
// cogscope needs them: an endpoint override that reaches every service (the
// local stack, or any emulator), anonymous credentials for Cognito's public
// operations, and no automatic retries, so that the error a user sees is the
// one the service sent.
//
// It must not import charm.land/* or ui.
package awsclient

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Static returns a hermetic aws.Config that never reads the environment or
// ~/.aws: the given region, static dummy credentials (the local stack
// accepts any signature) and, when httpClient is nil, a default client.
// Tests and the local stack use it.
func Static(region string, httpClient *http.Client) aws.Config {
	if httpClient == nil {
		httpClient = &http.Client{}
	}
	return aws.Config{
		Region:      region,
		HTTPClient:  httpClient,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDLOCALSTACK", "local-stack-secret", ""),
		Retryer:     func() aws.Retryer { return aws.NopRetryer{} },
	}
}

// Cognito returns a user-pools client for cfg, pointed at endpoint when it
// is not empty (as the AWS CLI's --endpoint-url does).
func Cognito(cfg aws.Config, endpoint string) *cip.Client {
	return cip.NewFromConfig(cfg, func(o *cip.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
		o.HTTPClient = BufferBodies(o.HTTPClient)
	})
}

// HTTPDoer is the SDK's HTTP client interface.
type HTTPDoer interface {
	Do(*http.Request) (*http.Response, error)
}

// BufferBodies wraps an SDK HTTP client so the transport gets its own copy
// of each request body. smithy-go closes the request body as soon as a
// response arrives; against a server that answers before the transport has
// finished writing (the local stack often does), that closes the connection
// under the response ("use of closed network connection",
// aws/aws-sdk-go-v2#2737). The SDK papers over it with retries, which
// cogscope turns off so users see the service's own errors; buffering the
// (small, JSON) bodies removes the race instead.
func BufferBodies(next HTTPDoer) HTTPDoer {
	if next == nil {
		next = &http.Client{}
	}
	if _, ok := next.(bufferedDoer); ok {
		return next
	}
	return bufferedDoer{next: next}
}

type bufferedDoer struct{ next HTTPDoer }

func (b bufferedDoer) Do(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return b.next.Do(r)
	}
	data, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	r2 := r.Clone(r.Context())
	r2.Body = io.NopCloser(bytes.NewReader(data))
	r2.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	r2.ContentLength = int64(len(data))
	return b.next.Do(r2)
}

// AnonymousCognito is Cognito with no credentials at all: sign-in
// operations are unsigned, so a machine without AWS credentials can sign in.
func AnonymousCognito(cfg aws.Config, endpoint string) *cip.Client {
	cfg = cfg.Copy()
	cfg.Credentials = aws.AnonymousCredentials{}
	return Cognito(cfg, endpoint)
}

// Logs returns a CloudWatch Logs client for cfg, pointed at endpoint when it
// is not empty. With an endpoint, the SDK's "stream-" host prefix of
// StartLiveTail is switched off: it would turn 127.0.0.1:9229 into the
// unresolvable stream-127.0.0.1:9229 (the Go SDK ignores
// AWS_DISABLE_HOST_PREFIX_INJECTION).
func Logs(cfg aws.Config, endpoint string) *cloudwatchlogs.Client {
	return cloudwatchlogs.NewFromConfig(cfg, func(o *cloudwatchlogs.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
			o.APIOptions = append(o.APIOptions, DisableHostPrefix)
		}
		o.HTTPClient = BufferBodies(o.HTTPClient)
	})
}

// DisableHostPrefix is an SDK API option that stops an operation's endpoint
// host prefix (StartLiveTail's "stream-") from being prepended.
func DisableHostPrefix(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("cogscopeDisableHostPrefix",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			return next.HandleInitialize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
		}), middleware.Before)
}
