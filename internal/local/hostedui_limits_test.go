package local_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/cogscope/cogscope/internal/local/localtest"
)

// TestHostedTokenOversizedBodyIsAnOAuthError: the hosted UI's token
// endpoint answers a body over its cap with OAuth's {"error": …} JSON,
// whether the body is over the stack's 1 MiB cap (declared length) or only
// over the form's, never with the AWS JSON 1.1 error shape.
func TestHostedTokenOversizedBodyIsAnOAuthError(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	for _, size := range []int{100 << 10, 2 << 20} {
		body := "grant_type=client_credentials&pad=" + strings.Repeat("a", size)
		resp, err := http.Post(env.Demo.HostedUI+"/oauth2/token", "application/x-www-form-urlencoded", strings.NewReader(body))
		if err != nil {
			t.Fatalf("%d bytes: %v", size, err)
		}
		var out map[string]any
		err = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("%d bytes: the answer is not JSON: %v", size, err)
		}
		if resp.StatusCode != http.StatusRequestEntityTooLarge || out["error"] != "invalid_request" || out["__type"] != nil {
			t.Fatalf("%d bytes: status %d %v, want 413 {\"error\":\"invalid_request\"}", size, resp.StatusCode, out)
		}
	}
}
