package cmdutil

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/awsclient"
	"github.com/cogscope/cogscope/internal/termtext"
)

// What the hosted-UI flows (login's and replay's) read of the app client
// itself when they can (the local stack, an emulator, or AWS with
// credentials): the user pool of a client named without one, and the
// loopback callback URL the client has registered. Cognito compares
// callback URLs exactly, port included, so a made-up redirect URI would
// only earn redirect_mismatch.

// HostedClientAPI is the part of the user-pools API these lookups use.
type HostedClientAPI interface {
	ListUserPools(ctx context.Context, in *cip.ListUserPoolsInput, optFns ...func(*cip.Options)) (*cip.ListUserPoolsOutput, error)
	ListUserPoolClients(ctx context.Context, in *cip.ListUserPoolClientsInput, optFns ...func(*cip.Options)) (*cip.ListUserPoolClientsOutput, error)
	DescribeUserPoolClient(ctx context.Context, in *cip.DescribeUserPoolClientInput, optFns ...func(*cip.Options)) (*cip.DescribeUserPoolClientOutput, error)
}

// defaultLookupRegion signs the lookups when nothing names a region: the
// local stack answers whatever the region.
const defaultLookupRegion = "us-east-1"

// HostedAPI builds a user-pools client for the target's admin reads, or
// returns nil when no credentials are worth trying (reading AWS's
// credential chain for nothing can take seconds).
func (f *Factory) HostedAPI(ctx context.Context, t Target) HostedClientAPI {
	t.Region = FirstNonEmpty(t.Region, flows.RegionOf(t.UserPoolID), defaultLookupRegion)
	if !f.HasAWSCredentials(ctx, t) {
		return nil
	}
	cfg, err := f.AWSConfig(ctx, t)
	if err != nil {
		return nil
	}
	return awsclient.Cognito(cfg, t.Endpoint)
}

// FindClientPool finds the user pool that has clientID among the pools
// the endpoint serves ("" when none has it), reading every page.
func FindClientPool(ctx context.Context, api HostedClientAPI, clientID string) (string, error) {
	var next *string
	for {
		pools, err := api.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(60), NextToken: next})
		if err != nil {
			return "", err
		}
		for _, p := range pools.UserPools {
			found, err := poolHasClient(ctx, api, aws.ToString(p.Id), clientID)
			if err != nil {
				return "", err
			}
			if found {
				return aws.ToString(p.Id), nil
			}
		}
		if next = pools.NextToken; aws.ToString(next) == "" {
			return "", nil
		}
	}
}

func poolHasClient(ctx context.Context, api HostedClientAPI, poolID, clientID string) (bool, error) {
	var next *string
	for {
		out, err := api.ListUserPoolClients(ctx, &cip.ListUserPoolClientsInput{UserPoolId: aws.String(poolID), MaxResults: aws.Int32(60), NextToken: next})
		if err != nil {
			return false, err
		}
		for _, c := range out.UserPoolClients {
			if aws.ToString(c.ClientId) == clientID {
				return true, nil
			}
		}
		if next = out.NextToken; aws.ToString(next) == "" {
			return false, nil
		}
	}
}

// LoopbackCallback is the first of the client's callback URLs the
// terminal can receive: plain http on localhost, 127.0.0.1 or ::1.
func LoopbackCallback(callbacks []string) string {
	for _, raw := range callbacks {
		u, err := url.Parse(raw)
		if err != nil || u.Scheme != "http" || u.Fragment != "" {
			continue
		}
		host := u.Hostname()
		if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
			return raw
		}
	}
	return ""
}

// ResolveHostedPool fills in the user pool of a hosted-UI target that
// names an endpoint and a client but no pool, issuer or domain: the pool
// that has the client.
func (f *Factory) ResolveHostedPool(ctx context.Context, t *Target) error {
	api := f.HostedAPI(ctx, *t)
	if api == nil {
		return UsageErr("no user pool: give --user-pool-id, --issuer or --domain with --client-id %s", t.ClientID)
	}
	pool, err := FindClientPool(ctx, api, t.ClientID)
	switch {
	case err != nil:
		return UsageErr("find the user pool of app client %s at %s: %s; give --user-pool-id", t.ClientID, t.Endpoint, oneLine(err))
	case pool == "":
		return UsageErr("no user pool at %s has the app client %s; check --client-id or give --user-pool-id", t.Endpoint, t.ClientID)
	}
	t.UserPoolID = pool
	t.Region = FirstNonEmpty(t.Region, flows.RegionOf(pool))
	return nil
}

// ResolveHostedCallback picks the redirect URI of a PKCE sign-in given
// none: the loopback callback URL the app client has registered, its port
// included, said on w. Without a way to read the client it stays empty (a
// free port on 127.0.0.1, which the provider must then accept); a client
// that registers no loopback callback is a usage error.
func (f *Factory) ResolveHostedCallback(ctx context.Context, t *Target, w io.Writer) error {
	api := f.HostedAPI(ctx, *t)
	if api == nil {
		return nil
	}
	out, err := api.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(t.UserPoolID), ClientId: aws.String(t.ClientID)})
	if err != nil || out.UserPoolClient == nil {
		// Not allowed to read it (no cognito-idp:DescribeUserPoolClient):
		// go on with a free port, and the authorize check says the rest.
		return nil
	}
	callbacks := out.UserPoolClient.CallbackURLs
	if cb := LoopbackCallback(callbacks); cb != "" {
		t.RedirectURI = cb
		fmt.Fprintf(w, "Using the app client's loopback callback URL %s (give --redirect-uri for another).\n", termtext.Line(cb))
		return nil
	}
	registered := "none"
	if len(callbacks) > 0 {
		registered = strings.Join(callbacks, ", ")
	}
	return UsageErr("app client %s has no loopback callback URL the terminal can receive (registered: %s); add one such as http://localhost:8765/callback to its callback URLs and pass it with --redirect-uri",
		t.ClientID, registered)
}

// oneLine is an error's text on one line.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}
