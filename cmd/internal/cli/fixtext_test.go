package cli

import (
	"strings"
	"testing"

	"github.com/cogscope/cogscope/flows"
)

// Every reference of the catalogue is something this command line has: a
// --flow value, or a flag of `cogscope login` (or a global one), so a fix
// never sends the user to a flag that does not exist.
func TestCatalogueReferencesAreFlags(t *testing.T) {
	t.Parallel()
	f := &Factory{Env: func(string) string { return "" }}
	root := NewCmdRoot(f)
	login, _, err := root.Find([]string{"login"})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range flows.Catalogue() {
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

func TestCLIDiagnosis(t *testing.T) {
	t.Parallel()
	var d flows.Diagnosis
	flows.Explain(&d, flows.Facts{Source: flows.SourceCognito, Code: "NotAuthorizedException",
		Message: "Incorrect username or password.", Conditions: []string{"srp"}})
	c := cliDiagnosis(d)
	if !strings.Contains(c.Fix, "try --flow password (USER_PASSWORD_AUTH") || c.Cause != d.Cause {
		t.Errorf("cli diagnosis = %+v", c)
	}
	if got := causeFixLines(c); !strings.HasPrefix(got, "\n  cause: Wrong password") || !strings.Contains(got, "\n  fix:   Check the password") {
		t.Errorf("lines = %q", got)
	}
	if got := causeFixLines(flows.Diagnosis{Cause: "cancelled"}); got != "\n  cause: cancelled" {
		t.Errorf("no fix: %q", got)
	}
}
