package local

import (
	"github.com/cogscope/cogscope/internal/local/apigw"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/identity"
)

// Info describes a running stack: the object `cogscope local --json`
// prints. Later services add their fields here.
type Info struct {
	Endpoint  string     `json:"endpoint"`
	Region    string     `json:"region"`
	UserPools []PoolInfo `json:"userPools"`
	// API is the first HTTP API (the demo one) and RestAPI the first REST
	// API: {"id","url","routes":[{"method","path","authorizer","scopes"}],...}.
	API     *apigw.APIInfo `json:"api,omitempty"`
	RestAPI *apigw.APIInfo `json:"restApi,omitempty"`
	// APIs are all of the gateway's APIs when there are more than those.
	APIs []apigw.APIInfo `json:"apis,omitempty"`
	// APILogGroups are the log groups the gateway writes: stage access
	// logs and /aws/lambda/<authorizer function>.
	APILogGroups []string `json:"apiLogGroups,omitempty"`
	Logs         LogsInfo `json:"logs"`
	// IdentityPools are the Cognito identity pools (identity_mount.go).
	IdentityPools []identity.PoolInfo `json:"identityPools"`
}

// LogsInfo is the CloudWatch Logs part of Info: the endpoint Logs clients
// use (the stack's own) and the log groups that exist.
type LogsInfo struct {
	Endpoint string   `json:"endpoint"`
	Groups   []string `json:"groups"`
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
	info := Info{Endpoint: s.Endpoint(), Region: s.opts.Region, UserPools: pools}
	apis := s.apigw.Describe()
	for i := range apis {
		switch {
		case apis[i].Type == "http" && info.API == nil:
			info.API = &apis[i]
		case apis[i].Type == "rest" && info.RestAPI == nil:
			info.RestAPI = &apis[i]
		}
	}
	if len(apis) > 2 || (len(apis) == 2 && (info.API == nil || info.RestAPI == nil)) {
		info.APIs = apis
	}
	info.APILogGroups = s.apigw.LogGroups()
	info.IdentityPools = s.identity.Describe()
	info.Logs = LogsInfo{Endpoint: s.Endpoint(), Groups: s.logs.Groups()}
	return info
}
