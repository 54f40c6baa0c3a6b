package cognito

import (
	"encoding/json"
	"sort"

	"github.com/cogscope/cogscope/flows/srp"
)

// advance decides what follows a passed step of a sign-in: the next custom
// round, a new password, device verification, MFA, or tokens. s.mu must be
// held; a returned mintSpec is signed by finish after the lock is released.
func (s *Service) advance(p *pool, c *client, u *user, a *authSession) (*authOutput, *mintSpec, error) {
	if cp := a.custom; cp != nil && !cp.done {
		if cp.def < 0 || cp.def >= len(p.CustomChallenges) {
			return nil, nil, newErr(excInvalidParameter, "Custom auth lambda trigger is not configured for the user pool.")
		}
		if cp.round < len(p.CustomChallenges[cp.def].Rounds) {
			out, err := s.issueCustom(p, c, u, a)
			return out, nil, err
		}
		cp.done = true
	}
	if a.passwordDone && a.custom == nil && !a.newPassword && u.Status == statusForceChange {
		return s.newPasswordChallenge(p, c, u, a), nil, nil
	}
	deviceSkipsMFA := false
	if p.Device != nil && a.deviceKey != "" {
		d := p.Devices[a.deviceKey]
		if d == nil || d.Username != p.userKey(u.Username) || !d.Confirmed {
			return nil, nil, newErr(excResourceNotFound, msgDeviceNotFound)
		}
		if d.Remembered && !a.deviceDone {
			return s.challengeOut(c, a, "DEVICE_SRP_AUTH", nil), nil, nil
		}
		deviceSkipsMFA = d.Remembered && a.deviceDone
	}
	if !a.mfaDone && a.custom == nil && !a.passwordless && !deviceSkipsMFA {
		if ch, opts := mfaStep(p, u); ch != "" {
			out, err := s.mfaChallenge(p, c, u, a, ch, opts)
			return out, nil, err
		}
	}
	if a.hosted {
		return &authOutput{ChallengeParameters: map[string]string{}, signedIn: a}, nil, nil
	}
	spec := s.completeSignIn(p, c, u, a)
	return &authOutput{ChallengeParameters: map[string]string{}}, spec, nil
}

// completeSignIn records the sign-in (origin_jti, refresh token, device)
// and returns what to sign; s.mu must be held.
func (s *Service) completeSignIn(p *pool, c *client, u *user, a *authSession) *mintSpec {
	now := s.now()
	deviceKey := ""
	var nd *newDeviceMetadataType
	if p.Device != nil {
		if a.deviceKey != "" {
			deviceKey = a.deviceKey
			if d := p.Devices[deviceKey]; d != nil {
				d.LastAuth = now.UTC()
			}
		} else {
			d := &device{Key: newDeviceKey(p.Region), GroupKey: newDeviceGroupKey(), Username: p.userKey(u.Username),
				Created: now.UTC(), Modified: now.UTC(), LastAuth: now.UTC(), Attributes: map[string]string{}}
			p.Devices[d.Key] = d
			deviceKey = d.Key
			nd = &newDeviceMetadataType{DeviceKey: d.Key, DeviceGroupKey: d.GroupKey}
		}
	}
	origin, refresh := s.startFamily(p, c, u, apiScope, deviceKey, now, true)
	return &mintSpec{pr: s.principalFor(p, c, u), authTime: now, originJTI: origin, deviceKey: deviceKey,
		scope: apiScope, accessTTL: c.accessTTL(), idTTL: c.idTTL(), withID: true, refresh: refresh, newDevice: nd}
}

// mfaStep picks the MFA challenge for u, or "" when none applies. Enabled
// factors are the user's that the pool allows; a pool with MFA ON
// challenges every user, falling back to SMS or e-mail to a known address,
// then to MFA_SETUP.
func mfaStep(p *pool, u *user) (string, []string) {
	if p.MFA != "ON" && p.MFA != "OPTIONAL" {
		return "", nil
	}
	var enabled []string
	if u.SMSMFA && p.SMSMFA && u.Attributes["phone_number"] != "" {
		enabled = append(enabled, "SMS_MFA")
	}
	if u.TOTPMFA && p.SoftwareTokenMFA && u.TOTPSecret != "" {
		enabled = append(enabled, "SOFTWARE_TOKEN_MFA")
	}
	if u.EmailMFA && p.EmailMFA && u.Attributes["email"] != "" {
		enabled = append(enabled, "EMAIL_OTP")
	}
	switch {
	case len(enabled) == 0 && p.MFA == "OPTIONAL":
		return "", nil
	case len(enabled) == 0:
		switch {
		case p.SMSMFA && u.Attributes["phone_number"] != "":
			return "SMS_MFA", nil
		case p.EmailMFA && u.Attributes["email"] != "":
			return "EMAIL_OTP", nil
		}
		var canSetup []string
		if p.SoftwareTokenMFA {
			canSetup = append(canSetup, "SOFTWARE_TOKEN_MFA")
		}
		if p.EmailMFA {
			canSetup = append(canSetup, "EMAIL_OTP")
		}
		if p.SMSMFA {
			canSetup = append(canSetup, "SMS_MFA")
		}
		return "MFA_SETUP", canSetup
	case contains(enabled, u.PreferredMFA):
		return u.PreferredMFA, nil
	case len(enabled) == 1:
		return enabled[0], nil
	}
	return "SELECT_MFA_TYPE", enabled
}

// mfaChallenge issues challenge ch (sending a code where it takes one);
// s.mu must be held.
func (s *Service) mfaChallenge(p *pool, c *client, u *user, a *authSession, ch string, opts []string) (*authOutput, error) {
	params := map[string]string{"USER_ID_FOR_SRP": u.Username}
	a.code, a.attempts, a.options = "", 0, opts
	switch ch {
	case "SMS_MFA", "SMS_OTP":
		phone := u.Attributes["phone_number"]
		a.code = newCode(otpDigits(a))
		purpose := purposeMFA
		if ch == "SMS_OTP" {
			purpose = purposeSignIn
		}
		s.sendCode(SentCode{PoolID: p.ID, Username: u.Username, Medium: "SMS", Destination: phone, Purpose: purpose, Code: a.code})
		params["CODE_DELIVERY_DELIVERY_MEDIUM"] = "SMS"
		params["CODE_DELIVERY_DESTINATION"] = mask("SMS", phone)
	case "EMAIL_OTP":
		email := u.Attributes["email"]
		a.code = newCode(otpDigits(a))
		purpose := purposeMFA
		if a.passwordless {
			purpose = purposeSignIn
		}
		s.sendCode(SentCode{PoolID: p.ID, Username: u.Username, Medium: "EMAIL", Destination: email, Purpose: purpose, Code: a.code})
		params["CODE_DELIVERY_DELIVERY_MEDIUM"] = "EMAIL"
		params["CODE_DELIVERY_DESTINATION"] = mask("EMAIL", email)
	case "SELECT_MFA_TYPE":
		params["MFAS_CAN_CHOOSE"] = jsonList(opts)
	case "MFA_SETUP":
		if len(opts) == 0 {
			return nil, newErr(excInvalidUserPoolConfig, "MFA is required but no MFA method is enabled for the user pool.")
		}
		params["MFAS_CAN_SETUP"] = jsonList(opts)
	}
	return s.challengeOut(c, a, ch, params), nil
}

// otpDigits is 8 for a passwordless first factor, 6 for MFA.
func otpDigits(a *authSession) int {
	if a.passwordless {
		return 8
	}
	return 6
}

func jsonList(v []string) string {
	b, _ := json.Marshal(stringsOrEmpty(v))
	return string(b)
}

// newPasswordChallenge is NEW_PASSWORD_REQUIRED with the user's current
// attributes and the pool's required attributes the user lacks.
func (s *Service) newPasswordChallenge(p *pool, c *client, u *user, a *authSession) *authOutput {
	attrs := map[string]string{}
	for k, v := range u.Attributes {
		if k != "email_verified" && k != "phone_number_verified" {
			attrs[k] = v
		}
	}
	var required []string
	for _, r := range p.RequiredAttributes {
		if u.Attributes[r] == "" {
			required = append(required, "userAttributes."+r)
		}
	}
	sort.Strings(required)
	ab, _ := json.Marshal(attrs)
	return s.challengeOut(c, a, "NEW_PASSWORD_REQUIRED", map[string]string{
		"userAttributes":     string(ab),
		"requiredAttributes": jsonList(required),
		"USER_ID_FOR_SRP":    u.Username,
	})
}

// sessionUser re-finds the user of a session; it may have been deleted or
// disabled since the last step. s.mu must be held.
func (s *Service) sessionUser(p *pool, sub string) (*user, error) {
	u := p.bySub[sub]
	if u == nil {
		return nil, errIncorrectCredentials()
	}
	if !u.Enabled {
		return nil, newErr(excNotAuthorized, msgUserDisabled)
	}
	return u, nil
}

// checkResponseUser verifies that ChallengeResponses.USERNAME names the
// session's user and that SECRET_HASH (secret clients) was computed from
// that USERNAME or the internal username; s.mu must be held.
func checkResponseUser(p *pool, c *client, a *authSession, resp map[string]string) error {
	name := resp["USERNAME"]
	if name == "" {
		return errMissingParam("USERNAME")
	}
	if a.hosted {
		name = a.username // the hosted UI authenticated the client itself
	} else if err := checkSecretHash(c, resp["SECRET_HASH"], name, a.username); err != nil {
		return err
	}
	if u := p.lookupUser(name); u == nil || u.Sub != a.sub {
		return errIncorrectCredentials()
	}
	return nil
}

// checkSecretHash enforces SECRET_HASH for clients with a secret: present,
// and equal (in constant time) to the hash of one of the accepted
// usernames.
func checkSecretHash(c *client, got string, usernames ...string) error {
	if c.Secret == "" {
		return nil // Cognito ignores a hash sent for a public client
	}
	if got == "" {
		return errSecretNotReceived(c.ClientID)
	}
	for _, name := range usernames {
		if name != "" && secretEqual(got, secretHash(c.Secret, name, c.ClientID)) {
			return nil
		}
	}
	return errSecretHashMismatch(c.ClientID)
}

var secretHash = srp.SecretHash
