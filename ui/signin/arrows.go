package signin

import (
	"strconv"
	"strings"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/flows/oauth"
	"github.com/cogscope/cogscope/ui/widgets"
)

// arrows places one trace step on the sequence diagram: a call is a request
// and its answer, local work a tick on the client's lifeline, and the
// hosted UI's authorize and redirect steps (flows/oauth's operations) go
// through the browser.
func arrows(s flows.Step) []widgets.Arrow {
	n := strconv.Itoa(s.Index) + " "
	failed := s.Error != nil
	if s.Kind == flows.StepCompute || s.Kind == flows.StepDecision {
		return []widgets.Arrow{{From: widgets.Client, To: widgets.Client, Label: n + s.Operation, Failed: failed}}
	}
	switch s.Operation {
	case oauth.OpAuthorize:
		// The client hands the authorize URL to the browser; the sign-in
		// itself shows with the redirect that ends it.
		return []widgets.Arrow{{From: widgets.Client, To: widgets.Browser, Label: n + "open authorize URL", Failed: failed}}
	case oauth.OpRedirect:
		if failed && len(s.Response) == 0 {
			// Nothing came back: the wait timed out or was cancelled.
			return []widgets.Arrow{{From: widgets.Browser, To: widgets.Client, Label: n + "no redirect", Failed: true}}
		}
		back := widgets.Arrow{From: widgets.Browser, To: widgets.Client, Label: n + "redirect with code", Failed: failed}
		if e := s.Response["error"]; e != "" {
			back.Label = n + "redirect: " + e
			return []widgets.Arrow{
				{From: widgets.Browser, To: widgets.Cognito, Label: "sign in"},
				{From: widgets.Cognito, To: widgets.Browser, Label: "302 + error"},
				back,
			}
		} else if failed && s.Error.Type != "" {
			back.Label = n + s.Error.Type
		} else if failed {
			back.Label = n + "redirect refused"
		}
		return []widgets.Arrow{
			{From: widgets.Browser, To: widgets.Cognito, Label: "sign in"},
			{From: widgets.Cognito, To: widgets.Browser, Label: "302 + code"},
			back,
		}
	}
	req := widgets.Arrow{From: widgets.Client, To: widgets.Cognito, Label: strings.TrimSpace(n + callLabel(s))}
	resp := widgets.Arrow{From: widgets.Cognito, To: widgets.Client, Failed: failed}
	switch {
	case failed && s.Error.Type != "":
		resp.Label = s.Error.Type
	case failed:
		resp.Label = "no answer"
	case s.NextChallenge != "":
		resp.Label = s.NextChallenge
	case hasTokens(s.Response):
		resp.Label = "tokens"
	case s.Operation == oauth.OpAuthorizeCheck:
		resp.Label = "sign-in page"
	default:
		resp.Label = "200 OK"
	}
	return []widgets.Arrow{req, resp}
}

// callLabel names a call on its arrow: the operation and what sets it
// apart (the auth flow, the challenge, the grant).
func callLabel(s flows.Step) string {
	switch s.Operation {
	case oauth.OpDiscovery:
		return "discovery"
	case oauth.OpAuthorizeCheck:
		return "check authorize URL"
	case oauth.OpToken:
		// The grant by its short name: the arrow's label has to fit
		// between two lifelines.
		grant := s.Request["grant_type"]
		if grant == "authorization_code" {
			grant = "code"
		}
		return "token (" + grant + ")"
	}
	detail := s.AuthFlow
	if detail == "" {
		detail = s.Challenge
	}
	return s.Operation + " " + detail
}

func hasTokens(resp map[string]string) bool {
	for k := range resp {
		if strings.HasSuffix(k, "AccessToken") || strings.HasSuffix(k, "access_token") || strings.HasSuffix(k, "IdToken") {
			return true
		}
	}
	return false
}
