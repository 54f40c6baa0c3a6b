package interop

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

// TestBrowserLoginPages drives the local stack's sign-in pages in headless
// Chromium through their states a user meets: a wrong password shown on
// the login page, the authenticator-app page (a wrong code, then the
// right one), and the new-password page (passwords that differ, then a
// new one). Each lands on the app's callback with a code; a screenshot of
// every page is kept as an artifact.
func TestBrowserLoginPages(t *testing.T) {
	chrome := chromium(t)
	artifacts := artifactsDir(t)
	env := localtest.Start(t)

	// The app's callback: it shows where the browser landed.
	landed := make(chan url.Values, 4)
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/callback" {
			http.NotFound(w, r) // the browser's favicon.ico
			return
		}
		select {
		case landed <- r.URL.Query():
		default:
		}
		fmt.Fprint(w, `<!doctype html><h1 id="landed">back in the app</h1>`)
	}))
	defer app.Close()
	callback := app.URL + "/callback"
	out, err := env.CognitoClient().CreateUserPoolClient(context.Background(), &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(cognito.DemoPoolID), ClientName: aws.String("browser-pages"),
		AllowedOAuthFlows: []types.OAuthFlowType{"code"}, AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthScopes: []string{"openid", "email"}, CallbackURLs: []string{callback},
		SupportedIdentityProviders: []string{"COGNITO"},
	})
	if err != nil {
		t.Fatal(err)
	}
	authorize := env.Demo.HostedUI + "/oauth2/authorize?" + url.Values{"response_type": {"code"},
		"client_id": {aws.ToString(out.UserPoolClient.ClientId)}, "redirect_uri": {callback}, "scope": {"openid email"},
		"state": {"st"}, "prompt": {"login"}}.Encode()

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	browser := newChromium(t, ctx, chrome)
	do := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(browser, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(browser, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}
	signIn := func(username, password string) {
		t.Helper()
		do("the login page of "+username, chromedp.Navigate(authorize), chromedp.WaitVisible(chromedp.CSS("#username")),
			chromedp.SendKeys(chromedp.CSS("#username"), username), chromedp.SendKeys(chromedp.CSS("#password"), password),
			chromedp.Click(chromedp.CSS("#signin")))
	}
	wantLanded := func(who string) {
		t.Helper()
		do(who+": back to the app", chromedp.WaitVisible(chromedp.CSS("#landed")))
		select {
		case q := <-landed:
			if q.Get("code") == "" || q.Get("state") != "st" {
				t.Errorf("%s: callback query %v", who, q)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: the callback was not reached", who)
		}
	}

	// A wrong password: Cognito's message on the page, the username kept.
	signIn(cognito.DemoUsername, "not-the-password")
	do("wrong password", chromedp.WaitVisible(chromedp.CSS("#error")))
	if got := text("#error"); got != "Incorrect username or password." {
		t.Errorf("wrong password: error %q", got)
	}
	screenshot(t, browser, artifacts, "hosted-ui-wrong-password.png")
	do("sign in after the error", chromedp.SendKeys(chromedp.CSS("#password"), cognito.DemoPassword), chromedp.Click(chromedp.CSS("#signin")))
	wantLanded(cognito.DemoUsername)

	// TOTP MFA: a wrong code is shown on the same page, the right one
	// signs in.
	signIn(cognito.DemoMFAUsername, cognito.DemoPassword)
	do("MFA page", chromedp.WaitVisible(chromedp.CSS("#code")))
	screenshot(t, browser, artifacts, "hosted-ui-mfa.png")
	code, err := totp.GenerateCode(cognito.DemoTOTPSecret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	wrong := "000000"
	if wrong == code {
		wrong = "111111"
	}
	do("wrong MFA code", chromedp.SendKeys(chromedp.CSS("#code"), wrong), chromedp.Click(chromedp.CSS("#verify")),
		chromedp.WaitVisible(chromedp.CSS("#error")))
	if got := text("#error"); got != "Invalid verification code provided, please try again." {
		t.Errorf("wrong MFA code: error %q", got)
	}
	screenshot(t, browser, artifacts, "hosted-ui-mfa-wrong-code.png")
	do("right MFA code", chromedp.SendKeys(chromedp.CSS("#code"), code), chromedp.Click(chromedp.CSS("#verify")))
	wantLanded(cognito.DemoMFAUsername)

	// A new password is required: passwords that differ are refused on
	// the page, then the new one signs in.
	signIn(cognito.DemoNewUsername, cognito.DemoTempPassword)
	do("new-password page", chromedp.WaitVisible(chromedp.CSS("#new_password")))
	screenshot(t, browser, artifacts, "hosted-ui-new-password.png")
	do("passwords that differ", chromedp.SendKeys(chromedp.CSS("#new_password"), "NewPassw0rd!1"),
		chromedp.SendKeys(chromedp.CSS("#confirm_password"), "NewPassw0rd!2"), chromedp.Click(chromedp.CSS("#change")),
		chromedp.WaitVisible(chromedp.CSS("#error")))
	if got := text("#error"); got != "The passwords do not match." {
		t.Errorf("passwords that differ: error %q", got)
	}
	do("the new password", chromedp.SendKeys(chromedp.CSS("#new_password"), "NewPassw0rd!1"),
		chromedp.SendKeys(chromedp.CSS("#confirm_password"), "NewPassw0rd!1"), chromedp.Click(chromedp.CSS("#change")))
	wantLanded(cognito.DemoNewUsername)
}
