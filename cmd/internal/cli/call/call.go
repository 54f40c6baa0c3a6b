// Package call is `cogscope call`: call a protected API Gateway route
// with the saved session's token (or one from stdin, or none), show the
// answer, its timings and request id, and on 401/403 explain it with the
// inspector's authorizer judgement; with --routes, run the profile's
// routes (or every route API Gateway reports) as a smoke test.
//
// The work is internal/apicall's; this package reads flags, finds the
// target, the base URL and the token, reads API Gateway's configuration
// with the target's credentials, and phrases the result for people.
package call

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/internal/apicall"
	"github.com/cogscope/cogscope/internal/doctor"
	"github.com/cogscope/cogscope/internal/logtail"
	"github.com/cogscope/cogscope/internal/termtext"
)

// CallOptions are `cogscope call`'s inputs. callRun reads only these,
// never cobra.
type CallOptions struct {
	IO      *cmdutil.IOStreams
	Factory *cmdutil.Factory

	// Method and Target are the arguments: [METHOD] URL|PATH.
	Method, Target string

	// Token is the saved session's token kind to send: access, id or
	// none. BearerStdin reads the token from stdin instead.
	Token       string
	BearerStdin bool
	AuthScheme  string
	AuthHeader  string
	// SigV4 signs the request (service execute-api) instead of sending a
	// token, with credentials from IdentityPoolID (on the local stack,
	// default its demo identity pool) or the AWS credential chain.
	SigV4          bool
	IdentityPoolID string
	Headers        []string
	// Data is -d: the body, or @FILE.
	Data    string
	Timeout time.Duration
	// Expect is the status that counts as success (0: any 2xx).
	Expect int
	JSON   bool

	// Logs prints the call's log lines after the response (the stage's
	// access-log line and its authorizer's invocation), waiting up to
	// LogsWait for them to arrive.
	Logs     bool
	LogsWait time.Duration

	// Preflight predicts API Gateway's answer before sending (from the
	// route's authorizer configuration and the token) and compares it
	// with the answer after.
	Preflight bool

	// Routes runs the smoke test; JUnit writes its JUnit XML there.
	Routes bool
	JUnit  string

	// FlagsSet names the flags given on the command line.
	FlagsSet map[string]bool
}

// NewCmdCall builds `cogscope call`. runF, when not nil, is called with
// the parsed options instead of callRun (tests of the flags).
func NewCmdCall(f *cmdutil.Factory, runF func(*CallOptions) error) *cobra.Command {
	o := &CallOptions{IO: &f.IO, Factory: f}
	cmd := &cobra.Command{
		Use:   "call [METHOD] URL|PATH",
		Short: "Call a protected API Gateway route with the session's token and explain a refusal",
		Long: `Call an API Gateway route with a token and show the answer: status, headers,
body (JSON pretty-printed, long bodies cut with the full size said), the
timings (DNS, connect, TLS, first byte, total) and API Gateway's request id.

A PATH is resolved against the profile's api.base_url; without one, on the
local stack (no target configured, or an --endpoint), against its demo HTTP
API. The token is the saved session's (--token access|id, default access;
sign in with "cogscope login" first), read from stdin (--bearer-stdin), or
none (--token none). On the local stack's demo pool without a saved session,
call signs in as the demo user, as "cogscope login" does there.

--sigv4 signs the request with SigV4 (service execute-api) instead of
sending a token, for routes with AWS_IAM authorization. The credentials:
with --identity-pool-id, the session's ID token traded at that identity
pool; without it, on the local stack, at its demo identity pool; elsewhere,
the standard AWS credential chain (AWS_PROFILE, the profile's aws_profile,
the environment).

On 401 and 403 it explains the refusal: API Gateway's own words (the body's
message, www-authenticate) beside what went wrong in plain words, the check
that failed and the fix, judged on the token that was sent against the
route's authorizer as API Gateway's configuration describes it (read with
your AWS credentials; without them, call says what it could not read and
explains from the answer alone).

--preflight predicts API Gateway's answer before sending — pass, or the exact
refusal (status, body, www-authenticate) and the check that fails — from the
route's authorizer and the token, prints it before the response ("prediction"
in --json) and, after the response, whether the gateway agreed.

--routes runs every route of the profile's [[api.routes]] (method, path,
token, expect) or, with none, every route API Gateway reports, with the
status its authorizer should give, as a pass/fail table; --junit FILE writes
JUnit XML for CI. A route whose token is sigv4 (an AWS_IAM route) is signed
with the credentials --sigv4 would use (--identity-pool-id, the local
stack's demo identity pool, or the AWS credential chain); without any, it
fails saying so, and the other routes still run.

Exit status: 0 on a 2xx answer (or the --expect status; with --routes, every
route as expected), 1 on another status, 2 on bad input or when no answer
came (network, TLS, timeout, redirect loop).`,
		Example: `  cogscope call /hello
  cogscope call /private --token id
  cogscope call GET https://abc123.execute-api.eu-west-1.amazonaws.com/prod/orders --auth-scheme raw
  cogscope call POST /orders -d @order.json -H 'X-Trace: 1' --expect 201
  pbpaste | cogscope call /private --bearer-stdin --json
  cogscope call /admin --logs
  cogscope call /scoped --token id --preflight
  cogscope call /iam --sigv4
  cogscope call https://abc123.execute-api.eu-west-1.amazonaws.com/reports --sigv4 --identity-pool-id eu-west-1:11111111-2222-3333-4444-555555555555
  cogscope call --routes --junit smoke.xml
  cogscope call --routes --identity-pool-id eu-west-1:11111111-2222-3333-4444-555555555555`,
		Args: cobra.MaximumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.FlagsSet = cmdutil.FlagsSet(cmd)
			switch len(args) {
			case 1:
				o.Target = args[0]
			case 2:
				o.Method, o.Target = args[0], args[1]
			}
			if err := o.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return callRun(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Token, "token", apicall.TokenAccess, `the saved session's token to send: "access", "id", or "none" for no token`)
	fl.BoolVar(&o.BearerStdin, "bearer-stdin", false, "read the token to send from stdin (a pasted line break or \"Bearer \" is removed)")
	fl.StringVar(&o.AuthScheme, "auth-scheme", apicall.SchemeBearer, `"bearer" (Authorization: Bearer <token>) or "raw" (the bare token, as REST Cognito authorizers document)`)
	fl.StringVar(&o.AuthHeader, "auth-header", "Authorization", "the header the token goes in")
	fl.BoolVar(&o.SigV4, "sigv4", false, "sign the request with SigV4 (service execute-api) instead of sending a token, for AWS_IAM routes")
	fl.StringVar(&o.IdentityPoolID, "identity-pool-id", "", "with --sigv4 (or --routes, for its AWS_IAM routes): get the credentials by trading the session's ID token at this identity pool (default on the local stack: its demo identity pool; elsewhere the AWS credential chain)")
	fl.StringArrayVarP(&o.Headers, "header", "H", nil, `extra header "Name: value" (repeatable)`)
	fl.StringVarP(&o.Data, "data", "d", "", "request body, or @FILE to send a file's content")
	fl.DurationVar(&o.Timeout, "timeout", 30*time.Second, "give up on the call after this long")
	fl.IntVar(&o.Expect, "expect", 0, "the status that counts as success (default: any 2xx)")
	fl.BoolVar(&o.JSON, "json", false, `print {"request", "response", "timings", "judgement"} as JSON (the token redacted)`)
	fl.BoolVar(&o.Logs, "logs", false, "after the response, print the call's log lines: its access-log line and its authorizer's invocation (linked by the request id)")
	fl.DurationVar(&o.LogsWait, "logs-wait", 10*time.Second, "with --logs: how long to wait for the lines to arrive")
	fl.BoolVar(&o.Preflight, "preflight", false, "before sending, predict API Gateway's answer from the route's authorizer and the token; after the response, say whether the gateway agreed")
	fl.BoolVar(&o.Routes, "routes", false, "smoke test: call every route of the profile (or of API Gateway's configuration) and compare statuses")
	fl.StringVar(&o.JUnit, "junit", "", "with --routes: write the results as JUnit XML to FILE")
	return cmd
}

// check refuses flags that do not go together or make no sense, before
// anything is sent.
func (o *CallOptions) check() error {
	set := o.FlagsSet
	switch o.Token {
	case apicall.TokenAccess, apicall.TokenID, apicall.TokenNone:
	default:
		return cmdutil.UsageErr("--token %q: want access, id or none", o.Token)
	}
	switch strings.ToLower(o.AuthScheme) {
	case apicall.SchemeBearer, apicall.SchemeRaw:
		o.AuthScheme = strings.ToLower(o.AuthScheme)
	default:
		return cmdutil.UsageErr("--auth-scheme %q: want bearer or raw", o.AuthScheme)
	}
	if strings.TrimSpace(o.AuthHeader) == "" || strings.ContainsAny(o.AuthHeader, " \t\r\n:") {
		return cmdutil.UsageErr("--auth-header %q: not a header name", o.AuthHeader)
	}
	if o.BearerStdin && set["token"] {
		return cmdutil.UsageErr("--bearer-stdin and --token: give one (the token comes from stdin or from the session)")
	}
	if o.SigV4 && o.Routes {
		return cmdutil.UsageErr("--sigv4 is for one call, not --routes")
	}
	if o.SigV4 {
		for _, name := range []string{"token", "bearer-stdin", "auth-scheme", "auth-header"} {
			if set[name] {
				return cmdutil.UsageErr("--sigv4 and --%s: a signed request carries no token; give one or the other", name)
			}
		}
	} else if set["identity-pool-id"] && !o.Routes {
		return cmdutil.UsageErr("--identity-pool-id needs --sigv4 or --routes (it names where the signing credentials come from)")
	}
	if set["identity-pool-id"] && !cmdutil.ValidIdentityPoolID(o.IdentityPoolID) {
		return cmdutil.UsageErr("--identity-pool-id %q: want <region>:<uuid>", o.IdentityPoolID)
	}
	if o.Timeout <= 0 {
		return cmdutil.UsageErr("--timeout %s: want a positive duration such as 10s", o.Timeout)
	}
	if set["expect"] && (o.Expect < 100 || o.Expect > 599) {
		return cmdutil.UsageErr("--expect %d: want an HTTP status (100-599)", o.Expect)
	}
	if o.Routes {
		if o.Target != "" {
			return cmdutil.UsageErr("--routes runs the profile's routes: give no URL or path")
		}
		for _, name := range []string{"data", "header", "expect", "logs", "logs-wait", "preflight"} {
			if set[name] {
				return cmdutil.UsageErr("--%s is for one call, not --routes (set expect per route in [[api.routes]])", name)
			}
		}
		return nil
	}
	if set["junit"] {
		return cmdutil.UsageErr("--junit needs --routes")
	}
	if set["logs-wait"] && !o.Logs {
		return cmdutil.UsageErr("--logs-wait needs --logs")
	}
	if set["logs-wait"] && o.LogsWait <= 0 {
		return cmdutil.UsageErr("--logs-wait %s: want a positive duration such as 10s", o.LogsWait)
	}
	if o.Target == "" {
		return cmdutil.UsageErr("no URL or path to call (cogscope call [METHOD] URL|PATH, or --routes)")
	}
	return nil
}

// maxDataFile bounds -d @FILE.
const maxDataFile = 64 << 20

// body reads -d.
func (o *CallOptions) body() ([]byte, error) {
	if o.Data == "" {
		return nil, nil
	}
	name, ok := strings.CutPrefix(o.Data, "@")
	if !ok {
		return []byte(o.Data), nil
	}
	if name == "" {
		return nil, cmdutil.UsageErr("-d @FILE: no file named")
	}
	st, err := os.Stat(name)
	if err != nil {
		return nil, cmdutil.UsageErr("-d @%s: %v", name, errors.Unwrap(err))
	}
	if st.Size() > maxDataFile {
		return nil, cmdutil.UsageErr("-d @%s: %d bytes is more than %d", name, st.Size(), maxDataFile)
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, cmdutil.UsageErr("-d @%s: %v", name, err)
	}
	return b, nil
}

func callRun(ctx context.Context, o *CallOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	body, err := o.body()
	if err != nil {
		return err
	}
	c, err := NewContext(ctx, o.Factory, o.IO)
	if err != nil {
		return err
	}
	defer c.Close()
	if o.Routes {
		return smokeRun(ctx, o, c)
	}
	req := apicall.Request{Method: o.Method, Target: o.Target, BaseURL: c.BaseURL,
		AuthScheme: o.AuthScheme, AuthHeader: o.AuthHeader, Headers: o.Headers, Body: body, Timeout: o.Timeout}
	b, err := apicall.Build(ctx, req)
	if err != nil {
		return usageOf(err)
	}
	var signer *cmdutil.SigV4
	if o.SigV4 {
		if signer, err = o.newSigner(ctx, c, b.Info.URL); err != nil {
			return err
		}
		fmt.Fprintf(o.IO.ErrOut, "Signing with SigV4 (execute-api, %s) with credentials from %s.\n", signer.Region, signer.Source)
		req.Sign, req.TokenKind = signer.Sign, apicall.TokenNone
	} else if req.Token, req.TokenKind, err = o.token(ctx, c, b.Info.URL); err != nil {
		return err
	}
	var prediction *doctor.Prediction
	if o.Preflight {
		b, err := apicall.Build(ctx, req)
		if err != nil {
			return usageOf(err)
		}
		p := c.preflight(ctx, b)
		prediction = &p
		if !o.JSON {
			writePrediction(o.IO.Out, p)
		}
	}
	started := time.Now()
	res, callErr := apicall.Do(ctx, req, apicall.Options{MaxBody: apicall.DefaultMaxBody})
	var ue *apicall.UsageError
	if errors.As(callErr, &ue) {
		return usageOf(callErr)
	}
	if res != nil && res.Response != nil {
		apicall.RedactEcho(res.Response, req.Token)
		if signer != nil {
			signer.Redact(res.Response)
		}
	}
	if res != nil && res.Response != nil && explainable(res.Response) {
		if x := c.Explainer(ctx); x != nil {
			if prediction != nil {
				// --preflight judged the token before sending: the
				// answer is explained on that judgement, not a second.
				x.Judged = prediction.Judgement
			}
			if b, err := apicall.Build(ctx, req); err == nil {
				res.Judgement = x.Explain(ctx, b, res.Response)
			}
		}
	}
	var doc any = res
	var logs *logtail.CallLogs
	var logsErr error
	if o.Logs {
		logs, logsErr = o.findCallLogs(ctx, c, res, started)
		doc = resultWithLogs{Result: res, Logs: logsJSON(logs, logsErr)}
	}
	o.record(c, res, req.Token, logs, started)
	var comparison *doctor.Comparison
	if prediction != nil {
		comparison = compareAnswer(*prediction, res.Response)
		doc = resultWithPreflight{Doc: doc, Prediction: prediction, Comparison: comparison}
	}
	if o.JSON {
		enc := json.NewEncoder(o.IO.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil {
			return err
		}
	} else {
		for _, n := range res.Request.Notes {
			fmt.Fprintf(o.IO.ErrOut, "note: %s\n", n)
		}
		writeResult(o.IO.Out, res, c)
		if prediction != nil {
			writeComparison(o.IO.Out, comparison)
		}
		if o.Logs {
			o.printCallLogs(logs, logsErr, c)
		}
	}
	code := res.ExitCode(o.Expect)
	switch {
	case code == cmdutil.ExitOK:
		return nil
	case res.Response == nil:
		msg := "no answer"
		if res.Error != nil {
			msg = termtext.Line(errorText(res.Error))
		}
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: errors.New(msg), Silent: o.JSON}
	default:
		want := "a 2xx status"
		if o.Expect != 0 {
			want = strconv.Itoa(o.Expect)
		}
		return &cmdutil.ExitError{Code: cmdutil.ExitRefused, Silent: true,
			Err: fmt.Errorf("status %d, want %s", res.Response.Status, want)}
	}
}

// explainable says which answers Do would explain: 401/403, a gateway's
// 404, a 500.
func explainable(r *apicall.ResponseInfo) bool {
	return r.Status == 401 || r.Status == 403 || r.Status == 500 || (r.Status == 404 && r.RequestIDHeader == "apigw-requestid")
}

func usageOf(err error) error {
	return cmdutil.UsageErr("%s", termtext.Line(err.Error()))
}

// token picks what to send: none, stdin's, or the session's.
func (o *CallOptions) token(ctx context.Context, c *Context, forURL string) (token, kind string, err error) {
	if o.Token == apicall.TokenNone && !o.BearerStdin {
		return "", apicall.TokenNone, nil
	}
	if o.BearerStdin {
		b, err := cmdutil.ReadAllCtx(ctx, o.IO.In, 1<<20)
		if err != nil {
			return "", "", cmdutil.UsageErr("--bearer-stdin: %v", err)
		}
		tok := strings.TrimSpace(string(b))
		if tok == "" {
			return "", "", cmdutil.UsageErr("--bearer-stdin: stdin is empty")
		}
		return string(b), apicall.TokenRaw, nil
	}
	tokens, err := c.Tokens(ctx, forURL)
	if err != nil {
		return "", "", err
	}
	tok := tokens[o.Token]
	if tok == "" {
		return "", "", cmdutil.UsageErr("the saved session has no %s token: sign in again (cogscope login)", o.Token)
	}
	return tok, o.Token, nil
}

// statusText is "200 OK".
func statusText(code int) string {
	if t := http.StatusText(code); t != "" {
		return fmt.Sprintf("%d %s", code, t)
	}
	return strconv.Itoa(code)
}
