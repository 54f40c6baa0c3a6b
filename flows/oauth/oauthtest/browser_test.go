package oauthtest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestFirstPostForm(t *testing.T) {
	t.Parallel()
	page := `<form method="get" action="/search"><input name="q"></form>
<form class="x" method=POST action='/login?client_id=a&amp;state=b'>
<input type="hidden" name="_csrf" value="tok&amp;en">
<input type="text" name="username" required>
<label><input type="radio" name="mfa" value="SMS"> SMS</label>
<label><input type="radio" name="mfa" value="TOTP" checked> TOTP</label>
<input type="submit" name="go" value="Go"><button name="b">B</button>
</form>`
	f, ok := firstPostForm(page)
	if !ok || f.action != "/login?client_id=a&state=b" {
		t.Fatalf("form = %+v, %v", f, ok)
	}
	got := fmt.Sprint(f.inputs)
	if want := "[{_csrf tok&en hidden} {username  text} {mfa TOTP radio}]"; got != want {
		t.Errorf("inputs = %s, want %s", got, want)
	}
	if _, ok := firstPostForm(`<p>Signed in</p>`); ok {
		t.Error("found a form in a page without one")
	}
}

// A login page that keeps its cookie, a second page, and a redirect to the
// end; and a login page that comes back (wrong password) is ErrStuck.
func TestOpen(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /start", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "xsrf", Value: "c1", Path: "/login"})
		http.Redirect(w, r, "/login", http.StatusFound)
	})
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<form method="post"><input type="hidden" name="_csrf" value="c1"><input name="username"><input name="password" type="password"></form>`)
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie("xsrf")
		if err != nil || c.Value != r.FormValue("_csrf") || r.FormValue("password") != "right" {
			fmt.Fprint(w, `<p class="error">Incorrect</p><form method="post"><input type="hidden" name="_csrf" value="c1"><input name="username"><input name="password" type="password"></form>`)
			return
		}
		fmt.Fprint(w, `<form method="post" action="/consent"><input type="hidden" name="user" value="`+r.FormValue("username")+`"></form><a href="/cancel?a=1&amp;b=2">Cancel</a>`)
	})
	mux.HandleFunc("POST /consent", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/done?user="+url.QueryEscape(r.FormValue("user")), http.StatusSeeOther)
	})
	mux.HandleFunc("GET /done", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "<h1>done "+r.URL.Query().Get("user")+"</h1>")
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	ctx := context.Background()

	b := New(map[string]string{"username": "alice", "password": "right"})
	p, err := b.Open(ctx, srv.URL+"/start")
	if err != nil || p.Status != 200 || !strings.Contains(p.Body, "done alice") {
		t.Fatalf("page = %+v, %v; visited %v", p, err, b.Visited)
	}
	if len(b.Visited) != 5 || !strings.HasPrefix(b.Visited[2], "POST ") {
		t.Errorf("visited %v", b.Visited)
	}

	// A link picked instead of the consent form.
	mux.HandleFunc("GET /cancel", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "<h1>cancelled "+r.URL.RawQuery+"</h1>")
	})
	b = New(map[string]string{"username": "alice", "password": "right"})
	b.Link = func(p Page) string {
		if i := strings.Index(p.Body, `<a href="/cancel`); i >= 0 {
			return strings.SplitN(p.Body[i+len(`<a href="`):], `"`, 2)[0]
		}
		return ""
	}
	if p, err = b.Open(ctx, srv.URL+"/start"); err != nil || !strings.Contains(p.Body, "cancelled a=1&b=2") {
		t.Errorf("link: %+v, %v; visited %v", p, err, b.Visited)
	}

	b = New(map[string]string{"username": "alice", "password": "wrong"})
	p, err = b.Open(ctx, srv.URL+"/start")
	if !errors.Is(err, ErrStuck) || !strings.Contains(p.Body, "Incorrect") {
		t.Errorf("wrong password: %v, page %q", err, p.Body)
	}
}
