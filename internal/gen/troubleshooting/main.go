// Command troubleshooting writes docs/troubleshooting.md from the
// diagnosis catalogue and the explain table: `go generate ./flows`.
// It lives outside flows because the page holds internal/doctor's
// entries too, and flows cannot import internal/doctor.
package main

import (
	"fmt"
	"os"

	"github.com/cogscope/cogscope/internal/doctor"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: troubleshooting FILE")
		os.Exit(2)
	}
	if err := os.WriteFile(os.Args[1], []byte(doctor.TroubleshootingPage()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "troubleshooting:", err)
		os.Exit(1)
	}
}
