package console

import (
	"context"
	"sync"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/internal/apiconfig"
	"github.com/cogscope/cogscope/internal/awsclient"
)

// targetKey is what of a target API Gateway's configuration, and the
// clients that read it, depend on: another key is another target.
type targetKey struct{ profile, awsProfile, region, endpoint string }

func keyOf(t cmdutil.Target) targetKey {
	return targetKey{profile: t.Profile, awsProfile: t.AWSProfile, region: t.Region, endpoint: t.Endpoint}
}

// apiRead is one read of a target's API Gateway configuration, shared by
// every user of it: the API view's routes, the Logs view's default groups
// (those the stages and Lambda authorizers name), the doctor and the
// prediction before a call. done is closed when it is over.
type apiRead struct {
	key  targetKey
	done chan struct{}
	cfg  *apiconfig.Config
	err  error
	// sent says apiconfig.Read ran: false when there were no AWS
	// credentials to read with, or no AWS configuration.
	sent bool
	// abandoned says the reader's context ended first: nothing is kept,
	// and a waiter reads itself.
	abandoned bool
}

// apiConfigCache holds the console's one read of API Gateway's
// configuration, for the current target.
type apiConfigCache struct {
	mu  sync.Mutex
	cur *apiRead
}

// apiConfig is API Gateway's configuration of t, read once per target:
// the first caller reads (in its own goroutine: a tea.Cmd's), the others
// wait for its answer, or for their context. A read cut short by its
// context is not kept. sent is false when no request was made (no AWS
// credentials, no AWS configuration: err says which).
func (c *console) apiConfig(ctx context.Context, t cmdutil.Target) (cfg *apiconfig.Config, sent bool, err error) {
	key := keyOf(t)
	for {
		c.apiCache.mu.Lock()
		r := c.apiCache.cur
		if r == nil || r.key != key {
			r = &apiRead{key: key, done: make(chan struct{})}
			c.apiCache.cur = r
			c.apiCache.mu.Unlock()
			r.cfg, r.sent, r.err = c.readAPIConfig(ctx, t)
			if ctx.Err() != nil {
				c.apiCache.mu.Lock()
				if c.apiCache.cur == r {
					c.apiCache.cur = nil
				}
				c.apiCache.mu.Unlock()
				r.abandoned = true
				close(r.done)
				return nil, false, ctx.Err() // read again next time
			}
			close(r.done)
			return r.cfg, r.sent, r.err
		}
		c.apiCache.mu.Unlock()
		select {
		case <-r.done:
		case <-ctx.Done():
			return nil, false, ctx.Err()
		}
		if !r.abandoned {
			return r.cfg, r.sent, r.err
		}
	}
}

// readAPIConfig reads every API of t with the target's AWS configuration
// (errNoAPICredentials when the credential chain has none).
func (c *console) readAPIConfig(ctx context.Context, t cmdutil.Target) (*apiconfig.Config, bool, error) {
	if !c.f.HasAWSCredentials(ctx, t) {
		return nil, false, errNoAPICredentials
	}
	cfg, err := c.f.AWSConfig(ctx, t)
	if err != nil {
		return nil, false, err
	}
	region := cmdutil.FirstNonEmpty(t.Region, cfg.Region)
	clients := apiconfig.Clients{HTTP: awsclient.APIGatewayV2(cfg, t.Endpoint), REST: awsclient.APIGateway(cfg, t.Endpoint)}
	conf, err := apiconfig.Read(ctx, clients, apiconfig.Options{Endpoint: t.Endpoint, Region: region})
	return conf, true, err
}
