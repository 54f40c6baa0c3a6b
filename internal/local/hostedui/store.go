package hostedui

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"sync"
	"time"

	"github.com/cogscope/cogscope/internal/local/cognito"
)

// Lifetimes Cognito documents: codes 5 minutes, the domain session cookie
// one hour; a sign-in in progress lives as long as its Cognito session
// could (the client's AuthSessionValidity is at most 15 minutes).
const (
	codeTTL    = 5 * time.Minute
	sessionTTL = time.Hour
	pendingTTL = 15 * time.Minute
	// usedCodeTTL keeps a redeemed code around so that a second redemption
	// is recognised as reuse (and revokes what the first one issued).
	usedCodeTTL = codeTTL
	gcInterval  = time.Minute
)

// session is a signed-in user of a domain, behind the "cognito" cookie.
type session struct {
	poolID, username, sub string
	authTime, expires     time.Time
	saml                  *samlSession // signed in through a SAML provider
}

// pendingSignIn is a sign-in waiting for an MFA code, an MFA choice or a
// new password; the pages carry its id in a hidden "session" field.
type pendingSignIn struct {
	poolID  string
	req     *authRequest
	state   *cognito.HostedSignIn
	secret  string // MFA_SETUP: the TOTP secret being enrolled
	expires time.Time
}

// authCode is an issued authorization code.
type authCode struct {
	clientID, poolID, redirectURI string
	username                      string
	authTime                      time.Time
	scopes                        []string
	nonce                         string
	challenge                     string // S256 code_challenge, "" without PKCE
	expires                       time.Time
	used                          bool
	// refreshToken is what the first redemption issued, revoked if the
	// code is presented again (RFC 6749 §4.1.2: the server should revoke
	// tokens issued from a reused code).
	refreshToken string
}

// store keeps the hosted UI's short-lived state in memory: it is not part
// of the stack's state file, as real codes and cookies do not survive a
// restart of a local stack either.
type store struct {
	now func() time.Time

	mu       sync.Mutex
	sessions map[string]*session
	pending  map[string]*pendingSignIn
	codes    map[string]*authCode
	lastGC   time.Time
}

func newStore(now func() time.Time) *store {
	return &store{now: now, sessions: map[string]*session{}, pending: map[string]*pendingSignIn{}, codes: map[string]*authCode{}}
}

// randomToken is 32 random bytes, base64url: cookie values, CSRF tokens
// and pending sign-in ids.
func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// newCode is a random UUID-shaped string, like Cognito's codes and
// request ids.
func newCode() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func (s *store) addSession(se *session) string {
	id := randomToken()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gcLocked()
	s.sessions[id] = se
	return id
}

// session returns the live session id names in poolID, if any.
func (s *store) session(id, poolID string) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	se := s.sessions[id]
	if se == nil || se.poolID != poolID || !s.now().Before(se.expires) {
		return nil
	}
	return se
}

func (s *store) dropSession(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sessions, id)
}

func (s *store) addPending(p *pendingSignIn) string {
	id := randomToken()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gcLocked()
	s.pending[id] = p
	return id
}

// takePending removes and returns the pending sign-in id names in
// poolID; the caller puts it back (putPending) if the step must be
// retried.
func (s *store) takePending(id, poolID string) *pendingSignIn {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.pending[id]
	if p == nil || p.poolID != poolID || !s.now().Before(p.expires) {
		return nil
	}
	delete(s.pending, id)
	return p
}

func (s *store) putPending(id string, p *pendingSignIn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pending[id] = p
}

func (s *store) addCode(c *authCode) string {
	code := newCode()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gcLocked()
	s.codes[code] = c
	return code
}

// redeemCode marks a code used and returns a copy of it as it was before
// (used set if it had been redeemed already), or nil for an unknown code.
func (s *store) redeemCode(code string) *authCode {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.codes[code]
	if c == nil {
		return nil
	}
	before := *c
	c.used = true
	return &before
}

// recordIssued remembers the refresh token a code's redemption issued.
func (s *store) recordIssued(code, refreshToken string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.codes[code]; c != nil {
		c.refreshToken = refreshToken
	}
}

// takeIssued returns and forgets the refresh token a code issued.
func (s *store) takeIssued(code string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.codes[code]
	if c == nil {
		return ""
	}
	rt := c.refreshToken
	c.refreshToken = ""
	return rt
}

// gcLocked drops expired entries at most once a minute; s.mu held.
func (s *store) gcLocked() {
	now := s.now()
	if now.Sub(s.lastGC) < gcInterval {
		return
	}
	s.lastGC = now
	for k, v := range s.sessions {
		if !now.Before(v.expires) {
			delete(s.sessions, k)
		}
	}
	for k, v := range s.pending {
		if !now.Before(v.expires) {
			delete(s.pending, k)
		}
	}
	for k, v := range s.codes {
		if now.After(v.expires.Add(usedCodeTTL)) {
			delete(s.codes, k)
		}
	}
}
