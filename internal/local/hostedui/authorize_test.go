package hostedui_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cogscope/cogscope/internal/local/cognito"
)

// TestAuthorizeErrors covers every refusal of /oauth2/authorize: an error
// page on the domain when the client or redirect URI cannot be trusted,
// else an error redirect to the app with the state.
func TestAuthorizeErrors(t *testing.T) {
	t.Parallel()
	env := demo(t, localtestSeed(t, func(p *cognito.PoolSeed) {
		p.Clients = append(p.Clients, cognito.ClientSeed{ID: "nooauthclient0000000000001", Name: "no-oauth",
			CallbackURLs: []string{callback}, AllowedOAuthFlows: []string{"code"}, AllowedOAuthScopes: []string{"openid"},
			SupportedIdentityProviders: []string{"COGNITO"}},
			cognito.ClientSeed{ID: "noidpclient000000000000001", Name: "no-idp", CallbackURLs: []string{callback},
				AllowedOAuthFlows: []string{"code"}, AllowedOAuthScopes: []string{"openid"}, AllowedOAuthFlowsUserPoolClient: true})
	}))
	pub := cognito.DemoPublicClientID
	_, challenge := pkce(t)
	tests := []struct {
		name   string
		params []string
		// page: the error page's error code; else the redirect's error.
		page, redirect string
	}{
		{name: "unknown client", params: []string{"response_type", "code", "client_id", "nosuchclient", "redirect_uri", callback}, page: "invalid_request"},
		{name: "missing client", params: []string{"response_type", "code", "redirect_uri", callback}, page: "invalid_request"},
		{name: "redirect mismatch", params: []string{"response_type", "code", "client_id", pub, "redirect_uri", "http://localhost:8765/callback/"}, page: "redirect_mismatch"},
		{name: "redirect other port", params: []string{"response_type", "code", "client_id", pub, "redirect_uri", "http://localhost:9999/callback"}, page: "redirect_mismatch"},
		{name: "redirect missing", params: []string{"response_type", "code", "client_id", pub}, page: "redirect_mismatch"},
		{name: "response_type missing", params: []string{"client_id", pub, "redirect_uri", callback}, redirect: "invalid_request"},
		{name: "response_type unknown", params: []string{"response_type", "id_token", "client_id", pub, "redirect_uri", callback}, redirect: "unsupported_response_type"},
		{name: "implicit not allowed", params: []string{"response_type", "token", "client_id", pub, "redirect_uri", callback}, redirect: "unauthorized_client"},
		{name: "client without OAuth", params: []string{"response_type", "code", "client_id", "nooauthclient0000000000001", "redirect_uri", callback}, redirect: "unauthorized_client"},
		{name: "challenge without method", params: []string{"response_type", "code", "client_id", pub, "redirect_uri", callback, "code_challenge", challenge}, redirect: "invalid_request"},
		{name: "method plain", params: []string{"response_type", "code", "client_id", pub, "redirect_uri", callback, "code_challenge", challenge, "code_challenge_method", "plain"}, redirect: "invalid_request"},
		{name: "method without challenge", params: []string{"response_type", "code", "client_id", pub, "redirect_uri", callback, "code_challenge_method", "S256"}, redirect: "invalid_request"},
		{name: "malformed challenge", params: []string{"response_type", "code", "client_id", pub, "redirect_uri", callback, "code_challenge", "short", "code_challenge_method", "S256"}, redirect: "invalid_request"},
		{name: "unknown scope", params: []string{"response_type", "code", "client_id", pub, "redirect_uri", callback, "scope", "openid offline_access"}, redirect: "invalid_scope"},
		{name: "scope not allowed", params: []string{"response_type", "code", "client_id", pub, "redirect_uri", callback, "scope", "openid phone"}, redirect: "invalid_scope"},
		{name: "custom scope not allowed", params: []string{"response_type", "code", "client_id", pub, "redirect_uri", callback, "scope", "openid cogscope-api/read"}, redirect: "invalid_scope"},
		{name: "email without openid", params: []string{"response_type", "code", "client_id", pub, "redirect_uri", callback, "scope", "email"}, redirect: "invalid_scope"},
		{name: "unknown identity provider", params: []string{"response_type", "code", "client_id", pub, "redirect_uri", callback, "identity_provider", "Facebook"}, redirect: "invalid_request"},
		{name: "idp_identifier", params: []string{"response_type", "code", "client_id", pub, "redirect_uri", callback, "idp_identifier", "example.com"}, redirect: "invalid_request"},
		{name: "client without COGNITO", params: []string{"response_type", "code", "client_id", "noidpclient000000000000001", "redirect_uri", callback}, redirect: "invalid_request"},
		{name: "client without callbacks", params: []string{"response_type", "code", "client_id", cognito.DemoRotateClientID, "redirect_uri", callback}, page: "redirect_mismatch"},
		{name: "repeated scope", params: []string{"response_type", "code", "client_id", pub, "redirect_uri", callback, "scope", "openid", "scope", "email"}, redirect: "invalid_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newBrowser(t)
			params := append([]string{"state", "st<&>"}, tt.params...)
			r := b.get(authorizeURL(env.Demo.HostedUI, params...))
			if r.status != http.StatusFound || r.location == nil {
				t.Fatalf("status %d, want 302\n%s", r.status, r.body)
			}
			if tt.page != "" {
				if !strings.HasPrefix(r.location.String(), env.Demo.HostedUI+"/error?") {
					t.Fatalf("redirected to %s, want the domain's error page", r.location)
				}
				if got := r.location.Query().Get("error"); got != tt.page {
					t.Errorf("error = %q, want %q", got, tt.page)
				}
				page := b.get(r.location.String())
				if page.status != http.StatusBadRequest || !strings.Contains(page.body, "An error was encountered with the requested page.") ||
					!strings.Contains(page.body, tt.page) {
					t.Errorf("error page %d\n%s", page.status, page.body)
				}
				return
			}
			q := callbackParams(t, r)
			if q.Get("error") != tt.redirect || q.Get("state") != "st<&>" || q.Get("code") != "" {
				t.Errorf("callback query %v, want error=%s with the state", q, tt.redirect)
			}
		})
	}
}

func TestAuthorizeAcceptsLangPromptAndCognitoIdP(t *testing.T) {
	t.Parallel()
	env := demo(t)
	b := newBrowser(t)
	r := b.get(authorizeURL(env.Demo.HostedUI, "response_type", "code", "client_id", cognito.DemoPublicClientID,
		"redirect_uri", callback, "identity_provider", "COGNITO", "lang", "fr", "prompt", "select_account", "scope", "openid  email"))
	if r.status != http.StatusFound || !strings.HasSuffix(r.location.Path, "/login") {
		t.Fatalf("authorize: %d %v", r.status, r.location)
	}
	// The login page carries the authorize parameters on to the form.
	page := b.get(r.location.String())
	f := pageForm(t, page)
	action, err := url.Parse(f.action)
	if err != nil {
		t.Fatal(err)
	}
	if action.Query().Get("lang") != "fr" || action.Query().Get("client_id") != cognito.DemoPublicClientID || f.fields.Get("_csrf") == "" {
		t.Errorf("form action %s fields %v", f.action, f.fields)
	}
	if !strings.Contains(page.body, `<html lang="fr">`) {
		t.Errorf("lang not applied")
	}
}

func TestUnknownDomainAndPath(t *testing.T) {
	t.Parallel()
	env := demo(t)
	b := newBrowser(t)
	for _, tt := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/_domain/nosuchdomain/oauth2/authorize", http.StatusNotFound},
		{"GET", "/_domain/cogscope-demo/oauth2/token", http.StatusMethodNotAllowed},
		{"POST", "/_domain/cogscope-demo/oauth2/authorize", http.StatusMethodNotAllowed},
		{"GET", "/_domain/cogscope-demo/signup", http.StatusNotFound},
	} {
		req, _ := http.NewRequest(tt.method, env.Endpoint+tt.path, nil)
		if r := b.do(req); r.status != tt.status {
			t.Errorf("%s %s = %d, want %d", tt.method, tt.path, r.status, tt.status)
		}
	}
}
