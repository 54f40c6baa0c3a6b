package login

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/awsclient"
)

// What the hosted-UI flows read of the app client itself when they can
// (the local stack, an emulator, or AWS with credentials): the user pool
// of a client named without one, and the loopback callback URL the client
// has registered. Cognito compares callback URLs exactly, port included,
// so a made-up redirect URI would only earn redirect_mismatch.

// hostedClientAPI is the part of the user-pools API these lookups use.
type hostedClientAPI interface {
	ListUserPools(ctx context.Context, in *cip.ListUserPoolsInput, optFns ...func(*cip.Options)) (*cip.ListUserPoolsOutput, error)
	ListUserPoolClients(ctx context.Context, in *cip.ListUserPoolClientsInput, optFns ...func(*cip.Options)) (*cip.ListUserPoolClientsOutput, error)
	DescribeUserPoolClient(ctx context.Context, in *cip.DescribeUserPoolClientInput, optFns ...func(*cip.Options)) (*cip.DescribeUserPoolClientOutput, error)
}

// defaultLookupRegion signs the lookups when nothing names a region: the
// local stack answers whatever the region.
const defaultLookupRegion = "us-east-1"

// hostedAPI builds a user-pools client for the target's admin reads, or
// returns nil when no credentials are worth trying (reading AWS's
// credential chain for nothing can take seconds).
func (l *run) hostedAPI(ctx context.Context, t *cmdutil.Target) hostedClientAPI {
	at := *t
	at.Region = cmdutil.FirstNonEmpty(t.Region, flows.RegionOf(t.UserPoolID), defaultLookupRegion)
	if !l.f.HasAWSCredentials(ctx, at) {
		return nil
	}
	cfg, err := l.f.AWSConfig(ctx, at)
	if err != nil {
		return nil
	}
	return awsclient.Cognito(cfg, t.Endpoint)
}

// findClientPool finds the user pool that has clientID among the pools
// the endpoint serves.
func findClientPool(ctx context.Context, api hostedClientAPI, clientID string) (string, error) {
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

func poolHasClient(ctx context.Context, api hostedClientAPI, poolID, clientID string) (bool, error) {
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

// loopbackCallback is the first of the client's callback URLs the
// terminal can receive: plain http on localhost, 127.0.0.1 or ::1.
func loopbackCallback(callbacks []string) string {
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

// resolveHostedPool fills in the user pool of a hosted-UI target that
// names an endpoint and a client but no pool, issuer or domain: the pool
// that has the client.
func (l *run) resolveHostedPool(ctx context.Context, t *cmdutil.Target) error {
	api := l.hostedAPI(ctx, t)
	if api == nil {
		return cmdutil.UsageErr("no user pool: give --user-pool-id, --issuer or --domain with --client-id %s", t.ClientID)
	}
	pool, err := findClientPool(ctx, api, t.ClientID)
	switch {
	case err != nil:
		return cmdutil.UsageErr("find the user pool of app client %s at %s: %s; give --user-pool-id", t.ClientID, t.Endpoint, oneLine(err))
	case pool == "":
		return cmdutil.UsageErr("no user pool at %s has the app client %s; check --client-id or give --user-pool-id", t.Endpoint, t.ClientID)
	}
	t.UserPoolID = pool
	t.Region = cmdutil.FirstNonEmpty(t.Region, flows.RegionOf(pool))
	return nil
}

// resolveHostedCallback picks the redirect URI of a PKCE sign-in given
// none: the loopback callback URL the app client has registered, its port
// included. Without a way to read the client it stays empty (a free port
// on 127.0.0.1, which the provider must then accept).
func (l *run) resolveHostedCallback(ctx context.Context, t *cmdutil.Target) error {
	api := l.hostedAPI(ctx, t)
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
	if cb := loopbackCallback(callbacks); cb != "" {
		t.RedirectURI = cb
		fmt.Fprintf(l.io.ErrOut, "Using the app client's loopback callback URL %s (give --redirect-uri for another).\n", cb)
		return nil
	}
	registered := "none"
	if len(callbacks) > 0 {
		registered = strings.Join(callbacks, ", ")
	}
	return cmdutil.UsageErr("app client %s has no loopback callback URL the terminal can receive (registered: %s); add one such as http://localhost:8765/callback to its callback URLs and pass it with --redirect-uri",
		t.ClientID, registered)
}

// oneLine is an error's text on one line.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}
