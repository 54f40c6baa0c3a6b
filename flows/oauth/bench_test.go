package oauth

import (
	"context"
	"net"
	"net/http"
	"testing"
	"time"
)

func BenchmarkNewPKCE(b *testing.B) {
	for b.Loop() {
		if _, err := NewPKCE(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkClientCredentials(b *testing.B) {
	op := newFakeOP(b, func(op *fakeOP) { op.secret, op.clientCreds = "s", true })
	c, err := New(Options{Issuer: op.issuer, ClientID: op.clientID, ClientSecret: "s"})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		if _, err := c.ClientCredentials(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAuthorizationCode is a whole sign-in against the fake provider:
// loopback listener up, preflight, browser round trip, code exchange,
// listener down.
func BenchmarkAuthorizationCode(b *testing.B) {
	op := newFakeOP(b, func(op *fakeOP) { op.anyLoopback = true })
	ctx := context.Background()
	br := &http.Client{Timeout: 5 * time.Second}
	for b.Loop() {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		c, err := New(Options{Issuer: op.issuer, ClientID: op.clientID, RedirectURI: "http://" + ln.Addr().String() + "/callback", Listener: ln,
			OnAuthorizeURL: func(u string) {
				go func() {
					if res, err := br.Get(u); err == nil {
						res.Body.Close()
					}
				}()
			}})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.AuthorizationCode(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
