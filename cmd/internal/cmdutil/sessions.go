package cmdutil

import (
	"context"
	"errors"
	"fmt"

	"github.com/cogscope/cogscope/cmd/internal/config"
	"github.com/cogscope/cogscope/flows"
)

// SavedSession loads the session saved for clientID's sign-in at t (the
// key login and the console save under); config.ErrNoSession when there
// is none.
func (f *Factory) SavedSession(t Target, clientID string) (*config.Session, error) {
	return f.Sessions().Load(t.SessionKey(clientID))
}

// RecordTokens writes a sign-in's tokens into the saved session s, with
// where they came from (the target, clientID, flow) and when they were
// obtained. username, when not "", replaces s.Username. Login (API and
// hosted-UI flows) and the console save sessions through it, so either
// reads what the other wrote.
func RecordTokens(s *config.Session, t Target, clientID, flow, username string, tk flows.Tokens) {
	s.Profile, s.Region, s.Endpoint = t.Profile, t.Region, t.Endpoint
	s.UserPoolID, s.ClientID, s.Flow = t.UserPoolID, clientID, flow
	if username != "" {
		s.Username = username
	}
	s.Tokens = &config.Tokens{IDToken: tk.IDToken, AccessToken: tk.AccessToken, RefreshToken: tk.RefreshToken,
		ExpiresIn: tk.ExpiresIn, TokenType: tk.TokenType}
	s.ObtainedAt = tk.IssuedAt.UTC()
}

// TokenUsername is the username claim of an access token, "" when it has
// none or cannot be read.
func TokenUsername(accessToken string) string {
	c, err := flows.UnverifiedClaims(accessToken)
	if err != nil {
		return ""
	}
	return c.Username
}

// SessionTarget is the target whose saved session a command reads (token,
// userinfo, logout), and that session (see loadSession): the command's
// --user-pool-id and --client-id over the profile's; with neither, the
// demo pool of the `cogscope local` at --endpoint. The in-process stack
// keeps no session, so with no target at all it is a usage error.
func (f *Factory) SessionTarget(ctx context.Context, fl TargetFlags) (Target, *config.Session, error) {
	t, err := f.sessionTarget(ctx, fl)
	if err != nil {
		return t, nil, err
	}
	sess, err := f.loadSession(t)
	return t, sess, err
}

func (f *Factory) sessionTarget(ctx context.Context, fl TargetFlags) (Target, error) {
	p, err := f.Profile()
	if err != nil {
		return Target{}, err
	}
	t := f.NewTarget(p, fl)
	if err := t.CheckPoolAndEndpoint(); err != nil {
		return t, err
	}
	if t.UserPoolID == "" && t.ClientID == "" {
		if t.Endpoint == "" {
			return t, UsageErr("no target: give --user-pool-id and --client-id, --profile, or the --endpoint of a running `cogscope local` (the in-process stack saves no session)")
		}
		demo, _, err := f.LocalDemo(ctx, t.Endpoint, t.Region) // returns at once: nothing to start
		if err != nil {
			return t, UsageErr("%v", err)
		}
		t.UseDemo(demo)
	}
	if err := t.Check(false, false); err != nil {
		return t, err
	}
	if t.UserPoolID != "" && t.Issuer == "" {
		t.Issuer = t.PoolIssuer()
	}
	return t, nil
}

// loadSession is t's saved session for its client, or a refusal (exit 1)
// that says how to get one.
func (f *Factory) loadSession(t Target) (*config.Session, error) {
	sess, err := f.SavedSession(t, t.ClientID)
	switch {
	case errors.Is(err, config.ErrNoSession):
		return nil, &ExitError{Code: ExitRefused, Err: fmt.Errorf("no saved session for %s: sign in first with `cogscope login`", t.SessionKey(t.ClientID))}
	case err != nil:
		return nil, &ExitError{Code: ExitUsage, Err: err}
	case sess.Tokens == nil:
		return nil, &ExitError{Code: ExitRefused, Err: fmt.Errorf("the session %s holds no tokens (signed out?): sign in with `cogscope login`", t.SessionKey(t.ClientID))}
	}
	return sess, nil
}
