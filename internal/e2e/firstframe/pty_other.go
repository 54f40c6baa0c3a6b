//go:build !linux

package main

import (
	"errors"
	"os"
	"os/exec"
)

func openPTY(int, int) (*os.File, *os.File, error) {
	return nil, nil, errors.New("firstframe opens pseudo terminals on Linux only")
}

func controlledBy(*exec.Cmd) {}
