package cmdutil

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestClientSecretFrom: login's order — stdin, the flag, the target's
// own, the profile's reference — and the profile's reference read only
// when nothing before it gives the secret.
func TestClientSecretFrom(t *testing.T) {
	t.Parallel()
	unset := errors.New("client_secret_env HCONF: $HCONF is not set")
	cases := []struct {
		name      string
		fl        ClientSecretFlags
		own       string
		profile   error // the profile's reference fails with it (nil: "from-profile")
		want      string
		wantErr   string
		readsProf bool
	}{
		{"stdin over an unset profile variable", ClientSecretFlags{Stdin: true}, "", unset, "from-stdin", "", false},
		{"stdin over the demo's", ClientSecretFlags{Stdin: true}, "demo", nil, "from-stdin", "", false},
		{"flag", ClientSecretFlags{Value: "from-flag"}, "demo", unset, "from-flag", "", false},
		{"the target's own", ClientSecretFlags{}, "demo", unset, "demo", "", false},
		{"the profile's", ClientSecretFlags{}, "", nil, "from-profile", "", true},
		{"the profile's, unset", ClientSecretFlags{}, "", unset, "", "profile dev: client_secret_env HCONF", true},
		{"stdin and flag", ClientSecretFlags{Stdin: true, Value: "x"}, "", nil, "", "not both", false},
		{"the profile's, unset, with --client-secret-stdin offered", ClientSecretFlags{Read: func(string) (string, error) { return "", errors.New("not read") }}, "", unset, "",
			"profile dev: client_secret_env HCONF: $HCONF is not set (set it, or give the secret on stdin with --client-secret-stdin)", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			read := false
			tg := Target{Profile: "dev", ClientSecret: tc.own, secret: func(context.Context) (string, error) {
				read = true
				if tc.profile != nil {
					return "", tc.profile
				}
				return "from-profile", nil
			}}
			fl := tc.fl
			if fl.Stdin {
				fl.Read = func(what string) (string, error) { return "from-stdin", nil }
			}
			got, err := tg.ClientSecretFrom(context.Background(), fl)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
			} else if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
			if read != tc.readsProf {
				t.Errorf("the profile's reference read: %v, want %v", read, tc.readsProf)
			}
		})
	}
}
