package cognito

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

func TestHostedAPI(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	hc := must[HostedClient](t)(e.svc.LookupClient(DemoSecretClientID))
	if hc.Secret != DemoClientSecret || hc.PoolID != DemoPoolID || !hc.AllowedOAuthFlowsUserPoolClient ||
		len(hc.AllowedOAuthFlows) != 2 || hc.CallbackURLs[0] != "http://localhost:8765/callback" || hc.AccessTokenValidity != time.Hour {
		t.Errorf("LookupClient %+v", hc)
	}
	if _, err := e.svc.LookupClient("nope"); err == nil {
		t.Error("unknown client found")
	} else if typ, msg, ok := ErrorInfo(err); !ok || typ != "ResourceNotFoundException" || msg != "User pool client nope does not exist." {
		t.Errorf("ErrorInfo %s %q %v", typ, msg, ok)
	}

	// Password sign-in without MFA completes at once.
	st := must[*HostedSignIn](t)(e.svc.PasswordSignIn(DemoPublicClientID, "demo@example.com", DemoPassword))
	if st.Next != "" || st.Username != DemoUsername || st.Sub == "" {
		t.Fatalf("%+v", st)
	}
	if _, err := e.svc.PasswordSignIn(DemoPublicClientID, DemoUsername, "wrong"); err == nil {
		t.Error("wrong password accepted")
	}
	// With TOTP: a challenge, a wrong code, then the right one.
	st = must[*HostedSignIn](t)(e.svc.PasswordSignIn(DemoPublicClientID, DemoMFAUsername, DemoPassword))
	if st.Next != "SOFTWARE_TOKEN_MFA" || st.Handle == "" {
		t.Fatalf("%+v", st)
	}
	_, err := e.svc.ContinueSignIn(DemoPublicClientID, st, map[string]string{"SOFTWARE_TOKEN_MFA_CODE": "000000"})
	if typ, _, _ := ErrorInfo(err); typ != "CodeMismatchException" {
		t.Fatalf("wrong code: %v", err)
	}
	done := must[*HostedSignIn](t)(e.svc.ContinueSignIn(DemoPublicClientID, st, map[string]string{"SOFTWARE_TOKEN_MFA_CODE": totpCode(t, DemoTOTPSecret, e.clock.Now())}))
	if done.Next != "" {
		t.Fatalf("%+v", done)
	}
	// A hosted sign-in issues no device and no API tokens by itself.
	if len(e.svc.st.Families) != 0 {
		t.Errorf("hosted sign-in minted tokens on its own")
	}

	// Tokens for the code grant: scopes, nonce, at_hash, version 2.
	tok := must[Tokens](t)(e.svc.MintTokens(MintRequest{ClientID: DemoPublicClientID, Username: DemoUsername,
		Scopes: []string{"openid", "email"}, IDToken: true, Refresh: true, AtHash: true, AuthTime: done.AuthTime,
		IDAttributes:  func(n string) bool { return n == "email" || n == "email_verified" },
		ExtraIDClaims: map[string]any{"nonce": "n-0S6_WzA2Mj"}}))
	acc, id := claims(t, tok.AccessToken), claims(t, tok.IDToken)
	if acc["scope"] != "openid email" || acc["version"] != float64(2) || id["nonce"] != "n-0S6_WzA2Mj" || id["at_hash"] == nil ||
		id["name"] != nil || id["email"] != "demo@example.com" || tok.RefreshToken == "" || tok.ExpiresIn != 3600 {
		t.Errorf("access %v\nid %v", acc, id)
	}
	info := must[AccessTokenInfo](t)(e.svc.InspectAccessToken(tok.AccessToken))
	if info.Username != DemoUsername || info.Attributes["email"] != "demo@example.com" || len(info.Scopes) != 2 {
		t.Errorf("InspectAccessToken %+v", info)
	}
	// The refresh grant keeps the scopes.
	again := must[Tokens](t)(e.svc.RefreshTokens(DemoPublicClientID, tok.RefreshToken))
	if claims(t, again.AccessToken)["scope"] != "openid email" || again.IDToken == "" || again.RefreshToken != "" {
		t.Errorf("refreshed %+v", again)
	}
	// The hosted sign-in's tokens work with the API only with the admin scope.
	_, err = e.client.GetUser(e.ctx, &cip.GetUserInput{AccessToken: aws.String(again.AccessToken)})
	wantAPIError(t, err, "NotAuthorizedException", "Access Token does not have required scopes")
	must[struct{}](t)(struct{}{}, e.svc.RevokeRefreshToken(DemoPublicClientID, tok.RefreshToken))
	if _, err := e.svc.RefreshTokens(DemoPublicClientID, tok.RefreshToken); err == nil {
		t.Error("revoked refresh token still works")
	}
	if _, err := e.svc.InspectAccessToken(tok.AccessToken); err == nil {
		t.Error("access token of a revoked sign-in still inspects as valid")
	}

	// client_credentials.
	cc := must[Tokens](t)(e.svc.MintTokens(MintRequest{ClientID: DemoSecretClientID, Scopes: []string{"cogscope-api/read"}}))
	c := claims(t, cc.AccessToken)
	if c["sub"] != DemoSecretClientID || c["client_id"] != DemoSecretClientID || c["username"] != nil || cc.IDToken != "" || cc.RefreshToken != "" {
		t.Errorf("client credentials %v", c)
	}
}
