package main

import (
	"context"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogscope/cogscope/flows/oauth"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

// As $BROWSER of a real PKCE sign-in against the local stack, it signs in
// and brings the code back to the client's loopback listener; its log
// keeps the code out.
func TestSignsInThroughTheHostedUI(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	redirect := "http://" + ln.Addr().String() + "/callback"
	ln.Close()
	out, err := env.CognitoClient().CreateUserPoolClient(context.Background(), &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(cognito.DemoPoolID), ClientName: aws.String("e2e"),
		AllowedOAuthFlows: []types.OAuthFlowType{"code"}, AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthScopes: []string{"openid"}, CallbackURLs: []string{redirect}, SupportedIdentityProviders: []string{"COGNITO"},
	})
	if err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(t.TempDir(), "browser.log")
	exit := make(chan int, 1)
	c, err := oauth.New(oauth.Options{
		Issuer: env.Endpoint + "/" + cognito.DemoPoolID, ClientID: aws.ToString(out.UserPoolClient.ClientId),
		RedirectURI: redirect, Scopes: []string{"openid"}, Timeout: 20 * time.Second,
		OpenBrowser: func(u string) error {
			var errOut strings.Builder
			exit <- run([]string{"-log", logPath, u}, &errOut)
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.AuthorizationCode(context.Background())
	if err != nil || res.Tokens.IDToken == "" {
		t.Fatalf("sign-in: %v", err)
	}
	// The client is done once the redirect came; the browser then reads
	// the listener's answer and exits.
	var code int
	select {
	case code = <-exit:
	case <-time.After(10 * time.Second):
		t.Fatal("the browser did not exit")
	}
	b, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	log := string(b)
	if code != 0 || !strings.Contains(log, "signed in (HTTP 200") || !strings.Contains(log, "POST "+env.Demo.HostedUI+"/login") {
		t.Fatalf("exit %d, log:\n%s", code, log)
	}
	if !strings.Contains(log, "code=[redacted]") || strings.Contains(log, "code=&") {
		t.Errorf("the code must not reach the log:\n%s", log)
	}
	for _, line := range strings.Split(log, "\n") {
		if i := strings.Index(line, "?"); i >= 0 {
			if q, err := url.ParseQuery(line[i+1:]); err == nil && q.Get("code") != "" && q.Get("code") != "[redacted]" {
				t.Errorf("a code in the log: %s", line)
			}
		}
	}
}

func TestFailures(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	authorize := env.Demo.HostedUI + "/oauth2/authorize?" + url.Values{
		"client_id": {env.Demo.ClientID}, "redirect_uri": {"http://localhost:8765/callback"}, "response_type": {"code"},
		"scope": {"openid"}, "code_challenge": {oauth.ChallengeS256("verifier-verifier-verifier-verifier-verifier")},
		"code_challenge_method": {"S256"}, "state": {"s"},
	}.Encode()
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no URL", nil, 2, "want the URL"},
		{"bad flag", []string{"-nope"}, 2, "flag provided but not defined"},
		{"wrong password", []string{"-password", "wrong", authorize}, 1, "the same form came back"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var errOut strings.Builder
			if code := run(c.args, &errOut); code != c.code || !strings.Contains(errOut.String(), c.want) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, errOut.String(), c.code, c.want)
			}
		})
	}
}
