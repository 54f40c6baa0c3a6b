package login

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/internal/local/cognito"
)

// TestLoginMessagesPointTheRightWay: the lines a newcomer reads name what
// is actually wrong.
func TestLoginMessagesPointTheRightWay(t *testing.T) {
	t.Parallel()
	e := newLoginEnv(t)
	notAStack := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "not here", http.StatusNotFound)
	}))
	t.Cleanup(notAStack.Close)

	cases := []struct {
		name     string
		stdin    string
		args     []string
		code     int
		want     []string
		dontWant []string
	}{
		{name: "a bad --region is the region's fault", args: []string{"login", "--region", "not a region"},
			code: cmdutil.ExitUsage, want: []string{`--region "not a region" is not an AWS region`}, dontWant: []string{"--user-pool-id", "seed"}},
		{name: "a bad --region with an endpoint", args: []string{"login", "--endpoint", e.stack.Endpoint, "--region", "us_east_1"},
			code: cmdutil.ExitUsage, want: []string{`--region "us_east_1" is not an AWS region`}, dontWant: []string{"--user-pool-id"}},
		{name: "an endpoint that is not a local stack is not called one", args: []string{"login", "--endpoint", notAStack.URL},
			code: cmdutil.ExitUsage, want: []string{"it is not a `cogscope local` stack", "give --user-pool-id and --client-id"},
			dontWant: []string{"No AWS target configured"}},
		{name: "a local stack's demo pool is named", stdin: "", args: []string{"login", "--endpoint", e.stack.Endpoint, "--no-save"},
			code: cmdutil.ExitOK, want: []string{"No AWS target configured: using the local stack's demo pool " + cognito.DemoPoolID}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := e.run(t, c.stdin, false, c.args...)
			if r.code != c.code {
				t.Errorf("exit %d, want %d\n%s", r.code, c.code, r.errOut)
			}
			for _, w := range c.want {
				if !strings.Contains(r.errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.errOut)
				}
			}
			for _, w := range c.dontWant {
				if strings.Contains(r.errOut, w) {
					t.Errorf("stderr has %q:\n%s", w, r.errOut)
				}
			}
		})
	}
}
