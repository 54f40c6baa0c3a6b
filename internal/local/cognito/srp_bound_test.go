package cognito

import (
	"encoding/json"
	"runtime"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogscope/cogscope/flows/srp"
)

// TestPendingSRPBounded floods one pool with InitiateAuth USER_SRP_AUTH:
// the pool keeps only the newest exchanges, the oldest is refused like an
// unknown SECRET_BLOCK, the newest still signs in, and expired exchanges
// are freed.
func TestPendingSRPBounded(t *testing.T) {
	t.Parallel()
	const limit = 5
	e := newEnvWith(t, authSeed(), func(s *Service) { s.maxPendingSRP = limit })

	type started struct {
		sc   *srpClient
		init *cip.InitiateAuthOutput
	}
	var all []started
	for range limit + 3 {
		sc, init := e.srpChallenge(t, cPublic, "alice", nil)
		all = append(all, started{sc, init})
		if got := e.svc.pendingSRP(); got > limit {
			t.Fatalf("%d pending exchanges, bound is %d", got, limit)
		}
	}
	if got := e.svc.pendingSRP(); got != limit {
		t.Fatalf("%d pending exchanges after %d starts, want %d", got, len(all), limit)
	}
	oldest := all[0]
	_, err := e.respondVerifier(cPublic, oldest.sc.answer(t, oldest.init.ChallengeParameters, goodPassword, "", ""))
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")

	newest := all[len(all)-1]
	out, err := e.respondVerifier(cPublic, newest.sc.answer(t, newest.init.ChallengeParameters, goodPassword, "", ""))
	if err != nil || out.AuthenticationResult == nil {
		t.Fatalf("newest exchange: %v", err)
	}
	if got := e.svc.pendingSRP(); got != limit-1 {
		t.Fatalf("%d pending after answering one, want %d", got, limit-1)
	}

	// Past the session validity (and the once-a-minute sweep), the next
	// exchange frees every expired one.
	e.clock.Advance(16 * time.Minute)
	e.srpChallenge(t, cPublic, "alice", nil)
	if got := e.svc.pendingSRP(); got != 1 {
		t.Fatalf("%d pending after expiry, want 1 (the new one)", got)
	}
}

// TestPendingSRPPerPool checks that the bound is per pool: a flood of one
// pool does not drop another pool's pending exchange.
func TestPendingSRPPerPool(t *testing.T) {
	t.Parallel()
	seed := DemoSeed()
	other := authSeed()
	seed.UserPools = append(seed.UserPools, other.UserPools...)
	const limit = 3
	e := newEnvWith(t, &seed, func(s *Service) { s.maxPendingSRP = limit })
	sc, init := e.srpChallenge(t, cPublic, "alice", nil)
	for range 2 * limit {
		c := newSRPClient(t, DemoPoolID, e.clock.Now)
		must[*cip.InitiateAuthOutput](t)(e.client.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserSrpAuth,
			ClientId: aws.String(DemoPublicClientID), AuthParameters: map[string]string{"USERNAME": DemoUsername, "SRP_A": c.c.AHex()}}))
	}
	out, err := e.respondVerifier(cPublic, sc.answer(t, init.ChallengeParameters, goodPassword, "", ""))
	if err != nil || out.AuthenticationResult == nil {
		t.Fatalf("the other pool's exchange was dropped: %v", err)
	}
}

// BenchmarkSRPFlood starts b.N SRP exchanges that are never answered (the
// issue's flood: a username and a public client id are enough) and
// reports the live heap afterwards. With the bound the heap stays near
// MaxPendingSRP exchanges whatever b.N is; without it, it grew ~4 KB per
// exchange.
func BenchmarkSRPFlood(b *testing.B) {
	svc := benchService(b)
	client, err := srp.NewClient()
	if err != nil {
		b.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"AuthFlow": "USER_SRP_AUTH", "ClientId": DemoPublicClientID,
		"AuthParameters": map[string]string{"USERNAME": DemoUsername, "SRP_A": client.AHex()}})
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := heap()
	b.ResetTimer()
	for range b.N {
		post(b, svc, "InitiateAuth", body, nil)
	}
	b.StopTimer()
	after := heap()
	b.ReportMetric(float64(svc.pendingSRP()), "pending")
	b.ReportMetric(float64(int64(after)-int64(before))/(1<<20), "heap-MB-after")
	if n := svc.pendingSRP(); n > MaxPendingSRP {
		b.Fatalf("%d pending exchanges, bound %d", n, MaxPendingSRP)
	}
}
