package inspect

import (
	"strings"
	"testing"
)

// TestInspectNeutralisesEscapes: claim values and names from a token are
// printed with their escapes visible, never obeyed (clear screen, a new
// terminal title, forged lines).
func TestInspectNeutralisesEscapes(t *testing.T) {
	t.Parallel()
	jwks := inspectJWKS(t)
	tok := inspectToken(t, "username", "jane\x1b[2J\x1b]0;owned\x07\r\nSigned in as root", "custom:\x1b[1Ax", "v\u202e")
	run := runInspectCmd(t, "", nil, false, tok, "--jwks", jwks, "--issuer", "eu-west-2_Insp3ct", "--client-id", inspClient)
	all := run.out + run.errOut
	for _, bad := range []string{"\x1b", "\x07", "\r", "\u202e"} {
		if strings.Contains(all, bad) {
			t.Fatalf("inspect output carries %q raw:\n%q", bad, all)
		}
	}
	if !strings.Contains(run.out, `jane\x1b[2J\x1b]0;owned\x07\x0d\x0aSigned in as root`) {
		t.Fatalf("the username is not shown with visible escapes:\n%s", run.out)
	}
}

// TestErrorsNeutraliseEscapes: an error that quotes a server (here a
// token given as an argument that cannot be read) is printed without raw
// control characters.
func TestErrorsNeutraliseEscapes(t *testing.T) {
	t.Parallel()
	run := runInspectCmd(t, "", nil, false, "not.a\x1b[2J.token")
	if strings.Contains(run.errOut, "\x1b") {
		t.Fatalf("stderr carries a raw ESC:\n%q", run.errOut)
	}
	if run.code == 0 {
		t.Fatalf("exit 0 for an unreadable token")
	}
}
