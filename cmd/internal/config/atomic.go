package config

import (
	"fmt"
	"os"
	"path/filepath"
)

// writeFileAtomic replaces path with data: a temporary file in the same
// directory, written, synced, given perm, then renamed over path, so a
// reader sees the old file or the new one, never half of one. It builds
// on every release target (renameio.WriteFile does not exist on Windows,
// where os.Rename replaces an existing file too).
func writeFileAtomic(path string, data []byte, perm os.FileMode) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(perm); err != nil {
		return fmt.Errorf("chmod %s: %w", tmp.Name(), err)
	}
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Save writes f to path as TOML, atomically, after checking it as Load
// would; the directory is created (0700) and the file is 0600 (a profile
// may name a secret command). An existing file is kept as path + ".bak":
// its comments are not carried over.
func Save(path string, f *File) error {
	b, err := f.Marshal()
	if err != nil {
		return fmt.Errorf("encode config: %w", err)
	}
	var check File
	if err := Parse(b, &check); err != nil {
		return fmt.Errorf("config would not load: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create config directory: %w", err)
	}
	if old, err := readLimited(path, maxConfigBytes); err == nil {
		if err := writeFileAtomic(path+".bak", old, 0o600); err != nil {
			return fmt.Errorf("keep the previous config: %w", err)
		}
	}
	return writeFileAtomic(path, b, 0o600)
}
