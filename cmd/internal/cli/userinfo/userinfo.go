// Package userinfo is `cogscope userinfo`: who the saved session's access
// token belongs to, from Cognito's GetUser or the hosted UI's
// /oauth2/userInfo.
package userinfo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/spf13/cobra"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/flows/oauth"
	"github.com/cogscope/cogscope/internal/awsclient"
	"github.com/cogscope/cogscope/internal/termtext"
)

// UserinfoOptions are `cogscope userinfo`'s inputs.
type UserinfoOptions struct {
	IO      *cmdutil.IOStreams
	Factory *cmdutil.Factory

	UserPoolID string
	ClientID   string
	OAuth      bool // /oauth2/userInfo instead of GetUser
	JSON       bool
}

// NewCmdUserinfo prints the user of the saved session's access token.
func NewCmdUserinfo(f *cmdutil.Factory, runF func(*UserinfoOptions) error) *cobra.Command {
	o := &UserinfoOptions{IO: &f.IO, Factory: f}
	cmd := &cobra.Command{
		Use:   "userinfo",
		Short: "Show the user of the saved session's access token (GetUser or /oauth2/userInfo)",
		Long: `Ask Cognito who the saved session's access token belongs to: GetUser (any
access token; the user's attributes and MFA settings), or with --oauth the
hosted UI's /oauth2/userInfo (access tokens with the openid scope; the
claims the scopes allow).

Exit codes: 0 shown, 1 no session or Cognito refused the token, 2 usage or
network error.`,
		Example: `  cogscope userinfo
  cogscope --profile dev userinfo --oauth --json | jq -r .email`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(o)
			}
			return userinfoRun(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.UserPoolID, "user-pool-id", "", "user pool ID of the session (default: the profile's)")
	fl.StringVar(&o.ClientID, "client-id", "", "app client ID of the session (default: the profile's)")
	fl.BoolVar(&o.OAuth, "oauth", false, "ask the hosted UI's /oauth2/userInfo (found through the pool's OpenID discovery) instead of GetUser")
	fl.BoolVar(&o.JSON, "json", false, "print the answer as JSON")
	return cmd
}

func userinfoRun(ctx context.Context, o *UserinfoOptions) error {
	f := o.Factory
	t, sess, err := f.SessionTarget(ctx, cmdutil.TargetFlags{UserPoolID: o.UserPoolID, ClientID: o.ClientID})
	if err != nil {
		return err
	}
	access := sess.Tokens.AccessToken
	if access == "" {
		return &cmdutil.ExitError{Code: cmdutil.ExitRefused, Err: errors.New("the saved session has no access token")}
	}
	var claims map[string]any
	if o.OAuth {
		if t.Issuer == "" {
			return cmdutil.UsageErr("--oauth needs the user pool (its issuer's discovery names /oauth2/userInfo): give --user-pool-id")
		}
		c, err := oauth.New(oauth.Options{Issuer: t.Issuer, ClientID: t.ClientID, HTTPClient: f.HTTPClient(), Now: f.Clock()})
		if err != nil {
			return cmdutil.UsageErr("%s", cmdutil.OptionsText(err))
		}
		claims, err = c.UserInfo(ctx, access)
		if err != nil {
			var oe *oauth.Error
			var he *oauth.HTTPError
			if errors.As(err, &oe) || errors.As(err, &he) {
				return &cmdutil.ExitError{Code: cmdutil.ExitRefused, Err: fmt.Errorf("userInfo refused: %s", termtext.Line(err.Error()))}
			}
			return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: fmt.Errorf("userInfo: %s", termtext.Line(err.Error()))}
		}
	} else {
		cfg, err := f.AWSConfig(ctx, t)
		if err != nil {
			return cmdutil.UsageErr("AWS configuration: %v", err)
		}
		out, err := awsclient.AnonymousCognito(cfg, t.Endpoint).GetUser(ctx, &cip.GetUserInput{AccessToken: aws.String(access)})
		if err != nil {
			return cmdutil.CognitoFailure("GetUser", err)
		}
		claims = map[string]any{"username": aws.ToString(out.Username)}
		for _, a := range out.UserAttributes {
			claims[aws.ToString(a.Name)] = aws.ToString(a.Value)
		}
		if out.PreferredMfaSetting != nil {
			claims["preferred_mfa"] = aws.ToString(out.PreferredMfaSetting)
		}
		if len(out.UserMFASettingList) > 0 {
			claims["mfa"] = out.UserMFASettingList
		}
	}
	if o.JSON {
		enc := json.NewEncoder(o.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(claims) // JSON escapes controls
	}
	keys := make([]string, 0, len(claims))
	for k := range claims {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := fmt.Sprint(claims[k])
		if s, ok := claims[k].(string); ok {
			v = s
		}
		if _, err := fmt.Fprintf(o.IO.Out, "%s: %s\n", termtext.Line(k), termtext.Line(v)); err != nil {
			return err
		}
	}
	return nil
}
