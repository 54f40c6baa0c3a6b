package inspect

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// rsaJWK is one RSA public key as a JWK.
func rsaJWK(kid string, pub *rsa.PublicKey) string {
	return `{"kty":"RSA","kid":"` + kid + `","alg":"RS256","use":"sig","n":"` + b64(pub.N.Bytes()) + `","e":"` + b64(big.NewInt(int64(pub.E)).Bytes()) + `"}`
}

func TestJWKSSkipsUnusableKeys(t *testing.T) {
	t.Parallel()
	keys := loadTestKeys(t)
	weak, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	doc := `{"keys":[` + strings.Join([]string{
		rsaJWK("weak", &weak.PublicKey),
		`{"kty":"XYZ","kid":"alien","x":"AQAB"}`,
		`{"kty":"RSA","kid":"no-n","alg":"RS256","e":"AQAB"}`,
		`"not a key"`,
		rsaJWK(accessKid, &keys[1].PublicKey),
		`{"kid":"no-kty","n":"AQAB"}`,
	}, ",") + `]}`
	ks, err := ParseJWKS([]byte(doc), "test")
	if err != nil {
		t.Fatalf("one bad key must not make the set unusable: %v", err)
	}
	if ks.Len() != 1 {
		t.Fatalf("%d usable keys, want 1", ks.Len())
	}
	want := []struct{ kid, reason string }{
		{"weak", "1024 bits, under the 2048"},
		{"alien", `unknown key type "XYZ"`},
		{"no-n", "without its modulus n"},
		{"", "not a JSON object"},
		{"no-kty", "no kty"},
	}
	got := ks.Skipped()
	if len(got) != len(want) {
		t.Fatalf("skipped %v", got)
	}
	for i, w := range want {
		if got[i].Kid != w.kid || !strings.Contains(got[i].Reason, w.reason) {
			t.Errorf("skipped[%d] = %+v, want kid %q and %q", i, got[i], w.kid, w.reason)
		}
	}
	if got[3].Index != 3 || !strings.HasPrefix(got[3].String(), "key #4: ") {
		t.Errorf("skipped[3] %q", got[3])
	}

	// Served over HTTP, the rest of the set still verifies, the skipped
	// keys are named in the report, and a token naming one says why.
	ti := newTestIssuer(t, "")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(doc)) }))
	t.Cleanup(srv.Close)
	ti.iss = srv.URL + "/p"
	cache := NewCache(CacheOptions{Client: srv.Client()})
	v, _ := NewVerifier(Options{Issuer: ti.iss, Keys: cache, Now: func() time.Time { return testNow }})
	r, err := v.Verify(ctx(), ti.access(ti.accessClaims(testNow)))
	if err != nil || !r.Valid {
		t.Fatalf("%v\n%s", err, dumpChecks(r))
	}
	notes := strings.Join(r.Notes, "\n")
	for _, w := range []string{`key #1 (kid "weak")`, `kid "alien"`, "RFC 7517"} {
		if !strings.Contains(notes, w) {
			t.Errorf("notes lack %q:\n%s", w, notes)
		}
	}
	weakTok := signRS(weak, "RS256", claims{"kid": "weak", "alg": "RS256"}, ti.accessClaims(testNow))
	r, err = v.Verify(ctx(), weakTok)
	if err != nil || r.Valid {
		t.Fatalf("weak key: %v valid=%v", err, r.Valid)
	}
	if c := r.Check(CheckKid); c.Status != StatusFail || !strings.Contains(c.Detail, "cannot be used and was skipped: an RSA key of 1024 bits") {
		t.Fatalf("kid %+v", c)
	}
	var f *Failure
	if err := v.Validate(ctx(), weakTok); !errors.As(err, &f) || f.Check != CheckKid {
		t.Fatalf("Validate %v", err)
	}

	// A document that is not a JWKS at all is still an error.
	for _, bad := range []string{`{"keys":"nope"}`, `{"keys":null}`, `[]`, `{"other":1}`} {
		if _, err := ParseJWKS([]byte(bad), "test"); err == nil {
			t.Errorf("%s: parsed", bad)
		}
	}
	// A single JWK is a set of one.
	if one, err := ParseJWKS([]byte(rsaJWK("solo", &keys[0].PublicKey)), "test"); err != nil || one.Len() != 1 {
		t.Fatalf("single JWK: %v", err)
	}
}
