package replay

import (
	"testing"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil/cmdtest"
)

// TestNewCmdReplayFlags parses replay's command line through runF.
func TestNewCmdReplayFlags(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		args    []string
		check   func(*ReplayOptions) bool
		wantErr string
	}{
		{"file only", []string{"dev.json"}, func(o *ReplayOptions) bool { return o.File == "dev.json" && !o.JSON && !o.PasswordStdin }, ""},
		{"all", []string{"dev.json", "--json", "--password-stdin", "--username", "bob", "--user-pool-id", "eu-west-1_AbC", "--client-id", "c1", "--totp-secret-env", "T"},
			func(o *ReplayOptions) bool {
				return o.JSON && o.PasswordStdin && o.Username == "bob" && o.UserPoolID == "eu-west-1_AbC" && o.ClientID == "c1" &&
					o.Script.TOTPSecretEnv == "T" && o.FlagsSet["json"] && o.FlagsSet["password-stdin"]
			}, ""},
		{"login's challenge flags", []string{"f", "--answer", "CUSTOM_CHALLENGE=42", "--answer", "code=1", "--mfa-code-command", "fetch", "--new-password-env", "NP", "--new-password-stdin"},
			func(o *ReplayOptions) bool {
				s := o.Script
				return len(s.Answers) == 2 && s.Answers[1] == "code=1" && s.MFACodeCommand == "fetch" && s.NewPasswordEnv == "NP" && s.NewPasswordStdin && o.FlagsSet["answer"]
			}, ""},
		{"password env", []string{"f", "--password-env", "PW"}, func(o *ReplayOptions) bool { return o.PasswordEnv == "PW" }, ""},
		{"no file", nil, nil, "accepts 1 arg"},
		{"two files", []string{"a", "b"}, nil, "accepts 1 arg"},
		{"two password sources", []string{"f", "--password-stdin", "--password-env", "PW"}, nil, "not both"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, o := cmdtest.ParseFlags(t, NewCmdReplay, tc.args, tc.wantErr)
			if tc.wantErr == "" && !tc.check(o) {
				t.Errorf("options %+v", o)
			}
		})
	}
}
