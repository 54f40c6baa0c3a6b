package flows

import (
	"context"
	"math/big"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogscope/cogscope/flows/srp"
)

// timestampCases are instants that broke other clients: midnight (hour
// "24"), a single-digit day (zero padding), afternoon (12-hour clocks),
// and a UTC date that differs from the local one.
var timestampCases = []struct {
	at   time.Time
	want string
}{
	{time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), "Fri Jan 1 00:00:00 UTC 2027"},
	{time.Date(2026, 11, 5, 9, 5, 0, 0, time.UTC), "Thu Nov 5 09:05:00 UTC 2026"},
	{time.Date(2026, 7, 14, 15, 4, 59, 0, time.UTC), "Tue Jul 14 15:04:59 UTC 2026"},
	{time.Date(2026, 7, 14, 23, 30, 0, 0, time.UTC), "Tue Jul 14 23:30:00 UTC 2026"}, // 05:00 on the 15th in Kolkata
}

// sentTimestamp runs a USER_SRP_AUTH flow at the given instant (expressed
// in the machine's local zone) and returns the TIMESTAMP it sent.
func sentTimestamp(t *testing.T, at time.Time) string {
	t.Helper()
	server := srp.NewServerWithSecret(big.NewInt(12345), big.NewInt(67890))
	var got string
	api := &fakeAPI{
		initiate: func(*cip.InitiateAuthInput) (*cip.InitiateAuthOutput, error) {
			return &cip.InitiateAuthOutput{ChallengeName: types.ChallengeNameTypePasswordVerifier, ChallengeParameters: map[string]string{
				"SALT": "8a3f1c", "SRP_B": server.BHex(), "SECRET_BLOCK": "AAECAwQFBgcICQoLDA0ODw==", "USER_ID_FOR_SRP": "u-1", "USERNAME": "u-1",
			}}, nil
		},
		respond: func(in *cip.RespondToAuthChallengeInput) (*cip.RespondToAuthChallengeOutput, error) {
			got = in.ChallengeResponses["TIMESTAMP"]
			return &cip.RespondToAuthChallengeOutput{AuthenticationResult: &types.AuthenticationResultType{AccessToken: aws.String("a")}}, nil
		},
	}
	f, err := New(Options{Kind: KindUserSRP, API: api, UserPoolID: "us-east-1_Abc", ClientID: "c", Username: "alice", Password: "p",
		Now: func() time.Time { return at.In(time.Local) }, SkipDeviceConfirmation: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if tr := f.Trace(); tr[1].SRP == nil || tr[1].SRP.Timestamp != got {
		t.Errorf("trace TIMESTAMP differs from the one sent (%q)", got)
	}
	return got
}

func TestTimestampSent(t *testing.T) {
	t.Parallel()
	for _, c := range timestampCases {
		if got := sentTimestamp(t, c.at); got != c.want {
			t.Errorf("at %v: TIMESTAMP %q, want %q", c.at, got, c.want)
		}
	}
}

// TestTimestampIgnoresLocale re-runs TestTimestampSent in a subprocess with
// a German locale and an Indian time zone: the TIMESTAMP must not change.
func TestTimestampIgnoresLocale(t *testing.T) {
	t.Parallel()
	if os.Getenv("COGSCOPE_TS_CHILD") != "" {
		t.Skip("in the child")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestTimestamp(Sent|ChildZone)$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "COGSCOPE_TS_CHILD=1", "LC_ALL=de_DE.UTF-8", "LANG=de_DE.UTF-8", "TZ=Asia/Kolkata")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestTimestampSent") ||
		!strings.Contains(string(out), "--- PASS: TestTimestampChildZone") {
		t.Fatalf("child run failed: %v\n%s", err, out)
	}
}

func TestTimestampChildZone(t *testing.T) {
	if os.Getenv("COGSCOPE_TS_CHILD") == "" {
		t.Skip("only in the child")
	}
	if name, off := time.Now().Zone(); off != 5*3600+1800 {
		t.Fatalf("child zone %s%+d, want Asia/Kolkata", name, off)
	}
}
