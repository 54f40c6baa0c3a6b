package inspect

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// benchTokens are distinct Cognito-shaped access tokens (each its own jti,
// sub and username), signed once per test binary.
var (
	benchOnce   sync.Once
	benchTokens []string
	benchIssuer *testIssuer
)

const numBenchTokens = 256

func benchSetup(b *testing.B) (*Verifier, []string) {
	b.Helper()
	benchOnce.Do(func() {
		benchIssuer = serveIssuerNoCleanup(b, testPool)
		for i := range numBenchTokens {
			c := benchIssuer.accessClaims(testNow)
			c["jti"] = fmt.Sprintf("02d89794-3227-415e-a57e-%012d", i)
			c["sub"] = fmt.Sprintf("1f0be62f-ffcd-49ca-b5a4-%012d", i)
			c["username"] = fmt.Sprintf("user%04d", i)
			benchTokens = append(benchTokens, benchIssuer.access(c))
		}
	})
	// A warm cache over HTTP, as in real use: the first Validate fetches.
	v, err := NewVerifier(Options{
		Issuer: benchIssuer.iss, ClientIDs: []string{testClient}, TokenUse: "access",
		Scopes: []string{"aws.cognito.signin.user.admin"}, Groups: []string{"admin"},
		Now:  func() time.Time { return testNow },
		Keys: NewCache(CacheOptions{Client: benchIssuer.srv.Client(), Now: func() time.Time { return testNow }}),
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := v.Validate(ctx(), benchTokens[0]); err != nil {
		b.Fatal(err)
	}
	return v, benchTokens
}

// BenchmarkVerifyAccessToken: full verification (parse, alg, kid,
// signature, iss, token_use, client_id, exp, nbf, iat, scope, group) of
// distinct access tokens with a warm JWKS cache, one goroutine.
func BenchmarkVerifyAccessToken(b *testing.B) {
	v, toks := benchSetup(b)
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		if err := v.Validate(ctx(), toks[i%len(toks)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
}

// BenchmarkVerifyAccessTokenParallel is the same with b.RunParallel.
func BenchmarkVerifyAccessTokenParallel(b *testing.B) {
	v, toks := benchSetup(b)
	b.ReportAllocs()
	var next atomic.Int64
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1)
			if err := v.Validate(ctx(), toks[int(i)%len(toks)]); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "tokens/s")
}

// BenchmarkVerifyReport measures the full human report (Verify), for
// comparison with the fast verdict.
func BenchmarkVerifyReport(b *testing.B) {
	v, toks := benchSetup(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r, err := v.Verify(ctx(), toks[i%len(toks)])
		if err != nil || !r.Valid {
			b.Fatal(err, r.Failed())
		}
		i++
	}
}
