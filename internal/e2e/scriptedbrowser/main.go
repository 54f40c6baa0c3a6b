// Command scriptedbrowser plays the user's browser in the console's tmux
// end-to-end test (.ci/steps/50-console-tmux.sh). Set as $BROWSER, it is
// run with the hosted UI's authorize URL as its last argument: it fills in
// and submits the local stack's login form over HTTP (flows/oauth/oauthtest)
// and follows the redirect to the console's loopback listener, then exits
// 0 once the listener answered "Signed in".
//
// The console captures a browser's output, so what it did goes to -log
// (appended), for the test to print when something fails.
//
// It is a test tool: it imports oauthtest and the local stack's demo
// credentials, never charm.land/* or ui.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/cogscope/cogscope/flows/oauth/oauthtest"
	"github.com/cogscope/cogscope/internal/local/cognito"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("scriptedbrowser", flag.ContinueOnError)
	fs.SetOutput(stderr)
	username := fs.String("username", cognito.DemoUsername, "username to fill in")
	password := fs.String("password", cognito.DemoPassword, "password to fill in")
	logPath := fs.String("log", "", "append what happened to this file")
	timeout := fs.Duration("timeout", 30*time.Second, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	log := stderr
	if *logPath != "" {
		f, err := os.OpenFile(*logPath, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			fmt.Fprintf(stderr, "scriptedbrowser: %v\n", err)
			return 2
		}
		defer f.Close()
		log = f
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(log, "scriptedbrowser: want the URL to open as the one argument, got %q\n", fs.Args())
		return 2
	}
	u := fs.Arg(0)
	fmt.Fprintf(log, "%s open %s\n", time.Now().Format(time.RFC3339Nano), redactCode(u))

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	b := oauthtest.New(map[string]string{"username": *username, "password": *password})
	p, err := b.Open(ctx, u)
	for _, v := range b.Visited {
		fmt.Fprintf(log, "  %s\n", redactCode(v))
	}
	if err != nil {
		fmt.Fprintf(log, "scriptedbrowser: %v\n", err)
		return 1
	}
	if !strings.Contains(p.Body, "Signed in") {
		fmt.Fprintf(log, "scriptedbrowser: the sign-in ended on HTTP %d at %s: %.300s\n", p.Status, p.URL, p.Body)
		return 1
	}
	fmt.Fprintf(log, "%s signed in (HTTP %d from %s)\n", time.Now().Format(time.RFC3339Nano), p.Status, redactCode(p.URL))
	return 0
}

// codeRE finds an authorization code in a URL's query: a secret until it
// is exchanged, so it stays out of the log.
var codeRE = regexp.MustCompile(`([?&]code=)[^&]*`)

func redactCode(u string) string { return codeRE.ReplaceAllString(u, "${1}[redacted]") }
