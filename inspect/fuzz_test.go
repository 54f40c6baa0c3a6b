package inspect

import (
	"bytes"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"
)

// fuzzSeeds are tokens of every shape the verifier tests use.
func fuzzSeeds(f *testing.F) []string {
	ti := newTestIssuer(f, CognitoIssuer("us-east-1", testPool))
	var out []string
	for _, tc := range verifyCases(f, ti) {
		out = append(out, tc.token)
	}
	return append(out, "", ".", "..", "a.b.c", "Bearer ", `"x.y.z"`, "e30.e30.", "e30.e30.e30.e30.e30")
}

// FuzzDecode: Decode never panics, its output is self-consistent, and the
// verifier's JSON scanner accepts exactly the objects encoding/json does.
func FuzzDecode(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	for _, s := range []string{`{"iss":"a\/b","exp":1e400,"aud":["x",1]}`, `{"a":"\ud800"}`, `{"a":[[[]]]}`, `{"x":01}`, "{\"a\":\"\xff\"}", "{}}", "{}]", "{} }"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		tok, err := Decode(raw)
		if err == nil {
			again, err2 := Decode(tok.Raw)
			if err2 != nil || again.Raw != tok.Raw || !bytes.Equal(again.PayloadJSON, tok.PayloadJSON) {
				t.Fatalf("decoding the cleaned token again: %v", err2)
			}
			for _, c := range tok.Claims {
				if !json.Valid(c.Value) {
					t.Fatalf("claim %q holds invalid JSON %q", c.Name, c.Value)
				}
			}
			_ = Describe(raw, testNow)
		} else {
			var de *DecodeError
			var je *JWEError
			if !errors.As(err, &de) && !errors.As(err, &je) && !errors.Is(err, ErrEmpty) {
				t.Fatalf("unexpected error type %T: %v", err, err)
			}
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
		}
		checkScannerAgrees(t, []byte(raw))
	})
}

// checkScannerAgrees compares parseClaims with encoding/json on b.
func checkScannerAgrees(t *testing.T, b []byte) {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	jerr := dec.Decode(&m)
	if jerr == nil && dec.More() {
		jerr = errors.New("trailing data")
	}
	if jerr == nil {
		// Anything after the object but the end of the input is trailing
		// data: a stray '}' is a syntax error to Token, not the end.
		if _, err := dec.Token(); !errors.Is(err, io.EOF) {
			jerr = errors.New("trailing data")
		}
	}
	if jerr == nil && m == nil {
		jerr = errors.New("null") // top-level null decodes into a nil map
	}
	var cs claimSet
	serr := parseClaims(b, &cs, false)
	if (jerr == nil) != (serr == nil) {
		t.Fatalf("encoding/json says %v, the scanner says %v, for %q", jerr, serr, b)
	}
	if jerr != nil {
		return
	}
	if v, ok := m["iss"].(string); ok && (cs.iss != v || cs.wrong(cIss)) {
		t.Fatalf("iss: scanner %q, encoding/json %q", cs.iss, v)
	}
	if v, ok := m["exp"].(json.Number); ok {
		f, err := v.Float64()
		if err == nil && !math.IsInf(f, 0) && (cs.exp != f || cs.wrong(cExp)) {
			t.Fatalf("exp: scanner %v, encoding/json %v", cs.exp, f)
		}
	}
	if _, ok := m["token_use"]; ok != cs.present(cTokenUse) {
		t.Fatalf("token_use presence differs")
	}
}

// FuzzVerify: verification never panics, the fast verdict always equals
// the report's, and the authorizer judgement never panics.
func FuzzVerify(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	ti := newTestIssuer(f, CognitoIssuer("us-east-1", testPool))
	v, err := NewVerifier(Options{Issuer: ti.iss, ClientIDs: []string{testClient}, Groups: []string{"admin"},
		Scopes: []string{"aws.cognito.signin.user.admin"}, Keys: ti.keySet, Now: func() time.Time { return testNow }})
	if err != nil {
		f.Fatal(err)
	}
	// The trust path (no issuer, keys per the token's iss) and a
	// non-Cognito expectation (audience by aud or client_id, token_use
	// optional) must keep the fast verdict equal to the report's too.
	unconfirmed, err := NewVerifier(Options{Keys: unpinned{ti.keySet}, Now: func() time.Time { return testNow }})
	if err != nil {
		f.Fatal(err)
	}
	generic, err := NewVerifier(Options{Issuer: "https://login.example.com/t", ClientIDs: []string{"urn:my:api", testClient},
		Keys: ti.keySet, Now: func() time.Time { return testNow }})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		for _, w := range []*Verifier{unconfirmed, generic} {
			r, verr := w.Verify(ctx(), raw)
			if verr != nil {
				continue
			}
			if ferr := w.Validate(ctx(), raw); r.Valid != (ferr == nil) {
				t.Fatalf("report valid=%v, Validate=%v\n%s", r.Valid, ferr, dumpChecks(r))
			}
			if w == unconfirmed && r.Valid {
				t.Fatalf("valid with no one vouching for the keys\n%s", dumpChecks(r))
			}
		}
		r, verr := v.Verify(ctx(), raw)
		ferr := v.Validate(ctx(), raw)
		if errors.Is(verr, ErrEmpty) {
			return
		}
		if verr != nil {
			t.Fatalf("Verify: %v (a KeySet never fails to fetch)", verr)
		}
		if r.Valid != (ferr == nil) {
			t.Fatalf("report valid=%v, Validate=%v\n%s", r.Valid, ferr, dumpChecks(r))
		}
		if ferr != nil {
			var fl *Failure
			if !errors.As(ferr, &fl) {
				t.Fatalf("Validate returned %T %v", ferr, ferr)
			}
			if got := r.Failed(); len(got) == 0 || got[0].Name != fl.Check {
				t.Fatalf("Validate failed %s, report failed %v\n%s", fl.Check, failedChecks(r), dumpChecks(r))
			}
		}
		if _, err := r.MarshalJSON(); err != nil {
			t.Fatalf("MarshalJSON: %v", err)
		}
		for _, a := range []Authorizer{
			{Type: HTTPJWTAuthorizer, Issuer: ti.iss, Audience: []string{testClient}, Scopes: []string{"x"}},
			{Type: RESTCognitoAuthorizer, Issuers: []string{ti.iss}, IdentityValidationExpression: "^3n"},
		} {
			h := http.Header{}
			h.Set("Authorization", "Bearer "+raw)
			if _, err := Judge(ctx(), a, h, ti.keySet, testNow); err != nil {
				t.Fatalf("Judge: %v", err)
			}
		}
	})
}

// FuzzParseJWKS: any document parses to a key set or an error, never a
// panic; every kept RSA key is at least 2048 bits, every skipped key says
// why, and kept plus skipped account for every member of "keys".
func FuzzParseJWKS(f *testing.F) {
	keys := loadTestKeys(f)
	f.Add(string(jwksJSON(map[string]*rsa.PrivateKey{"a": keys[0], "b": keys[1]})))
	f.Add(`{"keys":[{"kty":"XYZ","kid":"x"},{"kty":"RSA","kid":"no-n","e":"AQAB"},"str",null,{"kty":"EC","crv":"P-256","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4","y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM"}]}`)
	f.Add(`{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"}]}`)
	f.Add(`{"kty":"RSA","n":"` + b64(keys[2].N.Bytes()) + `","e":"AQAB"}`)
	f.Add(`{"keys":"nope"}`)
	f.Fuzz(func(t *testing.T, doc string) {
		ks, err := ParseJWKS([]byte(doc), "fuzz")
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		for _, k := range ks.keys {
			if k.RSA != nil && k.RSA.N.BitLen() < minRSABits {
				t.Fatalf("kept a %d-bit key", k.RSA.N.BitLen())
			}
		}
		for _, sk := range ks.Skipped() {
			if sk.Reason == "" {
				t.Fatalf("skipped %+v without a reason", sk)
			}
		}
		var d struct{ Keys []json.RawMessage }
		if json.Unmarshal([]byte(doc), &d) == nil && d.Keys != nil && len(d.Keys) != ks.Len()+len(ks.Skipped()) {
			t.Fatalf("%d members, %d kept, %d skipped", len(d.Keys), ks.Len(), len(ks.Skipped()))
		}
	})
}

// FuzzJWKSURL: whatever a token's iss says, the JWKS URL built from it is
// on the issuer's own host, ends in the .well-known path, carries no
// credentials, query or fragment, and is http(s) (plain http to loopback).
func FuzzJWKSURL(f *testing.F) {
	for _, s := range []string{"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_A", "http://127.0.0.1:9229/p", "https://a/b#c",
		"https://a/b?x", "https://u:p@a/b", "https://169.254.169.254/", "http://[::1]/x", "https://a/%2e%2e/x", "https://a\\@b/", "https://a/b/../c"} {
		f.Add(s)
	}
	c := NewCache(CacheOptions{})
	f.Fuzz(func(t *testing.T, iss string) {
		got, err := c.JWKSURL(iss)
		if err != nil {
			return
		}
		u, perr := url.Parse(got)
		src, _ := url.Parse(iss)
		switch {
		case perr != nil || src == nil:
			t.Fatalf("%q gave unparseable %q", iss, got)
		case u.Host != src.Host || u.Scheme != src.Scheme:
			t.Fatalf("%q gave %q on another host", iss, got)
		case !strings.HasSuffix(u.Path, "/.well-known/jwks.json") || u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(got, "?#"):
			t.Fatalf("%q gave %q", iss, got)
		case u.Scheme == "http" && !isLocalhostName(u.Hostname()):
			if a, err := netip.ParseAddr(u.Hostname()); err != nil || !a.Unmap().IsLoopback() {
				t.Fatalf("%q gave plain http to %q", iss, u.Hostname())
			}
		}
	})
}
