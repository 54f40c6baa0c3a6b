package local

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cogscope/cogscope/internal/local/cognito"
)

// serveWith starts an empty stack with lim on a free loopback port.
func serveWith(t *testing.T, lim serverLimits) *Stack {
	t.Helper()
	s, err := New(Options{Seed: &cognito.Seed{}})
	if err != nil {
		t.Fatal(err)
	}
	s.limits = lim
	if err := s.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return s
}

// TestSlowBodyIsCutOff sends a request whose body trickles in, and one
// whose body stops half-way: both connections are closed once the body
// deadline passes, instead of being held for ever.
func TestSlowBodyIsCutOff(t *testing.T) {
	t.Parallel()
	lim := defaultLimits
	lim.Body = 300 * time.Millisecond
	s := serveWith(t, lim)
	addr := s.Addr().String()

	tests := []struct {
		name    string
		trickle bool // one byte every 50 ms, never finishing; else stop half-way
	}{{"a byte at a time", true}, {"stops half-way", false}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-amz-json-1.1\r\n"+
				"X-Amz-Target: AWSCognitoIdentityProviderService.ListUserPools\r\nContent-Length: 1000\r\n\r\n{\"MaxResults\":", addr)
			start := time.Now()
			closed := make(chan time.Duration, 1)
			go func() {
				_, _ = io.Copy(io.Discard, c) // returns when the server closes
				closed <- time.Since(start)
			}()
			for i := 0; ; i++ {
				select {
				case d := <-closed:
					if d > 3*time.Second {
						t.Fatalf("connection closed after %v, want about %v", d, lim.Body)
					}
					return
				case <-time.After(50 * time.Millisecond):
				}
				if time.Since(start) > 5*time.Second {
					t.Fatal("the server still holds the connection after 5s")
				}
				if tt.trickle {
					_, _ = c.Write([]byte(" "))
				}
			}
		})
	}
}

// TestNormalRequestsStillServed checks the deadlines do not hurt a normal
// request on a kept-alive connection.
func TestNormalRequestsStillServed(t *testing.T) {
	t.Parallel()
	lim := defaultLimits
	lim.Body = 300 * time.Millisecond
	s := serveWith(t, lim)
	client := &http.Client{Transport: &http.Transport{}}
	for i := range 3 {
		req, _ := http.NewRequest(http.MethodPost, s.Endpoint()+"/", strings.NewReader(`{"MaxResults":10}`))
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.ListUserPools")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d: status %d", i, resp.StatusCode)
		}
		time.Sleep(400 * time.Millisecond) // longer than the body deadline, idle between requests
	}
}

// TestConnectionsAreCapped holds MaxConns connections open: the next one
// is not served until one of them closes.
func TestConnectionsAreCapped(t *testing.T) {
	t.Parallel()
	lim := defaultLimits
	lim.MaxConns = 2
	s := serveWith(t, lim)
	addr := s.Addr().String()
	var held []net.Conn
	for range lim.MaxConns {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		held = append(held, c)
	}
	// Make sure both were accepted: each gets an answer.
	for _, c := range held {
		fmt.Fprintf(c, "GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	extra, err := net.Dial("tcp", addr) // the kernel queues it
	if err != nil {
		t.Fatal(err)
	}
	defer extra.Close()
	fmt.Fprintf(extra, "GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n")
	_ = extra.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	var ne net.Error
	if _, err := extra.Read(make([]byte, 1)); !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("a connection beyond the cap was served (read: %v)", err)
	}
	held[0].Close()
	_ = extra.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(extra), nil)
	if err != nil {
		t.Fatalf("after a slot freed, the queued connection was not served: %v", err)
	}
	resp.Body.Close()
}

// TestLongRequestsOutliveTheBodyDeadline: once its body has been read (or
// when it has none), a request that keeps working past the body deadline
// (a stream such as Live Tail) keeps its context and its connection.
func TestLongRequestsOutliveTheBodyDeadline(t *testing.T) {
	t.Parallel()
	lim := defaultLimits
	lim.Body = 200 * time.Millisecond
	s, err := New(Options{Seed: &cognito.Seed{}})
	if err != nil {
		t.Fatal(err)
	}
	s.limits = lim
	s.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		select {
		case <-time.After(3 * lim.Body):
			_, _ = io.WriteString(w, "alive")
		case <-r.Context().Done():
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})
	if err := s.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	defer func() { cancel(); <-done }()
	for _, method := range []string{http.MethodPost, http.MethodGet} {
		var body io.Reader
		if method == http.MethodPost {
			body = strings.NewReader(`{"logGroupIdentifiers":["g"]}`)
		}
		req, _ := http.NewRequest(method, s.Endpoint()+"/", body)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || string(b) != "alive" {
			t.Fatalf("%s: status %d %q: the request was cut at the body deadline", method, resp.StatusCode, b)
		}
	}
}
