package local

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cogscope/cogscope/internal/local/cognito"
)

// TestREADMEDocumentsTheDemoSeed keeps the README's table of demo ids in
// step with the seed: scripts copy those ids from the README.
func TestREADMEDocumentsTheDemoSeed(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	seed := cognito.DemoSeed()
	var want []string
	for _, p := range seed.UserPools {
		want = append(want, "`"+p.ID+"`", "`"+p.Name+"`")
		for _, c := range p.Clients {
			want = append(want, "`"+c.ID+"`", "`"+c.Name+"`")
			if c.Secret != "" {
				want = append(want, "`"+c.Secret+"`")
			}
		}
		for _, u := range p.Users {
			want = append(want, "`"+u.Username+"` / `"+u.Password+"`")
			if u.TOTPSecret != "" {
				want = append(want, "`"+u.TOTPSecret+"`")
			}
		}
	}
	want = append(want, "`"+DefaultAddr+"`")
	for _, w := range want {
		if !strings.Contains(readme, w) {
			t.Errorf("README.md does not document %s", w)
		}
	}
}

// TestREADMESeedExampleLoads parses the README's example seed file and
// starts a stack with it, so the documented format cannot rot.
func TestREADMESeedExampleLoads(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "### Seed files")
	if !ok {
		t.Fatal("README has no Seed files section")
	}
	_, rest, ok = strings.Cut(rest, "```yaml\n")
	if !ok {
		t.Fatal("the Seed files section has no yaml example")
	}
	example, _, _ := strings.Cut(rest, "```")
	seed, err := ParseSeed("example.yaml", []byte(example))
	if err != nil {
		t.Fatalf("README seed example: %v", err)
	}
	stack, err := New(Options{Seed: seed, NewKey: testKey(t)})
	if err != nil {
		t.Fatalf("README seed example refused: %v", err)
	}
	defer stack.Close()
	pools := stack.Info().UserPools
	if len(pools) != 1 || len(pools[0].Clients) != 2 || len(pools[0].Users) != 2 {
		t.Fatalf("README seed example gave %+v", pools)
	}
}
