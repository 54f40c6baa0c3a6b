package cognito

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Snapshot encodes all persistent state — pools with their signing keys,
// clients (with secrets), users (salts and verifiers, never passwords),
// groups, resource servers, devices, and refresh-token records keyed by
// hash — as JSON, for `cogscope local --state`. In-flight sign-ins
// (sessions, SRP exchanges) are not included: they expire within minutes.
func (s *Service) Snapshot() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := json.Marshal(s.st)
	if err != nil {
		return nil, fmt.Errorf("cognito snapshot: %w", err)
	}
	return b, nil
}

// Restore replaces all state with a Snapshot. On error the service is left
// unchanged.
func (s *Service) Restore(b []byte) error {
	st := newState()
	if err := json.Unmarshal(b, st); err != nil {
		return fmt.Errorf("cognito restore: %w", err)
	}
	if st.Version != stateVersion {
		return fmt.Errorf("cognito restore: state version %d, want %d", st.Version, stateVersion)
	}
	for id, p := range st.Pools {
		if p == nil || p.ID != id || p.Keys[0] == nil || p.Keys[1] == nil {
			return fmt.Errorf("cognito restore: pool %q is incomplete", id)
		}
		if p.Clients == nil {
			p.Clients = map[string]*client{}
		}
		if p.Users == nil {
			p.Users = map[string]*user{}
		}
		if p.Groups == nil {
			p.Groups = map[string]*group{}
		}
		if p.ResourceServers == nil {
			p.ResourceServers = map[string]*resourceServer{}
		}
		for _, u := range p.Users {
			if u.Attributes == nil {
				u.Attributes = map[string]string{}
			}
		}
	}
	if st.Refresh == nil {
		st.Refresh = map[string]*refreshRecord{}
	}
	if st.Families == nil {
		st.Families = map[string]*family{}
	}
	st.reindex()
	for _, p := range st.Pools {
		restoreDemoPasswords(p)
	}
	s.mu.Lock()
	s.st = st
	s.sessions = map[string]*authSession{}
	s.srp = map[string]*srpExchange{}
	s.srpByPool = map[string]*srpQueue{}
	s.mu.Unlock()
	return nil
}

// restoreDemoPasswords sets SeedPassword again for the users of a demo
// pool (any region) whose password is still the demo seed's, so that
// `cogscope local` prints the demo credentials after a restart; the state
// file itself holds no password.
func restoreDemoPasswords(p *pool) {
	_, suffix, _ := strings.Cut(p.ID, "_")
	for _, dp := range DemoSeed().UserPools {
		if _, ds, _ := strings.Cut(dp.ID, "_"); ds != suffix {
			continue
		}
		for _, us := range dp.Users {
			if us.Password == "" {
				continue
			}
			u := p.lookupUser(us.Username)
			if u != nil && checkPassword(p.ID, u.Username, us.Password, u.Salt, u.Verifier) {
				u.SeedPassword = us.Password
			}
		}
	}
}
