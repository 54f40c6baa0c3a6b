// Package hostedui is the local stack's Cognito hosted UI ("managed
// login"): the OAuth 2.0 / OIDC endpoints and HTML sign-in pages of every
// user pool that has a domain, built on the exported Go API of
// internal/local/cognito (client lookup, password sign-in with its
// challenges, token minting, revocation).
//
// # URL scheme
//
// Real Cognito serves a domain on its own host
// (https://<prefix>.auth.<region>.amazoncognito.com, or a custom domain).
// The local stack has one loopback endpoint, so every domain gets a path
// on it; Go clients cannot resolve *.localhost names, which rules out
// host-based routing:
//
//	<endpoint>/_domain/<domain>                 the domain's base URL
//	<base>/oauth2/authorize   GET               start a browser sign-in
//	<base>/login              GET, POST         sign-in page (username + password)
//	<base>/mfa                POST              MFA code page (TOTP, SMS, e-mail)
//	<base>/select-mfa         POST              choose an MFA method
//	<base>/mfa-setup          POST              enrol an authenticator app (MFA_SETUP)
//	<base>/new-password       POST              new-password page (NEW_PASSWORD_REQUIRED)
//	<base>/oauth2/token       POST              authorization_code, refresh_token, client_credentials
//	<base>/oauth2/userInfo    GET, POST         user claims for a Bearer access token
//	<base>/oauth2/revoke      POST              revoke a refresh token
//	<base>/logout             GET               end the domain session (and, IDPSignout, the SAML IdP's)
//	<base>/error              GET               error page (?error=redirect_mismatch&client_id=…)
//	<base>/oauth2/idpresponse GET               an OIDC identity provider's redirect (code, state)
//	<base>/saml2/idpresponse  POST              SAML assertion consumer service (SAMLResponse, RelayState)
//	<base>/saml2/metadata     GET               the pool's SAML SP metadata (the local stack's; Cognito documents it instead):
//	                                            the pool's signing certificate, ACS, single logout <base>/saml2/logout
//	<base>/saml2/logout       GET, POST         SAML single logout: the IdP's LogoutResponse (IDPSignout)
//	<base>/saml2/idp/metadata GET               the pool as a built-in SAML IdP (local stack only): its metadata
//	<base>/saml2/idp/sso      GET               … its SingleSignOnService (HTTP-Redirect): a sign-in form
//	<base>/saml2/idp/login    POST              … the form (username, password of the pool's users)
//	<base>/saml2/idp/slo      GET, POST         … its SingleLogoutService: verifies a LogoutRequest, answers a signed LogoutResponse
//
// <domain> is the pool's domain exactly as CreateUserPoolDomain named it:
// a prefix ("cogscope-demo") or a custom domain ("auth.example.com"). For
// example the demo pool's authorize endpoint is
// http://127.0.0.1:9229/_domain/cogscope-demo/oauth2/authorize. Every
// redirect the hosted UI makes (to /login, to /error, after /logout) is an
// absolute URL under the same base, and the pool's discovery document
// (<issuer>/.well-known/openid-configuration) lists the base's endpoints.
// Clients should read them from discovery, or build them from BaseURL.
//
// A test gets a pool's hosted-UI base URL from any of:
//   - localtest: env.Demo.HostedUI (the demo pool, domain "cogscope-demo");
//   - env.Stack.Info().UserPools[i].HostedUI (also in `cogscope local --json`
//     as "hostedUI", with "domain");
//   - BaseURL(env.Endpoint, domain);
//   - the discovery document's authorization_endpoint etc.
//
// # Sign-in pages
//
// GET /oauth2/authorize validates the request as Cognito does (client of
// this pool, redirect_uri exactly one of the CallbackURLs, response_type,
// scopes, PKCE S256) and redirects to /login with the same query; with a
// live domain session cookie (named "cognito", path /_domain/<domain>, one
// hour) it skips the form and redirects to the callback at once. The login
// page is a plain HTML form (field names username, password, _csrf) that
// POSTs to /login with the authorize query; _csrf must equal the
// XSRF-TOKEN cookie set by GET /login, so a non-browser client must GET
// the page first (with a cookie jar) and echo _csrf. Pages that follow
// (MFA, MFA choice, TOTP enrolment, new password) carry a hidden
// "session" field. Errors such as a wrong password are shown on the page
// (status 200, Cognito's message inside an element with class "error").
// GET /oauth2/authorize and /login also honour prompt=login (show the
// form despite a session) and prompt=none (error=login_required without
// one); lang sets the page's language attribute.
//
// # Federation
//
// identity_provider (a provider's name, or COGNITO) or idp_identifier
// (one of a provider's IdpIdentifiers) on /oauth2/authorize or /login
// names one of the pool's identity providers (CreateIdentityProvider),
// which must be in the app client's SupportedIdentityProviders. The hosted
// UI then sends the browser to the provider instead of its login page:
//
//   - OIDC: the provider's authorization endpoint, read by discovery from
//     oidc_issuer (the document's own issuer is not insisted on, as
//     Cognito reads it), with client_id, redirect_uri
//     <base>/oauth2/idpresponse, authorize_scopes, state, nonce and a
//     PKCE S256 challenge (whether Cognito sends PKCE is unconfirmed;
//     providers that do not want it ignore it). /oauth2/idpresponse
//     redeems the code (client_secret_basic, or client_id in the form for
//     a provider without client_secret), verifies the ID token with
//     coreos/go-oidc (signature by the provider's JWKS, iss exactly
//     oidc_issuer, aud the client_id, expiry, nonce), and adds userInfo's
//     claims.
//   - SAML: an AuthnRequest (HTTP-Redirect binding) to the IdP's
//     SingleSignOnService from MetadataFile (or MetadataURL), SP entity id
//     urn:amazon:cognito:sp:<poolId>, ACS <base>/saml2/idpresponse;
//     unsigned, or with ProviderDetails RequestSigningAlgorithm
//     "rsa-sha256" signed (SigAlg and Signature over the query) with the
//     pool's SAML signing certificate (cognito.SAMLSigning, what
//     GetSigningCertificate returns, published as the signing key of
//     <base>/saml2/metadata, which then says AuthnRequestsSigned). The
//     built-in IdP requires a signed request from a pool whose provider
//     for it signs (its SP metadata says so) and verifies it; the
//     response is verified with
//     crewjam/saml (signed response or assertion, audience, destination,
//     InResponseTo, validity window by the stack's clock). IdP-initiated
//     sign-in (no RelayState of ours) is not emulated.
//
// IdP sign-out: with a SAML provider's IDPSignout "true", /logout of a
// session that came from it ends the domain session, then sends the
// browser to the IdP's SingleLogoutService (HTTP-Redirect) with a
// LogoutRequest signed with the pool's certificate (the assertion's NameID
// and SessionIndex); the IdP's LogoutResponse comes back to
// <base>/saml2/logout, is verified (signature, InResponseTo, destination,
// issuer, status Success) and the browser goes on to the logout_uri (or
// back to sign-in). A bad or unknown answer is a page "Error in SAML
// logout response processing: <reason>" (ours: Cognito documents none).
// IdP-initiated single logout is not emulated.
//
// Then cognito.FederatedSignIn maps the provider's claims (or SAML
// attributes, by Name or FriendlyName) through AttributeMapping, creates
// or updates the user <Provider>_<id> (status EXTERNAL_PROVIDER, an
// identities attribute, the group <poolId>_<Provider>), and the sign-in
// ends like a password sign-in: domain session, code (or tokens) to the
// app. Only loopback providers are reached (Options.Upstream).
//
// Federation failures go back to the app as error and error_description,
// or, when no sign-in of ours can be found, on an error page. Cognito says
// its descriptions are not fixed strings; these are ours, with what is
// confirmed from Cognito's answers in AWS's knowledge centre and issue
// threads:
//
//	invalid_request  Invalid samlResponse or relayState from identity provider      confirmed (page when the RelayState is unknown)
//	server_error     Error in SAML response processing: <reason>                     confirmed prefix; the reason is crewjam/saml's (ours)
//	invalid_request  Invalid user attributes: <attr>: Attribute is required.         wording varies in reports ("The attribute is required"); SAML: behind the prefix above
//	invalid_request  Invalid user attributes: <attr>: Attribute cannot be updated. (changing an immutable attribute)   unconfirmed exact form
//	invalid_request  Invalid user attributes: Type for attribute {<attr>} could not be determined   confirmed
//	invalid_request  Bad id_token issuer <iss>                                        confirmed prefix
//	invalid_request  Invalid id_token from identity provider: <reason>               ours
//	invalid_request  <Provider> Error - <status> <error> <description>               form confirmed (token endpoint errors)
//	invalid_request  Error in discovering the identity provider's configuration: …   ours
//	<error>          <Provider> Error - <error> <description>                        the provider's own authorize error; ours
//
// Seeds may use placeholders for URLs on the stack's port, unknown when the
// seed is written: in oidc_issuer and in app clients' callback URLs,
// {endpoint}, {issuer:<pool name>} and {domain:<domain>} (also in a SAML
// provider's MetadataURL). The demo seed's built-in upstream (pool
// cogscope-upstream as the OIDC provider CogscopeOIDC of the demo pool,
// and through its built-in SAML IdP as CogscopeSAML) uses them.
//
// # OAuth endpoints
//
// /oauth2/token takes client_secret_basic (invalid_client is then 401
// with WWW-Authenticate; the id and secret are accepted form-decoded, as
// RFC 6749 §2.3.1 has clients encode them, or raw, as many send them) or
// client_secret_post; codes are single use for five minutes, and a reused
// code also revokes the tokens its first redemption issued; a PKCE
// code_verifier must be 43 to 128 unreserved characters (RFC 7636 §4.1).
// Error bodies are {"error": code, "error_description": why}.
// /oauth2/userInfo answers errors in WWW-Authenticate with no body. Every
// answer carries an X-Amz-Cognito-Request-Id, as Cognito's do. Codes,
// sessions and pending sign-ins live in memory only.
//
// It must not import charm.land/* or ui; it imports the standard library,
// internal/local/cognito, and for federation coreos/go-oidc, x/oauth2 and
// crewjam/saml.
package hostedui
