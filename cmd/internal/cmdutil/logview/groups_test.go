package logview

import (
	"context"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/cmd/internal/config"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

// The default groups: the profile's when it names some (Lambda groups as
// the authorizers'), else what the API Gateway configuration names — on
// the local stack, the demo stages' access logs and the demo authorizers'
// /aws/lambda/<function>.
func TestDefaultGroups(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	f := &cmdutil.Factory{IO: cmdutil.IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard},
		Env: func(string) string { return "" }, Global: cmdutil.GlobalOptions{Endpoint: env.Endpoint}}
	tgt := cmdutil.Target{Endpoint: env.Endpoint, Region: env.Region}
	ctx := context.Background()

	d, err := DefaultGroups(ctx, f, tgt, cmdutil.ActiveProfile{}, env.LogsClient())
	if err != nil {
		t.Fatal(err)
	}
	if d.From != "the API Gateway configuration" ||
		!slices.Contains(d.Access, env.API.HTTPLogGroup) || !slices.Contains(d.Access, env.API.RestLogGroup) ||
		!slices.Contains(d.Authorizer, "/aws/lambda/cogscope-demo-admins") || !slices.Contains(d.Authorizer, "/aws/lambda/cogscope-demo-policy") {
		t.Fatalf("defaults %+v", d)
	}
	if all := d.All(); len(all) != len(d.Access)+len(d.Authorizer) {
		t.Fatalf("All %v", all)
	}

	p := cmdutil.ActiveProfile{Name: "prod", Profile: config.Profile{Logs: config.Logs{Groups: []string{"/aws/lambda/auth", "access"}}}}
	d, err = DefaultGroups(ctx, f, tgt, p, env.LogsClient())
	if err != nil || d.From != "profile prod" || !slices.Equal(d.Authorizer, []string{"/aws/lambda/auth"}) || !slices.Equal(d.Access, []string{"access"}) {
		t.Fatalf("profile defaults %+v, %v", d, err)
	}
}
