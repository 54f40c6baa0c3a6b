package hostedui_test

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/cogscope/cogscope/flows/oauth/oauthtest"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/hostedui"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

// app is the application behind a hosted UI: its callback and sign-out
// pages answer with a page without forms (where oauthtest's browser
// stops) and remember what reached them.
type app struct {
	srv  *httptest.Server
	mu   sync.Mutex
	hits []*url.URL
}

func newApp(t *testing.T) *app {
	a := &app{}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		a.hits = append(a.hits, r.URL)
		a.mu.Unlock()
		_, _ = w.Write([]byte("<html><body>app " + r.URL.Path + "</body></html>"))
	}))
	t.Cleanup(a.srv.Close)
	return a
}

func (a *app) callback() string  { return a.srv.URL + "/callback" }
func (a *app) signedOut() string { return a.srv.URL + "/signed-out" }

// last is the last request the app saw.
func (a *app) last() *url.URL {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.hits) == 0 {
		return nil
	}
	return a.hits[len(a.hits)-1]
}

// spPool is a pool ("sp-pool") federated with one SAML provider "Corp",
// and an app client of the app that signs in through it.
type spPool struct {
	env    *localtest.Env
	api    *cip.Client
	app    *app
	id     string
	base   string
	client string
}

func newSPPool(t *testing.T, env *localtest.Env, details map[string]string) *spPool {
	t.Helper()
	ctx := context.Background()
	sp := &spPool{env: env, api: env.CognitoClient(), app: newApp(t), base: hostedui.BaseURL(env.Endpoint, "sp-pool")}
	p := must(sp.api.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("sp")}))
	sp.id = *p.UserPool.Id
	must(sp.api.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: &sp.id, Domain: aws.String("sp-pool")}))
	must(sp.api.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: &sp.id, ProviderName: aws.String("Corp"),
		ProviderType: types.IdentityProviderTypeTypeSaml, ProviderDetails: details,
		AttributeMapping: map[string]string{"email": "mail"}}))
	c := must(sp.api.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &sp.id, ClientName: aws.String("app"),
		AllowedOAuthFlows: []types.OAuthFlowType{"code"}, AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthScopes: []string{"openid", "email"}, CallbackURLs: []string{sp.app.callback()},
		LogoutURLs: []string{sp.app.signedOut()}, SupportedIdentityProviders: []string{"Corp"}}))
	sp.client = *c.UserPoolClient.ClientId
	return sp
}

func (sp *spPool) authorize() string {
	return authorizeURL(sp.base, "response_type", "code", "client_id", sp.client, "redirect_uri", sp.app.callback(),
		"scope", "openid email", "identity_provider", "Corp", "state", "st-7")
}

// update sets the provider's details.
func (sp *spPool) update(t *testing.T, details map[string]string) {
	t.Helper()
	must(sp.api.UpdateIdentityProvider(context.Background(), &cip.UpdateIdentityProviderInput{UserPoolId: &sp.id,
		ProviderName: aws.String("Corp"), ProviderDetails: details}))
}

// builtInIdP is the metadata URL of the demo upstream pool's built-in
// SAML IdP, whose user is fed-user.
func builtInIdP(env *localtest.Env) string {
	return hostedui.BaseURL(env.Endpoint, cognito.DemoUpstreamDomain) + "/saml2/idp/metadata"
}

func fedUser() *oauthtest.Browser {
	return oauthtest.New(map[string]string{"username": cognito.DemoUpstreamUsername, "password": cognito.DemoUpstreamPassword})
}

// ssoRequest is the browser's request to the IdP's SingleSignOnService.
func ssoRequest(t *testing.T, b *oauthtest.Browser, ssoPath string) *url.URL {
	t.Helper()
	for _, v := range b.Visited {
		if raw, ok := strings.CutPrefix(v, "GET "); ok && strings.Contains(raw, ssoPath+"?") {
			return must(url.Parse(raw))
		}
	}
	t.Fatalf("the browser never reached %s: %v", ssoPath, b.Visited)
	return nil
}

// With RequestSigningAlgorithm rsa-sha256 the hosted UI signs its
// AuthnRequest (HTTP-Redirect: SigAlg and Signature over the query) with
// the pool's SAML signing certificate; the built-in IdP, which then
// requires a signed request from that pool, verifies it and refuses one
// whose signature was stripped or that was changed after signing. Without
// it the request goes unsigned and is accepted.
func TestSAMLRequestSigningWithTheBuiltInIdP(t *testing.T) {
	t.Parallel()
	env := demo(t)
	ctx := context.Background()
	sp := newSPPool(t, env, map[string]string{"MetadataURL": builtInIdP(env), "RequestSigningAlgorithm": "rsa-sha256"})

	t.Run("signed", func(t *testing.T) {
		b := fedUser()
		page, err := b.Open(ctx, sp.authorize())
		if err != nil {
			t.Fatalf("%v (visited %v)", err, b.Visited)
		}
		q := ssoRequest(t, b, "/saml2/idp/sso").Query()
		if q.Get("SigAlg") != dsig.RSASHA256SignatureMethod || q.Get("Signature") == "" || q.Get("SAMLRequest") == "" {
			t.Errorf("the AuthnRequest is not signed with rsa-sha256: %v", q)
		}
		got := sp.app.last()
		if !strings.HasPrefix(page.URL, sp.app.callback()) || got == nil || got.Query().Get("code") == "" || got.Query().Get("state") != "st-7" {
			t.Fatalf("sign-in ended at %s %q (app saw %v)", page.URL, page.Body, got)
		}
	})

	tampered := []struct {
		name   string
		tamper func(q url.Values)
	}{
		{"signature stripped", func(q url.Values) { q.Del("Signature"); q.Del("SigAlg") }},
		{"request changed after signing", func(q url.Values) { q.Set("RelayState", q.Get("RelayState")+"x") }},
		{"signature of another request", func(q url.Values) {
			sig := []byte(q.Get("Signature"))
			sig[10] ^= 1
			q.Set("Signature", string(sig))
		}},
	}
	for _, tc := range tampered {
		t.Run(tc.name, func(t *testing.T) {
			b := fedUser()
			b.Tamper = func(u *url.URL) {
				if strings.HasSuffix(u.Path, "/saml2/idp/sso") {
					q := u.Query()
					tc.tamper(q)
					u.RawQuery = q.Encode()
				}
			}
			page, err := b.Open(ctx, sp.authorize())
			if err != nil || page.Status != http.StatusBadRequest || !strings.Contains(page.URL, "/saml2/idp/sso") ||
				!strings.Contains(page.Body, "refused the request") {
				t.Errorf("the IdP answered a %s request with %d at %s (%v): %q", tc.name, page.Status, page.URL, err, page.Body)
			}
			if strings.Contains(strings.Join(b.Visited, " "), "/saml2/idp/login") {
				t.Errorf("the IdP offered its sign-in form for a %s request: %v", tc.name, b.Visited)
			}
		})
	}

	t.Run("unsigned when not asked", func(t *testing.T) {
		sp.update(t, map[string]string{"MetadataURL": builtInIdP(env)})
		defer sp.update(t, map[string]string{"MetadataURL": builtInIdP(env), "RequestSigningAlgorithm": "rsa-sha256"})
		b := fedUser()
		page, err := b.Open(ctx, sp.authorize())
		if err != nil {
			t.Fatalf("%v (visited %v)", err, b.Visited)
		}
		if q := ssoRequest(t, b, "/saml2/idp/sso").Query(); q.Has("Signature") || q.Has("SigAlg") {
			t.Errorf("an unsigned provider's AuthnRequest is signed: %v", q)
		}
		if !strings.HasPrefix(page.URL, sp.app.callback()) {
			t.Fatalf("sign-in ended at %s %q", page.URL, page.Body)
		}
	})
}

// A SAML IdP built on crewjam/saml that requires signed AuthnRequests
// (WantAuthnRequestsSigned) verifies the hosted UI's signature with the
// certificate the pool's SP metadata publishes (the one
// GetSigningCertificate returns), and refuses the unsigned request of a
// provider without RequestSigningAlgorithm.
func TestSAMLRequestSigningWithATestIdP(t *testing.T) {
	t.Parallel()
	env := demo(t)
	ctx := context.Background()
	base := hostedui.BaseURL(env.Endpoint, "sp-pool")
	idp := newSAMLIdP(t, base+"/saml2/metadata")
	idp.idp.WantAuthnRequestsSigned = true
	sp := newSPPool(t, env, map[string]string{"MetadataFile": idp.metadata(t), "RequestSigningAlgorithm": "rsa-sha256"})

	// The SP metadata the IdP reads carries the pool's signing certificate.
	ed := must(idp.GetServiceProvider(nil, "urn:amazon:cognito:sp:"+sp.id))
	cert := must(sp.api.GetSigningCertificate(ctx, &cip.GetSigningCertificateInput{UserPoolId: &sp.id}))
	var signing []string
	for _, k := range ed.SPSSODescriptors[0].KeyDescriptors {
		for _, c := range k.KeyInfo.X509Data.X509Certificates {
			signing = append(signing, k.Use+" "+strings.Join(strings.Fields(c.Data), ""))
		}
	}
	if strings.Join(signing, ",") != "signing "+aws.ToString(cert.Certificate) {
		t.Errorf("SP metadata keys %v, want the pool's signing certificate only", signing)
	}
	if s := ed.SPSSODescriptors[0].AuthnRequestsSigned; s == nil || !*s {
		t.Error("SP metadata does not say AuthnRequestsSigned")
	}

	tests := []struct {
		name    string
		details map[string]string
		signed  bool
	}{
		{"signed", map[string]string{"MetadataFile": idp.metadata(t), "RequestSigningAlgorithm": "rsa-sha256"}, true},
		{"unsigned", map[string]string{"MetadataFile": idp.metadata(t)}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sp.update(t, tc.details)
			b := oauthtest.New(nil)
			page, err := b.Open(ctx, sp.authorize())
			q := ssoRequest(t, b, "/sso").Query()
			if q.Has("Signature") != tc.signed {
				t.Errorf("signed %v, want %v: %v", q.Has("Signature"), tc.signed, q)
			}
			switch {
			case tc.signed && (err != nil || !strings.HasPrefix(page.URL, sp.app.callback()) || sp.app.last().Query().Get("code") == ""):
				t.Errorf("a signed request did not sign in: %v %d %s %q", err, page.Status, page.URL, page.Body)
			case !tc.signed && (page.Status != http.StatusBadRequest || !strings.Contains(page.URL, "/sso")):
				t.Errorf("the IdP took an unsigned request: %v %d %s %q", err, page.Status, page.URL, page.Body)
			}
		})
	}
}

// samlMessage is the XML of a SAML message sent with the HTTP-Redirect
// binding (base64 of deflated XML).
func samlMessage(t *testing.T, v string) string {
	t.Helper()
	raw := must(base64.StdEncoding.DecodeString(v))
	return string(must(io.ReadAll(flate.NewReader(bytes.NewReader(raw)))))
}

// visited is the first GET the browser made to a URL whose path ends with
// suffix, nil if none.
func visited(b *oauthtest.Browser, suffix string) *url.URL {
	for _, v := range b.Visited {
		if raw, ok := strings.CutPrefix(v, "GET "); ok {
			if u, err := url.Parse(raw); err == nil && strings.HasSuffix(u.Path, suffix) {
				return u
			}
		}
	}
	return nil
}

// IDPSignout "true": /logout ends the domain session and sends the browser
// to the IdP's SingleLogoutService with a LogoutRequest signed with the
// pool's certificate (the assertion's NameID and SessionIndex); the
// built-in IdP verifies it and answers at /saml2/logout with a signed
// LogoutResponse, which is verified before the browser goes on to the
// logout_uri. Without it, /logout goes straight to the logout_uri; a
// tampered request or response stops the sign-out with an error page.
func TestSAMLIdPSignOut(t *testing.T) {
	t.Parallel()
	env := demo(t)
	ctx := context.Background()
	sp := newSPPool(t, env, map[string]string{"MetadataURL": builtInIdP(env), "IDPSignout": "true"})
	logout := sp.base + "/logout?" + url.Values{"client_id": {sp.client}, "logout_uri": {sp.app.signedOut()}}.Encode()

	signedIn := func(t *testing.T) *oauthtest.Browser {
		t.Helper()
		b := fedUser()
		if page, err := b.Open(ctx, sp.authorize()); err != nil || !strings.HasPrefix(page.URL, sp.app.callback()) {
			t.Fatalf("sign-in: %v %s %q", err, page.URL, page.Body)
		}
		b.Visited = nil
		return b
	}

	t.Run("through the IdP", func(t *testing.T) {
		b := signedIn(t)
		page, err := b.Open(ctx, logout)
		if err != nil || page.URL != sp.app.signedOut() {
			t.Fatalf("sign-out ended at %s (%v): %q; visited %v", page.URL, err, page.Body, b.Visited)
		}
		var hops []string
		for _, v := range b.Visited {
			hops = append(hops, endpointPath(must(url.Parse(strings.TrimPrefix(v, "GET "))).Path))
		}
		if want := "/logout /saml2/idp/slo /saml2/logout /signed-out"; strings.Join(hops, " ") != want {
			t.Errorf("hops %v, want %s", hops, want)
		}
		q := visited(b, "/saml2/idp/slo").Query()
		if q.Get("SigAlg") != dsig.RSASHA256SignatureMethod || q.Get("Signature") == "" {
			t.Errorf("the LogoutRequest is not signed: %v", q)
		}
		req := samlMessage(t, q.Get("SAMLRequest"))
		for _, w := range []string{"LogoutRequest", ">" + cognito.DemoUpstreamUsername + "</saml:NameID>", "SessionIndex>",
			"urn:amazon:cognito:sp:" + sp.id} {
			if !strings.Contains(req, w) {
				t.Errorf("the LogoutRequest lacks %q:\n%s", w, req)
			}
		}
		resp := samlMessage(t, visited(b, "/saml2/logout").Query().Get("SAMLResponse"))
		if !strings.Contains(resp, "urn:oasis:names:tc:SAML:2.0:status:Success") {
			t.Errorf("the IdP's LogoutResponse is not a success:\n%s", resp)
		}
		// The domain session is over: /logout again goes straight on.
		b.Visited = nil
		if page, err := b.Open(ctx, logout); err != nil || page.URL != sp.app.signedOut() || visited(b, "/saml2/idp/slo") != nil {
			t.Errorf("a second sign-out went through the IdP again: %v %v", err, b.Visited)
		}
	})

	tampered := []struct {
		name, path, want string
		tamper           func(q url.Values)
	}{
		{"request signature", "/saml2/idp/slo", "Bad Request", func(q url.Values) { q.Set("RelayState", q.Get("RelayState")+"x") }},
		{"response signature", "/saml2/logout", "Error in SAML logout response processing", func(q url.Values) { q.Del("Signature"); q.Del("SigAlg") }},
		{"response to another sign-out", "/saml2/logout", "Error in SAML logout response processing: the RelayState", func(q url.Values) { q.Set("RelayState", "forged") }},
	}
	for _, tc := range tampered {
		t.Run(tc.name, func(t *testing.T) {
			b := signedIn(t)
			b.Tamper = func(u *url.URL) {
				if strings.HasSuffix(u.Path, tc.path) {
					q := u.Query()
					tc.tamper(q)
					u.RawQuery = q.Encode()
				}
			}
			page, _ := b.Open(ctx, logout)
			if page.Status != http.StatusBadRequest || !strings.Contains(page.Body, tc.want) || !strings.HasSuffix(must(url.Parse(page.URL)).Path, tc.path) {
				t.Errorf("tampered %s: %d at %s: %q", tc.name, page.Status, page.URL, page.Body)
			}
		})
	}

	t.Run("without IDPSignout", func(t *testing.T) {
		sp.update(t, map[string]string{"MetadataURL": builtInIdP(env), "IDPSignout": "false"})
		defer sp.update(t, map[string]string{"MetadataURL": builtInIdP(env), "IDPSignout": "true"})
		b := signedIn(t)
		page, err := b.Open(ctx, logout)
		if err != nil || page.URL != sp.app.signedOut() || visited(b, "/saml2/idp/slo") != nil {
			t.Errorf("sign-out went %v (%v)", b.Visited, err)
		}
	})
}

// The demo's SAML provider signs its AuthnRequests and signs out at the
// built-in IdP, with no setup.
func TestDemoSAMLProviderSignsAndSignsOut(t *testing.T) {
	t.Parallel()
	env := demo(t)
	ctx := context.Background()
	a := newApp(t)
	appURL := must(url.Parse(a.srv.URL))
	b := fedUser()
	// The demo client's callback and sign-out URLs are on localhost:8765;
	// the app listens elsewhere.
	b.Tamper = func(u *url.URL) {
		if u.Host == "localhost:8765" {
			u.Host = appURL.Host
		}
	}
	_, challenge := pkce(t)
	page, err := b.Open(ctx, authorizeURL(env.Demo.HostedUI, "response_type", "code", "client_id", cognito.DemoPublicClientID,
		"redirect_uri", callback, "scope", "openid email", "code_challenge", challenge, "code_challenge_method", "S256",
		"identity_provider", cognito.DemoSAMLProvider))
	if err != nil || a.last() == nil || a.last().Path != "/callback" || a.last().Query().Get("code") == "" {
		t.Fatalf("sign-in: %v %s %q", err, page.URL, page.Body)
	}
	if q := ssoRequest(t, b, "/saml2/idp/sso").Query(); q.Get("SigAlg") != dsig.RSASHA256SignatureMethod || q.Get("Signature") == "" {
		t.Errorf("the demo's AuthnRequest is not signed: %v", q)
	}
	b.Visited = nil
	_, err = b.Open(ctx, env.Demo.HostedUI+"/logout?"+url.Values{"client_id": {cognito.DemoPublicClientID},
		"logout_uri": {"http://localhost:8765/signed-out"}}.Encode())
	if err != nil || visited(b, "/saml2/idp/slo") == nil || visited(b, "/saml2/logout") == nil || a.last().Path != "/signed-out" {
		t.Errorf("sign-out: %v, visited %v, app saw %v", err, b.Visited, a.last())
	}
}
