package identity

import (
	"slices"

	"github.com/cogscope/cogscope/flows/rolemap"
	"github.com/cogscope/cogscope/internal/local/cognito"
)

// login is one verified entry of a Logins map.
type login struct {
	Provider string // the Logins key
	Token    cognito.VerifiedToken
}

func (l login) key() string         { return l.Provider + "|" + l.Token.Sub }
func (l login) providerKey() string { return l.Provider + ":" + l.Token.Audience }

// verifyLogins checks every Logins entry, in key order: the key names a
// user pool, the value is an ID token that pool signed (an access token,
// a token of another pool, or one that does not verify is "Couldn't verify
// signed token."), not expired, and from an app client the identity pool
// lists for that user pool.
func (s *Service) verifyLogins(p *pool, logins map[string]string) ([]login, error) {
	if len(logins) > 10 {
		return nil, apiErr(ExcInvalidParameter, "1 validation error detected: Value at 'logins' failed to satisfy constraint: Member must have length less than or equal to 10")
	}
	keys := make([]string, 0, len(logins))
	for k := range logins {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	s.mu.Lock()
	providers := slices.Clone(p.Providers)
	s.mu.Unlock()
	out := make([]login, 0, len(keys))
	for _, key := range keys {
		userPoolID, ok := rolemap.ParseProviderName(key)
		if !ok {
			// Not a user pool: no other provider kind is emulated.
			return nil, apiErr(ExcNotAuthorized, MsgUnsupportedProvider)
		}
		if s.opts.UserPools == nil {
			return nil, apiErr(ExcNotAuthorized, MsgCouldNotVerify)
		}
		vt, err := s.opts.UserPools.VerifyToken(logins[key])
		if err != nil || vt.TokenUse != "id" || vt.PoolID != userPoolID {
			return nil, apiErr(ExcNotAuthorized, MsgCouldNotVerify)
		}
		if now := s.now().Unix(); now >= vt.Expires.Unix() {
			return nil, apiErr(ExcNotAuthorized, "Invalid login token. Token expired: %d >= %d", now, vt.Expires.Unix())
		}
		if !slices.ContainsFunc(providers, func(pr Provider) bool {
			return pr.ProviderName == key && pr.ClientId == vt.Audience
		}) {
			return nil, apiErr(ExcNotAuthorized, MsgUnsupportedProvider)
		}
		out = append(out, login{Provider: key, Token: vt})
	}
	return out, nil
}
