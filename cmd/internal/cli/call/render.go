package call

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/internal/apicall"
	"github.com/cogscope/cogscope/internal/doctor"
	"github.com/cogscope/cogscope/internal/termtext"
)

// displayMax bounds the body shown to people; --json carries up to
// apicall.DefaultMaxBody.
const displayMax = 16 << 10

// writeResult prints a call for people: the request line, the status and
// request id, the headers, the body, the timings and, for a refusal, the
// explanation. Everything from the server goes through Line/Block.
func writeResult(w io.Writer, res *apicall.Result, c *Context) {
	rq := res.Request
	tok := "no token"
	switch rq.TokenKind {
	case apicall.TokenNone:
	case apicall.TokenSigV4:
		tok = "SigV4-signed (execute-api), no token"
	default:
		tok = fmt.Sprintf("%s token in %s (%s)", tokenName(rq.TokenKind), rq.TokenHeader, rq.TokenScheme)
	}
	fmt.Fprintf(w, "%s %s  [%s]\n", rq.Method, termtext.Line(rq.URL), tok)
	if res.Response == nil {
		if res.Error != nil {
			fmt.Fprintf(w, "no answer (%s): %s\n", res.Error.Kind, termtext.Line(errorText(res.Error)))
		}
		writeTimings(w, res.Timings)
		return
	}
	r := res.Response
	fmt.Fprintf(w, "%s %s", termtext.Line(r.Proto), statusText(r.Status))
	if r.RequestID != "" {
		fmt.Fprintf(w, "   request id %s (%s)", termtext.Line(r.RequestID), r.RequestIDHeader)
		if r.ExtendedRequestID != "" && r.ExtendedRequestID != r.RequestID {
			fmt.Fprintf(w, ", extended %s", termtext.Line(r.ExtendedRequestID))
		}
	}
	fmt.Fprintln(w)
	names := make([]string, 0, len(r.Headers))
	for k := range r.Headers {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		for _, v := range r.Headers[k] {
			fmt.Fprintf(w, "%s: %s\n", termtext.Line(http.CanonicalHeaderKey(k)), termtext.Line(v))
		}
	}
	fmt.Fprintln(w)
	writeBody(w, r)
	writeTimings(w, res.Timings)
	if res.Judgement != nil {
		fmt.Fprintln(w)
		writeJudgement(w, res.Judgement, rq)
	}
}

func tokenName(kind string) string {
	switch kind {
	case apicall.TokenAccess:
		return "access"
	case apicall.TokenID:
		return "ID"
	}
	return "given"
}

// writeBody prints the body, JSON indented, cut at displayMax with the
// full size said.
func writeBody(w io.Writer, r *apicall.ResponseInfo) {
	if r.BodySize == 0 && r.Body == "" {
		fmt.Fprintln(w, "(empty body)")
		return
	}
	body := r.Body
	if r.JSON {
		body, _ = apicall.PrettyJSON(body)
	}
	shown := body
	if len(shown) > displayMax {
		shown = shown[:displayMax]
		for len(shown) > 0 && shown[len(shown)-1]&0xC0 == 0x80 { // do not split a UTF-8 sequence
			shown = shown[:len(shown)-1]
		}
	}
	fmt.Fprint(w, termtext.Block(shown))
	if !strings.HasSuffix(shown, "\n") {
		fmt.Fprintln(w)
	}
	if len(shown) < len(body) || r.Truncated {
		size := "of unknown size"
		if r.BodySize >= 0 {
			size = fmt.Sprintf("of %s", bytesText(r.BodySize))
		}
		fmt.Fprintf(w, "… body cut: %s shown, %s in all (--json keeps up to %s)\n", bytesText(int64(len(shown))), size, bytesText(apicall.DefaultMaxBody))
	} else if !r.JSON && looksJSON(r) {
		fmt.Fprintln(w, "(the body says it is JSON but does not parse as JSON)")
	}
}

func looksJSON(r *apicall.ResponseInfo) bool {
	return strings.Contains(strings.ToLower(http.Header(r.Headers).Get("Content-Type")), "json")
}

func bytesText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB (%d bytes)", float64(n)/(1<<20), n)
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB (%d bytes)", float64(n)/(1<<10), n)
	}
	return fmt.Sprintf("%d bytes", n)
}

// writeTimings prints the phases on one line and as a bar.
func writeTimings(w io.Writer, t apicall.Timings) {
	d := func(x apicall.Duration) string {
		if x == 0 {
			return "–"
		}
		return fmtMS(time.Duration(x))
	}
	reused := ""
	if t.Reused {
		reused = " (connection reused)"
	}
	fmt.Fprintf(w, "\ntimings  DNS %s · connect %s · TLS %s · first byte %s · total %s%s\n",
		d(t.DNS), d(t.Connect), d(t.TLS), d(t.FirstByte), fmtMS(time.Duration(t.Total)), reused)
	if bar := timingBar(t, 40); bar != "" {
		fmt.Fprintf(w, "         %s  D dns  C connect  T tls  W first byte  R rest\n", bar)
	}
}

func fmtMS(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
}

// timingBar is [DDCCTTWWWWRR] scaled to width.
func timingBar(t apicall.Timings, width int) string {
	total := time.Duration(t.Total)
	if total <= 0 {
		return ""
	}
	phases := []struct {
		c rune
		d time.Duration
	}{{'D', time.Duration(t.DNS)}, {'C', time.Duration(t.Connect)}, {'T', time.Duration(t.TLS)}, {'W', time.Duration(t.FirstByte)}}
	var used time.Duration
	for _, p := range phases {
		used += p.d
	}
	phases = append(phases, struct {
		c rune
		d time.Duration
	}{'R', max(total-used, 0)})
	var b strings.Builder
	b.WriteByte('[')
	n := 0
	for _, p := range phases {
		k := int(float64(p.d) / float64(max(total, used)) * float64(width))
		if p.d > 0 && k == 0 {
			k = 1
		}
		for ; k > 0 && n < width; k-- {
			b.WriteRune(p.c)
			n++
		}
	}
	b.WriteByte(']')
	return b.String()
}

// checkWords name the failed checks in plain words.
var checkWords = map[string]string{
	"identity_source": "the token header (identity source)",
	"parse":           "the token's form (a whole JWT)",
	"alg":             "the signing algorithm",
	"kid":             "the signing key (kid)",
	"signature":       "the signature",
	"iss":             "the issuer (iss)",
	"aud":             "the audience (aud / client_id)",
	"exp":             "the expiry (exp)",
	"nbf":             "not before (nbf)",
	"iat":             "issued at (iat)",
	"token_use":       "the token kind (token_use)",
	"scope":           "the route's scopes",
	"route":           "the route (path, method, stage)",
	"lambda":          "the Lambda authorizer's decision",
}

var warningWords = map[string]string{
	apicall.WarnBearerToRESTCognito: `a "Bearer " prefix went to a REST API Cognito authorizer, whose documented form is the bare token: try --auth-scheme raw`,
	apicall.WarnCachedPolicy:        "the Lambda authorizer caches its results: the policy may be one cached for another method (the identity source is the cache key); set the TTL to 0 or return a wildcard resource",
}

// fixHints are the flags and commands that do a fix, by fix code (the
// library's fix text names none).
var fixHints = map[string]apicall.Hint{
	"send-token":          {After: "send a token", Text: " (--token access|id)"},
	"send-access-token":   {After: "send the access token", Text: " (--token access)"},
	"send-id-token":       {After: "send the ID token", Text: " (--token id)"},
	"sign-request":        {After: "with AWS credentials", Text: " (cogscope call --sigv4)"},
	"check-role-policy":   {After: "the identity pool gives", Text: ": cogscope credentials"},
	"refresh-credentials": {After: "get fresh credentials", Text: " (cogscope credentials)"},
}

var routeProblemWords = map[string]string{
	"wrong-method": "the path exists, but not with this method",
	"wrong-stage":  "there is no such stage",
	"no-such-path": "no route has this path",
}

// writeJudgement phrases a refusal's explanation: what went wrong, the
// failed check, API Gateway's own words beside ours, the fix.
func writeJudgement(w io.Writer, j *apicall.Judgement, rq apicall.RequestInfo) {
	cause := apicall.Causes[j.Cause]
	fmt.Fprintf(w, "Why %d: %s\n", j.Status, termtext.Line(cause.Text))
	row := func(label, text string) { fmt.Fprintf(w, "  %-14s %s\n", label, text) }
	if j.FailedCheck != "" {
		row("failed check", fmt.Sprintf("%s — %s", j.FailedCheck, checkWords[j.FailedCheck]))
	}
	var gw []string
	switch {
	case j.Message != "":
		gw = append(gw, fmt.Sprintf("%q", termtext.Line(j.Message)))
	case j.MessageNull:
		gw = append(gw, `message null`)
	}
	if a := j.WWWAuthenticate; a != nil {
		gw = append(gw, "www-authenticate: "+termtext.Line(a.Raw))
	}
	if j.ErrorType != "" {
		gw = append(gw, "x-amzn-ErrorType: "+termtext.Line(j.ErrorType))
	}
	if len(gw) > 0 {
		row("API Gateway", strings.Join(gw, "; "))
	}
	if j.Route != nil {
		rt := j.Route
		desc := rt.Method + " " + rt.Path + ", " + strings.ToLower(cmpOr(rt.AuthorizationType, "NONE"))
		if rt.Authorizer != nil && rt.Authorizer.Name != "" {
			desc += " authorizer " + rt.Authorizer.Name
		}
		if len(rt.Scopes) > 0 {
			desc += ", scopes " + strings.Join(rt.Scopes, " ")
		}
		row("route", termtext.Line(desc))
	}
	if j.TokenUse != "" {
		row("token sent", fmt.Sprintf("%s token (token_use %s)", tokenName(rq.TokenKind), termtext.Line(j.TokenUse)))
	}
	if j.Reason != "" {
		row("inspector", termtext.Line(j.Reason))
	}
	for _, m := range j.Mistakes {
		row("mistake", termtext.Line(m))
	}
	if p := j.Predicted; p != nil && !p.Agrees {
		row("note", fmt.Sprintf("the inspector expected status %d; API Gateway answered %d (its configuration may differ from what was read)", p.Status, j.Status))
	}
	if j.RouteProblem != "" {
		text := routeProblemWords[j.RouteProblem]
		if len(j.Known) > 0 {
			text += "; the API has: " + termtext.Line(strings.Join(j.Known, ", "))
		}
		row("route problem", text)
	}
	if fix := apicall.FixPhrase(j.Cause, fixHints); fix != "" {
		row("fix", termtext.Line(fix))
	}
	for _, wn := range j.Warnings {
		row("warning", cmpOr(warningWords[wn], wn))
	}
	if len(j.LogGroups) > 0 {
		row("logs", termtext.Line(strings.Join(j.LogGroups, ", ")))
	}
	if j.Entry != "" {
		row("see", "cogscope explain "+termtext.Line(j.Entry))
		if link, ok := doctor.EntryURL(j.Entry); ok {
			row("link", link)
		}
	}
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// errorText is a failed call in the command line's words: a dead proxy is
// named by its setting with the value (HTTP_PROXY=http://…), which only
// the command line reads.
func errorText(e *apicall.CallError) string {
	if e.Proxy != nil {
		return e.Proxy.Describe(cmdutil.ProxySetting)
	}
	return e.Message
}
