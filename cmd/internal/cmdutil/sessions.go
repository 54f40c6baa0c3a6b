package cmdutil

import (
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
