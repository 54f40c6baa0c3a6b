package local

import (
	"errors"
	"net"
	"testing"

	"github.com/cogscope/cogscope/internal/local/cognito"
)

func TestCheckLoopback(t *testing.T) {
	t.Parallel()
	tests := []struct {
		addr    string
		ok      bool
		notLoop bool // the error is ErrNotLoopback (else a parse error)
	}{
		{addr: "127.0.0.1:9229", ok: true},
		{addr: "127.0.0.1:0", ok: true},
		{addr: "127.1.2.3:80", ok: true},
		{addr: "[::1]:9229", ok: true},
		{addr: "localhost:9229", ok: true},
		{addr: "LOCALHOST:1", ok: true},
		{addr: ":9229", notLoop: true},
		{addr: "0.0.0.0:9229", notLoop: true},
		{addr: "[::]:9229", notLoop: true},
		{addr: "192.168.1.10:9229", notLoop: true},
		{addr: "example.com:9229", notLoop: true},
		{addr: "127.0.0.1"},
		{addr: "not an address"},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			t.Parallel()
			err := checkLoopback(tt.addr)
			if tt.ok {
				if err != nil {
					t.Fatalf("checkLoopback(%q) = %v, want nil", tt.addr, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("checkLoopback(%q) = nil, want an error", tt.addr)
			}
			if got := errors.Is(err, ErrNotLoopback); got != tt.notLoop {
				t.Fatalf("checkLoopback(%q) = %v; errors.Is(ErrNotLoopback) = %v, want %v", tt.addr, err, got, tt.notLoop)
			}
		})
	}
}

func TestEndpointFor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9229}, "http://127.0.0.1:9229"},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 80}, "http://[::1]:80"},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 5}, "http://127.0.0.1:5"},
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 5}, "http://127.0.0.1:5"},
	}
	for _, tt := range tests {
		if got := endpointFor(tt.addr); got != tt.want {
			t.Errorf("endpointFor(%v) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}

// TestCheckBoundLoopback judges the address a listener actually bound,
// whatever name was asked for.
func TestCheckBoundLoopback(t *testing.T) {
	t.Parallel()
	tests := []struct {
		addr net.Addr
		ok   bool
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9229}, true},
		{&net.TCPAddr{IP: net.IPv4(127, 9, 9, 9), Port: 1}, true},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 1}, true},
		{&net.TCPAddr{IP: net.IPv4(192, 168, 1, 10), Port: 9229}, false},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 9229}, false},
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 9229}, false},
		{&net.UnixAddr{Name: "/tmp/x", Net: "unix"}, false},
	}
	for _, tt := range tests {
		err := checkBoundLoopback(tt.addr)
		if (err == nil) != tt.ok {
			t.Errorf("checkBoundLoopback(%v) = %v, want ok=%v", tt.addr, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrNotLoopback) {
			t.Errorf("checkBoundLoopback(%v) = %v, want ErrNotLoopback", tt.addr, err)
		}
	}
}

// TestListenChecksTheBoundAddress listens on "localhost": it passes only
// because it bound a loopback address, and the endpoint names that address.
func TestListenChecksTheBoundAddress(t *testing.T) {
	t.Parallel()
	s, err := New(Options{Seed: &cognito.Seed{}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Listen("localhost:0"); err != nil {
		t.Fatal(err)
	}
	tcp := s.Addr().(*net.TCPAddr)
	if !tcp.IP.IsLoopback() {
		t.Fatalf("bound %v", tcp)
	}
}
