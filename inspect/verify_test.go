package inspect

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// verifyCase is one token and the exact set of checks it must fail.
type verifyCase struct {
	name   string
	token  string
	opts   func(*Options)
	now    time.Time
	failed []string // nil: valid
	attack string   // expected Check.Attack of the alg check
}

// verifyCases builds the corpus shared by the verifier tests, the
// differential test and the fuzz seeds.
func verifyCases(t testing.TB, ti *testIssuer) []verifyCase {
	t.Helper()
	ac := ti.accessClaims(testNow)
	ic := ti.idClaims(testNow)
	valid := ti.access(ac)
	sigFlipped := []byte(valid)
	last := sigFlipped[len(sigFlipped)-5]
	if last == 'A' {
		sigFlipped[len(sigFlipped)-5] = 'B'
	} else {
		sigFlipped[len(sigFlipped)-5] = 'A'
	}
	noneTok := b64(mustJSON(claims{"alg": "none", "kid": accessKid})) + "." + b64(mustJSON(ac)) + "."
	hsTok := signHS(publicPEM(ti.accKey), claims{"alg": "HS256", "kid": accessKid}, ac)
	return []verifyCase{
		{name: "valid access token", token: valid},
		{name: "valid ID token", token: ti.id(ic), opts: func(o *Options) { o.TokenUse = "id" }},
		{name: "valid with scope and group", token: valid, opts: func(o *Options) {
			o.Scopes = []string{"openid", "aws.cognito.signin.user.admin"}
			o.Groups = []string{"admin"}
		}},
		{name: "expired via now", token: valid, now: testNow.Add(2 * time.Hour), failed: []string{"exp"}},
		{name: "expired within skew", token: valid, now: testNow.Add(50*time.Minute + 10*time.Second), opts: func(o *Options) { o.Skew = 30 * time.Second }},
		{name: "a second before exp", token: valid, now: testNow.Add(50*time.Minute - time.Second)},
		{name: "exactly at exp", token: valid, now: testNow.Add(50 * time.Minute), failed: []string{"exp"}},
		{name: "one second after exp", token: valid, now: testNow.Add(50*time.Minute + time.Second), failed: []string{"exp"}},
		{name: "wrong client", token: ti.access(with(ac, "client_id", "someotherclient123")), failed: []string{"aud"}},
		{name: "wrong ID token audience", token: ti.id(with(ic, "aud", "someotherclient123")), failed: []string{"aud"}},
		{name: "wrong token_use (ID where access expected)", token: ti.id(ic), opts: func(o *Options) { o.TokenUse = "access" }, failed: []string{"token_use"}},
		{name: "wrong token_use (access where ID expected)", token: valid, opts: func(o *Options) { o.TokenUse = "id" }, failed: []string{"token_use"}},
		{name: "wrong pool", token: ti.access(with(ac, "iss", CognitoIssuer("eu-west-1", "eu-west-1_OtherPool"))), failed: []string{"iss"}},
		{name: "tampered payload", token: tamperPayload(valid, with(ac, "cognito:groups", []string{"admin", "root"})), failed: []string{"signature"}},
		{name: "tampered signature", token: string(sigFlipped), failed: []string{"signature"}},
		{name: "truncated signature", token: valid[:len(valid)-12], failed: []string{"signature"}},
		{name: "alg none", token: noneTok, failed: []string{"alg"}, attack: AttackAlgNone},
		{name: "HS256 signed with the public key", token: hsTok, failed: []string{"alg"}, attack: AttackKeyConfusion},
		{name: "RS512 with a key declared RS256", token: signRS(ti.accKey, "RS512", claims{"kid": accessKid, "alg": "RS512"}, ac), failed: []string{"alg"}, attack: AttackAlgSubstitution},
		{name: "unknown kid", token: signRS(ti.extra, "RS256", claims{"kid": otherKid, "alg": "RS256"}, ac), failed: []string{"kid"}},
		{name: "no kid", token: signRS(ti.accKey, "RS256", claims{"alg": "RS256"}, ac), failed: []string{"kid"}},
		{name: "signed by another key under a known kid", token: signRS(ti.extra, "RS256", claims{"kid": accessKid, "alg": "RS256"}, ac), failed: []string{"signature"}},
		{name: "missing exp", token: ti.access(without(ac, "exp")), failed: []string{"exp"}},
		{name: "missing token_use", token: ti.access(without(ac, "token_use")), failed: []string{"token_use"}},
		{name: "missing client_id", token: ti.access(without(ac, "client_id")), failed: []string{"aud"}},
		{name: "missing iss", token: ti.access(without(ac, "iss")), failed: []string{"iss"}},
		{name: "missing scope", token: ti.access(without(ac, "scope")), opts: func(o *Options) { o.Scopes = []string{"orders/read"} }, failed: []string{"scope"}},
		{name: "scope not granted", token: valid, opts: func(o *Options) { o.Scopes = []string{"orders/read"} }, failed: []string{"scope"}},
		{name: "not in group", token: ti.access(without(ac, "cognito:groups")), opts: func(o *Options) { o.Groups = []string{"admin"} }, failed: []string{"group"}},
		{name: "nbf in the future", token: ti.access(with(ac, "nbf", testNow.Add(time.Minute).Unix())), failed: []string{"nbf"}},
		{name: "iat in the future", token: ti.access(with(ac, "iat", testNow.Add(time.Minute).Unix())), failed: []string{"iat"}},
		{name: "exp is a string", token: ti.access(with(ac, "exp", "tomorrow")), failed: []string{"exp"}},
		{name: "sub is a number", token: ti.access(with(ac, "sub", 42)), failed: []string{"parse"}},
		{name: "expired and wrong client", token: ti.access(with(ac, "client_id", "x")), now: testNow.Add(2 * time.Hour), failed: []string{"aud", "exp"}},
		{name: "Bearer prefix and a wrapped line", token: "Bearer " + valid[:40] + "\n  " + valid[40:]},
		{name: "crit naming an unknown extension", token: signRS(ti.accKey, "RS256", claims{"kid": accessKid, "alg": "RS256", "crit": []string{"urn:example:ext"}, "urn:example:ext": 1}, ac), failed: []string{"parse"}},
		{name: "crit that is not a list", token: signRS(ti.accKey, "RS256", claims{"kid": accessKid, "alg": "RS256", "crit": "exp"}, ac), failed: []string{"parse"}},
		{name: "b64 false, marked critical", token: signRS(ti.accKey, "RS256", claims{"kid": accessKid, "alg": "RS256", "crit": []string{"b64"}, "b64": false}, ac), failed: []string{"parse"}},
		{name: "b64 false, not marked critical", token: signRS(ti.accKey, "RS256", claims{"kid": accessKid, "alg": "RS256", "b64": false}, ac), failed: []string{"parse"}},
		{name: "b64 true is the default", token: signRS(ti.accKey, "RS256", claims{"kid": accessKid, "alg": "RS256", "b64": true}, ac)},
		{name: "JWE refresh token", token: "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.a2V5.aXY.Y2lwaGVy.dGFn", failed: []string{"parse"}},
		{name: "two parts", token: valid[:strings.LastIndexByte(valid, '.')], failed: []string{"parse"}},
	}
}

func TestVerifyFailsExactlyTheNamedCheck(t *testing.T) {
	t.Parallel()
	ti := serveIssuer(t, testPool)
	cache := NewCache(CacheOptions{Client: ti.srv.Client()})
	for _, tc := range verifyCases(t, ti) {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			now := tc.now
			if now.IsZero() {
				now = testNow
			}
			opts := Options{Issuer: ti.iss, ClientIDs: []string{testClient}, Keys: cache, Now: func() time.Time { return now }}
			if tc.opts != nil {
				tc.opts(&opts)
			}
			v, err := NewVerifier(opts)
			if err != nil {
				t.Fatal(err)
			}
			r, err := v.Verify(ctx(), tc.token)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if got := failedChecks(r); !slices.Equal(got, tc.failed) {
				t.Fatalf("failed checks = %v, want %v\n%s", got, tc.failed, dumpChecks(r))
			}
			if r.Valid != (tc.failed == nil) {
				t.Fatalf("Valid = %v with failures %v", r.Valid, tc.failed)
			}
			if len(r.Checks) != numChecks {
				t.Fatalf("%d checks, want %d", len(r.Checks), numChecks)
			}
			for i, c := range r.Checks {
				if c.Name != CheckNames[i] {
					t.Fatalf("check %d is %q, want %q", i, c.Name, CheckNames[i])
				}
				if c.Status != StatusOK && c.Detail == "" {
					t.Errorf("check %s is %s with no detail", c.Name, c.Status)
				}
			}
			if tc.attack != "" && r.Check(CheckAlg).Attack != tc.attack {
				t.Errorf("alg attack = %q, want %q", r.Check(CheckAlg).Attack, tc.attack)
			}
			// The fast verdict agrees and names the first failed check.
			err = v.Validate(ctx(), tc.token)
			var f *Failure
			switch {
			case tc.failed == nil && err != nil:
				t.Fatalf("Validate: %v, want nil", err)
			case tc.failed != nil && !errors.As(err, &f):
				t.Fatalf("Validate: %v, want a *Failure", err)
			case tc.failed != nil && string(f.Check) != tc.failed[0]:
				t.Fatalf("Validate failed %q, want %q", f.Check, tc.failed[0])
			}
		})
	}
}

func dumpChecks(r *Report) string {
	var b strings.Builder
	for _, c := range r.Checks {
		b.WriteString("  " + string(c.Name) + " " + string(c.Status) + ": " + c.Detail + "\n")
	}
	return b.String()
}

func TestVerifySkipsChecksWithoutExpectations(t *testing.T) {
	t.Parallel()
	ti := newTestIssuer(t, CognitoIssuer("us-east-1", testPool))
	v, err := NewVerifier(Options{Keys: ti.keySet, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	r, err := v.Verify(ctx(), ti.access(ti.accessClaims(testNow)))
	if err != nil {
		t.Fatal(err)
	}
	if !r.Valid {
		t.Fatalf("want valid:\n%s", dumpChecks(r))
	}
	for _, name := range []CheckName{CheckIss, CheckAud, CheckScope, CheckGroup, CheckNbf} {
		if c := r.Check(name); c.Status != StatusSkipped || c.Detail == "" {
			t.Errorf("%s = %s %q, want skipped with a reason", name, c.Status, c.Detail)
		}
	}
	if c := r.Check(CheckAud); c.Fix != FixExpectClientID || strings.Contains(c.Detail, "--") {
		t.Errorf("aud skip %+v does not code what is missing (the edge names it)", c)
	}
}

func TestVerifyReportsTheEdge(t *testing.T) {
	t.Parallel()
	ti := newTestIssuer(t, CognitoIssuer("us-east-1", testPool))
	tok := ti.access(ti.accessClaims(testNow)) // exp = testNow + 50m
	cases := []struct {
		now  time.Time
		skew time.Duration
		want string
	}{
		{testNow, 0, "expires in 50m (2026-11-26 12:50:00 UTC)"},
		{testNow.Add(48 * time.Minute), 0, "close to the edge"},
		{testNow.Add(50*time.Minute + 20*time.Second), time.Minute, "accepted only thanks to the 1m skew allowance"},
		{testNow.Add(53 * time.Hour), 0, "expired 2d4h ago"},
	}
	for _, tc := range cases {
		v, _ := NewVerifier(Options{Keys: ti.keySet, Skew: tc.skew, Now: func() time.Time { return tc.now }})
		r, err := v.Verify(ctx(), tok)
		if err != nil {
			t.Fatal(err)
		}
		if d := r.Check(CheckExp).Detail; !strings.Contains(d, tc.want) {
			t.Errorf("at %v: exp detail %q, want it to contain %q", tc.now, d, tc.want)
		}
	}
}

func TestVerifyUnreachableJWKSIsAnError(t *testing.T) {
	t.Parallel()
	ti := newTestIssuer(t, "http://127.0.0.1:1/"+testPool)
	v, _ := NewVerifier(Options{Issuer: ti.iss, Now: func() time.Time { return testNow },
		Keys: NewCache(CacheOptions{Client: &httpClientNoRetry})})
	r, err := v.Verify(ctx(), ti.access(ti.accessClaims(testNow)))
	var fe *FetchError
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v, want *FetchError", err)
	}
	if r == nil || r.Valid || r.Check(CheckSignature).Status != StatusSkipped {
		t.Fatalf("report should say the signature was not checked: %+v", r)
	}
	if err := v.Validate(ctx(), ti.access(ti.accessClaims(testNow))); !errors.As(err, &fe) {
		t.Fatalf("Validate err = %v, want *FetchError", err)
	}
	// A token refused without keys is a verdict even with the JWKS down.
	none := b64(mustJSON(claims{"alg": "none"})) + "." + b64(mustJSON(ti.accessClaims(testNow))) + "."
	r, err = v.Verify(ctx(), none)
	if err != nil || r.Check(CheckAlg).Status != StatusFail {
		t.Fatalf("alg none with JWKS down: err %v, alg %v", err, r.Check(CheckAlg))
	}
}

func TestNewVerifierRejectsBadOptions(t *testing.T) {
	t.Parallel()
	for _, o := range []Options{{TokenUse: "refresh"}, {Skew: -time.Second}} {
		if _, err := NewVerifier(o); err == nil {
			t.Errorf("NewVerifier(%+v) accepted", o)
		}
	}
	v, err := NewVerifier(Options{Issuer: "eu-west-2_z1Go5XdrZ"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := v.Options().Issuer, "https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_z1Go5XdrZ"; got != want {
		t.Errorf("expanded issuer %q, want %q", got, want)
	}
}

func TestDescribeNeedsNoKeys(t *testing.T) {
	t.Parallel()
	ti := newTestIssuer(t, CognitoIssuer("us-east-1", testPool))
	r := Describe(ti.id(ti.idClaims(testNow)), testNow.Add(2*time.Hour))
	if r.Valid {
		t.Fatal("Describe must never call a token valid")
	}
	if got := failedChecks(r); !slices.Equal(got, []string{"exp"}) {
		t.Fatalf("failed = %v, want [exp]", got)
	}
	if c := r.Check(CheckSignature); c.Status != StatusSkipped {
		t.Fatalf("signature = %v, want skipped", c)
	}
	if r.Kind != KindID || len(r.Claims) == 0 {
		t.Fatalf("kind %v, %d claims", r.Kind, len(r.Claims))
	}
	if r := Describe("   ", testNow); r.Check(CheckParse).Status != StatusFail {
		t.Fatalf("empty input: parse = %v", r.Check(CheckParse))
	}
}

func TestVerifyNamesKeyMismatches(t *testing.T) {
	t.Parallel()
	ti := newTestIssuer(t, CognitoIssuer("us-east-1", testPool))
	k := ti.accKey
	noAlg, err := ParseJWKS([]byte(`{"keys":[{"kty":"RSA","kid":"plain","e":"AQAB","n":"`+b64(k.N.Bytes())+`"}]}`), "test")
	if err != nil {
		t.Fatal(err)
	}
	ac := ti.accessClaims(testNow)
	body := b64(mustJSON(ac))
	cases := []struct {
		name   string
		keys   KeySource
		token  string
		attack string
		failed []string
	}{
		{"ES256 with a key declared RS256", ti.keySet, b64(mustJSON(claims{"alg": "ES256", "kid": accessKid})) + "." + body + ".c2ln", AttackAlgSubstitution, []string{"alg"}},
		{"ES256 with an RSA key declaring nothing", noAlg, b64(mustJSON(claims{"alg": "ES256", "kid": "plain"})) + "." + body + ".c2ln", AttackKeyTypeMismatch, []string{"alg"}},
		{"RS384 with an RSA key declaring nothing", noAlg, signRS(k, "RS384", claims{"alg": "RS384", "kid": "plain"}, ac), "", nil},
		{"HS256 with an RSA key declaring nothing", noAlg, signHS(publicPEM(k), claims{"alg": "HS256", "kid": "plain"}, ac), AttackKeyConfusion, []string{"alg"}},
	}
	for _, tc := range cases {
		v, _ := NewVerifier(Options{Keys: tc.keys, Now: func() time.Time { return testNow }})
		r, err := v.Verify(ctx(), tc.token)
		if err != nil {
			t.Fatal(err)
		}
		if got := failedChecks(r); !slices.Equal(got, tc.failed) || r.Check(CheckAlg).Attack != tc.attack {
			t.Errorf("%s: failed %v attack %q\n%s", tc.name, got, r.Check(CheckAlg).Attack, dumpChecks(r))
		}
	}
}

// TestVerifyEmptyJWKSIsNotAnAttack: an issuer whose JWKS holds no keys
// fails the kid check; the alg is not named as an algorithm substitution.
func TestVerifyEmptyJWKSIsNotAnAttack(t *testing.T) {
	t.Parallel()
	ti := newTestIssuer(t, "http://127.0.0.1:9229/"+testPool)
	empty, err := ParseJWKS([]byte(`{"keys":[]}`), "empty.json")
	if err != nil {
		t.Fatal(err)
	}
	v, err := NewVerifier(Options{Issuer: ti.iss, Keys: empty, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	r, err := v.Verify(ctx(), ti.access(ti.accessClaims(testNow)))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range r.Checks {
		switch c.Name {
		case CheckKid:
			if c.Status != StatusFail {
				t.Errorf("kid = %+v, want fail", c)
			}
		case CheckAlg:
			if c.Status == StatusFail || c.Attack != "" {
				t.Errorf("alg = %+v, want no failure and no attack", c)
			}
		}
	}
	if r.Valid {
		t.Error("valid without keys")
	}
	if err := v.Validate(ctx(), ti.access(ti.accessClaims(testNow))); err == nil {
		t.Error("Validate: valid without keys")
	}
}
