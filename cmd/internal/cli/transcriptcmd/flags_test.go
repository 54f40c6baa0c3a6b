package transcriptcmd

import (
	"testing"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil/cmdtest"
)

// TestNewCmdExportFlags parses export's command line through runF.
func TestNewCmdExportFlags(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		args    []string
		want    ExportOptions
		wantErr string
	}{
		{"defaults", nil, ExportOptions{Format: "md"}, ""},
		{"json to a file", []string{"--format", "json", "--output", "s.json"}, ExportOptions{Format: "json", Output: "s.json"}, ""},
		{"short output", []string{"-o", "t.md"}, ExportOptions{Format: "md", Output: "t.md"}, ""},
		{"pool and client", []string{"--user-pool-id", "eu-west-1_AbC", "--client-id", "c1"}, ExportOptions{Format: "md", UserPoolID: "eu-west-1_AbC", ClientID: "c1"}, ""},
		{"bad format", []string{"--format", "yaml"}, ExportOptions{}, `--format "yaml": want md or json`},
		{"argument", []string{"extra"}, ExportOptions{}, "unknown command"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, o := cmdtest.ParseFlags(t, NewCmdExport, tc.args, tc.wantErr)
			if tc.wantErr != "" {
				return
			}
			if o.Format != tc.want.Format || o.Output != tc.want.Output || o.UserPoolID != tc.want.UserPoolID || o.ClientID != tc.want.ClientID {
				t.Errorf("options %+v, want %+v", o, tc.want)
			}
		})
	}
}
