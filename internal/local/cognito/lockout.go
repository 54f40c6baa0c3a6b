package cognito

import "time"

// maxLockout caps the lock after repeated wrong passwords.
const maxLockout = 15 * time.Minute

// checkLockout refuses a sign-in while u is locked out; s.mu held.
func (s *Service) checkLockout(u *user) error {
	if s.lockout > 0 && s.now().Before(u.LockedUntil) {
		return newErr(excNotAuthorized, "Password attempts exceeded")
	}
	return nil
}

// recordAttempt counts a password check for the user with this sub: a
// success clears the count, a failure past the limit extends the lock;
// s.mu held.
func (s *Service) recordAttempt(p *pool, sub string, ok bool) {
	u := p.bySub[sub]
	if u == nil || s.lockout <= 0 {
		return
	}
	if ok {
		if u.FailedAttempts != 0 || !u.LockedUntil.IsZero() {
			u.FailedAttempts, u.LockedUntil = 0, time.Time{}
			s.markChanged()
		}
		return
	}
	u.FailedAttempts++
	if over := u.FailedAttempts - s.lockout; over >= 0 {
		d := maxLockout
		if over < 20 {
			d = min(time.Second<<over, maxLockout)
		}
		u.LockedUntil = s.now().Add(d)
	}
	s.markChanged()
}
