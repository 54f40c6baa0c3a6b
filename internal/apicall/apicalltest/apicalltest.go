// Package apicalltest starts what the tests of an API call's judgement
// need: a local stack on a clock that can be moved, its API Gateway
// configuration as apiconfig reads it, a JWKS cache on the same clock, and
// the call tests' table of tokens. apicall's explanation and the doctor's
// prediction are both checked against the gateway with it.
package apicalltest

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/cogscope/cogscope/inspect"
	"github.com/cogscope/cogscope/internal/apiconfig"
	"github.com/cogscope/cogscope/internal/local/apigw"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

// Clock is the wall clock moved by an offset.
type Clock struct{ off atomic.Int64 }

// Now is the moved time.
func (c *Clock) Now() time.Time { return time.Now().Add(time.Duration(c.off.Load())) }

// Shift moves the clock by d.
func (c *Clock) Shift(d time.Duration) { c.off.Add(int64(d)) }

// Stack is a started local stack and what the tests judge calls with.
type Stack struct {
	Env    *localtest.Env
	Clock  *Clock
	Config *apiconfig.Config
	Keys   inspect.KeySource
	// Tokens by kind: good "access" and "id" tokens, "no-scope" (an
	// access token without the API scope), "other-client", "outside-group"
	// (a user outside the admins group), "expired" and "expired-id",
	// "other-pool" (another pool's access token) and "garbage".
	Tokens map[string]string
}

// Start starts the stack, reads its API configuration and mints the
// tokens.
func Start(t testing.TB) *Stack {
	t.Helper()
	s := &Stack{Clock: &Clock{}}
	s.Env = localtest.Start(t, localtest.WithNow(s.Clock.Now))
	s.Tokens = tokens(t, s.Env, s.Clock)
	var err error
	s.Config, err = apiconfig.Read(context.Background(), apiconfig.Clients{HTTP: s.Env.APIGatewayV2Client(), REST: s.Env.APIGatewayClient()},
		apiconfig.Options{Endpoint: s.Env.Endpoint})
	if err != nil {
		t.Fatal(err)
	}
	s.Keys = inspect.NewCache(inspect.CacheOptions{Now: s.Clock.Now})
	return s
}

func tokens(t testing.TB, env *localtest.Env, clk *Clock) map[string]string {
	t.Helper()
	mint := func(client, user string, scopes ...string) cognito.Tokens {
		t.Helper()
		tk, err := env.Cognito.MintTokens(cognito.MintRequest{ClientID: client, Username: user, Scopes: scopes, IDToken: true})
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	all := []string{"openid", "aws.cognito.signin.user.admin", apigw.DemoScope}
	tk := map[string]string{}
	good := mint(cognito.DemoPublicClientID, cognito.DemoUsername, all...)
	tk["access"], tk["id"] = good.AccessToken, good.IDToken
	tk["no-scope"] = mint(cognito.DemoPublicClientID, cognito.DemoUsername, "openid", "aws.cognito.signin.user.admin").AccessToken
	tk["other-client"] = mint(cognito.DemoRotateClientID, cognito.DemoUsername, all...).AccessToken
	tk["outside-group"] = mint(cognito.DemoPublicClientID, cognito.DemoMFAUsername, all...).AccessToken
	clk.Shift(-2 * time.Hour)
	tk["expired"] = mint(cognito.DemoPublicClientID, cognito.DemoUsername, all...).AccessToken
	tk["expired-id"] = mint(cognito.DemoPublicClientID, cognito.DemoUsername, all...).IDToken
	clk.Shift(2 * time.Hour)
	tk["other-pool"] = otherPoolToken(t, env, all)
	tk["garbage"] = "not.a.jwt"
	return tk
}

// otherPoolToken is an access token of a pool created for it.
func otherPoolToken(t testing.TB, env *localtest.Env, scopes []string) string {
	t.Helper()
	ctx := context.Background()
	c := env.CognitoClient()
	pool, err := c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("other-pool")})
	if err != nil {
		t.Fatal(err)
	}
	cl, err := c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: pool.UserPool.Id, ClientName: aws.String("other")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: pool.UserPool.Id, Username: aws.String("someone"),
		MessageAction: "SUPPRESS", TemporaryPassword: aws.String("Passw0rd!x")}); err != nil {
		t.Fatal(err)
	}
	tk, err := env.Cognito.MintTokens(cognito.MintRequest{ClientID: *cl.UserPoolClient.ClientId, Username: "someone", Scopes: scopes, IDToken: true})
	if err != nil {
		t.Fatal(err)
	}
	return tk.AccessToken
}

// CountingKeys is an inspect.KeySource that counts the issuer key
// lookups made through it: one per token verified against a JWT or
// Cognito authorizer. Tests check a judgement is made once with it.
type CountingKeys struct {
	Inner inspect.KeySource
	N     atomic.Int64
}

// Key implements inspect.KeySource.
func (k *CountingKeys) Key(ctx context.Context, issuer, kid string) (*inspect.Key, error) {
	k.N.Add(1)
	return k.Inner.Key(ctx, issuer, kid)
}

// Keys implements inspect.KeySource.
func (k *CountingKeys) Keys(ctx context.Context, issuer string) ([]*inspect.Key, error) {
	k.N.Add(1)
	return k.Inner.Keys(ctx, issuer)
}
