package atomicfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteFileAtomic(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	for i, content := range []string{"first", "second, longer than the first"} {
		if err := WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != content {
			t.Fatalf("after write %d: %q, %v; want %q", i, got, err, content)
		}
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if perm := fi.Mode().Perm(); perm != 0o600 {
			t.Errorf("mode = %v, want 0600 (state holds secrets)", perm)
		}
	}
	// No temporary files are left behind.
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only state.json: %v", len(entries), entries)
	}
}

func TestWriteFileAtomicFailureKeepsOldFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	if err := WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Renaming a file over a directory fails after the temporary file is
	// complete: the old path must be untouched and the temp file gone.
	target := filepath.Join(dir, "adir")
	if err := os.Mkdir(target, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(target, "keep"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(target, []byte("new"), 0o600); err == nil {
		t.Fatal("writing over a non-empty directory succeeded")
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Fatalf("old file changed: %q", got)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

// TestTemporaryFileInDestinationDir: the temporary file is created in
// the destination's directory, readable only by the owner from its
// creation, whatever TMPDIR says.
func TestTemporaryFileInDestinationDir(t *testing.T) {
	dir := t.TempDir()
	// A TMPDIR that cannot hold files: a write that used it would fail.
	notADir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notADir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", notADir)
	t.Setenv("TMP", notADir)
	t.Setenv("TEMP", notADir)
	var seen []string
	createdHook = func(f *os.File) {
		fi, err := f.Stat()
		if err != nil {
			t.Fatal(err)
		}
		if perm := fi.Mode().Perm(); perm&0o077 != 0 {
			t.Errorf("temporary file created with mode %v, want no access for others", perm)
		}
		seen = append(seen, f.Name())
	}
	defer func() { createdHook = nil }()
	path := filepath.Join(dir, "session.json")
	if err := WriteFile(path, []byte("tokens"), 0o600); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 || filepath.Dir(seen[0]) != dir || !strings.HasPrefix(filepath.Base(seen[0]), ".session.json.tmp-") {
		t.Fatalf("temporary files %v, want one .session.json.tmp-* in %s", seen, dir)
	}
}
