package oauth

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/cogscope/cogscope/flows"
)

// wellKnownPath is appended to an issuer for its discovery document
// (OpenID Connect Discovery 1.0 §4).
const wellKnownPath = "/.well-known/openid-configuration"

// Endpoints are a provider's OAuth endpoints and the metadata the client
// acts on. The JSON names are those of the discovery document.
type Endpoints struct {
	// Issuer is empty when only a Cognito domain is known: the issuer
	// cannot be derived from a domain.
	Issuer        string `json:"issuer,omitempty"`
	Authorization string `json:"authorization_endpoint,omitempty"`
	Token         string `json:"token_endpoint,omitempty"`
	UserInfo      string `json:"userinfo_endpoint,omitempty"`
	Revocation    string `json:"revocation_endpoint,omitempty"`
	EndSession    string `json:"end_session_endpoint,omitempty"`
	JWKS          string `json:"jwks_uri,omitempty"`

	CodeChallengeMethods []string `json:"code_challenge_methods_supported,omitempty"`
	TokenAuthMethods     []string `json:"token_endpoint_auth_methods_supported,omitempty"`
	ScopesSupported      []string `json:"scopes_supported,omitempty"`
	// IssParameter says the provider puts iss on every authorization
	// response (RFC 9207 §3); a redirect without it is then refused.
	IssParameter bool `json:"authorization_response_iss_parameter_supported,omitempty"`
}

// DomainEndpoints are a Cognito hosted-UI domain's endpoints: its standard
// paths under the domain's base URL.
func DomainEndpoints(domain string) (*Endpoints, error) {
	d, err := normaliseDomain(domain)
	if err != nil {
		return nil, err
	}
	return &Endpoints{
		Authorization:        d + "/oauth2/authorize",
		Token:                d + "/oauth2/token",
		UserInfo:             d + "/oauth2/userInfo",
		Revocation:           d + "/oauth2/revoke",
		EndSession:           d + "/logout",
		CodeChallengeMethods: []string{"S256"},
		TokenAuthMethods:     []string{string(ClientSecretBasic), string(ClientSecretPost)},
	}, nil
}

// Cognito reports whether the endpoints have the shape of a Cognito
// hosted-UI domain (/oauth2/authorize and /logout on one host), which
// decides the logout URL's parameters.
func (e *Endpoints) Cognito() bool {
	a, err1 := url.Parse(e.Authorization)
	l, err2 := url.Parse(e.EndSession)
	return err1 == nil && err2 == nil && a.Host == l.Host &&
		strings.HasSuffix(a.Path, "/oauth2/authorize") && strings.HasSuffix(l.Path, "/logout")
}

func (e *Endpoints) validate() error {
	for _, f := range []struct{ name, v string }{
		{"authorization_endpoint", e.Authorization}, {"token_endpoint", e.Token}, {"userinfo_endpoint", e.UserInfo},
		{"revocation_endpoint", e.Revocation}, {"end_session_endpoint", e.EndSession}, {"jwks_uri", e.JWKS},
	} {
		if f.v == "" {
			continue
		}
		u, err := url.Parse(f.v)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return errInvalid("%s %q is not an absolute http(s) URL", f.name, f.v)
		}
		if u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
			return errInvalid("%s %q is plain http on a host that is not this machine; refusing to send credentials there", f.name, f.v)
		}
	}
	return nil
}

// Endpoints returns the provider's endpoints: as given, from the Cognito
// domain, or from the issuer's discovery document (fetched once, recorded
// as a Discovery step). With both an issuer and a domain, discovery gives
// the metadata and the domain's endpoints win.
func (c *Client) Endpoints(ctx context.Context) (*Endpoints, error) {
	c.mu.Lock()
	ep := c.ep
	c.mu.Unlock()
	if ep != nil {
		return ep, nil
	}
	var err error
	switch {
	case c.o.Issuer != "":
		ep, err = c.discover(ctx)
		if err != nil {
			return nil, err
		}
		if c.o.Domain != "" {
			d, _ := DomainEndpoints(c.o.Domain) // checked by New
			d.Issuer, d.JWKS, d.IssParameter = ep.Issuer, ep.JWKS, ep.IssParameter
			ep = d
		}
	default:
		ep, _ = DomainEndpoints(c.o.Domain)
	}
	c.mu.Lock()
	c.ep = ep
	c.mu.Unlock()
	return ep, nil
}

// discover fetches and checks the issuer's discovery document.
func (c *Client) discover(ctx context.Context) (*Endpoints, error) {
	u := c.o.Issuer + wellKnownPath
	s := c.rec.begin(flows.StepCall, OpDiscovery, "Discovery "+u)
	defer s.End()
	s.Request("url", u)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		s.fail(err)
		return nil, fmt.Errorf("discovery: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	res, body, err := c.do(req)
	if err != nil {
		s.fail(err)
		return nil, fmt.Errorf("discovery: %w", err)
	}
	s.HTTPMeta(res.Header)
	s.Response("status", fmt.Sprint(res.StatusCode))
	if res.StatusCode != http.StatusOK {
		he := &HTTPError{Op: OpDiscovery, URL: u, Status: res.StatusCode, Body: snippet(body),
			Reason: "no discovery document at the issuer"}
		s.fail(he)
		return nil, he
	}
	var ep Endpoints
	if err := json.Unmarshal(body, &ep); err != nil {
		he := &HTTPError{Op: OpDiscovery, URL: u, Status: res.StatusCode, Body: snippet(body),
			Reason: "the discovery document is not a JSON object: " + err.Error()}
		s.fail(he)
		return nil, he
	}
	for k, v := range map[string]string{
		"issuer": ep.Issuer, "authorization_endpoint": ep.Authorization, "token_endpoint": ep.Token,
		"userinfo_endpoint": ep.UserInfo, "revocation_endpoint": ep.Revocation,
		"end_session_endpoint": ep.EndSession, "jwks_uri": ep.JWKS,
	} {
		s.Response(k, v)
	}
	if len(ep.CodeChallengeMethods) > 0 {
		s.Response("code_challenge_methods_supported", strings.Join(ep.CodeChallengeMethods, " "))
	}
	if ep.IssParameter {
		s.Response("authorization_response_iss_parameter_supported", "true")
	}
	// OpenID Discovery §4.3: the document's issuer must be the one asked
	// for, or its tokens would carry another issuer than the one trusted.
	if strings.TrimSuffix(ep.Issuer, "/") != c.o.Issuer {
		ie := &IssuerMismatchError{Where: "discovery document issuer", Want: c.o.Issuer, Got: ep.Issuer}
		s.fail(ie)
		return nil, ie
	}
	if err := ep.validate(); err != nil {
		s.fail(err)
		return nil, err
	}
	if ep.Authorization == "" && ep.Token == "" {
		s.Note("The document lists no OAuth endpoints. A Cognito pool lists them only once it has a domain (CreateUserPoolDomain); give --domain to name it.")
	}
	return &ep, nil
}

// need checks that an endpoint the operation uses is known.
func need(name, v string) error {
	if v == "" {
		return errInvalid("the provider has no %s (a Cognito pool has OAuth endpoints only once it has a domain; give the domain)", name)
	}
	return nil
}
