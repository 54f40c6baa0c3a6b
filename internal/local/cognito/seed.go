package cognito

import (
	"encoding/base32"
	"fmt"
	"strings"
)

// ApplySeed creates what seed declares. It merges: a pool, client, user,
// group or resource server that already exists (say, restored from a state
// file) is left as it is, and only missing ones are created; custom
// challenge definitions, being configuration, replace the pool's. Seed
// passwords are not checked against the password policy, so a seed can
// hold deliberately weak ones.
func (s *Service) ApplySeed(seed Seed) error {
	for i := range seed.UserPools {
		if err := s.applyPoolSeed(&seed.UserPools[i]); err != nil {
			s.notify()
			return err
		}
	}
	s.notify()
	return nil
}

func (s *Service) applyPoolSeed(ps *PoolSeed) error {
	ctx := fmt.Sprintf("seed pool %q", ps.Name)
	if ps.Name == "" {
		return fmt.Errorf("seed pool %q: name is required", ps.ID)
	}
	if ps.ID != "" && !poolIDPattern.MatchString(ps.ID) {
		return fmt.Errorf("%s: id %q is not in region_XXXXXXXXX form", ctx, ps.ID)
	}
	s.mu.Lock()
	p := s.st.Pools[ps.ID]
	s.mu.Unlock()
	if p == nil {
		np, err := s.newPool(ps.ID, ps.Name)
		if err != nil {
			return fmt.Errorf("%s: %w", ctx, err)
		}
		if err := configurePool(np, ps); err != nil {
			return fmt.Errorf("%s: %w", ctx, err)
		}
		s.mu.Lock()
		err = s.insertPool(np)
		s.mu.Unlock()
		if err != nil {
			return fmt.Errorf("%s: %w", ctx, err)
		}
		p = np
	}
	s.mu.Lock()
	err := s.seedPoolContents(p, ps)
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("%s: %w", ctx, err)
	}
	for _, us := range ps.Users {
		if err := s.seedUser(p, ps, us); err != nil {
			return fmt.Errorf("%s: user %q: %w", ctx, us.Username, err)
		}
	}
	return nil
}

// configurePool applies a seed's pool settings to a new pool.
func configurePool(p *pool, ps *PoolSeed) error {
	if ps.Domain != "" {
		if !domainPattern.MatchString(ps.Domain) {
			return fmt.Errorf("domain %q must be lowercase letters, digits and hyphens", ps.Domain)
		}
		p.Domain = ps.Domain
	}
	p.MFA = orDefault(ps.MFA, "OFF")
	if !contains([]string{"OFF", "ON", "OPTIONAL"}, p.MFA) {
		return fmt.Errorf("mfa %q must be OFF, ON or OPTIONAL", ps.MFA)
	}
	for _, t := range ps.MFATypes {
		switch t {
		case "SMS_MFA":
			p.SMSMFA = true
		case "SOFTWARE_TOKEN_MFA":
			p.SoftwareTokenMFA = true
		case "EMAIL_OTP", "EMAIL_MFA":
			p.EmailMFA = true
		default:
			return fmt.Errorf("mfaTypes: unknown %q (SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP)", t)
		}
	}
	if p.MFA != "OFF" && !p.SMSMFA && !p.SoftwareTokenMFA && !p.EmailMFA {
		return fmt.Errorf("mfa %s needs at least one of mfaTypes", p.MFA)
	}
	if len(ps.UsernameAttributes) > 0 && len(ps.AliasAttributes) > 0 {
		return fmt.Errorf("usernameAttributes and aliasAttributes are mutually exclusive")
	}
	for _, a := range ps.UsernameAttributes {
		if a != "email" && a != "phone_number" {
			return fmt.Errorf("usernameAttributes: %q must be email or phone_number", a)
		}
	}
	for _, a := range ps.AliasAttributes {
		if !contains([]string{"email", "phone_number", "preferred_username"}, a) {
			return fmt.Errorf("aliasAttributes: %q must be email, phone_number or preferred_username", a)
		}
	}
	p.UsernameAttributes, p.AliasAttributes, p.AutoVerified = ps.UsernameAttributes, ps.AliasAttributes, ps.AutoVerifiedAttributes
	p.CaseSensitive = ps.CaseSensitive
	if pp := ps.PasswordPolicy; pp != nil {
		p.Policy = passwordPolicy{MinimumLength: pp.MinimumLength, RequireUppercase: pp.RequireUppercase,
			RequireLowercase: pp.RequireLowercase, RequireNumbers: pp.RequireNumbers, RequireSymbols: pp.RequireSymbols,
			TemporaryPasswordValidityDays: 7}
		if p.Policy.MinimumLength == 0 {
			p.Policy.MinimumLength = 8
		}
	}
	if len(ps.FirstAuthFactors) > 0 {
		for _, f := range ps.FirstAuthFactors {
			if !contains(firstFactors, f) {
				return fmt.Errorf("firstAuthFactors: unknown %q (%s)", f, strings.Join(firstFactors, ", "))
			}
		}
		p.FirstAuthFactors = ps.FirstAuthFactors
	}
	if d := ps.DeviceTracking; d != nil {
		p.Device = &deviceConfig{ChallengeRequiredOnNewDevice: d.ChallengeRequiredOnNewDevice,
			DeviceOnlyRememberedOnUserPrompt: d.DeviceOnlyRememberedOnUserPrompt}
	}
	for _, name := range ps.CustomAttributes {
		p.CustomAttributes = append(p.CustomAttributes, customAttribute{Name: strings.TrimPrefix(name, "custom:"), Type: "String", Mutable: true})
	}
	return nil
}

// seedPoolContents creates missing groups, resource servers and clients
// and installs the custom challenges; s.mu held.
func (s *Service) seedPoolContents(p *pool, ps *PoolSeed) error {
	now := s.now().UTC()
	for _, g := range ps.Groups {
		if g.Name == "" {
			return fmt.Errorf("a group needs a name")
		}
		if p.Groups[g.Name] == nil {
			p.Groups[g.Name] = &group{Name: g.Name, Description: g.Description, RoleArn: g.RoleArn, Precedence: g.Precedence, Created: now, Modified: now}
			s.markChanged()
		}
	}
	for _, rs := range ps.ResourceServers {
		if rs.Identifier == "" {
			return fmt.Errorf("a resource server needs an identifier")
		}
		if p.ResourceServers[rs.Identifier] == nil {
			r := &resourceServer{Identifier: rs.Identifier, Name: orDefault(rs.Name, rs.Identifier)}
			for _, sc := range rs.Scopes {
				r.Scopes = append(r.Scopes, scope{Name: sc.Name, Description: orDefault(sc.Description, sc.Name)})
			}
			p.ResourceServers[r.Identifier] = r
			s.markChanged()
		}
	}
	for _, is := range ps.IdentityProviders {
		if err := s.seedIdentityProvider(p, is); err != nil {
			return fmt.Errorf("identity provider %q: %w", is.Name, err)
		}
	}
	for _, cs := range ps.Clients {
		if cs.ID != "" && p.Clients[cs.ID] != nil {
			continue
		}
		if err := s.seedClient(p, cs); err != nil {
			return fmt.Errorf("client %q: %w", cs.Name, err)
		}
	}
	for i, cc := range ps.CustomChallenges {
		if len(cc.Rounds) == 0 {
			return fmt.Errorf("customChallenges[%d]: needs at least one round", i)
		}
		for j, r := range cc.Rounds {
			if r.Answer == "" && r.SendCode == "" {
				return fmt.Errorf("customChallenges[%d].rounds[%d]: needs an answer or sendCode", i, j)
			}
			if r.SendCode != "" && r.SendCode != "EMAIL" && r.SendCode != "SMS" {
				return fmt.Errorf("customChallenges[%d].rounds[%d]: sendCode must be EMAIL or SMS", i, j)
			}
		}
	}
	if len(ps.CustomChallenges) > 0 {
		p.CustomChallenges = ps.CustomChallenges
		s.markChanged()
	}
	return nil
}

// seedClient creates one app client through the same validation as
// CreateUserPoolClient; s.mu held.
func (s *Service) seedClient(p *pool, cs ClientSeed) error {
	if cs.Name == "" {
		return fmt.Errorf("name is required")
	}
	if cs.ID != "" && !clientIDPattern.MatchString(cs.ID) {
		return fmt.Errorf("id %q may hold only letters, digits, _ and +", cs.ID)
	}
	cl := s.newClient(p.ID, cs.ID, cs.Name)
	cl.Secret = cs.Secret
	if cl.Secret == "" && cs.GenerateSecret {
		cl.Secret = newClientSecret()
	}
	in := clientConfigInput{
		ClientName: cs.Name, ReadAttributes: cs.ReadAttributes, WriteAttributes: cs.WriteAttributes,
		ExplicitAuthFlows: cs.ExplicitAuthFlows, SupportedIdentityProviders: cs.SupportedIdentityProviders,
		CallbackURLs: cs.CallbackURLs, LogoutURLs: cs.LogoutURLs, AllowedOAuthFlows: cs.AllowedOAuthFlows,
		AllowedOAuthScopes: cs.AllowedOAuthScopes, AllowedOAuthFlowsUserPoolClient: cs.AllowedOAuthFlowsUserPoolClient,
		PreventUserExistenceErrors: cs.PreventUserExistenceErrors, EnableTokenRevocation: cs.EnableTokenRevocation,
	}
	if cs.AccessTokenValidity != 0 {
		in.AccessTokenValidity = &cs.AccessTokenValidity
	}
	if cs.IDTokenValidity != 0 {
		in.IdTokenValidity = &cs.IDTokenValidity
	}
	if cs.RefreshTokenValidity != 0 {
		in.RefreshTokenValidity = &cs.RefreshTokenValidity
	}
	if u := cs.TokenValidityUnits; u != nil {
		in.TokenValidityUnits = &tokenValidityUnitsType{AccessToken: u.AccessToken, IdToken: u.IDToken, RefreshToken: u.RefreshToken}
	}
	if cs.AuthSessionValidity != 0 {
		in.AuthSessionValidity = &cs.AuthSessionValidity
	}
	if r := cs.RefreshTokenRotation; r != nil {
		in.RefreshTokenRotation = &rotationType{Feature: r.Feature, RetryGracePeriodSeconds: r.RetryGracePeriodSeconds}
	}
	if err := in.apply(p, cl); err != nil {
		return err
	}
	return s.insertClient(p, cl)
}

// seedUser creates one user unless it exists. The password becomes a salt
// and verifier with the lock released.
func (s *Service) seedUser(p *pool, ps *PoolSeed, us UserSeed) error {
	if us.Username == "" {
		return fmt.Errorf("username is required")
	}
	status := orDefault(us.Status, statusConfirmed)
	if !contains([]string{statusConfirmed, statusUnconfirmed, statusForceChange, statusResetRequired}, status) {
		return fmt.Errorf("status %q must be CONFIRMED, UNCONFIRMED, FORCE_CHANGE_PASSWORD or RESET_REQUIRED", status)
	}
	if us.TOTPSecret != "" {
		if _, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.TrimRight(strings.ToUpper(us.TOTPSecret), "=")); err != nil {
			return fmt.Errorf("totpSecret is not base32: %w", err)
		}
	}
	if us.PreferredMFA != "" && !contains([]string{"SMS_MFA", "SOFTWARE_TOKEN_MFA", "EMAIL_OTP"}, us.PreferredMFA) {
		return fmt.Errorf("preferredMfa %q must be SMS_MFA, SOFTWARE_TOKEN_MFA or EMAIL_OTP", us.PreferredMFA)
	}
	s.mu.Lock()
	if p.lookupUser(us.Username) != nil {
		s.mu.Unlock()
		return nil
	}
	attrs := map[string]string{}
	for k, v := range us.Attributes {
		attrs[k] = v
	}
	err := signInName(p, us.Username, attrs)
	if err == nil {
		err = validateAttributes(p, nil, attrs)
	}
	for _, g := range us.Groups {
		if err == nil && p.Groups[g] == nil {
			err = fmt.Errorf("group %q is not declared in the pool's groups", g)
		}
	}
	var u *user
	if err == nil {
		u = s.newUser(p, us.Username, attrs)
		if us.Sub != "" {
			u.Sub = us.Sub
			if len(p.UsernameAttributes) > 0 {
				u.Username = us.Sub
			}
		}
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	var cred credential
	if us.Password != "" {
		if cred, err = makeCredential(p.ID, u.Username, us.Password); err != nil {
			return err
		}
	}
	u.Status = status
	u.Enabled = us.Enabled == nil || *us.Enabled
	u.Groups = append([]string(nil), us.Groups...)
	u.TOTPSecret = strings.ToUpper(strings.TrimRight(us.TOTPSecret, "="))
	u.TOTPMFA = u.TOTPSecret != ""
	u.SMSMFA, u.EmailMFA, u.PreferredMFA = us.SMSMFA, us.EmailMFA, us.PreferredMFA
	u.WebAuthn = us.WebAuthnCredentials
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.insertUser(p, u, false); err != nil {
		return err
	}
	if us.Password != "" {
		s.setCredential(u, cred)
		u.SeedPassword = us.Password
	}
	if status == statusForceChange {
		u.TempPasswordAt = s.now().UTC()
	}
	if status == statusUnconfirmed && !us.Quiet {
		s.sendConfirmation(p, u)
	}
	return nil
}
