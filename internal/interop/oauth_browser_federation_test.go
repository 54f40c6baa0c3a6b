package interop

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/chromedp/chromedp"

	"github.com/cogscope/cogscope/flows/oauth"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

// TestBrowserFederatedPKCE signs in through each of the demo pool's
// federated providers in headless Chromium: our hosted-UI client waits on
// its loopback listener while Chromium goes from the demo's authorize
// endpoint to the built-in upstream's sign-in page (its hosted UI for
// CogscopeOIDC, its SAML IdP for CogscopeSAML), back through
// /oauth2/idpresponse or /saml2/idpresponse (the SAML response posted by
// the IdP page's script) to the callback.
func TestBrowserFederatedPKCE(t *testing.T) {
	chrome := chromium(t)
	artifacts := artifactsDir(t)
	env := localtest.Start(t)
	for _, provider := range []string{cognito.DemoOIDCProvider, cognito.DemoSAMLProvider} {
		t.Run(provider, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			redirect := "http://" + ln.Addr().String() + "/callback"
			out, err := env.CognitoClient().CreateUserPoolClient(context.Background(), &cip.CreateUserPoolClientInput{
				UserPoolId: aws.String(cognito.DemoPoolID), ClientName: aws.String("browser-federated"),
				AllowedOAuthFlows: []types.OAuthFlowType{"code"}, AllowedOAuthFlowsUserPoolClient: true,
				AllowedOAuthScopes: []string{"openid", "email", "profile"}, CallbackURLs: []string{redirect},
				SupportedIdentityProviders: []string{"COGNITO", provider}})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
			defer cancel()
			urls := make(chan string, 1)
			c, err := oauth.New(oauth.Options{Issuer: env.Demo.Issuer, ClientID: aws.ToString(out.UserPoolClient.ClientId),
				RedirectURI: redirect, Listener: ln, Scopes: []string{"openid", "email", "profile"}, IdentityProvider: provider,
				Timeout: 60 * time.Second, OnAuthorizeURL: func(u string) { urls <- u }})
			if err != nil {
				t.Fatal(err)
			}
			type result struct {
				res *oauth.Result
				err error
			}
			done := make(chan result, 1)
			go func() {
				res, err := c.AuthorizationCode(ctx)
				done <- result{res, err}
			}()
			var authorize string
			select {
			case authorize = <-urls:
			case r := <-done:
				t.Fatalf("ended before the browser: %v", r.err)
			}
			browser := newChromium(t, ctx, chrome)
			if err := chromedp.Do(browser,
				chromedp.Navigate(authorize),
				chromedp.WaitVisible(chromedp.CSS("#username")),
				chromedp.SendKeys(chromedp.CSS("#username"), cognito.DemoUpstreamUsername),
				chromedp.SendKeys(chromedp.CSS("#password"), cognito.DemoUpstreamPassword),
				chromedp.Click(chromedp.CSS("#signin")),
				chromedp.WaitVisible(chromedp.CSS("#cogscope-result")),
			); err != nil {
				screenshot(t, browser, artifacts, "federated-"+provider+"-failed.png")
				t.Fatalf("sign in through %s: %v", provider, err)
			}
			screenshot(t, browser, artifacts, "federated-"+provider+"-signed-in.png")
			r := <-done
			if r.err != nil {
				t.Fatalf("federated sign-in: %v (%s)", r.err, oauth.Diagnose(r.err).Cause)
			}
			raw, err := base64.RawURLEncoding.DecodeString(strings.Split(r.res.Tokens.IDToken, ".")[1])
			if err != nil {
				t.Fatal(err)
			}
			var claims map[string]any
			if err := json.Unmarshal(raw, &claims); err != nil {
				t.Fatal(err)
			}
			if u, _ := claims["cognito:username"].(string); !strings.HasPrefix(u, provider+"_") || claims["email"] != "fed-user@upstream.example" {
				t.Errorf("claims %v", claims)
			}
			if ids, _ := claims["identities"].([]any); len(ids) != 1 {
				t.Errorf("identities %v", claims["identities"])
			}
		})
	}
}
