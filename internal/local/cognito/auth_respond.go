package cognito

import (
	"strings"
	"time"
)

var challengeEnum = []string{"SMS_MFA", "EMAIL_OTP", "SOFTWARE_TOKEN_MFA", "SELECT_MFA_TYPE", "MFA_SETUP", "PASSWORD_VERIFIER",
	"CUSTOM_CHALLENGE", "SELECT_CHALLENGE", "DEVICE_SRP_AUTH", "DEVICE_PASSWORD_VERIFIER", "ADMIN_NO_SRP_AUTH",
	"NEW_PASSWORD_REQUIRED", "SMS_OTP", "PASSWORD", "WEB_AUTHN", "PASSWORD_SRP"}

type respondInput struct {
	UserPoolId         string            `json:"UserPoolId"`
	ClientId           string            `json:"ClientId"`
	ChallengeName      string            `json:"ChallengeName"`
	Session            string            `json:"Session"`
	ChallengeResponses map[string]string `json:"ChallengeResponses"`
	ClientMetadata     map[string]string `json:"ClientMetadata"`

	hosted bool // from ContinueSignIn: only hosted-UI sessions qualify
}

func opRespondToAuthChallenge(s *Service, c *call) (any, error) {
	var in respondInput
	if err := c.decode(&in, "ClientId", "ChallengeName"); err != nil {
		return nil, err
	}
	return s.respond(&in, false)
}

func opAdminRespondToAuthChallenge(s *Service, c *call) (any, error) {
	var in respondInput
	if err := c.decode(&in, "UserPoolId", "ClientId", "ChallengeName"); err != nil {
		return nil, err
	}
	return s.respond(&in, true)
}

// respondClient finds the client of a challenge response; s.mu held.
func (s *Service) respondClient(in *respondInput, admin bool) (*pool, *client, error) {
	if admin {
		return s.poolClient(in.UserPoolId, in.ClientId)
	}
	return s.client(in.ClientId)
}

// respond runs RespondToAuthChallenge and its Admin twin.
func (s *Service) respond(in *respondInput, admin bool) (*authOutput, error) {
	if !contains(challengeEnum, in.ChallengeName) {
		return nil, validationError([]violation{enumViolation("ChallengeName", in.ChallengeName, challengeEnum)})
	}
	if in.ChallengeResponses == nil {
		in.ChallengeResponses = map[string]string{}
	}
	if in.ChallengeName == "PASSWORD_VERIFIER" {
		return s.respondPasswordVerifier(in, admin)
	}
	resp := in.ChallengeResponses
	s.mu.Lock()
	p, cl, err := s.respondClient(in, admin)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	if a := s.sessions[in.Session]; a != nil && a.hosted != in.hosted {
		s.mu.Unlock()
		return nil, errSessionInvalid() // hosted-UI and API sessions do not mix
	}
	a, err := s.takeSession(in.Session, cl.ClientID, in.ChallengeName)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	if a.fake {
		if err := checkSecretHash(cl, resp["SECRET_HASH"], resp["USERNAME"]); err != nil {
			s.mu.Unlock()
			return nil, err
		}
		return s.respondFake(p, cl, a, in.Session, in.ChallengeName, resp)
	}
	if err := checkResponseUser(p, cl, a, resp); err != nil {
		s.sessions[in.Session] = a // a malformed response does not spend the session
		s.mu.Unlock()
		return nil, err
	}
	u, err := s.sessionUser(p, a.sub)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	switch in.ChallengeName {
	case "SMS_MFA", "SMS_OTP", "EMAIL_OTP":
		return s.respondCode(p, cl, u, a, in.Session, resp)
	case "SOFTWARE_TOKEN_MFA":
		return s.respondTOTP(p, cl, u, a, in.Session, resp)
	case "SELECT_MFA_TYPE":
		answer := resp["ANSWER"]
		if answer == "EMAIL_MFA" {
			answer = "EMAIL_OTP" // the API reference's name for it
		}
		if !contains(a.options, answer) {
			s.mu.Unlock()
			return nil, errf(excInvalidParameter, "Invalid value for ANSWER: %s. Choose one of %s", resp["ANSWER"], strings.Join(a.options, ", "))
		}
		out, err := s.mfaChallenge(p, cl, u, a, answer, nil)
		s.mu.Unlock()
		return out, err
	case "MFA_SETUP":
		if !a.totpVerified || a.totpSecret == "" {
			s.mu.Unlock()
			return nil, newErr(excInvalidParameter, "The software token has not been verified: call AssociateSoftwareToken and VerifySoftwareToken with this Session first")
		}
		u.TOTPSecret, u.TOTPPending, u.TOTPMFA = a.totpSecret, "", true
		if u.PreferredMFA == "" {
			u.PreferredMFA = "SOFTWARE_TOKEN_MFA"
		}
		s.touch(u)
		s.markChanged()
		a.mfaDone = true
		return s.advanceUnlock(p, cl, u, a)
	case "NEW_PASSWORD_REQUIRED":
		return s.respondNewPassword(p, cl, u, a, in.Session, resp)
	case "DEVICE_SRP_AUTH":
		return s.respondDeviceSRP(p, cl, a, resp)
	case "DEVICE_PASSWORD_VERIFIER":
		return s.respondDevicePasswordVerifier(p, cl, a, resp)
	case "CUSTOM_CHALLENGE":
		return s.respondCustom(p, cl, u, a, resp)
	case "SELECT_CHALLENGE":
		return s.respondSelectChallenge(p, cl, u, a, resp)
	case "WEB_AUTHN":
		s.mu.Unlock()
		return nil, newErr(excNotAuthorized, "WebAuthn credential verification failed: the local stack cannot verify passkeys.")
	}
	s.mu.Unlock()
	return nil, errf(excInvalidParameter, "Unsupported challenge name %s", in.ChallengeName)
}

// advanceUnlock is advance followed by releasing s.mu and signing.
func (s *Service) advanceUnlock(p *pool, cl *client, u *user, a *authSession) (*authOutput, error) {
	out, spec, err := s.advance(p, cl, u, a)
	s.mu.Unlock()
	return s.finish(out, spec, err)
}

// retry puts a session back under its old key after a wrong code, unless
// the attempts are used up; s.mu held.
func (s *Service) retry(key string, a *authSession) {
	a.attempts++
	if a.attempts < maxCodeAttempts {
		s.sessions[key] = a
	}
}

// respondCode checks an SMS or e-mail code (MFA or passwordless OTP).
func (s *Service) respondCode(p *pool, cl *client, u *user, a *authSession, key string, resp map[string]string) (*authOutput, error) {
	field := map[string]string{"SMS_MFA": "SMS_MFA_CODE", "SMS_OTP": "SMS_OTP_CODE", "EMAIL_OTP": "EMAIL_OTP_CODE"}[a.challenge]
	code := resp[field]
	if code == "" && a.challenge == "SMS_OTP" {
		code = resp["SMS_MFA_CODE"]
	}
	if code == "" {
		s.sessions[key] = a
		s.mu.Unlock()
		return nil, errMissingParam(field)
	}
	if !secretEqual(code, a.code) {
		s.retry(key, a)
		s.mu.Unlock()
		return nil, errCodeMismatch()
	}
	a.code, a.mfaDone = "", true
	// A code that reached the address proves it; it is not marked
	// verified when that would take another user's alias.
	if a.challenge == "EMAIL_OTP" && a.passwordless && u.Attributes["email_verified"] != "true" {
		_ = s.verifyAttribute(p, u, "email", false)
	}
	if a.challenge == "SMS_OTP" && u.Attributes["phone_number_verified"] != "true" {
		_ = s.verifyAttribute(p, u, "phone_number", false)
	}
	return s.advanceUnlock(p, cl, u, a)
}

func (s *Service) respondTOTP(p *pool, cl *client, u *user, a *authSession, key string, resp map[string]string) (*authOutput, error) {
	code := resp["SOFTWARE_TOKEN_MFA_CODE"]
	if code == "" {
		s.sessions[key] = a
		s.mu.Unlock()
		return nil, errMissingParam("SOFTWARE_TOKEN_MFA_CODE")
	}
	if u.TOTPSecret == "" {
		s.mu.Unlock()
		return nil, newErr(excSoftwareTokenNotFound, "Software Token MFA does not exist for the user.")
	}
	if !validTOTP(u.TOTPSecret, code, s.now()) {
		s.retry(key, a)
		s.mu.Unlock()
		return nil, errCodeMismatch()
	}
	a.mfaDone = true
	return s.advanceUnlock(p, cl, u, a)
}

// respondNewPassword sets the password NEW_PASSWORD_REQUIRED asked for.
// The verifier is computed with the lock released.
// A refused password leaves the session usable for another try.
func (s *Service) respondNewPassword(p *pool, cl *client, u *user, a *authSession, key string, resp map[string]string) (*authOutput, error) {
	fail := func(err error) (*authOutput, error) {
		s.sessions[key] = a
		s.mu.Unlock()
		return nil, err
	}
	pw := resp["NEW_PASSWORD"]
	if pw == "" {
		return fail(errMissingParam("NEW_PASSWORD"))
	}
	if err := checkPolicy(p.Policy, pw); err != nil {
		return fail(err)
	}
	updates := map[string]string{}
	for k, v := range resp {
		if name, ok := strings.CutPrefix(k, "userAttributes."); ok {
			updates[name] = v
		}
	}
	for _, r := range p.RequiredAttributes {
		if u.Attributes[r] == "" && updates[r] == "" {
			return fail(errf(excInvalidParameter, "Invalid attributes given, %s is missing", r))
		}
	}
	for name := range updates {
		if err := checkWritableAttribute(p, cl, name); err != nil {
			return fail(err)
		}
	}
	poolID, userID := p.ID, u.Username
	s.mu.Unlock()
	cred, err := makeCredential(poolID, userID, pw)
	if err != nil {
		return nil, errInternal(err)
	}
	s.mu.Lock()
	u, err = s.sessionUser(p, a.sub)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	s.setCredential(u, cred)
	u.Status = statusConfirmed
	for k, v := range updates {
		u.Attributes[k] = v
	}
	a.newPassword = true
	return s.advanceUnlock(p, cl, u, a)
}

// setCredential replaces a user's password; s.mu held.
func (s *Service) setCredential(u *user, c credential) {
	u.Salt, u.Verifier = c.salt, c.verifier
	u.SeedPassword = ""
	u.TempPasswordAt = time.Time{}
	s.touch(u)
	s.markChanged()
}

// checkWritableAttribute refuses attributes the client may not write and
// names outside the schema.
func checkWritableAttribute(p *pool, cl *client, name string) error {
	if name == "sub" {
		return errf(excNotAuthorized, "A client attempted to write unauthorized attribute")
	}
	if strings.HasPrefix(name, "custom:") {
		ok := false
		for _, ca := range p.CustomAttributes {
			if "custom:"+ca.Name == name {
				ok = true
			}
		}
		if !ok {
			return errf(excInvalidParameter, "Attribute does not exist in the schema.")
		}
	} else if !isStandardAttribute(name) {
		return errf(excInvalidParameter, "Attribute does not exist in the schema.")
	}
	if cl != nil && len(cl.WriteAttributes) > 0 && !contains(cl.WriteAttributes, name) {
		return errf(excNotAuthorized, "A client attempted to write unauthorized attribute")
	}
	return nil
}
