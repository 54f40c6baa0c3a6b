package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/local"
	"github.com/cogscope/cogscope/internal/local/cognito"
)

// DemoCallbackURL is the demo public client's registered callback URL.
const DemoCallbackURL = "http://localhost:8765/callback"

// LocalDemo is the local stack's demo pool, for a command with no target:
// its public client and user, its hosted UI's issuer and callback, its
// confidential client for client credentials. With an endpoint (a running
// `cogscope local`) it uses it; otherwise it starts the local stack
// in-process on a free loopback port (the target is then Ephemeral), and
// stop shuts it down. The demo pool's id starts with the stack's region
// ("" for the default), as `cogscope --region R local` names it, so
// `--region R` must name the same pool here.
func (f *Factory) LocalDemo(ctx context.Context, endpoint, region string) (demo Target, stop func(), err error) {
	poolID := cognito.DemoPoolID
	if region != "" {
		_, suffix, _ := strings.Cut(cognito.DemoPoolID, "_")
		poolID = region + "_" + suffix
	}
	d := Target{
		Endpoint:       endpoint,
		Region:         flows.RegionOf(poolID),
		UserPoolID:     poolID,
		ClientID:       cognito.DemoPublicClientID,
		Username:       cognito.DemoUsername,
		Password:       cognito.DemoPassword,
		RedirectURI:    DemoCallbackURL,
		CCClientID:     cognito.DemoSecretClientID,
		CCClientSecret: cognito.DemoClientSecret,
	}
	if endpoint != "" {
		d.Issuer = d.PoolIssuer()
		return d, nil, nil
	}
	stack, err := local.New(local.Options{Region: d.Region, Now: f.Now})
	if err != nil {
		return d, nil, fmt.Errorf("start the local stack: %w", err)
	}
	if err := stack.Listen("127.0.0.1:0"); err != nil {
		_ = stack.Close()
		return d, nil, fmt.Errorf("start the local stack: %w", err)
	}
	serveCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan error, 1)
	go func() { done <- stack.Serve(serveCtx) }()
	stop = func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			fmt.Fprintf(f.IO.ErrOut, "cogscope: local stack: %v\n", err)
		}
	}
	d.Endpoint = stack.Endpoint()
	d.Issuer = d.PoolIssuer()
	d.Ephemeral = true
	return d, stop, nil
}
