package doctor

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/flows"
	lib "github.com/cogscope/cogscope/internal/doctor"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

func factory(t *testing.T, out, errOut io.Writer, env map[string]string) *cmdutil.Factory {
	dir := t.TempDir()
	base := map[string]string{"XDG_CONFIG_HOME": filepath.Join(dir, "config"), "XDG_STATE_HOME": filepath.Join(dir, "state"),
		"XDG_DATA_HOME": filepath.Join(dir, "data"), "HOME": dir}
	for k, v := range env {
		base[k] = v
	}
	return &cmdutil.Factory{IO: cmdutil.IOStreams{In: strings.NewReader(""), Out: out, ErrOut: errOut},
		Env: func(k string) string { return base[k] }, Now: time.Now, HTTP: &http.Client{Timeout: 10 * time.Second}}
}

func run(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut strings.Builder
	f := factory(t, &out, &errOut, env)
	root := cmdutil.NewRootCmd(f)
	root.AddCommand(NewCmdDoctor(f, nil))
	code := cmdutil.Execute(context.Background(), f, root, args)
	return code, out.String(), errOut.String()
}

func TestFlags(t *testing.T) {
	t.Parallel()
	cases := []struct {
		args []string
		want DoctorOptions
	}{
		{[]string{"doctor"}, DoctorOptions{}},
		{[]string{"doctor", "--flow", "pkce", "--user-pool-id", "us-east-1_abc", "--client-id", "c1", "--redirect-uri", "http://localhost:1/cb",
			"--scope", "openid email", "--api-id", "a1", "--api-id", "b2", "--json"},
			DoctorOptions{Flow: "pkce", UserPoolID: "us-east-1_abc", ClientID: "c1", RedirectURI: "http://localhost:1/cb", Scope: "openid email", APIIDs: []string{"a1", "b2"}, JSON: true}},
	}
	for _, c := range cases {
		var got *DoctorOptions
		f := factory(t, io.Discard, io.Discard, nil)
		root := cmdutil.NewRootCmd(f)
		root.AddCommand(NewCmdDoctor(f, func(o *DoctorOptions) error { got = o; return nil }))
		if code := cmdutil.Execute(context.Background(), f, root, c.args); code != 0 || got == nil {
			t.Fatalf("%v: exit %d", c.args, code)
		}
		if got.Flow != c.want.Flow || got.UserPoolID != c.want.UserPoolID || got.ClientID != c.want.ClientID || got.RedirectURI != c.want.RedirectURI ||
			got.Scope != c.want.Scope || !slices.Equal(got.APIIDs, c.want.APIIDs) || got.JSON != c.want.JSON {
			t.Errorf("%v: got %+v", c.args, got)
		}
	}
}

func TestBadFlowIsAUsageError(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	code, _, errOut := run(t, nil, "doctor", "--endpoint", env.Endpoint, "--flow", "magic")
	if code != cmdutil.ExitUsage || !strings.Contains(errOut, `--flow "magic"`) {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

type doc struct {
	Checks []lib.Finding `json:"checks"`
	Unread []lib.Unread  `json:"unread"`
}

func decode(t *testing.T, out string) doc {
	t.Helper()
	var d doc
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	return d
}

func find(d doc, name string) []lib.Finding {
	var out []lib.Finding
	for _, c := range d.Checks {
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out
}

func TestDoctorOnTheLocalStack(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	bad, err := env.CognitoClient().CreateUserPoolClient(context.Background(), &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(cognito.DemoPoolID), ClientName: aws.String("no-srp"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{"ALLOW_USER_PASSWORD_AUTH"}, PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled})
	if err != nil {
		t.Fatal(err)
	}
	badID := aws.ToString(bad.UserPoolClient.ClientId)

	t.Run("a misconfigured client fails with the exact error (JSON)", func(t *testing.T) {
		code, out, _ := run(t, nil, "doctor", "--endpoint", env.Endpoint, "--user-pool-id", cognito.DemoPoolID, "--client-id", badID, "--json")
		if code != cmdutil.ExitRefused {
			t.Errorf("exit %d, want 1", code)
		}
		d := decode(t, out)
		f := find(d, "client.auth-flow")
		if len(f) != 1 || f[0].Status != lib.StatusFail || f[0].Error != "InvalidParameterException: USER_SRP_AUTH is not enabled for the client." || f[0].Fix == "" {
			t.Errorf("client.auth-flow = %+v", f)
		}
		// --json keeps the row code and links the entry on the page.
		if len(f) == 1 && (f[0].Catalogue != "cognito.flow-disabled" || f[0].Ref != "a3" || f[0].Link != flows.RefURL("cognito.flow-disabled")) {
			t.Errorf("client.auth-flow's entry: catalogue %q ref %q link %q", f[0].Catalogue, f[0].Ref, f[0].Link)
		}
		if api := find(d, "api.issuer"); len(api) != 1 || api[0].Status != lib.StatusSkipped {
			t.Errorf("without --api-id the API checks are skipped: %+v", api)
		}
		for _, c := range d.Checks {
			if !slices.Contains([]lib.Status{lib.StatusOK, lib.StatusWarn, lib.StatusFail, lib.StatusSkipped}, c.Status) || c.Name == "" || c.Detail == "" {
				t.Errorf("check %+v", c)
			}
		}
	})
	t.Run("a misconfigured client (text) links its entry, not a row", func(t *testing.T) {
		code, out, _ := run(t, nil, "doctor", "--endpoint", env.Endpoint, "--user-pool-id", cognito.DemoPoolID, "--client-id", badID)
		if code != cmdutil.ExitRefused {
			t.Errorf("exit %d, want 1", code)
		}
		for _, want := range []string{"    see:   cogscope explain cognito.flow-disabled\n", "    link:  " + flows.RefURL("cognito.flow-disabled") + "\n"} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		if strings.Contains(out, "failure catalogue") {
			t.Errorf("output names a failure-catalogue row:\n%s", out)
		}
	})
	t.Run("a sound client passes (text)", func(t *testing.T) {
		code, out, _ := run(t, nil, "doctor", "--endpoint", env.Endpoint, "--user-pool-id", cognito.DemoPoolID, "--client-id", badID, "--flow", "password")
		if code != cmdutil.ExitOK {
			t.Errorf("exit %d, want 0:\n%s", code, out)
		}
		if !strings.Contains(out, "✓ client.auth-flow: USER_PASSWORD_AUTH is enabled") || strings.Contains(out, "✗") {
			t.Errorf("stdout:\n%s", out)
		}
	})
	t.Run("the API's authorizers are read with --api-id", func(t *testing.T) {
		code, out, _ := run(t, nil, "doctor", "--endpoint", env.Endpoint, "--user-pool-id", cognito.DemoPoolID, "--client-id", cognito.DemoSecretClientID,
			"--flow", "password", "--api-id", env.API.HTTPAPIID, "--json")
		d := decode(t, out)
		aud := find(d, "api.audience")
		if code != cmdutil.ExitRefused || len(aud) != 1 || aud[0].Status != lib.StatusFail || !strings.Contains(aud[0].Error, "does not have a valid audience") {
			t.Errorf("exit %d, api.audience = %+v", code, aud)
		}
	})
}

func TestDoctorWithoutCredentialsSaysWhatItSkipped(t *testing.T) {
	t.Parallel()
	code, out, _ := run(t, nil, "doctor", "--region", "eu-west-1", "--user-pool-id", "eu-west-1_AbCdEfGhI", "--client-id", "abc", "--api-id", "x1")
	if code != cmdutil.ExitOK {
		t.Errorf("exit %d", code)
	}
	for _, want := range []string{"- client.auth-flow:", "could not read DescribeUserPoolClient: no AWS credentials", "Not read:", "set AWS credentials"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
}

func TestServerTextIsSanitised(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	writeText(&b, lib.Target{PoolID: "p", ClientID: "c", Flow: "srp"}, lib.Report{Checks: []lib.Finding{{Name: "x", Status: lib.StatusFail, Detail: "bad \x1b[31mred\x1b[0m", Error: "e\x07"}}})
	if strings.ContainsAny(b.String(), "\x1b\x07") {
		t.Errorf("control characters printed: %q", b.String())
	}
	// termtext shows them as visible escapes: the text reads as sent.
	for _, want := range []string{`bad \x1b[31mred\x1b[0m`, `e\x07`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("output lacks %q: %q", want, b.String())
		}
	}
}
