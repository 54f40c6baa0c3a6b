// Package awsclient builds aws-sdk-go-v2 configurations and clients the way
// cogscope needs them: an endpoint override that reaches every service (the
// local stack, or any emulator), anonymous credentials for Cognito's public
// operations, and no automatic retries, so that the error a user sees is the
// one the service sent.
//
// It must not import charm.land/* or ui.
package awsclient

import (
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
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
	})
}

// AnonymousCognito is Cognito with no credentials at all: sign-in
// operations are unsigned, so a machine without AWS credentials can sign in.
func AnonymousCognito(cfg aws.Config, endpoint string) *cip.Client {
	cfg = cfg.Copy()
	cfg.Credentials = aws.AnonymousCredentials{}
	return Cognito(cfg, endpoint)
}
