package cmdutil

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/awsclient"
	"github.com/cogscope/cogscope/internal/local/identity"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

// TestFindSigV4 walks FindSigV4's rule against the in-process stack: the
// demo identity pool by default on the local stack (a good ID token gets
// credentials for the pool's region; a bad one the pool's refusal), a
// named pool, no ID token (the caller's words), the ID token's own error,
// and, off the local stack, the AWS chain (none: the plain reason; some:
// the region of an execute-api host).
func TestFindSigV4(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	cfg := env.AWSConfig()
	fl, err := flows.New(flows.Options{Kind: flows.KindUserSRP, API: awsclient.AnonymousCognito(cfg, env.Endpoint), UserPoolID: env.Demo.PoolID,
		ClientID: env.Demo.ClientID, Username: env.Demo.Username, Password: env.Demo.Password})
	if err != nil {
		t.Fatal(err)
	}
	res, err := flows.Run(context.Background(), fl, flows.NonInteractive)
	if err != nil || res.Tokens == nil {
		t.Fatalf("demo sign-in: %v", err)
	}
	idToken := res.Tokens.IDToken
	local := Target{Endpoint: env.Endpoint, Region: env.Region, UserPoolID: env.Demo.PoolID, ClientID: env.Demo.ClientID}
	remote := Target{Region: "eu-west-1", UserPoolID: "eu-west-1_AbC", ClientID: "c1"}
	static := func(_ context.Context, _ *Factory, t Target) (aws.Config, error) {
		return awsclient.Static(t.Region, nil), nil
	}
	token := func(s string, err error) func(context.Context) (string, error) {
		return func(context.Context) (string, error) { return s, err }
	}
	errTokens := errors.New("no saved session")
	cases := []struct {
		name   string
		target Target
		o      SigV4Options
		// wantSource / wantRegion for credentials; wantNo for a
		// NoSigV4Error's reason; wantErr for another error.
		wantSource, wantRegion, wantNo string
		wantErr                        error
	}{
		{"local stack, demo pool", local, SigV4Options{IDToken: token(idToken, nil)},
			"identity pool " + identity.DemoPoolID(env.Region) + " (role ", env.Region, "", nil},
		{"named pool", local, SigV4Options{IdentityPoolID: identity.DemoPoolID(env.Region), IDToken: token(idToken, nil)},
			"identity pool " + identity.DemoPoolID(env.Region), env.Region, "", nil},
		{"a token the pool refuses", local, SigV4Options{IDToken: token("not.a.token", nil)},
			"", "", "credentials from identity pool " + identity.DemoPoolID(env.Region) + ": ", nil},
		{"unknown pool", local, SigV4Options{IdentityPoolID: env.Region + ":11111111-2222-3333-4444-555555555555", IDToken: token(idToken, nil)},
			"", "", "credentials from identity pool " + env.Region + ":11111111-2222-3333-4444-555555555555: ", nil},
		{"no ID token, the caller's words", local, SigV4Options{IDToken: token("", nil), NoIDToken: func(p string) string { return "nothing to trade at " + p }},
			"", "", "nothing to trade at " + identity.DemoPoolID(env.Region), nil},
		{"no ID token, default words", local, SigV4Options{}, "", "", "no ID token to trade at identity pool " + identity.DemoPoolID(env.Region), nil},
		{"the token's own error", local, SigV4Options{IDToken: token("", errTokens)}, "", "", "", errTokens},
		{"off the stack, no credentials", remote, SigV4Options{HasAWSCredentials: func(context.Context) bool { return false }},
			"", "", "no AWS credentials (set AWS_PROFILE, or aws_profile in the profile), and no --identity-pool-id to get some from", nil},
		{"off the stack, the chain", remote, SigV4Options{ForURL: "https://abc123.execute-api.ap-south-1.amazonaws.com/iam", HasAWSCredentials: func(context.Context) bool { return true }},
			"the AWS credential chain", "ap-south-1", "", nil},
		{"off the stack, the target's region", remote, SigV4Options{ForURL: "https://api.example.com/iam", HasAWSCredentials: func(context.Context) bool { return true }},
			"the AWS credential chain", "eu-west-1", "", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := &Factory{Env: func(string) string { return "" }, AWSConfigFunc: static}
			s, err := f.FindSigV4(context.Background(), tc.target, tc.o)
			var no *NoSigV4Error
			switch {
			case tc.wantErr != nil:
				if !errors.Is(err, tc.wantErr) {
					t.Errorf("err %v, want %v", err, tc.wantErr)
				}
			case tc.wantNo != "":
				if !errors.As(err, &no) || !strings.HasPrefix(no.Reason, tc.wantNo) {
					t.Errorf("err %v, want a NoSigV4Error starting %q", err, tc.wantNo)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(s.Source, tc.wantSource) || s.Region != tc.wantRegion || !s.Creds.HasKeys() {
					t.Errorf("source %q, region %q, keys %v; want %q, %q", s.Source, s.Region, s.Creds.HasKeys(), tc.wantSource, tc.wantRegion)
				}
			}
		})
	}
}

func TestValidIdentityPoolID(t *testing.T) {
	t.Parallel()
	for id, want := range map[string]bool{
		"eu-west-1:11111111-2222-3333-4444-555555555555": true,
		"eu-west-1":                                      false,
		":11111111-2222-3333-4444-555555555555":          false,
		"eu-west-1:11111111-2222-3333-4444-55555555555":  false,
		"eu-west-1:11111111_2222-3333-4444-555555555555": false,
		"EU-WEST-1:11111111-2222-3333-4444-555555555555": false,
		"bogus": false,
	} {
		if got := ValidIdentityPoolID(id); got != want {
			t.Errorf("ValidIdentityPoolID(%q) = %v", id, got)
		}
	}
}
