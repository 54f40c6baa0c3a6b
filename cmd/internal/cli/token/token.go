// Package token is `cogscope token`: one token of the saved session on
// stdout, for a shell (as `gh auth token`).
package token

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/flows"
)

// TokenOptions are `cogscope token`'s inputs.
type TokenOptions struct {
	IO      *cmdutil.IOStreams
	Factory *cmdutil.Factory

	Kind       string // access, id, refresh
	UserPoolID string
	ClientID   string
	// AllowExpired prints an expired access or ID token anyway.
	AllowExpired bool
}

// Kinds are the tokens a session holds, by the name the command takes.
var Kinds = []string{"access", "id", "refresh"}

// NewCmdToken prints a token of the saved session. runF, when not nil,
// is called with the parsed options instead of tokenRun.
func NewCmdToken(f *cmdutil.Factory, runF func(*TokenOptions) error) *cobra.Command {
	o := &TokenOptions{IO: &f.IO, Factory: f}
	cmd := &cobra.Command{
		Use:   "token [access|id|refresh]",
		Short: "Print a token of the saved session, for a shell",
		Long: `Print one token of the session ` + "`cogscope login`" + ` (or the console) saved, alone on
stdout: the access token by default, or the ID or refresh token.

The session is the target's: --user-pool-id and --client-id, else the
profile's, else the demo pool of the ` + "`cogscope local`" + ` at --endpoint. An access or
ID token that has expired is refused (exit 1) unless --allow-expired:
refresh it with ` + "`cogscope login --flow refresh`" + `.

Exit codes: 0 printed, 1 no session or the token expired, 2 usage.`,
		Example: `  curl -H "Authorization: Bearer $(cogscope token)" https://api.example.com/me
  cogscope --profile dev token id | cogscope inspect -
  cogscope --endpoint http://127.0.0.1:9229 token refresh`,
		Args:      cobra.MaximumNArgs(1),
		ValidArgs: []cobra.Completion{"access\tthe access token (default)", "id\tthe ID token", "refresh\tthe refresh token"},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Kind = "access"
			if len(args) == 1 {
				o.Kind = args[0]
			}
			if runF != nil {
				return runF(o)
			}
			return tokenRun(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.UserPoolID, "user-pool-id", "", "user pool ID of the session (default: the profile's)")
	fl.StringVar(&o.ClientID, "client-id", "", "app client ID of the session (default: the profile's)")
	fl.BoolVar(&o.AllowExpired, "allow-expired", false, "print an expired access or ID token instead of refusing")
	return cmd
}

func tokenRun(ctx context.Context, o *TokenOptions) error {
	f := o.Factory
	var pick func(access, id, refresh string) string
	switch o.Kind {
	case "access":
		pick = func(a, _, _ string) string { return a }
	case "id":
		pick = func(_, i, _ string) string { return i }
	case "refresh":
		pick = func(_, _, r string) string { return r }
	default:
		return cmdutil.UsageErr("unknown token %q: want access, id or refresh", o.Kind)
	}
	t, sess, err := f.SessionTarget(ctx, cmdutil.TargetFlags{UserPoolID: o.UserPoolID, ClientID: o.ClientID})
	if err != nil {
		return err
	}
	tk := pick(sess.Tokens.AccessToken, sess.Tokens.IDToken, sess.Tokens.RefreshToken)
	if tk == "" {
		return &cmdutil.ExitError{Code: cmdutil.ExitRefused, Err: fmt.Errorf("the session %s has no %s token (the %s flow gives none)", t.SessionKey(t.ClientID), o.Kind, sess.Flow)}
	}
	if strings.ContainsFunc(tk, func(r rune) bool { return r <= ' ' || r > '~' }) {
		// Tokens are base64url and dots; anything else came from a server
		// that is not Cognito, and must not reach a terminal.
		return &cmdutil.ExitError{Code: cmdutil.ExitRefused, Err: fmt.Errorf("the saved %s token holds characters no token has (spaces or controls): not printing it", o.Kind)}
	}
	if o.Kind != "refresh" && !o.AllowExpired {
		if c, err := flows.UnverifiedClaims(tk); err == nil && !c.ExpiresAt.IsZero() {
			if now := f.Clock()(); !now.Before(c.ExpiresAt) {
				return &cmdutil.ExitError{Code: cmdutil.ExitRefused, Err: fmt.Errorf("the saved %s token expired %s ago: refresh it with `cogscope login --flow refresh` (or --allow-expired)",
					o.Kind, now.Sub(c.ExpiresAt).Round(time.Second))}
			}
		}
	}
	_, err = fmt.Fprintln(o.IO.Out, tk)
	return err
}
