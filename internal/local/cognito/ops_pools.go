package cognito

import (
	"sort"
	"strconv"
	"strings"
)

type poolConfigInput struct {
	Policies *struct {
		PasswordPolicy *struct {
			MinimumLength                 *int `json:"MinimumLength"`
			RequireUppercase              bool `json:"RequireUppercase"`
			RequireLowercase              bool `json:"RequireLowercase"`
			RequireNumbers                bool `json:"RequireNumbers"`
			RequireSymbols                bool `json:"RequireSymbols"`
			TemporaryPasswordValidityDays *int `json:"TemporaryPasswordValidityDays"`
		} `json:"PasswordPolicy"`
		SignInPolicy *signInPolicyType `json:"SignInPolicy"`
	} `json:"Policies"`
	DeletionProtection     string                   `json:"DeletionProtection"`
	AutoVerifiedAttributes []string                 `json:"AutoVerifiedAttributes"`
	MfaConfiguration       string                   `json:"MfaConfiguration"`
	DeviceConfiguration    *deviceConfigurationType `json:"DeviceConfiguration"`
	UserPoolTags           map[string]string        `json:"UserPoolTags"`
	AdminCreateUserConfig  *struct {
		AllowAdminCreateUserOnly bool `json:"AllowAdminCreateUserOnly"`
	} `json:"AdminCreateUserConfig"`
	UserPoolTier string `json:"UserPoolTier"`
}

// apply copies the mutable pool settings of CreateUserPool/UpdateUserPool.
func (in *poolConfigInput) apply(p *pool) error {
	var vs []violation
	if in.Policies != nil && in.Policies.PasswordPolicy != nil {
		pp := in.Policies.PasswordPolicy
		p.Policy = passwordPolicy{MinimumLength: 8, RequireUppercase: pp.RequireUppercase, RequireLowercase: pp.RequireLowercase,
			RequireNumbers: pp.RequireNumbers, RequireSymbols: pp.RequireSymbols, TemporaryPasswordValidityDays: 7}
		if pp.MinimumLength != nil {
			if *pp.MinimumLength < 6 || *pp.MinimumLength > 99 {
				v := strconv.Itoa(*pp.MinimumLength)
				vs = append(vs, violation{member: "Policies.PasswordPolicy.MinimumLength", value: &v, rule: "Member must have value between 6 and 99"})
			}
			p.Policy.MinimumLength = *pp.MinimumLength
		}
		if pp.TemporaryPasswordValidityDays != nil {
			p.Policy.TemporaryPasswordValidityDays = *pp.TemporaryPasswordValidityDays
		}
	}
	if in.Policies != nil && in.Policies.SignInPolicy != nil {
		for _, f := range in.Policies.SignInPolicy.AllowedFirstAuthFactors {
			if !contains(firstFactors, f) {
				vs = append(vs, enumViolation("Policies.SignInPolicy.AllowedFirstAuthFactors", f, firstFactors))
			}
		}
		if !contains(in.Policies.SignInPolicy.AllowedFirstAuthFactors, "PASSWORD") {
			return newErr(excInvalidParameter, "AllowedFirstAuthFactors must include PASSWORD")
		}
		p.FirstAuthFactors = in.Policies.SignInPolicy.AllowedFirstAuthFactors
	}
	if in.DeletionProtection != "" {
		if in.DeletionProtection != "ACTIVE" && in.DeletionProtection != "INACTIVE" {
			vs = append(vs, enumViolation("DeletionProtection", in.DeletionProtection, []string{"ACTIVE", "INACTIVE"}))
		}
		p.DeletionProtection = in.DeletionProtection
	}
	if in.MfaConfiguration != "" {
		if !contains([]string{"OFF", "ON", "OPTIONAL"}, in.MfaConfiguration) {
			vs = append(vs, enumViolation("MfaConfiguration", in.MfaConfiguration, []string{"OFF", "ON", "OPTIONAL"}))
		}
		p.MFA = in.MfaConfiguration
	}
	for _, a := range in.AutoVerifiedAttributes {
		if a != "email" && a != "phone_number" {
			vs = append(vs, enumViolation("AutoVerifiedAttributes", a, []string{"phone_number", "email"}))
		}
	}
	if in.AutoVerifiedAttributes != nil {
		p.AutoVerified = in.AutoVerifiedAttributes
	}
	if in.DeviceConfiguration != nil {
		p.Device = &deviceConfig{ChallengeRequiredOnNewDevice: in.DeviceConfiguration.ChallengeRequiredOnNewDevice,
			DeviceOnlyRememberedOnUserPrompt: in.DeviceConfiguration.DeviceOnlyRememberedOnUserPrompt}
	}
	if in.UserPoolTags != nil {
		p.Tags = in.UserPoolTags
	}
	if in.AdminCreateUserConfig != nil {
		p.AdminCreateUserOnly = in.AdminCreateUserConfig.AllowAdminCreateUserOnly
	}
	if in.UserPoolTier != "" {
		p.Tier = in.UserPoolTier
	}
	return validationError(vs)
}

var firstFactors = []string{"PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"}

type createUserPoolInput struct {
	PoolName string `json:"PoolName"`
	poolConfigInput
	AliasAttributes    []string `json:"AliasAttributes"`
	UsernameAttributes []string `json:"UsernameAttributes"`
	Schema             []struct {
		Name                       string             `json:"Name"`
		AttributeDataType          string             `json:"AttributeDataType"`
		Mutable                    *bool              `json:"Mutable"`
		Required                   bool               `json:"Required"`
		StringAttributeConstraints *stringConstraints `json:"StringAttributeConstraints"`
		NumberAttributeConstraints *numberConstraints `json:"NumberAttributeConstraints"`
	} `json:"Schema"`
	UsernameConfiguration *usernameConfigurationType `json:"UsernameConfiguration"`
}

func opCreateUserPool(s *Service, c *call) (any, error) {
	var in createUserPoolInput
	if err := c.decode(&in, "PoolName"); err != nil {
		return nil, err
	}
	if err := checkName("PoolName", in.PoolName, 128); err != nil {
		return nil, err
	}
	p, err := s.newPool("", in.PoolName)
	if err != nil {
		return nil, errInternal(err)
	}
	// The API default is case-sensitive usernames; the console's is not.
	p.CaseSensitive = true
	if in.UsernameConfiguration != nil {
		p.CaseSensitive = in.UsernameConfiguration.CaseSensitive
	}
	if err := in.poolConfigInput.apply(p); err != nil {
		return nil, err
	}
	if len(in.AliasAttributes) > 0 && len(in.UsernameAttributes) > 0 {
		return nil, newErr(excInvalidParameter, "Only one of the aliasAttributes or usernameAttributes can be set in a User Pool")
	}
	var vs []violation
	for _, a := range in.AliasAttributes {
		if !contains([]string{"phone_number", "email", "preferred_username"}, a) {
			vs = append(vs, enumViolation("AliasAttributes", a, []string{"phone_number", "email", "preferred_username"}))
		}
	}
	for _, a := range in.UsernameAttributes {
		if a != "phone_number" && a != "email" {
			vs = append(vs, enumViolation("UsernameAttributes", a, []string{"phone_number", "email"}))
		}
	}
	if err := validationError(vs); err != nil {
		return nil, err
	}
	p.AliasAttributes, p.UsernameAttributes = in.AliasAttributes, in.UsernameAttributes
	for _, a := range in.Schema {
		name := strings.TrimPrefix(a.Name, "custom:")
		if isStandardAttribute(a.Name) {
			if a.Required {
				p.RequiredAttributes = append(p.RequiredAttributes, a.Name)
			}
			continue
		}
		if name == "" || len(name) > 20 {
			return nil, errf(excInvalidParameter, "Invalid custom attribute name %q", a.Name)
		}
		ca := customAttribute{Name: name, Type: orDefault(a.AttributeDataType, "String"), Mutable: a.Mutable == nil || *a.Mutable}
		if a.StringAttributeConstraints != nil {
			ca.Min, ca.Max = a.StringAttributeConstraints.MinLength, a.StringAttributeConstraints.MaxLength
		}
		if a.NumberAttributeConstraints != nil {
			ca.Min, ca.Max = a.NumberAttributeConstraints.MinValue, a.NumberAttributeConstraints.MaxValue
		}
		p.CustomAttributes = append(p.CustomAttributes, ca)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.insertPool(p); err != nil {
		return nil, err
	}
	return map[string]any{"UserPool": s.poolType(p)}, nil
}

// checkName applies a name member's length limit, counted in characters
// as AWS counts; a Username is sensitive and not echoed.
func checkName(member, v string, max int) error {
	r := memberRule{min: 1, max: max, sensitive: member == "Username"}
	if vio, bad := r.check(member, v); bad {
		return validationError([]violation{vio})
	}
	return nil
}

type poolIDInput struct {
	UserPoolId string `json:"UserPoolId"`
}

func opDescribeUserPool(s *Service, c *call) (any, error) {
	var in poolIDInput
	return onPool(s, c, &in, &in.UserPoolId, func(p *pool) (any, error) {
		return map[string]any{"UserPool": s.poolType(p)}, nil
	}, "UserPoolId")
}

func opUpdateUserPool(s *Service, c *call) (any, error) {
	var in struct {
		UserPoolId string `json:"UserPoolId"`
		poolConfigInput
	}
	return onPool(s, c, &in, &in.UserPoolId, func(p *pool) (any, error) {
		cp := *p
		if err := in.poolConfigInput.apply(&cp); err != nil {
			return nil, err
		}
		cp.Modified = s.now().UTC()
		*p = cp
		s.markChanged()
		return empty{}, nil
	}, "UserPoolId")
}

func opDeleteUserPool(s *Service, c *call) (any, error) {
	var in poolIDInput
	return onPool(s, c, &in, &in.UserPoolId, func(p *pool) (any, error) {
		if p.DeletionProtection == "ACTIVE" {
			return nil, errf(excInvalidParameter, "The user pool %s has deletion protection enabled.", p.ID)
		}
		s.removePool(p)
		return empty{}, nil
	}, "UserPoolId")
}

type userPoolDescriptionType struct {
	Id               string `json:"Id"`
	Name             string `json:"Name"`
	LambdaConfig     empty  `json:"LambdaConfig"`
	Status           string `json:"Status,omitempty"`
	LastModifiedDate *epoch `json:"LastModifiedDate"`
	CreationDate     *epoch `json:"CreationDate"`
}

func opListUserPools(s *Service, c *call) (any, error) {
	var in struct {
		MaxResults *int   `json:"MaxResults"`
		NextToken  string `json:"NextToken"`
	}
	if err := c.decode(&in, "MaxResults"); err != nil {
		return nil, err
	}
	if err := checkRange("MaxResults", *in.MaxResults, 1, 60); err != nil {
		return nil, err
	}
	s.mu.Lock()
	ids := make([]string, 0, len(s.st.Pools))
	for id := range s.st.Pools {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	page, next, err := paginate(ids, in.NextToken, *in.MaxResults)
	out := make([]userPoolDescriptionType, 0, len(page))
	for _, id := range page {
		p := s.st.Pools[id]
		out = append(out, userPoolDescriptionType{Id: p.ID, Name: p.Name, LastModifiedDate: epochPtr(p.Modified), CreationDate: epochPtr(p.Created)})
	}
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return struct {
		UserPools []userPoolDescriptionType `json:"UserPools"`
		NextToken string                    `json:"NextToken,omitempty"`
	}{out, next}, nil
}

func checkRange(member string, v, lo, hi int) error {
	if v < lo || v > hi {
		s := strconv.Itoa(v)
		rule := "Member must have value greater than or equal to " + strconv.Itoa(lo)
		if v > hi {
			rule = "Member must have value less than or equal to " + strconv.Itoa(hi)
		}
		return validationError([]violation{{member: member, value: &s, rule: rule}})
	}
	return nil
}

// paginate pages a sorted list of keys. The token is the last key of the
// previous page, so pages stay stable while items are added.
func paginate(keys []string, token string, limit int) (page []string, next string, err error) {
	start := 0
	if token != "" {
		start = sort.SearchStrings(keys, token)
		if start < len(keys) && keys[start] == token {
			start++
		}
	}
	end := start + limit
	if end >= len(keys) {
		return keys[start:], "", nil
	}
	return keys[start:end], keys[end-1], nil
}

type mfaConfigOutput struct {
	SmsMfaConfiguration           map[string]any `json:"SmsMfaConfiguration,omitempty"`
	SoftwareTokenMfaConfiguration map[string]any `json:"SoftwareTokenMfaConfiguration"`
	EmailMfaConfiguration         map[string]any `json:"EmailMfaConfiguration,omitempty"`
	MfaConfiguration              string         `json:"MfaConfiguration"`
	WebAuthnConfiguration         map[string]any `json:"WebAuthnConfiguration,omitempty"`
}

func mfaConfigOf(p *pool) mfaConfigOutput {
	out := mfaConfigOutput{MfaConfiguration: p.MFA,
		SoftwareTokenMfaConfiguration: map[string]any{"Enabled": p.SoftwareTokenMFA}}
	if p.SMSMFA {
		out.SmsMfaConfiguration = map[string]any{"SmsAuthenticationMessage": "Your authentication code is {####}. ",
			"SmsConfiguration": map[string]any{"SnsCallerArn": "arn:aws:iam::123456789012:role/cognito-sms", "SnsRegion": p.Region}}
	}
	if p.EmailMFA {
		out.EmailMfaConfiguration = map[string]any{"Message": "Your code is {####}", "Subject": "Your sign-in code"}
	}
	return out
}

func opSetUserPoolMfaConfig(s *Service, c *call) (any, error) {
	var in struct {
		UserPoolId                    string          `json:"UserPoolId"`
		SmsMfaConfiguration           *map[string]any `json:"SmsMfaConfiguration"`
		SoftwareTokenMfaConfiguration *struct {
			Enabled bool `json:"Enabled"`
		} `json:"SoftwareTokenMfaConfiguration"`
		EmailMfaConfiguration *map[string]any `json:"EmailMfaConfiguration"`
		MfaConfiguration      string          `json:"MfaConfiguration"`
	}
	if err := c.decode(&in, "UserPoolId"); err != nil {
		return nil, err
	}
	if in.MfaConfiguration != "" && !contains([]string{"OFF", "ON", "OPTIONAL"}, in.MfaConfiguration) {
		return nil, validationError([]violation{enumViolation("MfaConfiguration", in.MfaConfiguration, []string{"OFF", "ON", "OPTIONAL"})})
	}
	return s.withPool(in.UserPoolId, func(p *pool) (any, error) {
		sms, totp, email := p.SMSMFA, p.SoftwareTokenMFA, p.EmailMFA
		if in.SmsMfaConfiguration != nil {
			sms = true
		}
		if in.SoftwareTokenMfaConfiguration != nil {
			totp = in.SoftwareTokenMfaConfiguration.Enabled
		}
		if in.EmailMfaConfiguration != nil {
			email = true
		}
		mode := p.MFA
		if in.MfaConfiguration != "" {
			mode = in.MfaConfiguration
		}
		if mode != "OFF" && !sms && !totp && !email {
			return nil, newErr(excInvalidParameter, "At least one MFA method must be enabled when MFA is ON or OPTIONAL.")
		}
		p.SMSMFA, p.SoftwareTokenMFA, p.EmailMFA, p.MFA = sms, totp, email, mode
		p.Modified = s.now().UTC()
		s.markChanged()
		return mfaConfigOf(p), nil
	})
}

func opGetUserPoolMfaConfig(s *Service, c *call) (any, error) {
	var in poolIDInput
	return onPool(s, c, &in, &in.UserPoolId, func(p *pool) (any, error) {
		return mfaConfigOf(p), nil
	}, "UserPoolId")
}
