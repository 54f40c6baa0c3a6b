package inspect

import (
	"reflect"
	"testing"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil/cmdtest"
)

// TestNewCmdInspectFlags parses inspect's command line through runF: the
// argument, the expectations, the authorizer settings and the flags
// given, without reading or verifying a token.
func TestNewCmdInspectFlags(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		args    []string
		want    InspectOptions
		wantErr string
	}{
		{name: "no flags", want: InspectOptions{Skew: "0s", FlagsSet: map[string]bool{}}},
		{name: "a token and expectations",
			args: []string{"eyJ.x.y", "--issuer", "us-east-1_AbC", "--client-id", "a", "--client-id", "b", "--token-use", "access",
				"--scope", "s1", "--group", "g", "--skew", "30s", "--now", "2026-11-26T12:00:00Z", "--json"},
			want: InspectOptions{Args: []string{"eyJ.x.y"}, Issuer: "us-east-1_AbC", ClientIDs: []string{"a", "b"}, TokenUse: "access",
				Scopes: []string{"s1"}, Groups: []string{"g"}, Skew: "30s", Now: "2026-11-26T12:00:00Z", JSON: true,
				FlagsSet: map[string]bool{"issuer": true, "client-id": true, "token-use": true, "scope": true, "group": true,
					"skew": true, "now": true, "json": true}}},
		{name: "the session and an authorizer",
			args: []string{"--session", "access", "--authorizer", "http-jwt", "--audience", "c", "--route-scope", "r", "--jwks", "keys.json"},
			want: InspectOptions{Session: "access", JWKS: "keys.json", Skew: "0s",
				Judge:    authorizerOptions{Type: "http-jwt", Audience: []string{"c"}, RouteScopes: []string{"r"}},
				FlagsSet: map[string]bool{"session": true, "authorizer": true, "audience": true, "route-scope": true, "jwks": true}}},
		{name: "stdin", args: []string{"-"}, want: InspectOptions{Args: []string{"-"}, Skew: "0s", FlagsSet: map[string]bool{}}},
		{name: "two tokens", args: []string{"a", "b"}, wantErr: "accepts at most 1 arg"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f, got := cmdtest.ParseFlags(t, NewCmdInspect, c.args, c.wantErr)
			if got == nil {
				return
			}
			if got.IO != &f.IO || got.Factory != f {
				t.Error("the options do not carry the factory's streams and factory")
			}
			flagsOnly := *got
			flagsOnly.IO, flagsOnly.Factory = nil, nil
			if !reflect.DeepEqual(emptyAsNil(flagsOnly), emptyAsNil(c.want)) {
				t.Errorf("options\n got %+v\nwant %+v", flagsOnly, c.want)
			}
		})
	}
}

// emptyAsNil makes the options' empty lists nil: cobra and pflag give
// empty lists where a test writes none.
func emptyAsNil(o InspectOptions) InspectOptions {
	for _, l := range []*[]string{&o.Args, &o.ClientIDs, &o.Scopes, &o.Groups, &o.Judge.Audience, &o.Judge.RouteScopes, &o.Judge.ProviderARNs} {
		if len(*l) == 0 {
			*l = nil
		}
	}
	return o
}
