package signin

import (
	"strconv"
	"strings"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/ui/widgets"
)

// arrows places one trace step on the sequence diagram: a call is a request
// and its answer, local work a tick on the client's lifeline, and the hosted
// UI's steps go through the browser.
func arrows(s flows.Step) []widgets.Arrow {
	n := strconv.Itoa(s.Index) + " "
	failed := s.Error != nil
	switch s.Kind {
	case flows.StepCompute, flows.StepDecision:
		return []widgets.Arrow{{From: widgets.Client, To: widgets.Client, Label: n + s.Operation, Failed: failed}}
	}
	op := s.Operation
	lower := strings.ToLower(op)
	switch {
	case strings.Contains(lower, "authorize"):
		// The client opens the authorize URL in the browser, which signs
		// in with Cognito's hosted UI.
		return []widgets.Arrow{
			{From: widgets.Client, To: widgets.Browser, Label: n + "open " + op},
			{From: widgets.Browser, To: widgets.Cognito, Label: "sign in", Failed: failed},
		}
	case strings.Contains(lower, "callback") || strings.Contains(lower, "redirect"):
		return []widgets.Arrow{
			{From: widgets.Cognito, To: widgets.Browser, Label: n + "302 redirect"},
			{From: widgets.Browser, To: widgets.Client, Label: op, Failed: failed},
		}
	}
	detail := s.AuthFlow
	if detail == "" {
		detail = s.Challenge
	}
	req := widgets.Arrow{From: widgets.Client, To: widgets.Cognito, Label: strings.TrimSpace(n + op + " " + detail)}
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
	default:
		resp.Label = "200 OK"
	}
	return []widgets.Arrow{req, resp}
}

func hasTokens(resp map[string]string) bool {
	for k := range resp {
		if strings.HasSuffix(k, "AccessToken") || strings.HasSuffix(k, "access_token") || strings.HasSuffix(k, "IdToken") {
			return true
		}
	}
	return false
}
