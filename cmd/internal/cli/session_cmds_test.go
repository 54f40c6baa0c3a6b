package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/cmd/internal/config"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

// TestTokenUserinfoLogout: after a saved sign-in, token prints each
// token alone, userinfo asks Cognito who it is, logout revokes and
// forgets the tokens; each refusal has its exit code and line.
func TestTokenUserinfoLogout(t *testing.T) {
	t.Parallel()
	stack := localtest.Start(t)
	dir := t.TempDir()
	target := []string{"--endpoint", stack.Endpoint}
	run := func(stdin string, args ...string) result {
		t.Helper()
		return runIn(t, dir, stdin, append(append([]string{}, target...), args...)...)
	}
	login := func() {
		t.Helper()
		if r := run(cognito.DemoPassword+"\n", "login", "--username", "demo", "--password-stdin"); r.code != 0 {
			t.Fatalf("login: exit %d\n%s", r.code, r.errOut)
		}
	}
	if r := runIn(t, dir, "", "token"); r.code != cmdutil.ExitUsage || !strings.Contains(r.errOut, "no target") {
		t.Errorf("token without a target: exit %d, %q", r.code, r.errOut)
	}
	if r := run("", "token"); r.code != cmdutil.ExitRefused || !strings.Contains(r.errOut, "no saved session") || !strings.Contains(r.errOut, "cogscope login") {
		t.Errorf("token before login: exit %d, %q", r.code, r.errOut)
	}
	login()

	for _, c := range []struct{ kind, use string }{{"", "access"}, {"access", "access"}, {"id", "id"}} {
		args := []string{"token"}
		if c.kind != "" {
			args = append(args, c.kind)
		}
		r := run("", args...)
		claims, err := flows.UnverifiedClaims(strings.TrimSuffix(r.out, "\n"))
		if r.code != 0 || err != nil || claims.TokenUse != c.use || strings.Count(r.out, "\n") != 1 || r.errOut != "" {
			t.Errorf("token %s: exit %d, %q (%v), stderr %q", c.kind, r.code, r.out, err, r.errOut)
		}
	}
	refresh := run("", "token", "refresh")
	if refresh.code != 0 || len(refresh.out) < 20 {
		t.Fatalf("token refresh: exit %d, %q", refresh.code, refresh.out)
	}
	if r := run("", "token", "bearer"); r.code != cmdutil.ExitUsage || !strings.Contains(r.errOut, "want access, id or refresh") {
		t.Errorf("token bearer: exit %d, %q", r.code, r.errOut)
	}
	// An expired token is refused, unless asked for.
	later := func(args ...string) result {
		var out, errOut bytes.Buffer
		env := map[string]string{"XDG_CONFIG_HOME": dir + "/config", "XDG_STATE_HOME": dir + "/state"}
		f := &cmdutil.Factory{IO: cmdutil.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut},
			Env: func(k string) string { return env[k] }, Now: func() time.Time { return time.Now().Add(2 * time.Hour) }, HTTP: &http.Client{}}
		return result{Run(context.Background(), f, append(append([]string{}, target...), args...)), out.String(), errOut.String()}
	}
	if r := later("token"); r.code != cmdutil.ExitRefused || !strings.Contains(r.errOut, "expired 1h0m") || !strings.Contains(r.errOut, "--flow refresh") || r.out != "" {
		t.Errorf("expired: exit %d, %q %q", r.code, r.out, r.errOut)
	}
	if r := later("token", "--allow-expired"); r.code != 0 || r.out == "" {
		t.Errorf("--allow-expired: exit %d", r.code)
	}

	r := run("", "userinfo")
	if r.code != 0 || !strings.Contains(r.out, "username: demo\n") || !strings.Contains(r.out, "email: demo@example.com\n") {
		t.Errorf("userinfo: exit %d\n%s\n%s", r.code, r.out, r.errOut)
	}
	if r := run("", "userinfo", "--json"); r.code != 0 || !strings.Contains(r.out, `"email": "demo@example.com"`) {
		t.Errorf("userinfo --json: exit %d\n%s", r.code, r.out)
	}
	// An API sign-in's access token has no openid scope: /oauth2/userInfo
	// refuses it.
	if r := run("", "userinfo", "--oauth"); r.code != cmdutil.ExitRefused || !strings.Contains(r.errOut, "userInfo refused") {
		t.Errorf("userinfo --oauth without openid: exit %d\n%s", r.code, r.errOut)
	}

	r = run("", "logout", "--logout-uri", "http://localhost:8765/signed-out")
	if r.code != 0 || !strings.Contains(r.out, "/logout?client_id="+cognito.DemoPublicClientID) ||
		!strings.Contains(r.out, "logout_uri=http%3A%2F%2Flocalhost%3A8765%2Fsigned-out") || !strings.Contains(r.errOut, "Revoked the refresh token") {
		t.Errorf("logout: exit %d\n%s\n%s", r.code, r.out, r.errOut)
	}
	if r := run("", "token"); r.code != cmdutil.ExitRefused || !strings.Contains(r.errOut, "holds no tokens") {
		t.Errorf("token after logout: exit %d, %q", r.code, r.errOut)
	}
	if r := run(refresh.out, "login", "--flow", "refresh", "--refresh-token-stdin", "--no-save"); r.code != cmdutil.ExitRefused {
		t.Errorf("the revoked refresh token still works: exit %d\n%s", r.code, r.errOut)
	}
	if r := run("", "logout"); r.code != cmdutil.ExitRefused {
		t.Errorf("logout with no tokens: exit %d, %q", r.code, r.errOut)
	}

	// --global: every session of the user; its access token is dead too.
	login()
	if r := run("", "logout", "--global", "--keep-session"); r.code != 0 || !strings.Contains(r.errOut, "Signed out everywhere") {
		t.Fatalf("logout --global: exit %d\n%s", r.code, r.errOut)
	}
	if r := run("", "userinfo"); r.code != cmdutil.ExitRefused || !strings.Contains(r.errOut, "GetUser refused: NotAuthorizedException") {
		t.Errorf("userinfo after GlobalSignOut: exit %d\n%s", r.code, r.errOut)
	}
}

// TestTokenLogoutJSON: token --json is the token asked for with its
// session and its claims' summary (never another token), an error leaves
// stdout empty; logout --json says what was revoked and removed instead
// of the messages.
func TestTokenLogoutJSON(t *testing.T) {
	t.Parallel()
	stack := localtest.Start(t)
	dir := t.TempDir()
	target := []string{"--endpoint", stack.Endpoint}
	at := func(now time.Time, stdin string, args ...string) result {
		t.Helper()
		var out, errOut bytes.Buffer
		env := map[string]string{"XDG_CONFIG_HOME": dir + "/config", "XDG_STATE_HOME": dir + "/state"}
		f := &cmdutil.Factory{IO: cmdutil.IOStreams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut},
			Env: func(k string) string { return env[k] }, Now: func() time.Time { return now }, HTTP: &http.Client{Timeout: 10 * time.Second}}
		return result{Run(context.Background(), f, append(append([]string{}, target...), args...)), out.String(), errOut.String()}
	}
	run := func(stdin string, args ...string) result { t.Helper(); return at(time.Now(), stdin, args...) }
	decode := func(r result, v any) {
		t.Helper()
		if err := json.Unmarshal([]byte(r.out), v); err != nil {
			t.Fatalf("stdout is not JSON: %v\n%s", err, r.out)
		}
	}
	if r := run("", "token", "--json"); r.code != cmdutil.ExitRefused || r.out != "" || !strings.Contains(r.errOut, "no saved session") {
		t.Errorf("token --json before login: exit %d, stdout %q, stderr %q", r.code, r.out, r.errOut)
	}
	if r := run(cognito.DemoPassword+"\n", "login", "--username", "demo", "--password-stdin"); r.code != 0 {
		t.Fatalf("login: exit %d\n%s", r.code, r.errOut)
	}
	plain := map[string]string{}
	for _, kind := range []string{"access", "id", "refresh"} {
		plain[kind] = strings.TrimSuffix(run("", "token", kind).out, "\n")
	}
	type tokenDoc struct {
		Session, Flow, Kind, Token, TokenUse, Username, Subject, ClientID, Issuer string
		ObtainedAt, IssuedAt, ExpiresAt                                           time.Time
		Expired                                                                   *bool
		ExpiresInSeconds                                                          *int64
	}
	for _, c := range []struct {
		args      []string
		kind, use string
	}{
		{[]string{"token", "--json"}, "access", "access"},
		{[]string{"token", "id", "--json"}, "id", "id"},
		{[]string{"token", "refresh", "--json"}, "refresh", ""},
	} {
		r := run("", c.args...)
		if r.code != 0 || r.errOut != "" {
			t.Fatalf("%v: exit %d, stderr %q", c.args, r.code, r.errOut)
		}
		var d tokenDoc
		decode(r, &d)
		if d.Kind != c.kind || d.Token != plain[c.kind] || d.TokenUse != c.use || d.Flow != "srp" || d.ObtainedAt.IsZero() ||
			d.Session != config.SessionKey("", stack.Demo.PoolID, cognito.DemoPublicClientID) {
			t.Errorf("%v: %+v", c.args, d)
		}
		for kind, tk := range plain {
			if kind != c.kind && strings.Contains(r.out, tk) {
				t.Errorf("%v holds the %s token too", c.args, kind)
			}
		}
		if c.kind == "refresh" {
			if d.Expired != nil || !d.ExpiresAt.IsZero() || d.Username != "" {
				t.Errorf("a refresh token has no claims to read: %+v", d)
			}
			continue
		}
		claims, err := flows.UnverifiedClaims(plain[c.kind])
		if err != nil {
			t.Fatal(err)
		}
		if !d.ExpiresAt.Equal(claims.ExpiresAt) || !d.IssuedAt.Equal(claims.IssuedAt) || d.Username != "demo" || d.Subject != claims.Sub ||
			d.ClientID != cognito.DemoPublicClientID || d.Issuer != stack.Demo.Issuer || d.Expired == nil || *d.Expired ||
			d.ExpiresInSeconds == nil || *d.ExpiresInSeconds <= 3500 || *d.ExpiresInSeconds > 3600 {
			t.Errorf("%v: claims %+v, document %+v", c.args, claims, d)
		}
		if _, err := time.Parse(time.RFC3339, strings.Split(strings.Split(r.out, `"expiresAt": "`)[1], `"`)[0]); err != nil {
			t.Errorf("expiresAt is not RFC 3339: %v", err)
		}
	}
	// Expired: refused with stdout empty; --allow-expired says so.
	later := time.Now().Add(2 * time.Hour)
	if r := at(later, "", "token", "--json"); r.code != cmdutil.ExitRefused || r.out != "" || !strings.Contains(r.errOut, "expired") {
		t.Errorf("expired --json: exit %d, stdout %q, stderr %q", r.code, r.out, r.errOut)
	}
	r := at(later, "", "token", "id", "--json", "--allow-expired")
	var d tokenDoc
	decode(r, &d)
	if r.code != 0 || d.Expired == nil || !*d.Expired || d.ExpiresInSeconds == nil || *d.ExpiresInSeconds > -3500 {
		t.Errorf("--allow-expired --json: exit %d, %+v", r.code, d)
	}

	type logoutDoc struct {
		Session, Operation, LogoutURL string
		Global, TokensRemoved         bool
	}
	r = run("", "logout", "--json", "--logout-uri", "http://localhost:8765/signed-out")
	var l logoutDoc
	decode(r, &l)
	if r.code != 0 || r.errOut != "" || l.Operation != "RevokeToken" || l.Global || !l.TokensRemoved || l.Session != config.SessionKey("", stack.Demo.PoolID, cognito.DemoPublicClientID) ||
		!strings.Contains(l.LogoutURL, "/logout?client_id="+cognito.DemoPublicClientID) {
		t.Errorf("logout --json: exit %d, %+v, stderr %q", r.code, l, r.errOut)
	}
	for kind, tk := range plain {
		if strings.Contains(r.out, tk) {
			t.Errorf("logout --json holds the %s token", kind)
		}
	}
	if r := run("", "token"); r.code != cmdutil.ExitRefused || !strings.Contains(r.errOut, "holds no tokens") {
		t.Errorf("token after logout --json: exit %d, %q", r.code, r.errOut)
	}
	if r := run(plain["refresh"]+"\n", "login", "--flow", "refresh", "--refresh-token-stdin", "--no-save"); r.code != cmdutil.ExitRefused {
		t.Errorf("the revoked refresh token still works: exit %d", r.code)
	}
	if r := run("", "logout", "--json"); r.code != cmdutil.ExitRefused || r.out != "" || r.errOut == "" {
		t.Errorf("logout --json with no tokens: exit %d, stdout %q, stderr %q", r.code, r.out, r.errOut)
	}

	if r := run(cognito.DemoPassword+"\n", "login", "--username", "demo", "--password-stdin"); r.code != 0 {
		t.Fatalf("login: exit %d\n%s", r.code, r.errOut)
	}
	r = run("", "logout", "--global", "--keep-session", "--json")
	l = logoutDoc{}
	decode(r, &l)
	if r.code != 0 || l.Operation != "GlobalSignOut" || !l.Global || l.TokensRemoved || l.LogoutURL != "" {
		t.Errorf("logout --global --keep-session --json: exit %d, %+v", r.code, l)
	}
	if r := run("", "token", "--json"); r.code != 0 {
		t.Errorf("--keep-session kept no tokens: exit %d, %q", r.code, r.errOut)
	}
}
