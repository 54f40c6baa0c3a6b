package inspect

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// The fetch policy: what the key fetcher may reach (see doc.go, "Fetching
// keys safely"). A token's iss is chosen by whoever wrote the token, so a
// JWKS fetch for an unconfirmed issuer is a request to a host the token's
// author picked; the policy keeps that request from reaching what it
// should not.

// PolicyError says the fetch policy refused a URL or an address.
type PolicyError struct {
	URL    string // the URL refused (an issuer, a JWKS URL or a redirect)
	Reason string // names no flag: Fix is the code an edge words (Phrase)
	Fix    string // the fix code (FixRelaxFetch…), "" when no option lifts the refusal
}

func (e *PolicyError) Error() string {
	return fmt.Sprintf("refused to fetch %s: %s", e.URL, e.Reason)
}

// addrClass sorts an IP address for the fetch policy.
type addrClass int

const (
	addrPublic    addrClass = iota
	addrLoopback            // 127.0.0.0/8, ::1
	addrPrivate             // 10/8, 172.16/12, 192.168/16, 100.64/10 (CGNAT), fc00::/7
	addrLinkLocal           // 169.254/16, fe80::/10: cloud metadata lives here
	addrMetadata            // metadata services outside link-local: 100.100.100.200, fd00:ec2::254
	addrUnusable            // unspecified, multicast, broadcast, other reserved ranges
)

func (c addrClass) String() string {
	switch c {
	case addrLoopback:
		return "a loopback address"
	case addrPrivate:
		return "a private address"
	case addrLinkLocal:
		return "a link-local address (where cloud metadata services answer)"
	case addrMetadata:
		return "a cloud metadata service address"
	case addrUnusable:
		return "an unspecified, multicast or reserved address"
	}
	return "a public address"
}

var (
	cgnat       = netip.MustParsePrefix("100.64.0.0/10")
	thisNet     = netip.MustParsePrefix("0.0.0.0/8")
	reserved4   = netip.MustParsePrefix("240.0.0.0/4")
	nat64       = netip.MustParsePrefix("64:ff9b::/96")
	metadataIPs = []netip.Addr{
		netip.MustParseAddr("100.100.100.200"), // Alibaba Cloud
		netip.MustParseAddr("fd00:ec2::254"),   // AWS IMDS over IPv6
	}
)

// classifyAddr sorts an address. IPv4-mapped IPv6 addresses and NAT64
// addresses are judged by the IPv4 address inside.
func classifyAddr(a netip.Addr) addrClass {
	a = a.Unmap()
	if a.Is6() && nat64.Contains(a) {
		b := a.As16()
		a = netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	}
	for _, m := range metadataIPs {
		if a == m {
			return addrMetadata
		}
	}
	switch {
	case !a.IsValid(), a.IsUnspecified(), a.IsMulticast(),
		a.Is4() && (thisNet.Contains(a) || reserved4.Contains(a)):
		return addrUnusable
	case a.IsLoopback():
		return addrLoopback
	case a.IsLinkLocalUnicast():
		return addrLinkLocal
	case a.IsPrivate(), a.Is4() && cgnat.Contains(a):
		return addrPrivate
	}
	return addrPublic
}

// fetchRule is what one fetch may reach.
type fetchRule struct {
	// loopbackOnly: plain http, which only loopback may serve.
	loopbackOnly bool
	// private: private addresses allowed (a confirmed issuer, or relaxed).
	private bool
}

// allow checks an address against the rule: why it is refused and the
// code of the fix, or "" when it is allowed.
func (r fetchRule) allow(a netip.Addr) (why, fix string) {
	switch c := classifyAddr(a); {
	case c == addrLinkLocal || c == addrMetadata || c == addrUnusable:
		return fmt.Sprintf("%s is %s, never fetched from", a, c), ""
	case r.loopbackOnly && c != addrLoopback:
		return fmt.Sprintf("plain http is allowed only to loopback, and %s is %s (use https)", a, c), FixRelaxFetch
	case c == addrPrivate && !r.private:
		return fmt.Sprintf("%s is %s and the issuer is unconfirmed", a, c), FixConfirmOrRelax
	}
	return "", ""
}

// unconfirmedKey marks a context whose key lookups follow a token's own
// iss, which nobody confirmed.
type unconfirmedKey struct{}

func withUnconfirmedIssuer(ctx context.Context) context.Context {
	return context.WithValue(ctx, unconfirmedKey{}, true)
}

func unconfirmedIssuer(ctx context.Context) bool {
	v, _ := ctx.Value(unconfirmedKey{}).(bool)
	return v
}

// ruleKey carries a fetch's rule to the dialer.
type ruleKey struct{}

// ruleFor is the rule of a fetch of u.
func (c *Cache) ruleFor(ctx context.Context, u *url.URL) fetchRule {
	confirmed := c.opts.URL != "" || !unconfirmedIssuer(ctx)
	return fetchRule{
		loopbackOnly: u.Scheme == "http" && !c.opts.RelaxFetch,
		private:      confirmed || c.opts.RelaxFetch,
	}
}

// checkURL applies the URL rules: http(s) with a host, no userinfo, no
// query or fragment, no dot segments, plain http only to loopback (unless
// relaxed), and an IP-literal host allowed by rule.
func (c *Cache) checkURL(raw string, u *url.URL, rule fetchRule) error {
	refuse := func(why string) error { return &PolicyError{URL: u.Redacted(), Reason: why} }
	refuseFix := func(why, fix string) error { return &PolicyError{URL: u.Redacted(), Reason: why, Fix: fix} }
	switch {
	case u.Scheme != "https" && u.Scheme != "http", u.Host == "", u.Opaque != "":
		return refuse("not an http(s) URL with a host")
	case u.User != nil:
		return refuse("it holds a user name or password (user:pass@host); credentials are never sent to a JWKS host")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.ContainsAny(raw, "?#"):
		return refuse("it has a query or fragment ('?' or '#'); an issuer URL has neither (OpenID Connect Discovery §3), and no JWKS path is built from one")
	case hasDotSegment(u.Path):
		return refuse("its path has '.' or '..' segments")
	}
	host := u.Hostname()
	if a, err := netip.ParseAddr(host); err == nil {
		if why, fix := rule.allow(a); why != "" {
			return refuseFix(why, fix)
		}
	} else if rule.loopbackOnly && !isLocalhostName(host) {
		return refuseFix("plain http is allowed only to loopback (localhost, 127.0.0.1, [::1]); use https", FixRelaxFetch)
	}
	return nil
}

func isLocalhostName(h string) bool {
	h = strings.ToLower(strings.TrimSuffix(h, "."))
	return h == "localhost" || strings.HasSuffix(h, ".localhost")
}

func hasDotSegment(p string) bool {
	for _, s := range strings.Split(p, "/") {
		if s == "." || s == ".." {
			return true
		}
	}
	return false
}

// jwksURLOf builds <issuer>/.well-known/jwks.json from a parsed issuer.
func (c *Cache) jwksURLOf(issuer string) (string, error) {
	u, err := url.Parse(issuer)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", &PolicyError{URL: issuer, Reason: "the issuer is not an http(s) URL, so its JWKS cannot be fetched", Fix: FixGiveJWKS}
	}
	// The strictest rule here; the fetch applies the one that fits.
	if err := c.checkURL(issuer, u, fetchRule{loopbackOnly: u.Scheme == "http" && !c.opts.RelaxFetch, private: true}); err != nil {
		return "", err
	}
	j := url.URL{Scheme: u.Scheme, Host: u.Host, Path: strings.TrimRight(u.Path, "/") + "/.well-known/jwks.json"}
	return j.String(), nil
}

// policyClient is the client the cache fetches with: the configured
// client's timeout and TLS settings, a dialer that checks every resolved
// address, no proxy, no kept-alive connections (each fetch dials and is
// checked again, so DNS cannot swap the address between checks), and
// redirects only to the same host.
func (c *Cache) policyClient() *http.Client {
	base := c.opts.Client
	var tr *http.Transport
	if t, ok := base.Transport.(*http.Transport); ok && t != nil {
		tr = t.Clone()
	} else {
		tr = http.DefaultTransport.(*http.Transport).Clone()
	}
	tr.Proxy = nil
	tr.DisableKeepAlives = true
	tr.MaxResponseHeaderBytes = 64 << 10
	d := &net.Dialer{Timeout: 10 * time.Second}
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		rule, ok := ctx.Value(ruleKey{}).(fetchRule)
		if !ok {
			rule = fetchRule{loopbackOnly: true}
		}
		dd := *d
		dd.Control = func(_, address string, _ syscall.RawConn) error {
			if c.resolvedHook != nil {
				address = c.resolvedHook(address)
			}
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return &PolicyError{URL: addr, Reason: "cannot read the resolved address " + address}
			}
			if why, fix := rule.allow(ap.Addr()); why != "" {
				return &PolicyError{URL: addr, Reason: "it resolved to " + why, Fix: fix}
			}
			return nil
		}
		return dd.DialContext(ctx, network, addr)
	}
	timeout := base.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second // a JWKS host that hangs must not hang us
	}
	return &http.Client{
		Timeout:   timeout,
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			first := via[0].URL
			switch {
			case len(via) >= 3:
				return &PolicyError{URL: req.URL.Redacted(), Reason: "more than 3 redirects"}
			case !strings.EqualFold(req.URL.Host, first.Host):
				return &PolicyError{URL: req.URL.Redacted(), Reason: fmt.Sprintf("a redirect from %s to another host; keys are fetched only from the issuer's own host", first.Host)}
			case first.Scheme == "https" && req.URL.Scheme != "https":
				return &PolicyError{URL: req.URL.Redacted(), Reason: "a redirect from https to plain http"}
			}
			rule, _ := req.Context().Value(ruleKey{}).(fetchRule)
			return c.checkURL(req.URL.String(), req.URL, rule)
		},
	}
}

// errPolicy reports whether err is the policy's refusal.
func errPolicy(err error) bool {
	var pe *PolicyError
	return errors.As(err, &pe)
}
