package doctor

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/lazyregexp"
)

// Clue is what Explain read from the pasted text.
type Clue struct {
	Codes      []string `json:"codes,omitempty"`      // __type, exception names, OAuth error codes, HTTP statuses
	Operation  string   `json:"operation,omitempty"`  // InitiateAuth, Token, Authorize, …
	Grant      string   `json:"grant,omitempty"`      // authorization_code, refresh_token, client_credentials
	Flow       string   `json:"flow,omitempty"`       // "refresh"
	Conditions []string `json:"conditions,omitempty"` // srp, totp, error-page, …
	Service    string   `json:"service,omitempty"`    // cognito-identity or sts, when the text shows that service answered
}

// Match is one catalogue entry the text matches, with its cause and fix
// phrased with flows.FlagWords (the CLI's words).
type Match struct {
	ID     string `json:"id"`
	Source string `json:"source"`
	Ref    string `json:"ref,omitempty"`
	// Link is the entry on the troubleshooting page (EntryURL): every
	// entry Explain knows has one.
	Link  string      `json:"link,omitempty"`
	Cause string      `json:"cause"`
	Fix   string      `json:"fix,omitempty"`
	Score int         `json:"score"`
	Why   []string    `json:"why,omitempty"`
	Entry flows.Entry `json:"-"`
}

// Explanation is Explain's answer. Best is nil when nothing matched;
// Ambiguous says the best score is shared, and Candidates then lists
// every entry with it (else the runners-up).
type Explanation struct {
	Text       string  `json:"text"`
	Clue       Clue    `json:"clue"`
	Best       *Match  `json:"best,omitempty"`
	Ambiguous  bool    `json:"ambiguous,omitempty"`
	Candidates []Match `json:"candidates,omitempty"`
}

// matches are the best match, if any, then the candidates.
func (x Explanation) matches() []Match {
	if x.Best == nil {
		return x.Candidates
	}
	return append([]Match{*x.Best}, x.Candidates...)
}

// Entries are every entry Explain tries: flows.Catalogue(), then
// ExplainEntries().
func Entries() []flows.Entry { return slices.Clone(allEntries()) }

// allEntries and the tables below are built on Explain's first use, not
// at every start of cogscope.
var allEntries = sync.OnceValue(func() []flows.Entry { return slices.Concat(flows.Catalogue(), explainEntries) })

// EntryByID finds an entry of Entries by its id.
func EntryByID(id string) (flows.Entry, bool) {
	for _, e := range allEntries() {
		if e.ID == id {
			return e, true
		}
	}
	return flows.Entry{}, false
}

var (
	exceptionRe = lazyregexp.New(`\b([A-Z][A-Za-z]+(?:Exception|Error|Fault))\b`)
	oauthErrRe  = lazyregexp.New(`(?i)\berror["']?\s*[=:]\s*["']?([a-z_]+)`)
	statusRe    = lazyregexp.New(`(?:^|[^\d.:/-])(401|403|404|500)(?:[^\d.:]|$)`)
	opRe        = lazyregexp.New(`\b(InitiateAuth|AdminInitiateAuth|RespondToAuthChallenge|AdminRespondToAuthChallenge|GetTokensFromRefreshToken|SignUp|ConfirmSignUp|GetUser|RevokeToken|GlobalSignOut|ForgotPassword|ConfirmForgotPassword|ChangePassword|StartLiveTail|FilterLogEvents|GetId|GetCredentialsForIdentity|GetOpenIdToken|AssumeRoleWithWebIdentity|GetCallerIdentity)\b`)
	endpointRe  = lazyregexp.New(`(?i)/oauth2/(authorize|token|revoke|userinfo)\b|/(login|error)\?`)
	grantRe     = lazyregexp.New(`\b(authorization_code|refresh_token|client_credentials)\b`)
)

// oauthCodeRes match each OAuth code as a word.
var oauthCodeRes = sync.OnceValue(func() map[string]*regexp.Regexp {
	out := map[string]*regexp.Regexp{}
	for _, c := range oauthCodes() {
		out[c] = regexp.MustCompile(`\b` + c + `\b`)
	}
	return out
})

// oauthCodes are the OAuth error codes of the catalogue.
var oauthCodes = sync.OnceValue(func() []string {
	var out []string
	for _, e := range flows.Catalogue() {
		if e.Source == flows.SourceOAuth {
			for _, c := range strings.Split(e.Code, "|") {
				if strings.Contains(c, "_") && !slices.Contains(out, c) {
					out = append(out, c)
				}
			}
		}
	}
	return out
})

// stsCodeRes match, as words, the STS error codes of the catalogue that
// are no …Exception (AccessDenied, ExpiredToken, …): exceptionRe misses
// them.
var stsCodeRes = sync.OnceValue(func() map[string]*regexp.Regexp {
	out := map[string]*regexp.Regexp{}
	for _, e := range flows.Catalogue() {
		if e.Source != flows.SourceSTS {
			continue
		}
		for _, c := range strings.Split(e.Code, "|") {
			if c != "" && !strings.HasSuffix(c, "Exception") {
				out[c] = regexp.MustCompile(`\b` + c + `\b`)
			}
		}
	}
	return out
})

// awsCodes are the error codes AWS services answer with (every catalogue
// code but HTTP statuses and OAuth's): a text carrying one is an AWS
// service's answer, not a JWT library's.
var awsCodes = sync.OnceValue(func() map[string]bool {
	out := map[string]bool{}
	for _, e := range allEntries() {
		switch e.Source {
		case flows.SourceOAuth, SourceGateway:
			continue
		}
		for _, c := range strings.Split(e.Code, "|") {
			if c != "" {
				out[c] = true
			}
		}
	}
	return out
})

// userPoolCodes are the codes the user pool's entries have.
var userPoolCodes = sync.OnceValue(func() map[string]bool {
	out := map[string]bool{}
	for _, e := range flows.Catalogue() {
		if e.Source == flows.SourceCognito {
			for _, c := range strings.Split(e.Code, "|") {
				out[c] = true
			}
		}
	}
	return out
})

var (
	// gatewayBodyRe is a JSON object holding only a message, as API
	// Gateway answers (compact or pretty-printed).
	gatewayBodyRe = lazyregexp.New(`\{\s*"([Mm]essage)"\s*:\s*("[^"\\]*"|null)\s*\}`)
	// bearerErrRe is a bearer challenge's error (www-authenticate).
	bearerErrRe = lazyregexp.New(`(?i)\bbearer\b[^\n]*?\berror\s*=\s*"?(invalid_token|insufficient_scope)\b`)
)

// bearerStatus is the status of a bearer challenge's error (RFC 6750
// §3.1).
var bearerStatus = map[string]string{"invalid_token": "401", "insufficient_scope": "403"}

// hostedUIOps are the operations of the hosted UI's endpoints
// (endpointRe): a text showing one was answered there.
var hostedUIOps = []string{"Authorize", "Token", "Revoke", "UserInfo"}

// identityOps and stsOps are the operations that show which service
// answered (identity pools' "NotAuthorizedException" is not the user
// pool's).
var (
	identityOps = []string{"GetId", "GetCredentialsForIdentity", "GetOpenIdToken"}
	stsOps      = []string{"AssumeRoleWithWebIdentity", "GetCallerIdentity"}
)

// clues reads the codes, the operation and the conditions from text.
func clues(text string) Clue {
	var c Clue
	add := func(code string) {
		if code != "" && !slices.Contains(c.Codes, code) {
			c.Codes = append(c.Codes, code)
		}
	}
	var obj map[string]any
	if json.Unmarshal([]byte(strings.TrimSpace(text)), &obj) == nil {
		for _, k := range []string{"__type", "code", "error", "errorType"} {
			if s, ok := obj[k].(string); ok {
				if _, after, ok := strings.Cut(s, "#"); ok {
					s = after
				}
				add(s)
			}
		}
	}
	for _, m := range exceptionRe.FindAllStringSubmatch(text, -1) {
		add(m[1])
	}
	for _, m := range oauthErrRe.FindAllStringSubmatch(text, -1) {
		add(strings.ToLower(m[1]))
	}
	low := strings.ToLower(text)
	for _, code := range oauthCodes() {
		if strings.Contains(low, code) && oauthCodeRes()[code].MatchString(low) {
			add(code)
		}
	}
	for _, m := range statusRe.FindAllStringSubmatch(text, -1) {
		add(m[1])
	}
	// A paste without its status line still shows the status: API
	// Gateway's own bodies are each its answer of one status, and a
	// bearer challenge's error names one (RFC 6750 §3.1).
	for _, m := range gatewayBodyRe.FindAllStringSubmatch(text, -1) {
		add(gatewayBodies[`{"`+m[1]+`":`+m[2]+`}`])
	}
	for _, m := range bearerErrRe.FindAllStringSubmatch(text, -1) {
		add(bearerStatus[strings.ToLower(m[1])])
	}
	for _, code := range slices.Sorted(maps.Keys(stsCodeRes())) {
		if stsCodeRes()[code].MatchString(text) {
			add(code)
			c.Service = flows.SourceSTS
		}
	}
	if m := opRe.FindStringSubmatch(text); m != nil {
		c.Operation = m[1]
	}
	if m := endpointRe.FindStringSubmatch(text); m != nil {
		switch strings.ToLower(m[1] + m[2]) {
		case "authorize", "login", "error":
			c.Operation = "Authorize"
		case "token":
			c.Operation = "Token"
		case "revoke":
			c.Operation = "Revoke"
		case "userinfo":
			c.Operation = "UserInfo"
		}
		if strings.EqualFold(m[2], "error") {
			c.Conditions = append(c.Conditions, "error-page")
		}
	}
	if m := grantRe.FindStringSubmatch(low); m != nil {
		c.Grant = m[1]
	}
	if strings.Contains(low, "refresh") || c.Operation == "GetTokensFromRefreshToken" {
		c.Flow = "refresh"
	}
	for cond, words := range conditionWords {
		for _, w := range words {
			if strings.Contains(low, w) {
				c.Conditions = append(c.Conditions, cond)
				break
			}
		}
	}
	switch {
	case slices.Contains(identityOps, c.Operation) || strings.Contains(low, "cognito identity:") ||
		strings.Contains(low, "cognito-identity:") || strings.Contains(low, "identitypool") || strings.Contains(low, "identity pool"):
		c.Service = flows.SourceCognitoIdentity
	case slices.Contains(stsOps, c.Operation) || strings.Contains(low, "operation error sts:"):
		c.Service = flows.SourceSTS
	}
	sort.Strings(c.Conditions)
	return c
}

// conditionWords are the words in a pasted text that show a catalogue
// condition held.
var conditionWords = map[string][]string{
	"srp":       {"srp", "password_verifier"},
	"totp":      {"software_token_mfa", "totp", "authenticator"},
	"WEB_AUTHN": {"webauthn", "web_authn", "passkey"},
}

// explainable are the sources whose errors come from services (the
// others are cogscope's own failures: found by id only).
var explainable = []string{flows.SourceCognito, flows.SourceCognitoIdentity, flows.SourceSTS, flows.SourceOAuth, SourceGateway, SourceJWT, SourceLogs, SourceIdentity}

// Explain matches any error text — Cognito's, the hosted UI's, API
// Gateway's, a JWT library's, CloudWatch's, or a catalogue id or
// failure-catalogue row ("c28") — against Entries. An exact id wins
// outright; otherwise each entry's code, message fragments and context
// are scored against the text's clues.
func Explain(text string) Explanation {
	text = strings.TrimSpace(text)
	x := Explanation{Text: text}
	if e, ok := EntryByID(text); ok {
		m := matchOf(e, 100, []string{"catalogue id"})
		x.Best = &m
		return x
	}
	if refRe.MatchString(text) {
		for _, e := range allEntries() {
			if strings.EqualFold(e.Ref, text) {
				x.Candidates = append(x.Candidates, matchOf(e, 50, []string{"failure-catalogue row " + e.Ref}))
			}
		}
		return settle(x)
	}
	x.Clue = clues(text)
	// An HTTP status line's reason phrase (HTTP/1.1 401 Unauthorized) is
	// the status in words, whoever answered: it is no message of API
	// Gateway's — unless nothing else in the text is.
	bare := withoutReasonPhrases(text)
	x.Candidates = scoreAll(x.Clue, bare)
	if len(x.Candidates) == 0 && bare != text {
		x.Candidates = scoreAll(x.Clue, text)
	}
	preferSpecific(x.Candidates)
	return settle(x)
}

// scoreAll scores every explainable entry against text.
func scoreAll(c Clue, text string) []Match {
	// A redirect URL carries the provider's words form-encoded
	// (error_description=Bad+id_token+issuer…): match their decoded form too.
	low := strings.ToLower(text)
	if dec, err := url.QueryUnescape(text); err == nil && dec != text {
		low += "\n" + strings.ToLower(dec)
	}
	var out []Match
	for _, e := range allEntries() {
		if !slices.Contains(explainable, e.Source) {
			continue
		}
		if score, why, ok := scoreEntry(e, c, low); ok {
			out = append(out, matchOf(e, score, why))
		}
	}
	return out
}

// statusLineRe is an HTTP status line (curl -i, -v's "< "), its reason
// phrase apart.
var statusLineRe = lazyregexp.New(`(?m)^([<>*]?[ \t]*HTTP/\d(?:\.\d)?[ \t]+(\d{3}))[ \t]+([A-Za-z][A-Za-z' -]*?)[ \t]*(\r?)$`)

// withoutReasonPhrases is text with the reason phrase of each status
// line dropped when it is the status's standard one.
func withoutReasonPhrases(text string) string {
	return statusLineRe.ReplaceAllStringFunc(text, func(line string) string {
		m := statusLineRe.FindStringSubmatch(line)
		if m == nil {
			return line
		}
		if code, err := strconv.Atoi(m[2]); err != nil || !strings.EqualFold(m[3], http.StatusText(code)) {
			return line
		}
		return m[1] + m[4]
	})
}

// preferSpecific ranks every candidate below the more specific
// candidates it generalises (generalisations): API Gateway's generic
// answer — `401 {"message":"Unauthorized"}` — is part of every JWT
// authorizer's refusal, whose www-authenticate header says which check
// failed, so when both match the text the header's entry explains more
// of it. A candidate keeps its score when no more specific one matched
// (the body alone is the generic entry's).
func preferSpecific(cs []Match) {
	at := make(map[string]int, len(cs))
	for i, c := range cs {
		at[c.ID] = i
	}
	// A chain of generalisations is shorter than the candidates: each
	// round settles one more link.
	for range cs {
		changed := false
		for i := range cs {
			for _, g := range generalisations()[cs[i].ID] {
				j, ok := at[g]
				if !ok {
					continue
				}
				if why := "less specific than " + cs[i].ID; !slices.Contains(cs[j].Why, why) {
					cs[j].Why = append(cs[j].Why, why)
				}
				if cs[j].Score >= cs[i].Score {
					cs[j].Score = cs[i].Score - 1
					changed = true
				}
			}
		}
		if !changed {
			return
		}
	}
}

// generalisations are, per entry of the explain table, the entries
// whose exact error (ExplainError) is part of its own: the general
// entry's text, each ‹…› (a part that varies) or … standing for any
// text, is found in the specific entry's, and not the reverse. So
// `401 {"message":"Unauthorized"}` generalises every JWT authorizer
// refusal, and the header with error_description="‹another reason›"
// generalises each reason of its own (audience, issuer, …).
var generalisations = sync.OnceValue(func() map[string][]string {
	out := map[string][]string{}
	ids := slices.Sorted(maps.Keys(explainErrors))
	for _, specific := range ids {
		for _, general := range ids {
			if general != specific && generalises(explainErrors[general], explainErrors[specific]) &&
				!generalises(explainErrors[specific], explainErrors[general]) {
				out[specific] = append(out[specific], general)
			}
		}
	}
	return out
})

// generalises says whether the exact error general, its varying parts
// (‹…›, …) standing for any text, occurs in the exact error specific.
func generalises(general, specific string) bool {
	rest := specific
	for _, lit := range literalParts(general) {
		i := strings.Index(rest, lit)
		if i < 0 {
			return false
		}
		rest = rest[i+len(lit):]
	}
	return true
}

// literalParts are an exact error's fixed parts, in order: the text
// between its varying parts (‹…› and …).
func literalParts(s string) []string {
	var out []string
	add := func(p string) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	for s != "" {
		i := strings.IndexAny(s, "‹…")
		if i < 0 {
			add(s)
			break
		}
		add(s[:i])
		if strings.HasPrefix(s[i:], "…") {
			s = s[i+len("…"):]
			continue
		}
		end := strings.Index(s[i:], "›")
		if end < 0 {
			break // an unclosed ‹: the rest varies
		}
		s = s[i+end+len("›"):]
	}
	return out
}

var refRe = lazyregexp.New(`^[a-fA-F][0-9]{1,2}$`)

// settle sorts the candidates and picks the best.
func settle(x Explanation) Explanation {
	sort.SliceStable(x.Candidates, func(i, j int) bool { return x.Candidates[i].Score > x.Candidates[j].Score })
	if len(x.Candidates) == 0 {
		return x
	}
	top := x.Candidates[0].Score
	n := 0
	for _, c := range x.Candidates {
		if c.Score == top {
			n++
		}
	}
	if n > 1 {
		x.Ambiguous = true
		x.Candidates = x.Candidates[:n]
		return x
	}
	best := x.Candidates[0]
	x.Best = &best
	var rest []Match
	for _, c := range x.Candidates[1:] {
		if c.Score > 1 || best.Score <= 1 { // a source's bare fallback is no alternative to a real match
			rest = append(rest, c)
		}
	}
	if len(rest) > 4 {
		rest = rest[:4]
	}
	x.Candidates = rest
	return x
}

// scoreEntry scores one entry against the clues: a code that must match
// (+10), message fragments that must be in the text (+20 and the
// fragment's length), the context (+5 each; a context the text says
// nothing about excludes entries that need it, except an OAuth endpoint,
// which only lowers the score).
func scoreEntry(e flows.Entry, c Clue, low string) (int, []string, bool) {
	score := 0
	var why []string
	if e.Code != "" {
		hit := ""
		for _, alt := range strings.Split(e.Code, "|") {
			if slices.Contains(c.Codes, alt) {
				hit = alt
				break
			}
		}
		if hit == "" {
			return 0, nil, false
		}
		if e.Context.Message == "" && c.Service != e.Source && userPoolCodes()[hit] &&
			(e.Source == flows.SourceCognitoIdentity || e.Source == flows.SourceSTS) {
			return 0, nil, false // a user pool's code too: the text must show the identity pool or STS answered
		}
		score += 10
		why = append(why, "code "+hit)
	}
	if e.Context.Message != "" {
		best := ""
		for _, frag := range strings.Split(e.Context.Message, "|") {
			if strings.Contains(low, frag) && len(frag) > len(best) {
				best = frag
			}
		}
		if best == "" {
			return 0, nil, false
		}
		score += 20 + len(best)/4
		why = append(why, `message "`+best+`"`)
	}
	if e.Source == SourceGateway && slices.Contains(hostedUIOps, c.Operation) {
		return 0, nil, false // the hosted UI's endpoint answered, not API Gateway (userInfo's 401 invalid_token)
	}
	if e.Source == SourceJWT && slices.ContainsFunc(c.Codes, func(code string) bool { return awsCodes()[code] }) {
		return 0, nil, false // an AWS service's answer, not a JWT library's ("Token expired" of STS)
	}
	if e.Code == "" && e.Context.Message == "" {
		// A source's fallback: only when the text has a code of the source.
		if !fallbackFits(e.Source, c) {
			return 0, nil, false
		}
		score += 1
		why = append(why, "fallback for "+e.Source)
	}
	if c.Service != "" && e.Source == c.Service {
		score += 5
		why = append(why, "service "+c.Service)
	}
	if op := e.Context.Operation; op != "" {
		switch {
		case c.Operation == "":
			score -= 1
		case slices.Contains(strings.Split(op, "|"), c.Operation) || (c.Operation == "Authorize" && strings.Contains(op, "Authorize")):
			score += 5
			why = append(why, "operation "+c.Operation)
		default:
			return 0, nil, false
		}
	}
	if g := e.Context.Grant; g != "" {
		if c.Grant != g {
			return 0, nil, false
		}
		score += 5
		why = append(why, "grant "+g)
	}
	if f := e.Context.Flow; f != "" {
		if c.Flow != f {
			return 0, nil, false
		}
		score += 5
		why = append(why, "flow "+f)
	}
	if cond := e.Context.Condition; cond != "" {
		if !slices.Contains(c.Conditions, cond) {
			return 0, nil, false
		}
		score += 5
		why = append(why, "condition "+cond)
	}
	return score, why, true
}

func fallbackFits(source string, c Clue) bool {
	for _, code := range c.Codes {
		switch source {
		case flows.SourceCognito:
			if strings.HasSuffix(code, "Exception") && c.Service == "" {
				return true
			}
		case flows.SourceCognitoIdentity, flows.SourceSTS:
			if c.Service == source && (strings.HasSuffix(code, "Exception") || awsCodes()[code]) {
				return true
			}
		case flows.SourceOAuth:
			if slices.Contains(oauthCodes(), code) {
				return true
			}
		}
	}
	return false
}

// defaults fill an entry's {fact} placeholders when explaining pasted
// text, which has none of the facts a live diagnosis has.
var defaults = map[string]string{
	"flow_name": "The flow", "allow_setting": "the flow's ALLOW_… setting", "operation": "the operation",
	"operation_or_this": "this operation", "redirect_uri_quoted": "", "redirect_uri": "the redirect URI",
	"client_auth_cause": "The app client could not be authenticated: a wrong or missing client secret, or the other authentication method (Basic versus a form post).",
	// identity pools and STS (flows/idpool's facts)
	"identity_pool": "<identity pool id>", "role": "the role", "client_id": "<client id>",
	"provider": "cognito-idp.<region>.amazonaws.com/<poolId>", "key_pool": "<the key's pool>",
	"token_pool": "<the token's pool>", "expected_key": "", "message": "",
}

var placeholderRe = lazyregexp.New(`\{[a-z0-9_]+\}`)

func fillDefaults(s string) string {
	s = placeholderRe.ReplaceAllStringFunc(s, func(m string) string { return defaults[m[1:len(m)-1]] })
	s = strings.Join(strings.Fields(s), " ")
	s = strings.NewReplacer(" ()", "", "()", "", " .", ".", " ,", ",", ": .", ".", ": )", ")").Replace(s)
	return strings.TrimSuffix(s, ":")
}

func matchOf(e flows.Entry, score int, why []string) Match {
	m := Match{ID: e.ID, Source: e.Source, Ref: e.Ref, Score: score, Why: why, Entry: e}
	m.Link, _ = EntryURL(e.ID)
	t := m.Phrase(flows.FlagWords)
	m.Cause, m.Fix = t.Cause, t.Fix
	return m
}

// Phrase words the match's cause and fix with w: Cause and Fix carry
// flows.FlagWords' (the command line's), the console phrases them with
// its own.
func (m Match) Phrase(w flows.Words) flows.Text {
	return flows.Text{Cause: fillDefaults(m.Entry.Cause), Fix: fillDefaults(m.Entry.Fix)}.Phrase(w)
}
