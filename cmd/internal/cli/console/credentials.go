package console

import (
	"context"
	"errors"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/flows/idpool"
	"github.com/cogscope/cogscope/internal/local/identity"
	"github.com/cogscope/cogscope/ui/service"
)

// AWSCredentials trades the session's ID token for AWS credentials through
// the identity pool named by $COGSCOPE_IDENTITY_POOL_ID, or, against the
// local stack, its demo identity pool (the Tokens view's panel).
func (ct consoleTokens) AWSCredentials(ctx context.Context, idToken string) (*service.AWSCredentials, error) {
	res, err := ct.c.exchange(ctx, idToken, true)
	if err != nil {
		return nil, err
	}
	out := &service.AWSCredentials{IdentityPoolID: res.IdentityPoolID, IdentityID: res.IdentityID, RoleARN: res.RoleARN,
		Rule: "unknown", RuleNote: res.RuleNote, PrincipalTags: res.TagsCopy(), TagsNote: res.TagsNote,
		CallerArn: res.CallerArn, AccessKeyID: res.Credentials.AccessKeyID}
	if res.RuleKnown {
		out.Rule = res.Rule.String()
	}
	if res.Credentials.CanExpire {
		out.Expires = res.Credentials.Expires
	}
	return out, nil
}

var _ service.Credentials = consoleTokens{}

// exchange trades idToken at the console's identity pool
// ($COGSCOPE_IDENTITY_POOL_ID, else the local stack's demo pool). explain
// asks for the role's rule and tags too (when there are AWS credentials
// to read the pool's configuration with). Errors are *service.Failure.
func (c *console) exchange(ctx context.Context, idToken string, explain bool) (*idpool.Result, error) {
	t := c.current()
	if t.Pending {
		return nil, errStarting
	}
	poolID := c.f.Env("COGSCOPE_IDENTITY_POOL_ID")
	if poolID == "" {
		if !t.IsLoopback() {
			return nil, service.NewFailure(flows.Diagnosis{Message: "no identity pool",
				Cause: "The console does not know which identity pool to ask.",
				Fix:   "Set COGSCOPE_IDENTITY_POOL_ID=<region>:<uuid> (or use cogscope credentials --identity-pool-id)."}, errors.New("no identity pool"))
		}
		poolID = identity.DemoPoolID(regionOr(t.Region))
	}
	t.Region = regionOr(t.Region)
	cfg, err := c.f.AWSConfig(ctx, t)
	if err != nil {
		return nil, &service.Failure{Diagnosis: flows.Diagnosis{Message: "AWS configuration: " + err.Error()}, Err: err}
	}
	res, err := idpool.Exchange(ctx, cmdutil.IdentityPoolClients(cfg, t.Endpoint), idpool.Request{IdentityPoolID: poolID, IDToken: idToken,
		NoExplain: !explain || !c.f.HasAWSCredentials(ctx, t)})
	if err != nil {
		return nil, service.NewFailure(idpool.Diagnose(err), err)
	}
	return res, nil
}
