package oauth

import (
	"context"
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// defaultCallbackPath is the path of the redirect URI made up when none is
// given.
const defaultCallbackPath = "/callback"

// loopbackRedirect is a redirect URI the terminal can receive.
type loopbackRedirect struct {
	raw  string // as given: sent byte for byte, since Cognito compares exactly
	host string // host as written: localhost, 127.0.0.1, ::1
	port int    // 0: any free port
	path string
}

// parseLoopbackRedirect accepts http://localhost:PORT/path,
// http://127.0.0.1:PORT/path and http://[::1]:PORT/path (RFC 8252 §7.3)
// and refuses anything the terminal could not receive.
func parseLoopbackRedirect(raw string) (*loopbackRedirect, error) {
	if raw == "" {
		return &loopbackRedirect{host: "127.0.0.1", path: defaultCallbackPath}, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, &RedirectURIError{URI: raw, Reason: "not a URL: " + err.Error()}
	}
	switch {
	case u.Scheme == "":
		return nil, &RedirectURIError{URI: raw, Reason: "not an absolute URL; use a loopback URL such as http://localhost:8765/callback"}
	case u.Scheme == "https" && isLoopbackHost(u.Hostname()):
		return nil, &RedirectURIError{URI: raw, Reason: "the loopback listener speaks plain http (RFC 8252 §7.3); register and use http://localhost:PORT/… instead"}
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, &RedirectURIError{URI: raw, Reason: "a " + u.Scheme + ": redirect goes to an app registered for that scheme, not to this terminal; use a loopback URL such as http://localhost:8765/callback"}
	case u.Host == "" || u.Opaque != "":
		return nil, &RedirectURIError{URI: raw, Reason: "no host"}
	case !isLoopbackHost(u.Hostname()):
		return nil, &RedirectURIError{URI: raw, Reason: "host " + u.Hostname() + " is not this machine's loopback, so the browser would take the code somewhere this terminal cannot listen; use http://localhost:PORT/… or http://127.0.0.1:PORT/… (registered on the app client)"}
	case u.Scheme == "https":
		return nil, &RedirectURIError{URI: raw, Reason: "https is not loopback"}
	case u.User != nil:
		return nil, &RedirectURIError{URI: raw, Reason: "user information is not allowed in a redirect URI"}
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return nil, &RedirectURIError{URI: raw, Reason: "a redirect URI must not have a fragment (RFC 6749 §3.1.2)"}
	}
	lr := &loopbackRedirect{raw: raw, host: u.Hostname(), path: u.EscapedPath()}
	if lr.path == "" {
		lr.path = "/"
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 65535 {
			return nil, &RedirectURIError{URI: raw, Reason: "port " + p + " is out of range"}
		}
		lr.port = n
	}
	return lr, nil
}

// bindHost is the address the listener binds for the redirect's host:
// 127.0.0.1 for localhost (RFC 8252 §8.3 prefers the IP literal, and only
// loopback is ever bound; listenLoopback adds ::1).
func (lr *loopbackRedirect) bindHost() string {
	if ip := net.ParseIP(lr.host); ip != nil {
		return ip.String()
	}
	return "127.0.0.1"
}

// uri is the redirect URI with the port actually bound. A URI given with
// its port is returned untouched.
func (lr *loopbackRedirect) uri(port int) string {
	if lr.raw != "" && lr.port != 0 {
		return lr.raw
	}
	if lr.raw == "" {
		return "http://" + net.JoinHostPort(lr.host, strconv.Itoa(port)) + lr.path
	}
	u, _ := url.Parse(lr.raw) // parsed before
	u.Host = net.JoinHostPort(lr.host, strconv.Itoa(port))
	return u.String()
}

// callback is one redirect received, waiting for the page to answer with.
type callback struct {
	query url.Values
	reply chan page
}

// receiver is the one-shot loopback listener: it accepts exactly one
// redirect on its path, hands it to the flow, answers the browser with the
// page the flow sends back, and is closed by the flow.
type receiver struct {
	lns         []net.Listener // 127.0.0.1, and ::1 too for a localhost redirect
	srv         *http.Server
	path        string
	redirectURI string

	calls   chan *callback
	done    chan struct{}
	claimed atomic.Bool

	// state is the sign-in's state: only a redirect carrying it ends the
	// wait. Others (a stale tab, a forged ?error=access_denied from any
	// local process or web page) are answered, counted in ignored, and
	// the wait goes on. Nil until expect: nothing is accepted before.
	state       atomic.Pointer[string]
	ignored     atomic.Int64
	lastIgnored atomic.Pointer[string] // the state the last ignored one carried
	served      sync.WaitGroup         // one Serve per listener

	closeOnce sync.Once
}

// freePortTries bounds the search for a port free on both loopback
// addresses of a localhost redirect.
const freePortTries = 5

// listen opens the receiver for lr, on ln when one is given.
func listen(lr *loopbackRedirect, ln net.Listener) (*receiver, error) {
	var lns []net.Listener
	if ln != nil {
		lns = []net.Listener{ln}
	} else {
		var err error
		if lns, err = listenLoopback(lr); err != nil {
			return nil, err
		}
	}
	ta, ok := lns[0].Addr().(*net.TCPAddr)
	if !ok || !ta.IP.IsLoopback() {
		closeAll(lns)
		return nil, &ListenError{Addr: lns[0].Addr().String(), Err: errors.New("not a loopback TCP listener")}
	}
	if lr.port != 0 && ta.Port != lr.port {
		closeAll(lns)
		return nil, &ListenError{Addr: lns[0].Addr().String(), Err: errors.New("the listener's port is not the redirect URI's " + strconv.Itoa(lr.port))}
	}
	r := &receiver{
		lns:         lns,
		path:        lr.path,
		redirectURI: lr.uri(ta.Port),
		calls:       make(chan *callback, 1),
		done:        make(chan struct{}),
	}
	r.srv = &http.Server{Handler: r, ReadHeaderTimeout: 10 * time.Second}
	for _, l := range lns {
		r.served.Add(1)
		go func() {
			defer r.served.Done()
			_ = r.srv.Serve(l)
		}()
	}
	return r, nil
}

// listenLoopback binds the redirect's port on loopback. A localhost
// redirect is bound on 127.0.0.1 and, where the machine has IPv6, on ::1
// at the same port: browsers resolve localhost to either, and a program
// holding [::1]:PORT (a development server: Node binds localhost to ::1)
// would otherwise receive the code while this listener waits on
// 127.0.0.1. Such a program makes the port count as taken.
func listenLoopback(lr *loopbackRedirect) ([]net.Listener, error) {
	tries := 1
	localhost := net.ParseIP(lr.host) == nil // a name: isLoopbackHost let only localhost through
	if lr.port == 0 && localhost {
		tries = freePortTries
	}
	var lastErr error
	for range tries {
		addr := net.JoinHostPort(lr.bindHost(), strconv.Itoa(lr.port))
		v4, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, &ListenError{Addr: addr, InUse: errors.Is(err, syscall.EADDRINUSE), Err: err}
		}
		if !localhost {
			return []net.Listener{v4}, nil
		}
		port := v4.Addr().(*net.TCPAddr).Port
		addr6 := net.JoinHostPort("::1", strconv.Itoa(port))
		v6, err := net.Listen("tcp", addr6)
		switch {
		case err == nil:
			return []net.Listener{v4, v6}, nil
		case errors.Is(err, syscall.EADDRINUSE):
			_ = v4.Close()
			lastErr = &ListenError{Addr: addr6, InUse: true, Err: err}
		default:
			// No IPv6 loopback here: browsers reach localhost on 127.0.0.1.
			return []net.Listener{v4}, nil
		}
	}
	return nil, lastErr
}

func closeAll(lns []net.Listener) {
	for _, l := range lns {
		_ = l.Close()
	}
}

// addr is the address listened on (both, for a localhost redirect).
func (r *receiver) addr() string {
	out := make([]string, len(r.lns))
	for i, l := range r.lns {
		out[i] = l.Addr().String()
	}
	return strings.Join(out, " and ")
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Connection", "close")
	// A page elsewhere could reach this port through a DNS name that
	// resolves to 127.0.0.1 (DNS rebinding); only loopback names are
	// served.
	host := req.Host
	if hh, _, err := net.SplitHostPort(host); err == nil {
		host = hh
	}
	if !isLoopbackHost(strings.Trim(host, "[]")) {
		writePage(w, http.StatusMisdirectedRequest, failurePage("Refused", "This listener only answers requests for localhost or 127.0.0.1, not "+req.Host+"."))
		return
	}
	if req.URL.EscapedPath() != r.path {
		writePage(w, http.StatusNotFound, failurePage("Not found", "cogscope is waiting for the sign-in redirect at "+r.redirectURI+"."))
		return
	}
	if req.Method != http.MethodGet {
		h.Set("Allow", "GET")
		writePage(w, http.StatusMethodNotAllowed, failurePage("Method not allowed", "The redirect must come back as a GET with the code in the query (response_mode=query)."))
		return
	}
	q := req.URL.Query()
	if !q.Has("code") && !q.Has("error") && !q.Has("state") {
		writePage(w, http.StatusBadRequest, failurePage("Waiting for the sign-in", "This address receives the provider's redirect; it carries neither a code nor an error."))
		return
	}
	if !r.stateMatches(q.Get("state")) {
		got := q.Get("state")
		r.lastIgnored.Store(&got)
		r.ignored.Add(1)
		writePage(w, http.StatusBadRequest, failurePage("Not this sign-in",
			"This redirect does not carry the state of the sign-in cogscope is waiting for (a stale tab, or a request from elsewhere), so it was ignored. cogscope keeps waiting for its own."))
		return
	}
	if !r.claimed.CompareAndSwap(false, true) {
		writePage(w, http.StatusConflict, failurePage("Already done", "This sign-in already received its redirect. Return to your terminal."))
		return
	}
	cb := &callback{query: q, reply: make(chan page, 1)}
	r.calls <- cb // buffered for the one claimed redirect
	select {
	case p := <-cb.reply:
		writePage(w, p.status, p)
	case <-r.done:
		select {
		case p := <-cb.reply:
			writePage(w, p.status, p)
		default:
			writePage(w, http.StatusServiceUnavailable, failurePage("Sign-in ended", "cogscope stopped waiting. Return to your terminal."))
		}
	case <-req.Context().Done():
	}
}

// expect sets the state a redirect must carry to end the wait.
func (r *receiver) expect(state string) { r.state.Store(&state) }

// stateMatches compares in constant time; before expect nothing matches.
func (r *receiver) stateMatches(got string) bool {
	want := r.state.Load()
	return want != nil && *want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(*want)) == 1
}

// ignoredCount is how many redirects with another state were ignored.
func (r *receiver) ignoredCount() int { return int(r.ignored.Load()) }

// wait returns the redirect, or an error when ctx ends or timeout passes.
// A timeout after ignored redirects says so (and unwraps to the
// StateMismatchError of the last one).
func (r *receiver) wait(ctx context.Context, timeout time.Duration) (*callback, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case cb := <-r.calls:
		return cb, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-t.C:
		te := &TimeoutError{Waited: timeout, RedirectURI: r.redirectURI, Ignored: r.ignoredCount()}
		if got := r.lastIgnored.Load(); got != nil {
			want := ""
			if w := r.state.Load(); w != nil {
				want = *w
			}
			te.Mismatch = &StateMismatchError{Want: want, Got: *got}
		}
		return nil, te
	}
}

// close stops listening and waits for the page being written, briefly:
// a browser's idle pre-connections must not hold the terminal.
func (r *receiver) close() {
	r.closeOnce.Do(func() {
		close(r.done)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := r.srv.Shutdown(ctx); err != nil {
			_ = r.srv.Close()
		}
		r.served.Wait()
	})
}
