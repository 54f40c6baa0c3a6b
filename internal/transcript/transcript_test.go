package transcript

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/cogscope/cogscope/flows/trace"
	"github.com/cogscope/cogscope/internal/apicall"
)

// jwt builds an unsigned-looking compact JWS with the given claims (the
// signature is random-looking text: what matters is that it is masked).
func jwt(claims map[string]any, sig string) string {
	h, _ := json.Marshal(map[string]any{"alg": "RS256", "kid": "k1"})
	c, _ := json.Marshal(claims)
	return base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c) + "." + sig
}

func TestRedactValues(t *testing.T) {
	t.Parallel()
	tok := jwt(map[string]any{"jti": "j1", "token_use": "access"}, "SIGNATUREpartABCDEFGHIJKLMNOP")
	cases := []struct {
		key, value string
		masked     bool
	}{
		{"AuthParameters.PASSWORD", "hunter2!!", true},
		{"ChallengeResponses.NEW_PASSWORD", "N3w-Passw0rd!", true},
		{"ChallengeResponses.SECRET_HASH", "c2VjcmV0aGFzaA==", true},
		{"ChallengeResponses.PASSWORD_CLAIM_SIGNATURE", "bTEtc2lnbmF0dXJl", true},
		{"ChallengeResponses.SOFTWARE_TOKEN_MFA_CODE", "123456", true},
		{"ChallengeResponses.SMS_MFA_CODE", "654321", true},
		{"ChallengeResponses.ANSWER", "42", true},
		{"Session", "AYABeC0ffeeSessionString", true},
		{"ChallengeParameters.SECRET_BLOCK", "opaqueblock", true},
		{"AuthenticationResult.IdToken", tok, true},
		{"AuthenticationResult.AccessToken", tok, true},
		{"AuthenticationResult.RefreshToken", "eyJjdHkiOiJKV1QiLCJlbmMi.refresh", true},
		{"Authorization", "Bearer " + tok, true},
		{"code_verifier", "verifier-verifier-verifier", true},
		{"code", "authcode", true},
		{"client_secret", "s3cr3t", true},
		{"AuthParameters.SRP_A", "abcdef0123", false},
		{"ChallengeParameters.SRP_B", "0123abcdef", false},
		{"ChallengeParameters.SALT", "5a17", false},
		{"AuthParameters.USERNAME", "alice", false},
		{"ClientId", "devclient", false},
		{"AuthenticationResult.ExpiresIn", "3600", false},
	}
	for _, tc := range cases {
		tr := New(Target{}, time.Now())
		tr.SignIns = []SignIn{{Steps: []Step{{Index: 1, Request: map[string]string{tc.key: tc.value}}}}}
		Redact(tr)
		got := tr.SignIns[0].Steps[0].Request[tc.key]
		if tc.masked {
			if got != Masked {
				t.Errorf("%s = %q, want %s", tc.key, got, Masked)
			}
			if len(tr.Masked) != 1 || tr.Masked[0].Key != tc.key || tr.Masked[0].What == "" || tr.Masked[0].Where[0] != "sign-in 1, step 1, request" {
				t.Errorf("%s: masked list %+v", tc.key, tr.Masked)
			}
		} else if got != tc.value || len(tr.Masked) != 0 {
			t.Errorf("%s = %q (masked list %+v), want it kept", tc.key, got, tr.Masked)
		}
	}
}

func TestRedactTextAndKnownSecrets(t *testing.T) {
	t.Parallel()
	sig := "SIGNATUREpartABCDEFGHIJKLMNOP"
	tok := jwt(map[string]any{"jti": "j1"}, sig)
	tr := New(Target{Username: "alice"}, time.Now())
	tr.SignIns = []SignIn{{
		Steps: []Step{{Index: 1, Notes: []string{"sent " + tok},
			Error: &Error{Type: "NotAuthorizedException", Message: "password hunter2!! is wrong"},
			SRP:   &SRP{A: "aa", X: "1234", Key: "beef", Signature: "m1", SecretBlock: "blk"}}},
		Tokens: []Token{TokenFrom("access", tok, nil, time.Now()), {Use: "refresh"}},
	}}
	jwe := "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIn0.ENCKEYpart.IVpart12.CIPHERTEXTpart.TAGpart"
	tr.SignIns[0].Steps = append(tr.SignIns[0].Steps, Step{Index: 2,
		Request:  map[string]string{"url": "https://auth.example.com/callback?code=abc123code&state=s1"},
		Response: map[string]string{"body": `{"access_token":"` + tok + `","refresh_token":"` + jwe + `"}`}})
	tr.Calls = []Call{{URL: "https://api.example.com/x?code=abc&page=2", Message: "echo " + tok,
		Headers: map[string][]string{"Authorization": {"Bearer " + tok}, "X-Api-Key": {"apikeyvalue123"}, "Accept": {"application/json"}},
		Logs:    []LogLine{{Message: `{"authorization":"Bearer ` + tok + `"}`}}}}
	Redact(tr, "hunter2!!", "")
	b, _ := json.Marshal(tr)
	doc := string(b)
	for _, secret := range []string{sig, "hunter2!!", "1234", "beef", `"m1"`, "code=abc", "abc123code", "CIPHERTEXTpart", "ENCKEYpart", "apikeyvalue123"} {
		if strings.Contains(doc, secret) {
			t.Errorf("redacted transcript holds %q:\n%s", secret, doc)
		}
	}
	if got := tr.Calls[0].Headers["Accept"][0]; got != "application/json" {
		t.Errorf("Accept = %q, want it kept", got)
	}
	if got := tr.SignIns[0].Steps[0].SRP.A; got != "aa" {
		t.Errorf("SRP A = %q, want it kept", got)
	}
	if !strings.Contains(tr.SignIns[0].Steps[0].Notes[0], tok[:strings.LastIndexByte(tok, '.')+1]+Masked) {
		t.Errorf("the note lost the token's header and claims: %q", tr.SignIns[0].Steps[0].Notes[0])
	}
	if tk := tr.SignIns[0].Tokens[0]; tk.JTI != "j1" || tk.Signature != Masked || tk.Verified {
		t.Errorf("token %+v", tk)
	}
	keys := map[string]bool{}
	for _, m := range tr.Masked {
		keys[m.Key] = true
	}
	for _, k := range []string{"signature", "known-secret", "srp.x", "srp.key", "srp.signature", "srp.secret_block", "refresh_token", "url-query", "encrypted-token"} {
		if !keys[k] {
			t.Errorf("masked list lacks %s: %v", k, keys)
		}
	}

	// A second pass changes nothing.
	Redact(tr, "hunter2!!")
	again, _ := json.Marshal(tr)
	if !bytes.Equal(b, again) {
		t.Errorf("Redact is not idempotent:\n%s\n%s", b, again)
	}
}

func TestStepsFromCopies(t *testing.T) {
	t.Parallel()
	steps := []trace.Step{{Index: 1, Kind: trace.StepCall, Operation: "InitiateAuth", NextChallenge: "PASSWORD_VERIFIER",
		Request: map[string]string{"AuthParameters.PASSWORD": "pw"}, Error: &trace.APIError{Type: "X", Message: "m"}}}
	s := SignInFrom("password", steps, IssuedTokens{}, nil, errors.New("stopped"), time.Now())
	Redact(&Transcript{SignIns: []SignIn{s}})
	if steps[0].Request["AuthParameters.PASSWORD"] != "pw" {
		t.Error("redaction changed the flow's own trace")
	}
	if s.Outcome != OutcomeRefused || s.Error == nil || s.Error.Type != "X" || len(s.Challenges) != 1 {
		t.Errorf("sign-in %+v", s)
	}
}

func newTestStore(t *testing.T) *Store {
	s := NewStore(t.TempDir())
	s.MaxSessions, s.MaxCalls = 3, 4
	return s
}

func TestStoreBounds(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	tg := Target{UserPoolID: "p", ClientID: "c"}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i := range 5 {
		err := s.Record("dev", RecordOptions{Fresh: true, Target: tg, Now: now.Add(time.Duration(i) * time.Minute)},
			func(tr *Transcript) { tr.SignIns = append(tr.SignIns, SignIn{Flow: "srp", Outcome: OutcomeSignedIn}) })
		if err != nil {
			t.Fatal(err)
		}
	}
	for i := range 6 {
		if err := s.Record("dev", RecordOptions{Target: tg, Now: now.Add(time.Hour)}, func(tr *Transcript) {
			tr.Calls = append(tr.Calls, Call{Method: "GET", Path: "/" + string(rune('a'+i))})
		}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := s.Load("dev")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 {
		t.Fatalf("%d sessions kept, want 3", len(all))
	}
	last := all[2]
	if !last.Started.Equal(now.Add(4*time.Minute)) || len(last.Calls) != 4 || last.Calls[0].Path != "/c" {
		t.Errorf("latest session: started %v, %d calls, first %+v", last.Started, len(last.Calls), last.Calls)
	}
	// A call for another client starts a session of its own.
	if err := s.Record("dev", RecordOptions{Target: Target{UserPoolID: "p", ClientID: "other"}}, func(tr *Transcript) {}); err != nil {
		t.Fatal(err)
	}
	if latest, _ := s.Latest("dev"); latest.Target.ClientID != "other" || len(latest.Calls) != 0 {
		t.Errorf("latest %+v", latest.Target)
	}
	p, _ := s.Path("dev")
	if runtime.GOOS != "windows" {
		st, _ := os.Stat(p)
		dir, _ := os.Stat(filepath.Dir(p))
		if st.Mode().Perm() != 0o600 || dir.Mode().Perm() != 0o700 {
			t.Errorf("file %v, directory %v; want 0600, 0700", st.Mode().Perm(), dir.Mode().Perm())
		}
	}
	if _, err := s.Latest("none"); !errors.Is(err, ErrNoTranscript) {
		t.Errorf("Latest of nothing: %v", err)
	}
}

func TestStoreSizeCapAndCorrupt(t *testing.T) {
	t.Parallel()
	s := NewStore(t.TempDir())
	s.Bytes = 4 << 10
	big := strings.Repeat("x", 1500)
	for i := range 4 {
		if err := s.Record("k", RecordOptions{Fresh: true}, func(tr *Transcript) {
			tr.Calls = append(tr.Calls, Call{Message: big, Path: string(rune('a' + i))})
		}); err != nil {
			t.Fatal(err)
		}
	}
	p, _ := s.Path("k")
	st, _ := os.Stat(p)
	if st.Size() > 4<<10 {
		t.Errorf("file is %d bytes, cap 4096", st.Size())
	}
	if latest, err := s.Latest("k"); err != nil || latest.Calls[0].Path != "d" {
		t.Errorf("the latest session was dropped: %+v, %v", latest, err)
	}
	if err := os.WriteFile(p, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load("k"); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Load of a corrupt file: %v", err)
	}
	if err := s.Record("k", RecordOptions{}, func(*Transcript) {}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p + ".corrupt"); err != nil {
		t.Errorf("the corrupt file was not moved aside: %v", err)
	}
	if k, err := s.Path("../../etc/passwd"); err != nil || filepath.Dir(k) != filepath.Join(s.Dir, "transcripts") {
		t.Errorf("path of a hostile key: %s, %v", k, err)
	}
}

func TestJSONRoundTripAndEscapes(t *testing.T) {
	t.Parallel()
	tr := New(Target{Profile: "dev"}, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	tr.Calls = []Call{{Method: "GET", Path: "/x", Status: 401, Message: "bad\u202etxt.exe\x1b[31m"}}
	var buf bytes.Buffer
	if err := Write(&buf, tr, FormatJSON); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsRune(buf.String(), '\u202e') || strings.ContainsRune(buf.String(), 0x1b) {
		t.Errorf("the JSON holds raw control or bidi characters: %q", buf.String())
	}
	back, err := ReadJSON(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if back.Calls[0].Message != tr.Calls[0].Message || back.Target.Profile != "dev" {
		t.Errorf("round trip: %+v", back.Calls[0])
	}
	buf.Reset()
	if err := Write(&buf, tr, FormatMarkdown); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsRune(buf.String(), '\u202e') || strings.ContainsRune(buf.String(), 0x1b) {
		t.Errorf("the Markdown holds raw control or bidi characters: %q", buf.String())
	}
	if err := Write(&buf, tr, "yaml"); err == nil {
		t.Error("an unknown format was accepted")
	}
}

func FuzzReadJSON(f *testing.F) {
	f.Add(`{"version":1,"signIns":[{"flow":"srp","steps":[{"index":1}]}],"calls":[{"method":"GET"}]}`)
	f.Add(`{"version":1}`)
	f.Add(`# md`)
	f.Fuzz(func(t *testing.T, s string) {
		tr, err := ReadJSON(strings.NewReader(s))
		if err != nil {
			return
		}
		Redact(tr)
		var buf bytes.Buffer
		_ = WriteMarkdown(&buf, tr)
		_ = Diff(tr, tr, "a", "b")
	})
}

func TestCallFromSmoke(t *testing.T) {
	t.Parallel()
	r := apicall.SmokeResult{Route: apicall.SmokeRoute{Path: "/orders", Token: "id", Expect: 200}, Status: 403, RequestID: "rid",
		Duration: apicall.Duration(2 * time.Millisecond), Judge: &apicall.Judgement{FailedCheck: "scope", Cause: "missing-scope"}}
	c := CallFromSmoke(r, "https://api.example.com/prod/", time.Now())
	if c.Method != "GET" || c.Path != "/orders" || c.URL != "https://api.example.com/prod/orders" || c.TokenKind != "id" ||
		c.Status != 403 || c.RequestID != "rid" || c.DurationMS != 2 || c.Explanation == nil || c.Explanation.FailedCheck != "scope" {
		t.Errorf("call %+v", c)
	}
}

// Every row a transcript adds masks its key, wherever it is found.
func TestEveryRuleMasks(t *testing.T) {
	t.Parallel()
	for _, r := range Rules() {
		key := r.Key
		if !strings.HasPrefix(key, "srp.") {
			key = "ChallengeResponses." + key
		}
		if what, ok := whatOf(key, "value"); !ok || what != r.What {
			t.Errorf("%s: masked %v as %q, want %q", key, ok, what, r.What)
		}
	}
	for _, r := range trace.Rules() {
		if r.Class == trace.Plain || r.Kind == trace.KindHeader && r.Class == trace.Short {
			continue
		}
		key := r.Key
		if r.Kind == trace.KindMember {
			key = "X." + key
		}
		if _, ok := whatOf(key, "value"); !ok && !publicShort[r.Key] {
			t.Errorf("trace's row %s (%v) is not masked in a transcript", r.Key, r.Class)
		}
	}
}
