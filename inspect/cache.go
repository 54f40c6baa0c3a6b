package inspect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// CacheOptions configure a Cache. Zero values pick the defaults noted.
type CacheOptions struct {
	// Client fetches the JWKS. Default: a client with a 10 s timeout.
	Client *http.Client
	// Now is the clock that decides freshness. Default time.Now.
	Now func() time.Time
	// URL, when set, is the one JWKS used for every issuer (--jwks URL).
	// Otherwise the JWKS of an issuer is <issuer>/.well-known/jwks.json.
	URL string
	// MinTTL and MaxTTL bound how long a response stays fresh whatever its
	// headers say (defaults 1 s and 24 h); DefaultTTL applies when the
	// response has no caching headers (default 15 min). "no-store" and
	// "no-cache" count as MinTTL, then a conditional request revalidates.
	MinTTL, MaxTTL, DefaultTTL time.Duration
	// RefetchInterval is the least time between two refetches of one JWKS
	// caused by unknown kids (default 5 s), so a stream of forged kids
	// cannot turn the cache into a request flood. The first unknown kid
	// after a fetch always refetches.
	RefetchInterval time.Duration
	// RelaxFetch relaxes the fetch policy for local emulators: plain http
	// to any host, and private addresses for unconfirmed issuers too.
	// Link-local and metadata addresses, credentials in the URL, a query
	// or fragment in the issuer and redirects to another host stay
	// refused (doc.go, "Fetching keys safely").
	RelaxFetch bool
}

// Cache is a KeySource that fetches JWKS documents over HTTP with jwx's
// parser, keeps the imported keys per URL, honours Cache-Control, Expires,
// Age, ETag and Last-Modified, and refetches once when a token names an
// unknown kid. It is safe for concurrent use; lookups of fresh keys take
// no lock.
type Cache struct {
	opts   CacheOptions
	client *http.Client // the policy's client, built from opts.Client
	// resolvedHook, in tests, replaces the address the dialer checks (the
	// connection still goes where DNS said).
	resolvedHook func(string) string
	mu           sync.Mutex
	entries      atomic.Pointer[map[string]*cacheEntry]
	fetches      atomic.Int64
}

type cacheEntry struct {
	url     string
	issuer  string // "" for the fixed URL: no discovery then
	state   atomic.Pointer[cacheState]
	fetchMu sync.Mutex
	// lastKidRefetch is guarded by fetchMu.
	lastKidRefetch time.Time
	// discovered is the jwks_uri of the issuer's discovery document, once
	// url answered 404; written under fetchMu.
	discovered atomic.Pointer[string]
}

// source is where the entry's keys come from.
func (e *cacheEntry) source() string {
	if d := e.discovered.Load(); d != nil {
		return *d
	}
	return e.url
}

type cacheState struct {
	set           *KeySet
	fetched       time.Time
	expires       time.Time
	etag, lastMod string
}

// NewCache returns an empty cache.
func NewCache(opts CacheOptions) *Cache {
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MinTTL <= 0 {
		opts.MinTTL = time.Second
	}
	if opts.MaxTTL <= 0 {
		opts.MaxTTL = 24 * time.Hour
	}
	if opts.DefaultTTL <= 0 {
		opts.DefaultTTL = 15 * time.Minute
	}
	if opts.RefetchInterval <= 0 {
		opts.RefetchInterval = 5 * time.Second
	}
	c := &Cache{opts: opts}
	c.client = c.policyClient()
	m := map[string]*cacheEntry{}
	c.entries.Store(&m)
	return c
}

// Fetches counts the HTTP requests the cache has made (including
// revalidations answered 304).
func (c *Cache) Fetches() int { return int(c.fetches.Load()) }

// Pinned implements PinnedKeySource: a cache with a fixed URL serves the
// keys the caller chose; one that follows issuers does not.
func (c *Cache) Pinned() bool { return c.opts.URL != "" }

// JWKSURL is the JWKS location tried first for issuer (the discovery
// document's jwks_uri is used when it answers 404).
func (c *Cache) JWKSURL(issuer string) (string, error) {
	if c.opts.URL != "" {
		return c.opts.URL, nil
	}
	if issuer == "" {
		return "", errors.New("the token has no iss claim and no JWKS URL was given: cannot tell where its keys are")
	}
	return c.jwksURLOf(issuer)
}

// Key implements KeySource.
func (c *Cache) Key(ctx context.Context, issuer, kid string) (*Key, error) {
	e, err := c.entryFor(issuer)
	if err != nil {
		return nil, err
	}
	st, err := c.fresh(ctx, e)
	if err != nil {
		return nil, err
	}
	if k, ok := st.set.byKid[kid]; ok {
		return k, nil
	}
	// Unknown kid: the issuer may have rotated its keys since we fetched.
	st, refetched, err := c.refetchForKid(ctx, e, st)
	if err != nil {
		return nil, err
	}
	if k, ok := st.set.byKid[kid]; ok {
		return k, nil
	}
	src := e.source()
	if !refetched {
		src += " (not refetched: another unknown kid caused a refetch moments ago)"
	}
	return nil, st.set.unknownKid(kid, src)
}

// SkippedKeys lists the keys of issuer's JWKS that could not be used, as
// last fetched (nothing is fetched).
func (c *Cache) SkippedKeys(issuer string) []SkippedKey {
	key := issuer
	if c.opts.URL != "" {
		key = ""
	}
	e, ok := (*c.entries.Load())[key]
	if !ok {
		return nil
	}
	if st := e.state.Load(); st != nil {
		return st.set.skipped
	}
	return nil
}

// Keys implements KeySource.
func (c *Cache) Keys(ctx context.Context, issuer string) ([]*Key, error) {
	e, err := c.entryFor(issuer)
	if err != nil {
		return nil, err
	}
	st, err := c.fresh(ctx, e)
	if err != nil {
		return nil, err
	}
	return st.set.keys, nil
}

// entryFor finds the entry of an issuer. Entries are keyed by issuer (all
// under "" with a fixed URL) so the hot path neither parses nor builds a
// URL.
func (c *Cache) entryFor(issuer string) (*cacheEntry, error) {
	key := issuer
	if c.opts.URL != "" {
		key = ""
	}
	if e, ok := (*c.entries.Load())[key]; ok {
		return e, nil
	}
	u, err := c.JWKSURL(issuer)
	if err != nil {
		if errPolicy(err) {
			return nil, &FetchError{URL: issuer, Err: err}
		}
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	old := *c.entries.Load()
	if e, ok := old[key]; ok {
		return e, nil
	}
	m := make(map[string]*cacheEntry, len(old)+1)
	// Keys come from tokens when no issuer is expected: bound the map so a
	// stream of made-up issuers cannot grow it without end.
	if len(old) < maxCacheEntries {
		for k, v := range old {
			m[k] = v
		}
	}
	key = strings.Clone(key) // key may alias a token's decode buffer
	e := &cacheEntry{url: u, issuer: key}
	m[key] = e
	c.entries.Store(&m)
	return e, nil
}

// fresh returns keys that are fresh now, fetching or revalidating them if
// needed. When a refresh fails but older keys exist, the older keys are
// used (stale-if-error): a flaky JWKS endpoint should not fail tokens the
// keys we hold can still verify.
func (c *Cache) fresh(ctx context.Context, e *cacheEntry) (*cacheState, error) {
	st := e.state.Load()
	if st != nil && c.opts.Now().Before(st.expires) {
		return st, nil
	}
	e.fetchMu.Lock()
	defer e.fetchMu.Unlock()
	if cur := e.state.Load(); cur != nil && c.opts.Now().Before(cur.expires) {
		return cur, nil // another caller refreshed while we waited
	}
	nst, err := c.fetch(ctx, e)
	if err != nil {
		if st != nil {
			// Keep the stale keys a little longer so a dead endpoint costs one
			// attempt per MinTTL, not one per token.
			stale := *st
			stale.expires = c.opts.Now().Add(c.opts.MinTTL)
			e.state.Store(&stale)
			return &stale, nil
		}
		return nil, err
	}
	return nst, nil
}

func (c *Cache) refetchForKid(ctx context.Context, e *cacheEntry, seen *cacheState) (*cacheState, bool, error) {
	e.fetchMu.Lock()
	defer e.fetchMu.Unlock()
	cur := e.state.Load()
	if cur != seen {
		return cur, true, nil // refreshed by someone else meanwhile
	}
	now := c.opts.Now()
	if !e.lastKidRefetch.IsZero() && now.Sub(e.lastKidRefetch) < c.opts.RefetchInterval {
		return cur, false, nil
	}
	e.lastKidRefetch = now
	nst, err := c.fetch(ctx, e)
	if err != nil {
		return nil, true, err
	}
	return nst, true, nil
}

// maxCacheEntries bounds the issuers a cache remembers.
const maxCacheEntries = 64

// maxJWKSBytes bounds a JWKS response; real ones are a few KB.
const maxJWKSBytes = 1 << 20

// fetch GETs the JWKS (conditionally when we hold a validator) and stores
// the new state. When <issuer>/.well-known/jwks.json answers 404, the
// issuer's OpenID discovery document names the JWKS (jwks_uri), as API
// Gateway finds it; that URL is used from then on. The caller holds
// e.fetchMu.
func (c *Cache) fetch(ctx context.Context, e *cacheEntry) (*cacheState, error) {
	st, err := c.fetchJWKS(ctx, e, e.source())
	var fe *FetchError
	if e.issuer == "" || e.discovered.Load() != nil || !errors.As(err, &fe) || fe.Status != http.StatusNotFound {
		return st, err
	}
	ju, derr := c.discover(ctx, e.issuer)
	if derr != nil {
		return nil, &FetchError{URL: e.url, Status: http.StatusNotFound,
			Err: fmt.Errorf("no JWKS there, and the issuer's discovery document does not name one: %w", derr)}
	}
	e.discovered.Store(&ju)
	return c.fetchJWKS(ctx, e, ju)
}

// maxDiscoveryBytes bounds an OpenID discovery document (a few KB).
const maxDiscoveryBytes = 256 << 10

// discover reads <issuer>/.well-known/openid-configuration and returns its
// jwks_uri. The document must name the same issuer (OpenID Connect
// Discovery §4.3), and its jwks_uri passes the fetch policy like any URL.
func (c *Cache) discover(ctx context.Context, issuer string) (string, error) {
	iu, err := url.Parse(issuer)
	if err != nil {
		return "", &PolicyError{URL: issuer, Reason: "not a URL"}
	}
	du := url.URL{Scheme: iu.Scheme, Host: iu.Host, Path: strings.TrimRight(iu.Path, "/") + "/.well-known/openid-configuration"}
	rule := c.ruleFor(ctx, &du)
	if err := c.checkURL(du.String(), &du, rule); err != nil {
		return "", err
	}
	resp, err := c.get(ctx, du.String(), rule, nil)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
		return "", fmt.Errorf("%s: HTTP %d (the response body is not shown)", du.String(), resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDiscoveryBytes+1))
	if err != nil {
		return "", fmt.Errorf("%s: read body: %w", du.String(), err)
	}
	if len(body) > maxDiscoveryBytes {
		return "", fmt.Errorf("%s: body larger than %d KiB, not a discovery document", du.String(), maxDiscoveryBytes>>10)
	}
	var doc struct {
		Issuer  *string `json:"issuer"`
		JWKSURI *string `json:"jwks_uri"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || doc.Issuer == nil || doc.JWKSURI == nil {
		return "", fmt.Errorf("%s is not an OpenID discovery document with issuer and jwks_uri", du.String())
	}
	if *doc.Issuer != issuer {
		return "", fmt.Errorf("%s names the issuer %q, not %q (OpenID Connect Discovery §4.3 requires the same)", du.String(), *doc.Issuer, issuer)
	}
	ju, err := url.Parse(*doc.JWKSURI)
	if err != nil || !ju.IsAbs() {
		return "", fmt.Errorf("%s: jwks_uri %q is not an absolute URL", du.String(), *doc.JWKSURI)
	}
	if err := c.checkURL(*doc.JWKSURI, ju, c.ruleFor(ctx, ju)); err != nil {
		return "", fmt.Errorf("%s: jwks_uri: %w", du.String(), err)
	}
	return ju.String(), nil
}

// get GETs target, asking for JSON, through the policy client with rule
// in the request's context, where the dialer and the redirect check read
// it; with old, conditionally on its validators. It counts the fetch.
func (c *Cache) get(ctx context.Context, target string, rule fetchRule, old *cacheState) (*http.Response, error) {
	req, err := http.NewRequestWithContext(context.WithValue(ctx, ruleKey{}, rule), http.MethodGet, target, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	if old != nil {
		if old.etag != "" {
			req.Header.Set("If-None-Match", old.etag)
		}
		if old.lastMod != "" {
			req.Header.Set("If-Modified-Since", old.lastMod)
		}
	}
	c.fetches.Add(1)
	return c.client.Do(req)
}

// fetchJWKS fetches one JWKS URL. The caller holds e.fetchMu.
func (c *Cache) fetchJWKS(ctx context.Context, e *cacheEntry, target string) (*cacheState, error) {
	old := e.state.Load()
	u, err := url.Parse(target)
	if err != nil {
		return nil, &FetchError{URL: target, Err: &PolicyError{URL: target, Reason: "not a URL"}}
	}
	rule := c.ruleFor(ctx, u)
	if err := c.checkURL(target, u, rule); err != nil {
		return nil, &FetchError{URL: u.Redacted(), Err: err}
	}
	resp, err := c.get(ctx, target, rule, old)
	if err != nil {
		return nil, &FetchError{URL: target, Err: err}
	}
	defer resp.Body.Close()
	now := c.opts.Now()
	ttl := c.ttl(resp.Header, now)
	if resp.StatusCode == http.StatusNotModified && old != nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxJWKSBytes))
		nst := *old
		nst.fetched, nst.expires = now, now.Add(ttl)
		e.state.Store(&nst)
		return &nst, nil
	}
	if resp.StatusCode != http.StatusOK {
		// The body is not shown: it comes from a host the token may have
		// chosen, and could say anything.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
		return nil, &FetchError{URL: target, Status: resp.StatusCode,
			Err: errors.New("expected 200 with a JWKS (the response body is not shown)")}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSBytes+1))
	if err != nil {
		return nil, &FetchError{URL: target, Status: resp.StatusCode, Err: fmt.Errorf("read body: %w", err)}
	}
	if len(body) > maxJWKSBytes {
		return nil, &FetchError{URL: target, Status: resp.StatusCode, Err: errors.New("body larger than 1 MiB, not a JWKS")}
	}
	set, err := ParseJWKS(body, target)
	if err != nil {
		return nil, &FetchError{URL: target, Status: resp.StatusCode, Err: err}
	}
	nst := &cacheState{set: set, fetched: now, expires: now.Add(ttl),
		etag: resp.Header.Get("ETag"), lastMod: resp.Header.Get("Last-Modified")}
	e.state.Store(nst)
	return nst, nil
}

// ttl reads how long a response may be used without revalidation, per
// RFC 9111 for a private cache: max-age (less Age) wins over Expires.
func (c *Cache) ttl(h http.Header, now time.Time) time.Duration {
	ttl, ok := freshness(h, now)
	if !ok {
		ttl = c.opts.DefaultTTL
	}
	return min(max(ttl, c.opts.MinTTL), c.opts.MaxTTL)
}

// freshness returns the response's freshness lifetime and whether the
// headers say anything about it.
func freshness(h http.Header, now time.Time) (time.Duration, bool) {
	for _, v := range h.Values("Cache-Control") {
		for _, d := range strings.Split(v, ",") {
			name, val, _ := strings.Cut(strings.TrimSpace(d), "=")
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "no-store", "no-cache":
				return 0, true
			case "max-age":
				n, err := strconv.ParseInt(strings.Trim(strings.TrimSpace(val), `"`), 10, 64)
				if err != nil || n < 0 {
					return 0, true // an invalid max-age means stale (RFC 9111 §4.2.1)
				}
				age, _ := strconv.ParseInt(strings.TrimSpace(h.Get("Age")), 10, 64)
				n = min(n, int64(1<<31)) - max(age, 0)
				return time.Duration(max(n, 0)) * time.Second, true
			}
		}
	}
	if exp := h.Get("Expires"); exp != "" {
		t, err := http.ParseTime(exp)
		if err != nil {
			return 0, true // an invalid Expires means already expired
		}
		base := now
		if d, err := http.ParseTime(h.Get("Date")); err == nil {
			base = d
		}
		return max(t.Sub(base), 0), true
	}
	return 0, false
}
