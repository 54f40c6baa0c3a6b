package local

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestWriteFileAtomic(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	for i, content := range []string{"first", "second, longer than the first"} {
		if err := writeFileAtomic(path, []byte(content), 0o600); err != nil {
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
	if err := writeFileAtomic(path, []byte("old"), 0o600); err != nil {
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
	if err := writeFileAtomic(target, []byte("new"), 0o600); err == nil {
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

func TestStateRoundTrip(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "s.json")
	snaps := map[string][]byte{
		"json":   []byte(`{"pools": [1, 2]}`),
		"binary": {0, 1, 2, 255},
		"string": []byte(`"just a string"`),
	}
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	if err := writeState(path, snaps, now); err != nil {
		t.Fatal(err)
	}
	doc, err := readState(path)
	if err != nil {
		t.Fatal(err)
	}
	if !doc.SavedAt.Equal(now) || doc.Version != stateVersion || doc.Format != stateFormat {
		t.Errorf("header = %+v", doc)
	}
	for name, want := range snaps {
		got, err := decodeSnapshot(doc.Services[name])
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if name == "json" {
			// Stored as JSON (indented in the file), compared as values.
			var buf bytes.Buffer
			if err := json.Compact(&buf, got); err != nil {
				t.Fatal(err)
			}
			got, want = buf.Bytes(), []byte(`{"pools":[1,2]}`)
		}
		if string(got) != string(want) {
			t.Errorf("%s: got %q, want %q", name, got, want)
		}
	}
}

func TestReadStateRefusesBadFiles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, content, want string
	}{
		{"empty", "", "empty"},
		{"truncated", `{"format":"cogscope-local-state","version":1,"services":{"cognito-idp":{"po`, "line 1"},
		{"garbage", "\x00\x01 not json", "line 1, column 1"},
		{"other format", `{"format":"something-else","version":1}`, "not a cogscope local state file"},
		{"newer", `{"format":"cogscope-local-state","version":99}`, "newer cogscope"},
		{"no version", `{"format":"cogscope-local-state"}`, "missing state version"},
		{"wrong type", `{"format":"cogscope-local-state","version":"1"}`, "line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "s.json")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := readState(path)
			if !errors.Is(err, ErrCorruptState) {
				t.Fatalf("err = %v, want ErrCorruptState", err)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("err = %q, want it to name the file and say %q", err, tt.want)
			}
		})
	}
	t.Run("missing file is a fresh start", func(t *testing.T) {
		t.Parallel()
		doc, err := readState(filepath.Join(t.TempDir(), "absent.json"))
		if doc != nil || err != nil {
			t.Fatalf("readState(missing) = %v, %v; want nil, nil", doc, err)
		}
	})
	t.Run("unreadable", func(t *testing.T) {
		t.Parallel()
		_, err := readState(t.TempDir()) // a directory
		if err == nil || errors.Is(err, ErrCorruptState) {
			t.Fatalf("err = %v, want a read error", err)
		}
	})
}
