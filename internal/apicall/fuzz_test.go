package apicall_test

import (
	"strings"
	"testing"

	"github.com/cogscope/cogscope/internal/apicall"
)

// FuzzParseWWWAuthenticate: any header value parses without panicking,
// and the raw text is kept.
func FuzzParseWWWAuthenticate(f *testing.F) {
	for _, s := range []string{
		`Bearer scope="" error="invalid_token" error_description="the token has expired"`,
		`Bearer scope="a b" error="insufficient_scope" error_description="x"`,
		`Bearer error=invalid_token, error_description="\"quoted\""`,
		`Basic realm="x"`, `error=`, `"`, `Bearer scope="unterminated`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		w := apicall.ParseWWWAuthenticate(v)
		if strings.TrimSpace(v) == "" {
			if w != nil {
				t.Fatalf("blank %q parsed", v)
			}
			return
		}
		if w == nil || w.Raw != strings.TrimSpace(v) {
			t.Fatalf("%q → %+v", v, w)
		}
	})
}
