package cognito

import "time"

// Code lifetimes: sign-up codes last a day, password-reset codes an hour.
const (
	signUpCodeTTL = 24 * time.Hour
	resetCodeTTL  = time.Hour
)

type clientUserInput struct {
	ClientId   string `json:"ClientId"`
	SecretHash string `json:"SecretHash"`
	Username   string `json:"Username"`
}

// publicUser resolves client and user for the unauthenticated user
// operations (SignUp family, ForgotPassword): client, secret hash over the
// Username sent, then the user. s.mu held; u is nil when unknown.
func (s *Service) publicUser(in clientUserInput) (*pool, *client, *user, error) {
	p, cl, err := s.client(in.ClientId)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := checkSecretHash(cl, in.SecretHash, in.Username); err != nil {
		return nil, nil, nil, err
	}
	return p, cl, p.lookupUser(in.Username), nil
}

func opSignUp(s *Service, c *call) (any, error) {
	var in struct {
		clientUserInput
		Password       *string         `json:"Password"`
		UserAttributes []attributeType `json:"UserAttributes"`
	}
	if err := c.decode(&in, "ClientId", "Username"); err != nil {
		return nil, err
	}
	if err := checkName("Username", in.Username, 128); err != nil {
		return nil, err
	}
	attrs, err := attributeMap(in.UserAttributes)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	p, cl, existing, err := s.publicUser(in.clientUserInput)
	if err == nil && p.AdminCreateUserOnly {
		err = newErr(excNotAuthorized, "SignUp is not permitted for this user pool")
	}
	passwordless := p != nil && (contains(p.FirstAuthFactors, "EMAIL_OTP") || contains(p.FirstAuthFactors, "SMS_OTP"))
	if err == nil && in.Password == nil && !passwordless {
		err = validationError([]violation{{member: "Password", rule: "Member must not be null"}})
	}
	if err == nil && in.Password != nil {
		err = checkPolicy(p.Policy, *in.Password)
	}
	if err == nil {
		err = validateAttributes(p, cl, attrs)
	}
	if err == nil {
		err = signInName(p, in.Username, attrs)
	}
	if err == nil && existing != nil {
		err = newErr(excUsernameExists, msgUsernameExists)
		if attrs["phone_number"] == in.Username && len(p.UsernameAttributes) > 0 {
			err = newErr(excUsernameExists, "An account with the given phone_number already exists.")
		} else if len(p.UsernameAttributes) > 0 {
			err = newErr(excUsernameExists, "An account with the given email already exists.")
		}
	}
	for _, r := range requiredOf(p, err) {
		if attrs[r] == "" {
			err = errf(excInvalidParameter, "Attributes did not conform to the schema: %s: The attribute %s is required", r, r)
			break
		}
	}
	var u *user
	if err == nil {
		u = s.newUser(p, in.Username, attrs)
		u.Status = statusUnconfirmed
		delete(u.Attributes, "email_verified")
		delete(u.Attributes, "phone_number_verified")
	}
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	var cred credential
	if in.Password != nil {
		if cred, err = makeCredential(p.ID, u.Username, *in.Password); err != nil {
			return nil, errInternal(err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.insertUser(p, u, false); err != nil {
		return nil, err
	}
	if in.Password != nil {
		s.setCredential(u, cred)
	}
	out := struct {
		UserConfirmed       bool                 `json:"UserConfirmed"`
		UserSub             string               `json:"UserSub"`
		CodeDeliveryDetails *codeDeliveryDetails `json:"CodeDeliveryDetails,omitempty"`
		Session             string               `json:"Session"`
	}{UserSub: u.Sub}
	out.CodeDeliveryDetails = s.sendConfirmation(p, u)
	// The Session lets ConfirmSignUp, then InitiateAuth USER_AUTH, sign
	// the user in with the confirmation code as the first factor.
	out.Session = s.storeSession(cl, &authSession{poolID: p.ID, clientID: cl.ClientID, sub: u.Sub, username: u.Username,
		flow: "USER_AUTH"}, sessionSignUp)
	return out, nil
}

// requiredOf lists the pool's required attributes, or none once an error
// is already decided.
func requiredOf(p *pool, err error) []string {
	if err != nil || p == nil {
		return nil
	}
	return p.RequiredAttributes
}

// sendConfirmation sends a sign-up code to the first auto-verified
// attribute the user has (e-mail before phone); nil when the pool verifies
// nothing automatically. s.mu held.
func (s *Service) sendConfirmation(p *pool, u *user) *codeDeliveryDetails {
	for _, attr := range []string{"email", "phone_number"} {
		dest := u.Attributes[attr]
		if !contains(p.AutoVerified, attr) || dest == "" {
			continue
		}
		medium := "EMAIL"
		if attr == "phone_number" {
			medium = "SMS"
		}
		u.ConfirmCode = &pendingCode{Code: newCode(6), Expires: s.now().Add(signUpCodeTTL)}
		s.markChanged()
		s.sendCode(SentCode{PoolID: p.ID, Username: u.Username, Medium: medium, Destination: dest, Purpose: purposeSignUp, Code: u.ConfirmCode.Code})
		return &codeDeliveryDetails{Destination: mask(medium, dest), DeliveryMedium: medium, AttributeName: attr}
	}
	return nil
}

// checkCode compares a submitted code with a pending one: absent or
// expired → ExpiredCodeException, wrong → CodeMismatchException, and after
// five wrong tries LimitExceededException.
func (s *Service) checkCode(pc *pendingCode, code string) error {
	if pc == nil || s.now().After(pc.Expires) {
		return newErr(excExpiredCode, msgExpiredCode)
	}
	if pc.Attempts >= 5 {
		return newErr(excLimitExceeded, msgAttemptLimit)
	}
	if !secretEqual(pc.Code, code) {
		pc.Attempts++
		s.markChanged()
		return errCodeMismatch()
	}
	return nil
}

func opConfirmSignUp(s *Service, c *call) (any, error) {
	var in struct {
		clientUserInput
		ConfirmationCode   string `json:"ConfirmationCode"`
		ForceAliasCreation bool   `json:"ForceAliasCreation"`
		Session            string `json:"Session"`
	}
	if err := c.decode(&in, "ClientId", "Username", "ConfirmationCode"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, cl, u, err := s.publicUser(in.clientUserInput)
	if err != nil {
		return nil, err
	}
	if u == nil {
		if cl.preventsExistenceErrors() {
			return nil, errCodeMismatch()
		}
		return nil, newErr(excUserNotFound, msgForgotUserNotFound)
	}
	if u.Status != statusUnconfirmed {
		return nil, errf(excNotAuthorized, "User cannot be confirmed. Current status is %s", u.Status)
	}
	var signUp *authSession
	if in.Session != "" {
		a := s.sessions[in.Session]
		if a == nil || a.sub != u.Sub {
			return nil, errSessionInvalid()
		}
		if signUp, err = s.takeSession(in.Session, cl.ClientID, sessionSignUp); err != nil {
			return nil, err
		}
	}
	// A refused confirmation does not spend SignUp's Session.
	keep := func(err error) (any, error) {
		if signUp != nil {
			s.sessions[in.Session] = signUp
		}
		return nil, err
	}
	if err := s.checkCode(u.ConfirmCode, in.ConfirmationCode); err != nil {
		return keep(err)
	}
	for _, attr := range []string{"email", "phone_number"} {
		if u.Attributes[attr] != "" && contains(p.AutoVerified, attr) {
			// The user stays unconfirmed, and the code valid, when the
			// address is another user's alias.
			if err := s.verifyAttribute(p, u, attr, in.ForceAliasCreation); err != nil {
				return keep(err)
			}
			break
		}
	}
	u.Status, u.ConfirmCode = statusConfirmed, nil
	s.touch(u)
	s.markChanged()
	if signUp == nil {
		return empty{}, nil
	}
	return map[string]string{"Session": s.storeSession(cl, signUp, sessionConfirm)}, nil
}

func opResendConfirmationCode(s *Service, c *call) (any, error) {
	var in clientUserInput
	if err := c.decode(&in, "ClientId", "Username"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, cl, u, err := s.publicUser(in)
	if err != nil {
		return nil, err
	}
	if u == nil {
		if cl.preventsExistenceErrors() {
			return map[string]any{"CodeDeliveryDetails": codeDeliveryDetails{Destination: "***@***", DeliveryMedium: "EMAIL", AttributeName: "email"}}, nil
		}
		return nil, newErr(excUserNotFound, msgForgotUserNotFound)
	}
	if u.Status != statusUnconfirmed {
		return nil, newErr(excInvalidParameter, "User is already confirmed.")
	}
	cd := s.sendConfirmation(p, u)
	if cd == nil {
		return nil, newErr(excInvalidParameter, "Auto verification not turned on.")
	}
	return map[string]any{"CodeDeliveryDetails": cd}, nil
}

func opForgotPassword(s *Service, c *call) (any, error) {
	var in clientUserInput
	if err := c.decode(&in, "ClientId", "Username"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, cl, u, err := s.publicUser(in)
	if err != nil {
		return nil, err
	}
	if u == nil {
		if cl.preventsExistenceErrors() {
			return map[string]any{"CodeDeliveryDetails": codeDeliveryDetails{Destination: "***@***", DeliveryMedium: "EMAIL", AttributeName: "email"}}, nil
		}
		return nil, newErr(excUserNotFound, msgForgotUserNotFound)
	}
	if !u.Enabled {
		return nil, newErr(excNotAuthorized, msgUserDisabled)
	}
	medium, dest := verifiedDelivery(u)
	if dest == "" {
		return nil, newErr(excInvalidParameter, "Cannot reset password for the user as there is no registered/verified email or phone_number")
	}
	u.ResetCode = &pendingCode{Code: newCode(6), Expires: s.now().Add(resetCodeTTL)}
	s.markChanged()
	s.sendCode(SentCode{PoolID: p.ID, Username: u.Username, Medium: medium, Destination: dest, Purpose: purposeForgot, Code: u.ResetCode.Code})
	attr := "email"
	if medium == "SMS" {
		attr = "phone_number"
	}
	return map[string]any{"CodeDeliveryDetails": codeDeliveryDetails{Destination: mask(medium, dest), DeliveryMedium: medium, AttributeName: attr}}, nil
}

func opConfirmForgotPassword(s *Service, c *call) (any, error) {
	var in struct {
		clientUserInput
		ConfirmationCode string `json:"ConfirmationCode"`
		Password         string `json:"Password"`
	}
	if err := c.decode(&in, "ClientId", "Username", "ConfirmationCode", "Password"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	p, cl, u, err := s.publicUser(in.clientUserInput)
	if err == nil && u == nil {
		err = newErr(excUserNotFound, msgForgotUserNotFound)
		if cl.preventsExistenceErrors() {
			err = errCodeMismatch()
		}
	}
	if err == nil {
		err = checkPolicyAs(policyRefusedReset, p.Policy, in.Password)
	}
	if err == nil {
		err = s.checkCode(u.ResetCode, in.ConfirmationCode)
	}
	var sub, userID string
	if err == nil {
		sub, userID = u.Sub, u.Username
	}
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	cred, err := makeCredential(p.ID, userID, in.Password)
	if err != nil {
		return nil, errInternal(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u = p.bySub[sub]
	if u == nil || u.ResetCode == nil || !secretEqual(u.ResetCode.Code, in.ConfirmationCode) {
		return nil, newErr(excExpiredCode, msgExpiredCode) // used by a concurrent request
	}
	s.setCredential(u, cred)
	u.ResetCode, u.Status = nil, statusConfirmed
	return empty{}, nil
}
