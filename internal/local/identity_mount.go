package local

import (
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/identity"
)

// newIdentity builds the identity pools service on the stack's user
// pools (seeded or restored by then); when the demo user pool is there,
// the demo identity pool is added for it. Identity pools live in memory
// only: they are not in the state file (the demo one is re-created at
// every start).
func (s *Stack) newIdentity() *identity.Service {
	id := identity.New(identity.Options{Region: s.opts.Region, UserPools: s.cognito,
		Now: s.opts.Now, Logger: s.logger, NewKey: s.opts.NewKey})
	demoPool := demoSeed(s.opts.Region).UserPools[0].ID
	if _, err := s.cognito.LookupClient(cognito.DemoPublicClientID); err == nil {
		if _, err := s.cognito.Pool(demoPool); err == nil {
			_, _ = id.AddPool(identity.DemoPool(s.opts.Region, demoPool,
				cognito.DemoPublicClientID, cognito.DemoSecretClientID, cognito.DemoRotateClientID))
		}
	}
	return id
}

// identityService mounts the identity pools (JSON 1.1).
func (s *Stack) identityService() service {
	return service{name: "cognito-identity", handler: s.identity, targets: []string{"AWSCognitoIdentityService"}}
}

// stsService is STS's query protocol, on the same endpoint.
func (s *Stack) stsService() service {
	return service{name: "sts", handler: s.identity.STS(), query: true}
}

// Identity is the identity pools and STS service, for tests and for the
// API Gateway's AWS_IAM routes (Authenticate).
func (s *Stack) Identity() *identity.Service { return s.identity }
