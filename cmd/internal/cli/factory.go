package cli

import (
	"io"
	"net/http"
	"os"
	"time"

	"golang.org/x/term"
)

// IOStreams are the streams a command reads and writes. Data goes to Out,
// messages for people to ErrOut.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	// InTTY and OutTTY say whether In and Out are terminals; tests set them.
	InTTY  bool
	OutTTY bool
	// InFd is the file descriptor of In when it is a terminal, for
	// reading a password with echo off.
	InFd int
}

// Factory holds the lazily built dependencies of every command, so tests can
// swap in fakes.
type Factory struct {
	IO     IOStreams
	Env    func(key string) string
	Now    func() time.Time
	HTTP   *http.Client
	Global GlobalOptions
}

// NewSystemFactory wires the factory to the real process.
func NewSystemFactory() *Factory {
	return &Factory{
		IO: IOStreams{
			In:     os.Stdin,
			Out:    os.Stdout,
			ErrOut: os.Stderr,
			InTTY:  term.IsTerminal(int(os.Stdin.Fd())),
			OutTTY: term.IsTerminal(int(os.Stdout.Fd())),
			InFd:   int(os.Stdin.Fd()),
		},
		Env:  os.Getenv,
		Now:  time.Now,
		HTTP: newHTTPClient(),
	}
}
