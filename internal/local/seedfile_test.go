package local

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseSeedErrorsCarryPositions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file, content, want string
	}{
		{"empty", "s.yaml", "  \n", "empty"},
		{"json syntax", "s.json", "{\n  \"userPools\": [\n    {,}\n  ]\n}", "line 3, column 6"},
		{"json unknown field", "s.json", `{"userPoolz": []}`, `unknown field "userPoolz"`},
		{"json trailing data", "s.json", `{} {}`, "unexpected data after"},
		{"json truncated", "s.json", `{"userPools": [`, "line 1"},
		{"json sniffed", "seed", "{\n\"nope\": 1}", `unknown field "nope"`},
		{"yaml syntax", "s.yaml", "userPools:\n  - name: a\n\tclients: []\n", "line 2: found a tab"},
		{"yaml unknown field", "s.yml", "userPoolz: []\n", `line 1: unknown field "userPoolz"`},
		{"yaml nested unknown field", "s.yml", "userPools:\n  - name: a\n    bogus: 1\n", `line 3: unknown field "bogus"`},
		{"yaml wrong type", "s.yaml", "userPools: 7\n", "line 1: cannot use a number `7` as a list"},
		{"yaml wrong scalar", "s.yaml", "userPools:\n  - name: a\n    caseSensitive: maybe\n", "line 3: cannot use a string `maybe` as true or false"},
		{"json wrong type", "s.json", `{"userPools": 7}`, "userPools: cannot use a JSON number as a list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseSeed(tt.file, []byte(tt.content))
			if err == nil {
				t.Fatalf("ParseSeed(%q) succeeded", tt.content)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("err spans lines: %q", err)
			}
			if strings.Contains(err.Error(), "cognito.") || strings.Contains(err.Error(), "[]") {
				t.Errorf("err names Go types: %q", err)
			}
		})
	}
}

func TestLoadSeedFileNamesTheFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "pools.yaml")
	if err := os.WriteFile(path, []byte("userPoolz: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadSeedFile(path)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v, want it to name %s", err, path)
	}
	_, err = LoadSeedFile(filepath.Join(t.TempDir(), "absent.yaml"))
	if err == nil || !strings.Contains(err.Error(), "absent.yaml") {
		t.Fatalf("missing file: err = %v", err)
	}
}
