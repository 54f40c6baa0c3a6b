package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestUsage(t *testing.T) {
	t.Parallel()
	cases := []struct {
		args []string
		want string
	}{
		{nil, "give -bin"},
		{[]string{"-bin", "x", "-runs", "0"}, "give -bin"},
		{[]string{"-nope"}, "flag provided but not defined"},
	}
	for _, c := range cases {
		var out, errOut strings.Builder
		if code := run(c.args, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q", c.args, code, errOut.String())
		}
	}
}

// A program that exits without drawing is a failure, said as such.
func TestNoFrameIsAFailure(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("pseudo terminals are opened on Linux only")
	}
	bin := filepath.Join(t.TempDir(), "silent")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\nexit 0\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	var out, errOut strings.Builder
	if code := run([]string{"-bin", bin, "-runs", "1"}, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "before a frame was drawn") {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
}
