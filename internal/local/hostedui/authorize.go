package hostedui

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/cogscope/cogscope/internal/local/cognito"
)

// authRequest is a validated authorize request, as /oauth2/authorize and
// /login receive it.
type authRequest struct {
	responseType, clientID, redirectURI string
	state, nonce                        string
	scopes                              []string // granted
	challenge                           string   // PKCE S256 code_challenge
	prompt                              string
	client                              cognito.HostedClient
	// idp is the federated provider identity_provider or idp_identifier
	// names; nil for the hosted UI's own login.
	idp *cognito.HostedIdentityProvider
	// query is the request's query, passed on to /login unchanged.
	query url.Values
}

// authFailure is why an authorize request is refused: either an error
// page on the domain (the redirect_uri cannot be trusted) or an error
// redirect to the app.
type authFailure struct {
	page        bool   // redirect to <domain>/error instead of the app
	code        string // OAuth error code
	description string
}

// authorizeParams are the parameters RFC 6749 forbids repeating.
var authorizeParams = []string{"response_type", "client_id", "redirect_uri", "state", "scope", "nonce",
	"code_challenge", "code_challenge_method", "identity_provider", "idp_identifier", "prompt", "lang"}

// parseAuthRequest validates an authorize request in the order Cognito
// does: the client and the redirect URI first (failures there never reach
// the app), then the rest (failures redirect to the app with error=…).
func (h *Handler) parseAuthRequest(dc *domainCtx, q url.Values) (*authRequest, *authFailure) {
	req := &authRequest{clientID: q.Get("client_id"), redirectURI: q.Get("redirect_uri"), query: q}
	if req.clientID == "" || len(q["client_id"]) > 1 {
		return nil, &authFailure{page: true, code: "invalid_request", description: "client_id is required, once"}
	}
	client, err := h.svc.LookupClient(req.clientID)
	if err != nil || client.PoolID != dc.pool.ID {
		return nil, &authFailure{page: true, code: "invalid_request",
			description: "client " + req.clientID + " is not an app client of user pool " + dc.pool.ID}
	}
	req.client = client
	if len(q["redirect_uri"]) != 1 || !slices.Contains(h.expandAll(dc, client.CallbackURLs), req.redirectURI) {
		return nil, &authFailure{page: true, code: "redirect_mismatch",
			description: "redirect_uri must equal one of the app client's callback URLs exactly"}
	}
	// From here on errors go back to the app.
	req.state, req.nonce, req.prompt = q.Get("state"), q.Get("nonce"), q.Get("prompt")
	req.responseType = q.Get("response_type")
	for _, p := range authorizeParams {
		if len(q[p]) > 1 {
			return req, &authFailure{code: "invalid_request", description: p + " must not be repeated"}
		}
	}
	switch req.responseType {
	case "":
		return req, &authFailure{code: "invalid_request", description: "response_type is required"}
	case "code", "token":
	default:
		return req, &authFailure{code: "unsupported_response_type", description: "response_type must be code or token"}
	}
	flow := map[string]string{"code": "code", "token": "implicit"}[req.responseType]
	if !client.AllowedOAuthFlowsUserPoolClient || !slices.Contains(client.AllowedOAuthFlows, flow) {
		return req, &authFailure{code: "unauthorized_client",
			description: "the app client is not allowed the " + flow + " grant (AllowedOAuthFlows, AllowedOAuthFlowsUserPoolClient)"}
	}
	if f := checkPKCE(q); f != nil {
		return req, f
	}
	req.challenge = q.Get("code_challenge")
	scopes, f := grantScopes(q, client, dc.pool)
	if f != nil {
		return req, f
	}
	req.scopes = scopes
	idp, f := h.resolveProvider(q, client, dc.pool.ID)
	if f != nil {
		return req, f
	}
	req.idp = idp
	return req, nil
}

// checkPKCE enforces S256-only PKCE with a well-formed challenge.
func checkPKCE(q url.Values) *authFailure {
	challenge, method := q.Get("code_challenge"), q.Get("code_challenge_method")
	switch {
	case challenge == "" && method == "":
		return nil
	case challenge == "":
		return &authFailure{code: "invalid_request", description: "code_challenge is required with code_challenge_method"}
	case method == "":
		return &authFailure{code: "invalid_request", description: "code_challenge_method is required with code_challenge (only S256 is supported)"}
	case method != "S256":
		return &authFailure{code: "invalid_request", description: "code_challenge_method must be S256"}
	case !isS256Challenge(challenge):
		return &authFailure{code: "invalid_request", description: "code_challenge must be BASE64URL(SHA256(code_verifier)) without padding: 43 characters"}
	}
	return nil
}

func isS256Challenge(s string) bool {
	if len(s) != 43 {
		return false
	}
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// serveAuthorize is GET /oauth2/authorize.
func (h *Handler) serveAuthorize(w http.ResponseWriter, r *http.Request, dc *domainCtx) {
	q := r.URL.Query()
	req, fail := h.parseAuthRequest(dc, q)
	if fail != nil {
		h.refuse(w, r, dc, req, fail)
		return
	}
	if req.idp != nil {
		h.startFederation(w, r, dc, req)
		return
	}
	if req.prompt != "login" {
		if se := h.liveSession(r, dc); se != nil {
			h.complete(w, r, dc, req, se.username, se.authTime)
			return
		}
	}
	if req.prompt == "none" {
		h.refuse(w, r, dc, req, &authFailure{code: "login_required", description: "no signed-in session on this domain"})
		return
	}
	http.Redirect(w, r, dc.url(pathLogin)+"?"+q.Encode(), http.StatusFound)
}

// refuse answers a failed authorize request: an error page for a client
// or redirect URI that cannot be trusted, else a redirect to the app.
func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, dc *domainCtx, req *authRequest, f *authFailure) {
	h.log.Debug("hosted UI authorize refused", "domain", dc.name, "error", f.code, "description", f.description)
	if f.page || req == nil {
		v := url.Values{"error": {f.code}}
		if req != nil && req.clientID != "" {
			v.Set("client_id", req.clientID)
		} else if id := r.URL.Query().Get("client_id"); id != "" {
			v.Set("client_id", id)
		}
		http.Redirect(w, r, dc.url(pathError)+"?"+v.Encode(), http.StatusFound)
		return
	}
	v := url.Values{"error": {f.code}}
	if f.description != "" {
		v.Set("error_description", f.description)
	}
	if req.state != "" {
		v.Set("state", req.state)
	}
	http.Redirect(w, r, withParams(req.redirectURI, v, req.responseType == "token"), http.StatusFound)
}

// withParams adds v to a redirect URI's query, or as its fragment for the
// implicit grant.
func withParams(redirectURI string, v url.Values, fragment bool) string {
	if fragment {
		return redirectURI + "#" + v.Encode()
	}
	sep := "?"
	if strings.Contains(redirectURI, "?") {
		sep = "&"
	}
	return redirectURI + sep + v.Encode()
}
