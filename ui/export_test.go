package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/cogscope/cogscope/ui/common"
	"github.com/cogscope/cogscope/ui/internal/fakes"
	"github.com/cogscope/cogscope/ui/internal/teststep"
	"github.com/cogscope/cogscope/ui/service"
)

// exporter is a fake Options.ExportTranscript: it answers path and err
// and counts its calls.
type exporter struct {
	path string
	err  error

	mu    sync.Mutex
	calls int
}

func (e *exporter) export(context.Context) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.calls++
	return e.path, e.err
}

func (e *exporter) count() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.calls
}

func exportOptions(e *exporter) Options {
	return Options{Target: fakes.Target(), SignIn: fakes.NewSignIn(), Tokens: fakes.NewTokens(), ExportTranscript: e.export}
}

const exportPath = "/home/u/.local/state/cogscope/transcripts/dev-20261206T155538Z.md"

// x writes the transcript through Options.ExportTranscript and says on
// the status line where the file is, that there was nothing to export,
// or why it failed.
func TestExportKey(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		path     string
		err      error
		width    int
		want     []string // in the status line
		wantErr  bool
		wantNots []string
	}{
		{name: "written, a wide line names the JSON too", path: exportPath, width: 200,
			want: []string{"transcript (Markdown, secrets masked) written to " + exportPath + ", and its JSON beside it (.json, for cogscope replay)"}},
		{name: "written", path: exportPath, width: 120,
			want: []string{"transcript (Markdown, secrets masked) written to " + exportPath}},
		{name: "written, a narrower line", path: exportPath, width: 100,
			want: []string{"transcript written to " + exportPath}},
		{name: "written, a narrow line keeps the whole path", path: exportPath, width: 80,
			want: []string{exportPath}, wantNots: []string{"written"}},
		{name: "written, a path wider than the line keeps its file name", path: exportPath, width: 60,
			want: []string{"/home/u/", "dev-20261206T155538Z.md"}, wantNots: []string{"written"}},
		{name: "a path is shown safe", path: "/tmp/a\x1b[31mred\x07.md", width: 120,
			want: []string{`/tmp/a\x1b[31mred\x07.md`}, wantNots: []string{"\x1b[31m", "\x07"}},
		{name: "nothing recorded", width: 120,
			err:  fmt.Errorf("%w for dev yet: sign in (1) or call a route (3) first", service.ErrNothingRecorded),
			want: []string{"nothing recorded for dev yet: sign in (1) or call a route (3) first"}, wantNots: []string{"not written"}},
		{name: "failure", width: 120, err: errors.New("write /x/y.md: permission denied"), wantErr: true,
			want: []string{"the transcript was not written: write /x/y.md: permission denied"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := &exporter{path: tc.path, err: tc.err}
			d := newDriver(t, exportOptions(e), tc.width, 40)
			for _, p := range []Page{PageTokens, PageTimeline} { // global: from any view
				d.keys(fmt.Sprint(int(p) + 1))
				d.M.status = common.StatusMsg{}
				d.keys("x")
				st := d.M.Status()
				for _, w := range tc.want {
					if !strings.Contains(st, w) {
						t.Errorf("view %d: status %q, want %q", p+1, st, w)
					}
				}
				for _, w := range tc.wantNots {
					if strings.Contains(st, w) {
						t.Errorf("view %d: status %q holds %q", p+1, st, w)
					}
				}
				if d.M.status.Err != tc.wantErr {
					t.Errorf("view %d: status is an error: %v, want %v", p+1, d.M.status.Err, tc.wantErr)
				}
				if w := ansi.StringWidth(st); w > tc.width {
					t.Errorf("view %d: status %d cells wide in %d: %q", p+1, w, tc.width, st)
				}
				if !strings.Contains(d.screen(), tc.want[0]) {
					t.Errorf("view %d: the frame does not show %q:\n%s", p+1, tc.want[0], d.screen())
				}
			}
			if n := e.count(); n != 2 {
				t.Errorf("exported %d times, want 2", n)
			}
		})
	}
}

// x runs the export in a Cmd, never in Update; a press while one runs
// is dropped; without Options.ExportTranscript, with help open, or while
// a text field has the keyboard, x does not export.
func TestExportKeyRouting(t *testing.T) {
	t.Parallel()
	t.Run("in a Cmd, once at a time", func(t *testing.T) {
		t.Parallel()
		e := &exporter{path: exportPath}
		next, _ := New(exportOptions(e)).Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		m := next.(Model)
		next, _ = m.Update(teststep.Key("x"))
		m = next.(Model)
		next, cmd := m.Update(teststep.Key("x"))
		if cmd != nil || e.count() != 0 {
			t.Fatalf("a second x while exporting: cmd %v, %d exports run in Update", cmd != nil, e.count())
		}
		if m = next.(Model); !strings.Contains(m.Status(), "exporting") {
			t.Errorf("status while exporting %q", m.Status())
		}
	})
	cases := []struct {
		name string
		opts func(*exporter) Options
		keys []string
		want int // exports
	}{
		{"no exporter: the key is off", func(*exporter) Options {
			return Options{Target: fakes.Target(), SignIn: fakes.NewSignIn(), Tokens: fakes.NewTokens()}
		}, []string{"x"}, 0},
		{"help open", exportOptions, []string{"?", "x"}, 0},
		{"typing in a field", exportOptions, []string{"enter", "x"}, 0},
		{"tour open", func(e *exporter) Options {
			o := tourOptions()
			o.ExportTranscript = e.export
			return o
		}, []string{"t", "x"}, 1},
		{"after a field lets go", exportOptions, []string{"enter", "esc", "x"}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := &exporter{path: exportPath}
			d := newDriver(t, tc.opts(e), 120, 40)
			d.keys(tc.keys...)
			if n := e.count(); n != tc.want {
				t.Errorf("exported %d times, want %d (status %q)", n, tc.want, d.M.Status())
			}
			if got := strings.Contains(d.M.Status(), exportPath); got != (tc.want > 0) {
				t.Errorf("status %q", d.M.Status())
			}
		})
	}
}
