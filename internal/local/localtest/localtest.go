// Package localtest starts the local AWS stack in-process from any test, in
// one line:
//
//	env := localtest.Start(t)
//	out, err := env.CognitoClient().InitiateAuth(ctx, &cip.InitiateAuthInput{
//		ClientId: aws.String(env.Demo.ClientID), ...})
//
// The stack listens on 127.0.0.1:0 and stops in t.Cleanup. Clients built
// from Env never read the developer's ~/.aws or environment.
//
// It must not import charm.land/* or ui.
package localtest

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	ci "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/cogscope/cogscope/internal/awsclient"
	"github.com/cogscope/cogscope/internal/local"
	"github.com/cogscope/cogscope/internal/local/apigw"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/logs"
)

// Env is a running stack and what a test needs to talk to it.
type Env struct {
	Endpoint string // e.g. "http://127.0.0.1:41234"
	Region   string
	Stack    *local.Stack
	Cognito  *cognito.Service
	// Logs is the CloudWatch Logs service (Write lines into it, read
	// Dropped, lift Live Tail limits).
	Logs *logs.Service
	// Demo names the seed's first pool, its first client without a
	// secret (else its first client), and its first user: with the
	// default seed, the demo pool documented in the README.
	Demo Demo
	// API names the first HTTP API and the first REST API (the demo
	// ones with the default seed); empty ids when there are none.
	API DemoAPI
	// Gateway is the local API Gateway (authorizer invocation counts).
	Gateway *apigw.Service
}

// DemoAPI holds the ids and invoke URLs of the stack's APIs.
type DemoAPI struct {
	HTTPAPIID string // e.g. "cogshttp01"
	HTTPURL   string // Endpoint + "/_api/cogshttp01": append "/hello"
	RestAPIID string // e.g. "cogsrest01"
	RestStage string // e.g. "prod"
	RestURL   string // Endpoint + "/_api/cogsrest01/prod": append "/profile"
	// HTTPLogGroup and RestLogGroup are the stages' access-log groups.
	HTTPLogGroup, RestLogGroup string
}

// Demo holds the ids of the seeded pool, client and user.
type Demo struct {
	PoolID   string
	PoolName string
	Issuer   string // Endpoint + "/" + PoolID
	JWKSURL  string
	ClientID string
	Username string
	Password string
	// SecretClientID is the pool's first client with a secret, if any.
	SecretClientID string
	// Domain is the pool's hosted-UI domain ("cogscope-demo" for the
	// demo) and HostedUI its base URL on the stack, e.g.
	// Endpoint + "/_domain/cogscope-demo"; both "" without a domain.
	Domain, HostedUI string
	// IdentityPoolID is the demo identity pool (empty without the demo
	// user pool): roles, a claim rule on cognito:groups, principal tags.
	IdentityPoolID string
}

// Option changes how Start builds the stack.
type Option func(*local.Options)

// WithSeed replaces the demo seed.
func WithSeed(seed cognito.Seed) Option {
	return func(o *local.Options) { o.Seed = &seed }
}

// WithRegion sets the stack's region (default us-east-1).
func WithRegion(region string) Option {
	return func(o *local.Options) { o.Region = region }
}

// WithNow gives the stack a clock, for tests of expiry.
func WithNow(now func() time.Time) Option {
	return func(o *local.Options) { o.Now = now }
}

// WithLogger sends the stack's request log and "sent" codes to logger
// (default: discarded).
func WithLogger(logger *slog.Logger) Option {
	return func(o *local.Options) { o.Logger = logger }
}

// WithStatePath keeps the stack's state in path.
func WithStatePath(path string) Option {
	return func(o *local.Options) { o.StatePath = path }
}

// Start builds a stack, listens on 127.0.0.1:0 and serves until the test
// ends. It fails the test at once if the stack cannot start.
func Start(t testing.TB, opts ...Option) *Env {
	t.Helper()
	o := local.Options{NewKey: keySource()}
	for _, opt := range opts {
		opt(&o)
	}
	stack, err := local.New(o)
	if err != nil {
		t.Fatalf("localtest: build stack: %v", err)
	}
	if err := stack.Listen("127.0.0.1:0"); err != nil {
		t.Fatalf("localtest: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- stack.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("localtest: stack stopped with: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("localtest: stack did not stop within 10s")
			_ = stack.Close()
		}
	})
	env := &Env{
		Endpoint: stack.Endpoint(),
		Region:   stack.Region(),
		Stack:    stack,
		Cognito:  stack.Cognito(),
		Logs:     stack.Logs(),
	}
	info := stack.Info()
	env.Demo = demoOf(info)
	env.Gateway = stack.APIGateway()
	if info.API != nil {
		env.API.HTTPAPIID, env.API.HTTPURL, env.API.HTTPLogGroup = info.API.ID, info.API.URL, info.API.AccessLogGroup
	}
	if info.RestAPI != nil {
		env.API.RestAPIID, env.API.RestStage, env.API.RestURL, env.API.RestLogGroup = info.RestAPI.ID, info.RestAPI.Stage, info.RestAPI.URL, info.RestAPI.AccessLogGroup
	}
	return env
}

func demoOf(info local.Info) Demo {
	var d Demo
	if len(info.UserPools) == 0 {
		return d
	}
	p := info.UserPools[0]
	d.PoolID, d.PoolName, d.Issuer = p.ID, p.Name, p.Issuer
	d.Domain, d.HostedUI = p.Domain, p.HostedUI
	d.JWKSURL = p.Issuer + "/.well-known/jwks.json"
	for _, c := range p.Clients {
		if !c.HasSecret && d.ClientID == "" {
			d.ClientID = c.ID
		}
		if c.HasSecret && d.SecretClientID == "" {
			d.SecretClientID = c.ID
		}
	}
	if d.ClientID == "" && len(p.Clients) > 0 {
		d.ClientID = p.Clients[0].ID
	}
	if len(p.Users) > 0 {
		d.Username, d.Password = p.Users[0].Username, p.Users[0].Password
	}
	if len(info.IdentityPools) > 0 {
		d.IdentityPoolID = info.IdentityPools[0].ID
	}
	return d
}

// AWSConfig is a hermetic SDK configuration for the stack: its region,
// dummy static credentials (any are accepted), no retries, and never the
// developer's ~/.aws or AWS_* environment.
func (e *Env) AWSConfig() aws.Config {
	return awsclient.Static(e.Region, nil)
}

// APIGatewayV2Client is an HTTP API configuration client pointed at the
// stack.
func (e *Env) APIGatewayV2Client() *apigatewayv2.Client {
	return awsclient.APIGatewayV2(e.AWSConfig(), e.Endpoint)
}

// APIGatewayClient is a REST API configuration client pointed at the
// stack.
func (e *Env) APIGatewayClient() *apigateway.Client {
	return awsclient.APIGateway(e.AWSConfig(), e.Endpoint)
}

// WithAPISeed replaces the demo APIs.
func WithAPISeed(seed apigw.Seed) Option {
	return func(o *local.Options) { o.APISeed = &seed }
}

// WithAPILogSink receives the gateway's log lines.
func WithAPILogSink(sink func(group, stream string, t time.Time, message string)) Option {
	return func(o *local.Options) { o.APILogSink = sink }
}

// IdentityClient is an identity-pools client pointed at the stack.
func (e *Env) IdentityClient() *ci.Client {
	return awsclient.CognitoIdentity(e.AWSConfig(), e.Endpoint)
}

// STSClient is an STS client pointed at the stack, signing with cfg's
// credentials (e.g. the ones an identity pool gave).
func (e *Env) STSClient(cfg aws.Config) *sts.Client {
	return awsclient.STS(cfg, e.Endpoint)
}

// CognitoClient is a user-pools client pointed at the stack.
func (e *Env) CognitoClient() *cip.Client {
	return awsclient.Cognito(e.AWSConfig(), e.Endpoint)
}

// LogsClient is a CloudWatch Logs client pointed at the stack, with the
// StartLiveTail host prefix switched off (see awsclient.Logs).
func (e *Env) LogsClient() *cloudwatchlogs.Client {
	return awsclient.Logs(e.AWSConfig(), e.Endpoint)
}
