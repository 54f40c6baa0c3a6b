package transcriptcmd

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/internal/transcript"
)

func run(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	env := map[string]string{"XDG_CONFIG_HOME": filepath.Join(dir, "c"), "XDG_STATE_HOME": filepath.Join(dir, "s")}
	var out, errOut bytes.Buffer
	f := &cmdutil.Factory{IO: cmdutil.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}, Env: func(k string) string { return env[k] }}
	root := cmdutil.NewRootCmd(f)
	root.AddCommand(NewCmdTranscript(f, nil))
	code := cmdutil.Execute(context.Background(), f, root, args)
	return code, out.String(), errOut.String()
}

// TestExportExitCodes: nothing recorded is exit 1, no target at all
// (the in-process stack records nothing) exit 2; a recorded session is
// written whole.
func TestExportExitCodes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pool := []string{"--region", "eu-west-1", "transcript", "export", "--user-pool-id", "eu-west-1_AbCdEfGhI", "--client-id", "c1"}
	if code, _, errOut := run(t, dir, pool...); code != 1 || !strings.Contains(errOut, "no recorded session for eu-west-1_AbCdEfGhI.c1") {
		t.Errorf("nothing recorded: exit %d, %s", code, errOut)
	}
	if code, _, errOut := run(t, dir, "transcript", "export"); code != 2 || !strings.Contains(errOut, "no target") {
		t.Errorf("no target: exit %d, %s", code, errOut)
	}
	store := transcript.NewStore(filepath.Join(dir, "s", "cogscope"))
	err := store.Record("eu-west-1_AbCdEfGhI.c1", transcript.RecordOptions{Fresh: true, Target: transcript.Target{UserPoolID: "eu-west-1_AbCdEfGhI", ClientID: "c1"}},
		func(tr *transcript.Transcript) {
			tr.Calls = append(tr.Calls, transcript.Call{Method: "GET", Path: "/orders", Status: 403, Message: "Forbidden"})
		})
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, dir, pool...)
	if code != 0 || !strings.Contains(out, "## Call 1: GET `/orders` → 403") || !strings.Contains(out, "## Masked") {
		t.Errorf("exit %d\nstderr: %s\nstdout: %s", code, errOut, out)
	}
}

// TestExportNeedsNoClientSecret: exporting reads the store, so a
// profile whose client_secret_env is not set exports its session all the
// same (the secret is never read), as Markdown and JSON.
func TestExportNeedsNoClientSecret(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(cfg, []byte("[profiles.conf]\nregion = \"eu-west-1\"\nuser_pool_id = \"eu-west-1_AbCdEfGhI\"\nclient_id = \"c1\"\nclient_secret_env = \"EXPORT_SECRET_UNSET\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	store := transcript.NewStore(filepath.Join(dir, "s", "cogscope"))
	err := store.Record("conf", transcript.RecordOptions{Fresh: true, Target: transcript.Target{Profile: "conf", UserPoolID: "eu-west-1_AbCdEfGhI", ClientID: "c1"}},
		func(tr *transcript.Transcript) {
			tr.SignIns = append(tr.SignIns, transcript.SignIn{Flow: "client-credentials", Outcome: transcript.OutcomeSignedIn})
		})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ format, want string }{{"md", "## Sign-in 1: client-credentials"}, {"json", `"flow": "client-credentials"`}} {
		code, out, errOut := run(t, dir, "--config", cfg, "--profile", "conf", "transcript", "export", "--format", tc.format)
		if code != 0 || !strings.Contains(out, tc.want) {
			t.Errorf("%s: exit %d\nstderr: %s\nstdout: %s", tc.format, code, errOut, out)
		}
	}
}
