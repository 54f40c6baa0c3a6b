package flows

import (
	"slices"
	"strings"
	"sync"

	"github.com/cogscope/cogscope/internal/lazyregexp"
)

// The catalogue of diagnoses: one table (Catalogue) of what cogscope knows
// about the errors of Cognito's API, of OAuth endpoints and of this
// machine, keyed by error code and context. Diagnose (and flows/oauth's
// Diagnose) only gather the facts of an error and pick the first entry
// that matches them; the words are in the table. `cogscope explain` and
// the troubleshooting page read the same table.
//
// Causes and fixes are templates. {name} is a fact of the error (a
// timestamp, a redirect URI), filled in by the diagnosis. A reference
// {kind:name} is something the user is told to use or change, which each
// edge phrases in its own terms (Words):
//
//	{flow:password}        a flow, by its --flow name (password, pkce, refresh)
//	{scope:openid email}   a scope to request
//	{input:redirect-uri}   an input, by its option name (endpoint, client-id, domain, issuer,
//	                       redirect-uri, username, client-secret-stdin, timeout, prompt, reveal, json, client-auth)
//	{omit:scope}           leaving an input out
//	{setting:ALLOW_USER_SRP_AUTH}  an app-client or pool setting (phrased as AWS names it)
//	{env:HTTPS_PROXY}      an environment variable; an edge that implements EnvWords
//	                       shows it with its value (HTTPS_PROXY=http://…), others name it

// Where an error comes from: the Source of an Entry.
const (
	SourceCognito     = "cognito"      // an error Cognito's API answered with (Code: its __type)
	SourceLocal       = "local"        // a flow stopped before Cognito answered (Code: what happened)
	SourceOAuth       = "oauth"        // an error an OAuth endpoint answered with (Code: the OAuth error code)
	SourceOAuthClient = "oauth-client" // the hosted-UI client refused or failed (Code: what happened)
)

// NoCode is the Code of an OAuth refusal that carried no error code.
const NoCode = "(none)"

// Entry is one row of the catalogue.
type Entry struct {
	// ID is stable: "cognito.NotAuthorizedException.incorrect-password-srp".
	ID     string
	Source string
	// Code is the error code the entry explains: alternatives separated
	// by "|"; "" matches any code of the source (the fallback, last).
	Code    string
	Context Context
	// Ref is the entry's section of the failure catalogue the project's
	// specification draws on (a4, b20), for maintainers; users get
	// RefURL(ID), the entry on the troubleshooting page.
	Ref   string
	Cause string // template
	Fix   string // template; "" when there is nothing to do
}

// Context narrows an entry beyond its code. Every non-empty field must
// hold for the entry to apply.
type Context struct {
	// Message: the service's message contains one of these lower-case
	// fragments, separated by "|".
	Message string
	// Operation: the API operation or OAuth endpoint (one of several,
	// separated by "|"): "GetTokensFromRefreshToken", "Token".
	Operation string
	// Grant: the OAuth grant of a token request.
	Grant string
	// Flow: "refresh" (one of the refresh kinds).
	Flow string
	// Condition: a named fact of the error ("no-secret-sent",
	// "error-page", "in-use", …), documented where it is set.
	Condition string
}

// String says the context in words, for the troubleshooting page.
func (c Context) String() string {
	var parts []string
	add := func(name, v string) {
		if v != "" {
			parts = append(parts, name+" "+v)
		}
	}
	add("message contains", strings.ReplaceAll(c.Message, "|", " or "))
	add("operation", strings.ReplaceAll(c.Operation, "|", " or "))
	add("grant", c.Grant)
	add("flow", c.Flow)
	add("when", c.Condition)
	return strings.Join(parts, ", ")
}

// Catalogue returns the table, in the order entries are tried.
func Catalogue() []Entry { return append([]Entry(nil), catalogue...) }

// EntryByID finds an entry of the catalogue.
func EntryByID(id string) (Entry, bool) {
	e, ok := byID()[id]
	return e, ok
}

var byID = sync.OnceValue(func() map[string]Entry {
	m := make(map[string]Entry, len(catalogue))
	for _, e := range catalogue {
		m[e.ID] = e
	}
	return m
})

// Facts are what a diagnosis knows of an error, matched against entries.
type Facts struct {
	Source, Code string
	Message      string // the service's message, as sent (matched in lower case)
	Operation    string
	Grant        string
	Flow         string
	Conditions   []string
	// Params fill the templates' {name} placeholders.
	Params map[string]string
}

func anyOf(alts, v string, contains bool) bool {
	for a := range strings.SplitSeq(alts, "|") {
		if (contains && strings.Contains(v, a)) || (!contains && a == v) {
			return true
		}
	}
	return false
}

// Lookup returns the first entry of the catalogue that the facts match.
func Lookup(f Facts) (Entry, bool) {
	low := strings.ToLower(f.Message)
	for _, e := range catalogue {
		c := e.Context
		switch {
		case e.Source != f.Source,
			e.Code != "" && !anyOf(e.Code, f.Code, false),
			c.Message != "" && !anyOf(c.Message, low, true),
			c.Operation != "" && !anyOf(c.Operation, f.Operation, false),
			c.Grant != "" && c.Grant != f.Grant,
			c.Flow != "" && c.Flow != f.Flow,
			c.Condition != "" && !slices.Contains(f.Conditions, c.Condition):
			continue
		}
		return e, true
	}
	return Entry{}, false
}

// Explain fills d from the entry the facts match: its ID, Ref, Link (the
// entry on the troubleshooting page), and Cause
// and Fix in the default words (FlagWords), keeping the templates in
// d.Template for an edge to phrase. ok is false when no entry matches.
func Explain(d *Diagnosis, f Facts) bool {
	e, ok := Lookup(f)
	if !ok {
		return false
	}
	d.ID, d.Ref, d.Link = e.ID, e.Ref, RefURL(e.ID)
	d.Template = Text{Cause: fill(e.Cause, f.Params), Fix: fill(e.Fix, f.Params)}
	t := d.Template.Phrase(FlagWords)
	d.Cause, d.Fix = t.Cause, t.Fix
	return true
}

// fill puts the facts in a template's {name} placeholders (references,
// which have a colon, are left for Phrase).
func fill(tmpl string, params map[string]string) string {
	if tmpl == "" || !strings.Contains(tmpl, "{") {
		return tmpl
	}
	return placeholder.ReplaceAllStringFunc(tmpl, func(m string) string {
		if v, ok := params[m[1:len(m)-1]]; ok {
			return v
		}
		return m
	})
}

var (
	placeholder = lazyregexp.New(`\{[a-z0-9_]+\}`)
	reference   = lazyregexp.New(`\{(flow|scope|input|omit|setting|env):([^{}]*)\}`)
)

// Text is a cause and a fix with their references not yet phrased.
type Text struct {
	Cause string
	Fix   string
}

// Phrase words the references of t with w.
func (t Text) Phrase(w Words) Text {
	return Text{Cause: phrase(t.Cause, w), Fix: phrase(t.Fix, w)}
}

// Refs lists what the fix tells the user to use or change.
func (t Text) Refs() []Ref {
	var refs []Ref
	for _, m := range reference.FindAllStringSubmatch(t.Fix, -1) {
		refs = append(refs, Ref{Kind: m[1], Name: m[2]})
	}
	return refs
}

// Ref is one reference of a fix: Kind "flow", "scope", "input", "omit",
// "setting" or "env", and the name.
type Ref struct{ Kind, Name string }

func phrase(s string, w Words) string {
	if !strings.Contains(s, "{") {
		return s
	}
	return reference.ReplaceAllStringFunc(s, func(m string) string {
		sub := reference.FindStringSubmatch(m)
		switch sub[1] {
		case "flow":
			return w.Flow(sub[2])
		case "scope":
			return w.Scope(sub[2])
		case "input":
			return w.Input(sub[2])
		case "omit":
			return w.Omit(sub[2])
		case "env":
			if ew, ok := w.(EnvWords); ok {
				return ew.Env(sub[2])
			}
			return sub[2]
		}
		return w.Setting(sub[2])
	})
}

// Words is how an edge names what a fix refers to: the CLI by its flags,
// the console by its views, fields and profile keys.
type Words interface {
	Flow(name string) string   // "password" → "--flow password"
	Scope(scope string) string // `openid email` → `--scope "openid email"`
	Input(name string) string  // "redirect-uri" → "--redirect-uri"
	Omit(name string) string   // "scope" → "leave --scope out"
	Setting(name string) string
}

// EnvWords is implemented by the Words of an edge that may show an
// environment variable with its value (the command line, which reads the
// environment): Env("HTTPS_PROXY") → "HTTPS_PROXY=http://127.0.0.1:3128".
// Words without it name the variable bare. Env must show only what is
// safe to print: the catalogue's variables are the proxy settings.
type EnvWords interface {
	Env(name string) string
}

// FlagWords phrases references as cogscope's options are spelled on the
// command line: the library's default words, which Diagnosis.Cause and
// Fix (and the --json document) carry.
var FlagWords Words = flagWords{}

type flagWords struct{}

// profileAlternative is where the profile gives what an input flag gives:
// the command line names both, the console (which reads the profile)
// names it once in its own words.
var profileAlternative = map[string]string{
	"client-secret-stdin": "client_secret_env / client_secret_command in the profile",
}

func (flagWords) Flow(name string) string { return "--flow " + name }
func (flagWords) Scope(s string) string   { return `--scope "` + s + `"` }
func (flagWords) Input(name string) string {
	if alt, ok := profileAlternative[name]; ok {
		return "--" + name + ", or " + alt
	}
	return "--" + name
}
func (flagWords) Omit(name string) string    { return "leave --" + name + " out" }
func (flagWords) Setting(name string) string { return name }
