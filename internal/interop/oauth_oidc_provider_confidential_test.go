package interop

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/cogscope/cogscope/flows/oauth"
	"github.com/cogscope/cogscope/flows/oauth/oauthtest"
)

// confidentialOPScript is oidc-provider with two confidential clients, one
// registered for client_secret_basic ("conf-basic") and one for
// client_secret_post ("conf-post"), both with the authorization code,
// refresh and client_credentials grants. oidc-provider takes
// client_secret_basic or client_secret_post and form-decodes HTTP Basic
// credentials as RFC 6749 §2.3.1 says, so a secret with reserved
// characters shows whether our client encodes them.
//
// usage: node oidc-conf.js --port P --keyfile F --redirect URI --secret S
const confidentialOPScript = `'use strict';
const http = require('node:http');
const crypto = require('node:crypto');
const o = { port: 0, redirect: '', secret: '' };
const a = process.argv.slice(2);
for (let i = 0; i < a.length; i++) {
  if (a[i] === '--port') o.port = Number(a[++i]);
  else if (a[i] === '--keyfile') ++i;
  else if (a[i] === '--redirect') o.redirect = a[++i];
  else if (a[i] === '--secret') o.secret = a[++i];
  else { console.error('unknown arg ' + a[i]); process.exit(2); }
}
(async () => {
  const { default: Provider } = await import('oidc-provider');
  const issuer = 'http://127.0.0.1:' + o.port;
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const client = (id, method) => ({
    client_id: id, client_secret: o.secret, token_endpoint_auth_method: method,
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials'], response_types: ['code'],
    redirect_uris: [o.redirect], scope: 'openid email api:read',
  });
  const provider = new Provider(issuer, {
    clients: [client('conf-basic', 'client_secret_basic'), client('conf-post', 'client_secret_post')],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'conf', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: ['peers-harness-cookie-key-not-secret'] },
    scopes: ['openid', 'email', 'api:read'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    findAccount: async (_ctx, id) => ({ accountId: id, claims: async () => ({ sub: id, email: id + '@example.com', email_verified: true }) }),
    issueRefreshToken: async (_ctx, c) => c.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: false,
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: true }, clientCredentials: { enabled: true },
      revocation: { enabled: true }, userinfo: { enabled: true },
    },
  });
  provider.on('server_error', (_ctx, err) => console.error('server_error', err));
  http.createServer(provider.callback()).listen(o.port, '127.0.0.1', () => {
    console.log('OIDC_OP_ISSUER=' + issuer);
    console.log('CLIENT_ID=conf-basic');
    console.log('POST_CLIENT_ID=conf-post');
    console.log('ACCESS_TOKEN_FORMAT=opaque');
  });
})().catch((e) => { console.error(e); process.exit(1); });
`

// confidentialSecret has what RFC 6749 §2.3.1 makes a client form-encode
// before HTTP Basic: a colon, a space, "+", "%", "&", "=", "/".
const confidentialSecret = "s3 cr:t+/=%&?~x"

// Our client as a confidential client of a provider we did not write:
// HTTP Basic (with the secret form-encoded: sent raw, its "%&" would not
// decode) and form-post client authentication, the code flow, refresh,
// revocation, client_credentials with a scope, and a wrong secret.
func TestOIDCProviderConfidentialClients(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	redirect := "http://" + ln.Addr().String() + "/callback"
	op := startProviderScript(t, "oidc-conf.js", []byte(confidentialOPScript), "--redirect", redirect, "--secret", confidentialSecret)
	ctx := context.Background()

	for _, tc := range []struct {
		clientID string
		auth     oauth.ClientAuth
	}{{op.clientID, oauth.ClientSecretBasic}, {op.postClientID, oauth.ClientSecretPost}} {
		t.Run(string(tc.auth), func(t *testing.T) {
			if ln == nil {
				l, err := net.Listen("tcp", strings.TrimSuffix(strings.TrimPrefix(redirect, "http://"), "/callback"))
				if err != nil {
					t.Fatal(err)
				}
				ln = l
			}
			b := oauthtest.New(map[string]string{"login": "bob", "password": "any"})
			c, res, _, err := signInWithBrowser(t, oauth.Options{Issuer: op.issuer, ClientID: tc.clientID, ClientSecret: confidentialSecret,
				ClientAuth: tc.auth, RedirectURI: redirect, Listener: ln, Scopes: []string{"openid", "email"}, Timeout: 30 * time.Second}, b)
			ln = nil // closed by the flow
			if err != nil {
				t.Fatalf("sign-in: %v\ndiagnosis: %+v", err, oauth.Diagnose(err))
			}
			if res.Tokens.IDToken == "" || res.Tokens.RefreshToken == "" {
				t.Fatalf("tokens = %+v", res.Tokens)
			}
			ref, err := c.Refresh(ctx, res.Tokens.RefreshToken)
			if err != nil || ref.Tokens.AccessToken == res.Tokens.AccessToken {
				t.Fatalf("refresh: %+v, %v", ref, err)
			}
			if err := c.Revoke(ctx, res.Tokens.RefreshToken); err != nil {
				t.Fatalf("revoke: %v", err)
			}
			_, err = c.Refresh(ctx, res.Tokens.RefreshToken)
			assertOAuthError(t, err, "invalid_grant")

			cc, err := oauth.New(oauth.Options{Issuer: op.issuer, ClientID: tc.clientID, ClientSecret: confidentialSecret, ClientAuth: tc.auth,
				Scopes: []string{"api:read"}})
			if err != nil {
				t.Fatal(err)
			}
			got, err := cc.ClientCredentials(ctx)
			if err != nil || got.Tokens.AccessToken == "" || got.Scope != "api:read" || got.Tokens.RefreshToken != "" {
				t.Fatalf("client_credentials: %+v, %v", got, err)
			}
			for _, s := range cc.Trace() {
				for k, v := range s.Request {
					if strings.Contains(v, "cr:t") {
						t.Errorf("the secret is in the trace (%s)", k)
					}
				}
			}

			// A wrong secret: invalid_client, 401 (with Basic, RFC 6749
			// §5.2 also wants a WWW-Authenticate challenge).
			wrong, err := oauth.New(oauth.Options{Issuer: op.issuer, ClientID: tc.clientID, ClientSecret: "not the secret", ClientAuth: tc.auth})
			if err != nil {
				t.Fatal(err)
			}
			_, err = wrong.ClientCredentials(ctx)
			oe := assertOAuthError(t, err, "invalid_client")
			if oe.ClientAuth != tc.auth || oe.HTTPStatus != 401 {
				t.Errorf("error = %#v", oe)
			}
			if d := oauth.Diagnose(err); d.Ref != "b23" || !strings.Contains(d.Fix, "--client-auth") {
				t.Errorf("diagnosis = %+v", d)
			}
		})
	}
}
