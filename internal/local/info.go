package local

import (
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/identity"
)

// Info describes a running stack: the object `cogscope local --json`
// prints. Later services add their fields here.
type Info struct {
	Endpoint  string     `json:"endpoint"`
	Region    string     `json:"region"`
	UserPools []PoolInfo `json:"userPools"`
	// IdentityPools are the Cognito identity pools (identity_mount.go).
	IdentityPools []identity.PoolInfo `json:"identityPools"`
}

// PoolInfo is a pool in Info: the cognito description plus, for a pool
// with a domain, the domain and the base URL of its hosted UI.
type PoolInfo struct {
	cognito.PoolInfo
	Domain   string `json:"domain,omitempty"`
	HostedUI string `json:"hostedUI,omitempty"` // e.g. http://127.0.0.1:9229/_domain/cogscope-demo
}

// Info returns the stack's endpoint, region and pools.
func (s *Stack) Info() Info {
	pools := []PoolInfo{}
	for _, p := range s.cognito.Describe() {
		info := PoolInfo{PoolInfo: p}
		if hp, err := s.cognito.Pool(p.ID); err == nil && hp.Domain != "" {
			info.Domain, info.HostedUI = hp.Domain, s.domainURL(hp.Domain)
		}
		pools = append(pools, info)
	}
	return Info{Endpoint: s.Endpoint(), Region: s.opts.Region, UserPools: pools, IdentityPools: s.identity.Describe()}
}
