package call

import (
	"strings"
	"testing"

	"github.com/cogscope/cogscope/internal/local/identity"
)

// TestCallSigV4 calls the demo HTTP API's AWS_IAM route on the
// in-process stack: signed with the demo identity pool's credentials (the
// demo user signs in, its ID token is traded), unsigned, and signed with
// credentials of a pool that does not exist.
func TestCallSigV4(t *testing.T) {
	t.Parallel()
	e := newEnv(t)

	code, out, errOut := e.call(t, "", "/iam", "--sigv4", "--json")
	if code != 0 {
		t.Fatalf("call /iam --sigv4: exit %d\n%s\n%s", code, out, errOut)
	}
	d := decode(t, out)
	if d.Response == nil || d.Response.Status != 200 || d.Request.TokenKind != "sigv4" {
		t.Fatalf("signed call: %+v", d)
	}
	if !strings.Contains(d.Response.Body, `"userArn":"arn:aws:sts::123456789012:assumed-role/cogscope-demo-admins/CognitoIdentityCredentials"`) {
		t.Errorf("the echo names not the demo user's role: %s", d.Response.Body)
	}
	if !strings.Contains(errOut, "identity pool "+identity.DemoPoolID(e.stack.Region)) {
		t.Errorf("stderr does not say where the credentials came from: %s", errOut)
	}
	// The echo's copy of the signed headers holds no session token or
	// signature: only the redaction.
	if strings.Contains(d.Response.Body, "Signature=") && !strings.Contains(d.Response.Body, "Signature=<redacted>") {
		t.Errorf("the echo shows the signature: %s", d.Response.Body)
	}
	if h := d.Request.Headers["X-Amz-Security-Token"]; len(h) != 1 || h[0] != "<redacted>" {
		t.Errorf("request X-Amz-Security-Token = %v, want redacted", h)
	}

	code, out, _ = e.call(t, "", "/iam", "--token", "none", "--json")
	d = decode(t, out)
	if code != 1 || d.Response == nil || d.Response.Status != 403 || !strings.Contains(d.Response.Body, `"message":"Missing Authentication Token"`) {
		t.Errorf("unsigned /iam: exit %d, %+v", code, d.Response)
	}

	code, _, errOut = e.call(t, "", "/iam", "--sigv4", "--identity-pool-id", e.stack.Region+":11111111-2222-3333-4444-555555555555")
	if code != 2 || !strings.Contains(errOut, "credentials from identity pool") {
		t.Errorf("unknown identity pool: exit %d, %s", code, errOut)
	}
}
