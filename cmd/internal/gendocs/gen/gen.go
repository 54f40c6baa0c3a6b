// Package gen renders cogscope's man pages and completion scripts from the
// command tree; cmd/internal/gendocs is its command line.
package gen

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/cogscope/cogscope/cmd/internal/cli"
	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
)

// root builds the command tree with a factory that touches nothing: the
// generators only read the commands' names, flags and help.
func root() *cobra.Command {
	f := &cmdutil.Factory{Env: func(string) string { return "" }}
	r := cli.NewCmdRoot(f)
	r.DisableAutoGenTag = true
	return r
}

// Write writes man pages into manDir and completion scripts into
// complDir; an empty directory skips that part.
func Write(manDir, complDir string) error {
	if manDir != "" {
		if err := os.MkdirAll(manDir, 0o755); err != nil {
			return fmt.Errorf("man pages: %w", err)
		}
		hdr := &doc.GenManHeader{
			Title:   "COGSCOPE",
			Section: "1",
			Source:  "cogscope",
			Manual:  "cogscope manual",
			// A fixed date keeps the pages reproducible (goreleaser's
			// mod_timestamp keeps the binaries so too).
			Date: dateFromEnv(),
		}
		if err := doc.GenManTree(root(), hdr, manDir); err != nil {
			return fmt.Errorf("man pages: %w", err)
		}
	}
	if complDir != "" {
		if err := os.MkdirAll(complDir, 0o755); err != nil {
			return fmt.Errorf("completions: %w", err)
		}
		r := root()
		for _, c := range []struct {
			name string
			gen  func(string) error
		}{
			{"cogscope.bash", func(p string) error { return r.GenBashCompletionFileV2(p, true) }},
			{"_cogscope", r.GenZshCompletionFile},
			{"cogscope.fish", func(p string) error { return r.GenFishCompletionFile(p, true) }},
			{"cogscope.ps1", r.GenPowerShellCompletionFileWithDesc},
		} {
			if err := c.gen(filepath.Join(complDir, c.name)); err != nil {
				return fmt.Errorf("completions %s: %w", c.name, err)
			}
		}
	}
	return nil
}

// dateFromEnv is SOURCE_DATE_EPOCH when set (reproducible builds), else
// today.
func dateFromEnv() *time.Time {
	t := time.Now().UTC()
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		var sec int64
		if _, err := fmt.Sscan(s, &sec); err == nil {
			t = time.Unix(sec, 0).UTC()
		}
	}
	return &t
}
