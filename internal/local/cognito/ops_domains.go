package cognito

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"

	"github.com/cogscope/cogscope/internal/lazyregexp"
)

var domainPattern = lazyregexp.New(`^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$`)

func opCreateUserPoolDomain(s *Service, c *call) (any, error) {
	var in struct {
		Domain              string              `json:"Domain"`
		UserPoolId          string              `json:"UserPoolId"`
		ManagedLoginVersion *int                `json:"ManagedLoginVersion"`
		CustomDomainConfig  *customDomainConfig `json:"CustomDomainConfig"`
	}
	if err := c.decode(&in, "Domain", "UserPoolId"); err != nil {
		return nil, err
	}
	if in.CustomDomainConfig != nil {
		if err := checkCustomDomain(in.Domain, in.CustomDomainConfig); err != nil {
			return nil, err
		}
	} else if !domainPattern.MatchString(in.Domain) {
		d := in.Domain
		return nil, validationError([]violation{{member: "Domain", value: &d,
			rule: "Member must satisfy regular expression pattern: ^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$"}})
	}
	return s.withPool(in.UserPoolId, func(p *pool) (any, error) {
		if owner, taken := s.st.domains[in.Domain]; taken {
			if owner == p.ID {
				return nil, newErr(excInvalidParameter, "Domain already associated with this user pool")
			}
			return nil, newErr(excInvalidParameter, "Domain already exists.")
		}
		if p.Domain != "" {
			return nil, errf(excInvalidParameter, "User pool %s already has a domain configured.", p.ID)
		}
		p.Domain = in.Domain
		if in.CustomDomainConfig != nil {
			p.CustomDomainCert = *in.CustomDomainConfig.CertificateArn
		}
		s.st.domains[in.Domain] = p.ID
		s.markChanged()
		version := 1
		if in.ManagedLoginVersion != nil {
			version = *in.ManagedLoginVersion
		}
		return customDomainOutput(in.Domain, in.CustomDomainConfig, map[string]any{"ManagedLoginVersion": version}), nil
	})
}

func opDescribeUserPoolDomain(s *Service, c *call) (any, error) {
	var in struct {
		Domain string `json:"Domain"`
	}
	if err := c.decode(&in, "Domain"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.st.domains[in.Domain]
	if !ok {
		// Cognito answers an unknown domain with an empty description.
		return map[string]any{"DomainDescription": empty{}}, nil
	}
	p := s.st.Pools[id]
	desc := map[string]any{
		"UserPoolId": id, "AWSAccountId": "123456789012", "Domain": in.Domain,
		"CloudFrontDistribution": in.Domain + ".cloudfront.local", "Version": "20240101000000",
		"Status": "ACTIVE", "S3Bucket": "aws-cognito-prod-" + p.Region + "-assets", "ManagedLoginVersion": 1,
	}
	if p.CustomDomainCert != "" {
		desc["CustomDomainConfig"] = map[string]string{"CertificateArn": p.CustomDomainCert}
		desc["CloudFrontDistribution"] = customDomainOutput(in.Domain, &customDomainConfig{}, map[string]any{})["CloudFrontDomain"]
	}
	return map[string]any{"DomainDescription": desc}, nil
}

func opDeleteUserPoolDomain(s *Service, c *call) (any, error) {
	var in struct {
		Domain     string `json:"Domain"`
		UserPoolId string `json:"UserPoolId"`
	}
	return onPool(s, c, &in, &in.UserPoolId, func(p *pool) (any, error) {
		if p.Domain != in.Domain {
			return nil, errf(excInvalidParameter, "No such domain or user pool exists.")
		}
		delete(s.st.domains, p.Domain)
		p.Domain, p.CustomDomainCert = "", ""
		s.markChanged()
		return empty{}, nil
	}, "Domain", "UserPoolId")
}

type resourceServerType struct {
	UserPoolId string  `json:"UserPoolId"`
	Identifier string  `json:"Identifier"`
	Name       string  `json:"Name"`
	Scopes     []scope `json:"Scopes,omitempty"`
}

func toResourceServerType(p *pool, rs *resourceServer) resourceServerType {
	return resourceServerType{UserPoolId: p.ID, Identifier: rs.Identifier, Name: rs.Name, Scopes: rs.Scopes}
}

var scopeNamePattern = lazyregexp.New(`^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]+$`)

func opCreateResourceServer(s *Service, c *call) (any, error) {
	var in struct {
		UserPoolId string  `json:"UserPoolId"`
		Identifier string  `json:"Identifier"`
		Name       string  `json:"Name"`
		Scopes     []scope `json:"Scopes"`
	}
	if err := c.decode(&in, "UserPoolId", "Identifier", "Name"); err != nil {
		return nil, err
	}
	if err := checkName("Identifier", in.Identifier, 256); err != nil {
		return nil, err
	}
	for _, sc := range in.Scopes {
		if !scopeNamePattern.MatchString(sc.Name) {
			v := sc.Name
			return nil, validationError([]violation{{member: "Scopes.member.ScopeName", value: &v,
				rule: "Member must satisfy regular expression pattern: [\\x21\\x23-\\x2E\\x30-\\x5B\\x5D-\\x7E]+"}})
		}
	}
	return s.withPool(in.UserPoolId, func(p *pool) (any, error) {
		if p.ResourceServers[in.Identifier] != nil {
			return nil, errf(excInvalidParameter, "%s already exists in user pool %s.", in.Identifier, p.ID)
		}
		rs := &resourceServer{Identifier: in.Identifier, Name: in.Name, Scopes: in.Scopes}
		p.ResourceServers[rs.Identifier] = rs
		s.markChanged()
		return map[string]any{"ResourceServer": toResourceServerType(p, rs)}, nil
	})
}

type resourceServerInput struct {
	UserPoolId string `json:"UserPoolId"`
	Identifier string `json:"Identifier"`
}

func (s *Service) withResourceServer(in resourceServerInput, fn func(p *pool, rs *resourceServer) (any, error)) (any, error) {
	return s.withPool(in.UserPoolId, func(p *pool) (any, error) {
		rs := p.ResourceServers[in.Identifier]
		if rs == nil {
			return nil, errf(excResourceNotFound, "Resource server %s does not exist.", in.Identifier)
		}
		return fn(p, rs)
	})
}

func opDescribeResourceServer(s *Service, c *call) (any, error) {
	var in resourceServerInput
	if err := c.decode(&in, "UserPoolId", "Identifier"); err != nil {
		return nil, err
	}
	return s.withResourceServer(in, func(p *pool, rs *resourceServer) (any, error) {
		return map[string]any{"ResourceServer": toResourceServerType(p, rs)}, nil
	})
}

func opDeleteResourceServer(s *Service, c *call) (any, error) {
	var in resourceServerInput
	if err := c.decode(&in, "UserPoolId", "Identifier"); err != nil {
		return nil, err
	}
	return s.withResourceServer(in, func(p *pool, rs *resourceServer) (any, error) {
		delete(p.ResourceServers, rs.Identifier)
		s.markChanged()
		return empty{}, nil
	})
}

func opListResourceServers(s *Service, c *call) (any, error) {
	var in struct {
		UserPoolId string `json:"UserPoolId"`
		MaxResults *int   `json:"MaxResults"`
		NextToken  string `json:"NextToken"`
	}
	if err := c.decode(&in, "UserPoolId", "MaxResults"); err != nil {
		return nil, err
	}
	if err := checkRange("MaxResults", *in.MaxResults, 1, 50); err != nil {
		return nil, err
	}
	return s.withPool(in.UserPoolId, func(p *pool) (any, error) {
		ids := make([]string, 0, len(p.ResourceServers))
		for id := range p.ResourceServers {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		page, next, err := paginate(ids, in.NextToken, *in.MaxResults)
		if err != nil {
			return nil, err
		}
		out := make([]resourceServerType, 0, len(page))
		for _, id := range page {
			out = append(out, toResourceServerType(p, p.ResourceServers[id]))
		}
		return struct {
			ResourceServers []resourceServerType `json:"ResourceServers"`
			NextToken       string               `json:"NextToken,omitempty"`
		}{out, next}, nil
	})
}

// customDomainConfig is CreateUserPoolDomain's CustomDomainConfig: the
// domain is then a fully qualified name (auth.example.com) rather than a
// prefix. The local stack serves it like a prefix domain, on its own
// endpoint; the certificate is not checked.
type customDomainConfig struct {
	CertificateArn *string `json:"CertificateArn"`
}

var customDomainPattern = lazyregexp.New(`^(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$`)

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
