package login

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil/cmdtest"
	"github.com/cogscope/cogscope/flows/oauth"
)

// TestNewCmdLoginFlags parses login's command line through runF: the
// options loginRun would get, and which flags were given, without
// resolving a target or running a flow.
func TestNewCmdLoginFlags(t *testing.T) {
	t.Parallel()
	// defaults fills in the values the flags have when not given.
	defaults := func(o LoginOptions) LoginOptions {
		if o.Hosted.Timeout == 0 {
			o.Hosted.Timeout = oauth.DefaultTimeout
		}
		if o.Hosted.ClientAuth == "" {
			o.Hosted.ClientAuth = "basic"
		}
		if o.FlagsSet == nil {
			o.FlagsSet = map[string]bool{}
		}
		return o
	}
	set := func(names ...string) map[string]bool {
		m := map[string]bool{}
		for _, n := range names {
			m[n] = true
		}
		return m
	}
	cases := []struct {
		name    string
		args    string
		want    LoginOptions
		wantErr string
	}{
		{name: "no flags", args: "", want: defaults(LoginOptions{Save: true})},
		{name: "api flow and target",
			args: "--flow password --user-pool-id eu-west-1_AbC --client-id c1 --username alice --password-stdin --json",
			want: defaults(LoginOptions{Flow: "password", UserPoolID: "eu-west-1_AbC", ClientID: "c1", Username: "alice",
				PasswordStdin: true, JSON: true, Save: true,
				FlagsSet: set("flow", "user-pool-id", "client-id", "username", "password-stdin", "json")})},
		{name: "secrets and user-auth",
			args: "--flow=user-auth --client-secret s3 --client-secret-stdin --preferred-challenge email_otp --remember-device --reveal",
			want: defaults(LoginOptions{Flow: "user-auth", ClientSecret: "s3", ClientSecretStdin: true, PreferredChallenge: "email_otp",
				RememberDevice: true, Reveal: true, Save: true,
				FlagsSet: set("flow", "client-secret", "client-secret-stdin", "preferred-challenge", "remember-device", "reveal")})},
		{name: "scripted answers",
			args: "--new-password-env NP --totp-secret-env TS --mfa-code-command fetch --answer a=1 --answer CUSTOM_CHALLENGE=2 --new-password-stdin",
			want: defaults(LoginOptions{Save: true, Script: ScriptOptions{NewPasswordStdin: true, NewPasswordEnv: "NP", TOTPSecretEnv: "TS",
				MFACodeCommand: "fetch", Answers: []string{"a=1", "CUSTOM_CHALLENGE=2"}},
				FlagsSet: set("new-password-env", "totp-secret-env", "mfa-code-command", "answer", "new-password-stdin")})},
		{name: "no-save",
			args: "--no-save",
			want: defaults(LoginOptions{Save: true, NoSave: true, FlagsSet: set("no-save")})},
		{name: "save and no-save both given are facts for loginRun to refuse",
			args: "--save --no-save",
			want: defaults(LoginOptions{Save: true, NoSave: true, FlagsSet: set("save", "no-save")})},
		{name: "save=false",
			args: "--save=false",
			want: LoginOptions{Save: false, Hosted: HostedOptions{Timeout: oauth.DefaultTimeout, ClientAuth: "basic"}, FlagsSet: set("save")}},
		{name: "refresh from stdin",
			args: "--flow refresh --refresh-token-stdin",
			want: defaults(LoginOptions{Flow: "refresh", RefreshTokenStdin: true, Save: true, FlagsSet: set("flow", "refresh-token-stdin")})},
		{name: "hosted-UI flags",
			args: `--flow pkce --issuer https://idp.example/pool --domain auth.example.com --redirect-uri http://localhost:8765/callback --scope openid --no-browser --timeout 90s --client-auth post --identity-provider Google --idp-identifier corp --prompt login --lang fr`,
			want: defaults(LoginOptions{Flow: "pkce", Save: true, Hosted: HostedOptions{
				Issuer: "https://idp.example/pool", Domain: "auth.example.com", RedirectURI: "http://localhost:8765/callback",
				Scope: "openid", NoBrowser: true, Timeout: 90 * time.Second, ClientAuth: "post", IdentityProvider: "Google",
				IDPIdentifier: "corp", Prompt: "login", Lang: "fr"},
				FlagsSet: set("flow", "issuer", "domain", "redirect-uri", "scope", "no-browser", "timeout", "client-auth",
					"identity-provider", "idp-identifier", "prompt", "lang")})},
		{name: "a flag given its default value is still given",
			args: "--client-auth basic --timeout 5m",
			want: defaults(LoginOptions{Save: true, Hosted: HostedOptions{ClientAuth: "basic", Timeout: 5 * time.Minute},
				FlagsSet: set("client-auth", "timeout")})},
		{name: "bad duration", args: "--timeout soon", wantErr: `invalid argument "soon" for "--timeout"`},
		{name: "unknown flag", args: "--password hunter2", wantErr: "unknown flag: --password"},
		{name: "no arguments", args: "alice", wantErr: `unknown command "alice"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f, got := cmdtest.ParseFlags(t, NewCmdLogin, strings.Fields(c.args), c.wantErr)
			if got == nil {
				return
			}
			if got.IO != &f.IO || got.Factory != f || got.Config == nil {
				t.Errorf("the options do not carry the factory's streams, config and factory: %+v", got)
			}
			flagsOnly := *got
			flagsOnly.IO, flagsOnly.Config, flagsOnly.Factory = nil, nil, nil
			if !reflect.DeepEqual(flagsOnly, c.want) {
				t.Errorf("options\n got %+v\nwant %+v", flagsOnly, c.want)
			}
		})
	}
}
