package cognito

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/cogscope/cogscope/flows/srp"
)

// benchService is the demo pool behind ServeHTTP with the real clock.
func benchService(b *testing.B) *Service {
	b.Helper()
	svc := New(Options{NewKey: testKey, BaseURL: func() string { return "http://127.0.0.1:9229" }})
	if err := svc.ApplySeed(DemoSeed()); err != nil {
		b.Fatal(err)
	}
	return svc
}

// post sends one JSON 1.1 request through ServeHTTP and decodes the answer.
func post(b *testing.B, svc *Service, action string, body []byte, out any) {
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	req.Header.Set("X-Amz-Target", targetPrefix+action)
	req.Header.Set("Content-Type", jsonType)
	rec := httptest.NewRecorder()
	svc.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Errorf("%s: %d %s", action, rec.Code, rec.Body.String())
		return
	}
	if out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			b.Error(err)
		}
	}
}

// reportSignIns reports wall-clock sign-ins per second and, because the
// machine is shared, the CPU each sign-in cost and the rate that many
// idle cores (GOMAXPROCS) would sustain at that cost.
func reportSignIns(b *testing.B, cpuStart time.Duration) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "signins/s")
	if cpu := processCPU() - cpuStart; cpu > 0 {
		perOp := cpu.Seconds() / float64(b.N)
		b.ReportMetric(perOp*1000, "cpu-ms/signin")
		b.ReportMetric(float64(runtime.GOMAXPROCS(0))/perOp, "cpu-bound-signins/s")
	}
}

type benchAuthOut struct {
	ChallengeParameters  map[string]string
	AuthenticationResult *struct{ AccessToken, IdToken string }
}

// BenchmarkLocalPasswordSignIn is InitiateAuth USER_PASSWORD_AUTH → tokens
// through the HTTP layer: JSON decoding, the password checked against the
// stored SRP verifier (one 3072-bit exponentiation), the refresh-token
// record, and two RS256 signatures.
func BenchmarkLocalPasswordSignIn(b *testing.B) {
	svc := benchService(b)
	body, _ := json.Marshal(map[string]any{"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": DemoPublicClientID,
		"AuthParameters": map[string]string{"USERNAME": DemoUsername, "PASSWORD": DemoPassword}})
	b.ResetTimer()
	cpu := processCPU()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			var out benchAuthOut
			post(b, svc, "InitiateAuth", body, &out)
			if out.AuthenticationResult == nil || out.AuthenticationResult.IdToken == "" {
				b.Error("no tokens")
			}
		}
	})
	b.StopTimer()
	reportSignIns(b, cpu)
}

// BenchmarkLocalSRPSignIn is InitiateAuth USER_SRP_AUTH plus
// RespondToAuthChallenge PASSWORD_VERIFIER → tokens, server work only.
// To keep the client's three exponentiations out of the measurement, the
// client exponent a and the server's b are fixed for the run (b through the
// test hook, drawn at random once): the client's key is then computed once
// and each sign-in costs the client one HMAC. The server still does all of
// its work on every sign-in — g^b and k·v for B, v^u and (A·v^u)^b for the
// key, HKDF, the signature check and two RS256 signatures; only its 32
// random bytes for b are not drawn again.
func BenchmarkLocalSRPSignIn(b *testing.B) {
	svc := benchService(b)
	bSecret, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 256))
	if err != nil {
		b.Fatal(err)
	}
	svc.srpSecret = func() (*big.Int, error) { return bSecret, nil }
	client, err := srp.NewClient()
	if err != nil {
		b.Fatal(err)
	}
	initBody, _ := json.Marshal(map[string]any{"AuthFlow": "USER_SRP_AUTH", "ClientId": DemoPublicClientID,
		"AuthParameters": map[string]string{"USERNAME": DemoUsername, "SRP_A": client.AHex()}})
	// One exchange up front gives the (fixed) salt and B, hence the key.
	var first benchAuthOut
	post(b, svc, "InitiateAuth", initBody, &first)
	salt, _ := srp.ParseHex(first.ChallengeParameters["SALT"])
	B, _ := srp.ParseHex(first.ChallengeParameters["SRP_B"])
	poolName := srp.PoolName(DemoPoolID)
	vals, err := client.Key(poolName, DemoUsername, DemoPassword, salt, B)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	cpu := processCPU()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			var ch benchAuthOut
			post(b, svc, "InitiateAuth", initBody, &ch)
			block, err := base64.StdEncoding.DecodeString(ch.ChallengeParameters["SECRET_BLOCK"])
			if err != nil {
				b.Error(err)
				continue
			}
			ts := srp.FormatTimestamp(time.Now())
			respBody, _ := json.Marshal(map[string]any{"ClientId": DemoPublicClientID, "ChallengeName": "PASSWORD_VERIFIER",
				"ChallengeResponses": map[string]string{"USERNAME": DemoUsername, "TIMESTAMP": ts,
					"PASSWORD_CLAIM_SECRET_BLOCK": ch.ChallengeParameters["SECRET_BLOCK"],
					"PASSWORD_CLAIM_SIGNATURE":    srp.Signature(vals.Key, poolName, DemoUsername, block, ts)}})
			var out benchAuthOut
			post(b, svc, "RespondToAuthChallenge", respBody, &out)
			if out.AuthenticationResult == nil {
				b.Error("no tokens")
			}
		}
	})
	b.StopTimer()
	reportSignIns(b, cpu)
}

// BenchmarkFederatedSignIn is the user-pool side of a federated sign-in
// once the provider has vouched for the user: attribute mapping, linking
// to the existing <Provider>_<id> user, the provider group (the hosted UI
// then mints tokens as for any sign-in).
func BenchmarkFederatedSignIn(b *testing.B) {
	e := newDemoEnv(b)
	fi := FederatedIdentity{Provider: DemoOIDCProvider, Subject: "bench-user",
		Claims: map[string]string{"sub": "bench-user", "email": "bench@upstream.example", "email_verified": "true", "name": "Bench"}}
	for b.Loop() {
		if _, err := e.svc.FederatedSignIn(DemoPoolID, fi); err != nil {
			b.Fatal(err)
		}
	}
}
