package interop

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/chromedp/chromedp"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

// The environment of the headless-browser test (.ci/steps/40-browser-e2e.sh
// sets them).
const (
	envBrowserE2E = "COGSCOPE_BROWSER_E2E" // "1" runs the test
	envChromium   = "COGSCOPE_CHROMIUM"    // the browser binary; default /usr/bin/chromium
	envBin        = "COGSCOPE_BIN"         // a built cogscope; default: built by the test
	envArtifacts  = "COGSCOPE_ARTIFACTS"   // where screenshots go; default a new temporary directory
)

// chromium returns the browser to drive, or skips.
func chromium(t *testing.T) string {
	t.Helper()
	if os.Getenv(envBrowserE2E) != "1" {
		t.Skip(envBrowserE2E + " is not 1: the headless-Chromium test runs from .ci/steps/40-browser-e2e.sh")
	}
	path := os.Getenv(envChromium)
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := os.Stat(path); err != nil {
		t.Skipf("no Chromium at %s (%v): apt-get install chromium, or set %s", path, err, envChromium)
	}
	return path
}

// cogscopeBinary is $COGSCOPE_BIN or a fresh build.
func cogscopeBinary(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv(envBin); bin != "" {
		return bin
	}
	bin := filepath.Join(t.TempDir(), "cogscope")
	out, err := exec.Command("go", "build", "-o", bin, "../../cmd/cogscope").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func artifactsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv(envArtifacts)
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "cogscope-artifacts-"); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// newChromium starts headless Chromium for the test and returns a context
// for its actions, which also end with ctx. Chromium is closed gracefully
// when the test ends (so that it reaps its own helper processes), which
// is why its own contexts do not derive from ctx.
func newChromium(t *testing.T, ctx context.Context, chrome string) context.Context {
	t.Helper()
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.WithoutCancel(ctx),
		chromedp.ExecPath(chrome),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(900, 900),
	)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(func() {
		closing, cancel := context.WithTimeout(browser, 10*time.Second)
		defer cancel()
		if err := chromedp.Cancel(closing); err != nil {
			t.Logf("close Chromium: %v", err)
		}
		cancelBrowser()
		cancelAlloc()
	})
	if err := chromedp.Do(browser); err != nil { // starts it
		t.Fatalf("start Chromium: %v", err)
	}
	actions, cancelActions := context.WithCancel(browser)
	stop := context.AfterFunc(ctx, cancelActions)
	t.Cleanup(func() {
		stop()
		cancelActions()
	})
	return actions
}

// screenshot keeps a full-page screenshot as a test artifact.
func screenshot(t *testing.T, browser context.Context, dir, name string) {
	t.Helper()
	shot, err := chromedp.Run(browser, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// TestBrowserPKCE signs in through the local stack's login page in
// headless Chromium, driven by `cogscope login --flow pkce --no-browser`
// (the real binary): the test reads the authorize URL from its stderr,
// sends Chromium there, fills in the form, and Chromium's redirect lands
// on the CLI's loopback listener. The tokens come from --json.
func TestBrowserPKCE(t *testing.T) {
	chrome := chromium(t)
	bin := cogscopeBinary(t)
	artifacts := artifactsDir(t)
	env := localtest.Start(t)

	// An app client whose callback is a free loopback port, so the test
	// never collides with anything on the demo's fixed 8765.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	redirect := "http://localhost:" + strings.TrimPrefix(ln.Addr().String(), "127.0.0.1:") + "/callback"
	ln.Close()
	out, err := env.CognitoClient().CreateUserPoolClient(context.Background(), &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(cognito.DemoPoolID), ClientName: aws.String("browser-e2e"),
		AllowedOAuthFlows: []types.OAuthFlowType{"code"}, AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthScopes: []string{"openid", "email", "profile"}, CallbackURLs: []string{redirect},
		SupportedIdentityProviders: []string{"COGNITO"},
	})
	if err != nil {
		t.Fatal(err)
	}
	clientID := aws.ToString(out.UserPoolClient.ClientId)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	home := t.TempDir()
	cmd := exec.CommandContext(ctx, bin, "login", "--endpoint", env.Endpoint, "--user-pool-id", cognito.DemoPoolID,
		"--client-id", clientID, "--flow", "pkce", "--no-browser", "--json", "--no-save",
		"--redirect-uri", redirect, "--scope", "openid email", "--timeout", "90s")
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+filepath.Join(home, "config"), "XDG_STATE_HOME="+filepath.Join(home, "state"))
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var errText strings.Builder
	urls := make(chan string, 1)
	stderrDone := make(chan struct{})
	go func() {
		defer close(stderrDone)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			errText.WriteString(line + "\n")
			if strings.HasPrefix(line, "http") {
				select {
				case urls <- line:
				default:
				}
			}
		}
	}()
	var authorizeURL string
	select {
	case authorizeURL = <-urls:
	case <-stderrDone:
		_ = cmd.Wait()
		t.Fatalf("cogscope ended before printing the URL:\n%s", errText.String())
	case <-ctx.Done():
		t.Fatal("no authorize URL on stderr")
	}

	browser := newChromium(t, ctx, chrome)

	if err := chromedp.Do(browser,
		chromedp.Navigate(authorizeURL),
		chromedp.WaitVisible(chromedp.CSS("#username")),
	); err != nil {
		t.Fatalf("open the login page: %v\ncogscope stderr:\n%s", err, errText.String())
	}
	shot, err := chromedp.Run(browser, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	loginShot := filepath.Join(artifacts, "hosted-ui-login.png")
	if err := os.WriteFile(loginShot, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("login page screenshot: %s", loginShot)

	if err := chromedp.Do(browser,
		chromedp.SendKeys(chromedp.CSS("#username"), cognito.DemoUsername),
		chromedp.SendKeys(chromedp.CSS("#password"), cognito.DemoPassword),
		chromedp.Click(chromedp.CSS("#signin")),
		chromedp.WaitVisible(chromedp.CSS("#cogscope-result")),
	); err != nil {
		t.Fatalf("sign in: %v\ncogscope stderr:\n%s", err, errText.String())
	}
	result, err := chromedp.Run(browser, chromedp.Text(chromedp.CSS("#cogscope-result")))
	if err != nil {
		t.Fatal(err)
	}
	landed, err := chromedp.Run(browser, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if shot, err := chromedp.Run(browser, chromedp.FullScreenshot(100)); err == nil {
		_ = os.WriteFile(filepath.Join(artifacts, "hosted-ui-signed-in.png"), shot, 0o644)
	}
	if strings.TrimSpace(result) != "Signed in" || !strings.HasPrefix(landed, redirect+"?") {
		t.Errorf("the browser shows %q at %s", result, landed)
	}

	<-stderrDone
	if err := cmd.Wait(); err != nil {
		t.Fatalf("cogscope: %v\n%s", err, errText.String())
	}
	var doc struct {
		Tokens *flows.Tokens `json:"tokens"`
		Trace  []flows.Step  `json:"trace"`
	}
	if err := json.NewDecoder(io.Reader(&stdout)).Decode(&doc); err != nil {
		t.Fatalf("--json output: %v\n%s", err, stdout.String())
	}
	if doc.Tokens == nil || doc.Tokens.RefreshToken == "" || doc.Tokens.TokenType != "Bearer" {
		t.Fatalf("tokens = %+v", doc.Tokens)
	}
	id, err := flows.UnverifiedClaims(doc.Tokens.IDToken)
	if err != nil || id.TokenUse != "id" || id.Username != cognito.DemoUsername || id.ClientID != clientID || id.Issuer != env.Demo.Issuer {
		t.Errorf("ID token = %+v, %v", id, err)
	}
	at, err := flows.UnverifiedClaims(doc.Tokens.AccessToken)
	if err != nil || at.TokenUse != "access" || at.ClientID != clientID {
		t.Errorf("access token = %+v, %v", at, err)
	}
	if len(doc.Trace) != 6 || doc.Trace[4].Operation != "Redirect" || doc.Trace[4].Response["code"] != flows.Redacted {
		t.Errorf("trace = %+v", doc.Trace)
	}
}
