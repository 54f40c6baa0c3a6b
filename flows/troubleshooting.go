package flows

import (
	"fmt"
	"slices"
	"strings"
)

//go:generate go run ../internal/gen/troubleshooting ../docs/troubleshooting.md

// TroubleshootingURL is the project's troubleshooting page, generated
// from the catalogue (TroubleshootingPage, docs/troubleshooting.md). A
// diagnosis's Ref is a link to its entry there.
const TroubleshootingURL = "https://github.com/cogscope/cogscope/blob/main/docs/troubleshooting.md"

// RefURL is the link to a catalogue entry on the troubleshooting page.
func RefURL(entryID string) string { return TroubleshootingURL + "#" + anchor(entryID) }

// EntryURL is RefURL(entryID) when entryID is an entry of the catalogue
// (and so has its anchor on the troubleshooting page); "", false for
// any other id. The page also holds the explain table's API Gateway,
// JWT, CloudWatch Logs and SigV4 entries, which flows does not know:
// internal/doctor's EntryURL links every entry explain knows.
func EntryURL(entryID string) (string, bool) {
	if _, ok := EntryByID(entryID); !ok {
		return "", false
	}
	return RefURL(entryID), true
}

// anchor is an entry ID as an HTML id: letters, digits, '-' and '.' are
// kept; anything else becomes '-'.
func anchor(id string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '.' || r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			return r
		}
		return '-'
	}, id)
}

var sourceTitles = []struct{ source, title, about string }{
	{SourceCognito, "Cognito's API refused", "Cognito answered an API call (InitiateAuth, RespondToAuthChallenge, …) with an error: its `__type` is the code."},
	{SourceLocal, "Before Cognito answered", "The flow stopped on this machine: nothing, or nothing usable, came back."},
	{SourceOAuth, "An OAuth endpoint refused", "The hosted UI's authorize, token, revoke or userInfo endpoint answered with an OAuth error code."},
	{SourceOAuthClient, "The hosted-UI client", "The hosted-UI client (`--flow pkce`, `client-credentials`, `refresh-token`) stopped before or without an OAuth answer."},
	{SourceCognitoIdentity, "Identity pools refused", "Cognito identity pools (GetId, GetCredentialsForIdentity, GetOpenIdToken) answered with an error: its `__type` is the code."},
	{SourceSTS, "STS refused", "STS (AssumeRoleWithWebIdentity, in the basic identity-pool flow) answered with an error code."},
}

// PageSection is a section of the troubleshooting page beyond the
// catalogue's: entries of another table (internal/doctor's API Gateway,
// JWT, CloudWatch Logs and SigV4 entries, which `cogscope explain`
// knows) under a title, in the catalogue's format.
type PageSection struct {
	Title, About string
	Entries      []Entry
	// Errors holds, per entry id, the exact error text the entry
	// explains (a status and body, a library's message), which heads
	// the entry; an entry without one is headed by its code.
	Errors map[string]string
}

// TroubleshootingPage is docs/troubleshooting.md: every entry of the
// catalogue, in the order diagnoses try them, with its code, context,
// cause and fix worded for the command line, then the sections of more
// (explain's own entries). `go generate ./flows` writes it (with
// internal/doctor's sections); a test keeps the file equal to it.
func TroubleshootingPage(more ...PageSection) string {
	var b strings.Builder
	b.WriteString(`# Troubleshooting

<!-- Generated from the diagnosis catalogue (flows.Catalogue) and the
     explain table (internal/doctor) by ` + "`go generate ./flows`" + `.
     Do not edit: change the tables. -->

Every failure cogscope explains is here, as the command line words it.
A diagnosis's ` + "`ref`" + ` (in ` + "`--json`" + `) links to its entry. Within a code,
the first entry whose context matches explains the error; ‹name› is a
fact of the error filled in when it happens (a timestamp, a URL). The
console words the same fixes in its own terms (its flows, fields and the
profile's keys).

`)
	sections := sourceTitles
	// A source added to the catalogue without a title here still gets a
	// section (the test finds every entry's anchor on the page).
	for _, e := range catalogue {
		if !slices.ContainsFunc(sections, func(t struct{ source, title, about string }) bool { return t.source == e.Source }) {
			sections = append(sections, struct{ source, title, about string }{e.Source, "Source " + e.Source, "Errors of " + e.Source + "."})
		}
	}
	for _, s := range sections {
		fmt.Fprintf(&b, "## %s\n\n%s\n\n", s.title, s.about)
		for _, e := range catalogue {
			if e.Source == s.source {
				writePageEntry(&b, e, "")
			}
		}
	}
	for _, s := range more {
		fmt.Fprintf(&b, "## %s\n\n%s\n\n", s.Title, s.About)
		for _, e := range s.Entries {
			writePageEntry(&b, e, s.Errors[e.ID])
		}
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

// writePageEntry writes one entry: its anchor and heading (the exact
// error when known, else the code), its id and context, the cause and
// the fix.
func writePageEntry(b *strings.Builder, e Entry, exact string) {
	heading := markdownText(strings.ReplaceAll(e.Code, "|", " or "))
	switch {
	case exact != "":
		heading = codeSpan(exact)
	case e.Code == "":
		heading = "any other"
	}
	fmt.Fprintf(b, "### <a id=\"%s\"></a>%s\n\n", anchor(e.ID), heading)
	fmt.Fprintf(b, "`%s`", e.ID)
	if ctx := e.Context.String(); ctx != "" {
		fmt.Fprintf(b, " — %s", markdownText(ctx))
	}
	b.WriteString("\n\n")
	// Facts first: a reference may hold one ({setting:{allow_setting}}).
	t := Text{Cause: factsShown(e.Cause), Fix: factsShown(e.Fix)}.Phrase(FlagWords)
	fmt.Fprintf(b, "- **Cause:** %s\n", markdownText(t.Cause))
	if t.Fix != "" {
		fmt.Fprintf(b, "- **Fix:** %s\n", markdownText(t.Fix))
	}
	b.WriteString("\n")
}

// codeSpan is s as Markdown inline code: fenced with one more backtick
// than the longest run inside it, padded when it starts or ends with
// one; a line break becomes a space (a code span is one line).
func codeSpan(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// factsShown writes a template's facts (fill's placeholders) as ‹name›;
// the notes that are empty unless they apply (a clock note) are left out.
func factsShown(s string) string {
	s = placeholder.ReplaceAllStringFunc(s, func(m string) string {
		name := m[1 : len(m)-1]
		if strings.HasSuffix(name, "_note") || name == "hashed" || name == "response" {
			return ""
		}
		return "‹" + name + "›"
	})
	return s
}

// markdownText keeps a table's text from being read as markup: angle
// brackets (<region>) would be HTML.
func markdownText(s string) string {
	return strings.NewReplacer("<", "&lt;", ">", "&gt;").Replace(s)
}
