// Command firstframe measures how long the console takes to draw its
// first frame, from process start: it starts the real binary in a pseudo
// terminal of a fixed size (no config, XDG directories in a temporary
// directory, so the local stack starts in-process), reads the terminal
// until the frame's header and first pane are on it, presses q and waits
// for a clean exit. It prints each run and the median, and fails when the
// median exceeds -max.
//
//	go build -o /tmp/cogscope ./cmd/cogscope
//	go run ./internal/e2e/firstframe -bin /tmp/cogscope -runs 20
//
// It runs on Linux (it opens the pseudo terminal itself, through
// /dev/ptmx). It is a measuring tool: it imports no cogscope package.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("firstframe", flag.ContinueOnError)
	fs.SetOutput(stderr)
	bin := fs.String("bin", "", "the cogscope binary")
	runs := fs.Int("runs", 10, "how many starts to time")
	maxMedian := fs.Duration("max", 0, "fail when the median first frame takes longer (0: never)")
	cols := fs.Int("cols", 120, "terminal width")
	rows := fs.Int("rows", 40, "terminal height")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *bin == "" || *runs < 1 {
		fmt.Fprintln(stderr, "firstframe: give -bin (the cogscope binary) and -runs ≥ 1")
		return 2
	}
	var times []time.Duration
	for i := range *runs {
		d, err := once(*bin, *cols, *rows)
		if err != nil {
			fmt.Fprintf(stderr, "firstframe: run %d: %v\n", i+1, err)
			return 1
		}
		fmt.Fprintf(stdout, "run %2d: first frame after %.1f ms\n", i+1, ms(d))
		times = append(times, d)
	}
	slices.Sort(times)
	median := times[len(times)/2]
	fmt.Fprintf(stdout, "first frame from process start: median %.1f ms, min %.1f ms, max %.1f ms (%d runs, %d×%d)\n",
		ms(median), ms(times[0]), ms(times[len(times)-1]), len(times), *cols, *rows)
	if *maxMedian > 0 && median > *maxMedian {
		fmt.Fprintf(stderr, "firstframe: median %.1f ms is over %s\n", ms(median), *maxMedian)
		return 1
	}
	return 0
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// once starts the console and returns the time to its first frame.
func once(bin string, cols, rows int) (time.Duration, error) {
	dir, err := os.MkdirTemp("", "firstframe")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	master, tty, err := openPTY(cols, rows)
	if err != nil {
		return 0, fmt.Errorf("pseudo terminal: %w", err)
	}
	defer master.Close()
	cmd := exec.Command(bin)
	cmd.Env = []string{
		"PATH=/usr/bin:/bin", "TERM=xterm-256color", "LANG=C.UTF-8", "HOME=" + dir,
		"XDG_CONFIG_HOME=" + filepath.Join(dir, "config"), "XDG_STATE_HOME=" + filepath.Join(dir, "state"),
		"XDG_CACHE_HOME=" + filepath.Join(dir, "cache"),
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	controlledBy(cmd) // the terminal is the child's controlling terminal, as in a shell

	frame := make(chan time.Duration, 1)
	readErr := make(chan error, 1)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		tty.Close()
		return 0, err
	}
	tty.Close() // the child has its own copy
	go func() {
		var seen strings.Builder
		buf := make([]byte, 64<<10)
		found := false
		for {
			n, err := master.Read(buf)
			if n > 0 && !found {
				seen.Write(buf[:n])
				// The header and the first pane's title: a whole frame
				// has been written, not just the alternate screen switch.
				if s := ansi.Strip(seen.String()); strings.Contains(s, "cogscope") && strings.Contains(s, "Trace") {
					found = true
					frame <- time.Since(start)
				}
			}
			if err != nil {
				// EIO once the child has closed the terminal.
				readErr <- err
				return
			}
		}
	}()
	var took time.Duration
	select {
	case took = <-frame:
	case err := <-readErr:
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return 0, fmt.Errorf("the terminal closed before a frame was drawn: %w", err)
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return 0, errors.New("no frame within 10 s")
	}
	if _, err := master.Write([]byte("q")); err != nil {
		return took, fmt.Errorf("press q: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			return took, fmt.Errorf("cogscope did not exit cleanly: %w", err)
		}
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		return took, errors.New("cogscope did not quit on q within 10 s")
	}
	return took, nil
}
