package flows

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/aws/smithy-go"
)

// TestTroubleshootingPageUpToDate: docs/troubleshooting.md is what the
// catalogue generates (`go generate ./flows` after changing it), and
// every entry has its anchor there, which a diagnosis links to.
func TestTroubleshootingPageUpToDate(t *testing.T) {
	t.Parallel()
	want := TroubleshootingPage()
	got, err := os.ReadFile("../docs/troubleshooting.md")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatal("docs/troubleshooting.md is not the catalogue's: run `go generate ./flows`")
	}
	seen := map[string]bool{}
	for _, e := range Catalogue() {
		a := anchor(e.ID)
		if seen[a] {
			t.Errorf("two entries share the anchor %q", a)
		}
		seen[a] = true
		if !strings.Contains(want, `<a id="`+a+`"></a>`) {
			t.Errorf("entry %s has no anchor on the page", e.ID)
		}
	}
	for _, bad := range []string{"{input:", "{flow:", "{scope:", "{omit:", "{setting:"} {
		if strings.Contains(want, bad) {
			t.Errorf("the page holds an unphrased reference %q", bad)
		}
	}
}

// TestDiagnosisLinksIntoThePage: a diagnosis's ref (its JSON) is a link to
// its entry on the troubleshooting page.
func TestDiagnosisLinksIntoThePage(t *testing.T) {
	t.Parallel()
	d := Diagnose(callErr(KindUserSRP, "PASSWORD_VERIFIER", &smithy.GenericAPIError{Code: "NotAuthorizedException", Message: "Incorrect username or password."}))
	if d.Link != TroubleshootingURL+"#cognito.NotAuthorizedException.incorrect-password-srp" {
		t.Errorf("link %q", d.Link)
	}
	if d := Diagnose(errors.New("entropy source failed")); d.Link != RefURL("local.other") {
		t.Errorf("every entry links, the fallback too: %q", d.Link)
	}
}
