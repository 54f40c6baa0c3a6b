package flows

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogscope/cogscope/internal/awsclient"
)

// TestBadAnswersAreDiagnosed: answers Cognito never gives (an empty
// object, tokens without an access token, malformed SRP values) end the
// flow with ErrBadResponse and a diagnosis that says so, instead of a
// sign-in with empty tokens or "failed before Cognito answered".
func TestBadAnswersAreDiagnosed(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		out  *cip.InitiateAuthOutput
		want string
	}{
		{"neither tokens nor a challenge", &cip.InitiateAuthOutput{}, "neither tokens nor a challenge"},
		{"tokens without an access token", &cip.InitiateAuthOutput{AuthenticationResult: &types.AuthenticationResultType{ExpiresIn: 3600}}, "no access token"},
		{"salt not hex", &cip.InitiateAuthOutput{ChallengeName: types.ChallengeNameTypePasswordVerifier, ChallengeParameters: map[string]string{
			"SALT": "zz", "SRP_B": "ab", "SECRET_BLOCK": "AAAA", "USER_ID_FOR_SRP": "u"}}, "SRP values were unsafe or malformed"},
		{"no secret block", &cip.InitiateAuthOutput{ChallengeName: types.ChallengeNameTypePasswordVerifier, ChallengeParameters: map[string]string{
			"SALT": "ab", "SRP_B": "ab", "USER_ID_FOR_SRP": "u"}}, "SRP values were unsafe or malformed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			api := &fakeAPI{initiate: func(*cip.InitiateAuthInput) (*cip.InitiateAuthOutput, error) { return c.out, nil }}
			f, err := New(Options{Kind: KindUserSRP, API: api, UserPoolID: "us-east-1_Abc", ClientID: "c", Username: "u", Password: "p"})
			if err != nil {
				t.Fatal(err)
			}
			res, err := f.Start(context.Background())
			if !errors.Is(err, ErrBadResponse) {
				t.Fatalf("res %+v, err %v: want ErrBadResponse", res, err)
			}
			if res.Done() {
				t.Fatal("a bad answer passed for tokens")
			}
			d := Diagnose(err)
			if !strings.Contains(d.Cause, c.want) || !strings.Contains(d.Fix, "--endpoint") {
				t.Errorf("diagnosis = %+v, want cause with %q and a fix naming --endpoint", d, c.want)
			}
		})
	}
}

// TestNotCognitoJSONIsDiagnosed: an endpoint that answers with a web page
// or garbage (a hosted-UI domain, a proxy) is named as such, with the
// HTTP status and content type, through the real SDK.
func TestNotCognitoJSONIsDiagnosed(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, ctype, body string
		status            int
		want              []string
	}{
		{"HTML page", "text/html", "<html><body>Welcome</body></html>", 200, []string{"HTTP 200, text/html", "an HTML page"}},
		{"proxy error", "text/html", "<html>Bad gateway</html>", 502, []string{"HTTP 502", "an HTML page"}},
		{"binary garbage", "application/octet-stream", "\x00\xff{{", 200, []string{"HTTP 200", "invalid character"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", c.ctype)
				w.WriteHeader(c.status)
				_, _ = w.Write([]byte(c.body))
			}))
			defer srv.Close()
			api := awsclient.AnonymousCognito(awsclient.Static("us-east-1", srv.Client()), srv.URL)
			f, err := New(Options{Kind: KindUserPassword, API: api, ClientID: "c", Username: "u", Password: "p"})
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.Start(context.Background())
			if err == nil {
				t.Fatal("flow succeeded")
			}
			if _, ok := APIErrorOf(err); ok {
				t.Errorf("a web page read as a Cognito error: %v", err)
			}
			d := Diagnose(err)
			for _, w := range append(c.want, "not in Cognito's JSON protocol") {
				if !strings.Contains(d.Cause, w) {
					t.Errorf("cause %q lacks %q", d.Cause, w)
				}
			}
			if !strings.Contains(d.Fix, "--endpoint") {
				t.Errorf("fix = %q", d.Fix)
			}
		})
	}
}

func TestDiagnoseUnknownLocalErrorKeepsTheMessage(t *testing.T) {
	t.Parallel()
	d := Diagnose(errors.New("entropy source failed"))
	if !strings.Contains(d.Cause, "entropy source failed") {
		t.Errorf("cause %q drops the error", d.Cause)
	}
}

func TestRetryable(t *testing.T) {
	t.Parallel()
	api := func(typ string) error {
		return &CallError{Op: "respond", API: &APIError{Type: typ, Message: "m"}, Err: errors.New("m")}
	}
	cases := []struct {
		err  error
		want bool
	}{
		{api("CodeMismatchException"), true},
		{api("InvalidPasswordException"), true},
		{errors.Join(ErrInvalidAnswer, errors.New("code is empty")), true},
		{api("NotAuthorizedException"), false},
		{api("ExpiredCodeException"), false},
		{&CallError{Op: "respond", Err: errors.New("connection refused")}, false},
		{errors.New("other"), false},
	}
	for _, c := range cases {
		if got := Retryable(c.err); got != c.want {
			t.Errorf("Retryable(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

// retryAnswerer answers from a list and records the refusals Run shows it.
type retryAnswerer struct {
	codes   []string
	refused []string
	retry   bool
}

func (a *retryAnswerer) Answer(context.Context, *Challenge) (Answer, error) {
	code := a.codes[0]
	a.codes = a.codes[1:]
	return Answer{FieldCode: code}, nil
}

func (a *retryAnswerer) Retry(_ context.Context, c *Challenge, err error) bool {
	ae, _ := APIErrorOf(err)
	a.refused = append(a.refused, c.Name+" "+ae.Type)
	return a.retry
}

// TestRunRetriesAWrongCode: an Answerer that is also a Retrier gets the
// same challenge again after a wrong code, and the sign-in completes with
// the right one; one that declines ends the flow with the refusal.
func TestRunRetriesAWrongCode(t *testing.T) {
	t.Parallel()
	e := startEnv(t)
	good := e.totpCode(t, totpSecret)
	bad := "000000"
	if good == bad {
		bad = "111111"
	}
	a := &retryAnswerer{codes: []string{bad, good}, retry: true}
	res, err := Run(context.Background(), e.flow(t, e.opts(KindUserSRP, publicClient, "totp")), a)
	checkTokens(t, res, err)
	if strings.Join(a.refused, ",") != "SOFTWARE_TOKEN_MFA CodeMismatchException" {
		t.Errorf("refusals shown = %v", a.refused)
	}

	a = &retryAnswerer{codes: []string{bad, good}, retry: false}
	_, err = Run(context.Background(), e.flow(t, e.opts(KindUserSRP, publicClient, "totp")), a)
	wantAPIError(t, err, "CodeMismatchException", "")
	if len(a.codes) != 1 {
		t.Errorf("asked again after Retry said no")
	}
}

// TestTokensJSONKeepsEveryKey: the tokens object has its five keys even
// when a token is missing (client credentials have no refresh token).
func TestTokensJSONKeepsEveryKey(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(Tokens{AccessToken: "a", ExpiresIn: 3600, TokenType: "Bearer"})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"idToken", "accessToken", "refreshToken", "expiresIn", "tokenType"} {
		if _, ok := m[k]; !ok {
			t.Errorf("tokens JSON %s lacks %q", b, k)
		}
	}
}

func TestDiagnoseUnknownOperation(t *testing.T) {
	t.Parallel()
	err := &CallError{Op: "initiate USER_SRP_AUTH", Operation: "InitiateAuth",
		API: &APIError{Type: "UnknownOperationException", Message: "POST /x: operations are served by POST /"}, Err: errors.New("x")}
	d := Diagnose(err)
	if !strings.Contains(d.Cause, "does not serve InitiateAuth") || !strings.Contains(d.Fix, "no path") {
		t.Errorf("diagnosis = %+v", d)
	}
}

func TestDiagnoseSecretMissingOnGetTokens(t *testing.T) {
	t.Parallel()
	err := &CallError{Op: "refresh", Operation: "GetTokensFromRefreshToken", Flow: KindGetTokensFromRefreshToken,
		API: &APIError{Type: "NotAuthorizedException", Message: "Client c is configured for secret but secret was not received"}, Err: errors.New("x")}
	if d := Diagnose(err); d.Ref != "a2" || !strings.Contains(d.Cause, "takes the secret itself") {
		t.Errorf("diagnosis = %+v", d)
	}
}
