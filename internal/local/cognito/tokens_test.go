package cognito

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jwt"

	"github.com/cogscope/cogscope/flows/srp"
)

func getJSON(t *testing.T, url string) (http.Header, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return resp.Header, b
}

func sortedClaimNames(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func tokenHeader(t *testing.T, token string) map[string]string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[0])
	if err != nil {
		t.Fatal(err)
	}
	var h map[string]string
	if err := json.Unmarshal(b, &h); err != nil {
		t.Fatal(err)
	}
	return h
}

// TestTokensVerifyAgainstJWKS verifies minted tokens with jwx against the
// JWKS the service serves, and checks the claim sets of protocol §5.
func TestTokensVerifyAgainstJWKS(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	issuer := e.srv.URL + "/" + DemoPoolID
	hdr, body := getJSON(t, issuer+"/.well-known/jwks.json")
	if !strings.Contains(hdr.Get("Cache-Control"), "max-age=") {
		t.Errorf("Cache-Control %q", hdr.Get("Cache-Control"))
	}
	set, err := jwk.Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	if set.Len() != 2 {
		t.Fatalf("JWKS has %d keys, want 2", set.Len())
	}
	var raw struct {
		Keys []map[string]string `json:"keys"`
	}
	_ = json.Unmarshal(body, &raw)
	for _, k := range raw.Keys {
		if k["alg"] != "RS256" || k["kty"] != "RSA" || k["use"] != "sig" || k["e"] != "AQAB" || len(k["n"]) < 340 {
			t.Errorf("key %v", k)
		}
		if _, err := base64.StdEncoding.DecodeString(k["kid"]); err != nil || len(k["kid"]) != 44 {
			t.Errorf("kid %q is not 44 characters of standard base64", k["kid"])
		}
	}

	out := must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(DemoPublicClientID, DemoUsername, DemoPassword, nil))
	r := out.AuthenticationResult
	now := e.clock.Now()
	opts := []jwt.ParseOption{jwt.WithKeySet(set), jwt.WithIssuer(issuer), jwt.WithClock(jwt.ClockFunc(func() time.Time { return now }))}
	if _, err := jwt.ParseString(*r.IdToken, append(opts, jwt.WithAudience(DemoPublicClientID))...); err != nil {
		t.Fatalf("ID token does not verify: %v", err)
	}
	if _, err := jwt.ParseString(*r.AccessToken, opts...); err != nil {
		t.Fatalf("access token does not verify: %v", err)
	}
	idHdr, accHdr := tokenHeader(t, *r.IdToken), tokenHeader(t, *r.AccessToken)
	if idHdr["alg"] != "RS256" || accHdr["alg"] != "RS256" || idHdr["kid"] == accHdr["kid"] {
		t.Errorf("headers %v / %v: want RS256 and different kids", idHdr, accHdr)
	}
	// A tampered token fails.
	tampered := *r.AccessToken
	tampered = tampered[:len(tampered)-5] + "AAAAA"
	if _, err := jwt.ParseString(tampered, opts...); err == nil {
		t.Error("tampered token verified")
	}

	id, acc := claims(t, *r.IdToken), claims(t, *r.AccessToken)
	wantID := []string{"aud", "auth_time", "cognito:groups", "cognito:preferred_role", "cognito:roles", "cognito:username",
		"custom:tenant", "email", "email_verified", "event_id", "exp", "iat", "iss", "jti", "name", "origin_jti", "sub", "token_use"}
	if got := sortedClaimNames(id); strings.Join(got, ",") != strings.Join(wantID, ",") {
		t.Errorf("ID claims %v, want %v", got, wantID)
	}
	wantAcc := []string{"auth_time", "client_id", "cognito:groups", "event_id", "exp", "iat", "iss", "jti", "origin_jti", "scope", "sub", "token_use", "username"}
	if got := sortedClaimNames(acc); strings.Join(got, ",") != strings.Join(wantAcc, ",") {
		t.Errorf("access claims %v, want %v", got, wantAcc)
	}
	uuidRE := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	for _, c := range []map[string]any{id, acc} {
		for _, k := range []string{"jti", "origin_jti", "event_id", "sub"} {
			if s, _ := c[k].(string); !uuidRE.MatchString(s) {
				t.Errorf("%s = %v, want a UUID", k, c[k])
			}
		}
		if c["iss"] != issuer || c["exp"].(float64)-c["iat"].(float64) != 3600 || c["auth_time"] != c["iat"] {
			t.Errorf("iss/exp/iat/auth_time: %v", c)
		}
	}
	if id["token_use"] != "id" || id["aud"] != DemoPublicClientID || id["cognito:username"] != DemoUsername ||
		id["email_verified"] != true || id["custom:tenant"] != "acme" || id["origin_jti"] != acc["origin_jti"] ||
		id["cognito:preferred_role"] != "arn:aws:iam::123456789012:role/cogscope-demo-admins" {
		t.Errorf("ID claims %v", id)
	}
	if g, _ := id["cognito:groups"].([]any); len(g) != 2 || g[0] != "admins" || g[1] != "users" {
		t.Errorf("cognito:groups %v, want [admins users] by precedence", id["cognito:groups"])
	}
	if acc["token_use"] != "access" || acc["client_id"] != DemoPublicClientID || acc["scope"] != "aws.cognito.signin.user.admin" ||
		acc["username"] != DemoUsername || acc["aud"] != nil || id["jti"] == acc["jti"] {
		t.Errorf("access claims %v", acc)
	}
	// The refresh token looks like Cognito's JWE.
	if parts := strings.Split(*r.RefreshToken, "."); len(parts) != 5 || !strings.HasPrefix(*r.RefreshToken, "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.") {
		t.Errorf("refresh token %.60s... has %d parts", *r.RefreshToken, len(parts))
	}
}

func TestDiscoveryDocument(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	issuer := e.srv.URL + "/" + DemoPoolID
	_, body := getJSON(t, issuer+"/.well-known/openid-configuration")
	var d map[string]any
	if err := json.Unmarshal(body, &d); err != nil {
		t.Fatal(err)
	}
	// The demo pool has a domain: the OAuth endpoints appear, on the
	// real prefix-domain host unless DomainURL says where the stack serves it.
	if d["issuer"] != issuer || d["jwks_uri"] != issuer+"/.well-known/jwks.json" ||
		d["token_endpoint"] != "https://cogscope-demo.auth.us-east-1.amazoncognito.com/oauth2/token" ||
		d["authorization_endpoint"] != "https://cogscope-demo.auth.us-east-1.amazoncognito.com/oauth2/authorize" {
		t.Errorf("discovery with a domain: %v", d)
	}
	e.svc.mu.Lock() // discovery reads the hook under the lock
	e.svc.domainURLFn = func(domain string) string { return e.srv.URL + "/_domain/" + domain }
	e.svc.mu.Unlock()
	_, body = getJSON(t, issuer+"/.well-known/openid-configuration")
	d = nil
	_ = json.Unmarshal(body, &d)
	if d["userinfo_endpoint"] != e.srv.URL+"/_domain/cogscope-demo/oauth2/userInfo" || d["end_session_endpoint"] != e.srv.URL+"/_domain/cogscope-demo/logout" {
		t.Errorf("discovery with DomainURL: %v", d)
	}
	// Without a domain they are absent.
	must[*cip.DeleteUserPoolDomainOutput](t)(e.client.DeleteUserPoolDomain(e.ctx, &cip.DeleteUserPoolDomainInput{
		Domain: aws.String(DemoDomain), UserPoolId: aws.String(DemoPoolID)}))
	_, body = getJSON(t, issuer+"/.well-known/openid-configuration")
	d = nil
	_ = json.Unmarshal(body, &d)
	if d["token_endpoint"] != nil || d["authorization_endpoint"] != nil || d["issuer"] != issuer {
		t.Errorf("discovery without a domain: %v", d)
	}
}

func TestTokenLifetimesFollowClient(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Seed{UserPools: []PoolSeed{{ID: "us-east-1_Lifetime1", Name: "life",
		Clients: []ClientSeed{{ID: "shortlived", Name: "short", ExplicitAuthFlows: []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
			AccessTokenValidity: 5, IDTokenValidity: 10, RefreshTokenValidity: 60,
			TokenValidityUnits: &TokenUnitsSeed{AccessToken: "minutes", IDToken: "minutes", RefreshToken: "minutes"}}},
		Users: []UserSeed{{Username: "u", Password: goodPassword}}}}})
	out := must[*cip.InitiateAuthOutput](t)(e.passwordSignIn("shortlived", "u", goodPassword, nil))
	r := out.AuthenticationResult
	id, acc := claims(t, *r.IdToken), claims(t, *r.AccessToken)
	if r.ExpiresIn != 300 || acc["exp"].(float64)-acc["iat"].(float64) != 300 || id["exp"].(float64)-id["iat"].(float64) != 600 {
		t.Errorf("ExpiresIn %d, access %v, id %v", r.ExpiresIn, acc["exp"], id["exp"])
	}
	// The access token expires with its lifetime.
	e.clock.Advance(5 * time.Minute)
	_, err := e.client.GetUser(e.ctx, &cip.GetUserInput{AccessToken: r.AccessToken})
	wantAPIError(t, err, "NotAuthorizedException", "Access Token has expired")
	// The refresh token keeps working until its own expiry (60 minutes).
	refresh := func() error {
		_, err := e.client.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
			ClientId: aws.String("shortlived"), AuthParameters: map[string]string{"REFRESH_TOKEN": *r.RefreshToken}})
		return err
	}
	if err := refresh(); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(56 * time.Minute)
	wantAPIError(t, refresh(), "NotAuthorizedException", "Refresh Token has expired")
}

func TestRefreshTokenAuth(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	first := must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(DemoPublicClientID, DemoUsername, DemoPassword, nil)).AuthenticationResult
	e.clock.Advance(10 * time.Minute)
	out := must[*cip.InitiateAuthOutput](t)(e.client.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		ClientId: aws.String(DemoPublicClientID), AuthParameters: map[string]string{"REFRESH_TOKEN": *first.RefreshToken}}))
	r := out.AuthenticationResult
	if r.RefreshToken != nil || r.IdToken == nil || r.AccessToken == nil {
		t.Fatalf("REFRESH_TOKEN_AUTH result %+v: want new ID and access tokens and no refresh token", r)
	}
	a0, a1 := claims(t, *first.AccessToken), claims(t, *r.AccessToken)
	if a0["origin_jti"] != a1["origin_jti"] || a0["auth_time"] != a1["auth_time"] || a0["iat"] == a1["iat"] {
		t.Errorf("refreshed token should keep origin_jti and auth_time: %v vs %v", a0, a1)
	}
	// The same refresh token cannot be used by another client.
	_, err := e.client.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeRefreshToken,
		ClientId: aws.String(DemoSecretClientID), AuthParameters: map[string]string{"REFRESH_TOKEN": *first.RefreshToken,
			"SECRET_HASH": srp.SecretHash(DemoClientSecret, DemoUsername, DemoSecretClientID)}})
	wantAPIError(t, err, "NotAuthorizedException", "Invalid Refresh Token")
	// Garbage is an invalid refresh token.
	_, err = e.client.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		ClientId: aws.String(DemoPublicClientID), AuthParameters: map[string]string{"REFRESH_TOKEN": "garbage"}})
	wantAPIError(t, err, "NotAuthorizedException", "Invalid Refresh Token")
}

func TestRefreshSecretHash(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	sh := srp.SecretHash(DemoClientSecret, DemoUsername, DemoSecretClientID)
	first := must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(DemoSecretClientID, DemoUsername, DemoPassword,
		map[string]string{"SECRET_HASH": sh})).AuthenticationResult
	sub := claims(t, *first.AccessToken)["sub"].(string)
	refresh := func(hash string) error {
		params := map[string]string{"REFRESH_TOKEN": *first.RefreshToken}
		if hash != "" {
			params["SECRET_HASH"] = hash
		}
		_, err := e.client.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
			ClientId: aws.String(DemoSecretClientID), AuthParameters: params})
		return err
	}
	if err := refresh(sh); err != nil {
		t.Errorf("hash over the username: %v", err)
	}
	if err := refresh(srp.SecretHash(DemoClientSecret, sub, DemoSecretClientID)); err != nil {
		t.Errorf("hash over the sub: %v", err)
	}
	wantAPIError(t, refresh(srp.SecretHash(DemoClientSecret, "demo@example.com", DemoSecretClientID)),
		"NotAuthorizedException", "SecretHash does not match for the client: "+DemoSecretClientID)
	wantAPIError(t, refresh(""), "NotAuthorizedException", "Client "+DemoSecretClientID+" is configured for secret but secret was not received")
}

func TestRevocation(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	signIn := func() *types.AuthenticationResultType {
		return must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(DemoPublicClientID, DemoUsername, DemoPassword, nil)).AuthenticationResult
	}
	refresh := func(r *types.AuthenticationResultType) error {
		_, err := e.client.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
			ClientId: aws.String(DemoPublicClientID), AuthParameters: map[string]string{"REFRESH_TOKEN": *r.RefreshToken}})
		return err
	}
	getUser := func(r *types.AuthenticationResultType) error {
		_, err := e.client.GetUser(e.ctx, &cip.GetUserInput{AccessToken: r.AccessToken})
		return err
	}

	t.Run("RevokeToken revokes one sign-in", func(t *testing.T) {
		a, b := signIn(), signIn()
		must[*cip.RevokeTokenOutput](t)(e.client.RevokeToken(e.ctx, &cip.RevokeTokenInput{Token: a.RefreshToken, ClientId: aws.String(DemoPublicClientID)}))
		wantAPIError(t, refresh(a), "NotAuthorizedException", "Refresh Token has been revoked")
		wantAPIError(t, getUser(a), "NotAuthorizedException", "Access Token has been revoked")
		if err := refresh(b); err != nil {
			t.Errorf("the other sign-in was revoked too: %v", err)
		}
		// Revoking again, or an unknown token, succeeds.
		if _, err := e.client.RevokeToken(e.ctx, &cip.RevokeTokenInput{Token: a.RefreshToken, ClientId: aws.String(DemoPublicClientID)}); err != nil {
			t.Error(err)
		}
		_, err := e.client.RevokeToken(e.ctx, &cip.RevokeTokenInput{Token: a.AccessToken, ClientId: aws.String(DemoPublicClientID)})
		wantAPIError(t, err, "UnsupportedTokenTypeException", "Only refresh tokens can be revoked.")
		_, err = e.client.RevokeToken(e.ctx, &cip.RevokeTokenInput{Token: a.RefreshToken, ClientId: aws.String(DemoSecretClientID)})
		wantAPIError(t, err, "NotAuthorizedException", "Client "+DemoSecretClientID+" is configured for secret but secret was not received")
		_, err = e.client.RevokeToken(e.ctx, &cip.RevokeTokenInput{Token: a.RefreshToken, ClientId: aws.String(DemoSecretClientID), ClientSecret: aws.String("nope")})
		wantAPIError(t, err, "NotAuthorizedException", "Unable to verify secret for client "+DemoSecretClientID)
	})
	t.Run("GlobalSignOut revokes every sign-in", func(t *testing.T) {
		a, b := signIn(), signIn()
		must[*cip.GlobalSignOutOutput](t)(e.client.GlobalSignOut(e.ctx, &cip.GlobalSignOutInput{AccessToken: a.AccessToken}))
		for _, r := range []*types.AuthenticationResultType{a, b} {
			wantAPIError(t, refresh(r), "NotAuthorizedException", "Refresh Token has been revoked")
			wantAPIError(t, getUser(r), "NotAuthorizedException", "Access Token has been revoked")
		}
		if err := getUser(signIn()); err != nil {
			t.Errorf("a new sign-in after GlobalSignOut: %v", err)
		}
	})
}

func TestAccessTokenChecks(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	r := must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(DemoPublicClientID, DemoUsername, DemoPassword, nil)).AuthenticationResult
	for name, tok := range map[string]string{
		"garbage":     "not.a.token",
		"one part":    "abc",
		"an ID token": *r.IdToken,
		"tampered":    (*r.AccessToken)[:len(*r.AccessToken)-4] + "AAAA",
		"foreign kid": "eyJraWQiOiJub3BlIiwiYWxnIjoiUlMyNTYifQ." + strings.Split(*r.AccessToken, ".")[1] + "." + strings.Split(*r.AccessToken, ".")[2],
		"alg none":    "eyJhbGciOiJub25lIn0." + strings.Split(*r.AccessToken, ".")[1] + ".",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := e.client.GetUser(e.ctx, &cip.GetUserInput{AccessToken: aws.String(tok)})
			wantAPIError(t, err, "NotAuthorizedException", "Invalid Access Token")
		})
	}
	// A token without the admin scope (as the hosted UI issues without it).
	tok := must[Tokens](t)(e.svc.MintTokens(MintRequest{ClientID: DemoPublicClientID, Username: DemoUsername, Scopes: []string{"openid", "email"}, IDToken: true}))
	_, err := e.client.GetUser(e.ctx, &cip.GetUserInput{AccessToken: aws.String(tok.AccessToken)})
	wantAPIError(t, err, "NotAuthorizedException", "Access Token does not have required scopes")
	// Disabled and deleted users.
	must[*cip.AdminDisableUserOutput](t)(e.client.AdminDisableUser(e.ctx, &cip.AdminDisableUserInput{UserPoolId: aws.String(DemoPoolID), Username: aws.String(DemoUsername)}))
	_, err = e.client.GetUser(e.ctx, &cip.GetUserInput{AccessToken: r.AccessToken})
	wantAPIError(t, err, "NotAuthorizedException", "User is disabled.")
	must[*cip.AdminDeleteUserOutput](t)(e.client.AdminDeleteUser(e.ctx, &cip.AdminDeleteUserInput{UserPoolId: aws.String(DemoPoolID), Username: aws.String(DemoUsername)}))
	_, err = e.client.GetUser(e.ctx, &cip.GetUserInput{AccessToken: r.AccessToken})
	wantAPIError(t, err, "UserNotFoundException", "User does not exist.")
	_, err = e.client.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		ClientId: aws.String(DemoPublicClientID), AuthParameters: map[string]string{"REFRESH_TOKEN": *r.RefreshToken}})
	wantAPIError(t, err, "UserNotFoundException", "User does not exist.")
}
