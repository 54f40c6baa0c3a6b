package call

import (
	"reflect"
	"testing"
	"time"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil/cmdtest"
)

// TestNewCmdCallFlags parses call's command line through runF: the
// arguments, the token, the request's parts and the smoke flags, and the
// combinations refused before anything is sent.
func TestNewCmdCallFlags(t *testing.T) {
	t.Parallel()
	def := func(o CallOptions) CallOptions {
		if o.Token == "" {
			o.Token = "access"
		}
		if o.AuthScheme == "" {
			o.AuthScheme = "bearer"
		}
		if o.LogsWait == 0 {
			o.LogsWait = 10 * time.Second
		}
		if o.AuthHeader == "" {
			o.AuthHeader = "Authorization"
		}
		if o.Timeout == 0 {
			o.Timeout = 30 * time.Second
		}
		if o.FlagsSet == nil {
			o.FlagsSet = map[string]bool{}
		}
		return o
	}
	cases := []struct {
		name    string
		args    []string
		want    CallOptions
		wantErr string
	}{
		{name: "a path", args: []string{"/hello"}, want: def(CallOptions{Target: "/hello"})},
		{name: "a method and a URL", args: []string{"POST", "https://x.example/orders"}, want: def(CallOptions{Method: "POST", Target: "https://x.example/orders"})},
		{name: "everything for one call",
			args: []string{"PUT", "/orders/1", "--token", "id", "--auth-scheme", "RAW", "--auth-header", "X-Token", "-H", "A: 1", "-H", "B: 2",
				"-d", "@body.json", "--timeout", "5s", "--expect", "201", "--json"},
			want: def(CallOptions{Method: "PUT", Target: "/orders/1", Token: "id", AuthScheme: "raw", AuthHeader: "X-Token",
				Headers: []string{"A: 1", "B: 2"}, Data: "@body.json", Timeout: 5 * time.Second, Expect: 201, JSON: true,
				FlagsSet: map[string]bool{"token": true, "auth-scheme": true, "auth-header": true, "header": true, "data": true,
					"timeout": true, "expect": true, "json": true}})},
		{name: "no token", args: []string{"/hello", "--token", "none"}, want: def(CallOptions{Target: "/hello", Token: "none", FlagsSet: map[string]bool{"token": true}})},
		{name: "stdin token", args: []string{"/private", "--bearer-stdin"}, want: def(CallOptions{Target: "/private", BearerStdin: true, FlagsSet: map[string]bool{"bearer-stdin": true}})},
		{name: "the call's log lines", args: []string{"/admin", "--logs", "--logs-wait", "3s"}, want: def(CallOptions{Target: "/admin", Logs: true, LogsWait: 3 * time.Second,
			FlagsSet: map[string]bool{"logs": true, "logs-wait": true}})},
		{name: "a preflight prediction", args: []string{"/scoped", "--preflight", "--token", "id"}, want: def(CallOptions{Target: "/scoped", Token: "id", Preflight: true,
			FlagsSet: map[string]bool{"preflight": true, "token": true}})},
		{name: "preflight with routes", args: []string{"--routes", "--preflight"}, wantErr: "--preflight is for one call"},
		{name: "logs with routes", args: []string{"--routes", "--logs"}, wantErr: "--logs is for one call"},
		{name: "smoke with junit", args: []string{"--routes", "--junit", "out.xml"}, want: def(CallOptions{Routes: true, JUnit: "out.xml", FlagsSet: map[string]bool{"routes": true, "junit": true}})},

		{name: "signed", args: []string{"/iam", "--sigv4"}, want: def(CallOptions{Target: "/iam", SigV4: true, FlagsSet: map[string]bool{"sigv4": true}})},
		{name: "signed with a pool's credentials", args: []string{"/iam", "--sigv4", "--identity-pool-id", "eu-west-1:11111111-2222-3333-4444-555555555555"},
			want: def(CallOptions{Target: "/iam", SigV4: true, IdentityPoolID: "eu-west-1:11111111-2222-3333-4444-555555555555",
				FlagsSet: map[string]bool{"sigv4": true, "identity-pool-id": true}})},
		{name: "sigv4 and a token", args: []string{"/iam", "--sigv4", "--token", "id"}, wantErr: "--sigv4 and --token"},
		{name: "sigv4 and stdin", args: []string{"/iam", "--sigv4", "--bearer-stdin"}, wantErr: "--sigv4 and --bearer-stdin"},
		{name: "sigv4 and a scheme", args: []string{"/iam", "--sigv4", "--auth-scheme", "raw"}, wantErr: "--sigv4 and --auth-scheme"},
		{name: "pool without sigv4", args: []string{"/iam", "--identity-pool-id", "eu-west-1:11111111-2222-3333-4444-555555555555"}, wantErr: "--identity-pool-id needs --sigv4 or --routes"},
		{name: "sigv4 with routes", args: []string{"--routes", "--sigv4"}, wantErr: "--sigv4 is for one call"},
		{name: "routes signed with a pool's credentials", args: []string{"--routes", "--identity-pool-id", "eu-west-1:11111111-2222-3333-4444-555555555555"},
			want: def(CallOptions{Routes: true, IdentityPoolID: "eu-west-1:11111111-2222-3333-4444-555555555555",
				FlagsSet: map[string]bool{"routes": true, "identity-pool-id": true}})},
		{name: "routes with a bad pool id", args: []string{"--routes", "--identity-pool-id", "eu-west-1"}, wantErr: `--identity-pool-id "eu-west-1": want <region>:<uuid>`},
		{name: "bad pool id", args: []string{"/iam", "--sigv4", "--identity-pool-id", "not-a-pool"}, wantErr: `--identity-pool-id "not-a-pool"`},
		{name: "nothing to call", args: nil, wantErr: "no URL or path"},
		{name: "three arguments", args: []string{"GET", "/a", "/b"}, wantErr: "accepts at most 2 arg"},
		{name: "bad token kind", args: []string{"/a", "--token", "refresh"}, wantErr: `--token "refresh": want access, id or none`},
		{name: "bad scheme", args: []string{"/a", "--auth-scheme", "basic"}, wantErr: `--auth-scheme "basic"`},
		{name: "bad header name", args: []string{"/a", "--auth-header", "X Token"}, wantErr: "not a header name"},
		{name: "stdin and token", args: []string{"/a", "--bearer-stdin", "--token", "id"}, wantErr: "--bearer-stdin and --token"},
		{name: "zero timeout", args: []string{"/a", "--timeout", "0s"}, wantErr: "--timeout"},
		{name: "bad expect", args: []string{"/a", "--expect", "42"}, wantErr: "--expect 42"},
		{name: "routes with a path", args: []string{"/a", "--routes"}, wantErr: "give no URL or path"},
		{name: "routes with a body", args: []string{"--routes", "-d", "x"}, wantErr: "--data is for one call"},
		{name: "junit without routes", args: []string{"/a", "--junit", "x.xml"}, wantErr: "--junit needs --routes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f, got := cmdtest.ParseFlags(t, NewCmdCall, c.args, c.wantErr)
			if got == nil {
				return
			}
			if got.IO != &f.IO || got.Factory != f {
				t.Error("the options do not carry the factory's streams and factory")
			}
			flagsOnly := *got
			flagsOnly.IO, flagsOnly.Factory = nil, nil
			if len(flagsOnly.Headers) == 0 {
				flagsOnly.Headers = nil
			}
			if !reflect.DeepEqual(flagsOnly, c.want) {
				t.Errorf("options\n got %+v\nwant %+v", flagsOnly, c.want)
			}
		})
	}
}
