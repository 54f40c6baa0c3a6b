package cognito

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogscope/cogscope/flows/srp"
)

// TestSRPWorkedExample is protocol reference §1.8 on the server side: with
// b, the salt and the password fixed, the service must send exactly the
// documented B, accept exactly the documented signature, and refuse the
// same claim with a zero-padded day.
func TestSRPWorkedExample(t *testing.T) {
	t.Parallel()
	const (
		poolID    = "us-east-1_AbCdEfGhI"
		signature = "nfv3n4dwlV/DL9IJ9r+R3akaY9cO4KJatKoU2bdv7j0="
		block     = "AAECAwQFBgcICQoLDA0ODw=="
		timestamp = "Tue Nov 3 09:05:01 UTC 2026"
	)
	a := bigHex(t, strings.Repeat("1", 64))
	b := bigHex(t, strings.Repeat("2", 64))
	salt := bigHex(t, "8a3f1c")
	A := new(big.Int).Exp(srp.G, a, srp.N)

	run := func(t *testing.T, ts, sig string) (map[string]string, error) {
		seed := Seed{UserPools: []PoolSeed{{ID: poolID, Name: "vector",
			Clients: []ClientSeed{{ID: "vectorclient", Name: "v"}}}}}
		blockBytes, _ := base64.StdEncoding.DecodeString(block)
		e := newEnvWith(t, &seed, func(s *Service) {
			s.srpSecret = func() (*big.Int, error) { return b, nil }
			s.secretBlock = func() []byte { return blockBytes }
		})
		e.clock.Set(time.Date(2026, 11, 3, 9, 5, 30, 0, time.UTC))
		// The user record holds exactly the vector's salt and verifier.
		e.svc.mu.Lock()
		p := e.svc.st.Pools[poolID]
		u := e.svc.newUser(p, "alice", nil)
		u.Salt, u.Verifier = salt, srp.Verifier("AbCdEfGhI", "alice", "Passw0rd!", salt)
		if err := e.svc.insertUser(p, u, false); err != nil {
			t.Fatal(err)
		}
		e.svc.mu.Unlock()

		init := must[*cip.InitiateAuthOutput](t)(e.client.InitiateAuth(e.ctx, &cip.InitiateAuthInput{
			AuthFlow: types.AuthFlowTypeUserSrpAuth, ClientId: aws.String("vectorclient"),
			AuthParameters: map[string]string{"USERNAME": "alice", "SRP_A": A.Text(16)}}))
		_, err := e.client.RespondToAuthChallenge(e.ctx, &cip.RespondToAuthChallengeInput{
			ClientId: aws.String("vectorclient"), ChallengeName: types.ChallengeNameTypePasswordVerifier,
			ChallengeResponses: map[string]string{"USERNAME": "alice", "PASSWORD_CLAIM_SECRET_BLOCK": block,
				"PASSWORD_CLAIM_SIGNATURE": sig, "TIMESTAMP": ts}})
		return init.ChallengeParameters, err
	}

	t.Run("accepts the documented signature", func(t *testing.T) {
		params, err := run(t, timestamp, signature)
		if err != nil {
			t.Fatalf("signature refused: %v", err)
		}
		B := bigHex(t, params["SRP_B"])
		h := sha256.Sum256(srp.Pad(B))
		if got := hex.EncodeToString(h[:]); got != "df3a78917833af1bce4672b86e35b87462e48bd7b71dd79a9356d02143f40520" {
			t.Errorf("H(pad(B)) = %s", got)
		}
		if !strings.HasPrefix(params["SRP_B"], "a896fd100c1a774f357e61eaf75405a4") {
			t.Errorf("SRP_B = %.32s...", params["SRP_B"])
		}
		if params["SALT"] != "8a3f1c" || params["SECRET_BLOCK"] != block ||
			params["USER_ID_FOR_SRP"] != "alice" || params["USERNAME"] != "alice" {
			t.Errorf("challenge parameters %v", params)
		}
	})
	t.Run("refuses a zero-padded day", func(t *testing.T) {
		_, err := run(t, "Tue Nov 03 09:05:01 UTC 2026", signature)
		wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	})
	t.Run("refuses a wrong weekday", func(t *testing.T) {
		_, err := run(t, "Wed Nov 3 09:05:01 UTC 2026", signature)
		wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	})
	t.Run("refuses an unparseable timestamp", func(t *testing.T) {
		_, err := run(t, "Tue Nov 3 09:05:01 +05:30 2026", signature)
		wantAPIError(t, err, "InvalidParameterException", "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.")
	})
	t.Run("refuses a tampered signature", func(t *testing.T) {
		sig := []byte(signature)
		sig[3] = 'w' // "nfv3" → "nfvw"
		_, err := run(t, timestamp, string(sig))
		wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	})
}
