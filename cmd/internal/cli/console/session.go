package console

import (
	"context"
	"errors"
	"fmt"
	"github.com/cogscope/cogscope/cmd/internal/cmdutil"

	"github.com/cogscope/cogscope/cmd/internal/config"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/ui/service"
)

// The console keeps sessions where `cogscope login` does (the session
// store: one 0600 file per profile, or per pool and client), so either
// picks up the other's tokens. The in-process stack's tokens are never
// saved: its keys die with it.

// loadSession is the saved session of the target's sign-in client, nil
// when there is none (or it cannot be read: the console then starts
// without it and says so on stderr, seen after it quits).
func (c *console) loadSession() *flows.Tokens {
	t := c.current()
	if t.Ephemeral || t.Pending {
		return nil
	}
	s, err := c.f.SavedSession(t, t.ClientID)
	if err != nil {
		if !errors.Is(err, config.ErrNoSession) {
			fmt.Fprintf(c.f.IO.ErrOut, "cogscope: warning: %v (the console started without the saved session)\n", err)
		}
		return nil
	}
	if s.Tokens == nil || (s.Tokens.AccessToken == "" && s.Tokens.IDToken == "" && s.Tokens.RefreshToken == "") {
		return nil
	}
	tk := s.Tokens
	return &flows.Tokens{IDToken: tk.IDToken, AccessToken: tk.AccessToken, RefreshToken: tk.RefreshToken,
		ExpiresIn: tk.ExpiresIn, TokenType: tk.TokenType, IssuedAt: s.ObtainedAt}
}

// saveSession records tokens of a sign-in or refresh in the session store,
// under the key login uses, and returns that key. flow is a service.Flow.
func (c *console) saveSession(_ context.Context, tk flows.Tokens, flow string) (string, error) {
	t := c.current()
	if t.Ephemeral || t.Pending {
		return "", errors.New("the in-process local stack's tokens are not saved")
	}
	clientID := t.ClientID
	if service.Flow(flow) == service.FlowClientCredentials {
		clientID = t.CCClientID
	}
	key := t.SessionKey(clientID)
	err := c.store.Update(key, func(s *config.Session) error {
		cmdutil.RecordTokens(s, t, clientID, flow, cmdutil.TokenUsername(tk.AccessToken), tk)
		return nil
	})
	if err != nil {
		return "", err
	}
	return key, nil
}
