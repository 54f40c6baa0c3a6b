package cognito

type passwordPolicyType struct {
	MinimumLength                 int  `json:"MinimumLength"`
	RequireUppercase              bool `json:"RequireUppercase"`
	RequireLowercase              bool `json:"RequireLowercase"`
	RequireNumbers                bool `json:"RequireNumbers"`
	RequireSymbols                bool `json:"RequireSymbols"`
	TemporaryPasswordValidityDays int  `json:"TemporaryPasswordValidityDays"`
}

type signInPolicyType struct {
	AllowedFirstAuthFactors []string `json:"AllowedFirstAuthFactors,omitempty"`
}

type poolPoliciesType struct {
	PasswordPolicy *passwordPolicyType `json:"PasswordPolicy,omitempty"`
	SignInPolicy   *signInPolicyType   `json:"SignInPolicy,omitempty"`
}

type deviceConfigurationType struct {
	ChallengeRequiredOnNewDevice     bool `json:"ChallengeRequiredOnNewDevice"`
	DeviceOnlyRememberedOnUserPrompt bool `json:"DeviceOnlyRememberedOnUserPrompt"`
}

type schemaAttributeType struct {
	Name                       string             `json:"Name"`
	AttributeDataType          string             `json:"AttributeDataType,omitempty"`
	DeveloperOnlyAttribute     bool               `json:"DeveloperOnlyAttribute"`
	Mutable                    bool               `json:"Mutable"`
	Required                   bool               `json:"Required"`
	StringAttributeConstraints *stringConstraints `json:"StringAttributeConstraints,omitempty"`
	NumberAttributeConstraints *numberConstraints `json:"NumberAttributeConstraints,omitempty"`
}

type stringConstraints struct {
	MinLength string `json:"MinLength,omitempty"`
	MaxLength string `json:"MaxLength,omitempty"`
}

type numberConstraints struct {
	MinValue string `json:"MinValue,omitempty"`
	MaxValue string `json:"MaxValue,omitempty"`
}

type usernameConfigurationType struct {
	CaseSensitive bool `json:"CaseSensitive"`
}

type adminCreateUserConfigType struct {
	AllowAdminCreateUserOnly  bool `json:"AllowAdminCreateUserOnly"`
	UnusedAccountValidityDays int  `json:"UnusedAccountValidityDays,omitempty"`
}

type userPoolType struct {
	Id                     string                     `json:"Id"`
	Name                   string                     `json:"Name"`
	Arn                    string                     `json:"Arn"`
	Policies               poolPoliciesType           `json:"Policies"`
	DeletionProtection     string                     `json:"DeletionProtection"`
	LambdaConfig           empty                      `json:"LambdaConfig"`
	LastModifiedDate       *epoch                     `json:"LastModifiedDate"`
	CreationDate           *epoch                     `json:"CreationDate"`
	SchemaAttributes       []schemaAttributeType      `json:"SchemaAttributes"`
	AutoVerifiedAttributes []string                   `json:"AutoVerifiedAttributes,omitempty"`
	AliasAttributes        []string                   `json:"AliasAttributes,omitempty"`
	UsernameAttributes     []string                   `json:"UsernameAttributes,omitempty"`
	MfaConfiguration       string                     `json:"MfaConfiguration"`
	DeviceConfiguration    *deviceConfigurationType   `json:"DeviceConfiguration,omitempty"`
	EstimatedNumberOfUsers int                        `json:"EstimatedNumberOfUsers"`
	EmailConfiguration     map[string]string          `json:"EmailConfiguration"`
	UserPoolTags           map[string]string          `json:"UserPoolTags,omitempty"`
	Domain                 string                     `json:"Domain,omitempty"`
	CustomDomain           string                     `json:"CustomDomain,omitempty"`
	UsernameConfiguration  *usernameConfigurationType `json:"UsernameConfiguration,omitempty"`
	AdminCreateUserConfig  adminCreateUserConfigType  `json:"AdminCreateUserConfig"`
	UserPoolTier           string                     `json:"UserPoolTier,omitempty"`
	AccountRecoverySetting map[string]any             `json:"AccountRecoverySetting"`
	VerificationMessage    map[string]string          `json:"VerificationMessageTemplate"`
}

// standardSchema is the schema every pool has, as DescribeUserPool lists it.
var standardSchema = func() []schemaAttributeType {
	str := func(name string, mutable, required bool, max string) schemaAttributeType {
		return schemaAttributeType{Name: name, AttributeDataType: "String", Mutable: mutable, Required: required,
			StringAttributeConstraints: &stringConstraints{MinLength: "0", MaxLength: max}}
	}
	out := []schemaAttributeType{str("sub", false, true, "2048")}
	out[0].StringAttributeConstraints.MinLength = "1"
	for _, n := range []string{"name", "given_name", "family_name", "middle_name", "nickname", "preferred_username",
		"profile", "picture", "website", "email"} {
		out = append(out, str(n, true, false, "2048"))
	}
	out = append(out, schemaAttributeType{Name: "email_verified", AttributeDataType: "Boolean", Mutable: true})
	out = append(out, str("gender", true, false, "2048"))
	bd := str("birthdate", true, false, "10")
	bd.StringAttributeConstraints.MinLength = "10"
	out = append(out, bd)
	for _, n := range []string{"zoneinfo", "locale", "phone_number"} {
		out = append(out, str(n, true, false, "2048"))
	}
	out = append(out, schemaAttributeType{Name: "phone_number_verified", AttributeDataType: "Boolean", Mutable: true})
	out = append(out, str("address", true, false, "2048"))
	out = append(out, schemaAttributeType{Name: "updated_at", AttributeDataType: "Number", Mutable: true,
		NumberAttributeConstraints: &numberConstraints{MinValue: "0"}})
	return out
}()

func isStandardAttribute(name string) bool {
	for _, a := range standardSchema {
		if a.Name == name {
			return true
		}
	}
	return false
}

func (s *Service) poolType(p *pool) userPoolType {
	schema := append([]schemaAttributeType(nil), standardSchema...)
	for i := range schema {
		if contains(p.RequiredAttributes, schema[i].Name) {
			schema[i].Required = true
		}
	}
	for _, ca := range p.CustomAttributes {
		a := schemaAttributeType{Name: "custom:" + ca.Name, AttributeDataType: ca.Type, Mutable: ca.Mutable}
		if ca.Type == "String" || ca.Type == "" {
			a.AttributeDataType = "String"
			a.StringAttributeConstraints = &stringConstraints{MinLength: orDefault(ca.Min, "0"), MaxLength: orDefault(ca.Max, "2048")}
		}
		if ca.Type == "Number" {
			a.NumberAttributeConstraints = &numberConstraints{MinValue: ca.Min, MaxValue: ca.Max}
		}
		schema = append(schema, a)
	}
	out := userPoolType{
		Id: p.ID, Name: p.Name, Arn: p.arn(),
		Policies: poolPoliciesType{
			PasswordPolicy: &passwordPolicyType{MinimumLength: p.Policy.MinimumLength, RequireUppercase: p.Policy.RequireUppercase,
				RequireLowercase: p.Policy.RequireLowercase, RequireNumbers: p.Policy.RequireNumbers,
				RequireSymbols: p.Policy.RequireSymbols, TemporaryPasswordValidityDays: p.Policy.TemporaryPasswordValidityDays},
			SignInPolicy: &signInPolicyType{AllowedFirstAuthFactors: p.FirstAuthFactors},
		},
		DeletionProtection: p.DeletionProtection, LastModifiedDate: epochPtr(p.Modified), CreationDate: epochPtr(p.Created),
		SchemaAttributes: schema, AutoVerifiedAttributes: p.AutoVerified, AliasAttributes: p.AliasAttributes,
		UsernameAttributes: p.UsernameAttributes, MfaConfiguration: p.MFA, EstimatedNumberOfUsers: len(p.Users),
		EmailConfiguration: map[string]string{"EmailSendingAccount": "COGNITO_DEFAULT"}, UserPoolTags: p.Tags,
		Domain: p.Domain, CustomDomain: customDomainOf(p), UsernameConfiguration: &usernameConfigurationType{CaseSensitive: p.CaseSensitive},
		AdminCreateUserConfig: adminCreateUserConfigType{AllowAdminCreateUserOnly: p.AdminCreateUserOnly, UnusedAccountValidityDays: p.Policy.TemporaryPasswordValidityDays},
		UserPoolTier:          p.Tier,
		AccountRecoverySetting: map[string]any{"RecoveryMechanisms": []map[string]any{
			{"Priority": 1, "Name": "verified_email"}, {"Priority": 2, "Name": "verified_phone_number"}}},
		VerificationMessage: map[string]string{"DefaultEmailOption": "CONFIRM_WITH_CODE"},
	}
	if p.Device != nil {
		out.DeviceConfiguration = &deviceConfigurationType{ChallengeRequiredOnNewDevice: p.Device.ChallengeRequiredOnNewDevice,
			DeviceOnlyRememberedOnUserPrompt: p.Device.DeviceOnlyRememberedOnUserPrompt}
	}
	return out
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// customDomainOf is DescribeUserPool's CustomDomain: the domain when it is
// a custom one (Domain then still names it, as the prefix would).
func customDomainOf(p *pool) string {
	if p.CustomDomainCert != "" {
		return p.Domain
	}
	return ""
}
