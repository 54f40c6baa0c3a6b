package cognito

import (
	"encoding/base64"
	"encoding/json"
	"strings"
)

// userAuthChallenges lists the first factors u can use in choice-based
// sign-in (USER_AUTH): those the pool allows and the user has the means for.
func userAuthChallenges(p *pool, u *user) []string {
	var out []string
	if contains(p.FirstAuthFactors, "WEB_AUTHN") && len(u.WebAuthn) > 0 {
		out = append(out, "WEB_AUTHN")
	}
	if contains(p.FirstAuthFactors, "EMAIL_OTP") && u.Attributes["email"] != "" {
		out = append(out, "EMAIL_OTP")
	}
	if contains(p.FirstAuthFactors, "SMS_OTP") && u.Attributes["phone_number"] != "" {
		out = append(out, "SMS_OTP")
	}
	if contains(p.FirstAuthFactors, "PASSWORD") && u.Verifier != nil {
		out = append(out, "PASSWORD", "PASSWORD_SRP")
	}
	return out
}

// beginUserAuth starts USER_AUTH: the PREFERRED_CHALLENGE if the user can
// use it, else SELECT_CHALLENGE with AvailableChallenges. Entered with s.mu
// held; returns with it released.
func (s *Service) beginUserAuth(p *pool, cl *client, u *user, a *authSession, params map[string]string) (*authOutput, error) {
	if !u.Enabled {
		s.mu.Unlock()
		return nil, newErr(excNotAuthorized, msgUserDisabled)
	}
	available := userAuthChallenges(p, u)
	if len(available) == 0 {
		s.mu.Unlock()
		return nil, errIncorrectCredentials()
	}
	a.options = available
	if pref := params["PREFERRED_CHALLENGE"]; pref != "" && contains(available, pref) {
		return s.startFactor(p, cl, u, a, pref, params)
	}
	out := s.challengeOut(cl, a, "SELECT_CHALLENGE", nil)
	out.AvailableChallenges = available
	s.mu.Unlock()
	return out, nil
}

// signInAfterSignUp is InitiateAuth USER_AUTH with the Session of
// ConfirmSignUp: the confirmation code was the first factor, so the user
// gets tokens at once, as after a passwordless code. The session is single
// use. Entered with s.mu held; returns with it released.
func (s *Service) signInAfterSignUp(p *pool, cl *client, u *user, a *authSession, key string) (*authOutput, error) {
	if sa := s.sessions[key]; sa == nil || sa.sub != u.Sub {
		s.mu.Unlock()
		return nil, errSessionInvalid()
	}
	if _, err := s.takeSession(key, cl.ClientID, sessionConfirm); err != nil {
		s.mu.Unlock()
		return nil, err
	}
	if !u.Enabled {
		s.mu.Unlock()
		return nil, newErr(excNotAuthorized, msgUserDisabled)
	}
	a.passwordless = true
	return s.advanceUnlock(p, cl, u, a)
}

// poolFirstFactors are the first factors the pool offers anyone, for a
// user that does not exist (WEB_AUTHN needs a credential, so it is left
// out).
func poolFirstFactors(p *pool) []string {
	var out []string
	for _, f := range []string{"EMAIL_OTP", "SMS_OTP"} {
		if contains(p.FirstAuthFactors, f) {
			out = append(out, f)
		}
	}
	if contains(p.FirstAuthFactors, "PASSWORD") {
		out = append(out, "PASSWORD", "PASSWORD_SRP")
	}
	return out
}

// beginUserAuthUnknown is USER_AUTH for a user that does not exist under
// PreventUserExistenceErrors: the same SELECT_CHALLENGE or preferred
// challenge a user would get, each ending in the error a wrong answer
// gets. Entered with s.mu held; returns with it released.
func (s *Service) beginUserAuthUnknown(p *pool, cl *client, a *authSession, params map[string]string) (*authOutput, error) {
	available := poolFirstFactors(p)
	if len(available) == 0 {
		s.mu.Unlock()
		return nil, errIncorrectCredentials()
	}
	a.options = available
	if pref := params["PREFERRED_CHALLENGE"]; pref != "" && contains(available, pref) {
		return s.startFakeFactor(p, cl, a, pref, params)
	}
	out := s.challengeOut(cl, a, "SELECT_CHALLENGE", nil)
	out.AvailableChallenges = available
	s.mu.Unlock()
	return out, nil
}

// startFakeFactor is startFactor for a user that does not exist: a
// password is "wrong", SRP gets a throwaway verifier, and an OTP
// challenge names a simulated destination and sends nothing. Entered with
// s.mu held; returns with it released.
func (s *Service) startFakeFactor(p *pool, cl *client, a *authSession, factor string, vals map[string]string) (*authOutput, error) {
	switch factor {
	case "PASSWORD":
		s.mu.Unlock()
		if vals["PASSWORD"] == "" {
			return nil, errMissingParam("PASSWORD")
		}
		return nil, errIncorrectCredentials()
	case "PASSWORD_SRP":
		if vals["SRP_A"] == "" {
			s.mu.Unlock()
			return nil, errMissingParam("SRP_A")
		}
		in := &initiateInput{AuthFlow: "USER_AUTH", ClientId: cl.ClientID, AuthParameters: map[string]string{
			"USERNAME": a.username, "SRP_A": vals["SRP_A"]}}
		return s.beginSRP(p, cl, nil, in, a.admin)
	}
	medium, dest := "EMAIL", "***@***"
	if factor == "SMS_OTP" {
		medium, dest = "SMS", "+*******0000"
	} else if emailPattern.MatchString(a.username) {
		dest = mask("EMAIL", a.username)
	}
	a.passwordless = true
	out := s.challengeOut(cl, a, factor, map[string]string{
		"CODE_DELIVERY_DELIVERY_MEDIUM": medium, "CODE_DELIVERY_DESTINATION": dest})
	s.mu.Unlock()
	return out, nil
}

// respondFake answers a challenge response in a fake USER_AUTH sign-in:
// a chosen factor starts like a real one, a code is always wrong.
// Entered with s.mu held; returns with it released.
func (s *Service) respondFake(p *pool, cl *client, a *authSession, key, challenge string, resp map[string]string) (*authOutput, error) {
	if resp["USERNAME"] == "" {
		s.sessions[key] = a
		s.mu.Unlock()
		return nil, errMissingParam("USERNAME")
	}
	switch challenge {
	case "SELECT_CHALLENGE":
		answer := resp["ANSWER"]
		if !contains(a.options, answer) {
			s.mu.Unlock()
			return nil, errf(excInvalidParameter, "Invalid value for ANSWER: %s. Available challenges: %s", answer, strings.Join(a.options, ", "))
		}
		return s.startFakeFactor(p, cl, a, answer, resp)
	case "EMAIL_OTP", "SMS_OTP":
		s.retry(key, a)
		s.mu.Unlock()
		return nil, errCodeMismatch()
	}
	s.mu.Unlock()
	return nil, errIncorrectCredentials()
}

// respondSelectChallenge continues USER_AUTH with the factor chosen in
// ANSWER. Entered with s.mu held; returns with it released.
func (s *Service) respondSelectChallenge(p *pool, cl *client, u *user, a *authSession, resp map[string]string) (*authOutput, error) {
	answer := resp["ANSWER"]
	if answer == "" {
		s.mu.Unlock()
		return nil, errMissingParam("ANSWER")
	}
	if !contains(a.options, answer) {
		s.mu.Unlock()
		return nil, errf(excInvalidParameter, "Invalid value for ANSWER: %s. Available challenges: %s", answer, strings.Join(a.options, ", "))
	}
	return s.startFactor(p, cl, u, a, answer, resp)
}

// startFactor runs the first factor of a USER_AUTH sign-in; vals holds
// PASSWORD or SRP_A. Entered with s.mu held; returns with it released.
func (s *Service) startFactor(p *pool, cl *client, u *user, a *authSession, factor string, vals map[string]string) (*authOutput, error) {
	switch factor {
	case "PASSWORD":
		if vals["PASSWORD"] == "" {
			s.mu.Unlock()
			return nil, errMissingParam("PASSWORD")
		}
		return s.passwordSignIn(p, cl, u, a, vals["PASSWORD"])
	case "PASSWORD_SRP":
		if vals["SRP_A"] == "" {
			s.mu.Unlock()
			return nil, errMissingParam("SRP_A")
		}
		in := &initiateInput{AuthFlow: "USER_AUTH", ClientId: cl.ClientID, AuthParameters: map[string]string{
			"USERNAME": u.Username, "SRP_A": vals["SRP_A"], "DEVICE_KEY": a.deviceKey}}
		return s.beginSRP(p, cl, u, in, a.admin)
	case "EMAIL_OTP", "SMS_OTP":
		a.passwordless = true
		out, err := s.mfaChallenge(p, cl, u, a, factor, nil)
		s.mu.Unlock()
		return out, err
	case "WEB_AUTHN":
		opts, _ := json.Marshal(map[string]any{
			"challenge":        base64.RawURLEncoding.EncodeToString(randomBytes(32)),
			"timeout":          180000,
			"rpId":             "localhost",
			"allowCredentials": webAuthnCredentials(u),
			"userVerification": "preferred",
		})
		out := s.challengeOut(cl, a, "WEB_AUTHN", map[string]string{"CREDENTIAL_REQUEST_OPTIONS": string(opts)})
		s.mu.Unlock()
		return out, nil
	}
	s.mu.Unlock()
	return nil, errf(excInvalidParameter, "Unsupported challenge %s", factor)
}

func webAuthnCredentials(u *user) []map[string]any {
	out := make([]map[string]any, 0, len(u.WebAuthn))
	for _, id := range u.WebAuthn {
		out = append(out, map[string]any{"type": "public-key", "id": id})
	}
	return out
}
