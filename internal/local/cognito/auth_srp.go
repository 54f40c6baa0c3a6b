package cognito

import (
	"encoding/base64"
	"math/big"

	"github.com/cogscope/cogscope/flows/srp"
)

// newSRPServer draws b (or takes it from the test hook) and computes B for
// verifier v. It costs one exponentiation: call it without s.mu held.
func (s *Service) newSRPServer(v *big.Int) (*srp.Server, error) {
	if s.srpSecret != nil {
		b, err := s.srpSecret()
		if err != nil {
			return nil, err
		}
		return srp.NewServerWithSecret(v, b), nil
	}
	return srp.NewServer(v)
}

// beginSRP answers USER_SRP_AUTH (and CUSTOM_AUTH with SRP_A) with
// PASSWORD_VERIFIER. u is nil for an unknown user under
// PreventUserExistenceErrors: the challenge then uses a throwaway verifier
// and can never be answered. Entered with s.mu held; returns with it
// released.
func (s *Service) beginSRP(p *pool, cl *client, u *user, in *initiateInput, admin bool) (*authOutput, error) {
	params := in.AuthParameters
	A, err := srp.ParseHex(params["SRP_A"])
	if err != nil || new(big.Int).Mod(A, srp.N).Sign() == 0 {
		s.mu.Unlock()
		return nil, errIncorrectCredentials()
	}
	x := &srpExchange{poolID: p.ID, clientID: cl.ClientID, flow: in.AuthFlow, admin: admin, A: A,
		deviceKey: params["DEVICE_KEY"], poolName: srp.PoolName(p.ID), custom: in.AuthFlow == "CUSTOM_AUTH"}
	var verifier *big.Int
	if u != nil && u.Verifier != nil {
		x.sub, x.username, x.userID = u.Sub, u.Username, u.Username
		x.salt, verifier = u.Salt, u.Verifier
	} else {
		x.fake, x.username, x.userID = true, params["USERNAME"], params["USERNAME"]
		if u != nil {
			x.sub, x.username, x.userID = u.Sub, u.Username, u.Username
		}
	}
	ttl := cl.sessionTTL()
	s.mu.Unlock()

	if x.fake {
		salt, err := srp.NewSalt()
		if err != nil {
			return nil, errInternal(err)
		}
		x.salt, verifier = salt, new(big.Int).SetBytes(randomBytes(384))
	}
	server, err := s.newSRPServer(verifier)
	if err != nil {
		return nil, errInternal(err)
	}
	x.server = server
	x.secretBlock = s.newSecretBlock()
	block := base64.StdEncoding.EncodeToString(x.secretBlock)

	s.mu.Lock()
	x.expires = s.now().Add(ttl)
	s.addSRPLocked(block, x)
	s.gcLocked(s.now())
	s.mu.Unlock()
	return &authOutput{ChallengeName: "PASSWORD_VERIFIER", ChallengeParameters: map[string]string{
		"SALT":            srp.Hex(x.salt),
		"SRP_B":           server.BHex(),
		"SECRET_BLOCK":    block,
		"USER_ID_FOR_SRP": x.userID,
		"USERNAME":        x.username,
	}}, nil
}

// checkClaim verifies a PASSWORD_CLAIM_SIGNATURE with the TIMESTAMP rule
// of protocol reference §1.4: unparseable → InvalidParameterException;
// non-canonical (zero-padded day, wrong weekday), too far from now, or a
// wrong signature → "Incorrect username or password.". Costs two
// exponentiations: call it without s.mu held.
func (s *Service) checkClaim(x *srpExchange, timestamp, signature string) error {
	key, err := x.server.Key(x.A)
	if err != nil {
		return errIncorrectCredentials()
	}
	ts, _ := srp.ParseTimestamp(timestamp) // format checked by the caller
	canonical := srp.FormatTimestamp(ts)
	if x.fake || canonical != timestamp {
		return errIncorrectCredentials()
	}
	if d := s.now().Sub(ts); d > s.skew || d < -s.skew {
		return errIncorrectCredentials()
	}
	block := x.secretBlock
	if !srp.VerifySignature(key, x.poolName, x.userID, block, canonical, signature) {
		return errIncorrectCredentials()
	}
	return nil
}

// claimParams validates the parameters shared by PASSWORD_VERIFIER and
// DEVICE_PASSWORD_VERIFIER, in the order Cognito reports them.
func claimParams(resp map[string]string) error {
	for _, name := range []string{"PASSWORD_CLAIM_SIGNATURE", "PASSWORD_CLAIM_SECRET_BLOCK", "TIMESTAMP"} {
		if resp[name] == "" {
			return errMissingParam(name)
		}
	}
	if _, err := srp.ParseTimestamp(resp["TIMESTAMP"]); err != nil {
		return newErr(excInvalidParameter, msgTimestampFormat)
	}
	return nil
}

// respondPasswordVerifier finishes USER_SRP_AUTH. The exchange is looked
// up by its SECRET_BLOCK and removed whatever the outcome (single use).
func (s *Service) respondPasswordVerifier(in *respondInput, admin bool) (*authOutput, error) {
	resp := in.ChallengeResponses
	if err := claimParams(resp); err != nil {
		return nil, err
	}
	if resp["USERNAME"] == "" {
		return nil, errMissingParam("USERNAME")
	}
	s.mu.Lock()
	p, cl, err := s.respondClient(in, admin)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	x := s.srp[resp["PASSWORD_CLAIM_SECRET_BLOCK"]]
	if x == nil || x.clientID != cl.ClientID {
		s.mu.Unlock()
		return nil, errIncorrectCredentials()
	}
	s.takeSRPLocked(resp["PASSWORD_CLAIM_SECRET_BLOCK"])
	if !s.now().Before(x.expires) {
		s.mu.Unlock()
		return nil, errSessionExpired()
	}
	// The hash here must be over the internal username (USER_ID_FOR_SRP),
	// not an alias the user typed.
	if err := checkSecretHash(cl, resp["SECRET_HASH"], x.username); err != nil {
		s.mu.Unlock()
		return nil, err
	}
	u := p.lookupUser(resp["USERNAME"])
	if !x.fake && (u == nil || u.Sub != x.sub) {
		s.mu.Unlock()
		return nil, errIncorrectCredentials()
	}
	if !x.fake {
		if err := s.checkLockout(u); err != nil {
			s.mu.Unlock()
			return nil, err
		}
	}
	s.mu.Unlock()

	claimErr := s.checkClaim(x, resp["TIMESTAMP"], resp["PASSWORD_CLAIM_SIGNATURE"])
	s.mu.Lock()
	if !x.fake {
		s.recordAttempt(p, x.sub, claimErr == nil)
	}
	if claimErr != nil {
		s.mu.Unlock()
		return nil, claimErr
	}
	a := &authSession{poolID: p.ID, clientID: cl.ClientID, sub: x.sub, username: x.username, flow: x.flow,
		admin: x.admin, deviceKey: orDefault(resp["DEVICE_KEY"], x.deviceKey)}
	if x.custom {
		u := p.bySub[x.sub]
		if u == nil {
			s.mu.Unlock()
			return nil, errIncorrectCredentials()
		}
		a.custom = &customProgress{def: customDefinitionFor(p, u), srpDone: true}
	}
	out, spec, err := s.afterPassword(p, cl, a)
	s.mu.Unlock()
	return s.finish(out, spec, err)
}

// respondDeviceSRP answers DEVICE_SRP_AUTH with DEVICE_PASSWORD_VERIFIER.
// Entered with s.mu held; returns with it released.
func (s *Service) respondDeviceSRP(p *pool, cl *client, a *authSession, resp map[string]string) (*authOutput, error) {
	for _, name := range []string{"DEVICE_KEY", "SRP_A"} {
		if resp[name] == "" {
			s.mu.Unlock()
			return nil, errMissingParam(name)
		}
	}
	d := p.Devices[resp["DEVICE_KEY"]]
	if resp["DEVICE_KEY"] != a.deviceKey || d == nil || !d.Confirmed || d.Verifier == nil {
		s.mu.Unlock()
		return nil, newErr(excResourceNotFound, msgDeviceNotFound)
	}
	A, err := srp.ParseHex(resp["SRP_A"])
	if err != nil || new(big.Int).Mod(A, srp.N).Sign() == 0 {
		s.mu.Unlock()
		return nil, errIncorrectCredentials()
	}
	x := &srpExchange{poolID: p.ID, clientID: cl.ClientID, sub: a.sub, username: a.username, A: A,
		salt: d.Salt, poolName: d.GroupKey, userID: d.Key}
	verifier := d.Verifier
	s.mu.Unlock()
	server, err := s.newSRPServer(verifier)
	if err != nil {
		return nil, errInternal(err)
	}
	x.server, x.secretBlock = server, s.newSecretBlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	a.deviceSRP = x
	return s.challengeOut(cl, a, "DEVICE_PASSWORD_VERIFIER", map[string]string{
		"SRP_B":        server.BHex(),
		"SALT":         srp.Hex(x.salt),
		"SECRET_BLOCK": base64.StdEncoding.EncodeToString(x.secretBlock),
		"USERNAME":     a.username,
		"DEVICE_KEY":   d.Key,
	}), nil
}

// respondDevicePasswordVerifier checks the device's claim signature
// (device group key and device key in place of pool name and user id).
// Entered with s.mu held; returns with it released.
func (s *Service) respondDevicePasswordVerifier(p *pool, cl *client, a *authSession, resp map[string]string) (*authOutput, error) {
	if err := claimParams(resp); err != nil {
		s.mu.Unlock()
		return nil, err
	}
	x := a.deviceSRP
	if x == nil || resp["PASSWORD_CLAIM_SECRET_BLOCK"] != base64.StdEncoding.EncodeToString(x.secretBlock) ||
		(resp["DEVICE_KEY"] != "" && resp["DEVICE_KEY"] != x.userID) {
		s.mu.Unlock()
		return nil, errIncorrectCredentials()
	}
	s.mu.Unlock()
	if err := s.checkClaim(x, resp["TIMESTAMP"], resp["PASSWORD_CLAIM_SIGNATURE"]); err != nil {
		return nil, err
	}
	s.mu.Lock()
	u, err := s.sessionUser(p, a.sub)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	a.deviceDone, a.deviceSRP = true, nil
	if d := p.Devices[x.userID]; d != nil {
		d.LastAuth = s.now().UTC()
	}
	out, spec, err := s.advance(p, cl, u, a)
	s.mu.Unlock()
	return s.finish(out, spec, err)
}
