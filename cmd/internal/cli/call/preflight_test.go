package call

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cogscope/cogscope/internal/apicall"
	"github.com/cogscope/cogscope/internal/doctor"
	"github.com/cogscope/cogscope/internal/local/cognito"
)

// preflightDoc is the part of `call --preflight --json` the tests read.
type preflightDoc struct {
	Prediction *doctor.Prediction `json:"prediction"`
	Comparison *doctor.Comparison `json:"comparison"`
	Response   *struct {
		Status int `json:"status"`
	} `json:"response"`
}

// TestCallPreflight predicts API Gateway's answer on the in-process
// stack before the call and compares it with the answer after: /scoped
// refuses the ID token (403, insufficient_scope) and /private lets a
// good token through.
func TestCallPreflight(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	demo := e.signIn(t, cognito.DemoUsername, cognito.DemoPassword)
	cases := []struct {
		name, stdin, path string
		outcome           string
		status, code      int
	}{
		{name: "scoped with the ID token", stdin: demo.IDToken, path: "/scoped", outcome: doctor.OutcomeRefuse, status: 403, code: 1},
		{name: "private with the access token", stdin: demo.AccessToken, path: "/private", outcome: doctor.OutcomePass, status: 200},
		{name: "private without a token", path: "/private", outcome: doctor.OutcomeRefuse, status: 401, code: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := []string{c.path, "--preflight", "--json"}
			if c.stdin != "" {
				args = append(args, "--bearer-stdin")
			} else {
				args = append(args, "--token", "none")
			}
			code, out, errOut := e.call(t, c.stdin, args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, c.code, out, errOut)
			}
			var d preflightDoc
			if err := json.Unmarshal([]byte(out), &d); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, out)
			}
			if d.Response == nil || d.Response.Status != c.status {
				t.Fatalf("response %+v, want %d", d.Response, c.status)
			}
			p := d.Prediction
			if p == nil || p.Outcome != c.outcome || (c.outcome == doctor.OutcomeRefuse && p.Status != c.status) {
				t.Fatalf("prediction %+v, want %s %d", p, c.outcome, c.status)
			}
			if d.Comparison == nil || !d.Comparison.Agrees || d.Comparison.Status != c.status {
				t.Errorf("comparison %+v, want agreement on %d", d.Comparison, c.status)
			}
		})
	}

	// In words: the prediction comes before the response, the
	// comparison after.
	_, human, _ := e.call(t, demo.IDToken, "/scoped", "--bearer-stdin", "--preflight")
	pred, resp, agree := strings.Index(human, "Preflight: predicted 403 Forbidden"), strings.Index(human, " 403 Forbidden   request id"), strings.Index(human, "Preflight: agrees: predicted 403")
	if pred < 0 || resp < 0 || agree < 0 || pred > resp || agree < resp || !strings.Contains(human, "check scope") {
		t.Errorf("human output (prediction %d, response %d, agreement %d):\n%s", pred, resp, agree, human)
	}
	// Without --preflight there is no prediction.
	_, out, _ := e.call(t, demo.IDToken, "/scoped", "--bearer-stdin", "--json")
	if strings.Contains(out, `"prediction"`) {
		t.Errorf("a prediction without --preflight:\n%s", out)
	}
}

// TestPreflightComparison: a prediction the answer contradicts is
// flagged, header names in any case are read.
func TestPreflightComparison(t *testing.T) {
	t.Parallel()
	refuse := doctor.Prediction{Outcome: doctor.OutcomeRefuse, Status: 401, Body: `{"message":"Unauthorized"}`,
		WWWAuthenticate: `Bearer scope="" error="invalid_token" error_description="the token has expired"`}
	cases := []struct {
		name   string
		p      doctor.Prediction
		r      *apicall.ResponseInfo
		agrees bool
		words  string
	}{
		{"the refusal predicted", refuse, &apicall.ResponseInfo{Status: 401, Body: `{"message":"Unauthorized"}`,
			Headers: map[string][]string{"www-authenticate": {refuse.WWWAuthenticate}}}, true, "Preflight: agrees: predicted 401, the gateway answered 401"},
		{"a pass where a refusal was predicted", refuse, &apicall.ResponseInfo{Status: 200, Body: `{"ok":true}`}, false,
			"Preflight: DISAGREES: predicted 401, the gateway answered 200 (differs in status, body, www-authenticate)"},
		{"a refusal where a pass was predicted", doctor.Prediction{Outcome: doctor.OutcomePass}, &apicall.ResponseInfo{Status: 403, Body: `{"message":"Forbidden"}`}, false,
			"Preflight: DISAGREES: predicted pass, the gateway answered 403 (differs in status)"},
		{"nothing predicted", doctor.Prediction{Outcome: doctor.OutcomeUnknown}, &apicall.ResponseInfo{Status: 403}, true, "no prediction to compare"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			cmp := compareAnswer(c.p, c.r)
			if cmp == nil || cmp.Agrees != c.agrees {
				t.Fatalf("compare = %+v, want agrees %v", cmp, c.agrees)
			}
			var b strings.Builder
			writeComparison(&b, cmp)
			if !strings.Contains(b.String(), c.words) {
				t.Errorf("printed %q, want %q", b.String(), c.words)
			}
		})
	}
	if compareAnswer(refuse, nil) != nil {
		t.Error("a comparison without an answer")
	}
}
