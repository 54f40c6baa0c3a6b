package console

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/cogscope/cogscope/internal/atomicfile"
	"github.com/cogscope/cogscope/internal/transcript"
	"github.com/cogscope/cogscope/ui/service"
)

// The console's x writes the latest recorded session of its target (the
// sign-ins and calls it, login and call recorded) as Markdown, the form
// `cogscope transcript export` writes for a ticket, to a new file in the
// state directory's transcripts/ beside the recorded sessions: the
// current directory means nothing to a full-screen program.
//
// The in-process stack's demo records too, into a temporary directory
// that ends with the console (demoTranscripts): its sessions are bounded
// as every target's, and the stack's tokens die with it, so they are not
// mixed with those of a `cogscope local` serving the same demo pool. The
// export itself is kept.

// exportTranscript is ui.Options.ExportTranscript: the new file's path,
// or an error wrapping service.ErrNothingRecorded when the target has no
// recorded session. It runs in a Cmd.
func (c *console) exportTranscript(ctx context.Context) (string, error) {
	t := c.current()
	if t.Pending {
		return "", fmt.Errorf("%w yet: the local stack is still starting", service.ErrNothingRecorded)
	}
	key := t.SessionKey(t.ClientID)
	var md, js bytes.Buffer
	for _, out := range []struct {
		format string
		buf    *bytes.Buffer
	}{{transcript.FormatMarkdown, &md}, {transcript.FormatJSON, &js}} {
		_, err := c.f.ExportTranscript(t, t.ClientID, out.format, out.buf)
		switch {
		case errors.Is(err, transcript.ErrNoTranscript):
			return "", fmt.Errorf("%w for %s yet: sign in (1) or call a route (3) first", service.ErrNothingRecorded, key)
		case err != nil:
			return "", fmt.Errorf("read the recorded session of %s: %w", key, err)
		}
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	return c.writeExport(key, md.Bytes(), js.Bytes())
}

// maxExportTries bounds the names tried for a new file in one second.
const maxExportTries = 100

// writeExport writes the Markdown and the JSON form to new files for key
// in the transcripts directory, <key>-<UTC time>.md and .json (mode 0600,
// written atomically), and returns the Markdown file's absolute path. An
// existing file is never replaced: a second export in the same second
// gets -2, -3, ….
func (c *console) writeExport(key string, md, js []byte) (string, error) {
	store, err := c.f.Transcripts().Path(key) // the store's file name: key made safe
	if err != nil {
		return "", err
	}
	dir := filepath.Dir(store)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	base := strings.TrimSuffix(filepath.Base(store), ".json") + "-" + c.f.Clock()().UTC().Format("20060102T150405Z")
	for i := 1; i <= maxExportTries; i++ {
		name := base
		if i > 1 {
			name += "-" + strconv.Itoa(i)
		}
		p, pj := filepath.Join(dir, name+".md"), filepath.Join(dir, name+".json")
		taken, err := anyExists(p, pj)
		if err != nil {
			return "", fmt.Errorf("export the transcript: %w", err)
		}
		if taken {
			continue
		}
		if err := atomicfile.WriteFile(pj, js, 0o600); err != nil {
			return "", fmt.Errorf("write %s: %w", pj, err)
		}
		if err := atomicfile.WriteFile(p, md, 0o600); err != nil {
			return "", fmt.Errorf("write %s: %w", p, err)
		}
		if abs, err := filepath.Abs(p); err == nil {
			p = abs
		}
		return p, nil
	}
	return "", fmt.Errorf("export the transcript: %d files named %s* already in %s", maxExportTries, base, dir)
}

// anyExists says whether one of paths exists (as anything, a symlink
// included).
func anyExists(paths ...string) (bool, error) {
	for _, p := range paths {
		if _, err := os.Lstat(p); err == nil {
			return true, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return false, err
		}
	}
	return false, nil
}

// demoDirPattern names the demo's temporary directories (os.MkdirTemp).
const demoDirPattern = "cogscope-demo-transcripts-"

// demoDirMaxAge is the age past which a demo's temporary directory is
// taken to be left behind by a console that could not remove it (killed,
// or its terminal closed under it): the next demo removes it.
const demoDirMaxAge = 24 * time.Hour

// newDemoDir makes the demo's temporary directory, first removing those
// older demos left behind (sweepDemoDirs); "" when none can be made (the
// demo then records nothing).
func newDemoDir(now time.Time) string {
	sweepDemoDirs(os.TempDir(), now)
	dir, err := os.MkdirTemp("", demoDirPattern+"*")
	if err != nil {
		return ""
	}
	return dir
}

// sweepDemoDirs removes the demo directories under tmp last changed more
// than demoDirMaxAge before now. What they hold is masked already; this
// only keeps them from piling up. Directories it cannot remove (another
// user's) are left alone.
func sweepDemoDirs(tmp string, now time.Time) {
	old, _ := filepath.Glob(filepath.Join(tmp, demoDirPattern+"*"))
	for _, d := range old {
		fi, err := os.Lstat(d)
		if err != nil || !fi.IsDir() || now.Sub(fi.ModTime()) < demoDirMaxAge {
			continue
		}
		_ = os.RemoveAll(d)
	}
}

// demoTranscripts is where the in-process stack's sessions are recorded
// (cmdutil.Factory.EphemeralTranscripts): a temporary directory made when
// the stack starts, removed by close; nil before.
func (c *console) demoTranscripts() *transcript.Store {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.demoDir == "" {
		return nil
	}
	return transcript.NewStore(c.demoDir)
}
