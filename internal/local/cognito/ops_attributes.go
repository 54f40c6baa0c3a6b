package cognito

// The smaller user and group operations an application meets beside
// sign-in: deleting attributes, renaming a group's settings, and asking
// which first factors a user has for choice-based sign-in.

// deleteAttributes removes names from u, checking each against the schema
// and the client's write permissions (cl nil for admin calls). Deleting an
// e-mail or phone number deletes its verification flag with it. Refusing a
// required attribute is our wording; AWS does not document it. s.mu held.
func (s *Service) deleteAttributes(p *pool, cl *client, u *user, names []string) error {
	for _, name := range names {
		if err := checkWritableAttribute(p, cl, name); err != nil {
			return err
		}
		if contains(p.RequiredAttributes, name) {
			return errf(excInvalidParameter, "Cannot delete the required attribute %s", name)
		}
		if contains(p.UsernameAttributes, name) {
			return errf(excInvalidParameter, "Cannot delete %s: the user signs in with it", name)
		}
	}
	for _, name := range names {
		delete(u.Attributes, name)
		if name == "email" || name == "phone_number" {
			delete(u.Attributes, name+"_verified")
		}
	}
	s.touch(u)
	s.markChanged()
	return nil
}

func opAdminDeleteUserAttributes(s *Service, c *call) (any, error) {
	var in struct {
		UserPoolId         string   `json:"UserPoolId"`
		Username           string   `json:"Username"`
		UserAttributeNames []string `json:"UserAttributeNames"`
	}
	if err := c.decode(&in, "UserPoolId", "Username", "UserAttributeNames"); err != nil {
		return nil, err
	}
	return s.withAdminUser(in.UserPoolId, in.Username, func(p *pool, u *user) (any, error) {
		return empty{}, s.deleteAttributes(p, nil, u, in.UserAttributeNames)
	})
}

func opDeleteUserAttributes(s *Service, c *call) (any, error) {
	var in struct {
		UserAttributeNames []string `json:"UserAttributeNames"`
		AccessToken        string   `json:"AccessToken"`
	}
	if err := c.decode(&in, "UserAttributeNames", "AccessToken"); err != nil {
		return nil, err
	}
	return s.withAccessUser(in.AccessToken, func(p *pool, u *user, ac *accessClaims) (any, error) {
		return empty{}, s.deleteAttributes(p, p.Clients[ac.ClientID], u, in.UserAttributeNames)
	})
}

// UpdateGroup changes only the settings the request carries.
func opUpdateGroup(s *Service, c *call) (any, error) {
	var in struct {
		groupInput
		Description *string `json:"Description"`
		RoleArn     *string `json:"RoleArn"`
		Precedence  *int    `json:"Precedence"`
	}
	if err := c.decode(&in, "GroupName", "UserPoolId"); err != nil {
		return nil, err
	}
	return s.withGroup(in.groupInput, func(p *pool, g *group) (any, error) {
		if in.Description != nil {
			g.Description = *in.Description
		}
		if in.RoleArn != nil {
			g.RoleArn = *in.RoleArn
		}
		if in.Precedence != nil {
			if err := checkRange("Precedence", *in.Precedence, 0, 2147483647); err != nil {
				return nil, err
			}
			prec := *in.Precedence
			g.Precedence = &prec
		}
		g.Modified = s.now().UTC()
		s.markChanged()
		return map[string]any{"Group": toGroupType(p, g)}, nil
	})
}

// authFactors is the GetUserAuthFactors answer: the user's MFA settings
// and the first factors USER_AUTH would offer (PASSWORD_SRP is the same
// factor as PASSWORD here).
func authFactors(p *pool, u *user) any {
	list, pref := mfaSettings(u)
	factors := []string{}
	for _, f := range userAuthChallenges(p, u) {
		if f != "PASSWORD_SRP" {
			factors = append(factors, f)
		}
	}
	return struct {
		Username                  string   `json:"Username"`
		PreferredMfaSetting       string   `json:"PreferredMfaSetting,omitempty"`
		UserMFASettingList        []string `json:"UserMFASettingList,omitempty"`
		ConfiguredUserAuthFactors []string `json:"ConfiguredUserAuthFactors"`
	}{u.Username, pref, list, factors}
}

func opGetUserAuthFactors(s *Service, c *call) (any, error) {
	var in accessTokenInput
	if err := c.decode(&in, "AccessToken"); err != nil {
		return nil, err
	}
	return s.withAccessUser(in.AccessToken, func(p *pool, u *user, _ *accessClaims) (any, error) {
		return authFactors(p, u), nil
	})
}

func opAdminGetUserAuthFactors(s *Service, c *call) (any, error) {
	var in poolUserInput
	if err := c.decode(&in, "UserPoolId", "Username"); err != nil {
		return nil, err
	}
	return s.withAdminUser(in.UserPoolId, in.Username, func(p *pool, u *user) (any, error) {
		return authFactors(p, u), nil
	})
}
