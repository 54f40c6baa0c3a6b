package signin

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/cogscope/cogscope/ui/internal/fakes"
	"github.com/cogscope/cogscope/ui/service"
)

// The hosted-UI flow offers the pool's identity providers: p cycles the
// page and each provider, the form shows the choice, and the request
// carries it as identity_provider.
func TestHostedUIOffersIdentityProviders(t *testing.T) {
	t.Parallel()
	target := fakes.Target()
	target.IdentityProviders = []string{"CogscopeOIDC", "CogscopeSAML"}
	tests := []struct {
		presses int
		want    string
		shown   string
	}{
		{0, "", "the hosted UI's page"},
		{1, "CogscopeOIDC", "CogscopeOIDC (identity_provider)"},
		{2, "CogscopeSAML", "CogscopeSAML (identity_provider)"},
		{3, "", "the hosted UI's page"}, // round again
	}
	for _, tc := range tests {
		d, svc := newView(t, map[service.Flow]fakes.Script{service.FlowPKCE: fakes.PKCEScript()}, target)
		d.Keys("down", "down")
		for range tc.presses {
			d.Keys("p")
		}
		if v := d.M.View(); !strings.Contains(ansi.Strip(v), tc.shown) || !strings.Contains(ansi.Strip(v), "p: page / CogscopeOIDC /") || !strings.Contains(ansi.Strip(v), "CogscopeSAML") {
			t.Errorf("%d presses: the form does not show %q:\n%s", tc.presses, tc.shown, ansi.Strip(v))
		}
		d.Keys("enter", "enter")
		if got := svc.Requests(); len(got) != 1 || got[0].Flow != service.FlowPKCE || got[0].IdentityProvider != tc.want {
			t.Errorf("%d presses: requests %+v, want identity provider %q", tc.presses, got, tc.want)
		}
	}
	// Without providers, p does nothing and nothing is shown.
	d, _ := newView(t, map[service.Flow]fakes.Script{service.FlowPKCE: fakes.PKCEScript()}, fakes.Target())
	d.Keys("down", "down", "p")
	if d.M.idp != 0 || strings.Contains(ansi.Strip(d.M.View()), "Sign in via") {
		t.Error("p changed something without identity providers")
	}
}
