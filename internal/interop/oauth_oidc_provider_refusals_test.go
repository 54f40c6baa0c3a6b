package interop

import (
	"errors"
	"net"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/flows/oauth"
	"github.com/cogscope/cogscope/flows/oauth/oauthtest"
)

// abortRE finds oidc-provider's "[ Cancel ]" link on its interaction pages.
var abortRE = regexp.MustCompile(`href="([^"]*/interaction/[^"]*/abort)"`)

// The refusals of a provider we did not write reach our client as what
// they are, through the browser and through the check before it: the user
// cancelling on the login page (access_denied, with RFC 9207's iss),
// prompt=none without a session (login_required, which the check before
// the browser cannot judge without the browser's cookies), and a redirect whose
// iss names another issuer (a mix-up, refused before the code is used).
func TestOIDCProviderRefusals(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	redirect := "http://" + ln.Addr().String() + "/callback"
	ln.Close()
	op := startOIDCProvider(t, redirect)
	listen := func() net.Listener {
		t.Helper()
		l, err := net.Listen("tcp", strings.TrimPrefix(strings.TrimSuffix(redirect, "/callback"), "http://"))
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	opts := func() oauth.Options {
		return oauth.Options{Issuer: op.issuer, ClientID: op.clientID, RedirectURI: redirect, Listener: listen(),
			Scopes: []string{"openid", "email"}, Timeout: 30 * time.Second}
	}

	t.Run("cancelled on the login page", func(t *testing.T) {
		b := oauthtest.New(map[string]string{"login": "alice", "password": "any"})
		b.Link = func(p oauthtest.Page) string {
			if m := abortRE.FindStringSubmatch(p.Body); m != nil {
				return m[1]
			}
			return ""
		}
		c, res, page, err := signInWithBrowser(t, opts(), b)
		oe := assertOAuthError(t, err, "access_denied")
		if res != nil || oe.Op != oauth.OpAuthorize || oe.Description != "End-User aborted interaction" {
			t.Errorf("error = %#v", oe)
		}
		if !strings.Contains(page.Body, "access_denied") || page.Status != 400 {
			t.Errorf("the browser was told %d %q", page.Status, page.Body)
		}
		if d := oauth.Diagnose(err); !strings.Contains(d.Cause, "declined") {
			t.Errorf("diagnosis = %+v", d)
		}
		redirected := stepNamed(t, c, oauth.OpRedirect)
		if redirected.Response["iss"] != op.issuer || !strings.Contains(strings.Join(redirected.Notes, " "), "iss matches") {
			t.Errorf("redirect step = %+v", redirected)
		}
		assertNotListening(t, redirect)
	})

	t.Run("prompt none without a session", func(t *testing.T) {
		o := opts()
		o.Prompt = "none"
		c, res, page, err := signInWithBrowser(t, o, oauthtest.New(nil))
		oe := assertOAuthError(t, err, "login_required")
		if oe.Op != oauth.OpAuthorize || res != nil || page.Status != 400 {
			t.Errorf("error = %#v, page %d", oe, page.Status)
		}
		if d := oauth.Diagnose(err); !strings.Contains(d.Fix, "--prompt none") {
			t.Errorf("diagnosis = %+v", d)
		}
		// The check before the browser, without its cookies, hears
		// login_required too, and leaves the answer to the browser.
		if check := stepNamed(t, c, oauth.OpAuthorizeCheck); check.Error != nil || !strings.Contains(check.Title, "without the browser's session") {
			t.Errorf("check step = %+v", check)
		}
		if redirected := stepNamed(t, c, oauth.OpRedirect); redirected.Response["iss"] != op.issuer {
			t.Errorf("redirect step = %+v", redirected)
		}
		assertNotListening(t, redirect)
	})

	t.Run("iss of another issuer", func(t *testing.T) {
		var tokenReached bool
		b := oauthtest.New(map[string]string{"login": "alice", "password": "any"})
		b.Tamper = func(u *url.URL) {
			q := u.Query()
			if q.Get("code") != "" {
				q.Set("iss", "http://127.0.0.1:1/another-issuer")
				u.RawQuery = q.Encode()
			}
		}
		c, res, _, err := signInWithBrowser(t, opts(), b)
		var ie *oauth.IssuerMismatchError
		if !errors.As(err, &ie) || ie.Got != "http://127.0.0.1:1/another-issuer" || ie.Want != op.issuer || res != nil {
			t.Fatalf("err = %v", err)
		}
		for _, s := range c.Trace() {
			tokenReached = tokenReached || s.Operation == oauth.OpToken
		}
		if tokenReached {
			t.Error("the code was exchanged despite the foreign iss")
		}
		assertNotListening(t, redirect)
	})
}

func stepNamed(t *testing.T, c *oauth.Client, op string) flows.Step {
	t.Helper()
	for _, st := range c.Trace() {
		if st.Operation == op {
			return st
		}
	}
	t.Fatalf("no %s step in the trace", op)
	return flows.Step{}
}

func assertNotListening(t *testing.T, redirect string) {
	t.Helper()
	addr := strings.TrimSuffix(strings.TrimPrefix(redirect, "http://"), "/callback")
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Errorf("%s is still listening", addr)
	}
}
