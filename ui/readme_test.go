package ui

import (
	"os"
	"strings"
	"testing"
)

// The README's key table ("The console" → "Keys") is KeyTable(), so
// documentation and bindings cannot drift apart; when they do, the
// failure prints the table to paste.
func TestReadmeKeyTable(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	start := strings.Index(readme, "\n## The console\n")
	if start < 0 {
		t.Fatal(`README.md has no "## The console" section`)
	}
	section := readme[start+1:]
	if end := strings.Index(section[len("## "):], "\n## "); end >= 0 {
		section = section[:end+len("## ")+1]
	}
	if !strings.Contains(section, "\n"+KeyTable()+"\n") {
		t.Errorf("the key table in README.md's \"The console\" section is not KeyTable(); it should read:\n\n%s", KeyTable())
	}
}
