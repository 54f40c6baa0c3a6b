package cmdutil

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cogscope/cogscope/cmd/internal/config"
)

// TestNewTarget: the command's flags over the global flags over the
// profile, and errors that name where a bad value came from.
func TestNewTarget(t *testing.T) {
	t.Parallel()
	prof := ActiveProfile{Name: "dev", Profile: config.Profile{
		Region: "eu-west-1", UserPoolID: "eu-west-1_Prof", ClientID: "profclient", Username: "alice",
		Endpoint: "http://127.0.0.1:9229", AWSProfile: "admin",
		HostedUI: config.HostedUI{Domain: "auth.example.com", CallbackURL: "http://localhost:8765/callback", Scopes: []string{"openid", "email"}},
	}}
	cases := []struct {
		name    string
		global  GlobalOptions
		flags   TargetFlags
		prof    ActiveProfile
		want    Target
		wantErr string
	}{
		{name: "the profile's values", prof: prof, want: Target{Profile: "dev", AWSProfile: "admin", Region: "eu-west-1",
			Endpoint: "http://127.0.0.1:9229", UserPoolID: "eu-west-1_Prof", ClientID: "profclient", Username: "alice",
			Domain: "auth.example.com", RedirectURI: "http://localhost:8765/callback", Scopes: []string{"openid", "email"}}},
		{name: "flags over the profile", prof: prof,
			global: GlobalOptions{Region: "us-east-2", Endpoint: "http://localhost:1", AWSProfile: "cli-admin"},
			flags: TargetFlags{UserPoolID: "us-east-2_Flag", ClientID: "flagclient", Username: "bob", Issuer: "https://idp.example",
				Domain: "d.example", RedirectURI: "http://127.0.0.1:9/cb", Scope: "openid  phone"},
			want: Target{Profile: "dev", AWSProfile: "cli-admin", Region: "us-east-2", Endpoint: "http://localhost:1",
				UserPoolID: "us-east-2_Flag", ClientID: "flagclient", Username: "bob", Issuer: "https://idp.example",
				Domain: "d.example", RedirectURI: "http://127.0.0.1:9/cb", Scopes: []string{"openid", "phone"}}},
		{name: "no profile", want: Target{}},
		{name: "a bad pool from the profile names the profile",
			prof:    ActiveProfile{Name: "p", Profile: config.Profile{UserPoolID: "nounderscore", ClientID: "c"}},
			wantErr: "user_pool_id of profile p"},
		{name: "a bad pool from the flag names the flag", prof: prof, flags: TargetFlags{UserPoolID: "nounderscore"},
			wantErr: "--user-pool-id"},
		{name: "a bad endpoint from the profile names the profile",
			prof:    ActiveProfile{Name: "p", Profile: config.Profile{Endpoint: "localhost:9229", ClientID: "c"}},
			wantErr: `endpoint of profile p "localhost:9229" is not an absolute URL`},
		{name: "a bad region from the flag names the region, not the pool", global: GlobalOptions{Region: "not a region"},
			wantErr: `--region "not a region" is not an AWS region`},
		{name: "a bad region from the profile names the profile",
			prof:    ActiveProfile{Name: "p", Profile: config.Profile{Region: "eu-west", ClientID: "c"}},
			wantErr: `region of profile p "eu-west" is not an AWS region`},
		{name: "a bad endpoint from the flag names the flag", global: GlobalOptions{Endpoint: "ftp://x"},
			wantErr: `--endpoint "ftp://x" has scheme "ftp"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := &Factory{Env: func(string) string { return "" }, Global: c.global}
			got := f.NewTarget(c.prof, c.flags)
			err := got.CheckPoolAndEndpoint()
			if c.wantErr != "" {
				var ee *ExitError
				if !errors.As(err, &ee) || ee.Code != ExitUsage || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want a usage error with %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got.secret, got.poolFrom, got.endpointFrom, got.regionFrom = nil, "", "", ""
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("target\n got %+v\nwant %+v", got, c.want)
			}
		})
	}
}

// TestResolveTarget: what a command that takes its target from the
// profile alone gets: the in-process stack to start, the demo pool of a
// `cogscope local` endpoint, or the profile's pool with its secret read.
func TestResolveTarget(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(cfg, []byte(`[profiles.aws]
user_pool_id = "eu-west-1_AbCdEfGhI"
client_id = "c1"
client_secret_env = "C1_SECRET"
[profiles.nopool]
client_id = "c2"
[profiles.noclient]
user_pool_id = "eu-west-1_AbCdEfGhI"
`), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"C1_SECRET": "s3cr3t", "XDG_CONFIG_HOME": dir, "XDG_STATE_HOME": dir}
	resolve := func(g GlobalOptions) (Target, error) {
		g.ConfigPath = cfg
		f := &Factory{Env: func(k string) string { return env[k] }, Global: g}
		return f.ResolveTarget(context.Background())
	}

	tg, err := resolve(GlobalOptions{})
	if err != nil || !tg.Pending || tg.Endpoint != "" {
		t.Errorf("nothing configured: the in-process stack is to start: %+v %v", tg, err)
	}
	tg, err = resolve(GlobalOptions{Endpoint: "http://127.0.0.1:9229", Region: "eu-central-1"})
	if err != nil || tg.Pending || !strings.HasPrefix(tg.UserPoolID, "eu-central-1_") ||
		tg.Issuer != "http://127.0.0.1:9229/"+tg.UserPoolID || tg.CCClientID == "" || tg.CCClientSecret == "" || tg.Ephemeral {
		t.Errorf("an endpoint: its demo pool in the region: %+v %v", tg, err)
	}
	tg, err = resolve(GlobalOptions{Profile: "aws"})
	if err != nil || tg.Region != "eu-west-1" || tg.ClientSecret != "s3cr3t" || tg.CCClientID != "c1" || tg.CCClientSecret != "s3cr3t" ||
		tg.Issuer != "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEfGhI" || tg.IsLoopback() {
		t.Errorf("a profile on AWS: %+v %v", tg, err)
	}
	if got := tg.SessionKey("c1"); got != config.SessionKey("aws", "eu-west-1_AbCdEfGhI", "c1") {
		t.Errorf("session key %q", got)
	}
	if tg, err := resolve(GlobalOptions{Profile: "nopool"}); err != nil || tg.UserPoolID != "" || tg.Issuer != "" {
		t.Errorf("a client without a pool is allowed (the hosted UI may name it): %+v %v", tg, err)
	}
	if _, err := resolve(GlobalOptions{Profile: "noclient"}); err == nil || !strings.Contains(err.Error(), "no app client") {
		t.Errorf("a pool without a client: %v", err)
	}
	delete(env, "C1_SECRET")
	if _, err := resolve(GlobalOptions{Profile: "aws"}); err == nil || !strings.Contains(err.Error(), "C1_SECRET") {
		t.Errorf("a secret reference that resolves to nothing: %v", err)
	}
}
