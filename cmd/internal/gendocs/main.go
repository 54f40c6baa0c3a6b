// Command gendocs writes cogscope's man pages and shell completion scripts
// from the real command tree (cobra's generators), for the release
// archives. goreleaser runs it from before.hooks:
//
//	go run ./cmd/internal/gendocs --man build/man --completions build/completions
//
// It is a separate program, not a hidden subcommand, so the shipped binary
// carries no doc generator.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/cogscope/cogscope/cmd/internal/gendocs/gen"
)

func main() {
	man := flag.String("man", "", "write man pages (section 1) into this directory")
	completions := flag.String("completions", "", "write bash, zsh, fish and PowerShell completions into this directory")
	flag.Parse()
	if flag.NArg() > 0 || (*man == "" && *completions == "") {
		fmt.Fprintln(os.Stderr, "usage: gendocs [--man DIR] [--completions DIR]")
		os.Exit(2)
	}
	if err := gen.Write(*man, *completions); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}
