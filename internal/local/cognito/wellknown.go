package cognito

import (
	"encoding/json"
	"net/http"
	"strings"
)

// wellKnownMaxAge is short so that verifiers' JWKS caches pick up a
// restored or re-seeded stack quickly in tests.
const wellKnownMaxAge = "public, max-age=60"

// serveWellKnown answers GET /<poolId>/.well-known/{jwks.json,openid-configuration};
// anything else under a path is a 404 with a JSON body.
func (s *Service) serveWellKnown(w http.ResponseWriter, r *http.Request) {
	poolID, doc, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/.well-known/")
	if !ok || strings.Contains(poolID, "/") || (doc != "jwks.json" && doc != "openid-configuration") {
		writeJSONStatus(w, http.StatusNotFound, map[string]string{"message": "Not Found: " + r.URL.Path})
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeJSONStatus(w, http.StatusMethodNotAllowed, map[string]string{"message": "Method Not Allowed"})
		return
	}
	s.mu.Lock()
	p := s.st.Pools[poolID]
	var body any
	if p != nil {
		if doc == "jwks.json" {
			body = struct {
				Keys []jwkJSON `json:"keys"`
			}{[]jwkJSON{p.Keys[0].jwk, p.Keys[1].jwk}}
		} else {
			body = s.discovery(p)
		}
	}
	s.mu.Unlock()
	if p == nil {
		writeJSONStatus(w, http.StatusNotFound, map[string]string{"message": "User pool " + poolID + " does not exist."})
		return
	}
	w.Header().Set("Cache-Control", wellKnownMaxAge)
	writeJSONStatus(w, http.StatusOK, body)
}

func writeJSONStatus(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"message":"encode error"}`)
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

type discoveryDoc struct {
	AuthorizationEndpoint             string   `json:"authorization_endpoint,omitempty"`
	EndSessionEndpoint                string   `json:"end_session_endpoint,omitempty"`
	IDTokenSigningAlgValuesSupported  []string `json:"id_token_signing_alg_values_supported"`
	Issuer                            string   `json:"issuer"`
	JWKSURI                           string   `json:"jwks_uri"`
	ResponseTypesSupported            []string `json:"response_types_supported"`
	RevocationEndpoint                string   `json:"revocation_endpoint,omitempty"`
	ScopesSupported                   []string `json:"scopes_supported"`
	SubjectTypesSupported             []string `json:"subject_types_supported"`
	TokenEndpoint                     string   `json:"token_endpoint,omitempty"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
	UserinfoEndpoint                  string   `json:"userinfo_endpoint,omitempty"`
}

// discovery is the pool's openid-configuration; the OAuth endpoints appear
// only when the pool has a domain. s.mu must be held.
func (s *Service) discovery(p *pool) discoveryDoc {
	iss := s.issuer(p.ID)
	d := discoveryDoc{
		IDTokenSigningAlgValuesSupported:  []string{"RS256"},
		Issuer:                            iss,
		JWKSURI:                           iss + "/.well-known/jwks.json",
		ResponseTypesSupported:            []string{"code", "token"},
		ScopesSupported:                   []string{"openid", "email", "phone", "profile"},
		SubjectTypesSupported:             []string{"public"},
		TokenEndpointAuthMethodsSupported: []string{"client_secret_basic", "client_secret_post"},
	}
	if p.Domain != "" {
		base := s.domainURL(p)
		d.AuthorizationEndpoint = base + "/oauth2/authorize"
		d.EndSessionEndpoint = base + "/logout"
		d.RevocationEndpoint = base + "/oauth2/revoke"
		d.TokenEndpoint = base + "/oauth2/token"
		d.UserinfoEndpoint = base + "/oauth2/userInfo"
	}
	return d
}

// domainURL is the base URL of a pool's hosted UI: what the DomainURL hook
// says (the local stack serves it), else the real prefix-domain form.
func (s *Service) domainURL(p *pool) string {
	if s.domainURLFn != nil {
		if u := s.domainURLFn(p.Domain); u != "" {
			return trimSlash(u)
		}
	}
	if p.CustomDomainCert != "" {
		return "https://" + p.Domain
	}
	return "https://" + p.Domain + ".auth." + p.Region + ".amazoncognito.com"
}
