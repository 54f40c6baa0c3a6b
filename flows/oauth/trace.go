package oauth

import (
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/flows/trace"
)

// Operation names of the steps this package records (flows.Step.Operation).
const (
	OpDiscovery      = "Discovery"      // GET <issuer>/.well-known/openid-configuration
	OpPKCE           = "PKCE"           // compute: code_verifier, code_challenge, state, nonce
	OpAuthorizeCheck = "AuthorizeCheck" // GET of the authorize URL without a browser, to catch refusals early
	OpAuthorize      = "Authorize"      // the authorize URL handed to the browser
	OpRedirect       = "Redirect"       // the redirect received by the loopback listener
	OpToken          = "Token"          // POST <token endpoint>
	OpRevoke         = "Revoke"         // POST <revocation endpoint>
	OpUserInfo       = "UserInfo"       // GET <userinfo endpoint>
)

// recorder is the client's trace.
type recorder struct{ *trace.Recorder }

// begin starts a step of the trace.
func (r recorder) begin(kind flows.StepKind, op, title string) *rec {
	return &rec{r.Begin(kind, op, title)}
}

// rec is one step while it happens: a trace.Recording, with how this
// package puts its errors on it.
type rec struct{ *trace.Recording }

// fail puts err on the step: an OAuth error keeps its code as the type.
func (s *rec) fail(err error) {
	if oe, ok := asError(err); ok {
		s.Step.Error = &flows.APIError{Type: oe.Code, Message: oe.Description, RequestID: oe.RequestID, HTTPStatus: oe.HTTPStatus}
		if oe.Code != "" {
			s.Step.Title += " → " + oe.Code
		}
		return
	}
	s.Step.Error = &flows.APIError{Message: err.Error()}
}
