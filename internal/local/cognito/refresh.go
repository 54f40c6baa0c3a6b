package cognito

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"

	"github.com/google/uuid"
)

// jweHeader is the protected header of Cognito's refresh tokens,
// {"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}: clients see the same
// five-part JWE shape, but the parts here are random and the token means
// something only through the server-side table.
const jweHeader = "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ"

func newRefreshTokenString() string {
	enc := base64.RawURLEncoding
	return jweHeader + "." + enc.EncodeToString(randomBytes(256)) + "." + enc.EncodeToString(randomBytes(12)) +
		"." + enc.EncodeToString(randomBytes(600)) + "." + enc.EncodeToString(randomBytes(16))
}

func refreshHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// startFamily records a new sign-in (origin_jti) and, when withRefresh,
// its refresh token; s.mu must be held. It returns the origin_jti and the
// refresh token (empty without one).
func (s *Service) startFamily(p *pool, c *client, u *user, scope, deviceKey string, authTime time.Time, withRefresh bool) (string, string) {
	origin := uuid.NewString()
	now := s.now()
	expires := now.Add(c.accessTTL())
	if t := now.Add(c.idTTL()); t.After(expires) {
		expires = t
	}
	token := ""
	if withRefresh {
		token = newRefreshTokenString()
		rexp := now.Add(c.refreshTTL())
		s.st.Refresh[refreshHash(token)] = &refreshRecord{PoolID: p.ID, ClientID: c.ClientID, Sub: u.Sub,
			OriginJTI: origin, DeviceKey: deviceKey, Expires: rexp}
		expires = rexp.Add(c.accessTTL())
	}
	s.st.Families[origin] = &family{PoolID: p.ID, ClientID: c.ClientID, Sub: u.Sub, AuthTime: authTime,
		Scope: scope, Expires: expires}
	s.markChanged()
	s.gcLocked(now)
	return origin, token
}

// revokeFamily revokes a sign-in: its refresh tokens stop working and its
// access tokens are refused by the API; s.mu must be held.
func (s *Service) revokeFamily(origin string) {
	if f := s.st.Families[origin]; f != nil && !f.Revoked {
		f.Revoked = true
		s.markChanged()
	}
}

// revokeUserTokens revokes every sign-in of a user (GlobalSignOut,
// AdminUserGlobalSignOut, deletion); s.mu must be held.
func (s *Service) revokeUserTokens(poolID, sub string) {
	for origin, f := range s.st.Families {
		if f.PoolID == poolID && f.Sub == sub {
			s.revokeFamily(origin)
		}
	}
}

// gcLocked drops expired sessions, SRP exchanges, refresh records and
// families, at most once a minute; s.mu must be held.
func (s *Service) gcLocked(now time.Time) {
	if now.Sub(s.lastGC) < time.Minute {
		return
	}
	s.lastGC = now
	// Expired sessions are kept a while so that using one reports
	// "session is expired" rather than "invalid session".
	for k, a := range s.sessions {
		if now.Sub(a.expires) > 15*time.Minute {
			delete(s.sessions, k)
		}
	}
	// An SRP exchange is freed as soon as it has expired: it is the
	// one piece of sign-in state anyone can create with a public client
	// id, and its expired answer then reads "Incorrect username or
	// password." rather than "session is expired".
	for k, x := range s.srp {
		if !now.Before(x.expires) {
			s.dropSRPLocked(k, x)
		}
	}
	for k, r := range s.st.Refresh {
		if now.After(r.Expires.Add(24 * time.Hour)) {
			delete(s.st.Refresh, k)
			s.markChanged()
		}
	}
	for k, f := range s.st.Families {
		if now.After(f.Expires.Add(24 * time.Hour)) {
			delete(s.st.Families, k)
			s.markChanged()
		}
	}
}

// refreshRequest is a token refresh by REFRESH_TOKEN_AUTH or
// GetTokensFromRefreshToken.
type refreshRequest struct {
	clientID  string
	token     string
	deviceKey string
	// checkSecret verifies the client's secret for the token's user
	// (SECRET_HASH or ClientSecret); nil when the client has none.
	checkSecret func(c *client, u *user) error
	rotate      bool // GetTokensFromRefreshToken on a rotation client
}

// refresh validates a refresh token and mints new tokens from its
// sign-in, in the order Cognito checks: token known and for this client,
// not revoked, not expired, user present and enabled, secret, device.
func (s *Service) refresh(req refreshRequest) (*authenticationResult, error) {
	now := s.now()
	s.mu.Lock()
	p, c, err := s.client(req.clientID)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	rec := s.st.Refresh[refreshHash(req.token)]
	var fam *family
	if rec != nil {
		fam = s.st.Families[rec.OriginJTI]
	}
	switch {
	case rec == nil || fam == nil || rec.ClientID != c.ClientID:
		s.mu.Unlock()
		return nil, errInvalidRefresh()
	case fam.Revoked:
		s.mu.Unlock()
		return nil, newErr(excNotAuthorized, msgRefreshTokenRevoked)
	case now.After(rec.Expires):
		s.mu.Unlock()
		return nil, newErr(excNotAuthorized, msgRefreshTokenExpired)
	}
	u := p.bySub[rec.Sub]
	if u == nil {
		s.mu.Unlock()
		return nil, errUserNotFound()
	}
	if !u.Enabled {
		s.mu.Unlock()
		return nil, newErr(excNotAuthorized, msgUserDisabled)
	}
	if req.checkSecret != nil && c.Secret != "" {
		if err := req.checkSecret(c, u); err != nil {
			s.mu.Unlock()
			return nil, err
		}
	}
	if rec.DeviceKey != "" {
		d := p.Devices[rec.DeviceKey]
		if req.deviceKey != rec.DeviceKey || d == nil || !d.Confirmed {
			s.mu.Unlock()
			return nil, errInvalidRefresh()
		}
	}
	newToken := ""
	if req.rotate {
		if !rec.RotatedAt.IsZero() {
			grace := time.Duration(c.RefreshTokenRotation.RetryGracePeriodSeconds) * time.Second
			if now.Sub(rec.RotatedAt) >= grace {
				s.mu.Unlock()
				return nil, newErr(excRefreshTokenReuse, "The refresh token has been rotated and is no longer valid.")
			}
		} else {
			rec.RotatedAt = now
		}
		newToken = newRefreshTokenString()
		rexp := now.Add(c.refreshTTL())
		s.st.Refresh[refreshHash(newToken)] = &refreshRecord{PoolID: p.ID, ClientID: c.ClientID, Sub: u.Sub,
			OriginJTI: rec.OriginJTI, DeviceKey: rec.DeviceKey, Expires: rexp}
		if t := rexp.Add(c.accessTTL()); t.After(fam.Expires) {
			fam.Expires = t
		}
		s.markChanged()
	}
	spec := mintSpec{pr: s.principalFor(p, c, u), authTime: fam.AuthTime, originJTI: rec.OriginJTI,
		deviceKey: rec.DeviceKey, scope: fam.Scope, accessTTL: c.accessTTL(), idTTL: c.idTTL(),
		withID: scopeHas(fam.Scope, "openid") || fam.Scope == apiScope, refresh: newToken}
	if fam.OAuth {
		spec.extraAcc = []claim{{"version", 2}}
		spec.idFilter = ScopeAttributes(strings.Fields(fam.Scope))
	}
	s.mu.Unlock()
	return s.mint(spec)
}

// apiScope is the scope of tokens from the API flows.
const apiScope = "aws.cognito.signin.user.admin"

func scopeHas(scope, want string) bool {
	for i := 0; i < len(scope); {
		j := i
		for j < len(scope) && scope[j] != ' ' {
			j++
		}
		if scope[i:j] == want {
			return true
		}
		i = j + 1
	}
	return false
}

// secretEqual compares two secrets in constant time.
func secretEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
