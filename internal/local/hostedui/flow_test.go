package hostedui_test

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/cogscope/cogscope/internal/local/cognito"
)

// TestCodePKCEFlow walks the whole authorization-code + PKCE sign-in as a
// browser and an app would, and checks the tokens against the JWKS.
func TestCodePKCEFlow(t *testing.T) {
	t.Parallel()
	env := demo(t)
	b := newBrowser(t)
	verifier, challenge := pkce(t)
	r := b.signIn(authorizeURL(env.Demo.HostedUI, "response_type", "code", "client_id", cognito.DemoPublicClientID,
		"redirect_uri", callback, "scope", "openid email aws.cognito.signin.user.admin", "state", "st-123",
		"nonce", "n-0S6_WzA2Mj", "code_challenge", challenge, "code_challenge_method", "S256"),
		"demo@example.com", cognito.DemoPassword)
	q := callbackParams(t, r)
	if q.Get("state") != "st-123" || q.Get("code") == "" {
		t.Fatalf("callback query %v", q)
	}

	tr := exchange(t, env, q.Get("code"), verifier)
	if tr.status != http.StatusOK {
		t.Fatalf("token: %d %v", tr.status, tr.body)
	}
	if tr.str("token_type") != "Bearer" || tr.body["expires_in"] != float64(3600) || tr.str("refresh_token") == "" ||
		tr.header.Get("Cache-Control") != "no-store" || !strings.HasPrefix(tr.header.Get("Content-Type"), "application/json") {
		t.Errorf("token response %d %v %v", tr.status, tr.header, tr.body)
	}
	acc := verify(t, env, tr.str("access_token"))
	if acc["scope"] != "openid email aws.cognito.signin.user.admin" || acc["version"] != float64(2) ||
		acc["token_use"] != "access" || acc["client_id"] != cognito.DemoPublicClientID || acc["username"] != cognito.DemoUsername {
		t.Errorf("access token claims %v", acc)
	}
	id := verify(t, env, tr.str("id_token"))
	sum := sha256.Sum256([]byte(tr.str("access_token")))
	if id["aud"] != cognito.DemoPublicClientID || id["nonce"] != "n-0S6_WzA2Mj" || id["token_use"] != "id" ||
		id["at_hash"] != base64.RawURLEncoding.EncodeToString(sum[:16]) || id["email"] != "demo@example.com" ||
		id["cognito:username"] != cognito.DemoUsername {
		t.Errorf("ID token claims %v", id)
	}
	// openid email releases e-mail only, not the name.
	if _, ok := id["name"]; ok {
		t.Errorf("ID token has name without the profile scope: %v", id)
	}

	// The domain session skips the form on the next authorize.
	r = b.get(authorizeURL(env.Demo.HostedUI, "response_type", "code", "client_id", cognito.DemoPublicClientID,
		"redirect_uri", callback, "state", "again"))
	q = callbackParams(t, r)
	if q.Get("code") == "" || q.Get("state") != "again" {
		t.Fatalf("second authorize did not reuse the session: %v", q)
	}
	// Without PKCE and without scope: all the client's scopes.
	tr = exchange(t, env, q.Get("code"), "")
	if tr.status != http.StatusOK {
		t.Fatalf("second exchange: %d %v", tr.status, tr.body)
	}
	if got := verify(t, env, tr.str("access_token"))["scope"]; got != "openid email profile aws.cognito.signin.user.admin" {
		t.Errorf("default scopes %v", got)
	}
	if id := verify(t, env, tr.str("id_token")); id["name"] != "Demo User" || id["nonce"] != nil {
		t.Errorf("openid email profile ID token %v", id)
	}

	// prompt=login shows the form despite the session.
	r = b.get(authorizeURL(env.Demo.HostedUI, "response_type", "code", "client_id", cognito.DemoPublicClientID,
		"redirect_uri", callback, "prompt", "login"))
	if r.status != http.StatusFound || !strings.HasSuffix(r.location.Path, "/login") {
		t.Errorf("prompt=login: %d %v", r.status, r.location)
	}

	// Logout clears the session: authorize shows the form again.
	r = b.get(env.Demo.HostedUI + "/logout?" + url.Values{"client_id": {cognito.DemoPublicClientID},
		"logout_uri": {"http://localhost:8765/signed-out"}}.Encode())
	if r.status != http.StatusFound || r.location.String() != "http://localhost:8765/signed-out" {
		t.Fatalf("logout: %d %v", r.status, r.location)
	}
	r = b.get(authorizeURL(env.Demo.HostedUI, "response_type", "code", "client_id", cognito.DemoPublicClientID,
		"redirect_uri", callback))
	if r.status != http.StatusFound || !strings.HasSuffix(r.location.Path, "/login") {
		t.Errorf("after logout authorize went to %v, want /login", r.location)
	}
	// prompt=none without a session is login_required.
	r = b.get(authorizeURL(env.Demo.HostedUI, "response_type", "code", "client_id", cognito.DemoPublicClientID,
		"redirect_uri", callback, "prompt", "none", "state", "s"))
	if q := callbackParams(t, r); q.Get("error") != "login_required" || q.Get("state") != "s" {
		t.Errorf("prompt=none: %v", q)
	}
}

func TestDiscoveryListsTheDomain(t *testing.T) {
	t.Parallel()
	env := demo(t)
	var doc map[string]any
	r := newBrowser(t).get(env.Demo.Issuer + "/.well-known/openid-configuration")
	if err := jsonUnmarshal(r.body, &doc); err != nil || r.status != http.StatusOK {
		t.Fatalf("discovery %d %s", r.status, r.body)
	}
	base := env.Endpoint + "/_domain/cogscope-demo"
	if env.Demo.HostedUI != base || env.Demo.Domain != "cogscope-demo" {
		t.Errorf("Demo.HostedUI %q Domain %q", env.Demo.HostedUI, env.Demo.Domain)
	}
	want := map[string]string{"authorization_endpoint": "/oauth2/authorize", "token_endpoint": "/oauth2/token",
		"userinfo_endpoint": "/oauth2/userInfo", "revocation_endpoint": "/oauth2/revoke", "end_session_endpoint": "/logout"}
	for k, p := range want {
		if doc[k] != base+p {
			t.Errorf("%s = %v, want %s", k, doc[k], base+p)
		}
	}
	if doc["issuer"] != env.Demo.Issuer {
		t.Errorf("issuer %v", doc["issuer"])
	}
	info := env.Stack.Info()
	if info.UserPools[0].HostedUI != base || info.UserPools[0].Domain != "cogscope-demo" {
		t.Errorf("Info pool %+v", info.UserPools[0])
	}
}

func TestImplicitGrant(t *testing.T) {
	t.Parallel()
	env := demo(t, localtestSeed(t, func(p *cognito.PoolSeed) {
		p.Clients[0].AllowedOAuthFlows = []string{"code", "implicit"}
	}))
	b := newBrowser(t)
	r := b.signIn(authorizeURL(env.Demo.HostedUI, "response_type", "token", "client_id", cognito.DemoPublicClientID,
		"redirect_uri", callback, "scope", "openid email", "state", "xyz", "nonce", "nn"), cognito.DemoUsername, cognito.DemoPassword)
	if r.status != http.StatusFound || r.location.RawQuery != "" {
		t.Fatalf("implicit: %d %v", r.status, r.location)
	}
	frag, err := url.ParseQuery(r.location.EscapedFragment())
	if err != nil {
		t.Fatal(err)
	}
	if frag.Get("token_type") != "Bearer" || frag.Get("expires_in") != "3600" || frag.Get("state") != "xyz" ||
		frag.Get("refresh_token") != "" || frag.Get("code") != "" {
		t.Errorf("fragment %v", frag)
	}
	if id := verify(t, env, frag.Get("id_token")); id["nonce"] != "nn" || id["at_hash"] == nil {
		t.Errorf("implicit ID token %v", id)
	}
	if acc := verify(t, env, frag.Get("access_token")); acc["scope"] != "openid email" {
		t.Errorf("implicit access token %v", acc)
	}
	// The code grant is still refused to the implicit-only request of a
	// client that does not allow it.
	r = b.get(authorizeURL(env.Demo.HostedUI, "response_type", "token", "client_id", cognito.DemoSecretClientID,
		"redirect_uri", callback, "state", "q"))
	if frag, _ := url.ParseQuery(r.location.EscapedFragment()); frag.Get("error") != "unauthorized_client" || frag.Get("state") != "q" {
		t.Errorf("implicit on a code-only client: %v", r.location)
	}
}

// Every answer of the domain carries a request id, as Cognito's
// x-amz-cognito-request-id, which clients show next to an error.
func TestRequestIDHeader(t *testing.T) {
	t.Parallel()
	env := demo(t)
	b := newBrowser(t)
	uuidRE := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for name, h := range map[string]http.Header{
		"authorize": b.get(authorizeURL(env.Demo.HostedUI, "response_type", "code", "client_id", cognito.DemoPublicClientID,
			"redirect_uri", callback)).header,
		"token":    tokenRequest(t, env.Demo.HostedUI+"/oauth2/token", url.Values{"grant_type": {"client_credentials"}}, "").header,
		"userInfo": b.get(env.Demo.HostedUI + "/oauth2/userInfo").header,
		"error":    b.get(env.Demo.HostedUI + "/error?error=redirect_mismatch").header,
	} {
		id := h.Get("X-Amz-Cognito-Request-Id")
		if !uuidRE.MatchString(id) || seen[id] {
			t.Errorf("%s: request id %q", name, id)
		}
		seen[id] = true
	}
}
