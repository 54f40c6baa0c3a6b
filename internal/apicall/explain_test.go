package apicall_test

import (
	"regexp"
	"testing"

	"github.com/cogscope/cogscope/internal/apicall"
)

// The library's fix texts name no flag, key or command: the CLI and the
// console each add their own (FixPhrase).
func TestFixTextsAreFlagFree(t *testing.T) {
	t.Parallel()
	edgeWords := regexp.MustCompile(`--[a-z]|\bcogscope [a-z]|\(press |\bkey\b`)
	for cause, c := range apicall.Causes {
		if w := edgeWords.FindString(c.FixText); w != "" {
			t.Errorf("cause %s: fix text %q holds %q", cause, c.FixText, w)
		}
		if c.FixText != "" && c.Fix == "" {
			t.Errorf("cause %s has a fix text but no fix code", cause)
		}
	}
}

func TestFixPhrase(t *testing.T) {
	t.Parallel()
	hints := map[string]apicall.Hint{
		"send-id-token":     {After: "send the ID token", Text: " (X)"},
		"send-access-token": {Text: " [end]"},
		"refresh-token":     {After: "words the text lacks", Text: " (Y)"},
	}
	for _, tc := range []struct{ cause, want string }{
		{apicall.CauseAccessTokenForID, "send the ID token (X), or add authorization scopes to the method"},
		{apicall.CauseIDTokenNeedsScope, "send the access token [end]"},
		{apicall.CauseExpired, "refresh the session (or sign in again) and resend (Y)"},
		{apicall.CauseWrongIssuer, apicall.Causes[apicall.CauseWrongIssuer].FixText}, // no hint
		{apicall.CauseUnknown, ""},
		{"no-such-cause", ""},
	} {
		if got := apicall.FixPhrase(tc.cause, hints); got != tc.want {
			t.Errorf("FixPhrase(%s) = %q, want %q", tc.cause, got, tc.want)
		}
	}
}

func TestRedactEcho(t *testing.T) {
	t.Parallel()
	const tok = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
	for _, tc := range []struct {
		name, secret, body, header, wantBody, wantHeader string
	}{
		{"bare token in the body and a header", tok, `{"authorization":"Bearer ` + tok + `"}`, "Bearer " + tok,
			`{"authorization":"Bearer <redacted>"}`, "Bearer <redacted>"},
		{"the secret given with its scheme", "Bearer " + tok, `{"a":"` + tok + `","b":"` + tok + `"}`, "x",
			`{"a":"<redacted>","b":"<redacted>"}`, "x"},
		{"a token wrapped in a paste", tok[:20] + "\n " + tok[20:], tok, "", "<redacted>", ""},
		{"too short to mean anything", "abc", `{"abc":"abc"}`, "abc", `{"abc":"abc"}`, "abc"},
		{"not echoed", tok, `{"ok":true}`, "v", `{"ok":true}`, "v"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &apicall.ResponseInfo{Body: tc.body, Headers: map[string][]string{"X-Echo": {tc.header}}}
			apicall.RedactEcho(r, tc.secret)
			if r.Body != tc.wantBody || r.Headers["X-Echo"][0] != tc.wantHeader {
				t.Fatalf("body %q header %q, want %q and %q", r.Body, r.Headers["X-Echo"][0], tc.wantBody, tc.wantHeader)
			}
		})
	}
	apicall.RedactEcho(nil, tok) // no answer: nothing to do
}
