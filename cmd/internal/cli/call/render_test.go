package call

import (
	"strings"
	"testing"

	"github.com/cogscope/cogscope/internal/apicall"
)

// The CLI phrases a fix with its flags, as it always has; every hint
// lands where it is meant to (its words are in the library's text).
func TestFixHintsKeepTheCLIWords(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ cause, want string }{
		{apicall.CauseNoToken, "send a token (--token access|id) in the header the authorizer reads"},
		{apicall.CauseIDTokenNeedsScope, "send the access token (--token access)"},
		{apicall.CauseAccessTokenForID, "send the ID token (--token id), or add authorization scopes to the method"},
		{apicall.CauseIAM, "sign the request with AWS credentials (cogscope call --sigv4)"},
		{apicall.CauseIAMDenied, "use credentials of a role allowed on the route (see which role the identity pool gives: cogscope credentials), or allow the route in the role's policy"},
		{apicall.CauseIAMCredentials, "get fresh credentials (cogscope credentials) and sign again"},
	} {
		if got := apicall.FixPhrase(tc.cause, fixHints); got != tc.want {
			t.Errorf("%s: fix %q, want %q", tc.cause, got, tc.want)
		}
	}
	for code, h := range fixHints {
		found := false
		for _, c := range apicall.Causes {
			found = found || c.Fix == code && strings.Contains(c.FixText, h.After)
		}
		if !found {
			t.Errorf("hint for %s: no fix text of that code holds %q", code, h.After)
		}
	}
}
