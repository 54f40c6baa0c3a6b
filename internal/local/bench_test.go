package local_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/cogscope/cogscope/internal/local/localtest"
)

// BenchmarkStackPasswordSignIn measures USER_PASSWORD_AUTH sign-ins through
// the whole stack over loopback HTTP: dispatcher, request log (formatted as
// `cogscope local` does, then discarded), body cap and the Cognito service. The client is a plain
// http.Client sending the JSON, so little of the time is client work.
func BenchmarkStackPasswordSignIn(b *testing.B) {
	env := localtest.Start(b, localtest.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	body := fmt.Sprintf(`{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":%q,"AuthParameters":{"USERNAME":%q,"PASSWORD":%q}}`,
		env.Demo.ClientID, env.Demo.Username, env.Demo.Password)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("POST", env.Endpoint+"/", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-amz-json-1.1")
			req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth")
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "signins/s")
}
