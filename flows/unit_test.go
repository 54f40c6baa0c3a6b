package flows

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogscope/cogscope/flows/srp"
)

func fakeJWT(claims map[string]any) string {
	h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","kid":"k"}`))
	b, _ := json.Marshal(claims)
	return h + "." + base64.RawURLEncoding.EncodeToString(b) + ".c2ln"
}

func tokensOut() *types.AuthenticationResultType {
	return &types.AuthenticationResultType{
		IdToken:      aws.String(fakeJWT(map[string]any{"sub": "s-1", "cognito:username": "u-1", "token_use": "id", "exp": 2000000000})),
		AccessToken:  aws.String(fakeJWT(map[string]any{"sub": "s-1", "username": "u-1", "token_use": "access", "exp": 2000000000})),
		RefreshToken: aws.String("eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.refresh-token-secret-part"),
		ExpiresIn:    3600,
		TokenType:    aws.String("Bearer"),
	}
}

func TestValidateOptions(t *testing.T) {
	t.Parallel()
	api := &fakeAPI{}
	base := Options{Kind: KindUserSRP, API: api, UserPoolID: "us-east-1_Abc", ClientID: "c", Username: "u", Password: "p"}
	cases := []struct {
		name string
		mod  func(*Options)
		want string
	}{
		{"ok", func(*Options) {}, ""},
		{"unknown kind", func(o *Options) { o.Kind = "NOPE" }, `unknown flow "NOPE"`},
		{"no api", func(o *Options) { o.API = nil }, "no Cognito client"},
		{"no client", func(o *Options) { o.ClientID = "" }, "app client ID is empty"},
		{"pool without underscore", func(o *Options) { o.UserPoolID = "Abc" }, "not in region_id form"},
		{"pool empty for srp", func(o *Options) { o.UserPoolID = "" }, "user pool ID is empty"},
		{"empty password", func(o *Options) { o.Password = "" }, "password is empty"},
		{"empty username", func(o *Options) { o.Username = "" }, "username is empty"},
		{"admin without credentials", func(o *Options) { o.Kind = KindAdminUserPassword }, "needs AWS credentials"},
		{"refresh without token", func(o *Options) { o.Kind = KindRefresh }, "needs a refresh token"},
		{"refresh needs no password", func(o *Options) { o.Kind = KindRefresh; o.RefreshToken = "r"; o.Password = "" }, ""},
		{"custom needs no password", func(o *Options) { o.Kind = KindCustom; o.Password = "" }, ""},
		{"user auth password factor", func(o *Options) { o.Kind = KindUserAuth; o.PreferredChallenge = "PASSWORD"; o.Password = "" }, "password is empty"},
		{"incomplete device", func(o *Options) { o.Device = &Device{Key: "k"} }, "device is incomplete"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			o := base
			c.mod(&o)
			_, err := New(o)
			if c.want == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidOptions) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want ErrInvalidOptions containing %q", err, c.want)
			}
		})
	}
}

func TestRegionOf(t *testing.T) {
	t.Parallel()
	if got := RegionOf("eu-west-1_AbC"); got != "eu-west-1" {
		t.Errorf("RegionOf = %q", got)
	}
	if got := RegionOf("nounderscore"); got != "" {
		t.Errorf("RegionOf = %q", got)
	}
}

// TestTraceRedaction runs USER_PASSWORD_AUTH against a scripted Cognito
// and checks no secret reaches the trace unless Reveal is set.
func TestTraceRedaction(t *testing.T) {
	t.Parallel()
	const password, secretKey = "Sup3r-Secret!", "client-secret-value"
	for _, reveal := range []bool{false, true} {
		api := &fakeAPI{initiate: func(in *cip.InitiateAuthInput) (*cip.InitiateAuthOutput, error) {
			return &cip.InitiateAuthOutput{AuthenticationResult: tokensOut()}, nil
		}}
		var live []Step
		f, err := New(Options{Kind: KindUserPassword, API: api, ClientID: "client1", ClientSecret: secretKey,
			Username: "alice", Password: password, Reveal: reveal, OnStep: func(s Step) { live = append(live, s) }})
		if err != nil {
			t.Fatal(err)
		}
		res, err := f.Start(context.Background())
		if err != nil || !res.Done() {
			t.Fatalf("Start: %v %+v", err, res)
		}
		b, err := json.Marshal(f.Trace())
		if err != nil {
			t.Fatal(err)
		}
		js := string(b)
		hash := srp.SecretHash(secretKey, "alice", "client1")
		refresh := *tokensOut().RefreshToken
		access := *tokensOut().AccessToken
		for _, s := range []string{password, hash, refresh, access, secretKey} {
			if got := strings.Contains(js, s); got != reveal && s != secretKey {
				t.Errorf("reveal=%v: trace contains %q = %v", reveal, s[:8], got)
			}
		}
		if strings.Contains(js, secretKey) {
			t.Errorf("the client secret itself reached the trace")
		}
		if len(live) != 1 || live[0].Index != 1 || live[0].Operation != "InitiateAuth" {
			t.Errorf("live steps = %+v", live)
		}
		st := f.Trace()[0]
		if st.SecretHash == nil || st.SecretHash.Username != "alice" || st.SecretHash.Source != HashFromTyped {
			t.Errorf("secret hash info = %+v", st.SecretHash)
		}
		if !reveal {
			if got := st.Request["AuthParameters.PASSWORD"]; got != Redacted {
				t.Errorf("password shown as %q", got)
			}
			if got := st.Response["AuthenticationResult.AccessToken"]; !strings.Contains(got, "chars)") {
				t.Errorf("access token shown as %q, want shortened", got)
			}
		}
		if res.Tokens.ExpiresIn != 3600 || res.Tokens.TokenType != "Bearer" {
			t.Errorf("tokens = %+v", res.Tokens)
		}
	}
}

func TestStepJSONShape(t *testing.T) {
	t.Parallel()
	st := Step{Index: 1, Kind: StepCall, Operation: "InitiateAuth", Title: "t", Started: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)}
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"index":1,"kind":"call","operation":"InitiateAuth","title":"t","started":"2026-11-26T00:00:00Z","durationMs":0}`
	if string(b) != want {
		t.Errorf("JSON = %s\nwant   %s", b, want)
	}
	tk, _ := json.Marshal(Tokens{IDToken: "i", AccessToken: "a", RefreshToken: "r", ExpiresIn: 3600, TokenType: "Bearer", IssuedAt: time.Now()})
	if string(tk) != `{"idToken":"i","accessToken":"a","refreshToken":"r","expiresIn":3600,"tokenType":"Bearer"}` {
		t.Errorf("tokens JSON = %s", tk)
	}
}

// TestSRPRefusesHostileB: a B that is 0 mod N would fix the shared key;
// the flow must stop before sending any password claim.
func TestSRPRefusesHostileB(t *testing.T) {
	t.Parallel()
	for _, b := range []string{srp.Hex(srp.N), "0", "zz"} {
		api := &fakeAPI{initiate: func(*cip.InitiateAuthInput) (*cip.InitiateAuthOutput, error) {
			return &cip.InitiateAuthOutput{ChallengeName: types.ChallengeNameTypePasswordVerifier, ChallengeParameters: map[string]string{
				"SALT": "8a3f1c", "SRP_B": b, "SECRET_BLOCK": "AAECAw==", "USER_ID_FOR_SRP": "u-1", "USERNAME": "u-1",
			}}, nil
		}}
		f, err := New(Options{Kind: KindUserSRP, API: api, UserPoolID: "us-east-1_Abc", ClientID: "c", Username: "alice", Password: "p"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.Start(context.Background())
		if err == nil {
			t.Fatalf("B=%s: flow went on", b)
		}
		if calls := api.Calls(); len(calls) != 1 {
			t.Errorf("B=%s: calls = %v, want only InitiateAuth", b, calls)
		}
		if b == srp.Hex(srp.N) && !errors.Is(err, srp.ErrBadB) {
			t.Errorf("B=N: err = %v, want ErrBadB", err)
		}
	}
}

// TestForgottenDeviceRetry: a device the pool does not know is dropped and
// the sign-in retried once without it, as the official client does.
func TestForgottenDeviceRetry(t *testing.T) {
	t.Parallel()
	api := &fakeAPI{}
	api.initiate = func(in *cip.InitiateAuthInput) (*cip.InitiateAuthOutput, error) {
		if in.AuthParameters["DEVICE_KEY"] != "" {
			return nil, &types.ResourceNotFoundException{Message: aws.String("Device does not exist.")}
		}
		return &cip.InitiateAuthOutput{AuthenticationResult: tokensOut()}, nil
	}
	f, err := New(Options{Kind: KindUserPassword, API: api, ClientID: "c", Username: "alice", Password: "p",
		Device: &Device{Key: "us-east-1_dead", GroupKey: "g", Password: "dp"}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := f.Start(context.Background())
	if err != nil || !res.Done() {
		t.Fatalf("Start: %v", err)
	}
	if res.ForgottenDevice != "us-east-1_dead" {
		t.Errorf("ForgottenDevice = %q", res.ForgottenDevice)
	}
	tr := f.Trace()
	if len(tr) != 3 || tr[1].Kind != StepDecision || tr[0].Error == nil || tr[0].Error.Type != "ResourceNotFoundException" {
		t.Errorf("trace = %+v", tr)
	}
}

func TestRespondWithoutChallenge(t *testing.T) {
	t.Parallel()
	f, err := New(Options{Kind: KindUserPassword, API: &fakeAPI{}, ClientID: "c", Username: "a", Password: "p"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Respond(context.Background(), Answer{}); !errors.Is(err, ErrNoPendingChallenge) {
		t.Errorf("err = %v", err)
	}
}

func TestCheckAnswer(t *testing.T) {
	t.Parallel()
	c := &Challenge{Name: "SELECT_MFA_TYPE", Fields: []Field{{Name: FieldChoice, Label: "MFA type", Options: []string{"SMS_MFA", "SOFTWARE_TOKEN_MFA"}}}}
	cases := []struct {
		a    Answer
		want string
	}{
		{Answer{FieldChoice: "SMS_MFA"}, ""},
		{Answer{}, "MFA type is empty"},
		{Answer{FieldChoice: "EMAIL_OTP"}, `"EMAIL_OTP" is not one of SMS_MFA, SOFTWARE_TOKEN_MFA`},
	}
	for _, tc := range cases {
		err := checkAnswer(c, tc.a)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%v: %v", tc.a, err)
			}
			continue
		}
		if !errors.Is(err, ErrInvalidAnswer) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want %q", tc.a, err, tc.want)
		}
	}
}

func TestBuildChallengeForms(t *testing.T) {
	t.Parallel()
	f := &Flow{now: time.Now, username: "u-1"}
	cases := []struct {
		name   string
		params map[string]string
		avail  []string
		check  func(t *testing.T, c *Challenge)
	}{
		{"SMS_MFA", map[string]string{"CODE_DELIVERY_DELIVERY_MEDIUM": "SMS", "CODE_DELIVERY_DESTINATION": "+*******4114"}, nil, func(t *testing.T, c *Challenge) {
			if c.Destination != "+*******4114" || c.DeliveryMedium != "SMS" || c.Fields[0].Name != FieldCode || !strings.Contains(c.Prompt, "+*******4114") {
				t.Errorf("%+v", c)
			}
		}},
		{"SELECT_MFA_TYPE", map[string]string{"MFAS_CAN_CHOOSE": `["SMS_MFA","SOFTWARE_TOKEN_MFA"]`}, nil, func(t *testing.T, c *Challenge) {
			if strings.Join(c.Options, ",") != "SMS_MFA,SOFTWARE_TOKEN_MFA" || c.Fields[0].Name != FieldChoice {
				t.Errorf("%+v", c)
			}
		}},
		{"NEW_PASSWORD_REQUIRED", map[string]string{"userAttributes": `{"email":"a@example.com","email_verified":"true"}`, "requiredAttributes": `["userAttributes.name","userAttributes.family_name"]`}, nil, func(t *testing.T, c *Challenge) {
			if len(c.Fields) != 3 || !c.Fields[0].Secret || c.Fields[1].Name != "userAttributes.name" || c.UserAttributes["email"] != "a@example.com" {
				t.Errorf("%+v", c)
			}
			if strings.Join(c.RequiredAttributes, ",") != "name,family_name" {
				t.Errorf("required = %v", c.RequiredAttributes)
			}
		}},
		{"SELECT_CHALLENGE", nil, []string{"PASSWORD", "EMAIL_OTP", "WEB_AUTHN"}, func(t *testing.T, c *Challenge) {
			if len(c.Options) != 3 || c.Unanswerable != "" {
				t.Errorf("%+v", c)
			}
		}},
		{"WEB_AUTHN", map[string]string{"CREDENTIAL_REQUEST_OPTIONS": "{}"}, nil, func(t *testing.T, c *Challenge) {
			if c.Unanswerable == "" || len(c.Fields) != 0 {
				t.Errorf("%+v", c)
			}
		}},
		{"CUSTOM_CHALLENGE", map[string]string{"question": "2+2?", "USERNAME": "u-1"}, nil, func(t *testing.T, c *Challenge) {
			if !strings.Contains(c.Prompt, "question=2+2?") || strings.Contains(c.Prompt, "USERNAME") || c.Fields[0].Name != FieldAnswer {
				t.Errorf("%+v", c)
			}
		}},
		{"ADMIN_NO_SRP_AUTH", nil, nil, func(t *testing.T, c *Challenge) {
			if c.Unanswerable == "" {
				t.Errorf("%+v", c)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := f.buildChallenge(authOut{name: tc.name, params: tc.params, available: tc.avail})
			if c.Name != tc.name || c.Username != "u-1" || c.Prompt == "" {
				t.Fatalf("%+v", c)
			}
			tc.check(t, c)
		})
	}
}

func TestRunNonInteractiveNamesChallenge(t *testing.T) {
	t.Parallel()
	api := &fakeAPI{initiate: func(*cip.InitiateAuthInput) (*cip.InitiateAuthOutput, error) {
		return &cip.InitiateAuthOutput{ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa, Session: aws.String("sess"),
			ChallengeParameters: map[string]string{"USERNAME": "u-1"}}, nil
	}}
	f, err := New(Options{Kind: KindUserPassword, API: api, ClientID: "c", Username: "alice", Password: "p"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), f, NonInteractive)
	var ue *UnanswerableError
	if !errors.As(err, &ue) || ue.Challenge != "SOFTWARE_TOKEN_MFA" {
		t.Fatalf("err = %v", err)
	}
	if res == nil || res.Challenge == nil || f.Pending() == nil {
		t.Errorf("challenge not kept: %+v", res)
	}
	if d := Diagnose(err); !strings.Contains(d.Cause, "SOFTWARE_TOKEN_MFA") {
		t.Errorf("diagnosis = %+v", d)
	}
}

func TestUnverifiedClaims(t *testing.T) {
	t.Parallel()
	c, err := UnverifiedClaims(fakeJWT(map[string]any{"sub": "s", "cognito:username": "u", "aud": "cid", "token_use": "id", "exp": 1800000000, "iat": 1799996400}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Username != "u" || c.ClientID != "cid" || c.ExpiresAt.Unix() != 1800000000 || c.ExpiresAt.Sub(c.IssuedAt) != time.Hour {
		t.Errorf("claims = %+v", c)
	}
	for _, bad := range []string{"", "a.b", "a.!!!.c", "a." + base64.RawURLEncoding.EncodeToString([]byte("[1]")) + ".c", "a." + base64.RawURLEncoding.EncodeToString([]byte("{}")) + ".c"} {
		if _, err := UnverifiedClaims(bad); err == nil {
			t.Errorf("UnverifiedClaims(%q) accepted", bad)
		}
	}
}

func TestShortened(t *testing.T) {
	t.Parallel()
	if got := Shorten("short"); got != "short" {
		t.Errorf("short = %q", got)
	}
	long := strings.Repeat("a", 10) + strings.Repeat("b", 100) + "zzzzzz"
	if got := Shorten(long); got != "aaaaaaaaaa…zzzzzz (116 chars)" {
		t.Errorf("long = %q", got)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestRefreshRetriesWithSub: when Cognito refuses the SECRET_HASH built
// from the username claim, the flow tries the sub claim once and says so.
func TestRefreshRetriesWithSub(t *testing.T) {
	t.Parallel()
	const secret, client = "sekrit", "client1"
	access := fakeJWT(map[string]any{"username": "alice", "sub": "5b1f0e8a-sub", "token_use": "access", "exp": 2000000000})
	api := &fakeAPI{initiate: func(in *cip.InitiateAuthInput) (*cip.InitiateAuthOutput, error) {
		if in.AuthParameters["SECRET_HASH"] != srp.SecretHash(secret, "5b1f0e8a-sub", client) {
			return nil, &types.NotAuthorizedException{Message: aws.String("SecretHash does not match for the client: " + client)}
		}
		out := tokensOut()
		out.RefreshToken = nil // REFRESH_TOKEN_AUTH does not rotate
		return &cip.InitiateAuthOutput{AuthenticationResult: out}, nil
	}}
	f, err := New(Options{Kind: KindRefreshTokenAuth, API: api, ClientID: client, ClientSecret: secret, RefreshToken: "rt-1", AccessToken: access})
	if err != nil {
		t.Fatal(err)
	}
	res, err := f.Start(context.Background())
	if err != nil || !res.Done() {
		t.Fatalf("Start: %v", err)
	}
	if res.Tokens.RefreshToken != "rt-1" || res.Tokens.RefreshRotated {
		t.Errorf("refresh token = %q rotated=%v, want the original kept", res.Tokens.RefreshToken, res.Tokens.RefreshRotated)
	}
	tr := f.Trace()
	if len(tr) != 4 {
		t.Fatalf("trace has %d steps: %s", len(tr), mustJSON(t, tr))
	}
	if tr[0].SecretHash.Source != HashFromUsernameClaim || tr[0].Error == nil ||
		tr[1].Kind != StepDecision ||
		tr[2].SecretHash.Source != HashFromSubClaim || tr[2].SecretHash.Username != "5b1f0e8a-sub" || tr[2].Error != nil ||
		tr[3].Title != "SECRET_HASH from the sub claim worked" {
		t.Errorf("trace = %s", mustJSON(t, tr))
	}
}

// TestRefreshNeedsUsernameForSecret: without an access token or a
// username there is nothing to hash; the flow says so before calling.
func TestRefreshNeedsUsernameForSecret(t *testing.T) {
	t.Parallel()
	api := &fakeAPI{}
	f, err := New(Options{Kind: KindRefreshTokenAuth, API: api, ClientID: "c", ClientSecret: "s", RefreshToken: "rt"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.Start(context.Background())
	if !errors.Is(err, ErrInvalidOptions) || len(api.Calls()) != 0 {
		t.Errorf("err = %v, calls = %v", err, api.Calls())
	}
}
