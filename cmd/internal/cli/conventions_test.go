package cli

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/cogscope/cogscope/cmd/internal/cli/version"
	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

type result struct {
	code        int
	out, errOut string
}

// runIn runs a command line on a hermetic factory (config and state under
// dir).
func runIn(t *testing.T, dir, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	env := map[string]string{"XDG_CONFIG_HOME": filepath.Join(dir, "config"), "XDG_STATE_HOME": filepath.Join(dir, "state")}
	f := &cmdutil.Factory{IO: cmdutil.IOStreams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut},
		Env: func(k string) string { return env[k] }, Now: time.Now, HTTP: &http.Client{Timeout: 10 * time.Second}}
	code := Run(context.Background(), f, args)
	return result{code, out.String(), errOut.String()}
}

// TestConventions: the names and flags people bring from the AWS CLI, gh
// and kubectl.
func TestConventions(t *testing.T) {
	t.Parallel()
	stack := localtest.Start(t)
	dir := t.TempDir()

	if r := runIn(t, dir, "", "--version"); r.code != 0 || r.out != version.Line()+"\n" {
		t.Errorf("--version: exit %d, %q", r.code, r.out)
	}

	// --endpoint-url is --endpoint; --debug shows the exchanges and no
	// secret (the password travels in the body, which is not shown).
	r := runIn(t, dir, cognito.DemoPassword+"\n", "--endpoint-url", stack.Endpoint, "--debug", "login", "--user-pool-id", cognito.DemoPoolID,
		"--client-id", cognito.DemoPublicClientID, "--username", "demo", "--password-stdin", "--flow", "password", "--no-save")
	if r.code != 0 {
		t.Fatalf("--endpoint-url --debug login: exit %d\n%s", r.code, r.errOut)
	}
	for _, want := range []string{"cogscope: debug: #1 POST " + stack.Endpoint + "/ (InitiateAuth)", "> X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth",
		"cogscope: debug: #1 200 OK in "} {
		if !strings.Contains(r.errOut, want) {
			t.Errorf("--debug stderr lacks %q:\n%s", want, r.errOut)
		}
	}
	if strings.Contains(r.errOut, cognito.DemoPassword) {
		t.Errorf("--debug shows the password:\n%s", r.errOut)
	}
	if strings.Contains(r.out, "debug:") {
		t.Errorf("--debug writes to stdout:\n%s", r.out)
	}

	// Completion of the enumerated flags.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"__complete", "login", "--flow", ""}, "user-auth\t"},
		{[]string{"__complete", "login", "--preferred-challenge", ""}, "EMAIL_OTP"},
		{[]string{"__complete", "inspect", "--token-use", ""}, "access\t"},
		{[]string{"__complete", "inspect", "--authorizer", ""}, "rest-cognito\t"},
		{[]string{"__complete", "--region", "eu-w"}, "eu-west-1"},
		{[]string{"__complete", "tail", "--format", ""}, "detailed\t"},
		{[]string{"__complete", "token", ""}, "refresh\t"},
		{[]string{"__complete", "call", "--token", ""}, "none\t"},
		{[]string{"__complete", "credentials", "--flow", ""}, "basic\t"},
	} {
		r := runIn(t, dir, "", c.args...)
		if r.code != 0 || !strings.Contains(r.out, c.want) {
			t.Errorf("%v: exit %d, completions %q, want %q", c.args, r.code, r.out, c.want)
		}
	}
}

// TestProfileCompletion: --profile completes the config file's profiles.
func TestProfileCompletion(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "cogscope.toml")
	if err := writeFile(cfg, "[profiles.dev]\nclient_id = \"c\"\n[profiles.prod]\nclient_id = \"d\"\n"); err != nil {
		t.Fatal(err)
	}
	r := runIn(t, dir, "", "__complete", "--config", cfg, "--profile", "")
	if !strings.Contains(r.out, "dev\n") || !strings.Contains(r.out, "prod\n") {
		t.Errorf("--profile completions %q", r.out)
	}
}

// TestEveryCommandHasExamples: `--help` of every command shows examples.
func TestEveryCommandHasExamples(t *testing.T) {
	t.Parallel()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if !c.Hidden && c.Name() != "help" && c.Name() != "completion" && c.Runnable() && strings.TrimSpace(c.Example) == "" {
			t.Errorf("%s has no Example", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(NewCmdRoot(&cmdutil.Factory{Env: func(string) string { return "" }}))
}

func writeFile(path, s string) error { return os.WriteFile(path, []byte(s), 0o600) }

// TestDebugRefusedForTheConsole: the console draws over the terminal, so
// --debug on a terminal's stderr is refused with a way out, not a screen
// scribbled on.
func TestDebugRefusedForTheConsole(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	f := &cmdutil.Factory{IO: cmdutil.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, ErrTTY: true},
		Env: func(string) string { return "" }, Now: time.Now}
	if code := Run(context.Background(), f, []string{"--debug"}); code != cmdutil.ExitUsage || !strings.Contains(errOut.String(), "--debug does not apply to the console") {
		t.Errorf("exit %d, %q", code, errOut.String())
	}
}

// TestOneSaveFlag: login's help offers --no-save alone (saving is the
// default); --save is still accepted.
func TestOneSaveFlag(t *testing.T) {
	t.Parallel()
	r := runIn(t, t.TempDir(), "", "login", "--help")
	if r.code != 0 || !strings.Contains(r.out, "--no-save") || strings.Contains(r.out, "  --save ") {
		t.Errorf("login --help: exit %d\n%s", r.code, r.out)
	}
	if !strings.Contains(r.out, "Examples:") {
		t.Error("login --help shows no examples")
	}
}
