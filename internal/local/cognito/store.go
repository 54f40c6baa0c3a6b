package cognito

import (
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// newPool builds a pool with Cognito's defaults and two fresh signing keys.
// It does not insert it; key generation is slow, so it runs unlocked.
func (s *Service) newPool(id, name string) (*pool, error) {
	if id == "" {
		id = newPoolID(s.region)
	}
	region, _, _ := strings.Cut(id, "_")
	now := s.now().UTC().Truncate(time.Millisecond)
	p := &pool{
		ID: id, Name: name, Region: region, Created: now, Modified: now,
		Policy: defaultPasswordPolicy(), MFA: "OFF", DeletionProtection: "INACTIVE",
		FirstAuthFactors: []string{"PASSWORD"}, Tier: "ESSENTIALS",
		Clients: map[string]*client{}, Users: map[string]*user{}, Groups: map[string]*group{},
		ResourceServers: map[string]*resourceServer{}, Devices: map[string]*device{},
	}
	for i := range p.Keys {
		k, err := s.newKey()
		if err != nil {
			return nil, fmt.Errorf("pool %s: signing key: %w", id, err)
		}
		sk, err := newSigningKey(k)
		if err != nil {
			return nil, fmt.Errorf("pool %s: %w", id, err)
		}
		p.Keys[i] = sk
	}
	p.reindex()
	return p, nil
}

// insertPool adds p; s.mu must be held.
func (s *Service) insertPool(p *pool) error {
	if _, dup := s.st.Pools[p.ID]; dup {
		return errf(excInvalidParameter, "User pool %s already exists.", p.ID)
	}
	s.st.Pools[p.ID] = p
	for _, k := range p.Keys {
		s.st.kids[k.Kid] = k
	}
	if p.Domain != "" {
		s.st.domains[p.Domain] = p.ID
	}
	s.markChanged()
	return nil
}

// removePool deletes a pool with everything in it; s.mu must be held.
func (s *Service) removePool(p *pool) {
	delete(s.st.Pools, p.ID)
	for _, k := range p.Keys {
		delete(s.st.kids, k.Kid)
	}
	for id := range p.Clients {
		delete(s.st.clients, id)
	}
	if p.Domain != "" {
		delete(s.st.domains, p.Domain)
	}
	for h, r := range s.st.Refresh {
		if r.PoolID == p.ID {
			delete(s.st.Refresh, h)
		}
	}
	for id, f := range s.st.Families {
		if f.PoolID == p.ID {
			delete(s.st.Families, id)
		}
	}
	s.markChanged()
}

// newClient builds an app client with Cognito's defaults.
func (s *Service) newClient(poolID, id, name string) *client {
	if id == "" {
		id = newClientID()
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	return &client{
		PoolID: poolID, ClientID: id, Name: name,
		ExplicitAuthFlows:    defaultAuthFlows,
		AccessTokenValidity:  60,
		IDTokenValidity:      60,
		RefreshTokenValidity: 30,
		Units:                tokenUnits{AccessToken: "minutes", IDToken: "minutes", RefreshToken: "days"},
		AuthSessionValidity:  3, EnableTokenRevocation: true, PreventUserExistenceErrors: "LEGACY",
		Created: now, Modified: now,
	}
}

// defaultAuthFlows are what a client gets when ExplicitAuthFlows is not
// given.
var defaultAuthFlows = []string{"ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"}

// insertClient adds c to its pool; s.mu must be held.
func (s *Service) insertClient(p *pool, c *client) error {
	if _, dup := s.st.clients[c.ClientID]; dup {
		return errf(excInvalidParameter, "User pool client %s already exists.", c.ClientID)
	}
	p.Clients[c.ClientID] = c
	s.st.clients[c.ClientID] = c
	s.markChanged()
	return nil
}

// newUser builds a user record; the caller sets the credential.
func (s *Service) newUser(p *pool, username string, attrs map[string]string) *user {
	now := s.now().UTC().Truncate(time.Millisecond)
	u := &user{Username: username, Sub: uuid.NewString(), Attributes: map[string]string{},
		Status: statusConfirmed, Enabled: true, Created: now, Modified: now}
	for k, v := range attrs {
		if k == "sub" {
			continue
		}
		u.Attributes[k] = v
	}
	if len(p.UsernameAttributes) > 0 {
		// In email/phone-as-username pools the internal username is the sub.
		u.Username = u.Sub
	}
	return u
}

// insertUser adds u; s.mu must be held. It enforces unique usernames and
// unique sign-in attributes; forceAlias is AdminCreateUser's
// ForceAliasCreation (see claimAliases).
func (s *Service) insertUser(p *pool, u *user, forceAlias bool) error {
	key := p.userKey(u.Username)
	if _, dup := p.Users[key]; dup {
		return newErr(excUsernameExists, msgUsernameExists)
	}
	if err := p.checkAliasFree(u, ""); err != nil {
		return err
	}
	if err := s.claimAliases(p, u, forceAlias); err != nil {
		return err
	}
	p.Users[key] = u
	p.bySub[u.Sub] = u
	s.markChanged()
	return nil
}

// checkAliasFree refuses a second user with the same sign-in attribute
// value (email/phone in username-attribute pools).
func (p *pool) checkAliasFree(u *user, only string) error {
	if len(p.UsernameAttributes) == 0 {
		return nil
	}
	for _, attr := range p.UsernameAttributes {
		if only != "" && attr != only {
			continue
		}
		v := u.Attributes[attr]
		if v == "" {
			continue
		}
		for _, other := range p.Users {
			if other != u && strings.EqualFold(other.Attributes[attr], v) {
				if attr == "email" {
					return newErr(excUsernameExists, "An account with the given email already exists.")
				}
				return newErr(excUsernameExists, "An account with the given phone_number already exists.")
			}
		}
	}
	return nil
}

// claimAliases keeps every alias naming one user, as Cognito does in pools
// with AliasAttributes: a verified email or phone_number, or a
// preferred_username, that another user already signs in with is refused
// with AliasExistsException. With force (ForceAliasCreation of
// AdminCreateUser and ConfirmSignUp) an e-mail or phone alias moves to u
// instead: the other user keeps the attribute, unverified, and can no
// longer sign in with it. u may be a candidate copy of a stored user (the
// same sub). s.mu must be held.
func (s *Service) claimAliases(p *pool, u *user, force bool) error {
	if len(p.UsernameAttributes) > 0 {
		return nil // checkAliasFree covers username-attribute pools
	}
	var moved []*user
	var movedAttr []string
	for _, attr := range p.AliasAttributes {
		v := u.Attributes[attr]
		if v == "" || attr != "preferred_username" && u.Attributes[attr+"_verified"] != "true" {
			continue
		}
		for _, other := range p.Users {
			if other.Sub == u.Sub || !matchesSignInAttribute(p, other, attr, v) {
				continue
			}
			if !force || attr == "preferred_username" {
				return newErr(excAliasExists, "An account with the "+attr+" already exists.")
			}
			moved, movedAttr = append(moved, other), append(movedAttr, attr)
		}
	}
	for i, other := range moved {
		other.Attributes[movedAttr[i]+"_verified"] = "false"
		s.touch(other)
		s.markChanged()
	}
	return nil
}

// verifyAttribute marks attr (email or phone_number) of u verified unless
// that would give a second user the same alias; s.mu must be held.
func (s *Service) verifyAttribute(p *pool, u *user, attr string, force bool) error {
	prev, had := u.Attributes[attr+"_verified"]
	u.Attributes[attr+"_verified"] = "true"
	if err := s.claimAliases(p, u, force); err != nil {
		if had {
			u.Attributes[attr+"_verified"] = prev
		} else {
			delete(u.Attributes, attr+"_verified")
		}
		return err
	}
	s.touch(u)
	s.markChanged()
	return nil
}

// deleteUser removes u and its devices; s.mu must be held. Its tokens
// then fail with UserNotFoundException, as Cognito's do.
func (s *Service) deleteUser(p *pool, u *user) {
	delete(p.Users, p.userKey(u.Username))
	delete(p.bySub, u.Sub)
	for k, d := range p.Devices {
		if d.Username == p.userKey(u.Username) {
			delete(p.Devices, k)
		}
	}
	s.markChanged()
}

// pool returns the pool or ResourceNotFoundException; s.mu must be held.
func (s *Service) pool(id string) (*pool, error) {
	p := s.st.Pools[id]
	if p == nil {
		return nil, errPoolNotFound(id)
	}
	return p, nil
}

// client returns the app client (and its pool) or
// ResourceNotFoundException; s.mu must be held.
func (s *Service) client(id string) (*pool, *client, error) {
	c := s.st.clients[id]
	if c == nil {
		return nil, nil, errClientNotFound(id)
	}
	return s.st.Pools[c.PoolID], c, nil
}

// poolClient is client() for operations that also name the pool.
func (s *Service) poolClient(poolID, clientID string) (*pool, *client, error) {
	p, err := s.pool(poolID)
	if err != nil {
		return nil, nil, err
	}
	c := p.Clients[clientID]
	if c == nil {
		return nil, nil, errClientNotFound(clientID)
	}
	return p, c, nil
}

// adminUser finds a user for an Admin* operation: UserNotFoundException
// when absent (admin operations never hide existence).
func adminUser(p *pool, name string) (*user, error) {
	u := p.lookupUser(name)
	if u == nil {
		return nil, errUserNotFound()
	}
	return u, nil
}

func (s *Service) touch(u *user) { u.Modified = s.now().UTC().Truncate(time.Millisecond) }
