package inspect

import (
	"crypto/rsa"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock is a settable clock for freshness tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// jwksServer serves a changeable JWKS with changeable headers and counts
// requests, answering 304 to a matching If-None-Match.
type jwksServer struct {
	mu      sync.Mutex
	body    []byte
	headers map[string]string
	status  int
	hits    atomic.Int64
	cond    atomic.Int64 // conditional requests seen
	srv     *httptest.Server
}

func newJWKSServer(t *testing.T, body []byte, headers map[string]string) *jwksServer {
	js := &jwksServer{body: body, headers: headers}
	js.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		js.hits.Add(1)
		js.mu.Lock()
		defer js.mu.Unlock()
		for k, v := range js.headers {
			w.Header().Set(k, v)
		}
		if inm := r.Header.Get("If-None-Match"); inm != "" {
			js.cond.Add(1)
			if inm == js.headers["ETag"] {
				w.WriteHeader(http.StatusNotModified)
				return
			}
		}
		if js.status != 0 {
			w.WriteHeader(js.status)
			_, _ = w.Write([]byte(`{"message":"boom"}`))
			return
		}
		_, _ = w.Write(js.body)
	}))
	t.Cleanup(js.srv.Close)
	return js
}

func (js *jwksServer) set(f func(js *jwksServer)) { js.mu.Lock(); f(js); js.mu.Unlock() }

func TestCacheHonoursHTTPCaching(t *testing.T) {
	t.Parallel()
	keys := loadTestKeys(t)
	body := jwksJSON(map[string]*rsa.PrivateKey{"k1": keys[0]})
	cases := []struct {
		name    string
		headers map[string]string
		fresh   time.Duration // still served from cache at this age
		stale   time.Duration // refetched at this age
	}{
		{"max-age", map[string]string{"Cache-Control": "public, max-age=300"}, 299 * time.Second, 301 * time.Second},
		{"max-age less Age", map[string]string{"Cache-Control": "max-age=300", "Age": "100"}, 199 * time.Second, 201 * time.Second},
		{"Expires against Date", map[string]string{"Date": "Thu, 26 Nov 2026 12:00:00 GMT", "Expires": "Thu, 26 Nov 2026 12:10:00 GMT"}, 599 * time.Second, 601 * time.Second},
		{"no-store: MinTTL", map[string]string{"Cache-Control": "no-store"}, 500 * time.Millisecond, 1500 * time.Millisecond},
		{"no headers: DefaultTTL", nil, 14 * time.Minute, 16 * time.Minute},
		{"huge max-age: MaxTTL", map[string]string{"Cache-Control": "max-age=99999999"}, 23 * time.Hour, 25 * time.Hour},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			js := newJWKSServer(t, body, tc.headers)
			clk := &fakeClock{t: testNow}
			c := NewCache(CacheOptions{URL: js.srv.URL, Client: js.srv.Client(), Now: clk.Now})
			get := func() {
				t.Helper()
				if _, err := c.Key(ctx(), "", "k1"); err != nil {
					t.Fatal(err)
				}
			}
			get()
			clk.Add(tc.fresh)
			get()
			if n := js.hits.Load(); n != 1 {
				t.Fatalf("at age %v: %d fetches, want 1 (still fresh)", tc.fresh, n)
			}
			clk.Add(tc.stale - tc.fresh)
			get()
			if n := js.hits.Load(); n != 2 {
				t.Fatalf("at age %v: %d fetches, want 2 (stale)", tc.stale, n)
			}
			if c.Fetches() != 2 {
				t.Fatalf("Fetches() = %d", c.Fetches())
			}
		})
	}
}

func TestCacheRevalidatesWithETag(t *testing.T) {
	t.Parallel()
	keys := loadTestKeys(t)
	js := newJWKSServer(t, jwksJSON(map[string]*rsa.PrivateKey{"k1": keys[0]}), map[string]string{"Cache-Control": "max-age=60", "ETag": `"v1"`})
	clk := &fakeClock{t: testNow}
	c := NewCache(CacheOptions{URL: js.srv.URL, Client: js.srv.Client(), Now: clk.Now})
	for i := 0; i < 3; i++ {
		if _, err := c.Key(ctx(), "", "k1"); err != nil {
			t.Fatal(err)
		}
		clk.Add(2 * time.Minute)
	}
	if js.hits.Load() != 3 || js.cond.Load() != 2 {
		t.Fatalf("hits %d, conditional %d; want 3 and 2 (answered 304)", js.hits.Load(), js.cond.Load())
	}
}

func TestCacheRefetchesOnceOnUnknownKid(t *testing.T) {
	t.Parallel()
	keys := loadTestKeys(t)
	js := newJWKSServer(t, jwksJSON(map[string]*rsa.PrivateKey{"old": keys[0]}), map[string]string{"Cache-Control": "max-age=3600"})
	clk := &fakeClock{t: testNow}
	c := NewCache(CacheOptions{URL: js.srv.URL, Client: js.srv.Client(), Now: clk.Now, RefetchInterval: 10 * time.Second})
	if _, err := c.Key(ctx(), "", "old"); err != nil {
		t.Fatal(err)
	}
	// The issuer rotates: a token with the new kid triggers one refetch.
	js.set(func(js *jwksServer) { js.body = jwksJSON(map[string]*rsa.PrivateKey{"old": keys[0], "new": keys[1]}) })
	k, err := c.Key(ctx(), "", "new")
	if err != nil || k.ID != "new" {
		t.Fatalf("after rotation: %v, %v", k, err)
	}
	if js.hits.Load() != 2 {
		t.Fatalf("hits %d, want 2", js.hits.Load())
	}
	// Right after that refetch, a forged kid does not refetch again.
	if _, err := c.Key(ctx(), "", "forged"); err == nil || js.hits.Load() != 2 {
		t.Fatalf("forged kid right after a refetch: %v, hits %d", err, js.hits.Load())
	}
	// Later, a forged kid refetches once, then not again within the interval.
	clk.Add(11 * time.Second)
	for i := 0; i < 3; i++ {
		_, err = c.Key(ctx(), "", "forged")
		var uk *UnknownKidError
		if !errors.As(err, &uk) || uk.Kid != "forged" || len(uk.Known) != 2 {
			t.Fatalf("err %v", err)
		}
	}
	if js.hits.Load() != 3 {
		t.Fatalf("hits %d, want 3 (one refetch for the forged kid)", js.hits.Load())
	}
	clk.Add(11 * time.Second)
	_, _ = c.Key(ctx(), "", "forged")
	if js.hits.Load() != 4 {
		t.Fatalf("hits %d, want 4 after the interval", js.hits.Load())
	}
}

func TestCacheFetchErrors(t *testing.T) {
	t.Parallel()
	keys := loadTestKeys(t)
	js := newJWKSServer(t, []byte(`{"keys":"nope"}`), nil)
	c := NewCache(CacheOptions{URL: js.srv.URL, Client: js.srv.Client()})
	var fe *FetchError
	if _, err := c.Key(ctx(), "", "k"); !errors.As(err, &fe) || fe.Status != 200 {
		t.Fatalf("bad body: %v", err)
	}
	js.set(func(js *jwksServer) { js.status = 500 })
	c = NewCache(CacheOptions{URL: js.srv.URL, Client: js.srv.Client()})
	if _, err := c.Key(ctx(), "", "k"); !errors.As(err, &fe) || fe.Status != 500 || !strings.Contains(err.Error(), "HTTP 500") {
		t.Fatalf("500: %v", err)
	}
	c = NewCache(CacheOptions{})
	if _, err := c.Key(ctx(), "not a url", "k"); err == nil || !strings.Contains(err.Error(), "not an http(s) URL") {
		t.Fatalf("bad issuer: %v", err)
	}
	if _, err := c.Key(ctx(), "", "k"); err == nil || !strings.Contains(err.Error(), "no iss") {
		t.Fatalf("no issuer: %v", err)
	}
	// Stale keys serve while the endpoint is down.
	js2 := newJWKSServer(t, jwksJSON(map[string]*rsa.PrivateKey{"k1": keys[0]}), map[string]string{"Cache-Control": "max-age=1"})
	clk := &fakeClock{t: testNow}
	c = NewCache(CacheOptions{URL: js2.srv.URL, Client: js2.srv.Client(), Now: clk.Now})
	if _, err := c.Key(ctx(), "", "k1"); err != nil {
		t.Fatal(err)
	}
	js2.set(func(js *jwksServer) { js.status = 503 })
	clk.Add(time.Minute)
	if _, err := c.Key(ctx(), "", "k1"); err != nil {
		t.Fatalf("stale-if-error: %v", err)
	}
}

func TestCacheFetchesPerIssuer(t *testing.T) {
	t.Parallel()
	a := serveIssuer(t, "us-east-1_PoolA")
	c := NewCache(CacheOptions{Client: a.srv.Client()})
	if _, err := c.Key(ctx(), a.iss, accessKid); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Key(ctx(), a.iss+"/", idKid); err != nil {
		t.Fatalf("trailing slash in issuer: %v", err)
	}
	if a.hits.Load() != 2 {
		t.Fatalf("hits %d", a.hits.Load())
	}
	if u, _ := c.JWKSURL(a.iss); u != a.iss+"/.well-known/jwks.json" {
		t.Fatalf("JWKSURL %s", u)
	}
}

func TestParseJWKS(t *testing.T) {
	t.Parallel()
	ks, err := ParseJWKS([]byte(`{"keys":[
		{"kty":"EC","crv":"P-256","kid":"ec","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4","y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM"},
		{"kty":"RSA","kid":"enc","use":"enc","alg":"RSA-OAEP","n":"`+b64(loadTestKeys(t)[0].N.Bytes())+`","e":"AQAB"}]}`), "file")
	if err != nil {
		t.Fatal(err)
	}
	ec, _ := ks.Key(ctx(), "", "ec")
	enc, _ := ks.Key(ctx(), "", "enc")
	if ec.RSA != nil || !strings.Contains(ec.Unsupported, "RSA keys only") {
		t.Fatalf("ec: %+v", ec)
	}
	if !strings.Contains(enc.Unsupported, `"enc"`) {
		t.Fatalf("enc: %+v", enc)
	}
	if _, err := ParseJWKS([]byte(`not json`), "file"); err == nil || !strings.Contains(err.Error(), "JWKS from file is not JSON") {
		t.Fatalf("garbage: %v", err)
	}
}
