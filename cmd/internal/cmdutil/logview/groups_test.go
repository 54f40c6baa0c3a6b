package logview

import (
	"context"
	"io"
	"os"
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

// A logs-only target: the region comes from the flag, else the profile's
// pool id; no app client is needed; a malformed endpoint is refused.
func TestTarget(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := dir + "/config.toml"
	if err := os.WriteFile(cfg, []byte("[profiles.p]\nuser_pool_id = \"eu-west-1_AbCdEfGhI\"\n[profiles.p.logs]\ngroups = [\"g\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		g          cmdutil.GlobalOptions
		region     string
		wantErr    string
		wantGroups int
	}{
		{g: cmdutil.GlobalOptions{ConfigPath: cfg, Profile: "p"}, region: "eu-west-1", wantGroups: 1},
		{g: cmdutil.GlobalOptions{ConfigPath: cfg, Profile: "p", Region: "us-west-2"}, region: "us-west-2", wantGroups: 1},
		{g: cmdutil.GlobalOptions{ConfigPath: cfg, Endpoint: "htp//nope"}, wantErr: "--endpoint"},
	}
	for _, c := range cases {
		f := &cmdutil.Factory{Env: func(string) string { return "" }, Global: c.g}
		tg, p, err := Target(f)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("%+v: err %v, want %q", c.g, err, c.wantErr)
			}
			continue
		}
		if err != nil || tg.Region != c.region || len(p.Logs.Groups) != c.wantGroups {
			t.Errorf("%+v: region %q groups %v err %v", c.g, tg.Region, p.Logs.Groups, err)
		}
	}
}
