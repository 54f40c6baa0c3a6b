// Command troubleshooting writes docs/troubleshooting.md from the
// diagnosis catalogue: `go generate ./flows`.
package main

import (
	"fmt"
	"os"

	"github.com/cogscope/cogscope/flows"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: troubleshooting FILE")
		os.Exit(2)
	}
	if err := os.WriteFile(os.Args[1], []byte(flows.TroubleshootingPage()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "troubleshooting:", err)
		os.Exit(1)
	}
}
