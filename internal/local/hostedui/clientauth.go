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
	id, secret, basic, fail := basicAuth(r)
	if fail != nil {
		return cognito.HostedClient{}, fail
	}
	status := unauthorizedStatus
	if basic {
		status = http.StatusUnauthorized
	}
	invalid := func(desc string) *oauthError {
		return &oauthError{status: status, code: "invalid_client", description: desc, basic: basic}
	}
	formID, formSecret := form.Get("client_id"), form.Get("client_secret")
	if basic {
		if formSecret != "" {
			return cognito.HostedClient{}, badRequest("invalid_request", "use one client authentication method: HTTP Basic or client_secret in the form, not both")
		}
		if formID != "" && formID != id {
			return cognito.HostedClient{}, invalid("client_id in the form differs from the HTTP Basic client id")
		}
	} else {
		id, secret = formID, formSecret
	}
	if id == "" {
		return cognito.HostedClient{}, badRequest("invalid_request", "client_id is required (form field or HTTP Basic)")
	}
	client, err := h.svc.LookupClient(id)
	if err != nil || client.PoolID != dc.pool.ID {
		return cognito.HostedClient{}, invalid("client " + id + " is not an app client of user pool " + dc.pool.ID)
	}
	switch {
	case client.Secret == "" && secret != "":
		return cognito.HostedClient{}, invalid("the app client has no secret; send client_id alone")
	case client.Secret != "" && secret == "":
		return cognito.HostedClient{}, invalid("the app client has a secret: send it by HTTP Basic or as client_secret")
	case client.Secret != "" && subtle.ConstantTimeCompare([]byte(secret), []byte(client.Secret)) != 1:
		return cognito.HostedClient{}, invalid("client secret does not match")
	}
	return client, nil
}

// basicAuth parses an Authorization: Basic header. Its id and secret are
// form-urlencoded before base64 (RFC 6749 §2.3.1), but many clients skip
// that; with only unreserved characters in Cognito's ids and secrets both
// readings agree, and the decoded one is used when it parses.
func basicAuth(r *http.Request) (id, secret string, ok bool, fail *oauthError) {
	hdr := r.Header.Get("Authorization")
	if hdr == "" {
		return "", "", false, nil
	}
	bad := &oauthError{status: http.StatusUnauthorized, code: "invalid_client", basic: true,
		description: "the Authorization header must be Basic base64(client_id:client_secret)"}
	scheme, cred, found := strings.Cut(hdr, " ")
	if !found || !strings.EqualFold(scheme, "Basic") {
		return "", "", false, bad
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cred))
	if err != nil {
		return "", "", false, bad
	}
	rawID, rawSecret, found := strings.Cut(string(raw), ":")
	if !found {
		return "", "", false, bad
	}
	id, secret = rawID, rawSecret
	if v, err := url.QueryUnescape(rawID); err == nil {
		id = v
	}
	if v, err := url.QueryUnescape(rawSecret); err == nil && !strings.Contains(rawSecret, "+") {
		secret = v
	}
	return id, secret, true, nil
}
