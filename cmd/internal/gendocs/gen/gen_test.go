package gen

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The release archives ship what Write produces: a man page per command
// and a completion script per shell, each naming the real commands.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	man, compl := filepath.Join(dir, "man"), filepath.Join(dir, "completions")
	t.Setenv("SOURCE_DATE_EPOCH", "1767225600") // 2026-01-01
	if err := Write(man, compl); err != nil {
		t.Fatal(err)
	}
	r := root()
	tests := []struct {
		file string
		want []string
	}{
		{"man/cogscope.1", []string{`.TH "COGSCOPE" "1" "Jan 2026"`, "Debug AWS Cognito sign-in end to end", `\fB--endpoint\fP`}},
		{"completions/cogscope.bash", []string{"__start_cogscope", "complete -o default -F __start_cogscope cogscope"}},
		{"completions/_cogscope", []string{"#compdef cogscope"}},
		{"completions/cogscope.fish", []string{"complete -c cogscope"}},
		{"completions/cogscope.ps1", []string{"Register-ArgumentCompleter", "cogscope"}},
	}
	for _, sub := range r.Commands() {
		if sub.Hidden || !sub.IsAvailableCommand() {
			continue
		}
		tests = append(tests, struct {
			file string
			want []string
		}{"man/cogscope-" + sub.Name() + ".1", []string{sub.Short}})
	}
	if len(tests) < 7 {
		t.Fatalf("only %d commands in the tree", len(tests)-5)
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(b), w) {
					t.Errorf("%s lacks %q", tt.file, w)
				}
			}
		})
	}
}

// An empty directory skips that part.
func TestWriteOnlyMan(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, ""); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".1") {
			t.Errorf("unexpected %s", e.Name())
		}
	}
}
