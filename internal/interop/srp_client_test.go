package interop

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

// srpResult is srp-client.js's output.
type srpResult struct {
	OK     bool   `json:"ok"`
	Flow   string `json:"flow"`
	Code   string `json:"code"`
	Name   string `json:"name"`
	Stage  string `json:"stage"`
	Msg    string `json:"message"`
	Tokens struct {
		IDToken      string `json:"idToken"`
		AccessToken  string `json:"accessToken"`
		RefreshToken string `json:"refreshToken"`
	} `json:"tokens"`
	Claims struct {
		ID     map[string]any `json:"id"`
		Access map[string]any `json:"access"`
	} `json:"claims"`
}

// signInOfficial signs in with amazon-cognito-identity-js.
func signInOfficial(t *testing.T, env *localtest.Env, username, password string, extra ...string) srpResult {
	t.Helper()
	args := append([]string{env.Endpoint + "/", env.Demo.PoolID, env.Demo.ClientID, username, password}, extra...)
	r := runPeer(t, nil, "srp-client.js", args...)
	var out srpResult
	r.decode(t, &out)
	if out.OK != (r.code == 0) {
		t.Fatalf("srp-client.js: ok=%v but exit %d", out.OK, r.code)
	}
	return out
}

func TestOfficialClientSignsIn(t *testing.T) {
	t.Parallel()
	peers(t)
	env := localtest.Start(t)
	for _, flow := range []string{"USER_SRP_AUTH", "USER_PASSWORD_AUTH"} {
		t.Run(flow, func(t *testing.T) {
			t.Parallel()
			out := signInOfficial(t, env, env.Demo.Username, env.Demo.Password, "--flow", flow)
			if !out.OK {
				t.Fatalf("official client failed: %s %s: %s", out.Code, out.Name, out.Msg)
			}
			if out.Tokens.IDToken == "" || out.Tokens.AccessToken == "" || out.Tokens.RefreshToken == "" {
				t.Fatalf("missing tokens: %+v", out.Tokens)
			}
			id, access := out.Claims.ID, out.Claims.Access
			checks := []struct {
				name string
				got  any
				want any
			}{
				{"id token_use", id["token_use"], "id"},
				{"id aud", id["aud"], env.Demo.ClientID},
				{"id iss", id["iss"], env.Demo.Issuer},
				{"id cognito:username", id["cognito:username"], env.Demo.Username},
				{"access token_use", access["token_use"], "access"},
				{"access client_id", access["client_id"], env.Demo.ClientID},
				{"access iss", access["iss"], env.Demo.Issuer},
				{"access username", access["username"], env.Demo.Username},
				{"access scope", access["scope"], "aws.cognito.signin.user.admin"},
				{"same sub", id["sub"], access["sub"]},
			}
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
				}
			}
			if _, has := access["aud"]; has {
				t.Error("access token has an aud claim; Cognito's have client_id instead")
			}
			// The tokens pass AWS's own verifier against the stack's JWKS.
			verifyTokens(t, env, out.Tokens.IDToken, out.Tokens.AccessToken)
		})
	}
}

func TestOfficialClientSeesWrongPassword(t *testing.T) {
	t.Parallel()
	peers(t)
	env := localtest.Start(t)
	for _, flow := range []string{"USER_SRP_AUTH", "USER_PASSWORD_AUTH"} {
		t.Run(flow, func(t *testing.T) {
			t.Parallel()
			out := signInOfficial(t, env, env.Demo.Username, "Not-the-Passw0rd!", "--flow", flow)
			if out.OK || out.Code != "NotAuthorizedException" || out.Msg != "Incorrect username or password." {
				t.Fatalf("wrong password: %+v, want NotAuthorizedException \"Incorrect username or password.\"", out)
			}
		})
	}
}

func TestOfficialClientCompletesNewPasswordRequired(t *testing.T) {
	t.Parallel()
	peers(t)
	env := localtest.Start(t)
	const user, temp, final = "invited", "Temp-Passw0rd!", "Final-Passw0rd!"
	if _, err := env.CognitoClient().AdminCreateUser(context.Background(), &cip.AdminCreateUserInput{
		UserPoolId: aws.String(env.Demo.PoolID), Username: aws.String(user),
		TemporaryPassword: aws.String(temp), MessageAction: "SUPPRESS",
	}); err != nil {
		t.Fatal(err)
	}
	// Without a new password the client stops at the challenge.
	out := signInOfficial(t, env, user, temp)
	if out.OK || out.Code != "NEW_PASSWORD_REQUIRED" {
		t.Fatalf("first sign-in: %+v, want the NEW_PASSWORD_REQUIRED challenge", out)
	}
	out = signInOfficial(t, env, user, temp, "--new-password", final)
	if !out.OK {
		t.Fatalf("completing NEW_PASSWORD_REQUIRED: %s: %s", out.Code, out.Msg)
	}
	// The new password now works over SRP, the temporary one no longer.
	if out := signInOfficial(t, env, user, final); !out.OK {
		t.Fatalf("sign-in with the new password: %s: %s", out.Code, out.Msg)
	}
	if out := signInOfficial(t, env, user, temp); out.OK || out.Code != "NotAuthorizedException" {
		t.Fatalf("sign-in with the old temporary password: %+v", out)
	}
}
