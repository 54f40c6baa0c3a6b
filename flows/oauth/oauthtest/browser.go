// Package oauthtest plays a user's browser in tests of the hosted-UI
// client: an HTTP client with a cookie jar that follows redirects one at a
// time and fills in and submits the sign-in pages it meets (the local
// stack's login and MFA pages, oidc-provider's login and consent pages).
//
// It is for tests only. It imports only the standard library; it must not
// import charm.land/* or ui.
package oauthtest

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Browser follows a sign-in from the authorize URL to the redirect.
type Browser struct {
	// Fill gives the values of form fields by name ("username",
	// "password", "login", "code"); hidden fields are sent as the page
	// set them.
	Fill map[string]string
	// Tamper, when set, may rewrite a redirect to a loopback host (the
	// CLI's listener) before it is followed: a forged state, a stolen
	// code.
	Tamper func(u *url.URL)
	// Link, when set, may pick a link to follow on a page instead of
	// submitting its form (a "Cancel" link, say): it returns the link's
	// href, or "" to go on as usual.
	Link func(p Page) string
	// Visited lists every request made: "GET url" or "POST url".
	Visited []string
	// Pages are the HTML pages seen, in order, with their forms.
	Pages []Page

	hc *http.Client
}

// Page is an answer the browser saw.
type Page struct {
	Status int
	URL    string
	Body   string
}

// New returns a browser with an empty cookie jar that fills fields from
// fill.
func New(fill map[string]string) *Browser {
	jar, _ := cookiejar.New(nil) // only fails with options
	return &Browser{Fill: fill, hc: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// maxSteps bounds a sign-in: pages and redirects together.
const maxSteps = 30

// ErrStuck is returned when the same form comes back after being
// submitted (a wrong password shown on the login page, say).
var ErrStuck = errors.New("oauthtest: the same form came back after submitting it")

// Open goes to raw and keeps going: it follows redirects and submits the
// first POST form of each page, until a page without one (the listener's
// "signed in" page, an error page). It returns that last page.
func (b *Browser) Open(ctx context.Context, raw string) (Page, error) {
	method, body := http.MethodGet, ""
	lastForm := ""
	for range maxSteps {
		u, err := url.Parse(raw)
		if err != nil {
			return Page{}, fmt.Errorf("oauthtest: %w", err)
		}
		if b.Tamper != nil && method == http.MethodGet && isLoopback(u.Hostname()) && len(b.Visited) > 0 {
			b.Tamper(u)
			raw = u.String()
		}
		p, loc, err := b.do(ctx, method, raw, body)
		if err != nil {
			return p, err
		}
		if loc != "" {
			next, err := url.Parse(p.URL)
			if err != nil {
				return p, err
			}
			to, err := next.Parse(loc)
			if err != nil {
				return p, fmt.Errorf("oauthtest: Location %q: %w", loc, err)
			}
			raw, method, body = to.String(), http.MethodGet, ""
			continue
		}
		b.Pages = append(b.Pages, p)
		if b.Link != nil {
			if href := b.Link(p); href != "" {
				base, err := url.Parse(p.URL)
				if err != nil {
					return p, err
				}
				to, err := base.Parse(html.UnescapeString(href))
				if err != nil {
					return p, fmt.Errorf("oauthtest: link %q: %w", href, err)
				}
				raw, method, body = to.String(), http.MethodGet, ""
				continue
			}
		}
		f, ok := firstPostForm(p.Body)
		if !ok {
			return p, nil
		}
		action, err := url.Parse(p.URL)
		if err != nil {
			return p, err
		}
		if f.action != "" {
			if action, err = action.Parse(f.action); err != nil {
				return p, fmt.Errorf("oauthtest: form action %q: %w", f.action, err)
			}
		}
		vals := url.Values{}
		for _, in := range f.inputs {
			v := in.value
			if fill, ok := b.Fill[in.name]; ok && in.typ != "hidden" {
				v = fill
			}
			vals.Add(in.name, v)
		}
		key := action.String() + "|" + strings.Join(f.names(), ",")
		if key == lastForm {
			return p, ErrStuck
		}
		lastForm = key
		raw, method, body = action.String(), http.MethodPost, vals.Encode()
	}
	return Page{}, fmt.Errorf("oauthtest: no end after %d steps: %v", maxSteps, b.Visited)
}

func (b *Browser) do(ctx context.Context, method, raw, body string) (Page, string, error) {
	b.Visited = append(b.Visited, method+" "+raw)
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, raw, rd)
	if err != nil {
		return Page{}, "", fmt.Errorf("oauthtest: %w", err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept", "text/html")
	res, err := b.hc.Do(req)
	if err != nil {
		return Page{}, "", fmt.Errorf("oauthtest: %s %s: %w", method, raw, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return Page{}, "", fmt.Errorf("oauthtest: read %s: %w", raw, err)
	}
	p := Page{Status: res.StatusCode, URL: raw, Body: string(data)}
	if res.StatusCode >= 300 && res.StatusCode < 400 {
		return p, res.Header.Get("Location"), nil
	}
	return p, "", nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

type input struct{ name, value, typ string }

type form struct {
	action string
	inputs []input
}

func (f form) names() []string {
	out := make([]string, len(f.inputs))
	for i, in := range f.inputs {
		out[i] = in.name
	}
	return out
}

var (
	formRE    = regexp.MustCompile(`(?is)<form\b([^>]*)>(.*?)</form>`)
	inputRE   = regexp.MustCompile(`(?is)<(?:input|textarea|select)\b([^>]*)>`)
	checkedRE = regexp.MustCompile(`(?i)\schecked\b`)
	attrRE    = regexp.MustCompile(`(?is)([a-z_:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))`)
)

func attrs(s string) map[string]string {
	m := map[string]string{}
	for _, a := range attrRE.FindAllStringSubmatch(s, -1) {
		m[strings.ToLower(a[1])] = html.UnescapeString(a[2] + a[3] + a[4])
	}
	return m
}

// firstPostForm finds the page's first form that POSTs.
func firstPostForm(page string) (form, bool) {
	for _, m := range formRE.FindAllStringSubmatch(page, -1) {
		fa := attrs(m[1])
		if !strings.EqualFold(fa["method"], "post") {
			continue
		}
		f := form{action: fa["action"]}
		for _, in := range inputRE.FindAllStringSubmatch(m[2], -1) {
			ia := attrs(in[1])
			typ := strings.ToLower(ia["type"])
			if ia["name"] == "" || typ == "submit" || typ == "button" {
				continue
			}
			// Only the checked one of a radio group (or checkbox) is sent.
			if (typ == "radio" || typ == "checkbox") && !checkedRE.MatchString(in[1]) {
				continue
			}
			f.inputs = append(f.inputs, input{name: ia["name"], value: ia["value"], typ: typ})
		}
		return f, true
	}
	return form{}, false
}
