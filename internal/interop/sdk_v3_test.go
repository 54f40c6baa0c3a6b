package interop

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

type sdkV3Result struct {
	OK       bool   `json:"ok"`
	Crash    string `json:"crash"`
	PoolID   string `json:"poolId"`
	ClientID string `json:"clientId"`
	Username string `json:"username"`
	Password string `json:"password"`
	Steps    []struct {
		Step      string `json:"step"`
		OK        bool   `json:"ok"`
		HasSecret bool   `json:"hasSecret"`
		TokenType string `json:"tokenType"`
		ExpiresIn int    `json:"expiresIn"`
		// Certificate is GetSigningCertificate's (base64 DER).
		Certificate string `json:"certificate"`
		Error       *struct {
			Name      string `json:"name"`
			Message   string `json:"message"`
			Status    int    `json:"status"`
			RequestID string `json:"requestId"`
		} `json:"error"`
	} `json:"steps"`
}

// TestJSSDKv3CreatesAndSignsIn has the AWS SDK for JavaScript v3 set up a
// pool, client and user on the stack, sign in, and meet the errors a
// wrong password, an unknown user and client and a missing parameter
// cause; then the Go SDK sees what the JS SDK created.
func TestJSSDKv3CreatesAndSignsIn(t *testing.T) {
	t.Parallel()
	peers(t)
	env := localtest.Start(t)
	r := runPeer(t, nil, "sdk-v3.js", env.Endpoint, env.Region)
	var out sdkV3Result
	r.decode(t, &out)
	if out.Crash != "" {
		t.Fatalf("sdk-v3.js crashed: %s", out.Crash)
	}
	wantErrors := map[string]struct{ name, msg string }{
		"InitiateAuth wrong password":   {"NotAuthorizedException", "Incorrect username or password."},
		"InitiateAuth unknown user":     {"UserNotFoundException", "User does not exist."},
		"InitiateAuth unknown client":   {"ResourceNotFoundException", "User pool client nosuchclient0000000000000 does not exist."},
		"InitiateAuth missing PASSWORD": {"InvalidParameterException", "Missing required parameter PASSWORD"},
		// 20 KB values: the ordinary validation error, short enough for
		// the SDK's header limit; sensitive values are not repeated.
		"SignUp 20 KB username": {"InvalidParameterException",
			"1 validation error detected: Value at 'username' failed to satisfy constraint: Member must have length less than or equal to 128"},
		"CreateGroup 20 KB name": {"InvalidParameterException",
			"1 validation error detected: Value '" + strings.Repeat("x", 64) + "...' at 'groupName' failed to satisfy constraint: Member must have length less than or equal to 128"},
		"AdminUpdateUserAttributes 20 KB value": {"InvalidParameterException",
			"1 validation error detected: Value at 'userAttributes.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 2048"},
	}
	seen := map[string]bool{}
	for _, s := range out.Steps {
		seen[s.Step] = true
		if !s.OK {
			t.Errorf("step %s failed: %+v", s.Step, s.Error)
			continue
		}
		if want, ok := wantErrors[s.Step]; ok {
			if s.Error == nil || s.Error.Message != want.msg || s.Error.Status != 400 || s.Error.RequestID == "" {
				t.Errorf("step %s: error %+v, want %s %q (400, with a request id)", s.Step, s.Error, want.name, want.msg)
			}
		}
		if s.Step == "InitiateAuth" && (s.TokenType != "Bearer" || s.ExpiresIn != 3600) {
			t.Errorf("AuthenticationResult TokenType %q ExpiresIn %d, want Bearer 3600", s.TokenType, s.ExpiresIn)
		}
		if s.Step == "CreateUserPoolClient" && s.HasSecret {
			t.Error("a client created without GenerateSecret has a secret")
		}
	}
	for _, step := range []string{"CreateUserPool", "CreateUserPoolClient", "AdminCreateUser", "AdminSetUserPassword", "GetSigningCertificate", "InitiateAuth", "GetUser"} {
		if !seen[step] {
			t.Errorf("step %s missing from the output", step)
		}
	}
	for step := range wantErrors {
		if !seen[step] {
			t.Errorf("step %s missing from the output", step)
		}
	}
	if !out.OK || r.code != 0 {
		t.Fatalf("sdk-v3.js reported failure (exit %d); stderr:\n%s", r.code, r.stderr)
	}
	if !strings.HasPrefix(out.PoolID, env.Region+"_") {
		t.Errorf("pool id %q is not in the region_XXXXXXXXX form", out.PoolID)
	}

	// What one SDK created, the other sees.
	u, err := env.CognitoClient().AdminGetUser(context.Background(), &cip.AdminGetUserInput{
		UserPoolId: aws.String(out.PoolID), Username: aws.String(out.Username)})
	if err != nil {
		t.Fatalf("Go SDK cannot see the JS SDK's user: %v", err)
	}
	if u.UserStatus != "CONFIRMED" {
		t.Errorf("user status %s after AdminSetUserPassword Permanent, want CONFIRMED", u.UserStatus)
	}
	// The pool's SAML signing certificate reads the same through both.
	cert, err := env.CognitoClient().GetSigningCertificate(context.Background(), &cip.GetSigningCertificateInput{UserPoolId: aws.String(out.PoolID)})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range out.Steps {
		if s.Step == "GetSigningCertificate" && (s.Certificate == "" || s.Certificate != aws.ToString(cert.Certificate)) {
			t.Errorf("GetSigningCertificate: the JS SDK read %.40q…, the Go SDK %.40q…", s.Certificate, aws.ToString(cert.Certificate))
		}
	}
}
