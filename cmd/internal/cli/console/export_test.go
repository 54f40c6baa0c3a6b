package console

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/local/localtest"
	"github.com/cogscope/cogscope/internal/transcript"
	"github.com/cogscope/cogscope/ui/service"
)

// signInAndCall signs in as the demo user with SRP through the console's
// services and calls GET /private with the access token.
func signInAndCall(t *testing.T, ctx context.Context, c *console, username, password string) *flows.Tokens {
	t.Helper()
	opts := c.options()
	run, err := opts.SignIn.Start(ctx, service.SignInRequest{Flow: service.FlowSRP, Username: username, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	_, tk, err := drain(t, run)
	if err != nil || tk == nil {
		t.Fatalf("sign-in: %v", err)
	}
	res, err := opts.API.Call(ctx, service.CallRequest{Method: "GET", Path: "/private", TokenChoice: service.SendAccess, Token: tk.AccessToken})
	if err != nil || res.Status != 200 {
		t.Fatalf("GET /private: %+v %v", res, err)
	}
	return tk
}

// checkExport reads the exported file: new, 0600, in the state
// directory's transcripts/, Markdown of the sign-in and the call, and
// none of the secrets.
func checkExport(t *testing.T, path, stateHome string, secrets ...string) {
	t.Helper()
	if !filepath.IsAbs(path) || filepath.Dir(path) != filepath.Join(stateHome, "cogscope", "transcripts") || filepath.Ext(path) != ".md" {
		t.Errorf("exported to %s, want a .md file in %s", path, filepath.Join(stateHome, "cogscope", "transcripts"))
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if m := fi.Mode().Perm(); m != 0o600 {
		t.Errorf("mode %v, want 0600", m)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	md := string(b)
	for _, want := range []string{"# cogscope session transcript\n", "## Masked", "## Sign-in 1: srp — signed-in", "USER_SRP_AUTH", "## Call 1: GET `/private` → 200", "[masked]"} {
		if !strings.Contains(md, want) {
			t.Errorf("the export lacks %q:\n%s", want, md)
		}
	}
	if strings.HasPrefix(strings.TrimSpace(md), "{") {
		t.Errorf("the export is JSON, want Markdown:\n%.200s", md)
	}
	// Its JSON form beside it, for tools and `cogscope replay`.
	jsonPath := strings.TrimSuffix(path, ".md") + ".json"
	if fi, err := os.Stat(jsonPath); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the JSON beside the Markdown: %v %v", fi, err)
	}
	jb, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := transcript.ReadJSON(bytes.NewReader(jb))
	if err != nil {
		t.Fatalf("the JSON export does not read back: %v", err)
	}
	if len(tr.SignIns) != 1 || tr.SignIns[0].Flow != "srp" || len(tr.Calls) != 1 || tr.Calls[0].Status != 200 {
		t.Errorf("the JSON export: %d sign-ins, %d calls", len(tr.SignIns), len(tr.Calls))
	}
	for _, s := range secrets {
		if s == "" || strings.Contains(md, s) || strings.Contains(string(jb), s) {
			t.Errorf("the export holds a secret (or the test has an empty one): %.12q", s)
		}
	}
}

// The console's x against a `cogscope local` at --endpoint: nothing
// recorded yet is said plainly; after a sign-in and a call the latest
// session is written as Markdown to a new 0600 file beside the recorded
// sessions, without the password, the refresh token or a signature; a
// second export in the same second gets a file of its own.
func TestConsoleExportsTheTranscript(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	e := newConsoleEnv(t, "")
	ctx := context.Background()
	f := e.factory(cmdutil.GlobalOptions{Endpoint: env.Endpoint})
	at := time.Date(2026, 12, 6, 15, 55, 38, 0, time.UTC)
	c, err := newConsole(ctx, f, cmdutil.TargetFlags{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	export := c.options().ExportTranscript
	if export == nil {
		t.Fatal("no export")
	}
	if p, err := export(ctx); !errors.Is(err, service.ErrNothingRecorded) || p != "" || !strings.Contains(err.Error(), "sign in (1)") {
		t.Fatalf("export before anything was recorded: %q %v", p, err)
	}

	tk := signInAndCall(t, ctx, c, env.Demo.Username, env.Demo.Password)
	f.Now = func() time.Time { return at } // the file's name
	p1, err := export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(p1, "-20261206T155538Z.md") {
		t.Errorf("file %s, want it named by the time", p1)
	}
	sig := func(jwt string) string { return jwt[strings.LastIndexByte(jwt, '.')+1:] }
	checkExport(t, p1, e.env["XDG_STATE_HOME"], env.Demo.Password, tk.RefreshToken, sig(tk.AccessToken), sig(tk.IDToken))

	p2, err := export(ctx)
	if err != nil || p2 == p1 || !strings.HasSuffix(p2, "-20261206T155538Z-2.md") {
		t.Fatalf("second export in the same second: %q %v (first %q)", p2, err, p1)
	}
	if b1, _ := os.ReadFile(p1); len(b1) == 0 {
		t.Errorf("the first export was replaced by nothing")
	}

	// Names all taken (this second's hundred exports) is an error that
	// says where, not a file replaced.
	dir := filepath.Dir(p1)
	base := strings.TrimSuffix(p1, ".md")
	for i := 3; i <= maxExportTries; i++ {
		if err := os.WriteFile(fmt.Sprintf("%s-%d.md", base, i), []byte("kept"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if p, err := export(ctx); err == nil || errors.Is(err, service.ErrNothingRecorded) || !strings.Contains(err.Error(), dir) {
		t.Errorf("export with every name taken: %q %v", p, err)
	}
	// A name whose JSON alone is taken is not used either.
	if err := os.Remove(base + "-50.md"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(base+"-50.json", []byte("kept"), 0o600); err != nil {
		t.Fatal(err)
	}
	if p, err := export(ctx); err == nil || errors.Is(err, service.ErrNothingRecorded) {
		t.Errorf("export with every name's Markdown or JSON taken: %q %v", p, err)
	}
	if b, _ := os.ReadFile(base + "-50.json"); string(b) != "kept" {
		t.Errorf("an existing JSON file was replaced: %q", b)
	}
	if b, _ := os.ReadFile(base + "-3.md"); string(b) != "kept" {
		t.Errorf("an existing file was replaced: %q", b)
	}

	// A transcripts directory that cannot be written is an error that
	// says where, not a panic or a silent success.
	f.Now = func() time.Time { return at.Add(time.Second) }
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o700)
	if os.Geteuid() != 0 { // root writes anywhere
		if p, err := export(ctx); err == nil || errors.Is(err, service.ErrNothingRecorded) || !strings.Contains(err.Error(), dir) {
			t.Errorf("export into a read-only directory: %q %v", p, err)
		}
	}
}

// The zero-config demo (the in-process stack) records into a temporary
// directory of its own, so x works there; the export is kept in the
// state directory, the temporary directory goes with the console.
func TestConsoleExportsTheDemoTranscript(t *testing.T) {
	t.Parallel()
	e := newConsoleEnv(t, "")
	ctx := context.Background()
	f := e.factory(cmdutil.GlobalOptions{})
	c, err := newConsole(ctx, f, cmdutil.TargetFlags{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	opts := c.options()
	if _, err := opts.ExportTranscript(ctx); !errors.Is(err, service.ErrNothingRecorded) || !strings.Contains(err.Error(), "starting") {
		t.Fatalf("export before the stack started: %v", err)
	}
	tg, err := opts.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := opts.ExportTranscript(ctx); !errors.Is(err, service.ErrNothingRecorded) {
		t.Fatalf("export before a sign-in: %v", err)
	}
	tk := signInAndCall(t, ctx, c, tg.Username, tg.Password)
	p, err := opts.ExportTranscript(ctx)
	if err != nil {
		t.Fatal(err)
	}
	checkExport(t, p, e.env["XDG_STATE_HOME"], tg.Password, tk.RefreshToken)
	demo := c.demoTranscripts()
	if demo == nil || !strings.HasPrefix(demo.Dir, os.TempDir()) {
		t.Fatalf("the demo's store: %+v", demo)
	}
	if store, _ := f.Transcripts().Path(c.current().SessionKey(c.current().ClientID)); fileExists(store) {
		t.Errorf("the demo's session was recorded in the state directory (%s)", store)
	}
	c.close()
	if fileExists(demo.Dir) {
		t.Errorf("the demo's recorded sessions outlive the console: %s", demo.Dir)
	}
	if !fileExists(p) {
		t.Errorf("the export went with the console: %s", p)
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// A demo's temporary directory left behind (a console killed) is removed
// by a later demo once it is a day old; a recent one (another console's)
// and what is not a demo's directory stay.
func TestSweepDemoDirs(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	now := time.Date(2026, 12, 6, 16, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		dir  bool
		age  time.Duration
		gone bool
	}{
		{demoDirPattern + "1", true, 25 * time.Hour, true},
		{demoDirPattern + "2", true, time.Hour, false},
		{demoDirPattern + "3", false, 48 * time.Hour, false}, // a file
		{"cogscope-other-4", true, 48 * time.Hour, false},
	}
	for _, c := range cases {
		p := filepath.Join(tmp, c.name)
		if c.dir {
			if err := os.MkdirAll(filepath.Join(p, "transcripts"), 0o700); err != nil {
				t.Fatal(err)
			}
		} else if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, now.Add(-c.age), now.Add(-c.age)); err != nil {
			t.Fatal(err)
		}
	}
	sweepDemoDirs(tmp, now)
	for _, c := range cases {
		if gone := !fileExists(filepath.Join(tmp, c.name)); gone != c.gone {
			t.Errorf("%s (age %v): removed %v, want %v", c.name, c.age, gone, c.gone)
		}
	}
}
