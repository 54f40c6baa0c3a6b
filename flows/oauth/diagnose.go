package oauth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/cogscope/cogscope/flows"
)

// Diagnose explains an error of this package in plain language, keeping
// the provider's own words (Type is the OAuth error code), from flows'
// catalogue (sources "oauth" and "oauth-client"). Ref points into the
// failure catalogue (§b) where the error is one developers often hit.
func Diagnose(err error) flows.Diagnosis {
	if err == nil {
		return flows.Diagnosis{}
	}
	d := flows.Diagnosis{Message: err.Error()}
	f := flows.Facts{Source: flows.SourceOAuthClient, Params: map[string]string{"reason": err.Error()}}
	var (
		oe  *Error
		he  *HTTPError
		sm  *StateMismatchError
		im  *IssuerMismatchError
		ie  *IDTokenError
		re  *RedirectURIError
		le  *ListenError
		te  *TimeoutError
		ue  *url.Error
		ne  net.Error
		ope *net.OpError
	)
	switch {
	case errors.As(err, &oe):
		d.Type, d.Message, d.RequestID = oe.Code, oe.Description, oe.RequestID
		if d.Message == "" {
			d.Message = oe.Error()
		}
		d.Operation = oe.Op
		if oe.Grant != "" {
			d.Operation += " (" + oe.Grant + ")"
		}
		f = oauthFacts(oe)
	case errors.As(err, &sm):
		d.Operation = OpRedirect
		f.Code = "state-mismatch"
	case errors.As(err, &im):
		// Conditions: "discovery" (the document's issuer), "redirect"
		// (the redirect's iss); otherwise the ID token's.
		d.Operation = im.Where
		f.Code = "issuer-mismatch"
		f.Params["where"], f.Params["got_quoted"] = im.Where, fmt.Sprintf("%q", im.Got)
		for _, c := range []string{"discovery", "redirect"} {
			if strings.HasPrefix(im.Where, c) {
				f.Conditions = []string{c}
			}
		}
	case errors.As(err, &ie):
		// Condition: the claim that failed.
		d.Operation = OpToken + " (" + firstNonEmpty(ie.Grant, GrantAuthorizationCode) + ")"
		f.Code, f.Conditions = "id-token", []string{ie.Claim}
		f.Params["got"] = ie.Got
	case errors.As(err, &re):
		d.Operation = "redirect URI"
		f.Code, f.Params["reason"] = "redirect-uri", re.Reason
	case errors.As(err, &le):
		// Condition "in-use": another program holds the port.
		d.Operation = "listen"
		f.Code = "listen"
		f.Params["addr"], f.Params["ipv6_note"] = le.Addr, ""
		if le.Err != nil {
			f.Params["reason"] = le.Err.Error()
		}
		if le.InUse {
			f.Conditions = []string{"in-use"}
			if strings.HasPrefix(le.Addr, "[::1]") {
				f.Params["ipv6_note"] = " It holds the IPv6 loopback only, but a browser may send a localhost redirect there."
			}
		}
	case errors.As(err, &te):
		d.Operation = OpRedirect
		f.Code = "timeout"
		f.Params["redirect_uri"], f.Params["waited"] = te.RedirectURI, te.Waited.String()
	case errors.As(err, &he):
		// Condition "no-pool": discovery answered 404 for a pool that
		// does not exist.
		d.Operation = he.Op
		d.Message = he.Error()
		f.Code, f.Operation = "http", he.Op
		f.Params["reason"], f.Params["body"], f.Params["operation"] = he.Reason, he.Body, he.Op
		if he.Status == 404 && strings.Contains(he.Body, "does not exist") {
			f.Conditions = []string{"no-pool"}
		}
	case errors.Is(err, flows.ErrInvalidOptions):
		f.Code = "invalid-input"
	case errors.Is(err, context.Canceled):
		f.Code = "cancelled"
	case errors.Is(err, context.DeadlineExceeded):
		f.Code = "deadline"
	case errors.As(err, &ue), errors.As(err, &ne), errors.As(err, &ope):
		f.Code = "unreachable"
		flows.ProxyFacts(&f, err)
	}
	flows.Explain(&d, f)
	return d
}

// oauthFacts are the facts of an OAuth error: its code, where it came from
// and with which grant. Condition "error-page": the provider refused on
// its own page rather than redirecting.
func oauthFacts(oe *Error) flows.Facts {
	f := flows.Facts{Source: flows.SourceOAuth, Code: oe.Code, Message: oe.Description, Operation: oe.Op, Grant: oe.Grant, Params: map[string]string{
		"code":                oe.Code,
		"description":         oe.Description,
		"status":              fmt.Sprint(oe.HTTPStatus),
		"redirect_uri_quoted": fmt.Sprintf("%q", oe.RedirectURI),
		"client_auth_cause":   clientAuthCause[oe.ClientAuth],
	}}
	if f.Code == "" {
		f.Code = flows.NoCode
	}
	if oe.ErrorPage {
		f.Conditions = []string{"error-page"}
	}
	return f
}

// clientAuthCause says why client authentication may have failed, given
// how the secret was sent.
var clientAuthCause = map[ClientAuth]string{
	"":                "Client authentication failed and no client secret was sent: the app client is confidential (it has a secret), or the client ID is unknown to this pool.",
	ClientSecretPost:  "Client authentication failed: the secret (sent as client_secret in the form) is wrong for this client, the client ID is unknown, or the provider wants HTTP Basic.",
	ClientSecretBasic: "Client authentication failed: the secret (sent with HTTP Basic) is wrong for this client, the client ID is unknown, or the provider wants it in the form (client_secret_post).",
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
