package flows

import (
	"context"
	"testing"
)

// BenchmarkFlowSRPSignIn is one whole USER_SRP_AUTH sign-in through the
// SDK against the in-process local stack over loopback: both sides of the
// SRP exchange, two HTTP round trips, the trace, and the service signing
// three tokens. (The client's share of the SRP math alone is
// flows/srp's BenchmarkSRPClientSignIn.)
func BenchmarkFlowSRPSignIn(b *testing.B) {
	e := startEnvB(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		f, err := New(e.opts(KindUserSRP, publicClient, "alice"))
		if err != nil {
			b.Fatal(err)
		}
		res, err := f.Start(ctx)
		if err != nil || !res.Done() {
			b.Fatalf("sign-in: %v", err)
		}
	}
}
