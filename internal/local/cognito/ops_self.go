package cognito

type accessTokenInput struct {
	AccessToken string `json:"AccessToken"`
}

// withAccessUser checks the access token (signature, expiry, revocation,
// scope) without the lock, then runs fn on its user under the lock.
func (s *Service) withAccessUser(token string, fn func(p *pool, u *user, ac *accessClaims) (any, error)) (any, error) {
	ac, err := s.checkAccess(token)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, u, err := s.accessUser(ac)
	if err != nil {
		return nil, err
	}
	return fn(p, u, ac)
}

func opGetUser(s *Service, c *call) (any, error) {
	var in accessTokenInput
	if err := c.decode(&in, "AccessToken"); err != nil {
		return nil, err
	}
	return s.withAccessUser(in.AccessToken, func(p *pool, u *user, ac *accessClaims) (any, error) {
		cl := p.Clients[ac.ClientID]
		var filter func(string) bool
		if cl != nil {
			filter = cl.canRead
		}
		list, pref := mfaSettings(u)
		return struct {
			Username            string          `json:"Username"`
			UserAttributes      []attributeType `json:"UserAttributes"`
			MFAOptions          []mfaOptionType `json:"MFAOptions,omitempty"`
			PreferredMfaSetting string          `json:"PreferredMfaSetting,omitempty"`
			UserMFASettingList  []string        `json:"UserMFASettingList,omitempty"`
		}{u.Username, attributeList(u, filter), mfaOptions(u), pref, list}, nil
	})
}

func opUpdateUserAttributes(s *Service, c *call) (any, error) {
	var in struct {
		AccessToken    string          `json:"AccessToken"`
		UserAttributes []attributeType `json:"UserAttributes"`
	}
	if err := c.decode(&in, "AccessToken", "UserAttributes"); err != nil {
		return nil, err
	}
	attrs, err := attributeMap(in.UserAttributes)
	if err != nil {
		return nil, err
	}
	return s.withAccessUser(in.AccessToken, func(p *pool, u *user, ac *accessClaims) (any, error) {
		if err := validateAttributes(p, p.Clients[ac.ClientID], attrs); err != nil {
			return nil, err
		}
		for _, v := range []string{"email_verified", "phone_number_verified"} {
			if _, ok := attrs[v]; ok {
				return nil, errf(excNotAuthorized, "A client attempted to write unauthorized attribute")
			}
		}
		old := map[string]string{"email": u.Attributes["email"], "phone_number": u.Attributes["phone_number"]}
		if err := s.updateAttributes(p, u, attrs); err != nil {
			return nil, err
		}
		var details []codeDeliveryDetails
		for _, attr := range []string{"email", "phone_number"} {
			if v, ok := attrs[attr]; ok && v != old[attr] && contains(p.AutoVerified, attr) {
				details = append(details, s.sendAttributeCode(p, u, attr))
			}
		}
		return map[string]any{"CodeDeliveryDetailsList": stringsOrEmptyDetails(details)}, nil
	})
}

func stringsOrEmptyDetails(d []codeDeliveryDetails) []codeDeliveryDetails {
	if d == nil {
		return []codeDeliveryDetails{}
	}
	return d
}

// sendAttributeCode sends a verification code for an e-mail or phone
// attribute; s.mu held.
func (s *Service) sendAttributeCode(p *pool, u *user, attr string) codeDeliveryDetails {
	medium := "EMAIL"
	if attr == "phone_number" {
		medium = "SMS"
	}
	if u.AttributeCodes == nil {
		u.AttributeCodes = map[string]*pendingCode{}
	}
	pc := &pendingCode{Code: newCode(6), Expires: s.now().Add(signUpCodeTTL)}
	u.AttributeCodes[attr] = pc
	s.markChanged()
	dest := u.Attributes[attr]
	s.sendCode(SentCode{PoolID: p.ID, Username: u.Username, Medium: medium, Destination: dest, Purpose: purposeVerifyAttr, Code: pc.Code})
	return codeDeliveryDetails{Destination: mask(medium, dest), DeliveryMedium: medium, AttributeName: attr}
}

func opGetUserAttributeVerificationCode(s *Service, c *call) (any, error) {
	var in struct {
		AccessToken   string `json:"AccessToken"`
		AttributeName string `json:"AttributeName"`
	}
	if err := c.decode(&in, "AccessToken", "AttributeName"); err != nil {
		return nil, err
	}
	return s.withAccessUser(in.AccessToken, func(p *pool, u *user, _ *accessClaims) (any, error) {
		if (in.AttributeName != "email" && in.AttributeName != "phone_number") || u.Attributes[in.AttributeName] == "" {
			return nil, errf(excInvalidParameter, "Invalid attribute name: %s", in.AttributeName)
		}
		return map[string]any{"CodeDeliveryDetails": s.sendAttributeCode(p, u, in.AttributeName)}, nil
	})
}

func opVerifyUserAttribute(s *Service, c *call) (any, error) {
	var in struct {
		AccessToken   string `json:"AccessToken"`
		AttributeName string `json:"AttributeName"`
		Code          string `json:"Code"`
	}
	if err := c.decode(&in, "AccessToken", "AttributeName", "Code"); err != nil {
		return nil, err
	}
	return s.withAccessUser(in.AccessToken, func(p *pool, u *user, _ *accessClaims) (any, error) {
		if err := s.checkCode(u.AttributeCodes[in.AttributeName], in.Code); err != nil {
			return nil, err
		}
		if err := s.verifyAttribute(p, u, in.AttributeName, false); err != nil {
			return nil, err
		}
		delete(u.AttributeCodes, in.AttributeName)
		return empty{}, nil
	})
}

func opDeleteUser(s *Service, c *call) (any, error) {
	var in accessTokenInput
	if err := c.decode(&in, "AccessToken"); err != nil {
		return nil, err
	}
	return s.withAccessUser(in.AccessToken, func(p *pool, u *user, _ *accessClaims) (any, error) {
		s.deleteUser(p, u)
		return empty{}, nil
	})
}

func opGlobalSignOut(s *Service, c *call) (any, error) {
	var in accessTokenInput
	if err := c.decode(&in, "AccessToken"); err != nil {
		return nil, err
	}
	return s.withAccessUser(in.AccessToken, func(p *pool, u *user, _ *accessClaims) (any, error) {
		s.revokeUserTokens(p.ID, u.Sub)
		return empty{}, nil
	})
}

// ChangePassword checks the previous password against the verifier and
// derives the new verifier with the lock released. If another request
// changed the password in between, the change is tried again against the
// new verifier (the previous password then usually fails, as it would
// have had the requests come one after the other); the last try holds the
// lock throughout, so ChangePassword never answers
// ConcurrentModificationException, which Cognito's does not return.
func opChangePassword(s *Service, c *call) (any, error) {
	var in struct {
		AccessToken      string  `json:"AccessToken"`
		PreviousPassword *string `json:"PreviousPassword"`
		ProposedPassword string  `json:"ProposedPassword"`
	}
	if err := c.decode(&in, "AccessToken", "ProposedPassword"); err != nil {
		return nil, err
	}
	ac, err := s.checkAccess(in.AccessToken)
	if err != nil {
		return nil, err
	}
	const unlockedTries = 3
	for try := 0; ; try++ {
		s.mu.Lock()
		p, u, err := s.accessUser(ac)
		if err == nil {
			err = checkPolicy(p.Policy, in.ProposedPassword)
		}
		if err == nil && in.PreviousPassword == nil && u.Verifier != nil {
			err = validationError([]violation{{member: "PreviousPassword", rule: "Member must not be null"}})
		}
		if err != nil {
			s.mu.Unlock()
			return nil, err
		}
		salt, verifier, poolID, userID, sub := u.Salt, u.Verifier, p.ID, u.Username, u.Sub
		check := func() (credential, error) {
			if verifier != nil && !checkPassword(poolID, userID, *in.PreviousPassword, salt, verifier) {
				return credential{}, errIncorrectCredentials()
			}
			cred, err := makeCredential(poolID, userID, in.ProposedPassword)
			if err != nil {
				return credential{}, errInternal(err)
			}
			return cred, nil
		}
		if try == unlockedTries {
			// Still racing: decide with the lock held.
			defer s.mu.Unlock()
			cred, err := check()
			if err != nil {
				return nil, err
			}
			s.setCredential(u, cred)
			return empty{}, nil
		}
		s.mu.Unlock()
		cred, err := check()
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		u = p.bySub[sub]
		if u == nil {
			s.mu.Unlock()
			return nil, errUserNotFound()
		}
		if u.Verifier == verifier {
			s.setCredential(u, cred)
			s.mu.Unlock()
			return empty{}, nil
		}
		s.mu.Unlock()
	}
}
