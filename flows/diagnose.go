package flows

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/cogscope/cogscope/internal/proxyerr"
)

// Diagnosis explains an error in plain language, beside AWS's own words.
type Diagnosis struct {
	Type      string `json:"type,omitempty"` // AWS's __type, e.g. NotAuthorizedException
	Message   string `json:"message"`        // AWS's message (or the error's text)
	RequestID string `json:"requestId,omitempty"`
	Operation string `json:"operation,omitempty"` // what the flow was doing, e.g. "respond to PASSWORD_VERIFIER"
	Cause     string `json:"cause"`               // what went wrong, plainly
	Fix       string `json:"fix,omitempty"`       // what to do about it
	// Link is the entry that explains the error on the project's
	// troubleshooting page (RefURL: docs/troubleshooting.md#<entry id>);
	// the JSON's "ref".
	Link string `json:"ref,omitempty"`
	// Ref is the entry's section of the failure catalogue the project's
	// specification draws on ("a4"), for maintainers and tests.
	Ref string `json:"-"`
	// ID names the catalogue entry that explained the error (EntryByID).
	ID string `json:"-"`
	// Template is Cause and Fix with the facts filled in but the
	// references (flows, scopes, inputs) not yet phrased: Cause and Fix
	// are it phrased with FlagWords; Phrase words it for another edge.
	Template Text `json:"-"`
}

// Phrase returns d with Cause and Fix worded by w (the console's terms
// rather than the command line's). A diagnosis not made from the
// catalogue is returned as it is.
func (d Diagnosis) Phrase(w Words) Diagnosis {
	if d.ID == "" {
		return d
	}
	t := d.Template.Phrase(w)
	d.Cause, d.Fix = t.Cause, t.Fix
	return d
}

// String renders the diagnosis for a terminal: AWS's words, then ours.
func (d Diagnosis) String() string {
	var b strings.Builder
	if d.Type != "" {
		b.WriteString(d.Type + ": ")
	}
	b.WriteString(d.Message)
	if d.RequestID != "" {
		b.WriteString(" (request id " + d.RequestID + ")")
	}
	b.WriteString("\n  cause: " + d.Cause)
	if d.Fix != "" {
		b.WriteString("\n  fix:   " + d.Fix)
	}
	return b.String()
}

// allowSetting maps a Kind to its ExplicitAuthFlows setting.
var allowSetting = map[Kind]string{
	KindUserSRP:           "ALLOW_USER_SRP_AUTH",
	KindCustomSRP:         "ALLOW_CUSTOM_AUTH",
	KindUserPassword:      "ALLOW_USER_PASSWORD_AUTH",
	KindAdminUserPassword: "ALLOW_ADMIN_USER_PASSWORD_AUTH",
	KindCustom:            "ALLOW_CUSTOM_AUTH",
	KindUserAuth:          "ALLOW_USER_AUTH",
	KindRefresh:           "ALLOW_REFRESH_TOKEN_AUTH",
	KindRefreshTokenAuth:  "ALLOW_REFRESH_TOKEN_AUTH",
}

// Diagnose maps an error from a flow to a plain-language cause and fix,
// from the catalogue (Catalogue). It understands every Cognito error the
// flows can meet; others get a generic reading with AWS's type and
// message kept.
func Diagnose(err error) Diagnosis {
	if err == nil {
		return Diagnosis{}
	}
	var ce *CallError
	errors.As(err, &ce)
	if ce == nil {
		ce = &CallError{}
	}
	d := Diagnosis{Message: err.Error(), Operation: ce.Op}
	ae := ce.API
	if ae == nil {
		ae, _ = APIErrorOf(err)
	}
	if ae == nil {
		Explain(&d, localFacts(err))
		return d
	}
	d.Type, d.Message, d.RequestID = ae.Type, ae.Message, ae.RequestID
	Explain(&d, apiFacts(ce, ae))
	return d
}

// localFacts are the facts of an error that is not Cognito's answer.
func localFacts(err error) Facts {
	f := Facts{Source: SourceLocal, Params: map[string]string{"reason": errorMessage(err)}}
	var ue *UnanswerableError
	var ne net.Error
	var urlErr *url.Error
	var de *smithy.DeserializationError
	switch {
	case errors.As(err, &ue):
		f.Code = "unanswerable"
		f.Conditions = []string{ue.Challenge}
		f.Params["challenge"], f.Params["reason"] = ue.Challenge, ue.Reason
	case errors.Is(err, ErrInvalidOptions), errors.Is(err, ErrInvalidAnswer):
		f.Code = "invalid-input"
	case errors.Is(err, context.Canceled):
		f.Code = "cancelled"
	case errors.Is(err, context.DeadlineExceeded):
		f.Code = "deadline"
	case errors.As(err, &de):
		// Before the network errors: a body that fails mid-read is also a
		// net.Error.
		f.Code = "not-cognito"
		f.Params["response"], f.Params["reason"] = responseSummary(err), decodeReason(de)
	case errors.Is(err, ErrBadResponse):
		f.Code = "bad-response"
		detail := strings.TrimPrefix(errorMessage(err), ErrBadResponse.Error()+": ")
		f.Params["detail"] = detail
		if strings.Contains(detail, "srp:") || strings.Contains(detail, "SRP_B") || strings.Contains(detail, "SALT") || strings.Contains(detail, "SECRET_BLOCK") {
			f.Conditions = []string{"srp"}
		}
	case errors.As(err, &urlErr), errors.As(err, &ne):
		f.Code = "unreachable"
		ProxyFacts(&f, err)
	case strings.Contains(strings.ToLower(err.Error()), "credentials"):
		f.Code = "no-credentials"
	}
	return f
}

// responseSummary describes the HTTP response behind err, e.g. " (HTTP
// 502, text/html)", or "" when there was none.
func responseSummary(err error) string {
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.Response == nil {
		return ""
	}
	s := fmt.Sprintf(" (HTTP %d", re.Response.StatusCode)
	if ct := re.Response.Header.Get("Content-Type"); ct != "" {
		s += ", " + ct
	}
	return s + ")"
}

// decodeReason is why the SDK could not read a response body, without its
// "failed to decode response body" preamble.
func decodeReason(de *smithy.DeserializationError) string {
	if de.Err == nil {
		return "unreadable body"
	}
	msg := de.Err.Error()
	for _, p := range []string{"failed to decode response body, ", "failed to decode response body with invalid JSON, "} {
		msg = strings.TrimPrefix(msg, p)
	}
	if strings.Contains(msg, "invalid character '<'") {
		return "an HTML page"
	}
	return msg
}

// apiFacts are the facts of a Cognito refusal, with the context the flow
// recorded. Conditions: "srp" (an SRP flow, or a password claim answered),
// "no-secret-sent" (no client secret or hash went
// out), "no-device-key" (no remembered device), "totp" (a code of an
// authenticator app).
func apiFacts(ce *CallError, ae *APIError) Facts {
	flow := ce.Flow
	f := Facts{Source: SourceCognito, Code: ae.Type, Message: ae.Message, Operation: ce.Operation, Params: map[string]string{
		"message":           ae.Message,
		"operation":         ce.Operation,
		"operation_or_this": orDefault(ce.Operation, "this operation"),
		"device_key":        ce.DeviceKey,
		"timestamp_quoted":  fmt.Sprintf("%q", ce.Timestamp),
		"flow_name":         string(flow),
		"allow_setting":     orDefault(allowSetting[flow], "the flow's ALLOW_… setting"),
	}}
	if flow == KindCustomSRP {
		f.Params["flow_name"] = "CUSTOM_AUTH"
	}
	if flow.IsRefresh() {
		f.Flow = "refresh"
	}
	if flow == KindUserSRP || flow == KindCustomSRP || ce.Challenge == "PASSWORD_VERIFIER" {
		f.Conditions = append(f.Conditions, "srp")
	}
	if !ce.SecretSent {
		f.Conditions = append(f.Conditions, "no-secret-sent")
	}
	if ce.DeviceKey == "" {
		f.Conditions = append(f.Conditions, "no-device-key")
	}
	if ce.Challenge == "SOFTWARE_TOKEN_MFA" || ce.Challenge == "MFA_SETUP" || (ce.Challenge == "" && ce.Operation == "VerifySoftwareToken") {
		f.Conditions = append(f.Conditions, "totp")
	}
	if ce.SecretHash != nil {
		f.Params["hashed"] = fmt.Sprintf(" SECRET_HASH was computed from %q (%s).", ce.SecretHash.Username, ce.SecretHash.Source)
	} else {
		f.Params["hashed"] = ""
	}
	low := strings.ToLower(ae.Message)
	if i := strings.Index(low, "missing required parameter"); i >= 0 {
		f.Params["missing"] = strings.TrimSpace(ae.Message[i+len("missing required parameter"):])
	}
	f.Params["timestamp_note"], f.Params["clock_note"] = "", ""
	if ce.Timestamp != "" {
		f.Params["timestamp_note"] = fmt.Sprintf(" The TIMESTAMP sent was %q (English, UTC, day not zero-padded — the format is right).", ce.Timestamp)
	}
	if s := ce.ClockSkew; s != nil {
		abs := s.Abs().Round(time.Second)
		if abs >= 2*time.Minute {
			f.Params["clock_note"] = fmt.Sprintf(" This machine's clock is %s off Cognito's: enough for Cognito to reject the TIMESTAMP.", abs)
		} else {
			f.Params["clock_note"] = fmt.Sprintf(" The clocks agree (within %s), so the TIMESTAMP is not the problem: most likely the password is wrong.", max(abs, time.Second))
		}
	}
	return f
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// ProxyFacts adds to f what a dead HTTP proxy behind err says
// (internal/proxyerr): Condition "proxy-http" or "proxy-https" (the
// request's scheme says whether HTTP_PROXY or HTTPS_PROXY sent it through
// the proxy), else "proxy"; Params "proxy" (the proxy's address: "at
// 127.0.0.1:3128", or "(from the environment)") and "host" (the
// request's host, for NO_PROXY).
// It reports whether err was such a failure. flows/oauth uses it too.
func ProxyFacts(f *Facts, err error) bool {
	pf, ok := proxyerr.Of(err)
	if !ok {
		return false
	}
	if f.Params == nil {
		f.Params = map[string]string{}
	}
	switch pf.Var {
	case proxyerr.HTTP:
		f.Conditions = []string{"proxy-http"}
	case proxyerr.HTTPS:
		f.Conditions = []string{"proxy-https"}
	default:
		f.Conditions = []string{"proxy"}
	}
	f.Params["proxy"] = "(from the environment)"
	if pf.Addr != "" {
		f.Params["proxy"] = "at " + pf.Addr
	}
	f.Params["host"] = orDefault(pf.Host, "the endpoint's host")
	return true
}
