package login

import (
	"testing"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/flows"
)

// Every reference of the catalogue is something this command line has: a
// --flow value, or a flag of `cogscope login` (or a global one), so a fix
// never sends the user to a flag that does not exist.
func TestCatalogueReferencesAreFlags(t *testing.T) {
	t.Parallel()
	f := &cmdutil.Factory{Env: func(string) string { return "" }}
	root := cmdutil.NewRootCmd(f)
	login := NewCmdLogin(f, nil)
	root.AddCommand(login)
	for _, e := range flows.Catalogue() {
		if e.Source == flows.SourceCognitoIdentity || e.Source == flows.SourceSTS {
			continue // `cogscope credentials`' (its own fixtext test)
		}
		refs := flows.Text{Fix: e.Cause + " " + e.Fix}.Refs()
		for _, r := range refs {
			switch r.Kind {
			case "flow":
				if _, ok := findLoginFlow(r.Name); !ok {
					t.Errorf("%s: --flow %s is not a login flow", e.ID, r.Name)
				}
			case "input", "omit":
				if login.Flags().Lookup(r.Name) == nil && root.PersistentFlags().Lookup(r.Name) == nil {
					t.Errorf("%s: --%s is not a flag of login", e.ID, r.Name)
				}
			case "scope":
				if login.Flags().Lookup("scope") == nil {
					t.Errorf("%s: login has no --scope", e.ID)
				}
			}
		}
	}
}
