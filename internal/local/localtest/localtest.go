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
	ci "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/cogscope/cogscope/internal/awsclient"
	"github.com/cogscope/cogscope/internal/local"
	"github.com/cogscope/cogscope/internal/local/cognito"
)

// Env is a running stack and what a test needs to talk to it.
type Env struct {
	Endpoint string // e.g. "http://127.0.0.1:41234"
	Region   string
	Stack    *local.Stack
	Cognito  *cognito.Service
	// Demo names the seed's first pool, its first client without a
	// secret (else its first client), and its first user: with the
	// default seed, the demo pool documented in the README.
	Demo Demo
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
	}
	env.Demo = demoOf(stack.Info())
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
