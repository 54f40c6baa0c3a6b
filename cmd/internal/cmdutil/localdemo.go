package cmdutil

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/local"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/termtext"
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
		if err := ValidateRegion(region); err != nil {
			return Target{}, nil, fmt.Errorf("--region %q %v", region, err)
		}
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

// ProbeDemoPool checks that endpoint is a local stack serving the demo
// pool d (from LocalDemo): its JWKS answers with keys. A command that
// fell back to the demo pool says so only after this, so that an
// --endpoint of another server is not called a local stack.
func (f *Factory) ProbeDemoPool(ctx context.Context, d Target) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	u := strings.TrimSuffix(d.Endpoint, "/") + "/" + d.UserPoolID + "/.well-known/jwks.json"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := f.HTTPClient().Do(req)
	if err != nil {
		return fmt.Errorf("nothing answers there (is `cogscope local` running?): %s", termtext.Line(unwrapURLError(err).Error()))
	}
	defer resp.Body.Close()
	var jwks struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&jwks) != nil || len(jwks.Keys) == 0 {
		return fmt.Errorf("it does not serve the demo pool %s (GET %s answered %s): it is not a `cogscope local` stack", d.UserPoolID, u, termtext.Line(resp.Status))
	}
	return nil
}

// unwrapURLError drops *url.Error's "Get "…": " prefix, which repeats the
// URL the message already names.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
