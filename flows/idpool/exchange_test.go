package idpool_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogscope/cogscope/flows/idpool"
	"github.com/cogscope/cogscope/internal/awsclient"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/identity"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

func clients(env *localtest.Env) idpool.Clients {
	return idpool.Clients{Identity: env.IdentityClient(), STS: func(creds aws.CredentialsProvider) idpool.STSAPI {
		cfg := env.AWSConfig()
		cfg.Credentials = creds
		if creds == nil {
			cfg.Credentials = aws.AnonymousCredentials{}
		}
		return awsclient.STS(cfg, env.Endpoint)
	}}
}

func signIn(t *testing.T, env *localtest.Env) *ciptypes.AuthenticationResultType {
	t.Helper()
	out, err := env.CognitoClient().InitiateAuth(context.Background(), &cip.InitiateAuthInput{
		AuthFlow: ciptypes.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(env.Demo.ClientID),
		AuthParameters: map[string]string{"USERNAME": cognito.DemoUsername, "PASSWORD": cognito.DemoPassword}})
	if err != nil {
		t.Fatal(err)
	}
	return out.AuthenticationResult
}

func TestExchange(t *testing.T) {
	env := localtest.Start(t)
	tok := signIn(t, env)
	cases := []struct {
		name      string
		req       idpool.Request
		wantRole  string
		wantRule  string
		wantTags  map[string]string
		wantInArn string
	}{
		{"enhanced: the admins claim rule", idpool.Request{IDToken: *tok.IdToken}, identity.DemoAdminsRole, idpool.RuleClaim,
			map[string]string{"username": "5b1f0e8a-3c1d-4c7e-9a62-0d2f6c1e7a11", "client": env.Demo.ClientID, "tenant": "acme"}, "assumed-role/cogscope-demo-admins/CognitoIdentityCredentials"},
		{"basic: the pool's authenticated role", idpool.Request{IDToken: *tok.IdToken, Flow: idpool.FlowBasic}, identity.DemoAuthRole, idpool.RuleBasicFlow,
			nil, "assumed-role/cogscope-demo-authenticated/cogscope"},
		{"basic: a named role", idpool.Request{IDToken: *tok.IdToken, Flow: idpool.FlowBasic, RoleARN: identity.DemoAdminsRole}, identity.DemoAdminsRole, idpool.RuleBasicFlow,
			nil, "assumed-role/cogscope-demo-admins/cogscope"},
		{"guest", idpool.Request{Guest: true}, identity.DemoGuestRole, idpool.RuleUnauthenticated, map[string]string{}, "assumed-role/cogscope-demo-guest/CognitoIdentityCredentials"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.req.IdentityPoolID = env.Demo.IdentityPoolID
			res, err := idpool.Exchange(context.Background(), clients(env), tc.req)
			if err != nil {
				t.Fatalf("%v\n%s", err, idpool.Diagnose(err))
			}
			if res.RoleARN != tc.wantRole || res.Rule.Kind != tc.wantRule || !res.RuleKnown {
				t.Errorf("role %s rule %+v known %v (%s)", res.RoleARN, res.Rule, res.RuleKnown, res.RuleNote)
			}
			if !strings.HasSuffix(res.CallerArn, tc.wantInArn) || res.Account != "123456789012" {
				t.Errorf("caller %s account %s", res.CallerArn, res.Account)
			}
			if !strings.HasPrefix(res.IdentityID, env.Region+":") {
				t.Errorf("identity id %q", res.IdentityID)
			}
			if rem := res.Remaining(time.Now()); rem < 50*time.Minute {
				t.Errorf("remaining %v", rem)
			}
			if tc.wantTags == nil {
				if res.PrincipalTags != nil {
					t.Errorf("basic flow tags %v", res.PrincipalTags)
				}
				return
			}
			if len(res.PrincipalTags) != len(tc.wantTags) {
				t.Fatalf("tags %v, want %v (%s)", res.PrincipalTags, tc.wantTags, res.TagsNote)
			}
			for k, v := range tc.wantTags {
				if res.PrincipalTags[k] != v {
					t.Errorf("tag %s = %q, want %q", k, res.PrincipalTags[k], v)
				}
			}
		})
	}
}

func TestExchangeDiagnoses(t *testing.T) {
	env := localtest.Start(t)
	tok := signIn(t, env)
	ctx := context.Background()
	// A pool that lists another app client, and one without roles.
	other := localPool(t, env, "someotherclient0000000000", true)
	noRoles := localPool(t, env, env.Demo.ClientID, false)
	cases := []struct {
		name   string
		req    idpool.Request
		op, id string
		fix    string
	}{
		{"access token", idpool.Request{IDToken: *tok.AccessToken}, "GetId", "cognito-identity.NotAuthorizedException.access-token", "--id-token-stdin"},
		{"wrong Logins key", idpool.Request{IDToken: *tok.IdToken, Provider: "cognito-idp.us-east-1.amazonaws.com/us-east-1_Other1"}, "GetId",
			"cognito-identity.NotAuthorizedException.wrong-logins-key", idpool.ProviderName(env.Demo.PoolID)},
		{"unsupported provider", idpool.Request{IDToken: *tok.IdToken, IdentityPoolID: other}, "GetId", "cognito-identity.NotAuthorizedException.unsupported-provider", "ClientId " + env.Demo.ClientID},
		{"no guests", idpool.Request{Guest: true, IdentityPoolID: other}, "GetId", "cognito-identity.NotAuthorizedException.unauthenticated", "AllowUnauthenticatedIdentities"},
		{"no authenticated role", idpool.Request{IDToken: *tok.IdToken, IdentityPoolID: noRoles}, "GetCredentialsForIdentity", "cognito-identity.InvalidIdentityPoolConfigurationException", "aud = " + noRoles},
		{"CustomRoleArn without a Token mapping", idpool.Request{IDToken: *tok.IdToken, RoleARN: identity.DemoAdminsRole}, "GetCredentialsForIdentity", "cognito-identity.InvalidParameterException.custom-role", "leave --role-arn out"},
		{"unknown pool", idpool.Request{IDToken: *tok.IdToken, IdentityPoolID: "us-east-1:00000000-0000-4000-8000-000000000000"}, "GetId", "cognito-identity.ResourceNotFoundException", "--identity-pool-id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.req.IdentityPoolID == "" {
				tc.req.IdentityPoolID = env.Demo.IdentityPoolID
			}
			_, err := idpool.Exchange(ctx, clients(env), tc.req)
			var e *idpool.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v", err)
			}
			d := idpool.Diagnose(err)
			if e.Op != tc.op || d.ID != tc.id || !strings.Contains(d.Fix+d.Cause, tc.fix) {
				t.Errorf("op %s id %s\ncause %s\nfix %s\nwant %s %s %q", e.Op, d.ID, d.Cause, d.Fix, tc.op, tc.id, tc.fix)
			}
		})
	}
}

// localPool creates an identity pool for clientID on the demo user pool,
// with the demo roles when withRoles.
func localPool(t *testing.T, env *localtest.Env, clientID string, withRoles bool) string {
	t.Helper()
	ps := identity.PoolSeed{Name: "t", Providers: []identity.Provider{{ProviderName: idpool.ProviderName(env.Demo.PoolID), ClientId: clientID}}}
	if withRoles {
		ps.Roles = map[string]string{"authenticated": identity.DemoAuthRole}
	}
	id, err := env.Stack.Identity().AddPool(ps)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestSignRequest(t *testing.T) {
	env := localtest.Start(t)
	res, err := idpool.Exchange(context.Background(), clients(env), idpool.Request{IdentityPoolID: env.Demo.IdentityPoolID, Guest: true})
	if err != nil {
		t.Fatal(err)
	}
	var got identity.Caller
	var authErr error
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := make([]byte, r.ContentLength)
		_, _ = r.Body.Read(body)
		got, authErr = env.Stack.Identity().Authenticate(r, body, "execute-api")
	}))
	defer srv.Close()
	body := []byte(`{"hello":"world"}`)
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/prod/items?id=a%20b", strings.NewReader(string(body)))
	if err := idpool.SignRequest(context.Background(), req, body, res.Credentials, env.Region, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if authErr != nil || got.RoleARN != identity.DemoGuestRole {
		t.Errorf("caller %+v, err %v", got, authErr)
	}
	if err := idpool.SignRequest(context.Background(), req, nil, aws.Credentials{}, env.Region, time.Now()); err == nil {
		t.Error("signing without credentials succeeded")
	}
}

func TestRoleFromAssumedRoleARN(t *testing.T) {
	for in, want := range map[string][2]string{
		"arn:aws:sts::123:assumed-role/r1/CognitoIdentityCredentials": {"arn:aws:iam::123:role/r1", "r1"},
		"arn:aws:iam::123:user/u":                                     {"arn:aws:iam::123:user/u", ""},
		"garbage":                                                     {"garbage", ""},
	} {
		if arn, name := idpool.RoleFromAssumedRoleARN(in); arn != want[0] || name != want[1] {
			t.Errorf("%s → %s %s, want %v", in, arn, name, want)
		}
	}
}

// Without AWS credentials the pool's configuration is not read: the role
// still comes from STS, the rule and tags are unknown, and the basic flow
// needs a role.
func TestExchangeNoExplain(t *testing.T) {
	env := localtest.Start(t)
	tok := *signIn(t, env).IdToken
	res, err := idpool.Exchange(context.Background(), clients(env), idpool.Request{IdentityPoolID: env.Demo.IdentityPoolID, IDToken: tok, NoExplain: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.RoleARN != identity.DemoAdminsRole || res.RuleKnown || res.PrincipalTags != nil || res.RuleNote == "" || res.TagsNote == "" {
		t.Errorf("result %+v", res)
	}
	_, err = idpool.Exchange(context.Background(), clients(env), idpool.Request{IdentityPoolID: env.Demo.IdentityPoolID, IDToken: tok, NoExplain: true, Flow: idpool.FlowBasic})
	var e *idpool.Error
	if !errors.As(err, &e) || e.Op != "input" || !errors.Is(err, idpool.ErrInvalidRequest) || !strings.Contains(e.Diagnosis.Fix, "--role-arn") {
		t.Errorf("basic flow without a role: %v", err)
	}
}
