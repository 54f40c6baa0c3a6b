package service

import "errors"

// ErrNothingRecorded is wrapped by Options.ExportTranscript's error when
// the target has no recorded session to export (nothing signed in or
// called yet, or a target that records nothing): the console says so
// plainly rather than as a failure.
var ErrNothingRecorded = errors.New("nothing recorded")
