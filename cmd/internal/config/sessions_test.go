package config

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestStoreSaveLoadPermissions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := NewStore(dir)
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	sess := &Session{
		Profile: "dev", UserPoolID: "us-east-1_Abc", ClientID: "c", Username: "alice",
		Tokens:     &Tokens{IDToken: "id", AccessToken: "at", RefreshToken: "rt", ExpiresIn: 3600, TokenType: "Bearer"},
		ObtainedAt: now,
	}
	sess.SetDevice("Alice", Device{Key: "us-east-1_dev", GroupKey: "g", Password: "pw", Remembered: true})
	if err := s.Save("dev", sess); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "sessions", "dev.json")
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" {
		if st.Mode().Perm() != 0o600 {
			t.Errorf("file mode = %v, want 0600", st.Mode().Perm())
		}
		dst, _ := os.Stat(filepath.Dir(p))
		if dst.Mode().Perm() != 0o700 {
			t.Errorf("dir mode = %v, want 0700", dst.Mode().Perm())
		}
	}
	got, err := s.Load("dev")
	if err != nil {
		t.Fatal(err)
	}
	if got.Tokens.RefreshToken != "rt" || !got.ObtainedAt.Equal(now) {
		t.Errorf("loaded %+v", got)
	}
	d, ok := got.DeviceFor("ALICE")
	if !ok || d.Password != "pw" {
		t.Errorf("device for ALICE = %+v %v", d, ok)
	}
	// No temporary files are left beside the session.
	entries, _ := os.ReadDir(filepath.Dir(p))
	if len(entries) != 1 {
		t.Errorf("session dir holds %d entries, want 1", len(entries))
	}
}

func TestStoreUpdateKeepsDevices(t *testing.T) {
	t.Parallel()
	s := NewStore(t.TempDir())
	key := SessionKey("", "us-east-1_Abc", "client1")
	if key != "us-east-1_Abc.client1" {
		t.Fatalf("key = %q", key)
	}
	err := s.Update(key, func(sess *Session) error {
		sess.SetDevice("bob", Device{Key: "k", GroupKey: "g", Password: "p"})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(key, func(sess *Session) error {
		sess.Tokens = &Tokens{AccessToken: "new"}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Load(key)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got.DeviceFor("bob"); !ok || got.Tokens.AccessToken != "new" {
		t.Errorf("update lost data: %+v", got)
	}
	got.SetDevice("bob", Device{})
	if _, ok := got.DeviceFor("bob"); ok {
		t.Error("zero device did not forget")
	}
}

func TestStoreMissingAndDelete(t *testing.T) {
	t.Parallel()
	s := NewStore(t.TempDir())
	if _, err := s.Load("nope"); !errors.Is(err, ErrNoSession) {
		t.Errorf("Load missing: %v", err)
	}
	if err := s.Delete("nope"); err != nil {
		t.Errorf("Delete missing: %v", err)
	}
	if err := s.Save("x", &Session{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete("x"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load("x"); !errors.Is(err, ErrNoSession) {
		t.Errorf("after delete: %v", err)
	}
}

func TestStoreKeysStayInside(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := NewStore(dir)
	for _, key := range []string{"../../etc/passwd", "a/b", "..", "we ird:name"} {
		p, err := s.path(key)
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Dir(p) != filepath.Join(dir, "sessions") || strings.Contains(filepath.Base(p), "/") {
			t.Errorf("key %q maps to %q, outside the sessions dir", key, p)
		}
	}
	if _, err := s.path(""); err == nil {
		t.Error("empty key accepted")
	}
}

func TestStoreCorruptFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := NewStore(dir)
	if err := os.MkdirAll(filepath.Join(dir, "sessions"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sessions", "bad.json"), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load("bad"); err == nil || !strings.Contains(err.Error(), "corrupt") {
		t.Errorf("corrupt: %v", err)
	}
}

// TestStoreUpdateReplacesCorruptFile: a session file that no longer
// parses must not stop every later sign-in from being saved; it is kept
// aside as .corrupt.
func TestStoreUpdateReplacesCorruptFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := NewStore(dir)
	p := filepath.Join(dir, "sessions", "dev.json")
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("garbage{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load("dev"); !errors.Is(err, ErrCorruptSession) {
		t.Fatalf("Load: %v, want ErrCorruptSession", err)
	}
	err := s.Update("dev", func(sess *Session) error { sess.Tokens = &Tokens{AccessToken: "new"}; return nil })
	if err != nil {
		t.Fatalf("Update over a corrupt file: %v", err)
	}
	got, err := s.Load("dev")
	if err != nil || got.Tokens.AccessToken != "new" {
		t.Errorf("after update: %+v %v", got, err)
	}
	if b, err := os.ReadFile(p + ".corrupt"); err != nil || string(b) != "garbage{" {
		t.Errorf("corrupt file not kept aside: %q %v", b, err)
	}
}

// TestStoreClosesOpenDirectory: a sessions directory another tool made
// readable by others is closed to 0700 before tokens are written in it.
func TestStoreClosesOpenDirectory(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("no POSIX modes")
	}
	dir := t.TempDir()
	sessions := filepath.Join(dir, "sessions")
	if err := os.MkdirAll(sessions, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(sessions, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := NewStore(dir).Save("dev", &Session{Tokens: &Tokens{RefreshToken: "rt"}}); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(sessions)
	if err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("sessions dir mode %v %v, want 0700", st.Mode().Perm(), err)
	}
}

// TestSaveWritesTheTemporaryFileInTheSessionDirectory: Save creates its
// temporary file in the session directory, never in the system temp
// directory (a crash there would leave tokens outside the 0700 directory):
// a TMPDIR on the same file system is left untouched (its modification
// time, which any file created in it would change, stays as set), and the
// session directory holds nothing but the session afterwards.
func TestSaveWritesTheTemporaryFileInTheSessionDirectory(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	t.Setenv("TMP", tmp)
	t.Setenv("TEMP", tmp)
	past := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := os.Chtimes(tmp, past, past); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	s := NewStore(dir)
	for i := range 2 {
		if err := s.Save("dev", &Session{Profile: "dev", Tokens: &Tokens{AccessToken: "at"}}); err != nil {
			t.Fatalf("save %d: %v", i, err)
		}
	}
	if st, err := os.Stat(tmp); err != nil || !st.ModTime().Equal(past) {
		t.Fatalf("the system temp directory was written to (mtime %v)", st.ModTime())
	}
	entries, err := os.ReadDir(filepath.Join(dir, "sessions"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "dev.json" {
		t.Fatalf("session directory holds %v, want only dev.json", entries)
	}
}

// TestStoreReadsEarlierFiles: the session file's keys are the store's
// format, not a --json output, and stay as earlier releases wrote them
// (snake_case), so a session saved before still loads; saving it again
// keeps them.
func TestStoreReadsEarlierFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := NewStore(dir)
	old := `{"profile":"dev","region":"us-east-1","endpoint":"http://127.0.0.1:9229","user_pool_id":"us-east-1_Abc","client_id":"c",` +
		`"flow":"srp","username":"alice","tokens":{"id_token":"id","access_token":"at","refresh_token":"rt","expires_in":3600,"token_type":"Bearer"},` +
		`"obtained_at":"2026-11-26T10:00:00Z","devices":{"alice":{"device_key":"us-east-1_dev","device_group_key":"g","device_password":"pw","remembered":true,"confirmed_at":"2026-11-26T10:00:00Z"}}}`
	p := filepath.Join(dir, "sessions", "dev.json")
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := s.Load("dev")
	if err != nil {
		t.Fatal(err)
	}
	d, ok := got.DeviceFor("alice")
	if got.UserPoolID != "us-east-1_Abc" || got.ClientID != "c" || got.Tokens == nil || got.Tokens.AccessToken != "at" ||
		got.Tokens.RefreshToken != "rt" || got.Tokens.IDToken != "id" || got.Tokens.ExpiresIn != 3600 || got.Tokens.TokenType != "Bearer" ||
		got.ObtainedAt.IsZero() || !ok || d.Key != "us-east-1_dev" || d.GroupKey != "g" || d.Password != "pw" || !d.Remembered {
		t.Fatalf("loaded %+v (device %+v)", got, d)
	}
	if err := s.Save("dev", got); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{`"user_pool_id"`, `"access_token"`, `"refresh_token"`, `"expires_in"`, `"device_group_key"`, `"obtained_at"`} {
		if !strings.Contains(string(b), k) {
			t.Errorf("saved session lacks %s: %s", k, b)
		}
	}
}
