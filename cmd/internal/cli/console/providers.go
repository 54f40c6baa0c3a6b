package console

import (
	"context"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/internal/awsclient"
	"github.com/cogscope/cogscope/ui/service"
)

// providersTimeout bounds the console's read of the pool's identity
// providers (the credential chain, then ListIdentityProviders).
const providersTimeout = 5 * time.Second

// providers is what the hosted-UI flow offers as identity providers, for
// every target: the pool's own list (ListIdentityProviders, signed with
// the target's AWS configuration, the same path as every other AWS call;
// the local stack takes any credentials; those the app client supports)
// when it can be read, else the
// profile's hosted_ui.identity_providers, with why the pool was not read.
func (c *console) providers(ctx context.Context) service.ProviderList {
	t := c.current()
	if t.Pending {
		return service.ProviderList{}
	}
	names, unread := c.poolProviders(ctx, t)
	if unread == "" {
		return service.ProviderList{Names: names, From: "ListIdentityProviders"}
	}
	prof, err := c.f.Profile()
	switch {
	case err != nil:
		unread += "; the profile was not read: " + err.Error()
	case len(prof.HostedUI.IdentityProviders) > 0:
		return service.ProviderList{Names: prof.HostedUI.IdentityProviders, From: profileName(t), Unread: unread}
	case prof.Name != "":
		unread += "; profile " + prof.Name + " names none (hosted_ui.identity_providers)"
	}
	return service.ProviderList{Unread: unread}
}

// poolProviders reads the pool's providers; unread says why it could not.
func (c *console) poolProviders(ctx context.Context, t cmdutil.Target) (names []string, unread string) {
	if t.UserPoolID == "" {
		return nil, "no user pool id to list them with"
	}
	ctx, cancel := context.WithTimeout(ctx, providersTimeout)
	defer cancel()
	t.Region = regionOr(t.Region)
	cfg, err := c.f.AWSConfig(ctx, t)
	if err != nil {
		return nil, "AWS configuration: " + err.Error()
	}
	// Asked first, so that "no credentials" is said as such rather than
	// as the SDK's signing error.
	if cfg.Credentials == nil {
		return nil, noCredentials
	}
	if creds, err := cfg.Credentials.Retrieve(ctx); err != nil || !creds.HasKeys() {
		return nil, noCredentials
	}
	cl := awsclient.Cognito(cfg, t.Endpoint)
	names, err = cmdutil.ListIdentityProviders(ctx, cl, t.UserPoolID)
	if err != nil {
		return nil, cmdutil.WhyUnread(err, "cognito-idp:ListIdentityProviders")
	}
	return clientSupported(ctx, cl, t, names), ""
}

// clientSupported keeps the providers the app client lists in its
// SupportedIdentityProviders: the hosted UI refuses the others for this
// client ("unauthorized_client"), so offering them would only lead to that
// error. When the client cannot be described (no permission, an unknown
// client) the pool's whole list is offered.
func clientSupported(ctx context.Context, cl *cip.Client, t cmdutil.Target, names []string) []string {
	if t.ClientID == "" {
		return names
	}
	out, err := cl.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(t.UserPoolID), ClientId: aws.String(t.ClientID)})
	if err != nil || out.UserPoolClient == nil {
		return names
	}
	supported := out.UserPoolClient.SupportedIdentityProviders
	return slices.DeleteFunc(names, func(n string) bool { return !slices.Contains(supported, n) })
}

// noCredentials is why the pool's providers were not read without AWS
// credentials.
const noCredentials = "no AWS credentials (set AWS_PROFILE or AWS_ACCESS_KEY_ID, or the profile's aws_profile)"
