package inspect

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// unpinned hides a key set's Pinned method: keys looked up per issuer, as
// a cache following the token's iss serves them.
type unpinned struct{ KeySource }

func TestTrustSelfSignedTokenIsNotValid(t *testing.T) {
	t.Parallel()
	// The forger serves its own JWKS under the iss it writes into the token.
	forger := serveIssuer(t, "us-east-1_Forged1")
	tok := forger.access(forger.accessClaims(testNow))
	cache := NewCache(CacheOptions{Client: forger.srv.Client()})
	fixed := NewCache(CacheOptions{Client: forger.srv.Client(), URL: forger.iss + "/.well-known/jwks.json"})
	cases := []struct {
		name   string
		opts   Options
		valid  bool
		trust  Trust
		issOK  Status
		detail string
	}{
		{name: "no expected issuer, keys from the token's iss", opts: Options{Keys: cache},
			trust: TrustTokenIssuer, issOK: StatusFail, detail: "checked against the token's own issuer"},
		{name: "expected issuer given", opts: Options{Keys: cache, Issuer: forger.iss}, valid: true,
			trust: TrustExpectedIssuer, issOK: StatusOK, detail: "as expected"},
		{name: "another issuer expected, with its keys given", opts: Options{Keys: forger.keySet, Issuer: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Mine1"},
			trust: TrustExpectedIssuer, issOK: StatusFail, detail: "expected"},
		{name: "JWKS file given", opts: Options{Keys: forger.keySet}, valid: true,
			trust: TrustGivenKeys, issOK: StatusSkipped, detail: "checked with the keys given"},
		{name: "JWKS URL given", opts: Options{Keys: fixed}, valid: true,
			trust: TrustGivenKeys, issOK: StatusSkipped, detail: "checked with the keys given"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Now = func() time.Time { return testNow }
			v, err := NewVerifier(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			r, err := v.Verify(ctx(), tok)
			if err != nil {
				t.Fatal(err)
			}
			if r.Valid != tc.valid || r.Trust != tc.trust {
				t.Fatalf("valid=%v trust=%q, want %v %q\n%s", r.Valid, r.Trust, tc.valid, tc.trust, dumpChecks(r))
			}
			c := r.Check(CheckIss)
			if c.Status != tc.issOK || !strings.Contains(c.Detail, tc.detail) {
				t.Fatalf("iss %s %q, want %s containing %q", c.Status, c.Detail, tc.issOK, tc.detail)
			}
			if r.Check(CheckSignature).Status != StatusOK {
				t.Fatalf("the signature itself verifies: %s", dumpChecks(r))
			}
			verr := v.Validate(ctx(), tok)
			var f *Failure
			switch {
			case tc.valid && verr != nil:
				t.Fatalf("Validate: %v", verr)
			case !tc.valid && (!errors.As(verr, &f) || f.Check != CheckIss):
				t.Fatalf("Validate: %v, want an iss failure", verr)
			}
		})
	}
}

func TestTrustNamesCognitoIssuers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		iss        string
		cognito    bool
		poolShaped bool
		pool       string
		region     string
	}{
		{"https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123", true, false, "eu-west-1_AbC123", "eu-west-1"},
		{"https://issuer-cognito-idp.us-east-2.amazonaws.com/us-east-2_Xy9", true, false, "us-east-2_Xy9", "us-east-2"},
		{"http://127.0.0.1:9229/us-east-1_TestPool1", false, true, "us-east-1_TestPool1", "us-east-1"},
		{"https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/", false, false, "", ""},
		{"https://accounts.google.com", false, false, "", ""},
		{"https://evil.example/cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC", false, true, "us-east-1_AbC", "us-east-1"},
		{"us-east-1_AbC123", false, false, "", ""},
		{"https://cognito-idp.us-east-1.amazonaws.com/\x1b[31mX", false, false, "", ""},
		{"https://cognito-idp.us-east-1.amazonaws.com/eu-west-1_AbC", false, false, "", ""},
	}
	for _, tc := range cases {
		got := DescribeIssuer(tc.iss)
		if got.Cognito != tc.cognito || got.PoolShaped != tc.poolShaped || got.Pool != tc.pool || got.Region != tc.region {
			t.Errorf("%s: %+v", tc.iss, got)
		}
	}
	// The unconfirmed-issuer failure says when the issuer is a Cognito pool.
	ti := newTestIssuer(t, CognitoIssuer("us-east-1", testPool))
	v, _ := NewVerifier(Options{Keys: unpinned{ti.keySet}, Now: func() time.Time { return testNow }})
	r, err := v.Verify(ctx(), ti.access(ti.accessClaims(testNow)))
	if err != nil {
		t.Fatal(err)
	}
	if c := r.Check(CheckIss); c.Status != StatusFail || !strings.Contains(c.Detail, "the Cognito user pool "+testPool+" in us-east-1") ||
		c.Hint != "if this is the issuer you expect, say so" || c.Fix != FixConfirmIssuer || r.Issuer.URL != ti.iss || !r.Issuer.Cognito {
		t.Fatalf("iss %+v, issuer %+v", c, r.Issuer)
	}
	// A token with no iss and no expectation cannot be vouched for.
	r, _ = v.Verify(ctx(), ti.access(without(ti.accessClaims(testNow), "iss")))
	if c := r.Check(CheckIss); c.Status != StatusFail || r.Valid {
		t.Fatalf("no iss: %+v", c)
	}
}
