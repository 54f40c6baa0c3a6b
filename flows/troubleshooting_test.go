package flows

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/aws/smithy-go"
)

// TestTroubleshootingPageUpToDate: docs/troubleshooting.md starts with
// what the catalogue generates (`go generate ./flows` after changing
// it; internal/doctor's test checks the whole page, with the explain
// table's sections), and every entry has its anchor there, which a
// diagnosis links to.
func TestTroubleshootingPageUpToDate(t *testing.T) {
	t.Parallel()
	want := TroubleshootingPage()
	got, err := os.ReadFile("../docs/troubleshooting.md")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want && !strings.HasPrefix(string(got), strings.TrimRight(want, "\n")+"\n\n## ") {
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
		if strings.Contains(string(got), bad) {
			t.Errorf("the page holds an unphrased reference %q", bad)
		}
	}
}

// TestPageSections: a section beyond the catalogue's comes after it, in
// the catalogue's format: each entry's anchor, its heading (the exact
// error, in a code span that holds its backticks, else its code), its
// id and context, its cause and its fix phrased for the command line.
func TestPageSections(t *testing.T) {
	t.Parallel()
	base := TroubleshootingPage()
	page := TroubleshootingPage(PageSection{
		Title: "Elsewhere refused", About: "Errors of elsewhere.",
		Entries: []Entry{
			{ID: "x.exact", Source: "x", Code: "401", Context: Context{Message: "nope"},
				Cause: "It said <no>.", Fix: "Sign in again ({flow:refresh})."},
			{ID: "x.code", Source: "x", Code: "500|502", Cause: "It broke."},
			{ID: "x.bare", Source: "x", Cause: "Something."},
		},
		Errors: map[string]string{"x.exact": "401 `nope`\n  here"},
	})
	for _, tc := range []struct{ name, want string }{
		{"after the catalogue", strings.TrimRight(base, "\n") + "\n\n## Elsewhere refused\n\nErrors of elsewhere.\n\n"},
		{"exact error heading", "### <a id=\"x.exact\"></a>``401 `nope` here``\n\n`x.exact` — message contains nope\n\n- **Cause:** It said &lt;no&gt;.\n- **Fix:** Sign in again (--flow refresh).\n"},
		{"code heading", "### <a id=\"x.code\"></a>500 or 502\n\n`x.code`\n\n- **Cause:** It broke.\n"},
		{"neither", "### <a id=\"x.bare\"></a>any other\n"},
	} {
		if !strings.Contains(page, tc.want) {
			t.Errorf("%s: the page lacks %q", tc.name, tc.want)
		}
	}
	if !strings.HasSuffix(page, "- **Cause:** Something.\n") {
		t.Errorf("the page ends %q", page[len(page)-40:])
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
