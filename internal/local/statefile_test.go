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
