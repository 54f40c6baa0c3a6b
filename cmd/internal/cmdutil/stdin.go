package cmdutil

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// LineReader reads stdin line by line, shared by --*-stdin flags and the
// prompter so that neither swallows the other's input. Every read ends
// when ctx does (Ctrl-C): a blocked read of a terminal or a pipe must not
// outlive the command's interrupt.
type LineReader struct {
	// ctx is the command's context. It is kept here, against the usual
	// rule, because every caller reads through this one reader.
	ctx context.Context
	src io.Reader
	r   *bufio.Reader
}

func NewLineReader(ctx context.Context, in io.Reader) *LineReader {
	if in == nil {
		in = strings.NewReader("")
	}
	if ctx == nil {
		ctx = context.Background()
	}
	return &LineReader{ctx: ctx, src: in, r: bufio.NewReader(in)}
}

// maxLine bounds a line of stdin: passwords, secrets and refresh tokens
// are at most a few KB, and an endless line must not exhaust memory.
const maxLine = 64 << 10

// errInterrupted is a read cut short by the command's context.
func errInterrupted() error { return UsageErr("interrupted") }

// Line reads one line without its line ending. End of input before any
// character is an error naming what was expected.
func (l *LineReader) Line(what string) (string, error) {
	type result struct {
		s   string
		err error
	}
	done := make(chan result, 1)
	go func() {
		s, err := l.readLine()
		done <- result{s, err}
	}()
	var res result
	select {
	case res = <-done:
	case <-l.ctx.Done():
		// The read goroutine stays blocked on stdin; the command is ending.
		return "", errInterrupted()
	}
	s, err := res.s, res.err
	if errors.Is(err, errLineTooLong) {
		return "", UsageErr("the %s on stdin is longer than %d KiB: not a %s", what, maxLine>>10, what)
	}
	if err != nil && !(errors.Is(err, io.EOF) && s != "") {
		if errors.Is(err, io.EOF) {
			return "", UsageErr("expected the %s on stdin, got end of input", what)
		}
		return "", &ExitError{Code: ExitUsage, Err: fmt.Errorf("read %s from stdin: %w", what, err)}
	}
	return strings.TrimRight(s, "\r\n"), nil
}

var errLineTooLong = errors.New("line too long")

// readLine reads up to and including '\n', at most maxLine bytes.
func (l *LineReader) readLine() (string, error) {
	var b []byte
	for {
		chunk, err := l.r.ReadSlice('\n')
		b = append(b, chunk...)
		if len(b) > maxLine {
			return "", errLineTooLong
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return string(b), err
		}
	}
}

// Prompt writes label to w and reads the answer line.
func (l *LineReader) Prompt(w io.Writer, label string) (string, error) {
	fmt.Fprint(w, label)
	return l.Line(strings.TrimSuffix(strings.TrimSpace(label), ":"))
}

// Secret reads a line with echo off when stdin is a real terminal. On
// Ctrl-C the terminal's state is restored before returning, so the shell
// is not left without echo.
func (l *LineReader) Secret(io IOStreams, label string) (string, error) {
	fmt.Fprint(io.ErrOut, label)
	f, ok := l.src.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) || l.r.Buffered() > 0 {
		return l.Line(strings.TrimSuffix(strings.TrimSpace(label), ":"))
	}
	fd := int(f.Fd())
	state, err := term.GetState(fd)
	if err != nil {
		return "", &ExitError{Code: ExitUsage, Err: fmt.Errorf("read %s: %w", strings.TrimSpace(label), err)}
	}
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := term.ReadPassword(fd)
		done <- result{b, err}
	}()
	select {
	case res := <-done:
		fmt.Fprintln(io.ErrOut)
		if res.err != nil {
			return "", &ExitError{Code: ExitUsage, Err: fmt.Errorf("read %s: %w", strings.TrimSpace(label), res.err)}
		}
		return string(res.b), nil
	case <-l.ctx.Done():
		_ = term.Restore(fd, state)
		fmt.Fprintln(io.ErrOut)
		return "", errInterrupted()
	}
}

var ErrTooMuchInput = errors.New("input too large")

// ReadAllCtx reads r to its end, at most limit bytes, and gives up when
// ctx ends (Ctrl-C at a terminal waiting for the token and Ctrl-D).
func ReadAllCtx(ctx context.Context, r io.Reader, limit int64) ([]byte, error) {
	if r == nil {
		return nil, nil
	}
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := io.ReadAll(io.LimitReader(r, limit+1))
		done <- result{b, err}
	}()
	select {
	case res := <-done:
		if res.err == nil && int64(len(res.b)) > limit {
			return nil, ErrTooMuchInput
		}
		return res.b, res.err
	case <-ctx.Done():
		return nil, errInterrupted()
	}
}
