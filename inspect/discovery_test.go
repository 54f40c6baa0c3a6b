package inspect

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestCacheDiscoversTheJWKS: an issuer that serves no
// /.well-known/jwks.json names its JWKS in its discovery document, as
// other OpenID providers do; the jwks_uri must pass the fetch policy and
// the document must name the same issuer.
func TestCacheDiscoversTheJWKS(t *testing.T) {
	t.Parallel()
	ti := newTestIssuer(t, "")
	var discovery atomic.Value // the discovery document's body
	var hits, keyHits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/tenant/.well-known/openid-configuration":
			_, _ = w.Write([]byte(discovery.Load().(string)))
		case "/oauth2/v1/keys":
			keyHits.Add(1)
			w.Header().Set("Cache-Control", "max-age=60")
			_, _ = w.Write(ti.jwks)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	ti.iss = srv.URL + "/tenant"
	tok := ti.access(ti.accessClaims(testNow))
	cases := []struct {
		name string
		doc  string
		why  string // "" when the token verifies
	}{
		{name: "jwks_uri on the issuer's host", doc: `{"issuer":"` + ti.iss + `","jwks_uri":"` + srv.URL + `/oauth2/v1/keys"}`},
		{name: "another issuer named", doc: `{"issuer":"https://evil.example/tenant","jwks_uri":"` + srv.URL + `/oauth2/v1/keys"}`, why: "not \"" + ti.iss + "\""},
		{name: "jwks_uri at the metadata service", doc: `{"issuer":"` + ti.iss + `","jwks_uri":"http://169.254.169.254/latest/meta-data/"}`, why: "link-local"},
		{name: "jwks_uri over plain http elsewhere", doc: `{"issuer":"` + ti.iss + `","jwks_uri":"http://keys.example/k"}`, why: "plain http"},
		{name: "jwks_uri with credentials", doc: `{"issuer":"` + ti.iss + `","jwks_uri":"` + strings.Replace(srv.URL, "://", "://u:p@", 1) + `/oauth2/v1/keys"}`, why: "user name or password"},
		{name: "relative jwks_uri", doc: `{"issuer":"` + ti.iss + `","jwks_uri":"/oauth2/v1/keys"}`, why: "not an absolute URL"},
		{name: "not a discovery document", doc: `{"keys":[]}`, why: "not an OpenID discovery document"},
	}
	for _, tc := range cases {
		discovery.Store(tc.doc)
		clk := &fakeClock{t: testNow}
		cache := NewCache(CacheOptions{Client: srv.Client(), Now: clk.Now})
		v, _ := NewVerifier(Options{Issuer: ti.iss, Keys: cache, Now: func() time.Time { return testNow }})
		before := keyHits.Load()
		r, err := v.Verify(ctx(), tok)
		if tc.why == "" {
			if err != nil || !r.Valid {
				t.Fatalf("%s: %v\n%s", tc.name, err, dumpChecks(r))
			}
			// The jwks_uri is remembered: a refetch goes straight there.
			clk.Add(2 * time.Minute)
			n := hits.Load()
			if _, err := cache.Keys(ctx(), ti.iss); err != nil || hits.Load() != n+1 {
				t.Fatalf("%s: refetch %v, %d requests", tc.name, err, hits.Load()-n)
			}
			if u, _ := cache.JWKSURL(ti.iss); !strings.HasSuffix(u, "/tenant/.well-known/jwks.json") {
				t.Fatalf("JWKSURL %s", u)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.why) || r.Valid {
			t.Errorf("%s: %v, want an error saying %q", tc.name, err, tc.why)
		}
		if keyHits.Load() != before {
			t.Errorf("%s: the JWKS was fetched", tc.name)
		}
	}
	// A fixed JWKS URL that answers 404 is not a reason to go discovering.
	n := hits.Load()
	fixed := NewCache(CacheOptions{Client: srv.Client(), URL: srv.URL + "/tenant/.well-known/jwks.json"})
	if _, err := fixed.Keys(ctx(), ti.iss); err == nil || hits.Load() != n+1 {
		t.Fatalf("fixed URL: %v, %d requests", err, hits.Load()-n)
	}
}
