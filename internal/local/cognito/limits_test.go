package cognito

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestInputLimits sends each documented limit one past its bound through
// the real SDK client and expects Cognito's validation message; sensitive
// members are named but never echoed.
func TestInputLimits(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	pool := aws.String(DemoPoolID)
	client := aws.String(DemoPublicClientID)
	long := func(n int) string { return strings.Repeat("a", n) }
	const prefix = "1 validation error detected: "

	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"username over 128", func() error {
			_, err := e.client.SignUp(e.ctx, &cip.SignUpInput{ClientId: client, Username: aws.String(long(129)), Password: aws.String("Sign-up-1")})
			return err
		}, "Value at 'username' failed to satisfy constraint: Member must have length less than or equal to 128"},
		{"username of 128 multibyte characters is fine up to the pattern", func() error {
			_, err := e.client.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: pool, Username: aws.String(strings.Repeat("é", 129))})
			return err
		}, "Value at 'username' failed to satisfy constraint: Member must have length less than or equal to 128"},
		{"empty username", func() error {
			_, err := e.client.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: pool, Username: aws.String("")})
			return err
		}, "Value at 'username' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"username with a control character", func() error {
			_, err := e.client.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: pool, Username: aws.String("a\x1b[2Jb")})
			return err
		}, `Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{M}\p{S}\p{N}\p{P}]+`},
		{"password over 256", func() error {
			_, err := e.client.SignUp(e.ctx, &cip.SignUpInput{ClientId: client, Username: aws.String("limits1"), Password: aws.String(long(257))})
			return err
		}, "Value at 'password' failed to satisfy constraint: Member must have length less than or equal to 256"},
		{"attribute value over 2048", func() error {
			_, err := e.client.AdminUpdateUserAttributes(e.ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: pool, Username: aws.String(DemoUsername),
				UserAttributes: []types.AttributeType{{Name: aws.String("name"), Value: aws.String("ok")}, {Name: aws.String("family_name"), Value: aws.String(long(2049))}}})
			return err
		}, "Value at 'userAttributes.2.member.value' failed to satisfy constraint: Member must have length less than or equal to 2048"},
		{"attribute name over 32", func() error {
			_, err := e.client.SignUp(e.ctx, &cip.SignUpInput{ClientId: client, Username: aws.String("limits2"), Password: aws.String("Sign-up-1"),
				UserAttributes: []types.AttributeType{{Name: aws.String("custom:" + long(26)), Value: aws.String("x")}}})
			return err
		}, "Value 'custom:" + long(26) + "' at 'userAttributes.1.member.name' failed to satisfy constraint: Member must have length less than or equal to 32"},
		{"confirmation code over 2048", func() error {
			_, err := e.client.ConfirmSignUp(e.ctx, &cip.ConfirmSignUpInput{ClientId: client, Username: aws.String("nobody"), ConfirmationCode: aws.String(long(2049))})
			return err
		}, "Value at 'confirmationCode' failed to satisfy constraint: Member must have length less than or equal to 2048"},
		{"session under 20", func() error {
			_, err := e.client.RespondToAuthChallenge(e.ctx, &cip.RespondToAuthChallengeInput{ClientId: client, ChallengeName: types.ChallengeNameTypeSmsMfa, Session: aws.String("short")})
			return err
		}, "Value at 'session' failed to satisfy constraint: Member must have length greater than or equal to 20"},
		{"secret hash over 128", func() error {
			_, err := e.client.SignUp(e.ctx, &cip.SignUpInput{ClientId: client, Username: aws.String("limits3"), Password: aws.String("Sign-up-1"), SecretHash: aws.String(long(129))})
			return err
		}, "Value at 'secretHash' failed to satisfy constraint: Member must have length less than or equal to 128"},
		{"group name: a 20 KB value is echoed as a short prefix", func() error {
			_, err := e.client.CreateGroup(e.ctx, &cip.CreateGroupInput{UserPoolId: pool, GroupName: aws.String(long(20 << 10))})
			return err
		}, "Value '" + long(echoLimit) + "...' at 'groupName' failed to satisfy constraint: Member must have length less than or equal to 128"},
		{"group description over 2048", func() error {
			_, err := e.client.CreateGroup(e.ctx, &cip.CreateGroupInput{UserPoolId: pool, GroupName: aws.String("g"), Description: aws.String(long(2049))})
			return err
		}, "Value '" + long(echoLimit) + "...' at 'description' failed to satisfy constraint: Member must have length less than or equal to 2048"},
		{"access token pattern", func() error {
			_, err := e.client.GetUser(e.ctx, &cip.GetUserInput{AccessToken: aws.String("not a token")})
			return err
		}, "Value at 'accessToken' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z0-9-_=.]+"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantAPIError(t, tt.call(), "InvalidParameterException", prefix+tt.want)
		})
	}

	t.Run("at the bounds is accepted", func(t *testing.T) {
		must[*cip.AdminUpdateUserAttributesOutput](t)(e.client.AdminUpdateUserAttributes(e.ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: pool, Username: aws.String(DemoUsername),
			UserAttributes: []types.AttributeType{{Name: aws.String("family_name"), Value: aws.String(strings.Repeat("é", 2048))}}}))
		must[*cip.SignUpOutput](t)(e.client.SignUp(e.ctx, &cip.SignUpInput{ClientId: client, Username: aws.String(strings.Repeat("ü", 128)), Password: aws.String("Sign-up-1")}))
	})
	t.Run("two violations are both reported", func(t *testing.T) {
		_, err := e.client.SignUp(e.ctx, &cip.SignUpInput{ClientId: client, Username: aws.String(long(129)), Password: aws.String(long(257))})
		wantAPIError(t, err, "InvalidParameterException", "2 validation errors detected: Value at 'password' failed to satisfy constraint: Member must have length less than or equal to 256; Value at 'username' failed to satisfy constraint: Member must have length less than or equal to 128")
	})
}

// postJSON sends body as one JSON 1.1 request and returns the response.
func postJSON(t *testing.T, e *env, action string, body []byte) (*http.Response, map[string]string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Amz-Target", targetPrefix+action)
	req.Header.Set("Content-Type", jsonType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var all map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&all); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for k, v := range all {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return resp, out
}

// TestInvalidUTF8IsRefused: bytes that are not UTF-8, and unpaired
// surrogate escapes, would be decoded as U+FFFD and make different byte
// strings the same username; they are refused instead.
func TestInvalidUTF8IsRefused(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	tests := []struct {
		name string
		body string
		ok   bool
	}{
		{"invalid byte", "{\"ClientId\":\"" + DemoPublicClientID + "\",\"Username\":\"al\xffice\",\"Password\":\"Sign-up-1\"}", false},
		{"another invalid byte", "{\"ClientId\":\"" + DemoPublicClientID + "\",\"Username\":\"al\xfeice\",\"Password\":\"Sign-up-1\"}", false},
		{"lone high surrogate", `{"ClientId":"` + DemoPublicClientID + `","Username":"al\ud800ice","Password":"Sign-up-1"}`, false},
		{"lone low surrogate", `{"ClientId":"` + DemoPublicClientID + `","Username":"al\udc00ice","Password":"Sign-up-1"}`, false},
		{"escaped backslash before u", `{"ClientId":"` + DemoPublicClientID + `","Username":"al\\ud800ice","Password":"Sign-up-1"}`, true},
		{"a valid pair", `{"ClientId":"` + DemoPublicClientID + `","Username":"al\ud83d\ude00ice","Password":"Sign-up-1"}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, out := postJSON(t, e, "SignUp", []byte(tt.body))
			if tt.ok {
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("status %d %v, want 200", resp.StatusCode, out)
				}
				return
			}
			if resp.StatusCode != http.StatusBadRequest || out["__type"] != "SerializationException" {
				t.Fatalf("status %d %v, want 400 SerializationException", resp.StatusCode, out)
			}
		})
	}
	if _, err := e.svc.PasswordSignIn(DemoPublicClientID, "al\xffice", "x"); err == nil {
		t.Fatal("hosted-UI sign-in accepted a username that is not UTF-8")
	} else if typ, _, _ := ErrorInfo(err); typ != "InvalidParameterException" {
		t.Fatalf("hosted-UI sign-in: %v, want InvalidParameterException", err)
	}
}

// TestHugeValueGivesANormalError: a 20 KB username (not checked by the
// model where it sits, in AuthParameters) or group name gives an ordinary
// error whose x-amzn-ErrorMessage header stays short, so clients with
// header limits (Node's 16 KB) read the error instead of failing.
func TestHugeValueGivesANormalError(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	huge := strings.Repeat("x", 20<<10)
	tests := []struct {
		action, body, wantType string
	}{
		{"CreateGroup", `{"UserPoolId":"` + DemoPoolID + `","GroupName":"` + huge + `"}`, "InvalidParameterException"},
		{"SignUp", `{"ClientId":"` + DemoPublicClientID + `","Username":"` + huge + `","Password":"Sign-up-1"}`, "InvalidParameterException"},
		{"InitiateAuth", `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"` + DemoPublicClientID + `","AuthParameters":{"USERNAME":"` + huge + `","PASSWORD":"x"}}`, "UserNotFoundException"},
		{"ListUsers", `{"UserPoolId":"` + huge + `"}`, "InvalidParameterException"},
	}
	for _, tt := range tests {
		t.Run(tt.action, func(t *testing.T) {
			resp, out := postJSON(t, e, tt.action, []byte(tt.body))
			if out["__type"] != tt.wantType {
				t.Fatalf("%v, want %s", out, tt.wantType)
			}
			h := resp.Header.Get("x-amzn-ErrorMessage")
			if h == "" || len(h) > maxHeaderMessage {
				t.Fatalf("x-amzn-ErrorMessage of %d bytes", len(h))
			}
			if len(out["message"]) > 1024 || strings.Contains(out["message"], huge[:200]) {
				t.Fatalf("message of %d bytes echoes the value", len(out["message"]))
			}
		})
	}
}
