package hostedui

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/crewjam/saml"
	"github.com/crewjam/saml/samlsp"
	dsig "github.com/russellhaering/goxmldsig"
	"golang.org/x/oauth2"

	"github.com/cogscope/cogscope/internal/lazyregexp"
	"github.com/cogscope/cogscope/internal/local/cognito"
)

// Federation: /oauth2/authorize with identity_provider (or idp_identifier)
// naming one of the pool's OIDC or SAML providers sends the browser to
// the provider; the provider answers at /oauth2/idpresponse (OIDC: code,
// redeemed and its ID token verified with coreos/go-oidc) or
// /saml2/idpresponse (SAML: the response verified with crewjam/saml);
// then cognito.FederatedSignIn maps the user and the sign-in ends as a
// password sign-in does (domain session, code to the app).

const (
	pathIDPResponse  = "/oauth2/idpresponse"
	pathSAMLResponse = "/saml2/idpresponse"
	pathSAMLMetadata = "/saml2/metadata"
	pathSAMLLogout   = "/saml2/logout"

	// federationTTL bounds a sign-in waiting at the upstream provider.
	federationTTL = 15 * time.Minute
	// maxSAMLForm caps the POST of a SAML response (assertions with
	// certificates and many attributes stay far below).
	maxSAMLForm = 512 << 10
	// maxMetadata caps a fetched SAML metadata document.
	maxMetadata = 1 << 20
)

// Federation error descriptions. Cognito documents that its descriptions
// are not fixed strings; those marked "confirmed" were seen in Cognito's
// answers (AWS knowledge-centre articles, issue threads), the others are
// ours (see the package doc).
const (
	msgSAMLRelayState  = "Invalid samlResponse or relayState from identity provider" // confirmed
	msgSAMLProcessing  = "Error in SAML response processing: "                       // confirmed prefix
	msgBadIssuer       = "Bad id_token issuer "                                      // confirmed prefix
	msgIDPUnavailable  = "Error in discovering the identity provider's configuration: "
	msgBadIDToken      = "Invalid id_token from identity provider: "
	msgNoIDToken       = "Identity provider's token response has no id_token"
	msgLocalUnreachble = " sign-in is not served by the local stack: it would leave loopback"
)

// pendingFederation is a sign-in waiting at the upstream provider, keyed by
// the state (OIDC) or RelayState (SAML) sent there.
type pendingFederation struct {
	poolID    string
	req       *authRequest
	provider  cognito.HostedIdentityProvider
	nonce     string
	verifier  string // OIDC: the PKCE code_verifier sent with the code
	requestID string // SAML AuthnRequest ID
	expires   time.Time
}

type fedStore struct {
	mu      sync.Mutex
	pending map[string]*pendingFederation
}

func (f *fedStore) put(now time.Time, p *pendingFederation) string {
	id := randomToken()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.pending == nil {
		f.pending = map[string]*pendingFederation{}
	}
	for k, v := range f.pending {
		if !now.Before(v.expires) {
			delete(f.pending, k)
		}
	}
	f.pending[id] = p
	return id
}

// take removes and returns a live pending federation of poolID.
func (f *fedStore) take(now time.Time, id, poolID string) *pendingFederation {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := f.pending[id]
	if p == nil || p.poolID != poolID || !now.Before(p.expires) {
		return nil
	}
	delete(f.pending, id)
	return p
}

// loopbackClient is the default client for upstream providers: it dials
// loopback addresses only, as the local stack never leaves the machine.
func loopbackClient() *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second, Control: func(_, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return err
		}
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			return fmt.Errorf("the local stack reaches identity providers on loopback only, not %s", host)
		}
		return nil
	}}
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DialContext: d.DialContext},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Seed placeholders, so that a seed can federate one local pool with
// another without knowing the stack's port: in an OIDC provider's
// oidc_issuer and in app clients' callback URLs, "{endpoint}" is the
// stack's URL, "{issuer:<pool name>}" the issuer of the pool of that
// name, and "{domain:<domain>}" a domain's hosted-UI base URL. Cognito has
// no such thing; the demo seed's built-in upstream uses them.
var placeholderRE = lazyregexp.New(`\{(endpoint|issuer:[^}]+|domain:[^}]+)\}`)

type rootKey struct{}

// expand fills the placeholders of v; the stack's URL comes from ctx
// (withRoot) or the handler's endpoint.
func (h *Handler) expand(ctx context.Context, v string) string {
	if !strings.Contains(v, "{") {
		return v
	}
	root, _ := ctx.Value(rootKey{}).(string)
	if root == "" && h.endpoint != nil {
		root = strings.TrimRight(h.endpoint(), "/")
	}
	return placeholderRE.ReplaceAllStringFunc(v, func(m string) string {
		kind, arg, _ := strings.Cut(strings.Trim(m, "{}"), ":")
		switch kind {
		case "endpoint":
			return root
		case "domain":
			return BaseURL(root, arg)
		case "issuer":
			for _, p := range h.svc.Describe() {
				if p.Name == arg {
					return p.Issuer
				}
			}
		}
		return m
	})
}

func (h *Handler) expandAll(dc *domainCtx, list []string) []string {
	ctx := context.WithValue(context.Background(), rootKey{}, strings.TrimSuffix(dc.base, dc.basePath))
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = h.expand(ctx, v)
	}
	return out
}

// resolveProvider finds the federated provider an authorize request names
// (identity_provider or idp_identifier); nil with no failure means the
// hosted UI's own login (COGNITO).
func (h *Handler) resolveProvider(q url.Values, client cognito.HostedClient, poolID string) (*cognito.HostedIdentityProvider, *authFailure) {
	idp, ident := q.Get("identity_provider"), q.Get("idp_identifier")
	if idp == "" && ident != "" {
		p, err := h.svc.IdentityProviderByIdentifier(poolID, ident)
		if err != nil {
			return nil, &authFailure{code: "invalid_request", description: "no identity provider has the identifier " + ident}
		}
		idp = p.Name
	}
	if idp == "" {
		if !slices.Contains(client.SupportedIdentityProviders, "COGNITO") {
			return nil, &authFailure{code: "invalid_request",
				description: "the app client does not support COGNITO sign-in: name one of its SupportedIdentityProviders in identity_provider"}
		}
		return nil, nil
	}
	if !slices.Contains(client.SupportedIdentityProviders, idp) {
		return nil, &authFailure{code: "invalid_request", description: "identity provider " + idp + " is not enabled for the app client"}
	}
	if idp == "COGNITO" {
		return nil, nil
	}
	p, err := h.svc.IdentityProvider(poolID, idp)
	if err != nil {
		return nil, &authFailure{code: "invalid_request", description: "identity provider " + idp + " does not exist for the user pool"}
	}
	return &p, nil
}

// startFederation sends the browser to the upstream provider.
func (h *Handler) startFederation(w http.ResponseWriter, r *http.Request, dc *domainCtx, req *authRequest) {
	p := req.idp
	pf := &pendingFederation{poolID: dc.pool.ID, req: req, provider: *p, expires: h.now().Add(federationTTL)}
	switch p.Type {
	case "OIDC":
		op, err := h.discover(withRoot(r.Context(), dc), p)
		if err != nil {
			h.refuse(w, r, dc, req, &authFailure{code: "invalid_request", description: msgIDPUnavailable + err.Error()})
			return
		}
		pf.nonce, pf.verifier = randomToken(), oauth2.GenerateVerifier()
		state := h.fed.put(h.now(), pf)
		// PKCE (S256) towards the provider: providers that require it
		// (oidc-provider, many enterprise IdPs) get it, the rest ignore it.
		// Whether Cognito sends it is unconfirmed.
		v := url.Values{"client_id": {p.Details["client_id"]}, "response_type": {"code"},
			"redirect_uri": {dc.url(pathIDPResponse)}, "scope": {authorizeScopes(p)}, "state": {state}, "nonce": {pf.nonce},
			"code_challenge": {oauth2.S256ChallengeFromVerifier(pf.verifier)}, "code_challenge_method": {"S256"}}
		http.Redirect(w, r, withParams(op.Endpoint().AuthURL, v, false), http.StatusFound)
	case "SAML":
		sp, err := h.samlSP(r.Context(), dc, p)
		if err != nil {
			h.refuse(w, r, dc, req, &authFailure{code: "invalid_request", description: msgSAMLProcessing + err.Error()})
			return
		}
		loc := sp.GetSSOBindingLocation(saml.HTTPRedirectBinding)
		if loc == "" {
			h.refuse(w, r, dc, req, &authFailure{code: "invalid_request",
				description: msgSAMLProcessing + "the IdP metadata has no SingleSignOnService with the HTTP-Redirect binding"})
			return
		}
		authn, err := sp.MakeAuthenticationRequest(loc, saml.HTTPRedirectBinding, saml.HTTPPostBinding)
		if err != nil {
			h.refuse(w, r, dc, req, &authFailure{code: "server_error", description: msgSAMLProcessing + err.Error()})
			return
		}
		pf.requestID = authn.ID
		state := h.fed.put(h.now(), pf)
		u, err := authn.Redirect(state, sp)
		if err != nil {
			h.refuse(w, r, dc, req, &authFailure{code: "server_error", description: msgSAMLProcessing + err.Error()})
			return
		}
		http.Redirect(w, r, u.String(), http.StatusFound)
	default:
		h.refuse(w, r, dc, req, &authFailure{code: "invalid_request", description: p.Type + msgLocalUnreachble})
	}
}

func authorizeScopes(p *cognito.HostedIdentityProvider) string {
	sc := strings.Join(strings.Fields(strings.ReplaceAll(p.Details["authorize_scopes"], ",", " ")), " ")
	if sc == "" {
		return "openid"
	}
	return sc
}

func (h *Handler) upstreamContext(ctx context.Context) context.Context {
	ctx = oidc.ClientContext(ctx, h.upstream)
	return context.WithValue(ctx, oauth2.HTTPClient, h.upstream)
}

// discover reads the provider's discovery document from oidc_issuer.
func (h *Handler) discover(ctx context.Context, p *cognito.HostedIdentityProvider) (*oidc.Provider, error) {
	issuer := h.expand(ctx, p.Details["oidc_issuer"])
	if issuer == "" {
		return nil, errors.New("the provider has no oidc_issuer")
	}
	// The discovery document is read from oidc_issuer without insisting
	// that it names the same issuer (as Cognito reads it); the ID token's
	// iss must then equal oidc_issuer exactly, or Bad id_token issuer.
	ctx = oidc.InsecureIssuerURLContext(h.upstreamContext(ctx), issuer)
	op, err := oidc.NewProvider(ctx, strings.TrimRight(issuer, "/"))
	if err != nil {
		return nil, err
	}
	return op, nil
}

// serveIDPResponse is GET /oauth2/idpresponse: the OIDC provider's answer.
func (h *Handler) serveIDPResponse(w http.ResponseWriter, r *http.Request, dc *domainCtx) {
	q := r.URL.Query()
	pf := h.fed.take(h.now(), q.Get("state"), dc.pool.ID)
	if pf == nil || pf.provider.Type != "OIDC" {
		writePage(w, http.StatusBadRequest, errorPage{Title: "Invalid state",
			Message: "The identity provider's answer does not belong to a sign-in in progress on this domain (unknown or expired state)."})
		return
	}
	p, req := &pf.provider, pf.req
	if e := q.Get("error"); e != "" {
		desc := p.Name + " Error - " + e
		if d := q.Get("error_description"); d != "" {
			desc += " " + d
		}
		h.refuse(w, r, dc, req, &authFailure{code: e, description: desc})
		return
	}
	ctx := h.upstreamContext(withRoot(r.Context(), dc))
	op, err := h.discover(ctx, p)
	if err != nil {
		h.refuse(w, r, dc, req, &authFailure{code: "invalid_request", description: msgIDPUnavailable + err.Error()})
		return
	}
	conf := oauth2.Config{ClientID: p.Details["client_id"], ClientSecret: p.Details["client_secret"],
		Endpoint: op.Endpoint(), RedirectURL: dc.url(pathIDPResponse)}
	if conf.ClientSecret == "" {
		conf.Endpoint.AuthStyle = oauth2.AuthStyleInParams // a public client: client_id in the form only
	}
	tok, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(pf.verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		desc := p.Name + " Error - " + err.Error()
		code := "invalid_request"
		if errors.As(err, &re) {
			desc = strings.TrimSpace(p.Name + " Error - " + strconv.Itoa(re.Response.StatusCode) + " " + re.ErrorCode + " " + re.ErrorDescription)
		}
		h.refuse(w, r, dc, req, &authFailure{code: code, description: desc})
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		h.refuse(w, r, dc, req, &authFailure{code: "invalid_request", description: msgNoIDToken})
		return
	}
	idt, err := op.Verifier(&oidc.Config{ClientID: conf.ClientID, Now: h.now}).Verify(ctx, raw)
	if err != nil {
		h.refuse(w, r, dc, req, &authFailure{code: "invalid_request", description: idTokenProblem(err)})
		return
	}
	if idt.Nonce != pf.nonce {
		h.refuse(w, r, dc, req, &authFailure{code: "invalid_request", description: msgBadIDToken + "nonce does not match the authorize request"})
		return
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		h.refuse(w, r, dc, req, &authFailure{code: "invalid_request", description: msgBadIDToken + err.Error()})
		return
	}
	attrs := stringClaims(claims)
	if op.UserInfoEndpoint() != "" {
		// Cognito also asks userInfo (attributes_request_method); the ID
		// token's claims win where both have one.
		if ui, err := op.UserInfo(ctx, oauth2.StaticTokenSource(tok)); err == nil {
			var more map[string]any
			if ui.Claims(&more) == nil {
				for k, v := range stringClaims(more) {
					if _, ok := attrs[k]; !ok {
						attrs[k] = v
					}
				}
			}
		} else {
			h.log.Debug("hosted UI: upstream userInfo failed", "provider", p.Name, "error", err)
		}
	}
	h.finishFederation(w, r, dc, pf, cognito.FederatedIdentity{Provider: p.Name, Subject: idt.Subject, Claims: attrs}, "", nil)
}

// idTokenProblem words a go-oidc verification failure.
func idTokenProblem(err error) string {
	var expired *oidc.TokenExpiredError
	switch {
	case errors.As(err, &expired):
		return msgBadIDToken + "the id_token expired at " + expired.Expiry.UTC().Format(time.RFC3339)
	case strings.Contains(err.Error(), "issued by a different provider"):
		got := err.Error()
		if i := strings.LastIndex(got, "got "); i >= 0 {
			return msgBadIssuer + strings.Trim(got[i+4:], `"`)
		}
		return strings.TrimSpace(msgBadIssuer)
	}
	return msgBadIDToken + strings.TrimPrefix(err.Error(), "oidc: ")
}

// stringClaims turns claims into attribute strings: strings as they are,
// booleans and numbers in their JSON form, the rest as JSON.
func stringClaims(m map[string]any) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		switch x := v.(type) {
		case string:
			out[k] = x
		case bool:
			out[k] = strconv.FormatBool(x)
		case float64:
			out[k] = strconv.FormatFloat(x, 'f', -1, 64)
		case nil:
		default:
			b, err := json.Marshal(x)
			if err == nil {
				out[k] = string(b)
			}
		}
	}
	return out
}

// finishFederation creates or links the user and ends the sign-in;
// prefix is put before a refusal's description (SAML's).
// ss is the SAML session the sign-in came from (nil for OIDC).
func (h *Handler) finishFederation(w http.ResponseWriter, r *http.Request, dc *domainCtx, pf *pendingFederation, fi cognito.FederatedIdentity, prefix string, ss *samlSession) {
	st, err := h.svc.FederatedSignIn(dc.pool.ID, fi)
	if err != nil {
		var fe *cognito.FederationError
		if errors.As(err, &fe) {
			code := fe.Code
			if prefix != "" {
				code = "server_error"
			}
			h.refuse(w, r, dc, pf.req, &authFailure{code: code, description: prefix + fe.Description})
			return
		}
		h.refuse(w, r, dc, pf.req, &authFailure{code: "server_error", description: prefix + h.userMessage(err)})
		return
	}
	h.startSession(w, dc, st.Username, st.Sub, st.AuthTime, ss)
	h.complete(w, r, dc, pf.req, st.Username, st.AuthTime)
}

// spEntityID is the pool's SAML service-provider entity id, as Cognito
// names it (the audience an IdP must put in its assertions).
func spEntityID(poolID string) string { return "urn:amazon:cognito:sp:" + poolID }

// samlSP builds the pool's service provider for one SAML provider, with
// the provider's IdP metadata.
func (h *Handler) samlSP(ctx context.Context, dc *domainCtx, p *cognito.HostedIdentityProvider) (*saml.ServiceProvider, error) {
	data := []byte(p.Details["MetadataFile"])
	if len(data) == 0 {
		var err error
		if data, err = h.fetchMetadata(ctx, h.expand(withRoot(ctx, dc), p.Details["MetadataURL"])); err != nil {
			return nil, err
		}
	}
	ed, err := samlsp.ParseMetadata(data)
	if err != nil {
		return nil, fmt.Errorf("the provider's metadata cannot be read: %w", err)
	}
	sp, err := h.serviceProvider(dc.pool.ID, dc.base, p)
	if err != nil {
		return nil, err
	}
	sp.IDPMetadata = ed
	sp.AllowIDPInitiated = p.Details["IDPInit"] == "true"
	return sp, nil
}

// ProviderDetails keys of a SAML provider that change what the SP sends
// (CreateIdentityProvider's reference): RequestSigningAlgorithm
// "rsa-sha256" signs AuthnRequests, IDPSignout "true" signs the user out
// at the IdP too (a LogoutRequest from /logout).
const (
	detailRequestSigning = "RequestSigningAlgorithm"
	detailIDPSignout     = "IDPSignout"
	requestSigningRSA256 = "rsa-sha256"
)

// signsRequests reports whether the pool signs its AuthnRequests to p.
func signsRequests(p *cognito.HostedIdentityProvider) bool {
	return p != nil && p.Details[detailRequestSigning] == requestSigningRSA256
}

// signsOut reports whether /logout signs the user out at p too.
func signsOut(p *cognito.HostedIdentityProvider) bool {
	return p != nil && p.Type == "SAML" && p.Details[detailIDPSignout] == "true"
}

// serviceProvider is the pool's SAML service provider at base (the
// domain's hosted-UI URL), for provider p (nil: the pool's own metadata).
// The pool's SAML signing certificate (cognito.SAMLSigning, what
// GetSigningCertificate returns) signs AuthnRequests when p asks for it
// (RequestSigningAlgorithm rsa-sha256) and every LogoutRequest (the
// single logout profile requires them signed); the metadata publishes it
// as the signing key, and never as an encryption key (Cognito encrypts
// only with EncryptedResponses, not emulated).
func (h *Handler) serviceProvider(poolID, base string, p *cognito.HostedIdentityProvider) (*saml.ServiceProvider, error) {
	acs, err1 := url.Parse(base + pathSAMLResponse)
	meta, err2 := url.Parse(base + pathSAMLMetadata)
	slo, err3 := url.Parse(base + pathSAMLLogout)
	if err := errors.Join(err1, err2, err3); err != nil {
		return nil, err
	}
	key, cert, err := h.svc.SAMLSigning(poolID)
	if err != nil {
		return nil, fmt.Errorf("the pool's SAML signing certificate: %w", err)
	}
	sp := &saml.ServiceProvider{EntityID: spEntityID(poolID), AcsURL: *acs, MetadataURL: *meta, SloURL: *slo,
		Key: key, Certificate: cert, LogoutSignatureMethod: dsig.RSASHA256SignatureMethod,
		LogoutBindings:                   []string{saml.HTTPRedirectBinding, saml.HTTPPostBinding},
		AssertionConsumerServiceBindings: []string{saml.HTTPPostBinding},
		Clock:                            dsig.NewFakeClockAt(h.now())}
	if signsRequests(p) {
		sp.SignatureMethod = dsig.RSASHA256SignatureMethod
	}
	return sp, nil
}

// spMetadata is sp's metadata with the signing certificate only.
func spMetadata(sp *saml.ServiceProvider) *saml.EntityDescriptor {
	ed := sp.Metadata()
	for i := range ed.SPSSODescriptors {
		d := &ed.SPSSODescriptors[i]
		keys := d.KeyDescriptors[:0]
		for _, k := range d.KeyDescriptors {
			if k.Use == "signing" {
				keys = append(keys, k)
			}
		}
		d.KeyDescriptors = keys
	}
	return ed
}

func (h *Handler) fetchMetadata(ctx context.Context, u string) ([]byte, error) {
	if u == "" {
		return nil, errors.New("the provider has neither MetadataFile nor MetadataURL")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("MetadataURL: %w", err)
	}
	resp, err := h.upstream.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching MetadataURL: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching MetadataURL: HTTP %d", resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxMetadata+1))
	if err != nil || len(data) > maxMetadata {
		return nil, fmt.Errorf("fetching MetadataURL: unreadable or larger than %d bytes", maxMetadata)
	}
	return data, nil
}

// serveSAMLResponse is POST /saml2/idpresponse, the pool's assertion
// consumer service.
func (h *Handler) serveSAMLResponse(w http.ResponseWriter, r *http.Request, dc *domainCtx) {
	if !readForm(w, r, maxSAMLForm) {
		return
	}
	pf := h.fed.take(h.now(), r.PostForm.Get("RelayState"), dc.pool.ID)
	if pf == nil || pf.provider.Type != "SAML" || r.PostForm.Get("SAMLResponse") == "" {
		// IdP-initiated sign-in is not emulated: without our RelayState
		// there is no app to send the user back to.
		writePage(w, http.StatusBadRequest, errorPage{Title: "Sign-in failed", Message: msgSAMLRelayState})
		return
	}
	p := &pf.provider
	sp, err := h.samlSP(r.Context(), dc, p)
	if err != nil {
		h.refuse(w, r, dc, pf.req, &authFailure{code: "server_error", description: msgSAMLProcessing + err.Error()})
		return
	}
	raw, err := base64.StdEncoding.DecodeString(r.PostForm.Get("SAMLResponse"))
	if err != nil {
		h.refuse(w, r, dc, pf.req, &authFailure{code: "invalid_request", description: msgSAMLRelayState})
		return
	}
	assertion, err := sp.ParseXMLResponse(raw, []string{pf.requestID}, sp.AcsURL)
	if err != nil {
		h.refuse(w, r, dc, pf.req, &authFailure{code: "server_error", description: msgSAMLProcessing + samlProblem(err)})
		return
	}
	fi := cognito.FederatedIdentity{Provider: p.Name, Issuer: assertion.Issuer.Value, Claims: map[string]string{}}
	if assertion.Subject != nil && assertion.Subject.NameID != nil {
		fi.Subject = assertion.Subject.NameID.Value
	}
	for _, st := range assertion.AttributeStatements {
		for _, a := range st.Attributes {
			vals := make([]string, 0, len(a.Values))
			for _, v := range a.Values {
				vals = append(vals, v.Value)
			}
			fi.Claims[a.Name] = strings.Join(vals, ",")
			if a.FriendlyName != "" {
				if _, ok := fi.Claims[a.FriendlyName]; !ok {
					fi.Claims[a.FriendlyName] = strings.Join(vals, ",")
				}
			}
		}
	}
	h.finishFederation(w, r, dc, pf, fi, msgSAMLProcessing, fromAssertion(p.Name, assertion))
}

// samlProblem is the reason crewjam/saml keeps in PrivateErr.
func samlProblem(err error) string {
	var ire *saml.InvalidResponseError
	if errors.As(err, &ire) && ire.PrivateErr != nil {
		return ire.PrivateErr.Error()
	}
	return err.Error()
}

// serveSAMLMetadata is GET /saml2/metadata: the pool's SP metadata (entity
// id urn:amazon:cognito:sp:<poolId>, ACS <base>/saml2/idpresponse, single
// logout <base>/saml2/logout, the pool's SAML signing certificate), to
// register at a SAML IdP. AuthnRequestsSigned is true when one of the
// pool's SAML providers has RequestSigningAlgorithm rsa-sha256. Cognito
// documents the entity id and URLs and serves the certificate through
// GetSigningCertificate rather than a document; this endpoint is the local
// stack's.
func (h *Handler) serveSAMLMetadata(w http.ResponseWriter, r *http.Request, dc *domainCtx) {
	var signer *cognito.HostedIdentityProvider
	for _, p := range h.svc.IdentityProviders(dc.pool.ID) {
		if p.Type == "SAML" && signsRequests(&p) {
			signer = &p
			break
		}
	}
	sp, err := h.serviceProvider(dc.pool.ID, dc.base, signer)
	if err != nil {
		writePage(w, http.StatusInternalServerError, errorPage{Title: "Metadata unavailable", Message: err.Error()})
		return
	}
	out, err := xmlMarshal(spMetadata(sp))
	if err != nil {
		writePage(w, http.StatusInternalServerError, errorPage{Title: "Metadata unavailable", Message: err.Error()})
		return
	}
	w.Header().Set("Content-Type", "application/samlmetadata+xml")
	_, _ = w.Write(out)
}

func xmlMarshal(ed *saml.EntityDescriptor) ([]byte, error) {
	out, err := xml.MarshalIndent(ed, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode SP metadata: %w", err)
	}
	return append([]byte(xml.Header), out...), nil
}

func withRoot(ctx context.Context, dc *domainCtx) context.Context {
	return context.WithValue(ctx, rootKey{}, strings.TrimSuffix(dc.base, dc.basePath))
}

// providerLinks are the login page's buttons for the federated providers
// the app client supports, as Cognito's page shows them: the authorize
// request again, with identity_provider set.
func (h *Handler) providerLinks(dc *domainCtx, req *authRequest) []option {
	var out []option
	for _, name := range req.client.SupportedIdentityProviders {
		if name == "COGNITO" {
			continue
		}
		if _, err := h.svc.IdentityProvider(dc.pool.ID, name); err != nil {
			continue
		}
		q := url.Values{}
		for k, v := range req.query {
			q[k] = v
		}
		q.Del("idp_identifier")
		q.Set("identity_provider", name)
		out = append(out, option{Value: dc.url(pathAuthorize) + "?" + q.Encode(), Label: name})
	}
	return out
}
