package local

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/cogscope/cogscope/internal/atomicfile"
)

// stateFormat names the JSON document a --state file holds, so that a file
// written by something else is refused instead of half-restored.
const (
	stateFormat  = "cogscope-local-state"
	stateVersion = 1
)

// ErrCorruptState wraps every reason a state file cannot be restored.
var ErrCorruptState = errors.New("corrupt state file")

// stateDoc is the state file: each service's own snapshot under its name,
// so services added later keep their state without changing the others'.
type stateDoc struct {
	Format   string                     `json:"format"`
	Version  int                        `json:"version"`
	SavedAt  time.Time                  `json:"savedAt"`
	Services map[string]json.RawMessage `json:"services"`
}

// encodeSnapshot stores a service snapshot in the document: as is when it
// is JSON (readable, diffable), else as a base64 JSON string.
func encodeSnapshot(b []byte) (json.RawMessage, error) {
	if json.Valid(b) && len(bytes.TrimSpace(b)) > 0 && bytes.TrimSpace(b)[0] != '"' {
		var buf bytes.Buffer
		if err := json.Compact(&buf, b); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	return json.Marshal(b)
}

// decodeSnapshot reverses encodeSnapshot.
func decodeSnapshot(raw json.RawMessage) ([]byte, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var b []byte
		if err := json.Unmarshal(raw, &b); err != nil {
			return nil, err
		}
		return b, nil
	}
	return raw, nil
}

// readState loads path. A missing file is not an error: it returns nil and
// the caller seeds a fresh stack.
func readState(path string) (*stateDoc, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read state file: %w", err)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, fmt.Errorf("%w %s: the file is empty", ErrCorruptState, path)
	}
	var doc stateDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%w %s: %s", ErrCorruptState, path, describeJSONError(b, err))
	}
	switch {
	case doc.Format != stateFormat:
		return nil, fmt.Errorf("%w %s: not a cogscope local state file (format %q)", ErrCorruptState, path, doc.Format)
	case doc.Version > stateVersion:
		return nil, fmt.Errorf("%w %s: written by a newer cogscope (state version %d, this one reads %d)", ErrCorruptState, path, doc.Version, stateVersion)
	case doc.Version < 1:
		return nil, fmt.Errorf("%w %s: missing state version", ErrCorruptState, path)
	}
	return &doc, nil
}

// writeState writes the snapshots atomically with mode 0600.
func writeState(path string, snapshots map[string][]byte, now time.Time) error {
	doc := stateDoc{Format: stateFormat, Version: stateVersion, SavedAt: now.UTC(), Services: map[string]json.RawMessage{}}
	for name, b := range snapshots {
		raw, err := encodeSnapshot(b)
		if err != nil {
			return fmt.Errorf("encode %s snapshot: %w", name, err)
		}
		doc.Services[name] = raw
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	if err := atomicfile.WriteFile(path, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("write state file %s: %w", path, err)
	}
	return nil
}
