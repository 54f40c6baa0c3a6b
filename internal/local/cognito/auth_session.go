package cognito

import (
	"math/big"
	"time"

	"github.com/cogscope/cogscope/flows/srp"
)

// authSession is the server side of a Session string: one sign-in between
// two challenge responses. Sessions are single-use: a response takes the
// session out of the map, and a new challenge gets a new Session string.
type authSession struct {
	poolID, clientID string
	sub, username    string // the user; username is the internal one
	flow             string // the InitiateAuth AuthFlow
	admin            bool   // AdminInitiateAuth
	hosted           bool   // a hosted-UI sign-in: ends without minting, no devices
	challenge        string // the ChallengeName this session answers
	expires          time.Time
	deviceKey        string // DEVICE_KEY the client presented

	passwordDone bool // a password or SRP check passed
	newPassword  bool // NEW_PASSWORD_REQUIRED answered
	deviceDone   bool // DEVICE_PASSWORD_VERIFIER passed
	mfaDone      bool
	passwordless bool // first factor was an OTP (USER_AUTH); no MFA follows
	// fake marks a USER_AUTH sign-in of a user that does not exist, under
	// PreventUserExistenceErrors: its challenges look real and can never
	// be answered.
	fake bool

	code     string   // SMS/e-mail code this challenge expects
	attempts int      // wrong codes so far
	options  []string // MFAS_CAN_CHOOSE / MFAS_CAN_SETUP / AvailableChallenges

	totpSecret   string // MFA_SETUP: the secret AssociateSoftwareToken issued
	totpVerified bool   // MFA_SETUP: VerifySoftwareToken succeeded

	custom    *customProgress
	deviceSRP *srpExchange // DEVICE_PASSWORD_VERIFIER state
}

// maxCodeAttempts is how many wrong MFA/OTP codes one session tolerates.
const maxCodeAttempts = 3

// srpExchange is the server's half of a PASSWORD_VERIFIER or
// DEVICE_PASSWORD_VERIFIER exchange, keyed by its SECRET_BLOCK.
type srpExchange struct {
	poolID, clientID string
	sub, username    string
	flow             string
	admin            bool
	server           *srp.Server
	A                *big.Int
	salt             *big.Int
	secretBlock      []byte
	expires          time.Time
	deviceKey        string // from InitiateAuth AuthParameters
	fake             bool   // unknown user under PreventUserExistenceErrors
	// For device SRP: the group key and device key stand in for the pool
	// name and user id.
	poolName, userID string
	custom           bool // CUSTOM_AUTH that began with SRP_A
}

// authOutput is the response of InitiateAuth / RespondToAuthChallenge and
// their Admin twins.
type authOutput struct {
	ChallengeName        string                `json:"ChallengeName,omitempty"`
	Session              string                `json:"Session,omitempty"`
	ChallengeParameters  map[string]string     `json:"ChallengeParameters"`
	AuthenticationResult *authenticationResult `json:"AuthenticationResult,omitempty"`
	AvailableChallenges  []string              `json:"AvailableChallenges,omitempty"`

	signedIn *authSession // hosted-UI sign-in complete: the caller mints
}

// challengeOut stores a under a fresh Session string for challenge and
// returns the response; s.mu must be held.
func (s *Service) challengeOut(c *client, a *authSession, challenge string, params map[string]string) *authOutput {
	key := s.storeSession(c, a, challenge)
	if params == nil {
		params = map[string]string{}
	}
	return &authOutput{ChallengeName: challenge, Session: key, ChallengeParameters: params}
}

// storeSession keeps a under a fresh Session string that answers
// challenge (a ChallengeName, or one of the sign-up steps below) for the
// client's AuthSessionValidity; s.mu must be held.
func (s *Service) storeSession(c *client, a *authSession, challenge string) string {
	a.challenge = challenge
	a.expires = s.now().Add(c.sessionTTL())
	key := newSessionString()
	s.sessions[key] = a
	s.gcLocked(s.now())
	return key
}

// The Session strings of sign-in after sign-up: SignUp's goes to
// ConfirmSignUp, ConfirmSignUp's to InitiateAuth USER_AUTH. They are not
// challenge names, so RespondToAuthChallenge never accepts them.
const (
	sessionSignUp  = "(sign-up)"
	sessionConfirm = "(confirmed sign-up)"
)

// takeSession removes and returns the session for a response, or the
// error Cognito gives for an unknown, foreign or expired one; s.mu must be
// held. A session for another challenge is left in place.
func (s *Service) takeSession(key, clientID, challenge string) (*authSession, error) {
	a := s.sessions[key]
	if key == "" || a == nil || a.clientID != clientID {
		return nil, errSessionInvalid()
	}
	if !s.now().Before(a.expires) {
		delete(s.sessions, key)
		return nil, errSessionExpired()
	}
	if a.challenge != challenge {
		return nil, errSessionInvalid()
	}
	delete(s.sessions, key)
	return a, nil
}

// finish signs the tokens a completed sign-in asked for, outside the lock.
func (s *Service) finish(out *authOutput, spec *mintSpec, err error) (*authOutput, error) {
	if err != nil {
		return nil, err
	}
	if spec != nil {
		res, err := s.mint(*spec)
		if err != nil {
			return nil, errInternal(err)
		}
		out.AuthenticationResult = res
		out.ChallengeParameters = map[string]string{}
	}
	return out, nil
}
