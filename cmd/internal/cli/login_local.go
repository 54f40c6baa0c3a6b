package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/local"
	"github.com/cogscope/cogscope/internal/local/cognito"
)

// demoTarget is the local stack's demo pool, client and user.
type demoTarget struct {
	Endpoint   string
	Region     string
	UserPoolID string
	ClientID   string
	Username   string
	Password   string
	// Ephemeral is true for a stack started in-process: it ends with the
	// command, so its tokens are not worth saving.
	Ephemeral bool
}

// localDemoTarget gives the demo pool for a command with no target. With
// an endpoint (a running `cogscope local`) it uses it; otherwise it starts
// the local stack in-process on a free loopback port, and stop shuts it
// down. The demo pool's id starts with the stack's region ("" for the
// default), as `cogscope --region R local` names it, so `--region R` must
// name the same pool here.
func localDemoTarget(ctx context.Context, f *Factory, endpoint, region string) (demoTarget, func(), error) {
	poolID := cognito.DemoPoolID
	if region != "" {
		_, suffix, _ := strings.Cut(cognito.DemoPoolID, "_")
		poolID = region + "_" + suffix
	}
	d := demoTarget{
		Endpoint:   endpoint,
		Region:     flows.RegionOf(poolID),
		UserPoolID: poolID,
		ClientID:   cognito.DemoPublicClientID,
		Username:   cognito.DemoUsername,
		Password:   cognito.DemoPassword,
	}
	if endpoint != "" {
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
	stop := func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			fmt.Fprintf(f.IO.ErrOut, "cogscope: local stack: %v\n", err)
		}
	}
	d.Endpoint = stack.Endpoint()
	d.Ephemeral = true
	return d, stop, nil
}
