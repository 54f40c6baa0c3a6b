package hostedui_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cogscope/cogscope/internal/local/cognito"
)

func TestLogout(t *testing.T) {
	t.Parallel()
	env := demo(t)
	pub := cognito.DemoPublicClientID
	logout := func(params ...string) string {
		v := url.Values{}
		for i := 0; i+1 < len(params); i += 2 {
			v.Set(params[i], params[i+1])
		}
		return env.Demo.HostedUI + "/logout?" + v.Encode()
	}
	errorCases := []struct {
		name, url, want string
	}{
		{"no client", logout("logout_uri", "http://localhost:8765/signed-out"), "invalid_request"},
		{"unknown client", logout("client_id", "nosuchclient", "logout_uri", "http://localhost:8765/signed-out"), "invalid_request"},
		{"unregistered logout_uri", logout("client_id", pub, "logout_uri", "http://localhost:8765/elsewhere"), "redirect_mismatch"},
		{"neither uri", logout("client_id", pub), "invalid_request"},
		{"redirect_uri not a callback", logout("client_id", pub, "redirect_uri", "http://localhost:8765/x", "response_type", "code"), "redirect_mismatch"},
		{"redirect_uri without response_type", logout("client_id", pub, "redirect_uri", callback), "invalid_request"},
	}
	for _, tt := range errorCases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newBrowser(t)
			b.signIn(authorizeURL(env.Demo.HostedUI, "response_type", "code", "client_id", pub, "redirect_uri", callback),
				cognito.DemoUsername, cognito.DemoPassword)
			r := b.get(tt.url)
			if r.status != http.StatusFound || r.location.Path != "/_domain/cogscope-demo/error" || r.location.Query().Get("error") != tt.want {
				t.Fatalf("%d %v, want the error page with %s", r.status, r.location, tt.want)
			}
			// A refused logout keeps the session.
			r = b.get(authorizeURL(env.Demo.HostedUI, "response_type", "code", "client_id", pub, "redirect_uri", callback))
			if q := callbackParams(t, r); q.Get("code") == "" {
				t.Errorf("session lost by a refused logout")
			}
		})
	}

	t.Run("restart sign-in", func(t *testing.T) {
		t.Parallel()
		b := newBrowser(t)
		tok := exchange(t, env, callbackParams(t, b.signIn(authorizeURL(env.Demo.HostedUI, "response_type", "code",
			"client_id", pub, "redirect_uri", callback), cognito.DemoUsername, cognito.DemoPassword)).Get("code"), "")
		r := b.get(logout("client_id", pub, "redirect_uri", callback, "response_type", "code", "state", "again", "scope", "openid"))
		if r.status != http.StatusFound || !strings.HasSuffix(r.location.Path, "/login") || r.location.Query().Get("state") != "again" {
			t.Fatalf("%d %v", r.status, r.location)
		}
		page := b.get(r.location.String())
		if page.status != http.StatusOK || !strings.Contains(page.body, `name="password"`) {
			t.Fatalf("login page after logout: %d", page.status)
		}
		// Logout ends the cookie session only; tokens stay valid.
		if u := userInfo(t, env, tok.str("access_token")); u.status != http.StatusOK {
			t.Errorf("logout revoked the access token: %d", u.status)
		}
	})
}
