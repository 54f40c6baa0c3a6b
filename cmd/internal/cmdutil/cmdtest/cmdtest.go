// Package cmdtest holds test helpers the commands' tests share: parsing a
// command line through runF, an OAuth app client on the local stack's
// demo pool, and the `cogscope login --json` document. Only tests import
// it.
package cmdtest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/spf13/cobra"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

// ParseFlags runs the command newCmd builds (NewCmdX) with args, through a
// runF that records the options instead of running, on a factory with an
// empty stdin, discarded output and an empty environment. With wantErr
// set it fails the test unless Execute refused with an error containing
// wantErr before runF ran, and returns nil options; otherwise it fails the
// test unless Execute succeeded and runF ran, and returns the factory and
// the options runF got.
func ParseFlags[O any](t *testing.T, newCmd func(*cmdutil.Factory, func(*O) error) *cobra.Command, args []string, wantErr string) (*cmdutil.Factory, *O) {
	t.Helper()
	f := &cmdutil.Factory{IO: cmdutil.IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard},
		Env: func(string) string { return "" }}
	var got *O
	cmd := newCmd(f, func(o *O) error {
		got = o
		return nil
	})
	cmd.SetArgs(args)
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	err := cmd.Execute()
	if wantErr != "" {
		if err == nil || !strings.Contains(err.Error(), wantErr) || got != nil {
			t.Fatalf("err = %v (runF ran: %v), want %q", err, got != nil, wantErr)
		}
		return f, nil
	}
	if err != nil || got == nil {
		t.Fatalf("err %v, runF ran: %v", err, got != nil)
	}
	return f, got
}

// OAuthClient creates a client of the demo pool with a fresh loopback
// callback port (the port is free again when this returns; the CLI binds
// it).
func OAuthClient(t *testing.T, stack *localtest.Env, secret bool, oauthFlows ...types.OAuthFlowType) (id, sec, redirect string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	redirect = "http://" + ln.Addr().String() + "/callback"
	ln.Close()
	if len(oauthFlows) == 0 {
		oauthFlows = []types.OAuthFlowType{"code"}
	}
	scopes := []string{"openid", "email", "profile"}
	if secret {
		scopes = append(scopes, "cogscope-api/read")
	}
	out, err := stack.CognitoClient().CreateUserPoolClient(context.Background(), &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(cognito.DemoPoolID), ClientName: aws.String("cli-oauth"), GenerateSecret: secret,
		AllowedOAuthFlows: oauthFlows, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: scopes,
		CallbackURLs: []string{redirect}, SupportedIdentityProviders: []string{"COGNITO"},
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{"ALLOW_REFRESH_TOKEN_AUTH"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.UserPoolClient.ClientId), aws.ToString(out.UserPoolClient.ClientSecret), redirect
}

// LoginDoc is the `cogscope login --json` document.
type LoginDoc struct {
	Tokens *flows.Tokens     `json:"tokens"`
	Trace  []flows.Step      `json:"trace"`
	Error  *flows.Diagnosis  `json:"error"`
	Extra  map[string]string `json:"-"`
}

// DecodeLogin decodes stdout as the login document, refusing unknown
// fields.
func DecodeLogin(t *testing.T, out string) LoginDoc {
	t.Helper()
	var doc LoginDoc
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("stdout is not the login JSON: %v\n%s", err, out)
	}
	return doc
}
