package tail

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
)

// syncBuffer is a buffer a follow writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testFactory is a factory of fake streams and a hermetic environment
// (XDG directories in a temporary directory, no config file).
func testFactory(t *testing.T, env map[string]string) (*cmdutil.Factory, *syncBuffer, *syncBuffer) {
	t.Helper()
	dir := t.TempDir()
	e := map[string]string{"XDG_CONFIG_HOME": dir + "/config", "XDG_STATE_HOME": dir + "/state", "HOME": dir}
	for k, v := range env {
		e[k] = v
	}
	out, errOut := &syncBuffer{}, &syncBuffer{}
	f := &cmdutil.Factory{
		IO:   cmdutil.IOStreams{In: strings.NewReader(""), Out: out, ErrOut: errOut},
		Env:  func(k string) string { return e[k] },
		Now:  time.Now,
		HTTP: &http.Client{Timeout: 30 * time.Second},
	}
	return f, out, errOut
}

// runCLI runs a command line as cogscope would, with tail under the
// root's global flags.
func runCLI(ctx context.Context, f *cmdutil.Factory, args ...string) int {
	root := cmdutil.NewRootCmd(f)
	root.AddCommand(NewCmdTail(f, nil))
	return cmdutil.Execute(ctx, f, root, args)
}
