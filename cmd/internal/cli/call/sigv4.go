package call

import (
	"context"
	"net/url"
	"strings"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/flows/idpool"
	"github.com/cogscope/cogscope/internal/apicall"
	"github.com/cogscope/cogscope/internal/local/identity"
	"github.com/cogscope/cogscope/internal/termtext"
)

// sigv4Signer is --sigv4: the credentials the request is signed with
// (cmdutil.SigV4 signs, and redacts what the answer might echo) and where
// they came from.
type sigv4Signer struct {
	cmdutil.SigV4
	// source says where the credentials came from, for stderr.
	source string
}

// newSigner finds the credentials for --sigv4, by one rule:
//
//   - --identity-pool-id: the session's ID token traded at that identity
//     pool (GetId, GetCredentialsForIdentity);
//   - else, on the local stack: the same at its demo identity pool;
//   - else: the standard AWS chain of the target (AWS_PROFILE, the
//     profile's aws_profile, the environment, ...).
//
// forURL is where the request goes (the demo user signs in only for the
// local stack).
func (o *CallOptions) newSigner(ctx context.Context, c *Context, forURL string) (*sigv4Signer, error) {
	t := c.Target
	s := &sigv4Signer{SigV4: cmdutil.SigV4{Now: c.f.Clock()}}
	poolID := o.IdentityPoolID
	if poolID == "" && t.IsLoopback() {
		poolID = identity.DemoPoolID(cmdutil.FirstNonEmpty(t.Region, flows.RegionOf(t.UserPoolID), "us-east-1"))
	}
	cfg, err := c.f.AWSConfig(ctx, t)
	if err != nil {
		return nil, cmdutil.UsageErr("AWS configuration: %v", err)
	}
	if poolID == "" {
		if !c.hasAWSCredentials(ctx) {
			return nil, cmdutil.UsageErr("--sigv4: no AWS credentials (set AWS_PROFILE, or aws_profile in the profile), and no --identity-pool-id to get some from")
		}
		cr, err := cfg.Credentials.Retrieve(ctx)
		if err != nil {
			return nil, cmdutil.UsageErr("--sigv4: AWS credentials: %s", termtext.Line(err.Error()))
		}
		s.Creds, s.source = cr, "the AWS credential chain"
		s.Region = cmdutil.FirstNonEmpty(regionOfURL(forURL), t.Region, cfg.Region)
	} else {
		tokens, err := c.Tokens(ctx, forURL)
		if err != nil {
			return nil, err
		}
		if tokens[apicall.TokenID] == "" {
			return nil, cmdutil.UsageErr("--sigv4: the session has no ID token to trade at identity pool %s: sign in again (cogscope login)", termtext.Line(poolID))
		}
		res, err := idpool.Exchange(ctx, cmdutil.IdentityPoolClients(cfg, t.Endpoint), idpool.Request{IdentityPoolID: poolID, IDToken: tokens[apicall.TokenID], NoExplain: true})
		if err != nil {
			d := idpool.Diagnose(err)
			return nil, cmdutil.UsageErr("--sigv4: credentials from identity pool %s: %s", termtext.Line(poolID), termtext.Line(d.Message))
		}
		region, _, _ := strings.Cut(poolID, ":")
		s.Creds, s.Region = res.Credentials, region
		s.source = "identity pool " + termtext.Line(poolID) + " (role " + termtext.Line(res.RoleARN) + ")"
	}
	if s.Region == "" {
		return nil, cmdutil.UsageErr("--sigv4: no region to sign for (set --region)")
	}
	return s, nil
}

// regionOfURL is the region of an execute-api host
// (<id>.execute-api.<region>.amazonaws.com), else "".
func regionOfURL(u string) string {
	pu, err := url.Parse(u)
	if err != nil {
		return ""
	}
	_, rest, ok := strings.Cut(pu.Hostname(), ".execute-api.")
	if !ok {
		return ""
	}
	region, _, _ := strings.Cut(rest, ".")
	return region
}

// validIdentityPoolID is <region>:<uuid>, as Cognito spells it.
func validIdentityPoolID(id string) bool {
	region, uuid, ok := strings.Cut(id, ":")
	if !ok || region == "" || len(uuid) != 36 || strings.Count(uuid, "-") != 4 {
		return false
	}
	for _, r := range region + uuid {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}
