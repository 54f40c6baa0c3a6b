package cmdutil

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go"
)

// IdentityProviderLister is the one call ListIdentityProviders needs
// (*cognitoidentityprovider.Client).
type IdentityProviderLister interface {
	ListIdentityProviders(ctx context.Context, in *cip.ListIdentityProvidersInput, optFns ...func(*cip.Options)) (*cip.ListIdentityProvidersOutput, error)
}

// maxProviderPages bounds ListIdentityProviders' paging (60 a page): a
// pool has at most 300 providers by default quota, so a server that
// keeps answering with a NextToken is not followed for ever.
const maxProviderPages = 20

// ListIdentityProviders is the names of a pool's federated identity
// providers, every page of ListIdentityProviders, in the order given.
func ListIdentityProviders(ctx context.Context, c IdentityProviderLister, poolID string) ([]string, error) {
	names := []string{}
	in := &cip.ListIdentityProvidersInput{UserPoolId: aws.String(poolID), MaxResults: aws.Int32(60)}
	for range maxProviderPages {
		out, err := c.ListIdentityProviders(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("ListIdentityProviders: %w", err)
		}
		for _, p := range out.Providers {
			if n := aws.ToString(p.ProviderName); n != "" {
				names = append(names, n)
			}
		}
		if aws.ToString(out.NextToken) == "" {
			return names, nil
		}
		in.NextToken = out.NextToken
	}
	return names, fmt.Errorf("ListIdentityProviders: more than %d pages", maxProviderPages)
}

// WhyUnread is why an AWS read (init's Describe calls, the console's
// ListIdentityProviders) failed, in one line: the service's code first,
// what it means for the caller's credentials, then the service's message.
// need names the permission the read wants ("cognito-idp:ListIdentityProviders").
func WhyUnread(err error, need string) string {
	if err == nil {
		return "unknown"
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return err.Error()
	}
	msg := ae.ErrorCode()
	switch ae.ErrorCode() {
	case "AccessDeniedException", "AccessDenied", "NotAuthorizedException":
		msg += " (the credentials lack permission: " + need + ")"
	case "UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException", "MissingAuthenticationTokenException":
		msg += " (the AWS credentials were refused)"
	}
	if m := ae.ErrorMessage(); m != "" {
		msg += ": " + m
	}
	return msg
}
