package cognito

import (
	"regexp"
	"sort"
)

var domainPattern = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$`)

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
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.pool(in.UserPoolId)
	if err != nil {
		return nil, err
	}
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
	if err := c.decode(&in, "Domain", "UserPoolId"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.pool(in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if p.Domain != in.Domain {
		return nil, errf(excInvalidParameter, "No such domain or user pool exists.")
	}
	delete(s.st.domains, p.Domain)
	p.Domain, p.CustomDomainCert = "", ""
	s.markChanged()
	return empty{}, nil
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

var scopeNamePattern = regexp.MustCompile(`^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]+$`)

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
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.pool(in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if p.ResourceServers[in.Identifier] != nil {
		return nil, errf(excInvalidParameter, "%s already exists in user pool %s.", in.Identifier, p.ID)
	}
	rs := &resourceServer{Identifier: in.Identifier, Name: in.Name, Scopes: in.Scopes}
	p.ResourceServers[rs.Identifier] = rs
	s.markChanged()
	return map[string]any{"ResourceServer": toResourceServerType(p, rs)}, nil
}

type resourceServerInput struct {
	UserPoolId string `json:"UserPoolId"`
	Identifier string `json:"Identifier"`
}

func (s *Service) withResourceServer(in resourceServerInput, fn func(p *pool, rs *resourceServer) (any, error)) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.pool(in.UserPoolId)
	if err != nil {
		return nil, err
	}
	rs := p.ResourceServers[in.Identifier]
	if rs == nil {
		return nil, errf(excResourceNotFound, "Resource server %s does not exist.", in.Identifier)
	}
	return fn(p, rs)
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
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.pool(in.UserPoolId)
	if err != nil {
		return nil, err
	}
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
}
