package cognito

import (
	"time"

	"github.com/cogscope/cogscope/internal/lazyregexp"
)

var (
	emailPattern = lazyregexp.New(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	phonePattern = lazyregexp.New(`^\+[0-9]{6,15}$`)
	// usernamePattern is the model's: letters, marks, symbols, numbers and
	// punctuation, so no whitespace or control characters.
	usernamePattern = lazyregexp.New(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$`)
)

// signInName applies the pool's username attributes to a new user's
// username: in email/phone-as-username pools the name given must be an
// address and becomes that attribute (the internal username is the sub).
func signInName(p *pool, username string, attrs map[string]string) error {
	if len(p.UsernameAttributes) == 0 {
		if !usernamePattern.MatchString(username) {
			return validationError([]violation{{member: "Username", hidden: true,
				rule: `Member must satisfy regular expression pattern: [\p{L}\p{M}\p{S}\p{N}\p{P}]+`}})
		}
		return nil
	}
	switch {
	case contains(p.UsernameAttributes, "email") && emailPattern.MatchString(username):
		attrs["email"] = username
	case contains(p.UsernameAttributes, "phone_number") && phonePattern.MatchString(username):
		attrs["phone_number"] = username
	case contains(p.UsernameAttributes, "email"):
		return newErr(excInvalidParameter, "Username should be an email.")
	default:
		return newErr(excInvalidParameter, "Username should be a phone number.")
	}
	return nil
}

// validateAttributes checks names against the schema and value formats
// Cognito enforces for email and phone_number.
func validateAttributes(p *pool, cl *client, attrs map[string]string) error {
	for name, v := range attrs {
		if err := checkWritableAttribute(p, cl, name); err != nil {
			return err
		}
		switch name {
		case "email":
			if !emailPattern.MatchString(v) {
				return newErr(excInvalidParameter, "Invalid email address format.")
			}
		case "phone_number":
			if !phonePattern.MatchString(v) {
				return newErr(excInvalidParameter, "Invalid phone number format.")
			}
		case "email_verified", "phone_number_verified":
			if v != "true" && v != "false" {
				return errf(excInvalidParameter, "Invalid value for %s: must be true or false", name)
			}
		}
	}
	return nil
}

func opAdminCreateUser(s *Service, c *call) (any, error) {
	var in struct {
		UserPoolId             string          `json:"UserPoolId"`
		Username               string          `json:"Username"`
		UserAttributes         []attributeType `json:"UserAttributes"`
		TemporaryPassword      string          `json:"TemporaryPassword"`
		MessageAction          string          `json:"MessageAction"`
		DesiredDeliveryMediums []string        `json:"DesiredDeliveryMediums"`
		ForceAliasCreation     bool            `json:"ForceAliasCreation"`
	}
	if err := c.decode(&in, "UserPoolId", "Username"); err != nil {
		return nil, err
	}
	if err := checkName("Username", in.Username, 128); err != nil {
		return nil, err
	}
	if in.MessageAction != "" && in.MessageAction != "RESEND" && in.MessageAction != "SUPPRESS" {
		return nil, validationError([]violation{enumViolation("MessageAction", in.MessageAction, []string{"RESEND", "SUPPRESS"})})
	}
	attrs, err := attributeMap(in.UserAttributes)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	p, err := s.pool(in.UserPoolId)
	if err == nil {
		err = validateAttributes(p, nil, attrs)
	}
	if err == nil {
		err = signInName(p, in.Username, attrs)
	}
	if err == nil && p.lookupUser(in.Username) != nil && in.MessageAction != "RESEND" {
		err = newErr(excUsernameExists, "User account already exists")
	}
	var policy passwordPolicy
	if err == nil {
		policy = p.Policy
	}
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	temp := in.TemporaryPassword
	if temp == "" {
		temp = generatePassword(policy)
	} else if err := checkPolicyAs(policyRefusedAdminCreate, policy, temp); err != nil {
		return nil, err
	}
	s.mu.Lock()
	u := s.newUser(p, in.Username, attrs)
	userID, poolID := u.Username, p.ID
	s.mu.Unlock()
	cred, err := makeCredential(poolID, userID, temp)
	if err != nil {
		return nil, errInternal(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if in.MessageAction == "RESEND" {
		existing := p.lookupUser(in.Username)
		if existing == nil {
			return nil, errUserNotFound()
		}
		if existing.Status != statusForceChange {
			return nil, newErr(excUnsupportedOperation, "Resend not possible. "+existing.Username+" status is not FORCE_CHANGE_PASSWORD")
		}
		u = existing
	} else if err := s.insertUser(p, u, in.ForceAliasCreation); err != nil {
		return nil, err
	}
	s.setCredential(u, cred)
	u.Status, u.TempPasswordAt = statusForceChange, s.now().UTC()
	if in.MessageAction != "SUPPRESS" {
		medium, _, dest := deliveryFor(u, contains(in.DesiredDeliveryMediums, "SMS") && !contains(in.DesiredDeliveryMediums, "EMAIL"))
		if dest != "" {
			s.sendInvitation(p, u, medium, dest, temp)
		}
	}
	return map[string]any{"User": toUserType(u)}, nil
}

// sendInvitation records AdminCreateUser's welcome message. The temporary
// password is kept in SentCodes for tests but never written to the log.
func (s *Service) sendInvitation(p *pool, u *user, medium, dest, temp string) {
	c := SentCode{PoolID: p.ID, Username: u.Username, Medium: medium, Destination: dest, Purpose: "INVITATION", Code: temp, Time: s.now()}
	s.codesMu.Lock()
	s.codes = append(s.codes, c)
	if len(s.codes) > maxSentCodes {
		s.codes = append([]SentCode(nil), s.codes[len(s.codes)-maxSentCodes:]...)
	}
	s.codesMu.Unlock()
	s.log.Info("cognito sent an invitation (temporary password withheld from the log)",
		"pool", p.ID, "username", u.Username, "medium", medium, "destination", dest)
}

// generatePassword makes a temporary password that satisfies policy.
func generatePassword(pp passwordPolicy) string {
	n := pp.MinimumLength
	if n < 12 {
		n = 12
	}
	return randomString("ABCDEFGHJKLMNPQRSTUVWXYZ", 2) + randomString("abcdefghijkmnopqrstuvwxyz", 2) +
		randomString(digits, 2) + "!" + randomString(alnum, n-7)
}

type poolUserInput struct {
	UserPoolId string `json:"UserPoolId"`
	Username   string `json:"Username"`
}

func opAdminGetUser(s *Service, c *call) (any, error) {
	var in poolUserInput
	return onPool(s, c, &in, &in.UserPoolId, func(p *pool) (any, error) {
		u, err := adminUser(p, in.Username)
		if err != nil {
			return nil, err
		}
		list, pref := mfaSettings(u)
		return struct {
			Username             string          `json:"Username"`
			UserAttributes       []attributeType `json:"UserAttributes"`
			UserCreateDate       *epoch          `json:"UserCreateDate"`
			UserLastModifiedDate *epoch          `json:"UserLastModifiedDate"`
			Enabled              bool            `json:"Enabled"`
			UserStatus           string          `json:"UserStatus"`
			MFAOptions           []mfaOptionType `json:"MFAOptions,omitempty"`
			PreferredMfaSetting  string          `json:"PreferredMfaSetting,omitempty"`
			UserMFASettingList   []string        `json:"UserMFASettingList,omitempty"`
		}{u.Username, attributeList(u, nil), epochPtr(u.Created), epochPtr(u.Modified), u.Enabled, u.Status, mfaOptions(u), pref, list}, nil
	}, "UserPoolId", "Username")
}

// withAdminUser runs fn on the named user under the lock.
func (s *Service) withAdminUser(poolID, username string, fn func(p *pool, u *user) (any, error)) (any, error) {
	return s.withPool(poolID, func(p *pool) (any, error) {
		u, err := adminUser(p, username)
		if err != nil {
			return nil, err
		}
		return fn(p, u)
	})
}

func opAdminDeleteUser(s *Service, c *call) (any, error) {
	var in poolUserInput
	if err := c.decode(&in, "UserPoolId", "Username"); err != nil {
		return nil, err
	}
	return s.withAdminUser(in.UserPoolId, in.Username, func(p *pool, u *user) (any, error) {
		s.deleteUser(p, u)
		return empty{}, nil
	})
}

func opAdminSetUserPassword(s *Service, c *call) (any, error) {
	var in struct {
		UserPoolId string `json:"UserPoolId"`
		Username   string `json:"Username"`
		Password   string `json:"Password"`
		Permanent  bool   `json:"Permanent"`
	}
	if err := c.decode(&in, "UserPoolId", "Username", "Password"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	p, err := s.pool(in.UserPoolId)
	var u *user
	if err == nil {
		u, err = adminUser(p, in.Username)
	}
	if err == nil {
		err = checkPolicy(p.Policy, in.Password)
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
	if u = p.bySub[sub]; u == nil {
		return nil, errUserNotFound()
	}
	s.setCredential(u, cred)
	if in.Permanent {
		u.Status = statusConfirmed
	} else {
		u.Status, u.TempPasswordAt = statusForceChange, s.now().UTC()
	}
	return empty{}, nil
}

func opAdminConfirmSignUp(s *Service, c *call) (any, error) {
	var in poolUserInput
	if err := c.decode(&in, "UserPoolId", "Username"); err != nil {
		return nil, err
	}
	return s.withAdminUser(in.UserPoolId, in.Username, func(p *pool, u *user) (any, error) {
		if u.Status != statusUnconfirmed {
			return nil, errf(excNotAuthorized, "User cannot be confirmed. Current status is %s", u.Status)
		}
		u.Status, u.ConfirmCode = statusConfirmed, nil
		s.touch(u)
		s.markChanged()
		return empty{}, nil
	})
}

func opAdminEnableUser(s *Service, c *call) (any, error)  { return s.setEnabled(c, true) }
func opAdminDisableUser(s *Service, c *call) (any, error) { return s.setEnabled(c, false) }

func (s *Service) setEnabled(c *call, enabled bool) (any, error) {
	var in poolUserInput
	if err := c.decode(&in, "UserPoolId", "Username"); err != nil {
		return nil, err
	}
	return s.withAdminUser(in.UserPoolId, in.Username, func(p *pool, u *user) (any, error) {
		u.Enabled = enabled
		s.touch(u)
		s.markChanged()
		return empty{}, nil
	})
}

func opAdminResetUserPassword(s *Service, c *call) (any, error) {
	var in poolUserInput
	if err := c.decode(&in, "UserPoolId", "Username"); err != nil {
		return nil, err
	}
	return s.withAdminUser(in.UserPoolId, in.Username, func(p *pool, u *user) (any, error) {
		medium, dest := verifiedDelivery(u)
		if dest == "" {
			return nil, newErr(excInvalidParameter, "Cannot reset password for the user as there is no registered/verified email or phone_number")
		}
		u.Status = statusResetRequired
		u.ResetCode = &pendingCode{Code: newCode(6), Expires: s.now().Add(time.Hour)}
		s.sendCode(SentCode{PoolID: p.ID, Username: u.Username, Medium: medium, Destination: dest, Purpose: purposeForgot, Code: u.ResetCode.Code})
		s.touch(u)
		s.markChanged()
		return empty{}, nil
	})
}

// verifiedDelivery is where account-recovery codes go: a verified e-mail
// address first, then a verified phone number.
func verifiedDelivery(u *user) (medium, dest string) {
	if u.Attributes["email"] != "" && u.Attributes["email_verified"] == "true" {
		return "EMAIL", u.Attributes["email"]
	}
	if u.Attributes["phone_number"] != "" && u.Attributes["phone_number_verified"] == "true" {
		return "SMS", u.Attributes["phone_number"]
	}
	return "", ""
}

func opAdminUpdateUserAttributes(s *Service, c *call) (any, error) {
	var in struct {
		UserPoolId     string          `json:"UserPoolId"`
		Username       string          `json:"Username"`
		UserAttributes []attributeType `json:"UserAttributes"`
	}
	if err := c.decode(&in, "UserPoolId", "Username", "UserAttributes"); err != nil {
		return nil, err
	}
	attrs, err := attributeMap(in.UserAttributes)
	if err != nil {
		return nil, err
	}
	return s.withAdminUser(in.UserPoolId, in.Username, func(p *pool, u *user) (any, error) {
		if err := validateAttributes(p, nil, attrs); err != nil {
			return nil, err
		}
		if err := s.updateAttributes(p, u, attrs); err != nil {
			return nil, err
		}
		return empty{}, nil
	})
}

// updateAttributes applies attribute changes. A changed e-mail or phone
// number is unverified again unless the update verifies it too; s.mu held.
func (s *Service) updateAttributes(p *pool, u *user, attrs map[string]string) error {
	next := *u
	next.Attributes = make(map[string]string, len(u.Attributes)+len(attrs))
	for k, v := range u.Attributes {
		next.Attributes[k] = v
	}
	for k, v := range attrs {
		if v == "" {
			delete(next.Attributes, k)
			continue
		}
		next.Attributes[k] = v
		for _, a := range []string{"email", "phone_number"} {
			if k == a && u.Attributes[a] != v {
				if _, set := attrs[a+"_verified"]; !set {
					next.Attributes[a+"_verified"] = "false"
				}
			}
		}
	}
	for _, attr := range p.UsernameAttributes {
		if err := p.checkAliasFree(&next, attr); err != nil {
			return newErr(excAliasExists, "An account with the given "+attr+" already exists.")
		}
	}
	if err := s.claimAliases(p, &next, false); err != nil {
		return err
	}
	u.Attributes = next.Attributes
	s.touch(u)
	s.markChanged()
	return nil
}

func opAdminUserGlobalSignOut(s *Service, c *call) (any, error) {
	var in poolUserInput
	if err := c.decode(&in, "UserPoolId", "Username"); err != nil {
		return nil, err
	}
	return s.withAdminUser(in.UserPoolId, in.Username, func(p *pool, u *user) (any, error) {
		s.revokeUserTokens(p.ID, u.Sub)
		return empty{}, nil
	})
}
