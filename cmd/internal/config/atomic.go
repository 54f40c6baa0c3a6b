package config

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/cogscope/cogscope/internal/atomicfile"
)

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
		if err := atomicfile.WriteFile(path+".bak", old, 0o600); err != nil {
			return fmt.Errorf("keep the previous config: %w", err)
		}
	}
	return atomicfile.WriteFile(path, b, 0o600)
}
