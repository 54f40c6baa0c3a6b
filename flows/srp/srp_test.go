package srp

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"os"
	"strings"
	"testing"
	"time"
)

type vectorFile struct {
	Vectors []struct {
		Name   string `json:"name"`
		Inputs struct {
			UserPoolID  string `json:"userPoolId"`
			PoolName    string `json:"poolName"`
			UserID      string `json:"username_USER_ID_FOR_SRP"`
			Password    string `json:"password"`
			SmallA      string `json:"smallA_hex"`
			B           string `json:"SRP_B_hex"`
			Salt        string `json:"SALT_hex"`
			SecretBlock string `json:"SECRET_BLOCK_b64"`
			Timestamp   string `json:"TIMESTAMP"`
		} `json:"inputs"`
		Outputs struct {
			A         string `json:"SRP_A"`
			HKDF      string `json:"hkdf_hex"`
			Signature string `json:"PASSWORD_CLAIM_SIGNATURE"`
		} `json:"outputs"`
		Intermediates struct {
			K          string `json:"k_hex"`
			PadA       string `json:"padHex_A"`
			PadB       string `json:"padHex_B"`
			PadSalt    string `json:"padHex_salt"`
			U          string `json:"u_hex"`
			InnerHash  string `json:"usernamePasswordHash_hex"`
			X          string `json:"x_hex"`
			S          string `json:"S_hex"`
			SigMessage string `json:"signature_message_hex"`
		} `json:"intermediates"`
	} `json:"vectors"`
}

func hexInt(t *testing.T, s string) *big.Int {
	t.Helper()
	n, err := ParseHex(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestOfficialClientVectors replays exchanges computed by
// amazon-cognito-identity-js and checks every intermediate value.
func TestOfficialClientVectors(t *testing.T) {
	raw, err := os.ReadFile("testdata/srp-vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var vf vectorFile
	if err := json.Unmarshal(raw, &vf); err != nil {
		t.Fatal(err)
	}
	if len(vf.Vectors) != 3 {
		t.Fatalf("want 3 vectors, got %d", len(vf.Vectors))
	}
	for _, v := range vf.Vectors {
		t.Run(v.Name, func(t *testing.T) {
			in, out, mid := v.Inputs, v.Outputs, v.Intermediates
			if got := PoolName(in.UserPoolID); got != in.PoolName {
				t.Errorf("PoolName = %q, want %q", got, in.PoolName)
			}
			if got := hex.EncodeToString(K.Bytes()); got != mid.K {
				t.Errorf("k = %s, want %s", got, mid.K)
			}
			c, err := NewClientWithSecret(hexInt(t, in.SmallA))
			if err != nil {
				t.Fatal(err)
			}
			if c.AHex() != out.A {
				t.Errorf("A mismatch")
			}
			B := hexInt(t, in.B)
			salt := hexInt(t, in.Salt)
			if got := hex.EncodeToString(Pad(c.A)); got != mid.PadA {
				t.Errorf("pad(A) mismatch")
			}
			if got := hex.EncodeToString(Pad(B)); got != mid.PadB {
				t.Errorf("pad(B) mismatch")
			}
			if got := hex.EncodeToString(Pad(salt)); got != mid.PadSalt {
				t.Errorf("pad(salt) = %s, want %s", got, mid.PadSalt)
			}
			inner := sha256.Sum256([]byte(in.PoolName + in.UserID + ":" + in.Password))
			if got := hex.EncodeToString(inner[:]); got != mid.InnerHash {
				t.Errorf("inner hash = %s, want %s", got, mid.InnerHash)
			}
			vals, err := c.Key(in.PoolName, in.UserID, in.Password, salt, B)
			if err != nil {
				t.Fatal(err)
			}
			if got := Hex(vals.U); got != strings.TrimLeft(mid.U, "0") {
				t.Errorf("u = %s, want %s", got, mid.U)
			}
			if got := Hex(vals.X); got != strings.TrimLeft(mid.X, "0") {
				t.Errorf("x = %s, want %s", got, mid.X)
			}
			if got := Hex(vals.S); got != strings.TrimLeft(mid.S, "0") {
				t.Errorf("S mismatch")
			}
			if got := hex.EncodeToString(vals.Key); got != out.HKDF {
				t.Errorf("key = %s, want %s", got, out.HKDF)
			}
			block, err := base64.StdEncoding.DecodeString(in.SecretBlock)
			if err != nil {
				t.Fatal(err)
			}
			if got := hex.EncodeToString(SignatureMessage(in.PoolName, in.UserID, block, in.Timestamp)); got != mid.SigMessage {
				t.Errorf("signature message mismatch")
			}
			if got := Signature(vals.Key, in.PoolName, in.UserID, block, in.Timestamp); got != out.Signature {
				t.Errorf("signature = %s, want %s", got, out.Signature)
			}
			if !VerifySignature(vals.Key, in.PoolName, in.UserID, block, in.Timestamp, out.Signature) {
				t.Error("VerifySignature rejected the official signature")
			}
			ts, err := ParseTimestamp(in.Timestamp)
			if err != nil {
				t.Fatal(err)
			}
			if got := FormatTimestamp(ts); got != in.Timestamp {
				t.Errorf("FormatTimestamp round trip = %q, want %q", got, in.Timestamp)
			}
		})
	}
}

// TestProtocolDocExample is the worked example of cognito-protocol.md §1.8,
// run on both sides: the server, given b, produces B; the client, given a,
// produces the documented key and signature; and the server accepts exactly
// that signature and rejects a zero-padded day.
func TestProtocolDocExample(t *testing.T) {
	const (
		poolName = "AbCdEfGhI"
		userID   = "alice"
		password = "Passw0rd!"
		ts       = "Tue Nov 3 09:05:01 UTC 2026"
		wantSig  = "nfv3n4dwlV/DL9IJ9r+R3akaY9cO4KJatKoU2bdv7j0="
		wantKey  = "e9995e67394c4492e7f930f31dc0e278"
	)
	salt := hexInt(t, "8a3f1c")
	a := hexInt(t, strings.Repeat("1", 64))
	b := hexInt(t, strings.Repeat("2", 64))
	block, _ := base64.StdEncoding.DecodeString("AAECAwQFBgcICQoLDA0ODw==")

	if got := Hex(X(poolName, userID, password, salt)); got != "827854434945ccb9ae3728dc0aeed44599d5d7964c6b374ad0ef5021816fca93" {
		t.Errorf("x = %s", got)
	}
	v := Verifier(poolName, userID, password, salt)
	if got := sha256.Sum256(Pad(v)); hex.EncodeToString(got[:]) != "fcf7376424f6e7d22bb1829d899b4ccfb399ecb33ed891f2f46a5d51b181c88b" {
		t.Errorf("H(pad(v)) mismatch")
	}
	srv := NewServerWithSecret(v, b)
	if got := sha256.Sum256(Pad(srv.B)); hex.EncodeToString(got[:]) != "df3a78917833af1bce4672b86e35b87462e48bd7b71dd79a9356d02143f40520" {
		t.Errorf("H(pad(B)) mismatch")
	}
	cl, err := NewClientWithSecret(a)
	if err != nil {
		t.Fatal(err)
	}
	if got := sha256.Sum256(Pad(cl.A)); hex.EncodeToString(got[:]) != "fb177c2f8a148859028b890ea60616525a0b01fee86908d6b72f135787965310" {
		t.Errorf("H(pad(A)) mismatch")
	}
	vals, err := cl.Key(poolName, userID, password, salt, srv.B)
	if err != nil {
		t.Fatal(err)
	}
	if Hex(vals.U) != "405fd95ccac472c9328e6dd1c792f8228f14a396431de7dde6b58867cfef6f3d" {
		t.Errorf("u = %s", Hex(vals.U))
	}
	if hex.EncodeToString(vals.Key) != wantKey {
		t.Errorf("client key = %x", vals.Key)
	}
	skey, err := srv.Key(cl.A)
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(skey) != wantKey {
		t.Errorf("server key = %x", skey)
	}
	if got := Signature(vals.Key, poolName, userID, block, ts); got != wantSig {
		t.Errorf("signature = %s", got)
	}
	if !VerifySignature(skey, poolName, userID, block, ts, wantSig) {
		t.Error("server rejected the documented signature")
	}
	padded := "Tue Nov 03 09:05:01 UTC 2026"
	parsed, err := ParseTimestamp(padded)
	if err != nil {
		t.Fatalf("zero-padded day should still parse: %v", err)
	}
	if FormatTimestamp(parsed) == padded {
		t.Error("zero-padded day must not be canonical")
	}
	if VerifySignature(skey, poolName, userID, block, FormatTimestamp(parsed), Signature(vals.Key, poolName, userID, block, padded)) {
		t.Error("a signature over a zero-padded day must not verify against the canonical timestamp")
	}
}

func TestRoundTripRandom(t *testing.T) {
	salt, err := NewSalt()
	if err != nil {
		t.Fatal(err)
	}
	v := Verifier("Pool1", "bob", "hunter2", salt)
	for i := 0; i < 5; i++ {
		srv, err := NewServer(v)
		if err != nil {
			t.Fatal(err)
		}
		cl, err := NewClient()
		if err != nil {
			t.Fatal(err)
		}
		vals, err := cl.Key("Pool1", "bob", "hunter2", salt, srv.B)
		if err != nil {
			t.Fatal(err)
		}
		skey, err := srv.Key(cl.A)
		if err != nil {
			t.Fatal(err)
		}
		if string(skey) != string(vals.Key) {
			t.Fatal("client and server keys differ")
		}
		wrong, _ := cl.Key("Pool1", "bob", "hunter3", salt, srv.B)
		if string(wrong.Key) == string(skey) {
			t.Fatal("wrong password gave the same key")
		}
	}
}

func TestRejectsDegenerateValues(t *testing.T) {
	cl, err := NewClient()
	if err != nil {
		t.Fatal(err)
	}
	salt := big.NewInt(12345)
	for _, B := range []*big.Int{big.NewInt(0), new(big.Int).Set(N), new(big.Int).Mul(N, big.NewInt(3))} {
		if _, err := cl.Key("p", "u", "pw", salt, B); err != ErrBadB {
			t.Errorf("B=%s: err = %v, want ErrBadB", Hex(B), err)
		}
	}
	srv := NewServerWithSecret(big.NewInt(7), big.NewInt(9))
	for _, A := range []*big.Int{big.NewInt(0), new(big.Int).Set(N), new(big.Int).Mul(N, big.NewInt(2))} {
		if _, err := srv.Key(A); err != ErrBadA {
			t.Errorf("A=%s: err = %v, want ErrBadA", Hex(A), err)
		}
	}
}

func TestPad(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"0", "00"},
		{"2", "02"},
		{"7f", "7f"},
		{"80", "0080"},
		{"8a3f1c", "008a3f1c"},
		{"123", "0123"},
		{"2ac19934", "2ac19934"},
	}
	for _, tt := range tests {
		if got := hex.EncodeToString(Pad(mustHex(tt.in))); got != tt.want {
			t.Errorf("Pad(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
	if len(Pad(N)) != 385 {
		t.Errorf("len(pad(N)) = %d, want 385", len(Pad(N)))
	}
}

func TestFormatTimestamp(t *testing.T) {
	tests := []struct {
		in   time.Time
		want string
	}{
		{time.Date(2026, 11, 3, 9, 5, 1, 0, time.UTC), "Tue Nov 3 09:05:01 UTC 2026"},
		{time.Date(2026, 11, 5, 9, 5, 0, 0, time.UTC), "Thu Nov 5 09:05:00 UTC 2026"},
		{time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), "Fri Jan 1 00:00:00 UTC 2027"},
		{time.Date(2026, 7, 14, 15, 4, 59, 0, time.UTC), "Tue Jul 14 15:04:59 UTC 2026"},
		{time.Date(2026, 7, 14, 23, 59, 59, 999, time.UTC), "Tue Jul 14 23:59:59 UTC 2026"},
		// A zone east of UTC: the local wall clock says the 15th, UTC the 14th.
		{time.Date(2026, 7, 15, 4, 30, 0, 0, time.FixedZone("IST", 5*3600+1800)), "Tue Jul 14 23:00:00 UTC 2026"},
	}
	for _, tt := range tests {
		if got := FormatTimestamp(tt.in); got != tt.want {
			t.Errorf("FormatTimestamp(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseTimestampRejects(t *testing.T) {
	for _, s := range []string{
		"",
		"Tue Nov 3 24:05:01 UTC 2026",
		"Tue Nov 3 09:05:01 +05:30 2026",
		"Tue Nov 3 09:05:01 GMT 2026",
		"2026-11-03T09:05:01Z",
		"Di Nov 3 09:05:01 UTC 2026",
		"Tue Nov 3 09:05:01.5 UTC 2026",
		"Tue Nov 3 09:05:01,000 UTC 2026",
	} {
		if _, err := ParseTimestamp(s); err != ErrTimestampFormat {
			t.Errorf("ParseTimestamp(%q) err = %v, want ErrTimestampFormat", s, err)
		}
	}
}

func TestSecretHash(t *testing.T) {
	if got := SecretHash("s3cr3tv4lue", "alice", "1example23456789"); got != "iyGKFFRpXLag/yStM/9MTbiBfIncuTNWY3Ldijg7omQ=" {
		t.Errorf("SecretHash = %s", got)
	}
}

func FuzzParseTimestamp(f *testing.F) {
	f.Add("Tue Nov 3 09:05:01 UTC 2026")
	f.Add("Tue Nov 03 09:05:01 UTC 2026")
	f.Fuzz(func(t *testing.T, s string) {
		ts, err := ParseTimestamp(s)
		if err != nil {
			return
		}
		again, err := ParseTimestamp(FormatTimestamp(ts))
		if err != nil || !again.Equal(ts) {
			t.Fatalf("canonical form of %q does not round-trip", s)
		}
	})
}
