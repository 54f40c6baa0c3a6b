package inspect

import (
	"crypto/rsa"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestClassifyAddr(t *testing.T) {
	t.Parallel()
	cases := []struct {
		addr string
		want addrClass
	}{
		{"8.8.8.8", addrPublic},
		{"2606:4700::1111", addrPublic},
		{"127.0.0.1", addrLoopback},
		{"127.9.9.9", addrLoopback},
		{"::1", addrLoopback},
		{"::ffff:127.0.0.1", addrLoopback},
		{"10.1.2.3", addrPrivate},
		{"172.16.0.1", addrPrivate},
		{"172.31.255.255", addrPrivate},
		{"172.32.0.1", addrPublic},
		{"192.168.1.1", addrPrivate},
		{"100.64.0.1", addrPrivate},
		{"fd12:3456::1", addrPrivate},
		{"169.254.169.254", addrLinkLocal},
		{"::ffff:169.254.169.254", addrLinkLocal},
		{"64:ff9b::a9fe:a9fe", addrLinkLocal}, // NAT64 of 169.254.169.254
		{"fe80::1", addrLinkLocal},
		{"100.100.100.200", addrMetadata},
		{"fd00:ec2::254", addrMetadata},
		{"0.0.0.0", addrUnusable},
		{"::", addrUnusable},
		{"0.1.2.3", addrUnusable},
		{"224.0.0.1", addrUnusable},
		{"255.255.255.255", addrUnusable},
		{"ff02::1", addrUnusable},
	}
	for _, tc := range cases {
		if got := classifyAddr(netip.MustParseAddr(tc.addr)); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.addr, got, tc.want)
		}
	}
	// What each rule lets through.
	rules := []struct {
		rule  fetchRule
		addr  string
		allow bool
	}{
		{fetchRule{}, "8.8.8.8", true},
		{fetchRule{}, "10.1.2.3", false},
		{fetchRule{private: true}, "10.1.2.3", true},
		{fetchRule{private: true}, "169.254.169.254", false},
		{fetchRule{private: true}, "fd00:ec2::254", false},
		{fetchRule{private: true}, "100.100.100.200", false},
		{fetchRule{loopbackOnly: true, private: true}, "10.1.2.3", false},
		{fetchRule{loopbackOnly: true}, "127.0.0.1", true},
		{fetchRule{loopbackOnly: true}, "::1", true},
		{fetchRule{}, "127.0.0.1", true},
	}
	for _, tc := range rules {
		why, _ := tc.rule.allow(netip.MustParseAddr(tc.addr))
		if (why == "") != tc.allow {
			t.Errorf("%+v %s: %v, want allowed=%v", tc.rule, tc.addr, why, tc.allow)
		}
	}
}

func TestFetchPolicyURLs(t *testing.T) {
	t.Parallel()
	cases := []struct {
		iss     string
		relaxed bool
		want    string // the JWKS URL, or "" when refused
		why     string
	}{
		{iss: "https://idp.example/tenant/", want: "https://idp.example/tenant/.well-known/jwks.json"},
		{iss: "https://idp.example", want: "https://idp.example/.well-known/jwks.json"},
		{iss: "http://127.0.0.1:9229/us-east-1_P", want: "http://127.0.0.1:9229/us-east-1_P/.well-known/jwks.json"},
		{iss: "http://localhost:9229/us-east-1_P", want: "http://localhost:9229/us-east-1_P/.well-known/jwks.json"},
		{iss: "http://[::1]:9229/p", want: "http://[::1]:9229/p/.well-known/jwks.json"},
		{iss: "http://idp.example/p", why: "plain http"},
		{iss: "http://idp.example/p", relaxed: true, want: "http://idp.example/p/.well-known/jwks.json"},
		{iss: "https://idp.example/p#/../../evil", why: "query or fragment"},
		{iss: "https://idp.example/p#", why: "query or fragment"},
		{iss: "https://idp.example/p?x=/admin", why: "query or fragment"},
		{iss: "https://idp.example/p?", why: "query or fragment"},
		{iss: "https://user:hunter2@idp.example/p", why: "user name or password"},
		{iss: "https://idp.example/a/../admin", why: "'..' segments"},
		{iss: "https://169.254.169.254/latest/meta-data", why: "link-local"},
		{iss: "https://169.254.169.254/latest/meta-data", relaxed: true, why: "link-local"},
		{iss: "http://[fd00:ec2::254]/latest", relaxed: true, why: "metadata"},
		{iss: "https://100.100.100.200/latest", relaxed: true, why: "metadata"},
		{iss: "https://[fe80::1]/x", relaxed: true, why: "link-local"},
		{iss: "https://0.0.0.0/x", why: "unspecified"},
		{iss: "ftp://idp.example/p", why: "not an http(s) URL"},
		{iss: "not a url", why: "not an http(s) URL"},
	}
	for _, tc := range cases {
		c := NewCache(CacheOptions{RelaxFetch: tc.relaxed})
		got, err := c.JWKSURL(tc.iss)
		switch {
		case tc.want != "" && (err != nil || got != tc.want):
			t.Errorf("%s: %q, %v; want %q", tc.iss, got, err, tc.want)
		case tc.want == "" && (err == nil || !errPolicy(err) || !strings.Contains(err.Error(), tc.why)):
			t.Errorf("%s: %q, %v; want a policy refusal saying %q", tc.iss, got, err, tc.why)
		case err != nil && strings.Contains(err.Error(), "hunter2"):
			t.Errorf("%s: the password is in the error: %v", tc.iss, err)
		}
	}
}

// policyServer counts its requests and serves a JWKS under /p/.
func policyServer(t *testing.T, tls bool, h http.HandlerFunc) (*httptest.Server, *int) {
	t.Helper()
	n := new(int)
	f := func(w http.ResponseWriter, r *http.Request) {
		*n++
		h(w, r)
	}
	var srv *httptest.Server
	if tls {
		srv = httptest.NewTLSServer(http.HandlerFunc(f))
	} else {
		srv = httptest.NewServer(http.HandlerFunc(f))
	}
	t.Cleanup(srv.Close)
	return srv, n
}

func TestFetchPolicyAtTheServer(t *testing.T) {
	t.Parallel()
	jwks := jwksJSON(map[string]*rsa.PrivateKey{"k1": loadTestKeys(t)[0]})
	serveJWKS := func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(jwks) }
	other, otherHits := policyServer(t, false, serveJWKS)
	redir, _ := policyServer(t, false, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/away/.well-known/jwks.json":
			http.Redirect(w, r, other.URL+"/p/.well-known/jwks.json", http.StatusFound)
		case "/same/.well-known/jwks.json":
			http.Redirect(w, r, "/p/.well-known/jwks.json", http.StatusFound)
		case "/p/.well-known/jwks.json":
			_, _ = w.Write(jwks)
		case "/secret/.well-known/jwks.json":
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte("ami-id instance-id SECRET-METADATA"))
		case "/huge/.well-known/jwks.json":
			_, _ = w.Write([]byte(`{"keys":[],"pad":"` + strings.Repeat("x", maxJWKSBytes) + `"}`))
		default:
			http.NotFound(w, r)
		}
	})
	c := NewCache(CacheOptions{Client: redir.Client()})
	if _, err := c.Keys(ctx(), redir.URL+"/same"); err != nil {
		t.Fatalf("a redirect on the same host is followed: %v", err)
	}
	_, err := c.Keys(ctx(), redir.URL+"/away")
	if !errPolicy(err) || !strings.Contains(err.Error(), "another host") || *otherHits != 0 {
		t.Fatalf("cross-host redirect: %v (other host hit %d times)", err, *otherHits)
	}
	_, err = c.Keys(ctx(), redir.URL+"/secret")
	var fe *FetchError
	if !errors.As(err, &fe) || fe.Status != 500 || strings.Contains(err.Error(), "SECRET") {
		t.Fatalf("error body: %v", err)
	}
	if _, err = c.Keys(ctx(), redir.URL+"/huge"); err == nil || !strings.Contains(err.Error(), "larger than 1 MiB") {
		t.Fatalf("huge body: %v", err)
	}
	// Credentials in the issuer are never sent.
	u := strings.Replace(redir.URL, "http://", "http://user:pw@", 1) + "/p"
	if _, err = c.Keys(ctx(), u); !errPolicy(err) {
		t.Fatalf("userinfo: %v", err)
	}
}

func TestFetchPolicyChecksTheResolvedAddress(t *testing.T) {
	t.Parallel()
	jwks := jwksJSON(map[string]*rsa.PrivateKey{"k1": loadTestKeys(t)[0]})
	serve := func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(jwks) }
	plain, plainHits := policyServer(t, false, serve)
	secure, secureHits := policyServer(t, true, serve)
	_, port, _ := net.SplitHostPort(plain.Listener.Addr().String())
	// Forced "resolved" addresses: the dialer checks these, while the
	// connection still goes to the loopback server.
	forced := func(ip string) func(string) string {
		return func(a string) string {
			_, p, _ := net.SplitHostPort(a)
			return net.JoinHostPort(ip, p)
		}
	}
	cases := []struct {
		name        string
		srv         *httptest.Server
		iss         string
		resolved    string
		relaxed     bool
		unconfirmed bool
		ok          bool
		why         string
	}{
		{name: "loopback http", srv: plain, iss: plain.URL + "/p", ok: true},
		{name: "localhost by name", srv: plain, iss: "http://localhost:" + port + "/p", ok: true},
		{name: "localhost resolving to metadata", srv: plain, iss: "http://localhost:" + port + "/p", resolved: "169.254.169.254", why: "link-local"},
		{name: "metadata, relaxed", srv: plain, iss: plain.URL + "/p", resolved: "169.254.169.254", relaxed: true, why: "link-local"},
		{name: "IPv6 IMDS, relaxed", srv: plain, iss: plain.URL + "/p", resolved: "fd00:ec2::254", relaxed: true, why: "metadata"},
		{name: "Alibaba metadata, relaxed", srv: plain, iss: plain.URL + "/p", resolved: "100.100.100.200", relaxed: true, why: "metadata"},
		{name: "http to a private address", srv: plain, iss: plain.URL + "/p", resolved: "10.1.2.3", why: "only to loopback"},
		{name: "http to a private address, relaxed", srv: plain, iss: plain.URL + "/p", resolved: "10.1.2.3", relaxed: true, unconfirmed: true, ok: true},
		{name: "https to a private address, confirmed", srv: secure, iss: secure.URL + "/p", resolved: "10.1.2.3", ok: true},
		{name: "https to a private address, unconfirmed", srv: secure, iss: secure.URL + "/p", resolved: "10.1.2.3", unconfirmed: true, why: "unconfirmed"},
		{name: "https to a public address, unconfirmed", srv: secure, iss: secure.URL + "/p", resolved: "8.8.8.8", unconfirmed: true, ok: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := NewCache(CacheOptions{Client: tc.srv.Client(), RelaxFetch: tc.relaxed})
			if tc.resolved != "" {
				c.resolvedHook = forced(tc.resolved)
			}
			kctx := ctx()
			if tc.unconfirmed {
				kctx = withUnconfirmedIssuer(kctx)
			}
			before := *plainHits + *secureHits
			_, err := c.Keys(kctx, tc.iss)
			if tc.ok {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errPolicy(err) || !strings.Contains(err.Error(), tc.why) {
				t.Fatalf("%v, want a refusal saying %q", err, tc.why)
			}
			if !strings.Contains(err.Error(), "resolved to") {
				t.Fatalf("%v: refused before the dial", err)
			}
			if after := *plainHits + *secureHits; after != before {
				t.Fatalf("the server was reached")
			}
		})
	}
}

func TestVerifyRefusesUnsafeIssuers(t *testing.T) {
	t.Parallel()
	ti := serveIssuer(t, testPool)
	before := ti.hits.Load()
	cache := NewCache(CacheOptions{Client: ti.srv.Client()})
	for _, iss := range []string{ti.iss + "#", ti.iss + "?x", "https://169.254.169.254/latest/meta-data"} {
		tok := ti.access(with(ti.accessClaims(testNow), "iss", iss))
		v, _ := NewVerifier(Options{Keys: cache, Now: func() time.Time { return testNow }})
		r, err := v.Verify(ctx(), tok)
		if !errPolicy(err) || r.Valid || r.Check(CheckSignature).Status != StatusSkipped {
			t.Errorf("%s: %v\n%s", iss, err, dumpChecks(r))
		}
		if verr := v.Validate(ctx(), tok); !errPolicy(verr) {
			t.Errorf("%s: Validate %v", iss, verr)
		}
	}
	if ti.hits.Load() != before {
		t.Fatal("the JWKS server was reached")
	}
}
