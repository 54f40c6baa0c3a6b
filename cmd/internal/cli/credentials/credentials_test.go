package credentials

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/cogscope/cogscope/cmd/internal/cli/login"
	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/flows/idpool"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

func TestNewCmdCredentialsFlags(t *testing.T) {
	t.Parallel()
	set := func(names ...string) map[string]bool {
		m := map[string]bool{}
		for _, n := range names {
			m[n] = true
		}
		return m
	}
	cases := []struct {
		name string
		args string
		want CredentialsOptions
	}{
		{"defaults", "", CredentialsOptions{Flow: "enhanced", FlagsSet: set()}},
		{"enhanced with a role, json", "--identity-pool-id us-east-1:abc --role-arn arn:aws:iam::1:role/r --json --reveal",
			CredentialsOptions{IdentityPoolID: "us-east-1:abc", RoleARN: "arn:aws:iam::1:role/r", Flow: "enhanced", JSON: true, Reveal: true,
				FlagsSet: set("identity-pool-id", "role-arn", "json", "reveal")}},
		{"basic from stdin, export", "--flow basic --id-token-stdin --user-pool-id eu-west-1_X --client-id c1 --export",
			CredentialsOptions{Flow: "basic", IDTokenStdin: true, UserPoolID: "eu-west-1_X", ClientID: "c1", Export: true,
				FlagsSet: set("flow", "id-token-stdin", "user-pool-id", "client-id", "export")}},
		{"guest, credential process", "--guest --credential-process",
			CredentialsOptions{Flow: "enhanced", Guest: true, CredentialProcess: true, FlagsSet: set("guest", "credential-process")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := &cmdutil.Factory{Env: func(string) string { return "" }}
			var got *CredentialsOptions
			root := cmdutil.NewRootCmd(f)
			root.AddCommand(NewCmdCredentials(f, func(o *CredentialsOptions) error { got = o; return nil }))
			args := append([]string{"credentials"}, strings.Fields(tc.args)...)
			if code := cmdutil.Execute(context.Background(), f, root, args); code != 0 || got == nil {
				t.Fatalf("exit %d", code)
			}
			got.IO, got.Factory = nil, nil
			if !reflect.DeepEqual(*got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", *got, tc.want)
			}
		})
	}
}

func TestCheckFlags(t *testing.T) {
	t.Parallel()
	cases := []struct {
		o    CredentialsOptions
		want string
	}{
		{CredentialsOptions{Flow: "enhanced", JSON: true, Export: true}, "give one"},
		{CredentialsOptions{Flow: "classic"}, `unknown --flow "classic"`},
		{CredentialsOptions{Flow: "enhanced", Guest: true, IDTokenStdin: true}, "--guest takes no ID token"},
		{CredentialsOptions{Flow: "enhanced", Guest: true, RoleARN: "arn:aws:iam::1:role/r"}, "unauthenticated role"},
		{CredentialsOptions{Flow: "enhanced", IdentityPoolID: "not-a-pool"}, "want <region>:<uuid>"},
		{CredentialsOptions{Flow: "basic", Guest: true, RoleARN: "arn:aws:iam::1:role/r"}, ""},
	}
	for _, tc := range cases {
		err := checkFlags(&tc.o)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%+v: %v, want %q", tc.o, err, tc.want)
		}
	}
}

// Every reference of the identity-pool and STS entries of the catalogue
// is a flag or a --flow value of this command.
func TestCatalogueReferencesAreFlags(t *testing.T) {
	t.Parallel()
	f := &cmdutil.Factory{Env: func(string) string { return "" }}
	root := cmdutil.NewRootCmd(f)
	cmd := NewCmdCredentials(f, nil)
	root.AddCommand(cmd)
	n := 0
	for _, e := range flows.Catalogue() {
		if e.Source != flows.SourceCognitoIdentity && e.Source != flows.SourceSTS {
			continue
		}
		for _, r := range (flows.Text{Fix: e.Cause + " " + e.Fix}).Refs() {
			n++
			switch r.Kind {
			case "flow":
				if r.Name != idpool.FlowEnhanced && r.Name != idpool.FlowBasic {
					t.Errorf("%s: --flow %s is not a credentials flow", e.ID, r.Name)
				}
			case "input", "omit":
				if cmd.Flags().Lookup(r.Name) == nil && root.PersistentFlags().Lookup(r.Name) == nil {
					t.Errorf("%s: --%s is not a flag of credentials", e.ID, r.Name)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no references checked")
	}
}

type cliEnv struct {
	stack *localtest.Env
	env   map[string]string
}

func newEnv(t *testing.T) *cliEnv {
	dir := t.TempDir()
	return &cliEnv{stack: localtest.Start(t), env: map[string]string{
		"XDG_CONFIG_HOME": filepath.Join(dir, "config"), "XDG_STATE_HOME": filepath.Join(dir, "state")}}
}

func (e *cliEnv) run(t *testing.T, stdin string, args ...string) (code int, out, errOut string) {
	t.Helper()
	var o, eo bytes.Buffer
	f := &cmdutil.Factory{IO: cmdutil.IOStreams{In: strings.NewReader(stdin), Out: &o, ErrOut: &eo},
		Env: func(k string) string { return e.env[k] }, Now: time.Now, HTTP: &http.Client{Timeout: 10 * time.Second}}
	root := cmdutil.NewRootCmd(f)
	root.AddCommand(NewCmdCredentials(f, nil))
	full := append([]string{"credentials", "--endpoint", e.stack.Endpoint, "--user-pool-id", e.stack.Demo.PoolID,
		"--client-id", e.stack.Demo.ClientID}, args...)
	code = cmdutil.Execute(context.Background(), f, root, full)
	return code, o.String(), eo.String()
}

func (e *cliEnv) tokens(t *testing.T) *ciptypes.AuthenticationResultType {
	t.Helper()
	out, err := e.stack.CognitoClient().InitiateAuth(context.Background(), &cip.InitiateAuthInput{
		AuthFlow: ciptypes.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(e.stack.Demo.ClientID),
		AuthParameters: map[string]string{"USERNAME": cognito.DemoUsername, "PASSWORD": cognito.DemoPassword}})
	if err != nil {
		t.Fatal(err)
	}
	return out.AuthenticationResult
}

// The --export lines, evaluated by a shell, give credentials with which
// the SDK's GetCallerIdentity names the assumed role.
func TestExportInAShell(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	e := newEnv(t)
	code, out, errOut := e.run(t, *e.tokens(t).IdToken+"\n", "--id-token-stdin", "--export")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	sh := exec.Command(bash, "-c", `eval "$1"; printf '%s\n%s\n%s\n%s\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN" "$AWS_REGION"`, "_", out)
	sh.Env = []string{"PATH=/usr/bin:/bin"}
	vals, err := sh.Output()
	if err != nil {
		t.Fatalf("bash: %v", err)
	}
	v := strings.Split(strings.TrimSuffix(string(vals), "\n"), "\n")
	if len(v) != 4 || !strings.HasPrefix(v[0], "ASIA") || v[1] == "" || v[2] == "" || v[3] != e.stack.Region {
		t.Fatalf("exported %q", v)
	}
	cfg := e.stack.AWSConfig()
	cfg.Credentials = credentials.NewStaticCredentialsProvider(v[0], v[1], v[2])
	who, err := e.stack.STSClient(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if want := "arn:aws:sts::123456789012:assumed-role/cogscope-demo-admins/CognitoIdentityCredentials"; *who.Arn != want {
		t.Errorf("caller %s, want %s", *who.Arn, want)
	}
}

func TestJSONAndCredentialProcess(t *testing.T) {
	e := newEnv(t)
	tok := *e.tokens(t).IdToken
	for _, reveal := range []bool{false, true} {
		args := []string{"--id-token-stdin", "--json"}
		if reveal {
			args = append(args, "--reveal")
		}
		code, out, errOut := e.run(t, tok+"\n", args...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var doc map[string]any
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"identityId", "roleArn", "rule", "principalTags", "expiration", "callerArn", "credentials"} {
			if _, ok := doc[k]; !ok {
				t.Errorf("no %s in %s", k, out)
			}
		}
		creds := doc["credentials"].(map[string]any)
		masked := creds["secretAccessKey"] == Masked && creds["sessionToken"] == Masked
		if masked == reveal || !strings.HasPrefix(creds["accessKeyId"].(string), "ASIA") {
			t.Errorf("reveal %v: credentials %v", reveal, creds)
		}
		if doc["roleArn"] != "arn:aws:iam::123456789012:role/cogscope-demo-admins" || !strings.HasPrefix(doc["rule"].(string), "claim rule 1: cognito:groups Contains") {
			t.Errorf("role %v rule %v", doc["roleArn"], doc["rule"])
		}
		if tags := doc["principalTags"].(map[string]any); tags["tenant"] != "acme" {
			t.Errorf("tags %v", tags)
		}
	}
	code, out, errOut := e.run(t, "", "--guest", "--credential-process")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var cp struct {
		Version                                                int
		AccessKeyId, SecretAccessKey, SessionToken, Expiration string
	}
	if err := json.Unmarshal([]byte(out), &cp); err != nil || cp.Version != 1 || cp.SecretAccessKey == "" || cp.SessionToken == "" {
		t.Fatalf("credential_process %s: %v", out, err)
	}
	if _, err := time.Parse(time.RFC3339, cp.Expiration); err != nil {
		t.Errorf("expiration %q: %v", cp.Expiration, err)
	}
}

func TestHumanOutputAndFailures(t *testing.T) {
	e := newEnv(t)
	res := e.tokens(t)
	code, out, errOut := e.run(t, *res.IdToken+"\n", "--id-token-stdin", "--flow", "basic")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"role         arn:aws:iam::123456789012:role/cogscope-demo-authenticated", "basic flow", "secret       ********", "expires"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	cases := []struct {
		name, stdin string
		args        []string
		code        int
		want        string
	}{
		{"access token", *res.AccessToken + "\n", []string{"--id-token-stdin"}, 1, "fix:   Send the ID token: the saved session's, or the ID token on --id-token-stdin"},
		{"unknown pool", *res.IdToken + "\n", []string{"--id-token-stdin", "--identity-pool-id", "us-east-1:00000000-0000-4000-8000-000000000000"}, 1, "ResourceNotFoundException"},
		{"no saved session", "", nil, 2, "run cogscope login first"},
		{"not a JWT", "nope\n", []string{"--id-token-stdin"}, 2, "not a JWT"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := e.run(t, tc.stdin, tc.args...)
			if code != tc.code || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant %d and %q", code, errOut, tc.code, tc.want)
			}
		})
	}
}

// After `cogscope login`, the saved session's ID token is used.
func TestSavedSession(t *testing.T) {
	e := newEnv(t)
	var o, eo bytes.Buffer
	f := &cmdutil.Factory{IO: cmdutil.IOStreams{In: strings.NewReader(cognito.DemoPassword + "\n"), Out: &o, ErrOut: &eo},
		Env: func(k string) string { return e.env[k] }, Now: time.Now, HTTP: &http.Client{Timeout: 10 * time.Second}}
	root := cmdutil.NewRootCmd(f)
	root.AddCommand(login.NewCmdLogin(f, nil))
	if code := cmdutil.Execute(context.Background(), f, root, []string{"login", "--endpoint", e.stack.Endpoint, "--user-pool-id", e.stack.Demo.PoolID,
		"--client-id", e.stack.Demo.ClientID, "--flow", "password", "--username", cognito.DemoUsername, "--password-stdin"}); code != 0 {
		t.Fatalf("login exit %d: %s", code, eo.String())
	}
	code, out, errOut := e.run(t, "", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, `"callerArn": "arn:aws:sts::123456789012:assumed-role/cogscope-demo-admins/CognitoIdentityCredentials"`) {
		t.Errorf("output:\n%s", out)
	}
}

// With nothing configured, the in-process local stack's demo identity pool
// serves a guest (and a user needs a token the stack can verify).
func TestLocalDemoGuest(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"XDG_CONFIG_HOME": filepath.Join(dir, "config"), "XDG_STATE_HOME": filepath.Join(dir, "state")}
	run := func(args ...string) (int, string, string) {
		var o, eo bytes.Buffer
		f := &cmdutil.Factory{IO: cmdutil.IOStreams{In: strings.NewReader(""), Out: &o, ErrOut: &eo},
			Env: func(k string) string { return env[k] }, Now: time.Now, HTTP: &http.Client{Timeout: 10 * time.Second}}
		root := cmdutil.NewRootCmd(f)
		root.AddCommand(NewCmdCredentials(f, nil))
		code := cmdutil.Execute(context.Background(), f, root, append([]string{"credentials"}, args...))
		return code, o.String(), eo.String()
	}
	code, out, errOut := run("--guest", "--json")
	if code != 0 || !strings.Contains(out, "assumed-role/cogscope-demo-guest/CognitoIdentityCredentials") ||
		!strings.Contains(out, `"rule": "the pool's unauthenticated role (guest identity)"`) {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
	if code, _, errOut := run(); code != 2 || !strings.Contains(errOut, "in-process local stack has no sessions") {
		t.Errorf("no token: exit %d: %s", code, errOut)
	}
}
