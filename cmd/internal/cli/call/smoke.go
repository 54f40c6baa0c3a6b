package call

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/internal/apicall"
	"github.com/cogscope/cogscope/internal/apiconfig"
	"github.com/cogscope/cogscope/internal/termtext"
	"github.com/cogscope/cogscope/internal/transcript"
)

// smokePlan is the rows to run, each with the base URL it resolves
// against (a derived row's API's invoke URL).
type smokePlan struct {
	rows   []apicall.SmokeRoute
	bases  []string
	from   string // for people
	source string // for --json: "profile" or "apigateway"
}

// smokeDoc is `--routes --json`.
type smokeDoc struct {
	From    string                `json:"from"` // "profile" or "apigateway"
	Results []apicall.SmokeResult `json:"results"`
	Failed  int                   `json:"failed"`
}

func smokeRun(ctx context.Context, o *CallOptions, c *Context) error {
	plan, err := planSmoke(ctx, c)
	if err != nil {
		return err
	}
	tokens := map[string]string{}
	if o.BearerStdin {
		b, err := cmdutil.ReadAllCtx(ctx, o.IO.In, 1<<20)
		if err != nil || strings.TrimSpace(string(b)) == "" {
			return cmdutil.UsageErr("--bearer-stdin: no token on stdin")
		}
		tokens[apicall.TokenAccess], tokens[apicall.TokenID], tokens[apicall.TokenRaw] = string(b), string(b), string(b)
	} else if forURL, ok := plan.firstURL(isBearer, c.OnStack); ok {
		tk, err := c.Tokens(ctx, forURL)
		if err != nil {
			return err
		}
		tokens = tk
	}
	sign, noSign := o.smokeSigner(ctx, c, plan)
	x := c.Explainer(ctx)
	results := make([]apicall.SmokeResult, 0, len(plan.rows))
	recorded := make([]transcript.Call, 0, len(plan.rows))
	for i, r := range plan.rows {
		started := time.Now()
		out := apicall.Smoke(ctx, []apicall.SmokeRoute{r}, apicall.SmokeOptions{BaseURL: plan.bases[i], Tokens: tokens,
			Sign: sign, NoSign: noSign, AuthScheme: o.AuthScheme, AuthHeader: o.AuthHeader, Timeout: o.Timeout, Call: apicall.Options{Explain: x}})
		results = append(results, out...)
		for _, res := range out {
			recorded = append(recorded, transcript.CallFromSmoke(res, plan.bases[i], started))
		}
		if ctx.Err() != nil {
			break
		}
	}
	// Recorded for `cogscope transcript` (the tokens sent are secrets).
	if err := o.Factory.RecordCalls(c.Target, c.BaseURL, recorded, tokens[apicall.TokenAccess], tokens[apicall.TokenID], tokens[apicall.TokenRaw]); err != nil {
		fmt.Fprintf(o.IO.ErrOut, "cogscope: warning: %s\n", termtext.Line(err.Error()))
	}
	failed := apicall.Failed(results)
	if o.JUnit != "" {
		if err := writeJUnitFile(o.JUnit, results, c.f.Clock()()); err != nil {
			return err
		}
	}
	if o.JSON {
		enc := json.NewEncoder(o.IO.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(smokeDoc{From: plan.source, Results: results, Failed: failed}); err != nil {
			return err
		}
	} else {
		writeSmokeTable(o.IO.Out, plan.from, results)
	}
	if failed > 0 {
		return &cmdutil.ExitError{Code: cmdutil.ExitRefused, Silent: true, Err: fmt.Errorf("%d of %d routes differ", failed, len(results))}
	}
	return nil
}

// isBearer says which rows send a token of the session's: not none,
// not a SigV4 signature.
func isBearer(r apicall.SmokeRoute) bool {
	return r.Token != apicall.TokenNone && r.Token != apicall.TokenSigV4
}

// isSigned says which rows are SigV4-signed (AWS_IAM routes).
func isSigned(r apicall.SmokeRoute) bool { return r.Token == apicall.TokenSigV4 }

// firstURL is the URL of the first row that want(s) something, preferring
// one off the local stack (the demo user's tokens go only to the stack:
// asking for one off it gets the refusal), and whether any row wants it.
func (p *smokePlan) firstURL(want func(apicall.SmokeRoute) bool, onStack func(string) bool) (string, bool) {
	forURL, found := "", false
	for i, r := range p.rows {
		if !want(r) {
			continue
		}
		found = true
		if u, err := resolveURL(r.Path, p.bases[i]); err == nil {
			forURL = u.String()
		}
		if !onStack(forURL) {
			break
		}
	}
	return forURL, found
}

// smokeSigner finds the credentials the plan's AWS_IAM rows are signed
// with, as `call --sigv4` does (newSigner: --identity-pool-id, the local
// stack's demo identity pool, else the AWS credential chain). Without
// any, the rows are not sent and say why (noSign); the rest still run.
func (o *CallOptions) smokeSigner(ctx context.Context, c *Context, p *smokePlan) (sign func(*http.Request, []byte) error, noSign string) {
	forURL, ok := p.firstURL(isSigned, c.OnStack)
	if !ok {
		return nil, ""
	}
	s, err := o.newSigner(ctx, c, forURL)
	if err != nil {
		why := strings.TrimPrefix(err.Error(), "--sigv4: ")
		fmt.Fprintf(o.IO.ErrOut, "note: AWS_IAM routes are not signed: %s\n", termtext.Line(why))
		return nil, why
	}
	fmt.Fprintf(o.IO.ErrOut, "Signing AWS_IAM routes with SigV4 (execute-api, %s) with credentials from %s.\n", s.Region, s.Source)
	return s.Sign, ""
}

// planSmoke takes the profile's [[api.routes]], else every route API
// Gateway reports (of the API at the base URL when one is configured).
func planSmoke(ctx context.Context, c *Context) (*smokePlan, error) {
	p := &smokePlan{from: "the profile's [[api.routes]]", source: "profile"}
	if routes := c.Profile.API.Routes; len(routes) > 0 {
		cfg := c.Config(ctx)
		for _, r := range routes {
			row := apicall.SmokeRoute{Method: cmpOr(strings.ToUpper(r.Method), "GET"), Path: r.Path,
				Token: cmpOr(r.Token, apicall.TokenAccess), Expect: r.Expect}
			if cfg != nil {
				if u, err := resolveURL(r.Path, c.BaseURL); err == nil {
					_, row.Config = cfg.RouteFor(row.Method, u)
				}
			}
			p.rows, p.bases = append(p.rows, row), append(p.bases, c.BaseURL)
		}
		return p, nil
	}
	p.source = "apigateway"
	p.from = "read from API Gateway, expected statuses from their authorizers"
	cfg := c.Config(ctx)
	if cfg == nil || len(cfg.APIs) == 0 {
		return nil, cmdutil.UsageErr("no routes to run: the profile has no [[api.routes]] and API Gateway's configuration could not be read or holds no API")
	}
	apis := cfg.APIs
	if c.Profile.API.BaseURL != "" {
		if u, err := url.Parse(strings.TrimRight(c.Profile.API.BaseURL, "/") + "/"); err == nil {
			if api, _ := cfg.RouteFor("GET", u); api != nil {
				apis = []apiconfig.API{*api}
			}
		}
	}
	for _, api := range apis {
		for _, r := range apicall.RoutesFromConfig(api, true) {
			p.rows, p.bases = append(p.rows, r), append(p.bases, api.InvokeURL)
		}
	}
	if len(p.rows) == 0 {
		return nil, cmdutil.UsageErr("no routes to run: API Gateway's APIs hold no routes")
	}
	return p, nil
}

// resolveURL is the URL a row's path calls (as apicall resolves it).
func resolveURL(path, base string) (*url.URL, error) {
	b, err := apicall.Build(context.Background(), apicall.Request{Target: path, BaseURL: base, TokenKind: apicall.TokenNone})
	if err != nil {
		return nil, err
	}
	return b.HTTP.URL, nil
}

func writeJUnitFile(name string, results []apicall.SmokeResult, at time.Time) error {
	fh, err := os.Create(name)
	if err != nil {
		return cmdutil.UsageErr("--junit: %v", err)
	}
	if err := apicall.WriteJUnit(fh, "cogscope call --routes", results, at); err != nil {
		fh.Close()
		return cmdutil.UsageErr("--junit %s: %v", name, err)
	}
	if err := fh.Close(); err != nil {
		return cmdutil.UsageErr("--junit %s: %v", name, err)
	}
	return nil
}

// writeSmokeTable prints one row per route: PASS/FAIL, the route, the
// token, the expected and actual statuses, the time and why.
func writeSmokeTable(w io.Writer, from string, results []apicall.SmokeResult) {
	width := len("ROUTE")
	for _, r := range results {
		width = max(width, len(termtext.Line(r.Route.Method+" "+r.Route.Path)))
	}
	fmt.Fprintf(w, "%-4s  %-*s  %-6s  %-6s  %-6s  %9s  %s\n", "", width, "ROUTE", "TOKEN", "EXPECT", "GOT", "TIME", "WHY")
	for _, r := range results {
		mark := "PASS"
		if !r.Pass {
			mark = "FAIL"
		}
		expect := "2xx"
		if r.Route.Expect != 0 {
			expect = fmt.Sprint(r.Route.Expect)
		}
		got := "-"
		if r.Status != 0 {
			got = fmt.Sprint(r.Status)
		}
		why := ""
		switch {
		case r.Error != "":
			why = termtext.Line(r.Error)
		case r.Judge != nil:
			why = termtext.Line(apicall.Causes[r.Judge.Cause].Text)
			if r.Judge.FailedCheck != "" {
				why = r.Judge.FailedCheck + ": " + why
			}
		}
		fmt.Fprintf(w, "%-4s  %-*s  %-6s  %-6s  %-6s  %9s  %s\n", mark, width, termtext.Line(r.Route.Method+" "+r.Route.Path), r.Route.Token,
			expect, got, fmtMS(time.Duration(r.Duration)), why)
	}
	failed := apicall.Failed(results)
	fmt.Fprintf(w, "\n%d routes (%s), %d passed, %d failed\n", len(results), from, len(results)-failed, failed)
}
