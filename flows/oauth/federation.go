package oauth

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/cogscope/cogscope/flows"
)

// OpBrowser is the step that lists the hops a browser made during a
// sign-in (RecordBrowserHops): for a federated sign-in, authorize → the
// provider → /oauth2/idpresponse (OIDC) or /saml2/idpresponse (SAML) →
// the app's callback.
const OpBrowser = "Browser"

// federated reports whether the sign-in names a federated identity
// provider (identity_provider other than COGNITO, or idp_identifier).
func (c *Client) federated() bool {
	return c.o.IDPIdentifier != "" || c.o.IdentityProvider != "" && !strings.EqualFold(c.o.IdentityProvider, "COGNITO")
}

// HopKind names a hop of a sign-in by where it went, given base, the
// hosted UI's base URL (scheme, host and path before /oauth2/authorize):
// "authorize", "sign-in page", "idpresponse (OIDC)", "idpresponse
// (SAML)" and "hosted UI" under base; elsewhere "callback" for an answer
// with code or error, else "provider" (the identity provider's pages).
func HopKind(base string, u *url.URL) string {
	at := u.Scheme + "://" + u.Host + u.Path
	if base != "" && strings.HasPrefix(at, base+"/") {
		switch strings.TrimPrefix(at, base) {
		case "/oauth2/authorize":
			return "authorize"
		case "/oauth2/idpresponse":
			return "idpresponse (OIDC)"
		case "/saml2/idpresponse":
			return "idpresponse (SAML)"
		case "/login":
			return "sign-in page"
		}
		return "hosted UI"
	}
	if q := u.Query(); q.Has("code") || q.Has("error") {
		return "callback"
	}
	return "provider"
}

// recordProviderHop puts the first federated hop, which the authorize
// check sees as the authorize endpoint's redirect, on the check's step:
// each parameter sent to the provider, masked by the trace's table.
func (c *Client) recordProviderHop(s *rec, to *url.URL) {
	s.Step.Title += " → identity provider " + to.Host
	s.Response("provider", to.Scheme+"://"+to.Host+to.Path)
	q := to.Query()
	for _, k := range slices.Sorted(maps.Keys(q)) {
		s.Response("provider."+k, q.Get(k))
	}
	back := "<domain>/oauth2/idpresponse (OIDC)"
	if q.Has("SAMLRequest") {
		back = "<domain>/saml2/idpresponse (SAML, posted by the browser)"
	} else if ru := q.Get("redirect_uri"); ru != "" {
		back = ru
	}
	s.Note("Federated sign-in: the browser goes to the identity provider, which sends it back to %s; Cognito then redirects to the app's callback. This check sees only the first hop.", back)
}

// RecordBrowserHops adds a step with the hops a browser made (each "GET
// url" or "POST url", or a bare URL), as a scripted browser or a browser
// extension reports them: each hop's endpoint and its query parameters,
// secrets (code, SAMLResponse, …) masked by the trace's one table unless
// Reveal. It returns the step.
func (c *Client) RecordBrowserHops(hops []string) flows.Step {
	s := c.rec.begin(flows.StepDecision, OpBrowser, "Browser hops")
	defer s.End()
	var kinds []string
	base := ""
	for i, h := range hops {
		method, raw, ok := strings.Cut(h, " ")
		if !ok {
			method, raw = "GET", h
		}
		u, err := url.Parse(raw)
		if err != nil {
			s.Note("hop %d is not a URL", i+1)
			continue
		}
		if i == 0 {
			base = strings.TrimSuffix(u.Scheme+"://"+u.Host+u.Path, "/oauth2/authorize")
		}
		kind := HopKind(base, u)
		kinds = append(kinds, kind)
		p := fmt.Sprintf("hop%d", i+1)
		s.Request(p, method+" "+u.Scheme+"://"+u.Host+u.Path+" ("+kind+")")
		q := u.Query()
		for _, k := range slices.Sorted(maps.Keys(q)) {
			s.Request(p+"."+k, q.Get(k))
		}
	}
	// Consecutive repeats (the provider's own pages) are one hop in the title.
	s.Step.Title += ": " + strings.Join(slices.Compact(kinds), " → ")
	return s.Step
}
