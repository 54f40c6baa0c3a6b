package cognito

import (
	"crypto/rsa"
	"fmt"
)

// PublicKeys returns the public halves of a pool's signing keys by kid:
// what its jwks.json serves, for in-process verifiers (the local API
// Gateway's JWT and Cognito authorizers) that must not pay for an HTTP
// round trip and a JWKS parse per request.
func (s *Service) PublicKeys(poolID string) (map[string]*rsa.PublicKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.Pools[poolID]
	if p == nil {
		return nil, fmt.Errorf("user pool %s does not exist", poolID)
	}
	out := make(map[string]*rsa.PublicKey, len(p.Keys))
	for _, k := range p.Keys {
		if k != nil && k.Key != nil {
			pub := k.Key.PublicKey
			out[k.Kid] = &pub
		}
	}
	return out, nil
}

// Issuer is the issuer URL of a pool's tokens: the stack's endpoint and
// the pool id.
func (s *Service) Issuer(poolID string) string { return s.issuer(poolID) }
