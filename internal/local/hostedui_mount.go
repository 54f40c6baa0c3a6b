package local

import "github.com/cogscope/cogscope/internal/local/hostedui"

// domainURL is where the stack serves the hosted UI of a pool domain
// (path-based on the one endpoint; see package hostedui). Before the
// endpoint is known it is "", and discovery falls back to the real form.
func (s *Stack) domainURL(domain string) string {
	if s.Endpoint() == "" {
		return ""
	}
	return hostedui.BaseURL(s.Endpoint(), domain)
}

// hostedUIService mounts the hosted UI of every pool with a domain.
func (s *Stack) hostedUIService() service {
	h := hostedui.New(hostedui.Options{Cognito: s.cognito, Endpoint: s.Endpoint, Now: s.opts.Now, Logger: s.logger})
	return service{name: "hosted-ui", handler: h, patterns: hostedui.Patterns()}
}
