package flows

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

func TestRefresh(t *testing.T) {
	t.Parallel()
	e := startEnv(t)
	signIn := func(t *testing.T, client string) *Tokens {
		f := e.flow(t, e.opts(KindUserPassword, client, "alice"))
		return mustTokens(t)(Run(context.Background(), f, NonInteractive))
	}
	t.Run("REFRESH_TOKEN_AUTH with secret", func(t *testing.T) {
		t.Parallel()
		tk := signIn(t, secretClient)
		o := e.opts(KindRefresh, secretClient, "")
		o.RefreshToken, o.AccessToken = tk.RefreshToken, tk.AccessToken
		f := e.flow(t, o)
		got := mustTokens(t)(Run(context.Background(), f, NonInteractive))
		if got.RefreshToken != tk.RefreshToken || got.RefreshRotated {
			t.Errorf("REFRESH_TOKEN_AUTH rotated the token")
		}
		var refresh *Step
		for _, s := range f.Trace() {
			if s.AuthFlow == "REFRESH_TOKEN_AUTH" {
				refresh = &s
			}
		}
		if refresh == nil || refresh.SecretHash == nil || refresh.SecretHash.Source != HashFromUsernameClaim || refresh.SecretHash.Username != "alice" {
			t.Errorf("refresh step = %+v", refresh)
		}
	})
	t.Run("rotation found by reading the client", func(t *testing.T) {
		t.Parallel()
		tk := signIn(t, rotating)
		o := e.opts(KindRefresh, rotating, "")
		o.RefreshToken = tk.RefreshToken
		f := e.flow(t, o)
		got := mustTokens(t)(Run(context.Background(), f, NonInteractive))
		if !got.RefreshRotated || got.RefreshToken == tk.RefreshToken {
			t.Errorf("not rotated")
		}
		if ops := operations(f); ops != "DescribeUserPoolClient,DECISION,GetTokensFromRefreshToken" {
			t.Errorf("steps = %s", ops)
		}
		// With the grace period 0, the old token is dead.
		o.RefreshToken = tk.RefreshToken
		o.Kind = KindGetTokensFromRefreshToken
		_, err := Run(context.Background(), e.flow(t, o), NonInteractive)
		if _, ok := APIErrorOf(err); !ok {
			t.Errorf("old refresh token still works: %v", err)
		}
	})
	t.Run("rotation found by refusal", func(t *testing.T) {
		t.Parallel()
		tk := signIn(t, rotatingSec)
		o := e.opts(KindRefresh, rotatingSec, "")
		o.Admin = nil // no credentials: the setting cannot be read
		o.RefreshToken, o.AccessToken = tk.RefreshToken, tk.AccessToken
		f := e.flow(t, o)
		got := mustTokens(t)(Run(context.Background(), f, NonInteractive))
		if !got.RefreshRotated {
			t.Errorf("not rotated")
		}
		if ops := operations(f); ops != "DECISION,InitiateAuth,DECISION,GetTokensFromRefreshToken" {
			t.Errorf("steps = %s\n%s", ops, mustJSON(t, f.Trace()))
		}
		if req := f.Trace()[3].Request; req["ClientSecret"] != Redacted {
			t.Errorf("GetTokensFromRefreshToken request = %v", req)
		}
	})
	t.Run("revoked", func(t *testing.T) {
		t.Parallel()
		tk := signIn(t, publicClient)
		if _, err := e.api.RevokeToken(context.Background(), &cip.RevokeTokenInput{Token: aws.String(tk.RefreshToken), ClientId: aws.String(publicClient)}); err != nil {
			t.Fatal(err)
		}
		o := e.opts(KindRefreshTokenAuth, publicClient, "")
		o.RefreshToken = tk.RefreshToken
		_, err := Run(context.Background(), e.flow(t, o), NonInteractive)
		wantAPIError(t, err, "NotAuthorizedException", "")
		if d := Diagnose(err); d.Ref != "a18" && d.Ref != "a19" {
			t.Errorf("diagnosis = %+v", d)
		}
	})
	t.Run("garbage token", func(t *testing.T) {
		t.Parallel()
		o := e.opts(KindRefreshTokenAuth, publicClient, "")
		o.RefreshToken = "not-a-refresh-token"
		_, err := Run(context.Background(), e.flow(t, o), NonInteractive)
		wantAPIError(t, err, "NotAuthorizedException", "Invalid Refresh Token")
	})
}
