// Package atomicfile replaces files so that a reader, or a crash at any
// moment, sees either the old file or the new one, never part of one, and
// so that secrets never sit outside the destination's directory: the
// temporary file is created in the destination directory (mode 0600 from
// its creation), written, synced, given its final mode, and renamed over
// the destination; the directory is then synced so the rename survives a
// power cut.
//
// It replaces github.com/google/renameio, whose WriteFile does not exist
// on Windows and which may put the temporary file in the system temp
// directory. It builds on every GOOS; on Windows a rename that fails
// because another process (an indexer, an antivirus) briefly holds the
// destination is retried.
//
// It imports only the standard library.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// createdHook, when set (tests), sees each temporary file right after it
// is created.
var createdHook func(tmp *os.File)

// WriteFile replaces path with data, with mode perm. The temporary file
// is named ".<base>.tmp-<random>" in path's directory and removed on
// failure.
func WriteFile(path string, data []byte, perm os.FileMode) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*") // 0600
	if err != nil {
		return fmt.Errorf("create temporary file: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if createdHook != nil {
		createdHook(tmp)
	}
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", tmp.Name(), err)
	}
	if err = tmp.Chmod(perm); err != nil {
		return fmt.Errorf("set mode of %s: %w", tmp.Name(), err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp.Name(), err)
	}
	if err = rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rename into place: %w", err)
	}
	syncDir(dir)
	return nil
}

// syncDir makes a rename in dir durable. Failure is not reported: some
// systems (Windows) cannot open a directory for syncing, and the file
// itself is already complete.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}
