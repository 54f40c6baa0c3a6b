package cognito

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func TestUserPoolLifecycle(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	created := must[*cip.CreateUserPoolOutput](t)(e.client.CreateUserPool(e.ctx, &cip.CreateUserPoolInput{
		PoolName:           aws.String("orders"),
		UsernameAttributes: []types.UsernameAttributeType{types.UsernameAttributeTypeEmail},
		MfaConfiguration:   types.UserPoolMfaTypeOptional,
		Policies: &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{MinimumLength: aws.Int32(12),
			RequireNumbers: true}},
		DeviceConfiguration: &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: true},
		Schema:              []types.SchemaAttributeType{{Name: aws.String("tenant"), AttributeDataType: types.AttributeDataTypeString}},
		UserPoolTags:        map[string]string{"team": "auth"},
	}))
	p := created.UserPool
	if !regexp.MustCompile(`^us-east-1_[0-9A-Za-z]{9}$`).MatchString(*p.Id) {
		t.Errorf("pool id %q", *p.Id)
	}
	if *p.Arn != "arn:aws:cognito-idp:us-east-1:123456789012:userpool/"+*p.Id || *p.Name != "orders" ||
		p.MfaConfiguration != types.UserPoolMfaTypeOptional || *p.Policies.PasswordPolicy.MinimumLength != 12 ||
		p.Policies.PasswordPolicy.RequireUppercase || !p.Policies.PasswordPolicy.RequireNumbers ||
		!p.DeviceConfiguration.ChallengeRequiredOnNewDevice || p.UserPoolTags["team"] != "auth" ||
		p.UsernameAttributes[0] != types.UsernameAttributeTypeEmail || !*p.UsernameConfiguration.CaseSensitive {
		t.Errorf("created pool %+v", p)
	}
	if p.CreationDate == nil || time.Since(*p.CreationDate) > time.Hour {
		t.Errorf("CreationDate %v", p.CreationDate)
	}
	found := false
	for _, a := range p.SchemaAttributes {
		found = found || *a.Name == "custom:tenant"
	}
	if !found || len(p.SchemaAttributes) < 20 {
		t.Errorf("schema has %d attributes, custom:tenant %v", len(p.SchemaAttributes), found)
	}

	desc := must[*cip.DescribeUserPoolOutput](t)(e.client.DescribeUserPool(e.ctx, &cip.DescribeUserPoolInput{UserPoolId: p.Id}))
	if *desc.UserPool.Id != *p.Id || *desc.UserPool.Name != "orders" {
		t.Errorf("described %+v", desc.UserPool)
	}
	must[*cip.UpdateUserPoolOutput](t)(e.client.UpdateUserPool(e.ctx, &cip.UpdateUserPoolInput{UserPoolId: p.Id,
		DeletionProtection: types.DeletionProtectionTypeActive, MfaConfiguration: types.UserPoolMfaTypeOff}))
	_, err := e.client.DeleteUserPool(e.ctx, &cip.DeleteUserPoolInput{UserPoolId: p.Id})
	wantAPIError(t, err, "InvalidParameterException", "The user pool "+*p.Id+" has deletion protection enabled.")
	must[*cip.UpdateUserPoolOutput](t)(e.client.UpdateUserPool(e.ctx, &cip.UpdateUserPoolInput{UserPoolId: p.Id,
		DeletionProtection: types.DeletionProtectionTypeInactive}))
	must[*cip.DeleteUserPoolOutput](t)(e.client.DeleteUserPool(e.ctx, &cip.DeleteUserPoolInput{UserPoolId: p.Id}))
	_, err = e.client.DescribeUserPool(e.ctx, &cip.DescribeUserPoolInput{UserPoolId: p.Id})
	wantAPIError(t, err, "ResourceNotFoundException", "User pool "+*p.Id+" does not exist.")

	_, err = e.client.CreateUserPool(e.ctx, &cip.CreateUserPoolInput{PoolName: aws.String("x"),
		AliasAttributes: []types.AliasAttributeType{types.AliasAttributeTypeEmail}, UsernameAttributes: []types.UsernameAttributeType{types.UsernameAttributeTypeEmail}})
	wantAPIError(t, err, "InvalidParameterException", "Only one of the aliasAttributes or usernameAttributes can be set in a User Pool")
}

func TestListUserPoolsPaginates(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	for i := 0; i < 5; i++ {
		must[*cip.CreateUserPoolOutput](t)(e.client.CreateUserPool(e.ctx, &cip.CreateUserPoolInput{PoolName: aws.String("p")}))
	}
	seen := map[string]bool{}
	var token *string
	pages := 0
	for {
		out := must[*cip.ListUserPoolsOutput](t)(e.client.ListUserPools(e.ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(2), NextToken: token}))
		pages++
		for _, p := range out.UserPools {
			if seen[*p.Id] || p.CreationDate == nil {
				t.Errorf("pool %v repeated or without date", *p.Id)
			}
			seen[*p.Id] = true
		}
		if out.NextToken == nil {
			break
		}
		token = out.NextToken
	}
	if len(seen) != 5 || pages != 3 {
		t.Errorf("saw %d pools in %d pages", len(seen), pages)
	}
	_, err := e.client.ListUserPools(e.ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(61)})
	wantAPIError(t, err, "InvalidParameterException", "1 validation error detected: Value '61' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 60")
}

func TestUserPoolClients(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	pool := aws.String(DemoPoolID)
	c := must[*cip.CreateUserPoolClientOutput](t)(e.client.CreateUserPoolClient(e.ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: pool, ClientName: aws.String("web"), GenerateSecret: true,
		ExplicitAuthFlows:   []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
		AccessTokenValidity: aws.Int32(30), TokenValidityUnits: &types.TokenValidityUnitsType{AccessToken: types.TimeUnitsTypeMinutes},
		AllowedOAuthFlows:  []types.OAuthFlowType{types.OAuthFlowTypeCode, types.OAuthFlowTypeClientCredentials},
		AllowedOAuthScopes: []string{"openid", "cogscope-api/read"}, AllowedOAuthFlowsUserPoolClient: true,
		CallbackURLs: []string{"https://app.example.com/cb"}, LogoutURLs: []string{"https://app.example.com/bye"},
		SupportedIdentityProviders: []string{"COGNITO"}, PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled,
		AuthSessionValidity:  aws.Int32(5),
		RefreshTokenRotation: &types.RefreshTokenRotationType{Feature: types.FeatureTypeEnabled, RetryGracePeriodSeconds: aws.Int32(30)},
	})).UserPoolClient
	if !regexp.MustCompile(`^[a-z0-9]{26}$`).MatchString(*c.ClientId) || !regexp.MustCompile(`^[a-z0-9]{51}$`).MatchString(*c.ClientSecret) {
		t.Errorf("client id %q secret %q", *c.ClientId, *c.ClientSecret)
	}
	d := must[*cip.DescribeUserPoolClientOutput](t)(e.client.DescribeUserPoolClient(e.ctx, &cip.DescribeUserPoolClientInput{UserPoolId: pool, ClientId: c.ClientId})).UserPoolClient
	if *d.AccessTokenValidity != 30 || d.TokenValidityUnits.AccessToken != types.TimeUnitsTypeMinutes ||
		d.TokenValidityUnits.IdToken != types.TimeUnitsTypeMinutes || *d.IdTokenValidity != 60 || d.RefreshTokenValidity != 30 ||
		*d.ClientSecret != *c.ClientSecret || len(d.AllowedOAuthFlows) != 2 || d.AllowedOAuthScopes[1] != "cogscope-api/read" ||
		d.CallbackURLs[0] != "https://app.example.com/cb" || d.LogoutURLs[0] != "https://app.example.com/bye" ||
		!*d.AllowedOAuthFlowsUserPoolClient || d.PreventUserExistenceErrors != types.PreventUserExistenceErrorTypesEnabled ||
		!*d.EnableTokenRevocation || *d.AuthSessionValidity != 5 || d.RefreshTokenRotation.Feature != types.FeatureTypeEnabled ||
		*d.RefreshTokenRotation.RetryGracePeriodSeconds != 30 || d.SupportedIdentityProviders[0] != "COGNITO" {
		t.Errorf("described client %+v", d)
	}
	// Defaults of a bare client.
	bare := must[*cip.CreateUserPoolClientOutput](t)(e.client.CreateUserPoolClient(e.ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: pool, ClientName: aws.String("bare")})).UserPoolClient
	if bare.ClientSecret != nil || len(bare.ExplicitAuthFlows) != 3 || *bare.AuthSessionValidity != 3 ||
		bare.PreventUserExistenceErrors != types.PreventUserExistenceErrorTypesLegacy || *bare.AccessTokenValidity != 60 {
		t.Errorf("bare client %+v", bare)
	}

	for _, tc := range []struct {
		name     string
		in       cip.CreateUserPoolClientInput
		typ, msg string
	}{
		{"unknown scope", cip.CreateUserPoolClientInput{AllowedOAuthScopes: []string{"nope/read"}}, "ScopeDoesNotExistException", "Invalid scope requested: nope/read"},
		{"client credentials without secret", cip.CreateUserPoolClientInput{AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeClientCredentials}},
			"InvalidOAuthFlowException", "client_credentials flow can not be selected if client does not have a client secret."},
		{"unknown provider", cip.CreateUserPoolClientInput{SupportedIdentityProviders: []string{"Google"}}, "InvalidParameterException",
			"The provider Google does not exist for User Pool " + DemoPoolID},
		{"validity out of range", cip.CreateUserPoolClientInput{AccessTokenValidity: aws.Int32(2), TokenValidityUnits: &types.TokenValidityUnitsType{AccessToken: types.TimeUnitsTypeMinutes}},
			"InvalidParameterException", "Invalid range for token validity."},
		{"session validity out of range", cip.CreateUserPoolClientInput{AuthSessionValidity: aws.Int32(20)}, "InvalidParameterException",
			"1 validation error detected: Value '20' at 'authSessionValidity' failed to satisfy constraint: Member must have value less than or equal to 15"},
		{"unknown flow", cip.CreateUserPoolClientInput{ExplicitAuthFlows: []types.ExplicitAuthFlowsType{"ALLOW_EVERYTHING"}}, "InvalidParameterException",
			"1 validation error detected: Value 'ALLOW_EVERYTHING' at 'explicitAuthFlows' failed to satisfy constraint: Member must satisfy enum value set: [ADMIN_NO_SRP_AUTH, CUSTOM_AUTH_FLOW_ONLY, USER_PASSWORD_AUTH, ALLOW_ADMIN_USER_PASSWORD_AUTH, ALLOW_CUSTOM_AUTH, ALLOW_USER_PASSWORD_AUTH, ALLOW_USER_SRP_AUTH, ALLOW_REFRESH_TOKEN_AUTH, ALLOW_USER_AUTH]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.UserPoolId, in.ClientName = pool, aws.String(tc.name)
			_, err := e.client.CreateUserPoolClient(e.ctx, &in)
			wantAPIError(t, err, tc.typ, tc.msg)
		})
	}

	list := must[*cip.ListUserPoolClientsOutput](t)(e.client.ListUserPoolClients(e.ctx, &cip.ListUserPoolClientsInput{UserPoolId: pool, MaxResults: aws.Int32(60)}))
	if len(list.UserPoolClients) != 7 || list.NextToken != nil {
		t.Errorf("listed %d clients", len(list.UserPoolClients))
	}
	// UpdateUserPoolClient resets omitted settings, as Cognito's does.
	up := must[*cip.UpdateUserPoolClientOutput](t)(e.client.UpdateUserPoolClient(e.ctx, &cip.UpdateUserPoolClientInput{
		UserPoolId: pool, ClientId: c.ClientId, ClientName: aws.String("web2")})).UserPoolClient
	if *up.ClientName != "web2" || len(up.CallbackURLs) != 0 || up.RefreshTokenRotation != nil || *up.ClientSecret != *c.ClientSecret {
		t.Errorf("updated %+v", up)
	}
	must[*cip.DeleteUserPoolClientOutput](t)(e.client.DeleteUserPoolClient(e.ctx, &cip.DeleteUserPoolClientInput{UserPoolId: pool, ClientId: c.ClientId}))
	_, err := e.client.DescribeUserPoolClient(e.ctx, &cip.DescribeUserPoolClientInput{UserPoolId: pool, ClientId: c.ClientId})
	wantAPIError(t, err, "ResourceNotFoundException", "User pool client "+*c.ClientId+" does not exist.")
}

func TestPoolMfaConfig(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	p := must[*cip.CreateUserPoolOutput](t)(e.client.CreateUserPool(e.ctx, &cip.CreateUserPoolInput{PoolName: aws.String("m")})).UserPool
	_, err := e.client.SetUserPoolMfaConfig(e.ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: p.Id, MfaConfiguration: types.UserPoolMfaTypeOn})
	wantAPIError(t, err, "InvalidParameterException", "At least one MFA method must be enabled when MFA is ON or OPTIONAL.")
	out := must[*cip.SetUserPoolMfaConfigOutput](t)(e.client.SetUserPoolMfaConfig(e.ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: p.Id,
		MfaConfiguration: types.UserPoolMfaTypeOn, SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}}))
	if out.MfaConfiguration != types.UserPoolMfaTypeOn || !out.SoftwareTokenMfaConfiguration.Enabled {
		t.Errorf("%+v", out)
	}
	got := must[*cip.GetUserPoolMfaConfigOutput](t)(e.client.GetUserPoolMfaConfig(e.ctx, &cip.GetUserPoolMfaConfigInput{UserPoolId: p.Id}))
	if got.MfaConfiguration != types.UserPoolMfaTypeOn || !got.SoftwareTokenMfaConfiguration.Enabled || got.SmsMfaConfiguration != nil {
		t.Errorf("%+v", got)
	}
}

func TestDomainsAndResourceServers(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	pool := aws.String(DemoPoolID)
	_, err := e.client.CreateUserPoolDomain(e.ctx, &cip.CreateUserPoolDomainInput{Domain: aws.String("another"), UserPoolId: pool})
	wantAPIError(t, err, "InvalidParameterException", "User pool "+DemoPoolID+" already has a domain configured.")
	must[*cip.DeleteUserPoolDomainOutput](t)(e.client.DeleteUserPoolDomain(e.ctx, &cip.DeleteUserPoolDomainInput{Domain: aws.String(DemoDomain), UserPoolId: pool}))
	must[*cip.CreateUserPoolDomainOutput](t)(e.client.CreateUserPoolDomain(e.ctx, &cip.CreateUserPoolDomainInput{Domain: aws.String("demo"), UserPoolId: pool}))
	d := must[*cip.DescribeUserPoolDomainOutput](t)(e.client.DescribeUserPoolDomain(e.ctx, &cip.DescribeUserPoolDomainInput{Domain: aws.String("demo")}))
	if *d.DomainDescription.UserPoolId != DemoPoolID || d.DomainDescription.Status != types.DomainStatusTypeActive {
		t.Errorf("%+v", d.DomainDescription)
	}
	if id, ok := e.svc.PoolForDomain("demo"); !ok || id != DemoPoolID {
		t.Errorf("PoolForDomain = %q %v", id, ok)
	}
	none := must[*cip.DescribeUserPoolDomainOutput](t)(e.client.DescribeUserPoolDomain(e.ctx, &cip.DescribeUserPoolDomainInput{Domain: aws.String("other")}))
	if none.DomainDescription.UserPoolId != nil {
		t.Errorf("unknown domain described as %+v", none.DomainDescription)
	}
	_, err = e.client.CreateUserPoolDomain(e.ctx, &cip.CreateUserPoolDomainInput{Domain: aws.String("demo"), UserPoolId: pool})
	wantAPIError(t, err, "InvalidParameterException", "Domain already associated with this user pool")
	must[*cip.DeleteUserPoolDomainOutput](t)(e.client.DeleteUserPoolDomain(e.ctx, &cip.DeleteUserPoolDomainInput{Domain: aws.String("demo"), UserPoolId: pool}))
	if _, ok := e.svc.PoolForDomain("demo"); ok {
		t.Error("domain still mapped after delete")
	}

	rs := must[*cip.CreateResourceServerOutput](t)(e.client.CreateResourceServer(e.ctx, &cip.CreateResourceServerInput{UserPoolId: pool,
		Identifier: aws.String("https://orders.example.com"), Name: aws.String("orders"),
		Scopes: []types.ResourceServerScopeType{{ScopeName: aws.String("read"), ScopeDescription: aws.String("r")}}})).ResourceServer
	if *rs.Identifier != "https://orders.example.com" || *rs.Scopes[0].ScopeName != "read" {
		t.Errorf("%+v", rs)
	}
	_, err = e.client.CreateResourceServer(e.ctx, &cip.CreateResourceServerInput{UserPoolId: pool, Identifier: aws.String("https://orders.example.com"), Name: aws.String("x")})
	wantAPIError(t, err, "InvalidParameterException", "https://orders.example.com already exists in user pool "+DemoPoolID+".")
	list := must[*cip.ListResourceServersOutput](t)(e.client.ListResourceServers(e.ctx, &cip.ListResourceServersInput{UserPoolId: pool, MaxResults: aws.Int32(10)}))
	if len(list.ResourceServers) != 3 {
		t.Errorf("%d resource servers", len(list.ResourceServers))
	}
	// The new scope can now be allowed on a client.
	must[*cip.CreateUserPoolClientOutput](t)(e.client.CreateUserPoolClient(e.ctx, &cip.CreateUserPoolClientInput{UserPoolId: pool,
		ClientName: aws.String("orders"), AllowedOAuthScopes: []string{"https://orders.example.com/read"}}))
	hp := must[HostedPool](t)(e.svc.Pool(DemoPoolID))
	if len(hp.CustomScopes) != 4 || !slices.Contains(hp.CustomScopes, "https://orders.example.com/read") {
		t.Errorf("custom scopes %v", hp.CustomScopes)
	}
}

func TestCustomDomain(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	p := must[*cip.CreateUserPoolOutput](t)(e.client.CreateUserPool(e.ctx, &cip.CreateUserPoolInput{PoolName: aws.String("custom")})).UserPool
	_, err := e.client.CreateUserPoolDomain(e.ctx, &cip.CreateUserPoolDomainInput{Domain: aws.String("not a domain"), UserPoolId: p.Id,
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: aws.String("arn:aws:acm:us-east-1:123456789012:certificate/x")}})
	wantAPIError(t, err, "InvalidParameterException", "Custom domain not a domain is not a valid fully qualified domain name (e.g. auth.example.com).")
	out := must[*cip.CreateUserPoolDomainOutput](t)(e.client.CreateUserPoolDomain(e.ctx, &cip.CreateUserPoolDomainInput{Domain: aws.String("auth.example.com"),
		UserPoolId: p.Id, CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: aws.String("arn:aws:acm:us-east-1:123456789012:certificate/x")}}))
	if out.CloudFrontDomain == nil || !regexp.MustCompile(`^d[0-9a-f]{14}\.cloudfront\.net$`).MatchString(*out.CloudFrontDomain) {
		t.Errorf("CloudFrontDomain %v", out.CloudFrontDomain)
	}
	d := must[*cip.DescribeUserPoolOutput](t)(e.client.DescribeUserPool(e.ctx, &cip.DescribeUserPoolInput{UserPoolId: p.Id})).UserPool
	if *d.CustomDomain != "auth.example.com" {
		t.Errorf("CustomDomain %v", d.CustomDomain)
	}
	dd := must[*cip.DescribeUserPoolDomainOutput](t)(e.client.DescribeUserPoolDomain(e.ctx, &cip.DescribeUserPoolDomainInput{Domain: aws.String("auth.example.com")}))
	if *dd.DomainDescription.CustomDomainConfig.CertificateArn != "arn:aws:acm:us-east-1:123456789012:certificate/x" {
		t.Errorf("%+v", dd.DomainDescription)
	}
	_, body := getJSON(t, e.srv.URL+"/"+*p.Id+"/.well-known/openid-configuration")
	if !strings.Contains(string(body), `"token_endpoint":"https://auth.example.com/oauth2/token"`) {
		t.Errorf("discovery %s", body)
	}
}
