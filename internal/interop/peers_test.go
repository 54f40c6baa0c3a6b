package interop

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// peers returns the directory holding the peers' node_modules, or skips
// the test when COGSCOPE_PEERS is unset.
func peers(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("COGSCOPE_PEERS")
	if dir == "" {
		t.Skip("COGSCOPE_PEERS is unset: interop tests need Node.js and the official JS peers " +
			"(npm ci in a copy of internal/interop/peers, then COGSCOPE_PEERS=<that dir>; .ci/run does it)")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "amazon-cognito-identity-js")); err != nil {
		t.Fatalf("COGSCOPE_PEERS=%s has no installed peers: %v", dir, err)
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatalf("COGSCOPE_PEERS is set but node is not on PATH: %v", err)
	}
	return dir
}

// nodeResult is what a peer script printed and how it exited.
type nodeResult struct {
	stdout, stderr []byte
	code           int
}

// runPeer runs one of the scripts in peers/ with Node. Its environment is
// hermetic for AWS: no AWS_* variables from the developer, and config files
// pointing nowhere.
func runPeer(t *testing.T, stdin []byte, script string, args ...string) nodeResult {
	t.Helper()
	dir := peers(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", append([]string{filepath.Join("peers", script)}, args...)...)
	env := []string{
		"NODE_PATH=" + filepath.Join(dir, "node_modules"),
		"AWS_CONFIG_FILE=" + filepath.Join(t.TempDir(), "no-config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(t.TempDir(), "no-credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
	}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "NODE_PATH=") {
			env = append(env, kv)
		}
	}
	cmd.Env = env
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("run %s: %v", script, err)
		}
		code = ee.ExitCode()
	}
	if ctx.Err() != nil {
		t.Fatalf("%s timed out; stderr:\n%s", script, stderr.Bytes())
	}
	return nodeResult{stdout: stdout.Bytes(), stderr: stderr.Bytes(), code: code}
}

// decode parses a peer's JSON output, failing with everything it printed.
func (r nodeResult) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.stdout, v); err != nil {
		t.Fatalf("peer output is not JSON (%v); exit %d\nstdout:\n%s\nstderr:\n%s", err, r.code, r.stdout, r.stderr)
	}
}
