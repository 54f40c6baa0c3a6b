package local

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/cogscope/cogscope/internal/local/apigw"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/identity"
)

// newAPIGateway builds the local API Gateway on the stack's clock and
// endpoint; JWT and Cognito authorizers get the stack's pools' keys
// in-process (a warm JWKS, no HTTP round trip).
func (s *Stack) newAPIGateway() *apigw.Service {
	sink := s.opts.APILogSink
	if sink == nil {
		// The gateway's access logs and its Lambda authorizers' lines go
		// to the stack's own CloudWatch Logs, where `cogscope tail` and
		// `call --logs` read them.
		sink = s.logs.Write
	}
	return apigw.New(apigw.Options{
		Region:   s.opts.Region,
		Endpoint: s.Endpoint,
		Now:      s.opts.Now,
		Keys:     s.issuerKeys,
		LogSink:  sink,
		Logger:   s.logger,
		// The demo authorizer functions trust the demo pool only.
		DemoUserPoolID: demoSeed(s.opts.Region).UserPools[0].ID,
		IAMAuth:        s.iamAuth,
	})
}

// iamAuth checks an AWS_IAM route's call with the identity service's
// SigV4 check (service execute-api), on the path as the client signed
// it: the gateway sees the request as it came, /_api/<apiId>/... and all.
func (s *Stack) iamAuth(r *http.Request, body []byte) (apigw.IAMCaller, error) {
	c, err := s.identity.Authenticate(r, body, "execute-api")
	var ae *identity.AuthError
	if errors.As(err, &ae) {
		return apigw.IAMCaller{}, &apigw.IAMAuthError{Code: ae.Code, Message: ae.Message}
	}
	if err != nil {
		return apigw.IAMCaller{}, fmt.Errorf("check the signature: %w", err)
	}
	return apigw.IAMCaller{Arn: c.Arn, UserID: c.UserID, Account: c.Account, AccessKeyID: c.AccessKeyID,
		RoleARN: c.RoleARN, IdentityID: c.IdentityID, IdentityPoolID: c.IdentityPoolID}, nil
}

// issuerKeys resolves an issuer of this stack (<endpoint>/<poolId>) to
// its pool's public keys; any other issuer is unreachable, as a JWKS
// behind a wrong URL is.
func (s *Stack) issuerKeys(issuer string) (map[string]*rsa.PublicKey, error) {
	ep := strings.TrimRight(s.Endpoint(), "/")
	poolID, ok := strings.CutPrefix(issuer, ep+"/")
	if ep == "" || !ok || strings.Contains(poolID, "/") {
		return nil, fmt.Errorf("issuer %s is not a pool of this stack (%s)", issuer, ep)
	}
	return s.cognito.PublicKeys(poolID)
}

// seedAPIs creates the APIs: Options.APISeed, or the demo APIs of the
// demo pool when neither seed was given.
func (s *Stack) seedAPIs() error {
	seed := s.opts.APISeed
	if seed == nil {
		if s.opts.Seed != nil {
			return nil
		}
		demo := apigw.DemoSeed(demoSeed(s.opts.Region).UserPools[0].ID, cognito.DemoPublicClientID, cognito.DemoSecretClientID,
			identity.DemoAuthRole, identity.DemoAdminsRole)
		seed = &demo
	}
	if err := s.apigw.ApplySeed(*seed); err != nil {
		return fmt.Errorf("%w: %v", ErrBadSeed, err)
	}
	return nil
}

// apigwService mounts the gateway: invocations under /_api/ and the
// configuration APIs under /v2/apis and /restapis.
func (s *Stack) apigwService() service {
	return service{name: "apigateway", handler: s.apigw, owns: apigw.Owns}
}

// APIGateway is the local API Gateway, for tests that read authorizer
// invocation counts.
func (s *Stack) APIGateway() *apigw.Service { return s.apigw }
