package call

import (
	"context"
	"errors"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/internal/apicall"
)

// newSigner finds the credentials for --sigv4 by cmdutil.FindSigV4's
// rule (--identity-pool-id, else the local stack's demo identity pool,
// else the target's AWS credential chain), trading the saved session's ID
// token (the demo user's on the local stack: forURL is where the request
// goes, and the demo user signs in only for the local stack).
func (o *CallOptions) newSigner(ctx context.Context, c *Context, forURL string) (*cmdutil.SigV4, error) {
	s, err := c.f.FindSigV4(ctx, c.Target, cmdutil.SigV4Options{
		IdentityPoolID: o.IdentityPoolID,
		ForURL:         forURL,
		IDToken: func(ctx context.Context) (string, error) {
			tokens, err := c.Tokens(ctx, forURL)
			if err != nil {
				return "", err
			}
			return tokens[apicall.TokenID], nil
		},
		NoIDToken: func(poolID string) string {
			return "the session has no ID token to trade at identity pool " + poolID + ": sign in again (cogscope login)"
		},
		HasAWSCredentials: c.hasAWSCredentials,
	})
	var no *cmdutil.NoSigV4Error
	if errors.As(err, &no) {
		return nil, cmdutil.UsageErr("--sigv4: %s", no.Reason)
	}
	return s, err
}
