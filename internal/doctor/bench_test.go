package doctor_test

import (
	"context"
	"testing"

	"github.com/cogscope/cogscope/internal/apiconfig"
	"github.com/cogscope/cogscope/internal/doctor"
)

// BenchmarkExplain is one paste decoded (the console decodes as the user
// pastes).
func BenchmarkExplain(b *testing.B) {
	texts := []string{pasted["gateway.jwt.audience"], pasted["cognito.NotAuthorizedException.secret-hash"], pasted["oauth.token.invalid_grant.refresh"]}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if x := doctor.Explain(texts[i%len(texts)]); x.Best == nil {
			b.Fatal("no match")
		}
	}
}

// BenchmarkRun is every rule over a read configuration with the demo
// APIs (the reads are AWS calls; this is the doctor's own cost).
func BenchmarkRun(b *testing.B) {
	f := start(b, nil)
	f.api = true
	cfg, err := doctor.Read(context.Background(), doctor.Clients{Cognito: f.cip, API: apiconfig.Clients{HTTP: f.v2, REST: f.env.APIGatewayClient()}},
		f.tg, doctor.ReadOptions{ReadAPI: true, API: apiconfig.Options{Endpoint: f.env.Endpoint}})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if r := doctor.Run(f.tg, cfg); len(r.Checks) == 0 {
			b.Fatal("no checks")
		}
	}
}
