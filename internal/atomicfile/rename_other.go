//go:build !windows

package atomicfile

import "os"

// rename is atomic on POSIX systems within one file system.
func rename(from, to string) error { return os.Rename(from, to) }
