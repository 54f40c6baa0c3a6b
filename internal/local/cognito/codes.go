package cognito

import (
	"context"
	"log/slog"
	"strings"
	"time"
)

// SentCode is a code Cognito would have delivered by SMS or e-mail.
type SentCode struct {
	PoolID      string    `json:"poolId"`
	Username    string    `json:"username"`
	Medium      string    `json:"medium"`      // SMS or EMAIL
	Destination string    `json:"destination"` // the full address, not masked
	Purpose     string    `json:"purpose"`     // SIGN_UP, FORGOT_PASSWORD, MFA, SIGN_IN, ATTRIBUTE_VERIFICATION, CUSTOM_CHALLENGE
	Code        string    `json:"code"`
	Time        time.Time `json:"time"`
}

// maxSentCodes bounds the in-memory record; the log keeps everything.
const maxSentCodes = 1000

// Purposes of a sent code.
const (
	purposeSignUp          = "SIGN_UP"
	purposeForgot          = "FORGOT_PASSWORD"
	purposeMFA             = "MFA"
	purposeSignIn          = "SIGN_IN"
	purposeVerifyAttr      = "ATTRIBUTE_VERIFICATION"
	purposeCustomChallenge = "CUSTOM_CHALLENGE"
)

// SentCodes returns the codes "sent" so far, oldest first (at most the
// last 1000).
func (s *Service) SentCodes() []SentCode {
	s.codesMu.Lock()
	defer s.codesMu.Unlock()
	return append([]SentCode(nil), s.codes...)
}

// sendCode records and logs a code. It takes codesMu only, so it may be
// called with or without s.mu held.
func (s *Service) sendCode(c SentCode) {
	c.Time = s.now()
	s.codesMu.Lock()
	s.codes = append(s.codes, c)
	if len(s.codes) > maxSentCodes {
		s.codes = append([]SentCode(nil), s.codes[len(s.codes)-maxSentCodes:]...)
	}
	s.codesMu.Unlock()
	s.log.LogAttrs(context.Background(), slog.LevelInfo, "cognito sent a code",
		slog.String("pool", c.PoolID), slog.String("username", c.Username),
		slog.String("medium", c.Medium), slog.String("destination", c.Destination),
		slog.String("purpose", c.Purpose), slog.String("code", c.Code))
}

// deliveryFor picks where a code for u goes: e-mail when the user has an
// address, else SMS. Returned destination is unmasked.
func deliveryFor(u *user, preferSMS bool) (medium, attr, dest string) {
	email, phone := u.Attributes["email"], u.Attributes["phone_number"]
	switch {
	case preferSMS && phone != "":
		return "SMS", "phone_number", phone
	case email != "":
		return "EMAIL", "email", email
	case phone != "":
		return "SMS", "phone_number", phone
	}
	return "", "", ""
}

// mask hides a destination as Cognito does in CodeDeliveryDetails:
// "+********4114" for phones, "b***@v***.com" for e-mail.
func mask(medium, dest string) string {
	if medium == "SMS" {
		if len(dest) <= 4 {
			return dest
		}
		return "+" + strings.Repeat("*", len(dest)-5) + dest[len(dest)-4:]
	}
	local, domain, ok := strings.Cut(dest, "@")
	if !ok || local == "" || domain == "" {
		return "***"
	}
	host, tld, ok := strings.Cut(domain, ".")
	if !ok {
		return local[:1] + "***@" + domain[:1] + "***"
	}
	return local[:1] + "***@" + host[:1] + "***." + tld
}
