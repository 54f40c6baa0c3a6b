package tail

import (
	"reflect"
	"testing"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil/cmdtest"
)

// TestNewCmdTailFlags parses tail's command line through runF: groups,
// the window, the filter, following, the format — nothing is read.
func TestNewCmdTailFlags(t *testing.T) {
	t.Parallel()
	def := TailOptions{Since: "10m", Format: "short", FlagsSet: map[string]bool{}}
	cases := []struct {
		name    string
		args    []string
		want    TailOptions
		wantErr string
	}{
		{name: "defaults", want: def},
		{name: "groups by name and ARN", args: []string{"/aws/lambda/auth", "arn:aws:logs:us-east-1:123456789012:log-group:access:*"},
			want: TailOptions{Groups: []string{"/aws/lambda/auth", "arn:aws:logs:us-east-1:123456789012:log-group:access:*"}, Since: "10m", Format: "short", FlagsSet: map[string]bool{}}},
		{name: "every flag", args: []string{"g", "--since", "1h", "--until", "2026-12-06T10:00:00Z", "--filter", `"ERROR"`, "--follow", "--poll",
			"--format", "detailed", "--utc", "--json"},
			want: TailOptions{Groups: []string{"g"}, Since: "1h", Until: "2026-12-06T10:00:00Z", Filter: `"ERROR"`, Follow: true, Poll: true,
				Format: "detailed", UTC: true, JSON: true,
				FlagsSet: map[string]bool{"since": true, "until": true, "filter": true, "follow": true, "poll": true, "format": true, "utc": true, "json": true}}},
		{name: "request id and -f", args: []string{"-f", "--request-id", "abc="},
			want: TailOptions{Since: "10m", Format: "short", Follow: true, RequestID: "abc=", FlagsSet: map[string]bool{"follow": true, "request-id": true}}},
		{name: "bad format", args: []string{"--format", "long"}, wantErr: `--format "long": want short or detailed`},
		{name: "poll without follow", args: []string{"--poll"}, wantErr: "give --follow too"},
		{name: "unknown flag", args: []string{"--tail"}, wantErr: "unknown flag: --tail"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f, got := cmdtest.ParseFlags(t, NewCmdTail, c.args, c.wantErr)
			if got == nil {
				return
			}
			if got.IO != &f.IO || got.Factory != f {
				t.Error("the options do not carry the factory's streams and factory")
			}
			o := *got
			o.IO, o.Factory = nil, nil
			if len(o.Groups) == 0 {
				o.Groups = nil
			}
			if !reflect.DeepEqual(o, c.want) {
				t.Errorf("options\n got %+v\nwant %+v", o, c.want)
			}
		})
	}
}
