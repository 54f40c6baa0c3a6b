package hostedui_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"html"
	"io"
	"log"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/crewjam/saml"

	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/hostedui"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

// fedEnv is a stack with a downstream pool (domain "fed-pool", email
// required, an immutable custom:origmail) and an upstream pool (domain
// "upstream-idp") acting as the OIDC provider, with user alice.
type fedEnv struct {
	env                  *localtest.Env
	api                  *cip.Client
	pool, upstream       string
	base, upstreamBase   string
	client, upClient     string
	upSecret, aliceEmail string
	clock                *atomic.Int64 // offset added to the stack's clock, ns
}

// must unwraps a setup call; a failure panics, which fails the test
// with the call's stack.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func newFedEnv(t *testing.T) *fedEnv {
	t.Helper()
	f := &fedEnv{clock: new(atomic.Int64), aliceEmail: "alice@upstream.example"}
	f.env = localtest.Start(t, localtest.WithNow(func() time.Time { return time.Now().Add(time.Duration(f.clock.Load())) }))
	f.api = f.env.CognitoClient()
	ctx := context.Background()
	// Upstream: the OpenID provider.
	up := must(f.api.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("upstream")}))
	f.upstream = *up.UserPool.Id
	must(f.api.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: up.UserPool.Id, Domain: aws.String("upstream-idp")}))
	f.upstreamBase = hostedui.BaseURL(f.env.Endpoint, "upstream-idp")
	f.base = hostedui.BaseURL(f.env.Endpoint, "fed-pool")
	upc := must(f.api.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: up.UserPool.Id, ClientName: aws.String("cognito-federation"),
		GenerateSecret: true, AllowedOAuthFlows: []types.OAuthFlowType{"code"}, AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthScopes: []string{"openid", "email", "profile"}, CallbackURLs: []string{f.base + "/oauth2/idpresponse"},
		SupportedIdentityProviders: []string{"COGNITO"}}))
	f.upClient, f.upSecret = *upc.UserPoolClient.ClientId, *upc.UserPoolClient.ClientSecret
	must(f.api.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: up.UserPool.Id, Username: aws.String("alice"),
		MessageAction: "SUPPRESS", UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(f.aliceEmail)},
			{Name: aws.String("email_verified"), Value: aws.String("true")}, {Name: aws.String("name"), Value: aws.String("Alice Upstream")}}}))
	must(f.api.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: up.UserPool.Id, Username: aws.String("alice"),
		Password: aws.String("Upstream-Passw0rd!"), Permanent: true}))

	// Downstream: the pool federated with it.
	p := must(f.api.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("federated"),
		Schema: []types.SchemaAttributeType{{Name: aws.String("email"), Required: aws.Bool(true), Mutable: aws.Bool(true), AttributeDataType: "String"},
			{Name: aws.String("origmail"), Mutable: aws.Bool(false), AttributeDataType: "String"}}}))
	f.pool = *p.UserPool.Id
	must(f.api.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: p.UserPool.Id, Domain: aws.String("fed-pool")}))
	oidcProvider := func(name, issuer string, mapping map[string]string) {
		must(f.api.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: p.UserPool.Id, ProviderName: aws.String(name),
			ProviderType: types.IdentityProviderTypeTypeOidc, AttributeMapping: mapping,
			ProviderDetails: map[string]string{"client_id": f.upClient, "client_secret": f.upSecret, "oidc_issuer": issuer,
				"authorize_scopes": "openid email profile", "attributes_request_method": "GET"}}))
	}
	issuer := f.env.Endpoint + "/" + f.upstream
	oidcProvider("Upstream", issuer, map[string]string{"email": "email", "email_verified": "email_verified", "name": "name", "custom:origmail": "email"})
	oidcProvider("NoEmail", issuer, map[string]string{"name": "name"})
	oidcProvider("SlashIssuer", issuer+"/", map[string]string{"email": "email"})
	c := must(f.api.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: p.UserPool.Id, ClientName: aws.String("app"),
		AllowedOAuthFlows: []types.OAuthFlowType{"code"}, AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthScopes: []string{"openid", "email", "profile"}, CallbackURLs: []string{callback},
		SupportedIdentityProviders: []string{"COGNITO", "Upstream", "NoEmail", "SlashIssuer"}}))
	f.client = *c.UserPoolClient.ClientId
	return f
}

func (f *fedEnv) authorize(t *testing.T, params ...string) (string, string) {
	verifier, challenge := pkce(t)
	return authorizeURL(f.base, append([]string{"response_type", "code", "client_id", f.client, "redirect_uri", callback,
		"scope", "openid email profile", "state", "st-1", "code_challenge", challenge, "code_challenge_method", "S256"}, params...)...), verifier
}

// oidcSignIn walks the browser's hops: authorize → upstream authorize →
// upstream login → /oauth2/idpresponse → callback; it returns the last
// response and each hop's path.
func (f *fedEnv) oidcSignIn(t *testing.T, b *browser, authorize string) (response, []string) {
	t.Helper()
	var hops []string
	r := b.get(authorize)
	for i := 0; i < 10 && r.status == http.StatusFound; i++ {
		hops = append(hops, r.location.Path)
		if strings.HasPrefix(r.location.String(), callback) {
			return r, hops
		}
		if strings.HasSuffix(r.location.Path, "/login") {
			page := b.get(r.location.String())
			r = b.submit(pageForm(t, page), map[string]string{"username": "alice", "password": "Upstream-Passw0rd!"})
			continue
		}
		r = b.get(r.location.String())
	}
	return r, hops
}

func TestOIDCFederationThroughAnotherPool(t *testing.T) {
	f := newFedEnv(t)
	b := newBrowser(t)
	authorize, verifier := f.authorize(t, "identity_provider", "Upstream", "nonce", "n-1")
	r, hops := f.oidcSignIn(t, b, authorize)
	q := callbackParams(t, r)
	if q.Get("error") != "" {
		t.Fatalf("federated sign-in failed: %s %s", q.Get("error"), q.Get("error_description"))
	}
	wantHops := []string{"/_domain/upstream-idp/oauth2/authorize", "/_domain/upstream-idp/login", "/_domain/fed-pool/oauth2/idpresponse", "/callback"}
	if strings.Join(hops, " ") != strings.Join(wantHops, " ") {
		t.Errorf("hops %v, want %v", hops, wantHops)
	}
	tr := tokenRequest(t, f.base+"/oauth2/token", url.Values{"grant_type": {"authorization_code"}, "client_id": {f.client},
		"code": {q.Get("code")}, "redirect_uri": {callback}, "code_verifier": {verifier}}, "")
	if tr.status != http.StatusOK {
		t.Fatalf("token: %d %v", tr.status, tr.body)
	}
	id := decodeClaims(t, tr.str("id_token"))
	upSub := upstreamSub(t, f)
	if got, want := id["cognito:username"], "Upstream_"+upSub; got != want {
		t.Errorf("cognito:username %v, want %v", got, want)
	}
	if id["email"] != f.aliceEmail || id["name"] != "Alice Upstream" || id["nonce"] != "n-1" {
		t.Errorf("mapped claims: email %v name %v nonce %v", id["email"], id["name"], id["nonce"])
	}
	groups, _ := id["cognito:groups"].([]any)
	if len(groups) != 1 || groups[0] != f.pool+"_Upstream" {
		t.Errorf("cognito:groups %v, want [%s_Upstream]", id["cognito:groups"], f.pool)
	}
	ids, _ := id["identities"].([]any)
	if len(ids) != 1 {
		t.Fatalf("identities %v", id["identities"])
	}
	ident := ids[0].(map[string]any)
	if ident["providerName"] != "Upstream" || ident["providerType"] != "OIDC" || ident["userId"] != upSub ||
		ident["primary"] != "true" || ident["issuer"] != nil || ident["dateCreated"] == "" {
		t.Errorf("identities[0] = %v", ident)
	}
	u := must(f.api.AdminGetUser(context.Background(), &cip.AdminGetUserInput{UserPoolId: &f.pool, Username: aws.String("Upstream_" + upSub)}))
	if u.UserStatus != "EXTERNAL_PROVIDER" {
		t.Errorf("UserStatus %s, want EXTERNAL_PROVIDER", u.UserStatus)
	}
	// A second sign-in links to the same user (one user, one sub).
	authorize2, _ := f.authorize(t, "identity_provider", "Upstream")
	r2, _ := f.oidcSignIn(t, newBrowser(t), authorize2)
	if q2 := callbackParams(t, r2); q2.Get("code") == "" {
		t.Fatalf("second sign-in: %v", q2)
	}
	users := must(f.api.ListUsers(context.Background(), &cip.ListUsersInput{UserPoolId: &f.pool}))
	if len(users.Users) != 1 {
		t.Errorf("%d users after two sign-ins, want 1", len(users.Users))
	}
}

func TestOIDCFederationFailures(t *testing.T) {
	f := newFedEnv(t)
	ctx := context.Background()
	tests := []struct {
		name, provider string
		before         func(t *testing.T)
		code, desc     string
	}{
		{name: "required attribute not mapped", provider: "NoEmail", code: "invalid_request",
			desc: "Invalid user attributes: email: Attribute is required."},
		{name: "issuer differs from oidc_issuer", provider: "SlashIssuer", code: "invalid_request",
			desc: "Bad id_token issuer " + f.env.Endpoint + "/" + f.upstream},
		{name: "immutable mapped attribute changes", provider: "Upstream", code: "invalid_request",
			desc: "Invalid user attributes: custom:origmail: Attribute cannot be updated. (changing an immutable attribute)",
			before: func(t *testing.T) {
				a, _ := f.authorize(t, "identity_provider", "Upstream")
				if q := callbackParams(t, first(f.oidcSignIn(t, newBrowser(t), a))); q.Get("code") == "" {
					t.Fatalf("first sign-in: %v", q)
				}
				must(f.api.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: &f.upstream,
					Username: aws.String("alice"), UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("new@upstream.example")}}}))
			}},
		{name: "idp_identifier names no provider", provider: "", code: "invalid_request", desc: "no identity provider has the identifier nobody.example"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.before != nil {
				tc.before(t)
			}
			params := []string{"identity_provider", tc.provider}
			if tc.provider == "" {
				params = []string{"idp_identifier", "nobody.example"}
			}
			a, _ := f.authorize(t, params...)
			r, _ := f.oidcSignIn(t, newBrowser(t), a)
			q := callbackParams(t, r)
			if q.Get("error") != tc.code || q.Get("error_description") != tc.desc || q.Get("state") != "st-1" {
				t.Errorf("callback error=%q description=%q state=%q, want %q %q", q.Get("error"), q.Get("error_description"), q.Get("state"), tc.code, tc.desc)
			}
		})
	}
}

func first(r response, _ []string) response { return r }

func upstreamSub(t *testing.T, f *fedEnv) string {
	t.Helper()
	u := must(f.api.AdminGetUser(context.Background(), &cip.AdminGetUserInput{UserPoolId: &f.upstream, Username: aws.String("alice")}))
	for _, a := range u.UserAttributes {
		if *a.Name == "sub" {
			return *a.Value
		}
	}
	t.Fatal("alice has no sub")
	return ""
}

func decodeClaims(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", token)
	}
	raw := must(base64.RawURLEncoding.DecodeString(parts[1]))
	var claims map[string]any
	if err := jsonUnmarshal(string(raw), &claims); err != nil {
		t.Fatal(err)
	}
	return claims
}

// samlIdP is a SAML identity provider built on crewjam/saml, serving on
// loopback; it signs in "bob" without a page.
type samlIdP struct {
	idp *saml.IdentityProvider
	srv *httptest.Server
	sp  string // the SP metadata URL (the pool's /saml2/metadata)
}

func (s *samlIdP) GetSession(w http.ResponseWriter, r *http.Request, req *saml.IdpAuthnRequest) *saml.Session {
	return &saml.Session{ID: "s1", NameID: "bob@corp.example", UserName: "bob", UserEmail: "bob@corp.example",
		UserGivenName: "Bob", CreateTime: time.Now(), ExpireTime: time.Now().Add(time.Hour)}
}

func (s *samlIdP) GetServiceProvider(r *http.Request, id string) (*saml.EntityDescriptor, error) {
	resp, err := http.Get(s.sp)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var ed saml.EntityDescriptor
	if err := xml.NewDecoder(resp.Body).Decode(&ed); err != nil {
		return nil, err
	}
	return &ed, nil
}

func newSAMLIdP(t *testing.T, spMetadata string) *samlIdP {
	t.Helper()
	key := must(rsa.GenerateKey(rand.Reader, 2048))
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test idp"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der := must(x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key))
	cert := must(x509.ParseCertificate(der))
	s := &samlIdP{sp: spMetadata}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/sso":
			s.idp.ServeSSO(w, r)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.srv.Close)
	base := must(url.Parse(s.srv.URL))
	s.idp = &saml.IdentityProvider{Key: key, Certificate: cert, MetadataURL: *base.JoinPath("/metadata"), SSOURL: *base.JoinPath("/sso"),
		ServiceProviderProvider: s, SessionProvider: s, Logger: log.New(io.Discard, "", 0)}
	return s
}

func (s *samlIdP) metadata(t *testing.T) string {
	t.Helper()
	return string(must(xml.Marshal(s.idp.Metadata())))
}

var (
	samlResponseRE = regexp.MustCompile(`name="SAMLResponse" value="([^"]*)"`)
	relayStateRE   = regexp.MustCompile(`name="RelayState" value="([^"]*)"`)
	formActionRE   = regexp.MustCompile(`<form method="post" action="([^"]*)"`)
)

func TestSAMLFederation(t *testing.T) {
	f := newFedEnv(t)
	ctx := context.Background()
	idp := newSAMLIdP(t, f.base+"/saml2/metadata")
	must(f.api.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: &f.pool, ProviderName: aws.String("Corp"),
		ProviderType: types.IdentityProviderTypeTypeSaml, IdpIdentifiers: []string{"corp.example"},
		ProviderDetails:  map[string]string{"MetadataFile": idp.metadata(t), "IDPSignout": "false"},
		AttributeMapping: map[string]string{"email": "urn:oid:0.9.2342.19200300.100.1.3", "given_name": "givenName"}}))
	must(f.api.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: &f.pool, ClientId: &f.client,
		AllowedOAuthFlows: []types.OAuthFlowType{"code"}, AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthScopes: []string{"openid", "email", "profile"}, CallbackURLs: []string{callback},
		SupportedIdentityProviders: []string{"COGNITO", "Corp"}}))

	// toIdP follows authorize to the IdP and returns the auto-posting form
	// the IdP answers with: the ACS URL, SAMLResponse and RelayState.
	toIdP := func(t *testing.T, b *browser) (string, string, string) {
		a, _ := f.authorize(t, "idp_identifier", "corp.example")
		r := b.get(a)
		if r.status != http.StatusFound || !strings.HasPrefix(r.location.String(), idp.srv.URL+"/sso") {
			t.Fatalf("authorize: %d %v %s", r.status, r.location, r.body)
		}
		page := b.get(r.location.String())
		m, rs, act := samlResponseRE.FindStringSubmatch(page.body), relayStateRE.FindStringSubmatch(page.body), formActionRE.FindStringSubmatch(page.body)
		if m == nil || rs == nil || act == nil {
			t.Fatalf("IdP page has no SAML form (%d): %s", page.status, page.body)
		}
		return html.UnescapeString(act[1]), html.UnescapeString(m[1]), html.UnescapeString(rs[1])
	}

	t.Run("sign-in", func(t *testing.T) {
		b := newBrowser(t)
		acs, resp, relay := toIdP(t, b)
		if acs != f.base+"/saml2/idpresponse" {
			t.Errorf("ACS %s", acs)
		}
		q := callbackParams(t, b.post(acs, url.Values{"SAMLResponse": {resp}, "RelayState": {relay}}))
		if q.Get("code") == "" {
			t.Fatalf("no code: %v", q)
		}
		a := must(f.api.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &f.pool, Username: aws.String("Corp_bob@corp.example")}))
		attrs := map[string]string{}
		for _, at := range a.UserAttributes {
			attrs[*at.Name] = *at.Value
		}
		if attrs["email"] != "bob@corp.example" || attrs["given_name"] != "Bob" || !strings.Contains(attrs["identities"], `"providerType":"SAML"`) ||
			!strings.Contains(attrs["identities"], `"issuer":"`+idp.srv.URL+`/metadata"`) {
			t.Errorf("attributes %v", attrs)
		}
	})
	tests := []struct {
		name   string
		mutate func(resp, relay string) (string, string)
		code   string
		desc   string // prefix
	}{
		{"unknown relayState", func(resp, _ string) (string, string) { return resp, "forged" }, "", "Invalid samlResponse or relayState from identity provider"},
		{"unsigned assertion", func(resp, relay string) (string, string) {
			raw, _ := base64.StdEncoding.DecodeString(resp)
			unsigned := regexp.MustCompile(`(?s)<ds:Signature.*?</ds:Signature>`).ReplaceAllString(string(raw), "")
			return base64.StdEncoding.EncodeToString([]byte(unsigned)), relay
		}, "server_error", "Error in SAML response processing: "},
		{"expired assertion", func(resp, relay string) (string, string) {
			f.clock.Store(int64(10 * time.Minute)) // past the assertion (5 min + 3 min skew), within the 15-minute wait
			return resp, relay
		}, "server_error", "Error in SAML response processing: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer f.clock.Store(0)
			b := newBrowser(t)
			acs, resp, relay := toIdP(t, b)
			resp, relay = tc.mutate(resp, relay)
			r := b.post(acs, url.Values{"SAMLResponse": {resp}, "RelayState": {relay}})
			if tc.code == "" {
				if r.status != http.StatusBadRequest || !strings.Contains(r.body, tc.desc) {
					t.Errorf("got %d %s", r.status, r.body)
				}
				return
			}
			q := callbackParams(t, r)
			if q.Get("error") != tc.code || !strings.HasPrefix(q.Get("error_description"), tc.desc) {
				t.Errorf("error=%q description=%q", q.Get("error"), q.Get("error_description"))
			}
		})
	}
}

func TestIdentityProviderAPI(t *testing.T) {
	f := newFedEnv(t)
	ctx := context.Background()
	d := must(f.api.DescribeIdentityProvider(ctx, &cip.DescribeIdentityProviderInput{UserPoolId: &f.pool, ProviderName: aws.String("NoEmail")}))
	if d.IdentityProvider.ProviderType != types.IdentityProviderTypeTypeOidc || d.IdentityProvider.AttributeMapping["username"] != "sub" {
		t.Errorf("describe: %+v", d.IdentityProvider)
	}
	l := must(f.api.ListIdentityProviders(ctx, &cip.ListIdentityProvidersInput{UserPoolId: &f.pool, MaxResults: aws.Int32(2)}))
	if len(l.Providers) != 2 || *l.Providers[0].ProviderName != "NoEmail" || l.NextToken == nil {
		t.Errorf("list page 1: %+v", l)
	}
	_, err := f.api.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: &f.pool, ProviderName: aws.String("NoEmail"),
		ProviderType: types.IdentityProviderTypeTypeOidc, ProviderDetails: map[string]string{"client_id": "x", "oidc_issuer": "http://127.0.0.1:1",
			"authorize_scopes": "openid", "attributes_request_method": "GET"}})
	var dup *types.DuplicateProviderException
	if !asErr(err, &dup) {
		t.Errorf("duplicate create: %v", err)
	}
	_, err = f.api.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: &f.pool, ProviderName: aws.String("Missing"),
		ProviderType: types.IdentityProviderTypeTypeOidc, ProviderDetails: map[string]string{"client_id": "x"}})
	var inv *types.InvalidParameterException
	if !asErr(err, &inv) {
		t.Errorf("create without oidc_issuer: %v", err)
	}
	must(f.api.UpdateIdentityProvider(ctx, &cip.UpdateIdentityProviderInput{UserPoolId: &f.pool, ProviderName: aws.String("NoEmail"),
		IdpIdentifiers: []string{"noemail.example"}}))
	g := must(f.api.GetIdentityProviderByIdentifier(ctx, &cip.GetIdentityProviderByIdentifierInput{UserPoolId: &f.pool, IdpIdentifier: aws.String("noemail.example")}))
	if *g.IdentityProvider.ProviderName != "NoEmail" {
		t.Errorf("by identifier: %v", *g.IdentityProvider.ProviderName)
	}
	must(f.api.DeleteIdentityProvider(ctx, &cip.DeleteIdentityProviderInput{UserPoolId: &f.pool, ProviderName: aws.String("NoEmail")}))
	_, err = f.api.DescribeIdentityProvider(ctx, &cip.DescribeIdentityProviderInput{UserPoolId: &f.pool, ProviderName: aws.String("NoEmail")})
	var nf *types.ResourceNotFoundException
	if !asErr(err, &nf) {
		t.Errorf("describe deleted: %v", err)
	}
}

func asErr[T error](err error, target *T) bool { return err != nil && errors.As(err, target) }

// The demo seed federates the demo pool with its built-in upstream (a
// second pool of the stack, as an OIDC provider and through the stack's
// built-in SAML IdP): a federated sign-in needs no setup, and the stack's
// Info lists the providers with the upstream's users.
func TestDemoSeedBuiltInUpstream(t *testing.T) {
	env := demo(t)
	info := env.Stack.Info()
	var idps string
	for _, p := range info.UserPools {
		if p.ID == env.Demo.PoolID {
			b, _ := json.Marshal(p.IdentityProviders)
			idps = string(b)
		}
	}
	if want := `[{"name":"CogscopeOIDC","type":"OIDC","users":[{"username":"fed-user","password":"Passw0rd!"}]},` +
		`{"name":"CogscopeSAML","type":"SAML","users":[{"username":"fed-user","password":"Passw0rd!"}]}]`; idps != want {
		t.Errorf("identityProviders %s, want %s", idps, want)
	}
	tests := []struct {
		identifier, username string
		hops                 []string
	}{
		{"upstream.example", "CogscopeOIDC_2e8c4b1a-6d3f-4a9e-8b7c-5f1d0e2a9c44",
			[]string{"/oauth2/authorize", "/login", "/login", "/oauth2/idpresponse", "/callback"}},
		{"saml.upstream.example", "CogscopeSAML_fed-user",
			[]string{"/saml2/idp/sso", "/saml2/idp/login", "/saml2/idpresponse", "/callback"}},
	}
	for _, tc := range tests {
		t.Run(tc.identifier, func(t *testing.T) {
			b := newBrowser(t)
			verifier, challenge := pkce(t)
			r := b.get(authorizeURL(env.Demo.HostedUI, "response_type", "code", "client_id", cognito.DemoPublicClientID, "redirect_uri", callback,
				"scope", "openid email profile", "code_challenge", challenge, "code_challenge_method", "S256", "idp_identifier", tc.identifier))
			var hops []string
			for i := 0; i < 10 && !(r.status == http.StatusFound && strings.HasPrefix(r.location.String(), callback)); i++ {
				switch {
				case r.status == http.StatusFound:
					hops = append(hops, endpointPath(r.location.Path))
					r = b.get(r.location.String())
				case r.status == http.StatusOK && strings.Contains(r.body, `name="password"`):
					f := pageForm(t, r)
					hops = append(hops, endpointPath(must(url.Parse(f.action)).Path))
					r = b.submit(f, map[string]string{"username": cognito.DemoUpstreamUsername, "password": cognito.DemoUpstreamPassword})
				case r.status == http.StatusOK && strings.Contains(r.body, "SAMLResponse"):
					act := html.UnescapeString(formActionRE.FindStringSubmatch(r.body)[1])
					hops = append(hops, endpointPath(must(url.Parse(act)).Path))
					r = b.post(act, url.Values{"SAMLResponse": {html.UnescapeString(samlResponseRE.FindStringSubmatch(r.body)[1])},
						"RelayState": {html.UnescapeString(relayStateRE.FindStringSubmatch(r.body)[1])}})
				default:
					t.Fatalf("stuck at %d %v: %s", r.status, r.location, r.body)
				}
			}
			hops = append(hops, r.location.Path)
			if len(hops) < len(tc.hops) || strings.Join(hops[len(hops)-len(tc.hops):], " ") != strings.Join(tc.hops, " ") {
				t.Errorf("hops %v, want them to end with %v", hops, tc.hops)
			}
			q := callbackParams(t, r)
			tr := exchange(t, env, q.Get("code"), verifier)
			if tr.status != http.StatusOK {
				t.Fatalf("token: %d %v (callback %v)", tr.status, tr.body, q)
			}
			claims := verify(t, env, tr.str("id_token"))
			if claims["cognito:username"] != tc.username || claims["email"] != "fed-user@upstream.example" || claims["name"] != "Federated User" {
				t.Errorf("claims %v", claims)
			}
		})
	}
}

// endpointPath is a hosted-UI path without its /_domain/<domain> prefix.
func endpointPath(p string) string {
	if rest, ok := strings.CutPrefix(p, hostedui.PathPrefix); ok {
		if _, ep, ok := strings.Cut(rest, "/"); ok {
			return "/" + ep
		}
	}
	return p
}

// The login page offers the client's federated providers as links that
// restart the authorize request with identity_provider.
func TestLoginPageOffersProviders(t *testing.T) {
	env := demo(t)
	b := newBrowser(t)
	_, challenge := pkce(t)
	r := b.get(authorizeURL(env.Demo.HostedUI, "response_type", "code", "client_id", cognito.DemoPublicClientID, "redirect_uri", callback,
		"scope", "openid", "code_challenge", challenge, "code_challenge_method", "S256", "state", "s-9"))
	page := b.get(r.location.String())
	links := regexp.MustCompile(`<a class="idp" href="([^"]*)">Sign in with ([^<]*)</a>`).FindAllStringSubmatch(page.body, -1)
	if len(links) != 2 || links[0][2] != cognito.DemoOIDCProvider || links[1][2] != cognito.DemoSAMLProvider {
		t.Fatalf("provider links %v in\n%s", links, page.body)
	}
	u := must(url.Parse(html.UnescapeString(links[1][1])))
	if u.Path != "/_domain/"+cognito.DemoDomain+"/oauth2/authorize" || u.Query().Get("identity_provider") != cognito.DemoSAMLProvider ||
		u.Query().Get("state") != "s-9" || u.Query().Get("code_challenge") != challenge {
		t.Errorf("link %s", u)
	}
	// Following it goes to the SAML IdP.
	if r := b.get(u.String()); r.status != http.StatusFound || !strings.HasSuffix(r.location.Path, "/saml2/idp/sso") {
		t.Errorf("link answered %d %v", r.status, r.location)
	}
}
