package identity_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	ci "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	citypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/cogscope/cogscope/flows/rolemap"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/identity"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type fixture struct {
	env      *localtest.Env
	ci       *ci.Client
	clk      *clock
	provider string
}

func start(t testing.TB) *fixture {
	t.Helper()
	clk := &clock{t: time.Now()}
	env := localtest.Start(t, localtest.WithNow(clk.now))
	if env.Demo.IdentityPoolID != identity.DemoPoolID(env.Region) {
		t.Fatalf("demo identity pool = %q, want %q", env.Demo.IdentityPoolID, identity.DemoPoolID(env.Region))
	}
	return &fixture{env: env, ci: env.IdentityClient(), clk: clk, provider: rolemap.ProviderName(env.Demo.PoolID)}
}

// tokens signs a user in with USER_PASSWORD_AUTH on the demo public client.
func (f *fixture) tokens(t testing.TB, username, password string) *ciptypes.AuthenticationResultType {
	t.Helper()
	out, err := f.env.CognitoClient().InitiateAuth(context.Background(), &cip.InitiateAuthInput{
		AuthFlow: ciptypes.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(f.env.Demo.ClientID),
		AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": password}})
	if err != nil || out.AuthenticationResult == nil {
		t.Fatalf("sign in %s: %v", username, err)
	}
	return out.AuthenticationResult
}

// plainUser is a user in no group (so no claim rule matches).
func (f *fixture) plainUser(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	c := f.env.CognitoClient()
	if _, err := c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(f.env.Demo.PoolID), Username: aws.String("plain"),
		MessageAction: ciptypes.MessageActionTypeSuppress}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(f.env.Demo.PoolID), Username: aws.String("plain"),
		Password: aws.String("Passw0rd!plain"), Permanent: true}); err != nil {
		t.Fatal(err)
	}
	return *f.tokens(t, "plain", "Passw0rd!plain").IdToken
}

func (f *fixture) credentials(t *testing.T, poolID string, logins map[string]string, custom string) (*ci.GetCredentialsForIdentityOutput, error) {
	t.Helper()
	ctx := context.Background()
	id, err := f.ci.GetId(ctx, &ci.GetIdInput{IdentityPoolId: aws.String(poolID), Logins: logins})
	if err != nil {
		return nil, err
	}
	in := &ci.GetCredentialsForIdentityInput{IdentityId: id.IdentityId, Logins: logins}
	if custom != "" {
		in.CustomRoleArn = aws.String(custom)
	}
	return f.ci.GetCredentialsForIdentity(ctx, in)
}

func (f *fixture) callerArn(t *testing.T, c *citypes.Credentials) string {
	t.Helper()
	cfg := f.env.AWSConfig()
	cfg.Credentials = credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretKey, *c.SessionToken)
	out, err := f.env.STSClient(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity: %v", err)
	}
	return *out.Arn
}

func apiError(t *testing.T, err error) (code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want an API error, got %v", err)
	}
	return ae.ErrorCode(), ae.ErrorMessage()
}

func TestEnhancedFlowRoles(t *testing.T) {
	f := start(t)
	demo := f.tokens(t, cognito.DemoUsername, cognito.DemoPassword)
	plain := f.plainUser(t)
	cases := []struct {
		name, token, wantRole string
	}{
		{"claim rule: cognito:groups Contains admins", *demo.IdToken, "cogscope-demo-admins"},
		{"default authenticated role", plain, "cogscope-demo-authenticated"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := f.credentials(t, f.env.Demo.IdentityPoolID, map[string]string{f.provider: tc.token}, "")
			if err != nil {
				t.Fatal(err)
			}
			c := out.Credentials
			if !strings.HasPrefix(*c.AccessKeyId, "ASIA") || *c.SecretKey == "" || *c.SessionToken == "" {
				t.Fatalf("credentials not STS-shaped: %+v", c)
			}
			if d := time.Until(*c.Expiration); d < 50*time.Minute || d > 61*time.Minute {
				t.Errorf("expiration in %v, want about 1h", d)
			}
			want := "arn:aws:sts::123456789012:assumed-role/" + tc.wantRole + "/CognitoIdentityCredentials"
			if got := f.callerArn(t, c); got != want {
				t.Errorf("caller = %s, want %s", got, want)
			}
		})
	}
}

func TestIdentityIDStablePerUser(t *testing.T) {
	f := start(t)
	tok := *f.tokens(t, cognito.DemoUsername, cognito.DemoPassword).IdToken
	ctx := context.Background()
	var ids []string
	for range 2 {
		out, err := f.ci.GetId(ctx, &ci.GetIdInput{IdentityPoolId: aws.String(f.env.Demo.IdentityPoolID), Logins: map[string]string{f.provider: tok}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, *out.IdentityId)
	}
	if ids[0] != ids[1] || !strings.HasPrefix(ids[0], f.env.Region+":") {
		t.Errorf("identity ids %v: want one stable <region>:<uuid>", ids)
	}
}

func TestPrincipalTags(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	key := f.provider + ":" + f.env.Demo.ClientID
	m, err := f.ci.GetPrincipalTagAttributeMap(ctx, &ci.GetPrincipalTagAttributeMapInput{
		IdentityPoolId: aws.String(f.env.Demo.IdentityPoolID), IdentityProviderName: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	if !aws.ToBool(m.UseDefaults) || m.PrincipalTags["tenant"] != "custom:tenant" {
		t.Fatalf("demo tag map = %+v", m)
	}
	tok := f.tokens(t, cognito.DemoUsername, cognito.DemoPassword)
	out, err := f.credentials(t, f.env.Demo.IdentityPoolID, map[string]string{f.provider: *tok.IdToken}, "")
	if err != nil {
		t.Fatal(err)
	}
	caller := authenticate(t, f.env, out.Credentials, "sts", "")
	want := map[string]string{"username": "5b1f0e8a-3c1d-4c7e-9a62-0d2f6c1e7a11", "client": f.env.Demo.ClientID, "tenant": "acme"}
	if len(caller.Tags) != len(want) {
		t.Fatalf("tags = %v, want %v", caller.Tags, want)
	}
	for k, v := range want {
		if caller.Tags[k] != v {
			t.Errorf("tag %s = %q, want %q", k, caller.Tags[k], v)
		}
	}
	// A new map replaces the old one.
	if _, err := f.ci.SetPrincipalTagAttributeMap(ctx, &ci.SetPrincipalTagAttributeMapInput{IdentityPoolId: aws.String(f.env.Demo.IdentityPoolID),
		IdentityProviderName: aws.String(key), UseDefaults: aws.Bool(false), PrincipalTags: map[string]string{"mail": "email"}}); err != nil {
		t.Fatal(err)
	}
	out, err = f.credentials(t, f.env.Demo.IdentityPoolID, map[string]string{f.provider: *tok.IdToken}, "")
	if err != nil {
		t.Fatal(err)
	}
	if tags := authenticate(t, f.env, out.Credentials, "sts", "").Tags; len(tags) != 1 || tags["mail"] != "demo@example.com" {
		t.Errorf("tags after SetPrincipalTagAttributeMap = %v", tags)
	}
}

// authenticate signs a request with the credentials and asks the service
// who it is from (what the API Gateway's AWS_IAM routes will do).
func authenticate(t *testing.T, env *localtest.Env, c *citypes.Credentials, service, secretOverride string) identity.Caller {
	t.Helper()
	caller, err := authenticateErr(t, env, c, service, secretOverride)
	if err != nil {
		t.Fatal(err)
	}
	return caller
}

func authenticateErr(t *testing.T, env *localtest.Env, c *citypes.Credentials, service, secretOverride string) (identity.Caller, error) {
	t.Helper()
	body := []byte("Action=GetCallerIdentity&Version=2011-06-15")
	req, _ := http.NewRequest(http.MethodPost, env.Endpoint+"/some/path?b=2&a=1", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	secret := *c.SecretKey
	if secretOverride != "" {
		secret = secretOverride
	}
	creds := aws.Credentials{AccessKeyID: *c.AccessKeyId, SecretAccessKey: secret, SessionToken: *c.SessionToken}
	hash := sha256Hex(body)
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hash, service, env.Region, time.Now()); err != nil {
		t.Fatal(err)
	}
	// What the server sees: Host promoted out of the headers.
	req.Host = req.URL.Host
	return env.Stack.Identity().Authenticate(req, body, service)
}

func TestGuestIdentity(t *testing.T) {
	f := start(t)
	out, err := f.credentials(t, f.env.Demo.IdentityPoolID, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.callerArn(t, out.Credentials), "arn:aws:sts::123456789012:assumed-role/cogscope-demo-guest/CognitoIdentityCredentials"; got != want {
		t.Errorf("guest caller = %s, want %s", got, want)
	}
	// A guest that signs in keeps its identity id.
	tok := *f.tokens(t, cognito.DemoUsername, cognito.DemoPassword).IdToken
	ctx := context.Background()
	signed, err := f.ci.GetCredentialsForIdentity(ctx, &ci.GetCredentialsForIdentityInput{IdentityId: out.IdentityId, Logins: map[string]string{f.provider: tok}})
	if err != nil {
		t.Fatal(err)
	}
	if *signed.IdentityId != *out.IdentityId {
		t.Errorf("signed-in identity %s, want the guest's %s", *signed.IdentityId, *out.IdentityId)
	}
	// Once linked, the identity needs its login.
	_, err = f.ci.GetCredentialsForIdentity(ctx, &ci.GetCredentialsForIdentityInput{IdentityId: out.IdentityId})
	if code, msg := apiError(t, err); code != "NotAuthorizedException" || msg != identity.MsgLoginsDontMatch {
		t.Errorf("linked identity without logins: %s %q", code, msg)
	}
}

func TestBasicFlow(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	tok := *f.tokens(t, cognito.DemoUsername, cognito.DemoPassword).IdToken
	logins := map[string]string{f.provider: tok}
	id, err := f.ci.GetId(ctx, &ci.GetIdInput{IdentityPoolId: aws.String(f.env.Demo.IdentityPoolID), Logins: logins})
	if err != nil {
		t.Fatal(err)
	}
	oidc, err := f.ci.GetOpenIdToken(ctx, &ci.GetOpenIdTokenInput{IdentityId: id.IdentityId, Logins: logins})
	if err != nil {
		t.Fatal(err)
	}
	anon := f.env.AWSConfig()
	anon.Credentials = aws.AnonymousCredentials{}
	stsc := f.env.STSClient(anon)
	ar, err := stsc.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: aws.String(identity.DemoAuthRole),
		RoleSessionName: aws.String("cogscope"), WebIdentityToken: oidc.Token})
	if err != nil {
		t.Fatal(err)
	}
	if *ar.SubjectFromWebIdentityToken != *id.IdentityId || *ar.Audience != f.env.Demo.IdentityPoolID {
		t.Errorf("subject %s audience %s", *ar.SubjectFromWebIdentityToken, *ar.Audience)
	}
	want := "arn:aws:sts::123456789012:assumed-role/cogscope-demo-authenticated/cogscope"
	if *ar.AssumedRoleUser.Arn != want {
		t.Errorf("assumed role user = %s", *ar.AssumedRoleUser.Arn)
	}
	c := ar.Credentials
	got := f.callerArn(t, &citypes.Credentials{AccessKeyId: c.AccessKeyId, SecretKey: c.SecretAccessKey, SessionToken: c.SessionToken})
	if got != want {
		t.Errorf("caller = %s, want %s", got, want)
	}
	// A role whose trust policy does not name the pool is refused by STS.
	f.env.Stack.Identity().SetRoleTrust(identity.DemoAdminsRole)
	_, err = stsc.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: aws.String(identity.DemoAdminsRole),
		RoleSessionName: aws.String("cogscope"), WebIdentityToken: oidc.Token})
	if code, _ := apiError(t, err); code != "AccessDenied" {
		t.Errorf("untrusted role: %s", code)
	}
	// A user-pool token is not a web identity token STS knows.
	_, err = stsc.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: aws.String(identity.DemoAuthRole),
		RoleSessionName: aws.String("cogscope"), WebIdentityToken: aws.String(tok)})
	if code, _ := apiError(t, err); code != "InvalidIdentityToken" {
		t.Errorf("user-pool token: %s", code)
	}
	// The token lives 10 minutes.
	f.clk.add(11 * time.Minute)
	_, err = stsc.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: aws.String(identity.DemoAuthRole),
		RoleSessionName: aws.String("cogscope"), WebIdentityToken: oidc.Token})
	if code, _ := apiError(t, err); code != "ExpiredTokenException" {
		t.Errorf("expired web identity token: %s", code)
	}
}

// newPool creates an identity pool through the API for the demo public client.
func (f *fixture) newPool(t *testing.T, allowGuests, classic bool, clientID string, roles map[string]string, mappings map[string]citypes.RoleMapping) string {
	t.Helper()
	ctx := context.Background()
	out, err := f.ci.CreateIdentityPool(ctx, &ci.CreateIdentityPoolInput{IdentityPoolName: aws.String("test"),
		AllowUnauthenticatedIdentities: allowGuests, AllowClassicFlow: aws.Bool(classic),
		CognitoIdentityProviders: []citypes.CognitoIdentityProvider{{ProviderName: aws.String(f.provider), ClientId: aws.String(clientID)}}})
	if err != nil {
		t.Fatal(err)
	}
	if roles != nil {
		if _, err := f.ci.SetIdentityPoolRoles(ctx, &ci.SetIdentityPoolRolesInput{IdentityPoolId: out.IdentityPoolId, Roles: roles, RoleMappings: mappings}); err != nil {
			t.Fatal(err)
		}
	}
	return *out.IdentityPoolId
}

func TestTokenRoleMapping(t *testing.T) {
	f := start(t)
	key := f.provider + ":" + f.env.Demo.ClientID
	pool := f.newPool(t, false, false, f.env.Demo.ClientID, map[string]string{"authenticated": identity.DemoAuthRole},
		map[string]citypes.RoleMapping{key: {Type: citypes.RoleMappingTypeToken, AmbiguousRoleResolution: citypes.AmbiguousRoleResolutionTypeDeny}})
	got, err := f.ci.GetIdentityPoolRoles(context.Background(), &ci.GetIdentityPoolRolesInput{IdentityPoolId: aws.String(pool)})
	if err != nil || got.RoleMappings[key].Type != citypes.RoleMappingTypeToken || got.Roles["authenticated"] != identity.DemoAuthRole {
		t.Fatalf("GetIdentityPoolRoles = %+v, %v", got, err)
	}
	demo := *f.tokens(t, cognito.DemoUsername, cognito.DemoPassword).IdToken
	plain := f.plainUser(t)
	cases := []struct {
		name, token, custom, wantRole, wantCode, wantMsg string
	}{
		{name: "cognito:preferred_role", token: demo, wantRole: "cogscope-demo-admins"},
		{name: "CustomRoleArn among cognito:roles", token: demo, custom: identity.DemoAdminsRole, wantRole: "cogscope-demo-admins"},
		{name: "CustomRoleArn not in the token", token: demo, custom: identity.DemoAuthRole, wantCode: "NotAuthorizedException"},
		{name: "no roles in the token, Deny", token: plain, wantCode: "NotAuthorizedException",
			wantMsg: "The ambiguous role mapping rules for: " + f.provider + " denied this request."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := f.credentials(t, pool, map[string]string{f.provider: tc.token}, tc.custom)
			if tc.wantCode != "" {
				code, msg := apiError(t, err)
				if code != tc.wantCode || tc.wantMsg != "" && msg != tc.wantMsg {
					t.Fatalf("got %s %q, want %s %q", code, msg, tc.wantCode, tc.wantMsg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := f.callerArn(t, out.Credentials); !strings.Contains(got, ":assumed-role/"+tc.wantRole+"/") {
				t.Errorf("caller = %s, want role %s", got, tc.wantRole)
			}
		})
	}
}

func TestFailures(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	res := f.tokens(t, cognito.DemoUsername, cognito.DemoPassword)
	id, access := *res.IdToken, *res.AccessToken
	otherClient := f.newPool(t, false, false, "someotherclient0000000000", map[string]string{"authenticated": identity.DemoAuthRole}, nil)
	noRoles := f.newPool(t, false, false, f.env.Demo.ClientID, nil, nil)
	untrusted := f.newPool(t, false, false, f.env.Demo.ClientID, map[string]string{"authenticated": "arn:aws:iam::123456789012:role/untrusting"}, nil)
	f.env.Stack.Identity().SetRoleTrust("arn:aws:iam::123456789012:role/untrusting", f.env.Demo.IdentityPoolID)
	wrongKey := "cognito-idp." + f.env.Region + ".amazonaws.com/" + f.env.Region + "_WrongPool1"

	cases := []struct {
		name     string
		pool     string
		logins   map[string]string
		wantCode string
		wantMsg  string
	}{
		{"access token instead of the ID token", f.env.Demo.IdentityPoolID, map[string]string{f.provider: access}, "NotAuthorizedException", identity.MsgCouldNotVerify},
		{"wrong Logins key", f.env.Demo.IdentityPoolID, map[string]string{wrongKey: id}, "NotAuthorizedException", identity.MsgCouldNotVerify},
		{"garbage token", f.env.Demo.IdentityPoolID, map[string]string{f.provider: "not.a.jwt"}, "NotAuthorizedException", identity.MsgCouldNotVerify},
		{"app client not on the identity pool", otherClient, map[string]string{f.provider: id}, "NotAuthorizedException", identity.MsgUnsupportedProvider},
		{"not a user pool provider", f.env.Demo.IdentityPoolID, map[string]string{"accounts.google.com": id}, "NotAuthorizedException", identity.MsgUnsupportedProvider},
		{"guest on a pool without guests", otherClient, nil, "NotAuthorizedException", identity.MsgUnauthenticated},
		{"no authenticated role", noRoles, map[string]string{f.provider: id}, "InvalidIdentityPoolConfigurationException", identity.MsgInvalidConfig},
		{"role trust policy without the pool", untrusted, map[string]string{f.provider: id}, "InvalidIdentityPoolConfigurationException", identity.MsgInvalidConfig},
		{"unknown identity pool", f.env.Region + ":00000000-0000-0000-0000-000000000000", nil, "ResourceNotFoundException",
			"IdentityPool '" + f.env.Region + ":00000000-0000-0000-0000-000000000000' not found."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.credentials(t, tc.pool, tc.logins, "")
			code, msg := apiError(t, err)
			if code != tc.wantCode || msg != tc.wantMsg {
				t.Errorf("got %s %q, want %s %q", code, msg, tc.wantCode, tc.wantMsg)
			}
		})
	}

	t.Run("basic flow disabled", func(t *testing.T) {
		gid, err := f.ci.GetId(ctx, &ci.GetIdInput{IdentityPoolId: aws.String(otherClient + ""), Logins: nil})
		_ = gid
		if err == nil {
			t.Fatal("guest GetId on a pool without guests succeeded")
		}
		pool := f.newPool(t, true, false, f.env.Demo.ClientID, map[string]string{"authenticated": identity.DemoAuthRole}, nil)
		out, err := f.ci.GetId(ctx, &ci.GetIdInput{IdentityPoolId: aws.String(pool)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.ci.GetOpenIdToken(ctx, &ci.GetOpenIdTokenInput{IdentityId: out.IdentityId})
		if code, msg := apiError(t, err); code != "InvalidParameterException" || msg != identity.MsgBasicFlowDisabled {
			t.Errorf("got %s %q", code, msg)
		}
	})

	t.Run("expired ID token", func(t *testing.T) {
		f.clk.add(2 * time.Hour)
		_, err := f.credentials(t, f.env.Demo.IdentityPoolID, map[string]string{f.provider: id}, "")
		code, msg := apiError(t, err)
		if code != "NotAuthorizedException" || !strings.HasPrefix(msg, "Invalid login token. Token expired: ") {
			t.Errorf("got %s %q", code, msg)
		}
	})
}

func TestSignatures(t *testing.T) {
	f := start(t)
	out, err := f.credentials(t, f.env.Demo.IdentityPoolID, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	if got := authenticate(t, f.env, c, "execute-api", ""); got.RoleARN != identity.DemoGuestRole || got.RoleName() != "cogscope-demo-guest" {
		t.Errorf("caller = %+v", got)
	}
	_, err = authenticateErr(t, f.env, c, "execute-api", "wrong-secret")
	var ae *identity.AuthError
	if !errors.As(err, &ae) || ae.Code != "SignatureDoesNotMatch" {
		t.Errorf("wrong secret: %v", err)
	}
	badToken := *c
	badToken.SessionToken = aws.String("other")
	if _, err := authenticateErr(t, f.env, &badToken, "execute-api", ""); !errors.As(err, &ae) || ae.Code != "InvalidClientTokenId" {
		t.Errorf("wrong session token: %v", err)
	}
	// Unsigned GetCallerIdentity.
	anon := f.env.AWSConfig()
	anon.Credentials = aws.AnonymousCredentials{}
	_, err = f.env.STSClient(anon).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if code, msg := apiError(t, err); code != "MissingAuthenticationToken" || msg != identity.MsgMissingAuth {
		t.Errorf("unsigned: %s %q", code, msg)
	}
	// Expired credentials.
	f.clk.add(61 * time.Minute)
	cfg := f.env.AWSConfig()
	cfg.Credentials = credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretKey, *c.SessionToken)
	_, err = f.env.STSClient(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if code, _ := apiError(t, err); code != "ExpiredToken" {
		t.Errorf("expired credentials: %s", code)
	}
	// Keys the stack did not mint (the static test ones) are accepted.
	out2, err := f.env.STSClient(f.env.AWSConfig()).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil || !strings.Contains(*out2.Arn, ":user/") {
		t.Errorf("static key: %v %v", out2, err)
	}
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Malformed requests get a clear AWS error, never a panic or a 5xx.
func TestMalformedRequests(t *testing.T) {
	f := start(t)
	cases := []struct {
		name, target, contentType, auth, body string
		wantStatus                            int
		wantInBody                            string
	}{
		{"sts: bare Authorization", "", "application/x-www-form-urlencoded", "AWS4-HMAC-SHA256", "Action=GetCallerIdentity&Version=2011-06-15", 400, "IncompleteSignature"},
		{"sts: other algorithm", "", "application/x-www-form-urlencoded", "AWS AKID:sig", "Action=GetCallerIdentity", 400, "IncompleteSignature"},
		{"sts: short credential scope", "", "application/x-www-form-urlencoded", "AWS4-HMAC-SHA256 Credential=AKID/x, SignedHeaders=host, Signature=00", "Action=GetCallerIdentity", 400, "IncompleteSignature"},
		{"sts: unknown action", "", "application/x-www-form-urlencoded", "", "Action=AssumeRole&Version=2011-06-15", 400, "InvalidAction"},
		{"sts: missing parameters", "", "application/x-www-form-urlencoded", "", "Action=AssumeRoleWithWebIdentity", 400, "ValidationError"},
		{"sts: bad duration", "", "application/x-www-form-urlencoded", "", "Action=AssumeRoleWithWebIdentity&RoleArn=arn:aws:iam::1:role/r&RoleSessionName=ab&WebIdentityToken=abcd&DurationSeconds=5", 400, "durationSeconds"},
		{"sts: bad form", "", "application/x-www-form-urlencoded", "", "%zz", 400, "MalformedInput"},
		{"identity: not JSON", "AWSCognitoIdentityService.GetId", "application/x-amz-json-1.1", "", "{", 400, "SerializationException"},
		{"identity: unknown action", "AWSCognitoIdentityService.DeleteEverything", "application/x-amz-json-1.1", "", "{}", 400, "UnknownOperationException"},
		{"identity: no pool id", "AWSCognitoIdentityService.GetId", "application/x-amz-json-1.1", "", "{}", 400, "InvalidParameterException"},
		{"identity: bad account id", "AWSCognitoIdentityService.GetId", "application/x-amz-json-1.1", "", `{"IdentityPoolId":"us-east-1:x","AccountId":"abc"}`, 400, "accountId"},
		{"identity: bad match type", "AWSCognitoIdentityService.SetIdentityPoolRoles", "application/x-amz-json-1.1", "",
			`{"IdentityPoolId":"us-east-1:x","Roles":{},"RoleMappings":{"p":{"Type":"Rules","AmbiguousRoleResolution":"Deny","RulesConfiguration":{"Rules":[{"Claim":"c","MatchType":"Like","Value":"v","RoleARN":"arn:aws:iam::1:role/r"}]}}}}`, 400, "matchType"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, f.env.Endpoint+"/", strings.NewReader(tc.body))
			req.Header.Set("Content-Type", tc.contentType)
			if tc.target != "" {
				req.Header.Set("X-Amz-Target", tc.target)
			}
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var buf bytes.Buffer
			_, _ = buf.ReadFrom(resp.Body)
			if resp.StatusCode != tc.wantStatus || !strings.Contains(buf.String(), tc.wantInBody) {
				t.Errorf("%d %s, want %d with %q", resp.StatusCode, buf.String(), tc.wantStatus, tc.wantInBody)
			}
		})
	}
}
