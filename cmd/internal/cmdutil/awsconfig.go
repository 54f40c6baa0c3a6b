package cmdutil

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/logging"

	"github.com/cogscope/cogscope/flows/idpool"
	"github.com/cogscope/cogscope/internal/awsclient"
)

// DefaultAWSConfig is Factory.AWSConfig's builder. A loopback endpoint
// (the local stack) gets hermetic dummy credentials: the developer's
// ~/.aws is never read for it. Anything else uses the standard credential
// chain (config.LoadDefaultConfig) with the target's region and
// aws_profile, no retries (the error a user sees is the service's), the
// SDK's own logging off (errors reach the user through the diagnosis) and
// response bodies bounded. The endpoint override itself is applied per
// client (awsclient.Cognito and its kin), as the AWS CLI's --endpoint-url.
func DefaultAWSConfig(ctx context.Context, f *Factory, t Target) (aws.Config, error) {
	if t.IsLoopback() {
		return awsclient.Static(t.Region, f.HTTP), nil
	}
	var timeout time.Duration
	if f.HTTP != nil {
		timeout = f.HTTP.Timeout
	}
	opts := []func(*awsconfig.LoadOptions) error{
		awsconfig.WithRegion(t.Region),
		awsconfig.WithRetryer(func() aws.Retryer { return aws.NopRetryer{} }),
		awsconfig.WithHTTPClient(awsHTTPClient(timeout)),
		// The SDK logs warnings (an IMDS fallback, a retry) to stderr
		// itself; errors reach the user through the flow's diagnosis.
		awsconfig.WithLogger(logging.Nop{}),
	}
	if t.AWSProfile != "" {
		opts = append(opts, awsconfig.WithSharedConfigProfile(t.AWSProfile))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return cfg, err
	}
	cfg.HTTPClient = limitedDoer{next: cfg.HTTPClient}
	return cfg, nil
}

// credentialsProbeTimeout bounds HasAWSCredentials' question to the
// credential chain: the instance metadata service, on a machine that is
// not in AWS, can otherwise take seconds to not answer.
const credentialsProbeTimeout = 2 * time.Second

// HasAWSCredentials says whether calls that need AWS credentials (the
// admin API) are worth trying for t. It asks the credential chain itself
// (environment, shared files with SSO, credential_process and roles,
// containers, the instance metadata service), as the calls would: the
// environment alone misses ~/.aws/credentials. The local stack needs
// none; an AWS_* variable or --aws-profile answers at once.
func (f *Factory) HasAWSCredentials(ctx context.Context, t Target) bool {
	if t.IsLoopback() || t.AWSProfile != "" {
		return true
	}
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_WEB_IDENTITY_TOKEN_FILE"} {
		if f.Env(k) != "" {
			return true
		}
	}
	cfg, err := f.AWSConfig(ctx, t)
	if err != nil || cfg.Credentials == nil {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, credentialsProbeTimeout)
	defer cancel()
	creds, err := cfg.Credentials.Retrieve(ctx)
	return err == nil && creds.HasKeys()
}

// IdentityPoolClients are the clients an identity-pool exchange
// (idpool.Exchange) uses, from cfg and pointed at endpoint when it is not
// empty: Cognito identity, and STS signed with the credentials the
// exchange hands it (anonymous when it hands none).
func IdentityPoolClients(cfg aws.Config, endpoint string) idpool.Clients {
	return idpool.Clients{Identity: awsclient.CognitoIdentity(cfg, endpoint), STS: func(creds aws.CredentialsProvider) idpool.STSAPI {
		sc := cfg.Copy()
		sc.Credentials = creds
		if creds == nil {
			sc.Credentials = aws.AnonymousCredentials{}
		}
		return awsclient.STS(sc, endpoint)
	}}
}
