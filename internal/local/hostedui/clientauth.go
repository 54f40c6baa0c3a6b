package hostedui

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/cogscope/cogscope/internal/local/cognito"
)

// maxOAuthForm caps token and revoke request bodies: a refresh token is
// about 1.3 KB, everything else is small.
const maxOAuthForm = 64 << 10

// oauthError is an error answer of the token or revoke endpoint.
type oauthError struct {
	status      int
	code        string
	description string
	basic       bool // the client authenticated with HTTP Basic (401 gets WWW-Authenticate)
}

func (e *oauthError) write(w http.ResponseWriter) {
	if e.status == http.StatusUnauthorized && e.basic {
		w.Header().Set("WWW-Authenticate", `Basic realm="cognito"`)
	}
	writeOAuthError(w, e.status, e.code, e.description)
}

func badRequest(code, description string) *oauthError {
	return &oauthError{status: http.StatusBadRequest, code: code, description: description}
}

// writeOAuthError writes Cognito's JSON error body, {"error": code} with
// an error_description saying what was wrong.
func writeOAuthError(w http.ResponseWriter, status int, code, description string) {
	body := map[string]string{"error": code}
	if description != "" {
		body["error_description"] = description
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"server_error"}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json;charset=UTF-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// readOAuthForm checks the content type and reads a capped form body.
// Parameters may appear once each (RFC 6749 §3.2).
func readOAuthForm(w http.ResponseWriter, r *http.Request) (url.Values, *oauthError) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		return nil, badRequest("invalid_request", "the body must be application/x-www-form-urlencoded")
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxOAuthForm)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &oauthError{status: http.StatusRequestEntityTooLarge, code: "invalid_request", description: "the body is too large"}
		}
		return nil, badRequest("invalid_request", "the form body could not be parsed")
	}
	for k, v := range r.PostForm {
		if len(v) > 1 {
			return nil, badRequest("invalid_request", "parameter "+k+" must not be repeated")
		}
	}
	return r.PostForm, nil
}

// authenticateClient identifies the app client of a token or revoke
// request: HTTP Basic (client_secret_basic) or client_id and
// client_secret in the form (client_secret_post); public clients send
// client_id alone. unauthorizedStatus is the status of invalid_client
// answers without Basic (the revoke endpoint documents 401 always).
func (h *Handler) authenticateClient(r *http.Request, form url.Values, dc *domainCtx, unauthorizedStatus int) (cognito.HostedClient, *oauthError) {
	cred, fail := basicAuth(r)
	if fail != nil {
		return cognito.HostedClient{}, fail
	}
	basic := cred != nil
	status := unauthorizedStatus
	if basic {
		status = http.StatusUnauthorized
	}
	invalid := func(desc string) *oauthError {
		return &oauthError{status: status, code: "invalid_client", description: desc, basic: basic}
	}
	formID, formSecret := form.Get("client_id"), form.Get("client_secret")
	// Each way a client may have written its id and secret.
	ids, secrets := []string{formID}, []string{formSecret}
	if basic {
		if formSecret != "" {
			return cognito.HostedClient{}, badRequest("invalid_request", "use one client authentication method: HTTP Basic or client_secret in the form, not both")
		}
		if formID != "" && formID != cred.id && formID != cred.rawID {
			return cognito.HostedClient{}, invalid("client_id in the form differs from the HTTP Basic client id")
		}
		ids, secrets = cred.ids(), cred.secrets()
	}
	if ids[0] == "" {
		return cognito.HostedClient{}, badRequest("invalid_request", "client_id is required (form field or HTTP Basic)")
	}
	client, ok := h.lookupClient(ids, dc)
	if !ok {
		return cognito.HostedClient{}, invalid("client " + ids[0] + " is not an app client of user pool " + dc.pool.ID)
	}
	sent := secrets[0] != ""
	switch {
	case client.Secret == "" && sent:
		return cognito.HostedClient{}, invalid("the app client has no secret; send client_id alone")
	case client.Secret != "" && !sent:
		return cognito.HostedClient{}, invalid("the app client has a secret: send it by HTTP Basic or as client_secret")
	case client.Secret != "" && !secretMatches(client.Secret, secrets):
		return cognito.HostedClient{}, invalid("client secret does not match")
	}
	return client, nil
}

// lookupClient finds the first of ids that is an app client of the
// domain's pool.
func (h *Handler) lookupClient(ids []string, dc *domainCtx) (cognito.HostedClient, bool) {
	for _, id := range ids {
		if c, err := h.svc.LookupClient(id); err == nil && c.PoolID == dc.pool.ID {
			return c, true
		}
	}
	return cognito.HostedClient{}, false
}

// secretMatches compares every reading of the sent secret with the
// client's, in constant time each.
func secretMatches(want string, readings []string) bool {
	ok := 0
	for _, s := range readings {
		ok |= subtle.ConstantTimeCompare([]byte(s), []byte(want))
	}
	return ok == 1
}

// basicCredentials are the client id and secret of an Authorization:
// Basic header, as sent and form-decoded.
type basicCredentials struct {
	id, secret       string // form-decoded, as RFC 6749 §2.3.1 has clients encode them
	rawID, rawSecret string // as sent: many clients skip the encoding
}

// ids and secrets are the readings to try, the decoded one first: a
// secret "a+b" sent raw reads "a b" decoded, and either may be meant.
func (c *basicCredentials) ids() []string     { return readings(c.id, c.rawID) }
func (c *basicCredentials) secrets() []string { return readings(c.secret, c.rawSecret) }

func readings(decoded, raw string) []string {
	if decoded == raw {
		return []string{decoded}
	}
	return []string{decoded, raw}
}

// basicAuth parses an Authorization: Basic header; it returns nil when
// there is none. Its id and secret are form-urlencoded before base64 (RFC
// 6749 §2.3.1), but many clients skip that; Cognito's own ids and secrets
// are alphanumeric, so both readings agree there, and the caller tries
// both for the rest.
func basicAuth(r *http.Request) (*basicCredentials, *oauthError) {
	hdr := r.Header.Get("Authorization")
	if hdr == "" {
		return nil, nil
	}
	bad := &oauthError{status: http.StatusUnauthorized, code: "invalid_client", basic: true,
		description: "the Authorization header must be Basic base64(client_id:client_secret)"}
	scheme, cred, found := strings.Cut(hdr, " ")
	if !found || !strings.EqualFold(scheme, "Basic") {
		return nil, bad
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cred))
	if err != nil {
		return nil, bad
	}
	rawID, rawSecret, found := strings.Cut(string(raw), ":")
	if !found {
		return nil, bad
	}
	c := &basicCredentials{id: rawID, secret: rawSecret, rawID: rawID, rawSecret: rawSecret}
	if v, err := url.QueryUnescape(rawID); err == nil {
		c.id = v
	}
	if v, err := url.QueryUnescape(rawSecret); err == nil {
		c.secret = v
	}
	return c, nil
}
