package cognito

// customProgress tracks a CUSTOM_AUTH sign-in through its seeded rounds,
// standing in for the Define/Create/Verify Auth Challenge triggers.
type customProgress struct {
	def      int // index into pool.CustomChallenges
	round    int
	attempts int
	code     string // the code sent for a SendCode round
	srpDone  bool   // began with SRP_A and the password was verified
	done     bool
}

// customDefinitionFor is the index of the first definition that applies to
// u, or -1.
func customDefinitionFor(p *pool, u *user) int {
	for i, d := range p.CustomChallenges {
		if len(d.Users) == 0 {
			return i
		}
		for _, name := range d.Users {
			if p.userKey(name) == p.userKey(u.Username) || p.lookupUser(name) == u {
				return i
			}
		}
	}
	return -1
}

// beginCustom starts CUSTOM_AUTH: with CHALLENGE_NAME=SRP_A the password is
// verified first (PASSWORD_VERIFIER), otherwise the first round is issued
// at once. Entered with s.mu held; returns with it released.
func (s *Service) beginCustom(p *pool, cl *client, u *user, a *authSession, in *initiateInput, admin bool) (*authOutput, error) {
	def := customDefinitionFor(p, u)
	if def < 0 {
		s.mu.Unlock()
		return nil, newErr(excInvalidParameter, "Custom auth lambda trigger is not configured for the user pool.")
	}
	if in.AuthParameters["CHALLENGE_NAME"] == "SRP_A" {
		return s.beginSRP(p, cl, u, in, admin)
	}
	if p.CustomChallenges[def].RequireSRP || !u.Enabled {
		s.mu.Unlock()
		if !u.Enabled {
			return nil, newErr(excNotAuthorized, msgUserDisabled)
		}
		return nil, errIncorrectCredentials()
	}
	a.custom = &customProgress{def: def}
	out, spec, err := s.advance(p, cl, u, a)
	s.mu.Unlock()
	return s.finish(out, spec, err)
}

// issueCustom issues the current round as CUSTOM_CHALLENGE, sending its
// code if it has one; s.mu held.
func (s *Service) issueCustom(p *pool, cl *client, u *user, a *authSession) (*authOutput, error) {
	cp := a.custom
	def := p.CustomChallenges[cp.def]
	round := def.Rounds[cp.round]
	if round.SendCode != "" && cp.code == "" {
		medium, dest := "EMAIL", u.Attributes["email"]
		if round.SendCode == "SMS" {
			medium, dest = "SMS", u.Attributes["phone_number"]
		}
		if dest == "" {
			return nil, errf(excInvalidLambdaResponse, "Custom challenge round %d sends a code by %s, but the user has no address for it", cp.round+1, medium)
		}
		cp.code = newCode(6)
		s.sendCode(SentCode{PoolID: p.ID, Username: u.Username, Medium: medium, Destination: dest, Purpose: purposeCustomChallenge, Code: cp.code})
	}
	params := map[string]string{}
	for k, v := range round.PublicParameters {
		params[k] = v
	}
	params["USERNAME"] = u.Username
	return s.challengeOut(cl, a, "CUSTOM_CHALLENGE", params), nil
}

// respondCustom checks an ANSWER. Right: the next round (or tokens).
// Wrong: the same round again with a new Session, until MaxAttempts, then
// the sign-in fails as a define trigger's failAuthentication would.
// Entered with s.mu held; returns with it released.
func (s *Service) respondCustom(p *pool, cl *client, u *user, a *authSession, resp map[string]string) (*authOutput, error) {
	answer := resp["ANSWER"]
	if answer == "" {
		s.mu.Unlock()
		return nil, errMissingParam("ANSWER")
	}
	cp := a.custom
	if cp == nil || cp.def >= len(p.CustomChallenges) || cp.round >= len(p.CustomChallenges[cp.def].Rounds) {
		s.mu.Unlock()
		return nil, errSessionInvalid()
	}
	round := p.CustomChallenges[cp.def].Rounds[cp.round]
	expected := round.Answer
	if round.SendCode != "" {
		expected = cp.code
	}
	if !secretEqual(answer, expected) {
		cp.attempts++
		max := round.MaxAttempts
		if max <= 0 {
			max = 3
		}
		if cp.attempts >= max {
			s.mu.Unlock()
			return nil, errIncorrectCredentials()
		}
		out, err := s.issueCustom(p, cl, u, a)
		s.mu.Unlock()
		return out, err
	}
	cp.round++
	cp.attempts, cp.code = 0, ""
	return s.advanceUnlock(p, cl, u, a)
}
