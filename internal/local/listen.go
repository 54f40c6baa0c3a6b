package local

import (
	"errors"
	"fmt"
	"net"
	"strings"
)

// ErrNotLoopback is returned by Listen for an address other machines could
// reach when Options.AllowRemote is not set: the stack accepts any
// credentials and hands out tokens, so it stays on loopback by default.
var ErrNotLoopback = errors.New("not a loopback address")

// checkLoopback accepts host:port addresses whose host is a loopback IP or
// "localhost". An empty host (":9229") means every interface and is refused.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("address %q: %w", addr, err)
	}
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	if host == "" {
		return fmt.Errorf("address %q listens on every interface: %w", addr, ErrNotLoopback)
	}
	return fmt.Errorf("address %q: %w", addr, ErrNotLoopback)
}

// endpointFor turns a bound listener address into the URL clients use. An
// unspecified address (0.0.0.0, ::) is reachable on 127.0.0.1 too (Go
// listens dual-stack), and that is the one address sure to work from this
// machine.
func endpointFor(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return "http://" + a.String()
	}
	ip := tcp.IP
	if ip.IsUnspecified() {
		ip = net.IPv4(127, 0, 0, 1)
	}
	return "http://" + net.JoinHostPort(ip.String(), fmt.Sprint(tcp.Port))
}

// checkBoundLoopback refuses a bound address that is not a loopback IP:
// the host name in --addr may resolve anywhere (a hosts file can map
// "localhost" to a LAN address), so the address the kernel bound decides.
func checkBoundLoopback(a net.Addr) error {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || tcp.IP == nil || !tcp.IP.IsLoopback() {
		return fmt.Errorf("bound to %s: %w", a, ErrNotLoopback)
	}
	return nil
}
