package cognito

import (
	"time"

	"github.com/cogscope/cogscope/internal/lazyregexp"
)

type mfaSettingsInput struct {
	Enabled      bool `json:"Enabled"`
	PreferredMfa bool `json:"PreferredMfa"`
}

type mfaPreferenceInput struct {
	SMSMfaSettings           *mfaSettingsInput `json:"SMSMfaSettings"`
	SoftwareTokenMfaSettings *mfaSettingsInput `json:"SoftwareTokenMfaSettings"`
	EmailMfaSettings         *mfaSettingsInput `json:"EmailMfaSettings"`
}

// apply sets a user's MFA preferences as SetUserMFAPreference does; s.mu
// held.
func (in *mfaPreferenceInput) apply(s *Service, u *user) error {
	next := *u
	for _, x := range []struct {
		set    *mfaSettingsInput
		name   string
		ok     bool
		reason string
		dst    *bool
	}{
		{in.SMSMfaSettings, "SMS_MFA", u.Attributes["phone_number"] != "", "User does not have delivery config set to turn on SMS_MFA", &next.SMSMFA},
		{in.SoftwareTokenMfaSettings, "SOFTWARE_TOKEN_MFA", u.TOTPSecret != "", "User has not verified software token mfa", &next.TOTPMFA},
		{in.EmailMfaSettings, "EMAIL_OTP", u.Attributes["email"] != "", "User does not have delivery config set to turn on EMAIL_OTP", &next.EmailMFA},
	} {
		if x.set == nil {
			continue
		}
		if x.set.Enabled && !x.ok {
			return newErr(excInvalidParameter, x.reason)
		}
		*x.dst = x.set.Enabled
		switch {
		case x.set.PreferredMfa && x.set.Enabled:
			next.PreferredMFA = x.name
		case next.PreferredMFA == x.name && (!x.set.Enabled || !x.set.PreferredMfa):
			next.PreferredMFA = ""
		}
	}
	u.SMSMFA, u.TOTPMFA, u.EmailMFA, u.PreferredMFA = next.SMSMFA, next.TOTPMFA, next.EmailMFA, next.PreferredMFA
	s.touch(u)
	s.markChanged()
	return nil
}

func opSetUserMFAPreference(s *Service, c *call) (any, error) {
	var in struct {
		AccessToken string `json:"AccessToken"`
		mfaPreferenceInput
	}
	if err := c.decode(&in, "AccessToken"); err != nil {
		return nil, err
	}
	return s.withAccessUser(in.AccessToken, func(p *pool, u *user, _ *accessClaims) (any, error) {
		return empty{}, in.mfaPreferenceInput.apply(s, u)
	})
}

func opAdminSetUserMFAPreference(s *Service, c *call) (any, error) {
	var in struct {
		UserPoolId string `json:"UserPoolId"`
		Username   string `json:"Username"`
		mfaPreferenceInput
	}
	if err := c.decode(&in, "UserPoolId", "Username"); err != nil {
		return nil, err
	}
	return s.withAdminUser(in.UserPoolId, in.Username, func(p *pool, u *user) (any, error) {
		return empty{}, in.mfaPreferenceInput.apply(s, u)
	})
}

// AssociateSoftwareToken issues a TOTP secret, either for a signed-in user
// (AccessToken) or for the MFA_SETUP challenge of a sign-in (Session).
func opAssociateSoftwareToken(s *Service, c *call) (any, error) {
	var in struct {
		AccessToken string `json:"AccessToken"`
		Session     string `json:"Session"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	secret := newTOTPSecret()
	if in.AccessToken != "" {
		return s.withAccessUser(in.AccessToken, func(p *pool, u *user, _ *accessClaims) (any, error) {
			u.TOTPPending = secret
			s.markChanged()
			return map[string]string{"SecretCode": secret}, nil
		})
	}
	if in.Session == "" {
		return nil, newErr(excInvalidParameter, "Either AccessToken or Session must be provided")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.mfaSetupSession(in.Session)
	if err != nil {
		return nil, err
	}
	a.totpSecret, a.totpVerified = secret, false
	return map[string]string{"SecretCode": secret, "Session": s.rekey(a)}, nil
}

// mfaSetupSession takes the MFA_SETUP session named by key; s.mu held.
func (s *Service) mfaSetupSession(key string) (*authSession, error) {
	a := s.sessions[key]
	if a == nil || a.challenge != "MFA_SETUP" {
		return nil, errSessionInvalid()
	}
	if !s.now().Before(a.expires) {
		delete(s.sessions, key)
		return nil, errSessionExpired()
	}
	delete(s.sessions, key)
	return a, nil
}

// rekey stores a under a fresh Session string with a fresh lifetime; s.mu
// held.
func (s *Service) rekey(a *authSession) string {
	cl := s.st.clients[a.clientID]
	ttl := 3 * time.Minute
	if cl != nil {
		ttl = cl.sessionTTL()
	}
	a.expires = s.now().Add(ttl)
	key := newSessionString()
	s.sessions[key] = a
	return key
}

var userCodePattern = lazyregexp.New(`^[0-9]+$`)

func opVerifySoftwareToken(s *Service, c *call) (any, error) {
	var in struct {
		AccessToken        string `json:"AccessToken"`
		Session            string `json:"Session"`
		UserCode           string `json:"UserCode"`
		FriendlyDeviceName string `json:"FriendlyDeviceName"`
	}
	if err := c.decode(&in, "UserCode"); err != nil {
		return nil, err
	}
	if len(in.UserCode) != 6 || !userCodePattern.MatchString(in.UserCode) {
		rule := "Member must satisfy regular expression pattern: [0-9]+"
		if len(in.UserCode) != 6 {
			rule = "Member must have length less than or equal to 6"
			if len(in.UserCode) < 6 {
				rule = "Member must have length greater than or equal to 6"
			}
		}
		return nil, validationError([]violation{{member: "UserCode", value: &in.UserCode, rule: rule}})
	}
	mismatch := newErr(excEnableSoftwareToken, "Code mismatch and fail enable Software Token MFA")
	if in.AccessToken != "" {
		return s.withAccessUser(in.AccessToken, func(p *pool, u *user, _ *accessClaims) (any, error) {
			if u.TOTPPending == "" {
				return nil, newErr(excInvalidParameter, "User has not set up software token mfa: call AssociateSoftwareToken first")
			}
			if !validTOTP(u.TOTPPending, in.UserCode, s.now()) {
				return nil, mismatch
			}
			u.TOTPSecret, u.TOTPPending = u.TOTPPending, ""
			s.touch(u)
			s.markChanged()
			return map[string]string{"Status": "SUCCESS"}, nil
		})
	}
	if in.Session == "" {
		return nil, newErr(excInvalidParameter, "Either AccessToken or Session must be provided")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.mfaSetupSession(in.Session)
	if err != nil {
		return nil, err
	}
	if a.totpSecret == "" || !validTOTP(a.totpSecret, in.UserCode, s.now()) {
		s.sessions[in.Session] = a // the user may try another code
		return nil, mismatch
	}
	a.totpVerified = true
	return map[string]string{"Status": "SUCCESS", "Session": s.rekey(a)}, nil
}
