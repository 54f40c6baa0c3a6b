package cli

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// proxyVar matches the variables Go's transport reads a proxy from, in
// either case, which the child process must not inherit.
var proxyVar = regexp.MustCompile(`(?i)^(http|https|no|all)_proxy=`)

// TestDeadProxy runs cogscope as a process (this test binary re-executed
// through Main, as cmd/cogscope runs it) with HTTP_PROXY and HTTPS_PROXY
// naming a proxy that is not running (a listener that was closed), and
// an endpoint whose host is not loopback, for plain http and https. This
// is the path users take: the real environment, read by Go's
// http.ProxyFromEnvironment, which skips a proxy only for localhost and
// loopback addresses. The endpoint's host (.invalid) is never resolved,
// since the transport dials the proxy instead, so the test needs no
// network. Each command must name the proxy by its setting and NO_PROXY,
// not blame the endpoint.
func TestDeadProxy(t *testing.T) {
	if args := os.Getenv("COGSCOPE_TEST_PROXY_MAIN"); args != "" {
		os.Args = append([]string{"cogscope"}, strings.Split(args, "\x1f")...)
		os.Exit(Main())
	}
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	proxy := ln.Addr().String()
	ln.Close()

	const host = "cognito.proxy-test.invalid"
	signIn := []string{"login", "--user-pool-id", "us-east-1_AbCdEfGhI", "--client-id", "1example23456789", "--username", "alice", "--password-stdin", "--no-save"}
	cases := []struct {
		name, scheme string
		args         []string
		stdin        string
		// want are in stderr; the proxy's setting is added per scheme.
		want []string
	}{
		{"login", "http", signIn, "pw\n", []string{"The HTTP proxy at " + proxy + " could not be reached", "sends plain-http requests to " + host, "add " + host + " to NO_PROXY"}},
		{"login", "https", signIn, "pw\n", []string{"The HTTP proxy at " + proxy + " could not be reached", "sends https requests to " + host, "add " + host + " to NO_PROXY"}},
		{"call", "http", []string{"call", "--token", "none", "http://" + host + ":9229/hello"}, "", []string{"cannot reach the HTTP proxy at " + proxy, "the request never got to " + host, "add " + host + " to NO_PROXY"}},
		{"call", "https", []string{"call", "--token", "none", "https://" + host + "/hello"}, "", []string{"cannot reach the HTTP proxy at " + proxy, "add " + host + " to NO_PROXY"}},
		{"tail", "http", []string{"tail", "/aws/lambda/x", "--since", "1h"}, "", []string{"CloudWatch Logs: cannot reach the HTTP proxy at " + proxy, "add " + host + " to NO_PROXY"}},
		{"tail", "https", []string{"tail", "/aws/lambda/x", "--since", "1h"}, "", []string{"CloudWatch Logs: cannot reach the HTTP proxy at " + proxy, "add " + host + " to NO_PROXY"}},
	}
	for _, c := range cases {
		t.Run(c.name+" "+c.scheme, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			endpoint := c.scheme + "://" + host
			if c.scheme == "http" {
				endpoint += ":9229"
			}
			args := append([]string{"--endpoint", endpoint, "--region", "us-east-1"}, c.args...)
			cmd := exec.Command(os.Args[0], "-test.run=^TestDeadProxy$")
			for _, kv := range os.Environ() {
				if !proxyVar.MatchString(kv) && !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "COGSCOPE_") {
					cmd.Env = append(cmd.Env, kv)
				}
			}
			// HTTPS_PROXY carries a password, which must not be shown.
			cmd.Env = append(cmd.Env, "COGSCOPE_TEST_PROXY_MAIN="+strings.Join(args, "\x1f"),
				"HTTP_PROXY=http://"+proxy, "HTTPS_PROXY=http://user:pr0xy-pw@"+proxy,
				"HOME="+dir, "XDG_CONFIG_HOME="+filepath.Join(dir, "config"), "XDG_STATE_HOME="+filepath.Join(dir, "state"),
				"AWS_ACCESS_KEY_ID=AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI", "AWS_EC2_METADATA_DISABLED=true")
			cmd.Stdin = strings.NewReader(c.stdin)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			var ee *exec.ExitError
			if err == nil || !asExit(err, &ee) || ee.ExitCode() != 2 {
				t.Fatalf("exit %v, want 2 (not reached)\nstderr:\n%s", err, stderr.String())
			}
			setting := "HTTP_PROXY=http://" + proxy
			if c.scheme == "https" {
				setting = "HTTPS_PROXY=http://user:xxxxx@" + proxy
			}
			errText := stderr.String()
			for _, w := range append(c.want, setting) {
				if !strings.Contains(errText, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errText)
				}
			}
			for _, bad := range []string{"pr0xy-pw", "Check --endpoint", "nothing listens there", "cannot reach " + endpoint} {
				if strings.Contains(errText, bad) {
					t.Errorf("stderr says %q:\n%s", bad, errText)
				}
			}
		})
	}
}

func asExit(err error, ee **exec.ExitError) bool {
	e, ok := err.(*exec.ExitError)
	*ee = e
	return ok
}
