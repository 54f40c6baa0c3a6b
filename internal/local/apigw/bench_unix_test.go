//go:build unix

package apigw_test

import (
	"io"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/cogscope/cogscope/internal/local/apigw"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

// BenchmarkJWTAuthorizedRequests measures the local gateway serving GET
// /private (JWT authorizer, RS256 signature checked on every request, the
// JWKS warm) over loopback HTTP with keep-alive clients on every core:
//
//	go test -run '^$' -bench JWTAuthorized -benchtime 3s ./internal/local/apigw/
//
// The target is 5,000 requests/s on 2 cores (reported as req/s). A
// repeated token is verified once (the gateway remembers verified
// tokens); the -rsa-every-request case turns that off.
func BenchmarkJWTAuthorizedRequests(b *testing.B) {
	for _, bc := range []struct {
		name, route string
		memo        bool
	}{{"private", "/private", true}, {"scoped", "/scoped", true}, {"private-rsa-every-request", "/private", false}} {
		route := bc.route
		b.Run(bc.name, func(b *testing.B) {
			env := localtest.Start(b)
			if !bc.memo {
				apigw.VerifyEveryRequest(env.Gateway)
			}
			tk, err := env.Cognito.MintTokens(cognito.MintRequest{ClientID: cognito.DemoPublicClientID,
				Username: cognito.DemoUsername, Scopes: []string{"openid", apigw.DemoScope}})
			if err != nil {
				b.Fatal(err)
			}
			url := env.API.HTTPURL + route
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			// Warm the JWKS cache.
			if resp, err := client.Get(url); err == nil {
				resp.Body.Close()
			}
			cpu0 := cpuTime()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				req, _ := http.NewRequest("GET", url, nil)
				req.Header.Set("Authorization", "Bearer "+tk.AccessToken)
				for pb.Next() {
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						b.Errorf("status %d", resp.StatusCode)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
			// On a shared machine wall-clock req/s depends on the
			// neighbours; the process CPU time per request (server and
			// client together) says what two idle cores would do.
			if cpu := cpuTime() - cpu0; cpu > 0 {
				per := cpu.Seconds() / float64(b.N)
				b.ReportMetric(per*1e6, "cpu-µs/req")
				b.ReportMetric(2/per, "req/s@2cores")
			}
		})
	}
}

// cpuTime is the process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
