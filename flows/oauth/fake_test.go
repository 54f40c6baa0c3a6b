package oauth

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeOP is a small OAuth 2.0 / OpenID provider for the package's tests:
// Cognito's endpoint layout and error behaviour (redirect_mismatch on its
// own /error page, single-use codes, S256 only), with knobs to misbehave.
// Its login page signs in whoever asks: the tests' "browser" is an HTTP
// client that follows redirects.
type fakeOP struct {
	t      testing.TB
	srv    *httptest.Server
	issuer string

	clientID, secret string
	auth             ClientAuth // how a confidential client must authenticate
	redirects        []string
	scopes           []string // allowed scopes; custom ones for client_credentials
	clientCreds      bool
	anyLoopback      bool // accept any http://127.0.0.1:PORT/ redirect (RFC 8252 §7.3)
	rotate           bool // a new refresh token on every refresh
	session          bool // the user is signed in already: authorize redirects straight back with a code

	// Misbehaviour.
	authorizeError string // error redirected to the app from /login
	issParam       bool   // send iss on redirects (RFC 9207) and say so in discovery
	redirectIss    string // iss to send instead of the issuer
	idNonce        string // nonce to put in the ID token instead of the request's
	idAud          string
	idAzp          string
	idExp          int64  // exp instead of an hour from now; -1 leaves it out
	idAtHash       string // at_hash instead of the access token's

	mu       sync.Mutex
	codes    map[string]*fakeGrant
	refresh  map[string]bool // refresh token → live
	access   map[string]bool
	requests atomic.Int32
	tokenReq atomic.Int32
}

type fakeGrant struct {
	clientID, redirect, challenge, nonce, scope string
	used                                        bool
}

func newFakeOP(t testing.TB, mod ...func(*fakeOP)) *fakeOP {
	t.Helper()
	op := &fakeOP{t: t, clientID: "fakeclient", auth: ClientSecretBasic, scopes: []string{"openid", "email", "api/read"},
		codes: map[string]*fakeGrant{}, refresh: map[string]bool{}, access: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /pool/.well-known/openid-configuration", op.discovery)
	mux.HandleFunc("GET /.well-known/openid-configuration", op.discovery) // another issuer's URL, same document
	mux.HandleFunc("GET /oauth2/authorize", op.authorize)
	mux.HandleFunc("GET /login", op.login)
	mux.HandleFunc("GET /error", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "An error was encountered with the requested page.", http.StatusBadRequest)
	})
	mux.HandleFunc("POST /oauth2/token", op.token)
	mux.HandleFunc("POST /oauth2/revoke", op.revoke)
	mux.HandleFunc("GET /oauth2/userInfo", op.userInfo)
	op.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op.requests.Add(1)
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(op.srv.Close)
	op.issuer = op.srv.URL + "/pool"
	for _, m := range mod {
		m(op)
	}
	return op
}

func (op *fakeOP) discovery(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer": op.issuer, "authorization_endpoint": op.srv.URL + "/oauth2/authorize",
		"token_endpoint": op.srv.URL + "/oauth2/token", "userinfo_endpoint": op.srv.URL + "/oauth2/userInfo",
		"revocation_endpoint": op.srv.URL + "/oauth2/revoke", "end_session_endpoint": op.srv.URL + "/logout",
		"jwks_uri": op.issuer + "/.well-known/jwks.json", "code_challenge_methods_supported": []string{"S256"},
		"authorization_response_iss_parameter_supported": op.issParam,
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func redirectTo(w http.ResponseWriter, r *http.Request, base string, q url.Values) {
	u, _ := url.Parse(base)
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// authorize validates like Cognito, then sends the browser to /login.
func (op *fakeOP) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != op.clientID {
		redirectTo(w, r, "/error", url.Values{"error": {"invalid_request"}, "client_id": {q.Get("client_id")}})
		return
	}
	redirect := q.Get("redirect_uri")
	if !slices.Contains(op.redirects, redirect) && !(op.anyLoopback && strings.HasPrefix(redirect, "http://127.0.0.1:")) {
		redirectTo(w, r, "/error", url.Values{"error": {"redirect_mismatch"}, "client_id": {op.clientID}})
		return
	}
	back := url.Values{"state": {q.Get("state")}}
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("response_type") != "code" {
		back.Set("error", "invalid_request")
		redirectTo(w, r, redirect, back)
		return
	}
	for _, s := range strings.Fields(q.Get("scope")) {
		if !slices.Contains(op.scopes, s) {
			back.Set("error", "invalid_scope")
			redirectTo(w, r, redirect, back)
			return
		}
	}
	if op.session {
		op.login(w, r)
		return
	}
	redirectTo(w, r, "/login", q)
}

// login signs the user in and redirects with a code (or the configured
// error).
func (op *fakeOP) login(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	back := url.Values{"state": {q.Get("state")}}
	if op.issParam {
		back.Set("iss", op.issuer)
	}
	if op.redirectIss != "" {
		back.Set("iss", op.redirectIss)
	}
	if op.authorizeError != "" {
		back.Set("error", op.authorizeError)
		back.Set("error_description", "forced by the test")
		redirectTo(w, r, q.Get("redirect_uri"), back)
		return
	}
	code := fmt.Sprintf("code-%d", op.requests.Load())
	op.mu.Lock()
	op.codes[code] = &fakeGrant{clientID: q.Get("client_id"), redirect: q.Get("redirect_uri"), challenge: q.Get("code_challenge"),
		nonce: q.Get("nonce"), scope: q.Get("scope")}
	op.mu.Unlock()
	back.Set("code", code)
	redirectTo(w, r, q.Get("redirect_uri"), back)
}

func oauthErr(w http.ResponseWriter, status int, code string) {
	writeJSON(w, status, map[string]string{"error": code})
}

// clientOK authenticates the client the way op.auth says.
func (op *fakeOP) clientOK(r *http.Request) bool {
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != op.clientID {
		return false
	}
	if op.secret == "" {
		return !basic && secret == ""
	}
	if basic != (op.auth == ClientSecretBasic) {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(secret), []byte(op.secret)) == 1
}

func (op *fakeOP) token(w http.ResponseWriter, r *http.Request) {
	op.tokenReq.Add(1)
	if r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" || r.ParseForm() != nil {
		oauthErr(w, 400, "invalid_request")
		return
	}
	if !op.clientOK(r) {
		oauthErr(w, 401, "invalid_client")
		return
	}
	f := r.PostForm
	switch f.Get("grant_type") {
	case GrantAuthorizationCode:
		op.mu.Lock()
		g := op.codes[f.Get("code")]
		ok := g != nil && !g.used && g.redirect == f.Get("redirect_uri") && ChallengeS256(f.Get("code_verifier")) == g.challenge
		if g != nil {
			g.used = true
		}
		op.mu.Unlock()
		if !ok {
			oauthErr(w, 400, "invalid_grant")
			return
		}
		nonce := g.nonce
		if op.idNonce != "" {
			nonce = op.idNonce
		}
		op.issue(w, true, nonce, g.scope)
	case GrantRefreshToken:
		rt := f.Get("refresh_token")
		if rt == "" {
			oauthErr(w, 400, "invalid_request")
			return
		}
		op.mu.Lock()
		live := op.refresh[rt]
		op.mu.Unlock()
		if !live {
			oauthErr(w, 400, "invalid_grant")
			return
		}
		if op.rotate {
			op.mu.Lock()
			delete(op.refresh, rt)
			op.mu.Unlock()
		}
		op.issue(w, op.rotate, "", "")
	case GrantClientCredentials:
		if !op.clientCreds || op.secret == "" {
			oauthErr(w, 400, "unauthorized_client")
			return
		}
		for _, s := range strings.Fields(f.Get("scope")) {
			if !slices.Contains(op.scopes, s) || !strings.Contains(s, "/") {
				oauthErr(w, 400, "invalid_scope")
				return
			}
		}
		at := fakeJWT(map[string]any{"client_id": op.clientID, "scope": f.Get("scope"), "token_use": "access"})
		writeJSON(w, 200, map[string]any{"access_token": at, "token_type": "Bearer", "expires_in": 3600})
	default:
		oauthErr(w, 400, "unsupported_grant_type")
	}
}

// issue answers a code or refresh grant; a refresh token only on the code
// grant (no rotation).
func (op *fakeOP) issue(w http.ResponseWriter, withRefresh bool, nonce, scope string) {
	aud := op.clientID
	if op.idAud != "" {
		aud = op.idAud
	}
	n := op.tokenReq.Load()
	at := fakeJWT(map[string]any{"client_id": op.clientID, "token_use": "access", "scope": scope, "n": n})
	idc := map[string]any{"aud": aud, "iss": op.issuer, "token_use": "id", "sub": "user-1", "n": n,
		"exp": time.Now().Add(time.Hour).Unix(), "at_hash": atHash(sha256.New, at)}
	if nonce != "" {
		idc["nonce"] = nonce
	}
	switch {
	case op.idExp < 0:
		delete(idc, "exp")
	case op.idExp > 0:
		idc["exp"] = op.idExp
	}
	if op.idAtHash != "" {
		idc["at_hash"] = op.idAtHash
	}
	if op.idAzp != "" {
		idc["azp"] = op.idAzp
	}
	body := map[string]any{"access_token": at, "id_token": fakeJWT(idc), "token_type": "Bearer", "expires_in": 3600}
	op.mu.Lock()
	op.access[at] = true
	if withRefresh {
		rt := fmt.Sprintf("refresh-%d", n)
		op.refresh[rt] = true
		body["refresh_token"] = rt
	}
	op.mu.Unlock()
	writeJSON(w, 200, body)
}

func (op *fakeOP) revoke(w http.ResponseWriter, r *http.Request) {
	if r.ParseForm() != nil || r.PostForm.Get("token") == "" {
		oauthErr(w, 400, "invalid_request")
		return
	}
	if !op.clientOK(r) {
		oauthErr(w, 401, "invalid_client")
		return
	}
	tok := r.PostForm.Get("token")
	op.mu.Lock()
	defer op.mu.Unlock()
	if op.access[tok] {
		oauthErr(w, 400, "unsupported_token_type")
		return
	}
	delete(op.refresh, tok)
	w.WriteHeader(http.StatusOK)
}

func (op *fakeOP) userInfo(w http.ResponseWriter, r *http.Request) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	op.mu.Lock()
	live := op.access[tok]
	op.mu.Unlock()
	if !ok || !live {
		w.Header().Set("WWW-Authenticate", `error="invalid_token", error_description="Access token is expired, disabled, or deleted, or the user has globally signed out."`)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	writeJSON(w, 200, map[string]any{"sub": "user-1", "email": "user@example.com", "email_verified": "true"})
}

// fakeJWT is an unsigned-looking JWT carrying claims; nothing here
// verifies signatures.
func fakeJWT(claims map[string]any) string {
	h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","kid":"fake"}`))
	p, _ := json.Marshal(claims)
	return h + "." + base64.RawURLEncoding.EncodeToString(p) + ".c2lnbmF0dXJl"
}
