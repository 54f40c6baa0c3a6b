package local_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cogscope/cogscope/cmd/internal/cli"
	"github.com/cogscope/cogscope/cmd/internal/cli/local"
)

// TestLocalProcessStopsOnSignal runs `cogscope local` as a process (this
// test binary re-executed through Main, as cmd/cogscope runs it) and stops
// it with a real SIGINT or SIGTERM: exit 0, stdout exactly the JSON line,
// and the state file written for the last time, 0600, with no temporary
// file left beside it.
func TestLocalProcessStopsOnSignal(t *testing.T) {
	if args := os.Getenv("COGSCOPE_TEST_LOCAL_MAIN"); args != "" {
		os.Args = append([]string{"cogscope"}, strings.Fields(args)...)
		os.Exit(cli.Main())
	}
	t.Parallel()
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			state := filepath.Join(dir, "state.json")
			cmd := exec.Command(os.Args[0], "-test.run=^TestLocalProcessStopsOnSignal$")
			cmd.Env = append(os.Environ(),
				"COGSCOPE_TEST_LOCAL_MAIN=local --addr 127.0.0.1:0 --json --state "+state,
				"HOME="+dir, "XDG_CONFIG_HOME="+dir, "XDG_STATE_HOME="+dir)
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = cmd.Process.Kill() })
			lines := make(chan string, 4)
			go func() {
				sc := bufio.NewScanner(stdout)
				sc.Buffer(make([]byte, 1<<16), 1<<20)
				for sc.Scan() {
					lines <- sc.Text()
				}
				close(lines)
			}()
			select {
			case line := <-lines:
				local.ParseLocalJSON(t, line)
			case <-time.After(20 * time.Second):
				t.Fatalf("no JSON line within 20s; stderr:\n%s", stderr.String())
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("exit after %v: %v; stderr:\n%s", sig, err, stderr.String())
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("still running 10s after %v", sig)
			}
			if extra, ok := <-lines; ok {
				t.Errorf("stdout has more than the JSON line: %q", extra)
			}
			fi, err := os.Stat(state)
			if err != nil || fi.Mode().Perm() != 0o600 {
				t.Fatalf("state file after %v: %v %v, want mode 0600", sig, fi, err)
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if e.Name() != "state.json" && !e.IsDir() {
					t.Errorf("left beside the state file: %s", e.Name())
				}
			}
			b, err := os.ReadFile(state)
			if err != nil || !json.Valid(b) {
				t.Errorf("state file is not whole JSON after %v: %v", sig, err)
			}
		})
	}
}
