// Package logout is `cogscope logout`: revoke the saved session's tokens
// (RevokeToken, or GlobalSignOut with --global), forget them, and give
// the hosted UI's /logout URL that ends the browser's session.
package logout

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/spf13/cobra"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/cmd/internal/config"
	"github.com/cogscope/cogscope/flows/oauth"
	"github.com/cogscope/cogscope/internal/awsclient"
	"github.com/cogscope/cogscope/internal/termtext"
)

// LogoutOptions are `cogscope logout`'s inputs.
type LogoutOptions struct {
	IO      *cmdutil.IOStreams
	Factory *cmdutil.Factory

	UserPoolID  string
	ClientID    string
	Global      bool   // GlobalSignOut: every session of the user, everywhere
	LogoutURI   string // print the hosted UI's /logout URL landing here
	KeepSession bool   // do not remove the tokens from the session store
	JSON        bool   // print what was done as one JSON document (Doc)
}

// Doc is `cogscope logout --json`: what was signed out, what was
// removed, and the hosted UI's /logout URL when asked for. It holds no
// token.
type Doc struct {
	Session string `json:"session"` // the session store's key
	// Operation is the call that revoked: RevokeToken (the session's
	// refresh token and the access tokens minted from it) or
	// GlobalSignOut (every refresh token of the user, on every device).
	Operation string `json:"operation"`
	Global    bool   `json:"global"`
	// TokensRemoved: the tokens left the session store (false with
	// --keep-session); remembered devices stay.
	TokensRemoved bool   `json:"tokensRemoved"`
	LogoutURL     string `json:"logoutUrl,omitempty"` // --logout-uri: open it to end the hosted UI's browser session
}

// NewCmdLogout signs the saved session out.
func NewCmdLogout(f *cmdutil.Factory, runF func(*LogoutOptions) error) *cobra.Command {
	o := &LogoutOptions{IO: &f.IO, Factory: f}
	cmd := &cobra.Command{
		Use:   "logout",
		Short: "Revoke the saved session's tokens and forget them",
		Long: `Sign the saved session out: RevokeToken revokes its refresh token and the
access tokens minted from it (ID tokens still verify offline until they
expire); --global calls GlobalSignOut instead, which revokes every refresh
token of the user, on every device. The tokens are then removed from the
session store (remembered devices stay).

The hosted UI keeps its own browser session (a cookie on the Cognito
domain): --logout-uri URL prints the domain's /logout URL, which ends it and
lands on URL (one of the app client's sign-out URLs).

--json prints one JSON document on stdout instead of the messages:
{"session", "operation" (RevokeToken or GlobalSignOut), "global",
"tokensRemoved", "logoutUrl" (with --logout-uri)}. On an error stdout is
empty and stderr says why.

Exit codes: 0 signed out, 1 no session or Cognito refused, 2 usage or
network error.`,
		Example: `  cogscope logout
  cogscope --profile dev logout --global
  cogscope logout --logout-uri http://localhost:8765/signed-out | xargs open
  cogscope logout --json | jq -r .operation`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(o)
			}
			return logoutRun(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.UserPoolID, "user-pool-id", "", "user pool ID of the session (default: the profile's)")
	fl.StringVar(&o.ClientID, "client-id", "", "app client ID of the session (default: the profile's)")
	fl.BoolVar(&o.Global, "global", false, "GlobalSignOut: revoke every refresh token of the user, not only this session's")
	fl.StringVar(&o.LogoutURI, "logout-uri", "", "also print the hosted UI's /logout URL that ends the browser session and lands on `URL`")
	fl.BoolVar(&o.KeepSession, "keep-session", false, "keep the (now revoked) tokens in the session store")
	fl.BoolVar(&o.JSON, "json", false, `print {"session", "operation", "global", "tokensRemoved", "logoutUrl"} as JSON`)
	return cmd
}

func logoutRun(ctx context.Context, o *LogoutOptions) error {
	f := o.Factory
	t, sess, err := f.SessionTarget(ctx, cmdutil.TargetFlags{UserPoolID: o.UserPoolID, ClientID: o.ClientID})
	if err != nil {
		return err
	}
	tk := sess.Tokens
	// The logout URL needs nothing revoked; build it first so that a bad
	// --logout-uri is said before anything is undone.
	var logoutURL string
	if o.LogoutURI != "" {
		if t.Issuer == "" {
			return cmdutil.UsageErr("--logout-uri needs the user pool (its issuer's discovery names the /logout endpoint): give --user-pool-id")
		}
		c, err := oauth.New(oauth.Options{Issuer: t.Issuer, ClientID: t.ClientID, HTTPClient: f.HTTPClient(), Now: f.Clock()})
		if err != nil {
			return cmdutil.UsageErr("%s", cmdutil.OptionsText(err))
		}
		logoutURL, err = c.LogoutURL(ctx, oauth.LogoutRequest{LogoutURI: o.LogoutURI, IDTokenHint: tk.IDToken})
		if err != nil {
			return cmdutil.UsageErr("--logout-uri: %s", termtext.Line(cmdutil.OptionsText(err)))
		}
	}

	cfg, err := f.AWSConfig(ctx, t)
	if err != nil {
		return cmdutil.UsageErr("AWS configuration: %v", err)
	}
	api := awsclient.AnonymousCognito(cfg, t.Endpoint)
	doc := Doc{Session: t.SessionKey(t.ClientID), Global: o.Global, LogoutURL: logoutURL}
	// say tells people what was done; --json's document says it instead.
	say := func(line string) {
		if !o.JSON {
			fmt.Fprintln(o.IO.ErrOut, line)
		}
	}
	switch {
	case o.Global:
		if tk.AccessToken == "" {
			return &cmdutil.ExitError{Code: cmdutil.ExitRefused, Err: errors.New("GlobalSignOut needs the session's access token, and it has none")}
		}
		doc.Operation = "GlobalSignOut"
		if _, err := api.GlobalSignOut(ctx, &cip.GlobalSignOutInput{AccessToken: aws.String(tk.AccessToken)}); err != nil {
			return cmdutil.CognitoFailure(doc.Operation, err)
		}
		say("Signed out everywhere: every refresh token of the user is revoked.")
	default:
		if tk.RefreshToken == "" {
			return &cmdutil.ExitError{Code: cmdutil.ExitRefused, Err: fmt.Errorf("the session has no refresh token to revoke (the %s flow gives none); --global signs the user out with the access token", sess.Flow)}
		}
		secret, err := t.ProfileSecret(ctx)
		if err != nil {
			return cmdutil.UsageErr("profile %s: %v", t.Profile, err)
		}
		in := &cip.RevokeTokenInput{Token: aws.String(tk.RefreshToken), ClientId: aws.String(t.ClientID)}
		if secret != "" {
			in.ClientSecret = aws.String(secret)
		}
		doc.Operation = "RevokeToken"
		if _, err := api.RevokeToken(ctx, in); err != nil {
			return cmdutil.CognitoFailure(doc.Operation, err)
		}
		say("Revoked the refresh token and the access tokens minted from it.")
	}
	if !o.KeepSession {
		key := t.SessionKey(t.ClientID)
		err := f.Sessions().Update(key, func(s *config.Session) error {
			s.Tokens = nil
			return nil
		})
		if err != nil {
			return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: fmt.Errorf("signed out, but the session was not updated: %w", err)}
		}
		doc.TokensRemoved = true
		say(fmt.Sprintf("Removed the tokens from session %s.", key))
	}
	if o.JSON {
		enc := json.NewEncoder(o.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(doc)
	}
	if logoutURL != "" {
		fmt.Fprintln(o.IO.ErrOut, "Open this URL in the browser to end the hosted UI's session:")
		fmt.Fprintln(o.IO.Out, logoutURL)
	}
	return nil
}
