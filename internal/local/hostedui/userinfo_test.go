package hostedui_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

type userInfoResult struct {
	status int
	header http.Header
	body   map[string]any
}

// userInfo calls GET /oauth2/userInfo with a Bearer token ("" sends no
// Authorization header).
func userInfo(t *testing.T, env *localtest.Env, token string) userInfoResult {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, env.Demo.HostedUI+"/oauth2/userInfo", nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := userInfoResult{status: resp.StatusCode, header: resp.Header}
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(raw, &r.body); err != nil {
			t.Fatalf("userInfo body %s: %v", raw, err)
		}
	} else if len(raw) != 0 {
		t.Errorf("userInfo error with a body: %s", raw)
	}
	return r
}

// hostedTokens signs the demo user in with scope and returns the token
// endpoint's answer.
func hostedTokens(t *testing.T, env *localtest.Env, scope string) tokenResult {
	t.Helper()
	code := codeFor(t, env, newBrowser(t), cognito.DemoPublicClientID, "scope", scope)
	tr := exchange(t, env, code, "")
	if tr.status != http.StatusOK {
		t.Fatalf("tokens: %d %v", tr.status, tr.body)
	}
	return tr
}

func TestUserInfo(t *testing.T) {
	t.Parallel()
	env := demo(t)
	tests := []struct {
		scope      string
		want, deny []string
	}{
		{"openid", []string{"email", "email_verified", "name", "custom:tenant"}, nil},
		{"openid email", []string{"email", "email_verified"}, []string{"name", "custom:tenant"}},
		{"openid profile", []string{"name", "custom:tenant"}, []string{"email"}},
	}
	for _, tt := range tests {
		t.Run(tt.scope, func(t *testing.T) {
			t.Parallel()
			r := userInfo(t, env, hostedTokens(t, env, tt.scope).str("access_token"))
			if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
				t.Fatalf("%d %v", r.status, r.header)
			}
			if r.body["sub"] != "5b1f0e8a-3c1d-4c7e-9a62-0d2f6c1e7a11" || r.body["username"] != cognito.DemoUsername {
				t.Errorf("body %v", r.body)
			}
			for _, k := range tt.want {
				if _, ok := r.body[k]; !ok {
					t.Errorf("%s missing from %v", k, r.body)
				}
			}
			for _, k := range tt.deny {
				if _, ok := r.body[k]; ok {
					t.Errorf("%s released by %q: %v", k, tt.scope, r.body)
				}
			}
			if v, ok := r.body["email_verified"]; ok && v != "true" {
				t.Errorf("email_verified = %#v, want the string \"true\"", v)
			}
		})
	}
}

func TestUserInfoRefusals(t *testing.T) {
	t.Parallel()
	env := demo(t)
	ctx := context.Background()
	out, err := env.CognitoClient().InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(cognito.DemoPublicClientID),
		AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: map[string]string{"USERNAME": cognito.DemoUsername, "PASSWORD": cognito.DemoPassword}})
	if err != nil {
		t.Fatal(err)
	}
	hosted := hostedTokens(t, env, "openid email")
	revoked := hostedTokens(t, env, "openid")
	rv := tokenRequest(t, env.Demo.HostedUI+"/oauth2/revoke", url.Values{"token": {revoked.str("refresh_token")},
		"client_id": {cognito.DemoPublicClientID}}, "")
	if rv.status != http.StatusOK {
		t.Fatalf("revoke: %d %v", rv.status, rv.body)
	}
	const invalidToken = `error="invalid_token", error_description="Access token is expired, disabled, or deleted, or the user has globally signed out."`
	tests := []struct {
		name, token string
		status      int
		challenge   string
	}{
		{"no token", "", 400, `error="invalid_request", error_description="Bad OAuth2 request at UserInfo Endpoint"`},
		{"API-flow token without openid", *out.AuthenticationResult.AccessToken, 401, invalidToken},
		{"revoked", revoked.str("access_token"), 401, invalidToken},
		{"ID token", hosted.str("id_token"), 401, invalidToken},
		{"garbage", "not.a.jwt", 401, invalidToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := userInfo(t, env, tt.token)
			if r.status != tt.status || r.header.Get("WWW-Authenticate") != tt.challenge {
				t.Errorf("%d %q, want %d %q", r.status, r.header.Get("WWW-Authenticate"), tt.status, tt.challenge)
			}
		})
	}
	// POST works as GET.
	req, _ := http.NewRequest(http.MethodPost, env.Demo.HostedUI+"/oauth2/userInfo", nil)
	req.Header.Set("Authorization", "Bearer "+hosted.str("access_token"))
	if r := newBrowser(t).do(req); r.status != http.StatusOK || !strings.Contains(r.body, `"email":"demo@example.com"`) {
		t.Errorf("POST userInfo: %d %s", r.status, r.body)
	}
}

func TestRevoke(t *testing.T) {
	t.Parallel()
	env := demo(t, localtestSeed(t, func(p *cognito.PoolSeed) {
		off := false
		p.Clients[1].EnableTokenRevocation = &off // the confidential client
	}))
	revokeURL := env.Demo.HostedUI + "/oauth2/revoke"
	pub := cognito.DemoPublicClientID
	hosted := hostedTokens(t, env, "openid")
	tests := []struct {
		name   string
		form   url.Values
		basic  string
		status int
		error  string
	}{
		{"token missing", url.Values{"client_id": {pub}}, "", 400, "invalid_request"},
		{"access token", url.Values{"client_id": {pub}, "token": {hosted.str("access_token")}}, "", 400, "unsupported_token_type"},
		{"bad client", url.Values{"client_id": {"nosuchclient"}, "token": {"x"}}, "", 401, "invalid_client"},
		{"bad secret", url.Values{"token": {"x"}}, cognito.DemoSecretClientID + ":wrong", 401, "invalid_client"},
		{"revocation disabled", url.Values{"token": {"x"}}, cognito.DemoSecretClientID + ":" + cognito.DemoClientSecret, 400, "invalid_request"},
		{"unknown token", url.Values{"client_id": {pub}, "token": {"eyJjdHkiOiJKV1QifQ.a.b.c.d"}}, "", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tr := tokenRequest(t, revokeURL, tt.form, tt.basic)
			if tr.status != tt.status || tr.str("error") != tt.error {
				t.Errorf("%d %v, want %d %q", tr.status, tr.body, tt.status, tt.error)
			}
		})
	}
	t.Run("revokes the family", func(t *testing.T) {
		t.Parallel()
		tok := hostedTokens(t, env, "openid")
		for i := 0; i < 2; i++ { // revoking twice succeeds twice
			if tr := tokenRequest(t, revokeURL, url.Values{"client_id": {pub}, "token": {tok.str("refresh_token")}}, ""); tr.status != 200 || len(tr.body) != 0 {
				t.Fatalf("revoke #%d: %d %v", i+1, tr.status, tr.body)
			}
		}
		refresh := tokenRequest(t, env.Demo.HostedUI+"/oauth2/token", url.Values{"grant_type": {"refresh_token"},
			"client_id": {pub}, "refresh_token": {tok.str("refresh_token")}}, "")
		if refresh.str("error") != "invalid_grant" {
			t.Errorf("revoked refresh token: %d %v", refresh.status, refresh.body)
		}
	})
}
