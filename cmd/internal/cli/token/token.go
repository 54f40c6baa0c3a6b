// Package token is `cogscope token`: one token of the saved session on
// stdout, for a shell (as `gh auth token`).
package token

import (
	"context"
	"encoding/json"
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
	// JSON prints the token with its session and lifetime as one JSON
	// document (Doc).
	JSON bool
}

// Doc is `cogscope token --json`: the one token asked for (never
// another: the refresh token only for `token refresh --json`), the
// session it was read from and, for an access or ID token, a summary of
// its claims, read without checking the signature (`cogscope inspect`
// verifies). Times are RFC 3339.
type Doc struct {
	Session    string    `json:"session"`             // the session store's key
	Flow       string    `json:"flow,omitempty"`      // the sign-in that saved it (srp, pkce, refresh, …)
	ObtainedAt time.Time `json:"obtainedAt,omitzero"` // when the session's tokens were saved
	Kind       string    `json:"kind"`                // access, id or refresh
	Token      string    `json:"token"`
	TokenUse   string    `json:"tokenUse,omitempty"`         // the token_use claim
	Username   string    `json:"username,omitempty"`         // username or cognito:username
	Subject    string    `json:"subject,omitempty"`          // sub
	ClientID   string    `json:"clientId,omitempty"`         // client_id or aud
	Issuer     string    `json:"issuer,omitempty"`           // iss
	IssuedAt   time.Time `json:"issuedAt,omitzero"`          // iat
	ExpiresAt  time.Time `json:"expiresAt,omitzero"`         // exp
	AuthTime   time.Time `json:"authTime,omitzero"`          // auth_time
	Expired    *bool     `json:"expired,omitempty"`          // exp has passed by this machine's clock (--allow-expired), when exp is known
	ExpiresIn  *int64    `json:"expiresInSeconds,omitempty"` // seconds left (negative: expired), when exp is known
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

--json prints one JSON document instead: {"session", "flow", "obtainedAt",
"kind", "token", and for an access or ID token "tokenUse", "username",
"subject", "clientId", "issuer", "issuedAt", "expiresAt", "authTime",
"expired", "expiresInSeconds"} — the claims read without checking the
signature (` + "`cogscope inspect`" + ` verifies). It holds only the token asked
for: the refresh token only with ` + "`token refresh --json`" + `. On an error
stdout is empty and stderr says why.

Exit codes: 0 printed, 1 no session or the token expired, 2 usage.`,
		Example: `  curl -H "Authorization: Bearer $(cogscope token)" https://api.example.com/me
  cogscope --profile dev token id | cogscope inspect -
  cogscope --endpoint http://127.0.0.1:9229 token refresh
  cogscope token id --json | jq -r .expiresAt`,
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
	fl.BoolVar(&o.JSON, "json", false, `print {"session", "kind", "token", "expiresAt", …} as JSON (the claims unverified)`)
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
	now := f.Clock()()
	doc := Doc{Session: t.SessionKey(t.ClientID), Flow: sess.Flow, ObtainedAt: sess.ObtainedAt.UTC(), Kind: o.Kind, Token: tk}
	if o.Kind != "refresh" {
		if c, err := flows.UnverifiedClaims(tk); err == nil {
			doc.TokenUse, doc.Username, doc.Subject, doc.ClientID, doc.Issuer = c.TokenUse, c.Username, c.Sub, c.ClientID, c.Issuer
			doc.IssuedAt, doc.ExpiresAt, doc.AuthTime = c.IssuedAt.UTC(), c.ExpiresAt.UTC(), c.AuthTime.UTC()
			if !c.ExpiresAt.IsZero() {
				left, expired := int64(c.ExpiresAt.Sub(now)/time.Second), !now.Before(c.ExpiresAt)
				doc.ExpiresIn, doc.Expired = &left, &expired
			}
		}
		if doc.Expired != nil && *doc.Expired && !o.AllowExpired {
			return &cmdutil.ExitError{Code: cmdutil.ExitRefused, Err: fmt.Errorf("the saved %s token expired %s ago: refresh it with `cogscope login --flow refresh` (or --allow-expired)",
				o.Kind, now.Sub(doc.ExpiresAt).Round(time.Second))}
		}
	}
	if o.JSON {
		enc := json.NewEncoder(o.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(doc) // JSON escapes controls
	}
	_, err = fmt.Fprintln(o.IO.Out, tk)
	return err
}
