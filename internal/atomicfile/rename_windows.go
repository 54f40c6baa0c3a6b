//go:build windows

package atomicfile

import (
	"errors"
	"os"
	"syscall"
	"time"
)

// rename replaces to with from (os.Rename uses MoveFileEx with
// MOVEFILE_REPLACE_EXISTING). Another process that has the destination
// open without FILE_SHARE_DELETE (an indexer, an antivirus scan) makes it
// fail with ERROR_ACCESS_DENIED or ERROR_SHARING_VIOLATION for a moment:
// retry a few times before giving up.
func rename(from, to string) error {
	const (
		errorAccessDenied     = syscall.Errno(5)
		errorSharingViolation = syscall.Errno(32)
	)
	var err error
	for i := range 8 {
		if err = os.Rename(from, to); err == nil {
			return nil
		}
		if !errors.Is(err, errorAccessDenied) && !errors.Is(err, errorSharingViolation) {
			return err
		}
		time.Sleep(time.Duration(i+1) * 10 * time.Millisecond)
	}
	return err
}
