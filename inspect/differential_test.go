package inspect

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// differentialCase is one token judged by aws-jwt-verify and by cogscope.
type differentialCase struct {
	verifyCase
	// differs, when set, names the deliberate difference (doc.go,
	// "Differences from aws-jwt-verify") that makes the verdicts disagree.
	differs string
}

// jsErrorChecks maps aws-jwt-verify's error classes to the checks of ours
// that say the same thing.
var jsErrorChecks = map[string][]CheckName{
	// aws-jwt-verify checks claim types while parsing, and refuses an empty
	// signature (alg "none") as malformed; we name those checks instead.
	"JwtParseError":                     {CheckParse, CheckAlg, CheckExp, CheckNbf, CheckIat, CheckIss, CheckAud, CheckScope},
	"KidNotFoundInJwksError":            {CheckKid},
	"JwtWithoutValidKidError":           {CheckKid},
	"JwtInvalidSignatureAlgorithmError": {CheckAlg},
	"JwkInvalidKtyError":                {CheckAlg},
	"JwtInvalidSignatureError":          {CheckSignature},
	"JwtExpiredError":                   {CheckExp},
	"JwtNotBeforeError":                 {CheckNbf},
	"JwtInvalidIssuerError":             {CheckIss},
	"JwtInvalidScopeError":              {CheckScope},
	"CognitoJwtInvalidGroupError":       {CheckGroup},
	"CognitoJwtInvalidTokenUseError":    {CheckTokenUse},
	"CognitoJwtInvalidClientIdError":    {CheckAud},
}

// peerScript finds the vendored jwt-verdict.js.
func peerScript(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	p := filepath.Join(filepath.Dir(file), "..", "internal", "interop", "peers", "jwt-verdict.js")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("vendored peer script missing: %v", err)
	}
	return p
}

// TestDifferentialAgainstAWSJWTVerify judges the verifier corpus with
// aws-jwt-verify (AWS's own verifier) and with cogscope, and requires equal
// verdicts, except where doc.go documents a deliberate difference. With
// COGSCOPE_BIN set (the CI step does), cogscope's verdicts come from
// `cogscope inspect --json`; otherwise from the library.
func TestDifferentialAgainstAWSJWTVerify(t *testing.T) {
	peers := os.Getenv("COGSCOPE_PEERS")
	if peers == "" {
		t.Skip("COGSCOPE_PEERS is not set (the npm peers, with aws-jwt-verify)")
	}
	script := peerScript(t)
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not installed")
	}
	dir := t.TempDir()
	ti := newTestIssuer(t, "http://127.0.0.1:9229/"+testPool) // the local stack's issuer form
	jwksFile := filepath.Join(dir, "jwks.json")
	if err := os.WriteFile(jwksFile, ti.jwks, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := differentialCases(t, ti)

	// aws-jwt-verify's verdicts, one JSON line per case.
	var in bytes.Buffer
	for _, c := range cases {
		o := Options{Issuer: ti.iss, ClientIDs: []string{testClient}}
		if c.opts != nil {
			c.opts(&o)
		}
		now := c.now
		if now.IsZero() {
			now = testNow
		}
		line := map[string]any{"token": c.token, "userPoolId": testPool, "clientId": o.ClientIDs, "jwksFile": jwksFile,
			"now": now.Unix(), "issuer": ti.iss, "verifier": "rsa", "tokenUse": nil}
		if o.TokenUse != "" {
			line["tokenUse"] = o.TokenUse
		}
		if len(o.Scopes) > 0 {
			line["scope"] = o.Scopes
		}
		if len(o.Groups) > 0 {
			line["groups"] = o.Groups
		}
		if o.Skew > 0 {
			line["graceSeconds"] = int(o.Skew.Seconds())
		}
		b, _ := json.Marshal(line)
		in.Write(b)
		in.WriteByte('\n')
	}
	cmd := exec.Command("node", script)
	cmd.Stdin = &in
	cmd.Env = append(os.Environ(), "NODE_PATH="+filepath.Join(peers, "node_modules"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node %s: %v\n%s", script, err, stderr.String())
	}
	type jsVerdict struct {
		Verdict string `json:"verdict"`
		Error   *struct {
			Class, Message string
		} `json:"error"`
	}
	var js []jsVerdict
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var v jsVerdict
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("verdict line %q: %v", sc.Text(), err)
		}
		js = append(js, v)
	}
	if len(js) != len(cases) {
		t.Fatalf("%d verdicts for %d cases:\n%s", len(js), len(cases), out)
	}

	bin := os.Getenv("COGSCOPE_BIN")
	for i, c := range cases {
		ours := ourVerdict(t, c, ti, jwksFile, bin)
		theirs := js[i]
		if theirs.Verdict == "error" {
			t.Errorf("%s: aws-jwt-verify could not judge: %+v", c.name, theirs.Error)
			continue
		}
		jsValid := theirs.Verdict == "valid"
		msg := ""
		if theirs.Error != nil {
			msg = theirs.Error.Class + ": " + theirs.Error.Message
		}
		switch {
		case c.differs != "" && jsValid == ours.Valid:
			t.Errorf("%s: documented difference %q, but both say valid=%v (stale documentation?)", c.name, c.differs, ours.Valid)
		case c.differs == "" && jsValid != ours.Valid:
			t.Errorf("%s: aws-jwt-verify valid=%v (%s), cogscope valid=%v (failed %v)", c.name, jsValid, msg, ours.Valid, ours.failed)
		case c.differs == "" && !jsValid:
			// Both refuse: aws-jwt-verify's reason must be among ours.
			want := jsErrorChecks[theirs.Error.Class]
			if !slices.ContainsFunc(ours.failed, func(n CheckName) bool { return slices.Contains(want, n) }) {
				t.Errorf("%s: aws-jwt-verify refuses with %s, cogscope fails %v", c.name, msg, ours.failed)
			}
		}
		t.Logf("%-45s aws-jwt-verify %-7s cogscope valid=%-5v failed=%v %s", c.name, theirs.Verdict, ours.Valid, ours.failed, c.differs)
	}
}

type ourResult struct {
	Valid  bool
	failed []CheckName
}

// ourVerdict judges a case with the library or with the binary.
func ourVerdict(t *testing.T, c differentialCase, ti *testIssuer, jwksFile, bin string) ourResult {
	t.Helper()
	o := Options{Issuer: ti.iss, ClientIDs: []string{testClient}}
	if c.opts != nil {
		c.opts(&o)
	}
	now := c.now
	if now.IsZero() {
		now = testNow
	}
	if bin == "" {
		o.Keys, o.Now = ti.keySet, func() time.Time { return now }
		v, err := NewVerifier(o)
		if err != nil {
			t.Fatal(err)
		}
		r, err := v.Verify(ctx(), c.token)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		res := ourResult{Valid: r.Valid}
		for _, f := range r.Failed() {
			res.failed = append(res.failed, f.Name)
		}
		return res
	}
	args := []string{"inspect", "--json", "--jwks", jwksFile, "--issuer", o.Issuer, "--now", now.Format(time.RFC3339), "-"}
	for _, id := range o.ClientIDs {
		args = append(args, "--client-id", id)
	}
	for _, s := range o.Scopes {
		args = append(args, "--scope", s)
	}
	for _, g := range o.Groups {
		args = append(args, "--group", g)
	}
	if o.TokenUse != "" {
		args = append(args, "--token-use", o.TokenUse)
	}
	if o.Skew > 0 {
		args = append(args, "--skew", o.Skew.String())
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdin = strings.NewReader(c.token)
	out, err := cmd.Output()
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 1) {
		t.Fatalf("%s: cogscope %v: %v", c.name, args, err)
	}
	var got struct {
		Checks []struct {
			Name   CheckName `json:"name"`
			Status Status    `json:"status"`
		} `json:"checks"`
		Valid bool `json:"valid"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%s: cogscope --json: %v\n%s", c.name, err, out)
	}
	res := ourResult{Valid: got.Valid}
	for _, ch := range got.Checks {
		if ch.Status == StatusFail {
			res.failed = append(res.failed, ch.Name)
		}
	}
	if (err == nil) != got.Valid {
		t.Fatalf("%s: exit status and valid=%v disagree", c.name, got.Valid)
	}
	return res
}

// differentialCases are the verifier corpus plus the edges where the two
// verifiers are known to differ on purpose.
func differentialCases(t *testing.T, ti *testIssuer) []differentialCase {
	var out []differentialCase
	for _, vc := range verifyCases(t, ti) {
		c := differentialCase{verifyCase: vc}
		switch vc.name {
		case "missing exp":
			c.differs = "exp is required"
		case "iat in the future":
			c.differs = "iat and auth_time must not be in the future"
		case "Bearer prefix and a wrapped line":
			c.differs = "input cleaning"
		case "exactly at exp":
			c.differs = "exp equal to now is expired"
		case "crit naming an unknown extension", "crit that is not a list", "b64 false, marked critical", "b64 false, not marked critical":
			c.differs = "crit and b64 are refused"
		}
		out = append(out, c)
	}
	ac := ti.accessClaims(testNow)
	out = append(out,
		differentialCase{verifyCase: verifyCase{name: "auth_time in the future", token: ti.access(with(ac, "auth_time", testNow.Add(time.Hour).Unix())), failed: []string{"iat"}},
			differs: "iat and auth_time must not be in the future"},
		differentialCase{verifyCase: verifyCase{name: "impossible base64 length in the payload", token: padPayload(ti, ac)},
			differs: "impossible base64url length"},
		differentialCase{verifyCase: verifyCase{name: "aud as a list for an ID token", token: ti.id(with(ti.idClaims(testNow), "aud", []string{testClient})), opts: func(o *Options) { o.TokenUse = "id" }},
			differs: "audience as API Gateway judges it"},
		differentialCase{verifyCase: verifyCase{name: "access token with an aud and the expected client_id", token: ti.access(with(ac, "aud", "urn:my:api")), failed: []string{"aud"}},
			differs: "audience as API Gateway judges it"},
		differentialCase{verifyCase: verifyCase{name: "access token with the expected aud and another client_id", token: ti.access(with(ac, "aud", testClient, "client_id", "web-app")), failed: nil},
			differs: "audience as API Gateway judges it"},
		differentialCase{verifyCase: verifyCase{name: "no client expected", token: ti.access(with(ac, "client_id", "anything")), opts: func(o *Options) { o.ClientIDs = nil }}},
		differentialCase{verifyCase: verifyCase{name: "nbf within skew", token: ti.access(with(ac, "nbf", testNow.Add(20*time.Second).Unix())), opts: func(o *Options) { o.Skew = 30 * time.Second }}},
		differentialCase{verifyCase: verifyCase{name: "groups as one string", token: ti.access(with(ac, "cognito:groups", "admin")), opts: func(o *Options) { o.Groups = []string{"admin"} }}},
		differentialCase{verifyCase: verifyCase{name: "scope with double spaces", token: ti.access(with(ac, "scope", "a  orders/read")), opts: func(o *Options) { o.Scopes = []string{"orders/read"} }}},
		differentialCase{verifyCase: verifyCase{name: "exp as a float", token: ti.access(with(ac, "exp", float64(testNow.Unix())+0.5))}},
		differentialCase{verifyCase: verifyCase{name: "escaped issuer", token: signRS(ti.accKey, "RS256", claims{"kid": accessKid, "alg": "RS256"},
			[]byte(strings.Replace(string(mustJSON(ac)), `"iss":"http://127.0.0.1:9229/`, `"iss":"http:\/\/127.0.0.1:9229\/`, 1)))}},
	)
	return out
}

// padPayload signs a token whose payload part has an impossible base64
// length (one stray character), as a truncated copy-paste would leave.
func padPayload(ti *testIssuer, c claims) string {
	hdr := b64(mustJSON(claims{"kid": accessKid, "alg": "RS256"}))
	pay := b64(mustJSON(c))
	for len(pay)%4 != 0 {
		c["x"] = strings.Repeat("x", len(pay)%7+1)
		pay = b64(mustJSON(c))
	}
	pay += "A"
	return signInput(ti, hdr+"."+pay)
}
