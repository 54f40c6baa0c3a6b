package inspect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"

	jwtinspect "github.com/cogscope/cogscope/inspect"
	"github.com/cogscope/cogscope/internal/termtext"
)

// authorizerOptions are inspect's flags that judge the token as an API
// Gateway authorizer would (cognito-protocol.md §6) instead of with the
// verifier's own expectations.
type authorizerOptions struct {
	Type                 string
	Audience             []string
	RouteScopes          []string
	ProviderARNs         []string
	IdentitySource       string
	IdentityValidationRE string
}

func addAuthorizerFlags(cmd *cobra.Command, a *authorizerOptions) {
	fl := cmd.Flags()
	fl.StringVar(&a.Type, "authorizer", "", `judge as API Gateway would: "http-jwt" (HTTP API JWT authorizer) or "rest-cognito" (REST COGNITO_USER_POOLS authorizer)`)
	fl.StringArrayVar(&a.Audience, "audience", nil, "http-jwt: an entry of the authorizer's audience list, matched against aud or client_id (repeatable)")
	fl.StringArrayVar(&a.RouteScopes, "route-scope", nil, "the route's (or method's) authorization scopes; the token needs one of them (repeatable)")
	fl.StringArrayVar(&a.ProviderARNs, "provider-arn", nil, "rest-cognito: a user pool ARN of the authorizer (repeatable; --issuer works too)")
	fl.StringVar(&a.IdentitySource, "identity-source", "", `the header the authorizer reads (default "Authorization")`)
	fl.StringVar(&a.IdentityValidationRE, "identity-validation-expression", "", "rest-cognito: the authorizer's regular expression, matched against aud")
}

// authorizerFlags are the flags that only mean something with --authorizer.
var authorizerFlags = []string{"audience", "route-scope", "provider-arn", "identity-source", "identity-validation-expression"}

// verifierOnlyFlags are the verifier's expectations, which an authorizer
// replaces with its own settings; with --authorizer they are refused so a
// flag never silently does nothing.
var verifierOnlyFlags = map[string]string{
	"client-id": "--audience (http-jwt)",
	"scope":     "--route-scope",
	"token-use": "nothing: the authorizer decides which token it wants",
	"group":     "nothing: authorizers do not check groups",
	"skew":      "nothing: API Gateway allows no skew",
}

// checkAuthorizerFlags refuses flags that do not go together.
func checkAuthorizerFlags(flagsSet map[string]bool, a *authorizerOptions) error {
	changed := func(name string) bool { return flagsSet[name] }
	if a.Type == "" {
		for _, n := range authorizerFlags {
			if changed(n) {
				return cmdutil.UsageErr("--%s only applies with --authorizer http-jwt|rest-cognito", n)
			}
		}
		return nil
	}
	switch jwtinspect.AuthorizerType(a.Type) {
	case jwtinspect.HTTPJWTAuthorizer:
		for _, n := range []string{"provider-arn", "identity-validation-expression"} {
			if changed(n) {
				return cmdutil.UsageErr("--%s only applies to --authorizer rest-cognito", n)
			}
		}
	case jwtinspect.RESTCognitoAuthorizer:
		if changed("audience") {
			return cmdutil.UsageErr("--audience only applies to --authorizer http-jwt (a REST Cognito authorizer checks the pool, and aud only through --identity-validation-expression)")
		}
	default:
		return cmdutil.UsageErr(`--authorizer %q: want "http-jwt" or "rest-cognito"`, a.Type)
	}
	for _, n := range []string{"client-id", "scope", "token-use", "group", "skew"} {
		if changed(n) {
			return cmdutil.UsageErr("--%s does not apply with --authorizer; use %s", n, verifierOnlyFlags[n])
		}
	}
	return nil
}

// authorizer builds the authorizer settings; issuer is the expected
// issuer (--issuer, else the session's or profile's pool).
func (a *authorizerOptions) authorizer(issuer string) (jwtinspect.Authorizer, error) {
	az := jwtinspect.Authorizer{
		Type:                         jwtinspect.AuthorizerType(a.Type),
		IdentitySource:               a.IdentitySource,
		Scopes:                       a.RouteScopes,
		IdentityValidationExpression: a.IdentityValidationRE,
	}
	switch az.Type {
	case jwtinspect.HTTPJWTAuthorizer:
		if issuer == "" {
			return az, cmdutil.UsageErr("--authorizer http-jwt needs the authorizer's issuer: --issuer URL (or a user pool id)")
		}
		if len(a.Audience) == 0 {
			return az, cmdutil.UsageErr("--authorizer http-jwt needs the authorizer's audience list: --audience CLIENT_ID (repeatable)")
		}
		az.Issuer, az.Audience = issuer, a.Audience
	case jwtinspect.RESTCognitoAuthorizer:
		for _, arn := range a.ProviderARNs {
			if _, err := jwtinspect.IssuerFromPoolARN(arn); err != nil {
				return az, cmdutil.UsageErr("--provider-arn: %v", err)
			}
		}
		az.ProviderARNs = a.ProviderARNs
		if issuer != "" {
			az.Issuers = []string{issuer}
		}
		if len(az.ProviderARNs) == 0 && len(az.Issuers) == 0 {
			return az, cmdutil.UsageErr("--authorizer rest-cognito needs the authorizer's user pools: --provider-arn ARN or --issuer (a pool id or issuer URL)")
		}
	}
	if az.IdentityValidationExpression != "" {
		if _, err := regexp.Compile(az.IdentityValidationExpression); err != nil {
			return az, cmdutil.UsageErr("--identity-validation-expression: %v", err)
		}
	}
	if strings.ContainsAny(az.IdentitySource, " :\t\r\n") {
		return az, cmdutil.UsageErr("--identity-source %q: want a header name such as Authorization", az.IdentitySource)
	}
	return az, nil
}

// judgeJSON is the "authorizer" member inspect --json adds with
// --authorizer.
type judgeJSON struct {
	Type            string   `json:"type"`
	Allowed         bool     `json:"allowed"`
	Status          int      `json:"status,omitempty"`
	Body            string   `json:"body,omitempty"`
	WWWAuthenticate string   `json:"wwwAuthenticate,omitempty"`
	ResponseType    string   `json:"responseType,omitempty"`
	ErrorType       string   `json:"errorType,omitempty"`
	Reason          string   `json:"reason"`
	Mistakes        []string `json:"mistakes"`
	Caveats         []string `json:"caveats"`
}

// runJudge judges raw as the authorizer would and prints the verdict.
// Exit 0 when API Gateway would let the request through, 1 when it would
// refuse it, 2 when the issuer's keys could not be had.
func runJudge(ctx context.Context, f *cmdutil.Factory, o *InspectOptions, az jwtinspect.Authorizer, raw string, keys jwtinspect.KeySource, now func() time.Time) error {
	header := az.IdentitySource
	if header == "" {
		header = "Authorization"
	}
	h := http.Header{}
	h.Set(header, strings.TrimRight(raw, "\r\n"))
	at := now()
	j, jerr := jwtinspect.Judge(ctx, az, h, keys, at)
	if j == nil {
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: fmt.Errorf("judge: %v", jerr)}
	}
	rep := j.Report
	if rep == nil {
		rep = jwtinspect.Describe(raw, at) // refused before the token was read
	}
	rep, hints := phraseReport(rep)
	if jerr != nil && !j.Allowed && j.Status == 0 {
		j.Reason = "not judged: the issuer's keys could not be had"
	}
	if o.JSON {
		if err := writeJudgeJSON(f.IO.Out, rep, az, j); err != nil {
			return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: fmt.Errorf("write output: %w", err)}
		}
	} else {
		renderReport(f.IO.Out, rep, cmdutil.ColorFor(f.IO.OutTTY, f.Env))
		renderJudgement(f.IO.Out, az, j, cmdutil.ColorFor(f.IO.OutTTY, f.Env))
	}
	if jerr != nil {
		var fe *jwtinspect.FetchError
		if errors.As(jerr, &fe) {
			return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: fmt.Errorf("cannot judge: %v", jwtinspect.PhraseError(fe, hints))}
		}
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: fmt.Errorf("cannot judge: %v", jwtinspect.PhraseError(jerr, hints))}
	}
	if !j.Allowed {
		return &cmdutil.ExitError{Code: cmdutil.ExitRefused, Err: errors.New("refused by the authorizer"), Silent: true}
	}
	return nil
}

func writeJudgeJSON(w io.Writer, rep *jwtinspect.Report, az jwtinspect.Authorizer, j *jwtinspect.Judgement) error {
	b, err := rep.MarshalJSON()
	if err != nil {
		return err
	}
	doc := judgeJSON{Type: string(az.Type), Allowed: j.Allowed, Status: j.Status, Body: j.Body, WWWAuthenticate: j.WWWAuthenticate,
		ResponseType: j.ResponseType, ErrorType: j.ErrorType, Reason: j.Reason, Mistakes: j.Mistakes, Caveats: j.Caveats}
	if doc.Mistakes == nil {
		doc.Mistakes = []string{}
	}
	if doc.Caveats == nil {
		doc.Caveats = []string{}
	}
	aj, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	// The report's own object, with "authorizer" added as its last member.
	if len(b) < 2 || b[len(b)-1] != '}' {
		return errors.New("report JSON is not an object")
	}
	out := append(append(append(b[:len(b)-1:len(b)-1], `,"authorizer":`...), aj...), "}\n"...)
	_, err = w.Write(out)
	return err
}

var authorizerNames = map[jwtinspect.AuthorizerType]string{
	jwtinspect.HTTPJWTAuthorizer:     "HTTP API JWT authorizer",
	jwtinspect.RESTCognitoAuthorizer: "REST API Cognito user-pool authorizer",
}

// renderJudgement writes what API Gateway would answer, after the report.
func renderJudgement(w io.Writer, az jwtinspect.Authorizer, j *jwtinspect.Judgement, colour bool) {
	p := painter(colour)
	fmt.Fprintf(w, "\n%s\n", p.paint(ansiBold, "API Gateway ("+authorizerNames[az.Type]+")"))
	switch {
	case j.Allowed:
		fmt.Fprintf(w, "  %s %s\n", p.paint(ansiGreen+ansiBold, "✓ allowed:"), termtext.Line(j.Reason))
	case j.Status == 0:
		fmt.Fprintf(w, "  %s %s\n", p.paint(ansiYell+ansiBold, "?"), termtext.Line(j.Reason))
	default:
		fmt.Fprintf(w, "  %s %s\n", p.paint(ansiRed+ansiBold, fmt.Sprintf("✗ %d %s", j.Status, termtext.Line(j.Body))), termtext.Line(j.Reason))
		if j.WWWAuthenticate != "" {
			fmt.Fprintf(w, "    www-authenticate: %s\n", j.WWWAuthenticate)
		}
		if j.ResponseType != "" {
			fmt.Fprintf(w, "    gateway response %s, x-amzn-ErrorType: %s\n", j.ResponseType, j.ErrorType)
		}
	}
	for _, m := range j.Mistakes {
		fmt.Fprintf(w, "  %s %s\n", p.paint(ansiYell, "• mistake:"), m)
	}
	for _, c := range j.Caveats {
		fmt.Fprintf(w, "  %s %s\n", p.paint(ansiDim, "• caveat:"), c)
	}
}
