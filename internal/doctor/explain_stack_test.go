package doctor_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/cogscope/cogscope/internal/apicall/apicalltest"
	"github.com/cogscope/cogscope/internal/doctor"
)

// TestLocalGatewayAnswersExplainedOnce sends calls the local API Gateway
// refuses — HTTP API JWT and Lambda authorizers, REST Cognito
// authorizer, unknown routes — and pastes each whole answer as curl -i
// prints it (status line, headers, body), and its body alone: each
// gives one entry, the header's reason over the generic body.
func TestLocalGatewayAnswersExplainedOnce(t *testing.T) {
	t.Parallel()
	s := apicalltest.Start(t)
	httpURL, restURL := s.Env.API.HTTPURL, s.Env.API.RestURL
	cases := []struct {
		url, token string
		status     int
		want       string // the whole answer's entry
		bodyWant   string // the body's alone
	}{
		{httpURL + "/private", "", 401, "gateway.unauthorized", "gateway.unauthorized"},
		{httpURL + "/private", s.Tokens["garbage"], 401, "gateway.jwt.invalid_token", "gateway.unauthorized"},
		{httpURL + "/private", s.Tokens["other-client"], 401, "gateway.jwt.audience", "gateway.unauthorized"},
		{httpURL + "/private", s.Tokens["expired"], 401, "gateway.jwt.expired", "gateway.unauthorized"},
		{httpURL + "/scoped", s.Tokens["no-scope"], 403, "gateway.forbidden.scope", "gateway.forbidden"},
		{httpURL + "/admin", s.Tokens["outside-group"], 403, "gateway.forbidden", "gateway.forbidden"},
		{httpURL + "/no-such-route", "", 404, "gateway.not-found", "gateway.not-found"},
		{restURL + "/profile", "", 401, "gateway.unauthorized", "gateway.unauthorized"},
		{restURL + "/profile", s.Tokens["expired-id"], 401, "gateway.expired.rest", "gateway.expired.rest"},
		{restURL + "/no-such-resource", "", 403, "gateway.missing-authentication-token", "gateway.missing-authentication-token"},
	}
	client := &http.Client{Timeout: 10 * time.Second}
	for _, tc := range cases {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, tc.url, nil)
		if err != nil {
			t.Fatal(err)
		}
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != tc.status {
			t.Errorf("GET %s: %d, want %d", tc.url, resp.StatusCode, tc.status)
			continue
		}
		var dump bytes.Buffer
		dump.WriteString(resp.Proto + " " + resp.Status + "\r\n")
		if err := resp.Header.Write(&dump); err != nil {
			t.Fatal(err)
		}
		dump.WriteString("\r\n")
		dump.Write(body)
		for _, p := range []struct{ text, want string }{{dump.String(), tc.want}, {string(body), tc.bodyWant}} {
			x := doctor.Explain(p.text)
			if x.Ambiguous || x.Best == nil || x.Best.ID != p.want {
				t.Errorf("GET %s answered\n%s\nexplained as %s, want %s alone", tc.url, p.text, describe(x), p.want)
			}
		}
	}
}
