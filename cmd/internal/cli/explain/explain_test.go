package explain

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/doctor"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

func run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut strings.Builder
	f := &cmdutil.Factory{IO: cmdutil.IOStreams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut}, Env: func(string) string { return "" }}
	root := cmdutil.NewRootCmd(f)
	root.AddCommand(NewCmdExplain(f, nil))
	return cmdutil.Execute(context.Background(), f, root, args), out.String(), errOut.String()
}

func TestFlags(t *testing.T) {
	t.Parallel()
	cases := []struct {
		args []string
		want ExplainOptions
	}{
		{[]string{"explain", "c28"}, ExplainOptions{Text: "c28"}},
		{[]string{"explain"}, ExplainOptions{Stdin: true}},
		{[]string{"explain", "-", "--json"}, ExplainOptions{Stdin: true, JSON: true}},
		{[]string{"explain", "--list"}, ExplainOptions{List: true}},
	}
	for _, c := range cases {
		var got *ExplainOptions
		f := &cmdutil.Factory{IO: cmdutil.IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard}, Env: func(string) string { return "" }}
		root := cmdutil.NewRootCmd(f)
		root.AddCommand(NewCmdExplain(f, func(o *ExplainOptions) error { got = o; return nil }))
		if code := cmdutil.Execute(context.Background(), f, root, c.args); code != 0 || got == nil {
			t.Fatalf("%v: exit %d", c.args, code)
		}
		if got.Text != c.want.Text || got.Stdin != c.want.Stdin || got.JSON != c.want.JSON || got.List != c.want.List {
			t.Errorf("%v: got %+v", c.args, got)
		}
	}
}

func TestExplain(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		wantIn []string
		// notIn: no row code of the failure catalogue (a document users
		// do not have); every entry links to the page, explain's own too.
		notIn []string
	}{
		{"argument", "", []string{"explain", "InvalidParameterException: USER_PASSWORD_AUTH flow not enabled for this client"}, 0,
			[]string{"cognito.flow-disabled\n", "cause:", "fix:", "see:   " + flows.RefURL("cognito.flow-disabled") + "\n"}, []string{"failure catalogue", "(a3)"}},
		{"stdin", `HTTP/2 401` + "\n" + `www-authenticate: Bearer scope="" error="invalid_token" error_description="the token does not have a valid audience"`, []string{"explain"}, 0,
			[]string{"gateway.jwt.audience", "audience", "see:   " + flows.RefURL("gateway.jwt.audience") + "\n"}, []string{"failure catalogue", "(c28)"}},
		{"jwt library", "", []string{"explain", "CognitoJwtInvalidTokenUseError: Token use not allowed: id. Expected: access"}, 0,
			[]string{"jwt.token-use\n", "see:   " + flows.RefURL("jwt.token-use") + "\n"}, []string{"(d36)"}},
		{"logs", "", []string{"explain", "ResourceNotFoundException: The specified log group does not exist."}, 0,
			[]string{"logs.group-not-found\n", "see:   " + flows.RefURL("logs.group-not-found") + "\n"}, []string{"(e48)"}},
		// A JWT authorizer's refusal pasted whole: the header's reason,
		// though it has no entry of its own, says more than the body.
		{"body and header", `{"message":"Unauthorized"}` + "\n" + `www-authenticate: Bearer scope="" error="invalid_token" error_description="the token could not be decoded"`, []string{"explain"}, 0,
			[]string{"gateway.jwt.invalid_token\n", "Also possible:\n  gateway.unauthorized:"}, []string{"causes fit"}},
		{"body alone", "", []string{"explain", `{"message":"Unauthorized"}`}, 0,
			[]string{"gateway.unauthorized\n", "code 401"}, []string{"causes fit", "gateway.jwt.invalid_token"}},
		{"ambiguous", "", []string{"explain", "invalid_scope"}, 1, []string{"2 causes fit", "oauth.authorize.invalid_scope", "oauth.token.invalid_scope"}, nil},
		{"nothing", "", []string{"explain", "the weather is fine"}, 1, []string{"No cause in the catalogue"}, nil},
		{"id", "", []string{"explain", "cognito.NotAuthorizedException.secret-hash-none-sent"}, 0, []string{"none was sent"}, nil},
		{"list", "", []string{"explain", "--list"}, 0, []string{"gateway.jwt.audience: code 401, message contains does not have a valid audience"}, []string{"[c28]", "[a3]"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := run(t, c.stdin, c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d; stderr %q", code, c.code, errOut)
			}
			for _, w := range c.wantIn {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			for _, w := range c.notIn {
				if strings.Contains(out, w) {
					t.Errorf("stdout has %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestExplainJSONAndEmptyInput(t *testing.T) {
	t.Parallel()
	code, out, _ := run(t, "", "explain", "--json", `{"__type":"NotAuthorizedException","message":"Incorrect username or password."}`)
	var x doctor.Explanation
	if err := json.Unmarshal([]byte(out), &x); err != nil || code != 0 {
		t.Fatalf("exit %d, %v:\n%s", code, err, out)
	}
	if x.Best == nil || x.Best.ID != "cognito.NotAuthorizedException.incorrect-password" || x.Best.Ref != "a4" ||
		x.Best.Link != flows.RefURL("cognito.NotAuthorizedException.incorrect-password") {
		t.Errorf("best = %+v", x.Best)
	}
	if code, _, errOut := run(t, "  \n", "explain"); code != cmdutil.ExitUsage || !strings.Contains(errOut, "nothing to explain") {
		t.Errorf("empty stdin: exit %d, %q", code, errOut)
	}
}

func TestPastedControlCharactersAreNotPrinted(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	write(&b, doctor.Explanation{Best: &doctor.Match{ID: "x", Cause: "evil \x1b]0;title\x07 text", Why: []string{"\x1b[2J"}}})
	if strings.ContainsAny(b.String(), "\x1b\x07") {
		t.Errorf("printed %q", b.String())
	}
	for _, want := range []string{`evil \x1b]0;title\x07 text`, `matched on: \x1b[2J`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("output lacks %q: %q", want, b.String())
		}
	}
}

func TestCheckConfirmsTheCauseOnTheTarget(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	bad, err := env.CognitoClient().CreateUserPoolClient(context.Background(), &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(cognito.DemoPoolID), ClientName: aws.String("no-srp"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{"ALLOW_USER_PASSWORD_AUTH"}})
	if err != nil {
		t.Fatal(err)
	}
	text := "InvalidParameterException: USER_SRP_AUTH is not enabled for the client."
	cases := []struct {
		client, want string
	}{
		{aws.ToString(bad.UserPoolClient.ClientId), "✗ confirmed cognito.flow-disabled by client.auth-flow"},
		{cognito.DemoPublicClientID, "✓ ruled out cognito.flow-disabled by client.auth-flow"},
	}
	for _, c := range cases {
		code, out, errOut := runEnv(t, env, "", "explain", "--check", "--endpoint", env.Endpoint, "--user-pool-id", cognito.DemoPoolID, "--client-id", c.client, text)
		if code != 0 || !strings.Contains(out, c.want) {
			t.Errorf("client %s: exit %d, stderr %q, stdout:\n%s", c.client, code, errOut, out)
		}
	}
	code, out, _ := runEnv(t, env, "", "explain", "--check", "--json", "--endpoint", env.Endpoint, "--user-pool-id", cognito.DemoPoolID,
		"--client-id", aws.ToString(bad.UserPoolClient.ClientId), text)
	var doc struct {
		Best          *doctor.Match         `json:"best"`
		Confirmations []doctor.Confirmation `json:"confirmations"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 0 || len(doc.Confirmations) == 0 || doc.Confirmations[0].Verdict != doctor.VerdictConfirmed {
		t.Errorf("exit %d, %v: %+v\n%s", code, err, doc, out)
	}
	if code, _, errOut := run(t, "", "explain", "--client-id", "x", text); code != cmdutil.ExitUsage || !strings.Contains(errOut, "--client-id needs --check") {
		t.Errorf("--client-id without --check: exit %d, %q", code, errOut)
	}
}

func runEnv(t *testing.T, env *localtest.Env, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut strings.Builder
	dir := t.TempDir()
	vars := map[string]string{"XDG_CONFIG_HOME": dir, "XDG_STATE_HOME": dir, "XDG_DATA_HOME": dir, "HOME": dir}
	f := &cmdutil.Factory{IO: cmdutil.IOStreams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut},
		Env: func(k string) string { return vars[k] }, Now: time.Now, HTTP: &http.Client{Timeout: 10 * time.Second}}
	root := cmdutil.NewRootCmd(f)
	root.AddCommand(NewCmdExplain(f, nil))
	return cmdutil.Execute(context.Background(), f, root, args), out.String(), errOut.String()
}

func TestCheckMeasuresTheClockForClockCauses(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	code, out, errOut := runEnv(t, env, "", "explain", "--check", "--endpoint", env.Endpoint, "--user-pool-id", cognito.DemoPoolID,
		"--client-id", cognito.DemoPublicClientID, "RespondToAuthChallenge PASSWORD_VERIFIER: NotAuthorizedException: Incorrect username or password.")
	if code != 0 || !strings.Contains(out, "✓ ruled out cognito.NotAuthorizedException.incorrect-password-srp by clock-skew") {
		t.Errorf("exit %d, stderr %q, stdout:\n%s", code, errOut, out)
	}
}
