package cognito

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
)

// This file adds to hosted.go what the hosted UI needs beyond it: which
// attributes an app client may read (userInfo), and custom domains for
// CreateUserPoolDomain.

// ClientCanRead reports which user attributes an app client may read (its
// ReadAttributes; all of them when the list is empty), for userInfo
// answers, which like ID tokens hold only readable attributes.
func (s *Service) ClientCanRead(clientID string) (func(attr string) bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, c, err := s.client(clientID)
	if err != nil {
		return nil, err
	}
	read := clone(c.ReadAttributes)
	return func(attr string) bool { return len(read) == 0 || contains(read, attr) }, nil
}

// customDomainConfig is CreateUserPoolDomain's CustomDomainConfig: the
// domain is then a fully qualified name (auth.example.com) rather than a
// prefix. The local stack serves it like a prefix domain, on its own
// endpoint; the certificate is not checked.
type customDomainConfig struct {
	CertificateArn *string `json:"CertificateArn"`
}

var customDomainPattern = regexp.MustCompile(`^(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$`)

// checkCustomDomain validates a custom domain and its certificate ARN.
func checkCustomDomain(domain string, cfg *customDomainConfig) error {
	if cfg.CertificateArn == nil || *cfg.CertificateArn == "" {
		return validationError([]violation{{member: "CustomDomainConfig.CertificateArn", rule: "Member must not be null"}})
	}
	if len(domain) > 253 || !customDomainPattern.MatchString(domain) {
		return errf(excInvalidParameter, "Custom domain %s is not a valid fully qualified domain name (e.g. auth.example.com).", domain)
	}
	return nil
}

// customDomainOutput adds the CloudFrontDomain a custom domain's DNS
// record must point at to CreateUserPoolDomain's answer.
func customDomainOutput(domain string, cfg *customDomainConfig, out map[string]any) map[string]any {
	if cfg != nil {
		sum := sha256.Sum256([]byte(domain))
		out["CloudFrontDomain"] = "d" + hex.EncodeToString(sum[:7]) + ".cloudfront.net"
	}
	return out
}
