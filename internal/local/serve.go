package local

import (
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// The limits of the stack's own server (Serve). They suit a local server
// whose clients are on the same machine: a request's headers arrive within
// ReadHeader, its body within Body, its answer is written within Write, a
// kept-alive connection idles at most Idle, and at most MaxConns
// connections are open at once (further ones wait in the kernel's accept
// queue). A request whose body trickles in a byte at a time, or stops
// half-way, is cut off when Body runs out instead of holding its
// connection and goroutine for ever.
type serverLimits struct {
	ReadHeader time.Duration
	Body       time.Duration
	Write      time.Duration
	Idle       time.Duration
	MaxConns   int
}

// defaultLimits are the limits Serve applies.
var defaultLimits = serverLimits{
	ReadHeader: 10 * time.Second,
	Body:       30 * time.Second,
	Write:      60 * time.Second,
	Idle:       60 * time.Second,
	MaxConns:   256,
}

// streamingTargets are operations whose answer is a long-lived stream
// (CloudWatch Logs Live Tail): they get no write deadline, and their read
// deadline ends with their request body. A streaming handler not named
// here can lift its own write deadline with
// http.NewResponseController(w).SetWriteDeadline(time.Time{}).
var streamingTargets = []string{"Logs_20140328.StartLiveTail"}

func isStreaming(r *http.Request) bool {
	t := r.Header.Get("X-Amz-Target")
	for _, s := range streamingTargets {
		if strings.EqualFold(t, s) {
			return true
		}
	}
	return false
}

// withDeadlines gives each request a deadline to deliver its body and,
// unless it streams, to receive its answer. The read deadline is lifted
// once the body has been read to its end, so that a handler that keeps
// the request open (a stream) is not cancelled by it.
func withDeadlines(lim serverLimits, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		now := time.Now()
		// A request without a body has been read whole already; a read
		// deadline would only end its context later (the server's
		// background read would time out).
		if lim.Body > 0 && r.ContentLength != 0 {
			_ = rc.SetReadDeadline(now.Add(lim.Body))
			r.Body = &deadlineBody{ReadCloser: r.Body, rc: rc}
		}
		if lim.Write > 0 && !isStreaming(r) {
			_ = rc.SetWriteDeadline(now.Add(lim.Write))
		}
		next.ServeHTTP(w, r)
	})
}

// deadlineBody lifts the connection's read deadline when the body has been
// read to its end.
type deadlineBody struct {
	io.ReadCloser
	rc   *http.ResponseController
	done bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF && !b.done {
		b.done = true
		_ = b.rc.SetReadDeadline(time.Time{})
	}
	return n, err
}

// limitListener accepts at most n connections at a time: Accept waits for
// a slot, and closing a connection frees its slot. (golang.org/x/net's
// netutil.LimitListener does the same; this avoids the module.)
type limitListener struct {
	net.Listener
	sem       chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

func newLimitListener(l net.Listener, n int) *limitListener {
	return &limitListener{Listener: l, sem: make(chan struct{}, n), done: make(chan struct{})}
}

func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.sem <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.sem
		return nil, err
	}
	return &limitConn{Conn: c, release: func() { <-l.sem }}, nil
}

func (l *limitListener) Close() error {
	err := l.Listener.Close()
	l.closeOnce.Do(func() { close(l.done) })
	return err
}

type limitConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
