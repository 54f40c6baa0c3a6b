package trace

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 40)
	cases := []struct {
		key, value string
		want       Class
		secret     bool
	}{
		{"AuthParameters.PASSWORD", "pw", Secret, true},
		{"ChallengeResponses.NEW_PASSWORD", "pw", Secret, true},
		{"AuthParameters.SECRET_HASH", "h", Secret, true},
		{"AuthenticationResult.RefreshToken", long, Secret, true},
		{"UserPoolClient.ClientSecret", "s", Secret, true},
		{"SecretCode", "s", Secret, true},
		{"DevicePassword", "s", Secret, true},
		{"AuthParameters.SRP_A", long, Short, false},
		{"ChallengeParameters.SRP_B", long, Short, false},
		{"ChallengeParameters.SECRET_BLOCK", long, Short, false},
		{"ChallengeResponses.PASSWORD_CLAIM_SECRET_BLOCK", long, Short, false},
		{"Session", long, Short, false},
		{"AuthenticationResult.IdToken", long, Short, false},
		{"AccessToken", long, Short, false},
		{"DeviceSecretVerifierConfig.PasswordVerifier", long, Short, false},
		{"code", "c", Secret, true},
		{"code_verifier", "v", Secret, true},
		{"token", "t", Secret, true},
		{"access_token", long, Short, false},
		{"Authorization", "Basic Zm9vOmJhcg==", Secret, true},
		{"Authorization", "AWS4-HMAC-SHA256 Credential=AKIA…, Signature=abc", Secret, true},
		{"Authorization", "Bearer " + long, Short, true}, // shortened, still masked
		{"authorization", "bearer " + long, Short, true},
		{"Cookie", "session=abc", Secret, true},
		{"Set-Cookie", "session=abc", Secret, true},
		{"x-api-key", "k", Secret, true},
		{"X-Amz-Security-Token", "t", Secret, true},
		{"srp.x", "ab", Secret, true},
		{"srp.key", "ab", Secret, true},
		{"srp.secretBlock", long, Short, false},
		{"srp.a", "ab", Plain, false},
		{"srp.salt", "ab", Plain, false},
		{"AuthParameters.USERNAME", "alice", Plain, false},
		{"Content-Type", "application/json", Plain, false},
		{"state", "s", Plain, false},
		{"x", "1", Plain, false}, // only SRP's x is one
		{"", "", Plain, false},
	}
	for _, c := range cases {
		if got := Classify(c.key, c.value); got != c.want {
			t.Errorf("Classify(%q, %q) = %v, want %v", c.key, c.value, got, c.want)
		}
		if got := IsSecret(c.key); got != c.secret {
			t.Errorf("IsSecret(%q) = %v, want %v", c.key, got, c.secret)
		}
	}
}

// Every row of the table is reached through Classify under its own key.
func TestRulesAreLive(t *testing.T) {
	t.Parallel()
	for _, r := range Rules() {
		if r.Why == "" {
			t.Errorf("%s: no explanation", r.Key)
		}
		if got := classOf(r.Key); got != r.Class {
			t.Errorf("rule %s %s: classOf = %v, want %v", r.Kind, r.Key, got, r.Class)
		}
	}
}

func TestRender(t *testing.T) {
	t.Parallel()
	long := "eyJraWQiOiJabcdefghijklmnopqrstuvwxyz0123456789"
	cases := []struct {
		v      string
		c      Class
		reveal bool
		want   string
	}{
		{"pw", Secret, false, Redacted},
		{"pw", Secret, true, "pw"},
		{"", Secret, false, ""},
		{long, Short, false, "eyJraWQiOi…456789 (47 chars)"},
		{long, Short, true, long},
		{"short", Short, false, "short"},
		{"plain", Plain, false, "plain"},
	}
	for _, c := range cases {
		if got := Render(c.v, c.c, c.reveal); got != c.want {
			t.Errorf("Render(%q, %v, %v) = %q, want %q", c.v, c.c, c.reveal, got, c.want)
		}
	}
}

func TestRedactURL(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{"http://localhost:8765/callback?code=abc&state=xyz", "http://localhost:8765/callback?code=%5Bredacted%5D&state=xyz"},
		{"https://api.example.com/items?x-api-key=k&page=2", "https://api.example.com/items?page=2&x-api-key=%5Bredacted%5D"},
		{"https://example.com/login?client_id=abc&state=s", "https://example.com/login?client_id=abc&state=s"},
		{"https://example.com/", "https://example.com/"},
		{"%zz", "%zz"},
	}
	for _, c := range cases {
		if got := RedactURL(c.in, false); got != c.want {
			t.Errorf("RedactURL(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := RedactURL(c.in, true); got != c.in {
			t.Errorf("RedactURL(%q, reveal) = %q", c.in, got)
		}
	}
}

func TestRecorder(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	var seen []Step
	r := NewRecorder(Options{Now: func() time.Time { return now }, OnStep: func(s Step) {
		mu.Lock()
		seen = append(seen, s)
		mu.Unlock()
	}})
	s := r.Begin(StepCall, "InitiateAuth", "InitiateAuth USER_SRP_AUTH")
	s.Request("AuthParameters.USERNAME", "alice")
	s.Request("AuthParameters.PASSWORD", "hunter2")
	s.Request("AuthParameters.SRP_A", "")
	s.ResponseAs("UserPoolClient.ClientSecret", "(set)", Plain)
	s.Note("sent %d values", 2)
	first := s.End()
	if again := s.End(); again.Index != first.Index {
		t.Errorf("End twice gave index %d then %d", first.Index, again.Index)
	}
	r.Begin(StepDecision, "DECISION", "retry").End()

	steps := r.Steps()
	if len(steps) != 2 || len(seen) != 2 {
		t.Fatalf("steps = %d, OnStep saw %d, want 2 and 2", len(steps), len(seen))
	}
	st := steps[0]
	if st.Index != 1 || steps[1].Index != 2 || !st.Started.Equal(now) {
		t.Errorf("index/started = %d %d %v", st.Index, steps[1].Index, st.Started)
	}
	if st.Request["AuthParameters.USERNAME"] != "alice" || st.Request["AuthParameters.PASSWORD"] != Redacted {
		t.Errorf("request = %v", st.Request)
	}
	if _, ok := st.Request["AuthParameters.SRP_A"]; ok {
		t.Errorf("an empty value was recorded: %v", st.Request)
	}
	if st.Response["UserPoolClient.ClientSecret"] != "(set)" {
		t.Errorf("explicit class ignored: %v", st.Response)
	}
	if len(st.Notes) != 1 || st.Notes[0] != "sent 2 values" {
		t.Errorf("notes = %v", st.Notes)
	}
	// Steps is a copy.
	steps[0].Title = "changed"
	if r.Steps()[0].Title == "changed" {
		t.Error("Steps shares its slice")
	}

	rv := NewRecorder(Options{Reveal: true})
	s = rv.Begin(StepCompute, "PASSWORD_CLAIM", "claim")
	s.Request("AuthParameters.PASSWORD", "hunter2")
	if got := s.Value("srp.x", "abc"); got != "abc" {
		t.Errorf("revealed srp.x = %q", got)
	}
	if st := s.End(); st.Request["AuthParameters.PASSWORD"] != "hunter2" {
		t.Errorf("reveal: %v", st.Request)
	}
	if got := r.Begin(StepCompute, "X", "x").Value("srp.key", "abc"); got != Redacted {
		t.Errorf("srp.key = %q", got)
	}
}

func TestExchange(t *testing.T) {
	t.Parallel()
	bearer := "Bearer eyJraWQiOiJabcdefghijklmnopqrstuvwxyz0123456789"
	x := Exchange{
		Method: "GET",
		URL:    "https://abc.execute-api.us-east-1.amazonaws.com/prod/items?api_key=1&token=t",
		Status: 200,
		RequestHeader: http.Header{
			"Authorization": {bearer},
			"Cookie":        {"a=1", "b=2"},
			"X-Api-Key":     {"k"},
			"Accept":        {"application/json"},
		},
		ResponseHeader: http.Header{
			"Set-Cookie":       {"s=1"},
			"Content-Type":     {"application/json"},
			"X-Amzn-Requestid": {"req-1"},
			"Date":             {"Thu, 26 Nov 2026 10:00:00 GMT"},
		},
		RequestBody:  `{"q":1}`,
		ResponseBody: `{"items":[]}`,
	}
	s := NewRecorder(Options{}).Begin(StepCall, "GET /items", "GET /items")
	s.Exchange(x)
	st := s.End()
	want := map[string]string{
		"method":        "GET",
		"url":           "https://abc.execute-api.us-east-1.amazonaws.com/prod/items?api_key=1&token=%5Bredacted%5D",
		"Authorization": "Bearer eyJ…456789 (54 chars)",
		"Cookie":        Redacted,
		"X-Api-Key":     Redacted,
		"Accept":        "application/json",
		"body":          `{"q":1}`,
	}
	for k, v := range want {
		if st.Request[k] != v {
			t.Errorf("request %s = %q, want %q", k, st.Request[k], v)
		}
	}
	if st.Response["status"] != "200" || st.Response["Set-Cookie"] != Redacted || st.Response["body"] != `{"items":[]}` {
		t.Errorf("response = %v", st.Response)
	}
	if st.RequestID != "req-1" || st.ServerTime == nil || st.ServerTime.Day() != 26 {
		t.Errorf("meta = %q %v", st.RequestID, st.ServerTime)
	}

	s = NewRecorder(Options{Reveal: true}).Begin(StepCall, "GET", "GET")
	s.Exchange(Exchange{Method: "GET", URL: x.URL, RequestHeader: http.Header{"Cookie": {"a=1", "b=2"}}})
	st = s.End()
	if st.Request["Cookie"] != "a=1, b=2" || st.Request["url"] != x.URL {
		t.Errorf("revealed = %v", st.Request)
	}
	if _, ok := st.Response["status"]; ok {
		t.Errorf("no response, yet a status: %v", st.Response)
	}
}

// The SRP public values are named after the parameters that carry them
// (SRP_A, SRP_B) in the one camelCase key style: a bare lower-case "a"
// would read as the private value, and an upper-case key breaks the style.
func TestSRPValuesJSONNames(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(SRPValues{A: "0a", B: "0b"})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m["srpA"] != "0a" || m["srpB"] != "0b" {
		t.Errorf("SRP JSON = %s, want the public values as \"srpA\" and \"srpB\"", b)
	}
	for _, k := range []string{"a", "b", "A", "B"} {
		if _, ok := m[k]; ok {
			t.Errorf("SRP JSON has %q: %s", k, b)
		}
	}
}
