package config

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

const sample = `
default_profile = "dev"

[profiles.dev]
region       = "eu-west-1"
user_pool_id = "eu-west-1_AbCdEfGhI"
client_id    = "1example23456789"
client_secret_env = "DEV_SECRET"
username     = "alice"
flow         = "srp"
endpoint     = "http://127.0.0.1:9229"

[profiles.dev.hosted_ui]
domain       = "https://dev.auth.eu-west-1.amazoncognito.com"
callback_url = "http://localhost:8400/callback"
scopes       = ["openid", "email"]

[profiles.dev.api]
base_url = "https://abc.execute-api.eu-west-1.amazonaws.com/prod"
[[profiles.dev.api.routes]]
name = "me"
path = "/me"
[[profiles.dev.api.routes]]
name = "reports"
path = "/reports"
token = "sigv4"

[profiles.dev.logs]
groups = ["/aws/lambda/authorizer"]

[profiles.prod]
user_pool_id = "us-east-1_Zz"
client_id = "c"
client_secret_command = "printf 's3cr3t\n'"
`

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadSample(t *testing.T) {
	t.Parallel()
	f, err := Load(writeConfig(t, sample))
	if err != nil {
		t.Fatal(err)
	}
	if !f.Found || f.DefaultProfile != "dev" {
		t.Fatalf("Found=%v default=%q", f.Found, f.DefaultProfile)
	}
	p, name, ok, err := f.Profile("")
	if err != nil || !ok || name != "dev" {
		t.Fatalf("Profile(\"\") = %q %v %v", name, ok, err)
	}
	if p.UserPoolID != "eu-west-1_AbCdEfGhI" || p.ClientSecretEnv != "DEV_SECRET" || p.Endpoint != "http://127.0.0.1:9229" {
		t.Errorf("profile = %+v", p)
	}
	if p.HostedUI.CallbackURL != "http://localhost:8400/callback" || len(p.HostedUI.Scopes) != 2 {
		t.Errorf("hosted_ui = %+v", p.HostedUI)
	}
	if len(p.API.Routes) != 2 || p.API.Routes[0].Path != "/me" || p.API.Routes[1].Token != "sigv4" || p.Logs.Groups[0] != "/aws/lambda/authorizer" {
		t.Errorf("api/logs = %+v %+v", p.API, p.Logs)
	}
	if got := f.Names(); strings.Join(got, ",") != "dev,prod" {
		t.Errorf("Names = %v", got)
	}
	// Round trip: what Marshal writes, Parse reads back the same.
	b, err := f.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var g File
	if err := Parse(b, &g); err != nil {
		t.Fatalf("re-parse: %v\n%s", err, b)
	}
	if g.Profiles["dev"].HostedUI.Domain != p.HostedUI.Domain || g.Profiles["prod"].ClientSecretCommand != f.Profiles["prod"].ClientSecretCommand {
		t.Errorf("round trip lost data:\n%s", b)
	}
}

func TestLoadMissingFileIsEmpty(t *testing.T) {
	t.Parallel()
	f, err := Load(filepath.Join(t.TempDir(), "nope.toml"))
	if err != nil || f.Found || len(f.Profiles) != 0 {
		t.Fatalf("Load missing = %+v, %v", f, err)
	}
	_, _, ok, err := f.Profile("")
	if ok || err != nil {
		t.Errorf("no default profile: ok=%v err=%v", ok, err)
	}
	_, _, _, err = f.Profile("dev")
	if !errors.Is(err, ErrUnknownProfile) || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("unknown profile in missing file: %v", err)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, text, want string
	}{
		{"secret in file", "[profiles.a]\nclient_id='x'\nclient_secret='hunter2'\n", "cannot be stored in the config file"},
		{"typo", "[profiles.a]\nclient_idd='x'\n", "unknown key(s) profiles.a.client_idd"},
		{"both secret refs", "[profiles.a]\nclient_secret_env='A'\nclient_secret_command='b'\n", "not both"},
		{"bad default", "default_profile='x'\n[profiles.a]\n", `default_profile "x" is not a profile (have: a)`},
		{"syntax", "[profiles.a\n", "line 1"},
		{"route without path", "[profiles.a.api]\n[[profiles.a.api.routes]]\nname='x'\n", "needs a name and a path"},
		{"bad route token", "[profiles.a.api]\n[[profiles.a.api.routes]]\nname='x'\npath='/x'\ntoken='bogus'\n", `api.routes[0] (x): token "bogus": want access, id, none or sigv4`},
		{"bad route expect", "[profiles.a.api]\n[[profiles.a.api.routes]]\nname='x'\npath='/x'\nexpect=42\n", "expect 42 is not an HTTP status"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var f File
			err := Parse([]byte(c.text), &f)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to contain %q", err, c.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error leaks the secret: %v", err)
			}
		})
	}
}

func TestUnknownProfileListsNames(t *testing.T) {
	t.Parallel()
	f, err := Load(writeConfig(t, sample))
	if err != nil {
		t.Fatal(err)
	}
	_, _, _, err = f.Profile("staging")
	if !errors.Is(err, ErrUnknownProfile) || !strings.Contains(err.Error(), "profiles: dev, prod") {
		t.Errorf("err = %v", err)
	}
}

func TestClientSecret(t *testing.T) {
	t.Parallel()
	env := func(k string) string { return map[string]string{"DEV_SECRET": "from-env"}[k] }
	ctx := context.Background()
	cases := []struct {
		name    string
		p       Profile
		want    string
		wantErr string
	}{
		{"none", Profile{}, "", ""},
		{"env", Profile{ClientSecretEnv: "DEV_SECRET"}, "from-env", ""},
		{"env unset", Profile{ClientSecretEnv: "MISSING"}, "", "$MISSING is empty"},
		{"command", Profile{ClientSecretCommand: "printf 's3cr3t\\n'"}, "s3cr3t", ""},
		{"command fails", Profile{ClientSecretCommand: "echo oops >&2; exit 3"}, "", "oops"},
		{"command prints nothing", Profile{ClientSecretCommand: "true"}, "", "printed nothing"},
		{"pass-style notes after the secret", Profile{ClientSecretCommand: "printf 's3cr3t\\nurl: https://example.com\\nuser: ci\\n'"}, "s3cr3t", ""},
		{"CRLF line ending", Profile{ClientSecretCommand: "printf 's3cr3t\\r\\n'"}, "s3cr3t", ""},
		{"endless output", Profile{ClientSecretCommand: "yes"}, "", "more than 64 KiB"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if runtime.GOOS == "windows" && c.p.ClientSecretCommand != "" {
				t.Skip("sh commands")
			}
			got, err := c.p.ClientSecret(ctx, env)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("got %q, %v; want %q", got, err, c.want)
			}
		})
	}
}

func TestDefaultPaths(t *testing.T) {
	t.Parallel()
	env := func(k string) string {
		return map[string]string{"XDG_CONFIG_HOME": "/cfg", "XDG_STATE_HOME": "/state"}[k]
	}
	p := DefaultPaths(env)
	if p.ConfigFile != filepath.Join("/cfg", "cogscope", "config.toml") || p.StateDir != filepath.Join("/state", "cogscope") {
		t.Errorf("paths = %+v", p)
	}
	// Relative XDG values are invalid per the spec and ignored.
	p = DefaultPaths(func(string) string { return "relative" })
	if !filepath.IsAbs(p.ConfigFile) || !filepath.IsAbs(p.StateDir) {
		t.Errorf("fallback paths not absolute: %+v", p)
	}
}

// TestLoadBoundsTheFile: a config path that is not a config file (a huge
// file, /dev/zero) is refused after 1 MiB instead of filling memory.
func TestLoadBoundsTheFile(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(p, []byte(strings.Repeat("# a comment line\n", (2<<20)/17)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(p); err == nil || !strings.Contains(err.Error(), "larger than 1 MiB") {
		t.Errorf("Load of a 2 MiB file: %v", err)
	}
}
