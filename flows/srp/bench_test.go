package srp

import (
	"crypto/rand"
	"math/big"
	"testing"
	"time"
)

// BenchmarkSRPClientSignIn measures the client's whole share of one
// USER_SRP_AUTH sign-in: a fresh random a, A = g^a, then x, S, the HKDF key
// and the claim signature for a server's B.
func BenchmarkSRPClientSignIn(b *testing.B) {
	salt, _ := NewSalt()
	v := Verifier("Pool1", "alice", "Passw0rd!", salt)
	srv, err := NewServer(v)
	if err != nil {
		b.Fatal(err)
	}
	block := make([]byte, 1024)
	rand.Read(block)
	ts := FormatTimestamp(time.Now())
	b.ResetTimer()
	for b.Loop() {
		c, err := NewClient()
		if err != nil {
			b.Fatal(err)
		}
		vals, err := c.Key("Pool1", "alice", "Passw0rd!", salt, srv.B)
		if err != nil {
			b.Fatal(err)
		}
		_ = Signature(vals.Key, "Pool1", "alice", block, ts)
	}
}

// BenchmarkSRPClientSignIn1024 is the same with a 1024-bit a, as the
// official client draws it, for comparison.
func BenchmarkSRPClientSignIn1024(b *testing.B) {
	salt, _ := NewSalt()
	v := Verifier("Pool1", "alice", "Passw0rd!", salt)
	srv, _ := NewServer(v)
	block := make([]byte, 1024)
	ts := FormatTimestamp(time.Now())
	buf := make([]byte, 128)
	for b.Loop() {
		rand.Read(buf)
		c, err := NewClientWithSecret(new(big.Int).SetBytes(buf))
		if err != nil {
			b.Fatal(err)
		}
		vals, err := c.Key("Pool1", "alice", "Passw0rd!", salt, srv.B)
		if err != nil {
			b.Fatal(err)
		}
		_ = Signature(vals.Key, "Pool1", "alice", block, ts)
	}
}

// BenchmarkSRPServerExchange is the server's share: B for a stored
// verifier, then the key for the client's A.
func BenchmarkSRPServerExchange(b *testing.B) {
	salt, _ := NewSalt()
	v := Verifier("Pool1", "alice", "Passw0rd!", salt)
	c, _ := NewClient()
	for b.Loop() {
		srv, err := NewServer(v)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := srv.Key(c.A); err != nil {
			b.Fatal(err)
		}
	}
}
