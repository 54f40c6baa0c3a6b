package cognito

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cogscope/cogscope/internal/lazyregexp"
)

// This file is identity providers on a pool (CreateIdentityProvider and
// friends over the JSON protocol) and federated sign-in: the Go API the
// hosted UI calls once an upstream OIDC or SAML provider has vouched for a
// user (FederatedSignIn), which maps attributes and creates or links the
// <Provider>_<id> user as Cognito does.

// identityProvider is a pool's federated IdP.
type identityProvider struct {
	Name        string            `json:"name"`
	Type        string            `json:"type"` // SAML, OIDC, Google, Facebook, LoginWithAmazon, SignInWithApple
	Details     map[string]string `json:"details,omitempty"`
	Mapping     map[string]string `json:"attributeMapping,omitempty"`
	Identifiers []string          `json:"idpIdentifiers,omitempty"`
	Created     time.Time         `json:"created"`
	Modified    time.Time         `json:"modified"`
}

// providerTypes are the ProviderType enum of the service model.
var providerTypes = []string{"SAML", "Facebook", "Google", "LoginWithAmazon", "SignInWithApple", "OIDC"}

// Provider-name and identifier patterns of the service model
// (CreateIdentityProvider.ProviderName, IdpIdentifiers).
var (
	providerNamePattern = lazyregexp.New(`^[^_\p{Z}][\p{L}\p{M}\p{S}\p{N}\p{P}][^_\p{Z}]+$`)
	idpIdentifierRegexp = lazyregexp.New(`^[\w\s+=.@-]+$`)
)

// Messages of the identity-provider operations. Unconfirmed wording: the
// exception types are the service model's, the texts are ours.
const (
	excDuplicateProvider = "DuplicateProviderException"
)

func errProviderNotFound(name string) error {
	return errf(excResourceNotFound, "Identity provider %s does not exist.", name)
}

type identityProviderType struct {
	UserPoolId       string            `json:"UserPoolId"`
	ProviderName     string            `json:"ProviderName"`
	ProviderType     string            `json:"ProviderType"`
	ProviderDetails  map[string]string `json:"ProviderDetails"`
	AttributeMapping map[string]string `json:"AttributeMapping,omitempty"`
	IdpIdentifiers   []string          `json:"IdpIdentifiers,omitempty"`
	LastModifiedDate *epoch            `json:"LastModifiedDate"`
	CreationDate     *epoch            `json:"CreationDate"`
}

func toIdentityProviderType(p *pool, ip *identityProvider) identityProviderType {
	details := map[string]string{}
	for k, v := range ip.Details {
		details[k] = v
	}
	return identityProviderType{UserPoolId: p.ID, ProviderName: ip.Name, ProviderType: ip.Type, ProviderDetails: details,
		AttributeMapping: ip.Mapping, IdpIdentifiers: ip.Identifiers,
		LastModifiedDate: epochPtr(ip.Modified), CreationDate: epochPtr(ip.Created)}
}

// checkProviderDetails enforces the ProviderDetails keys each type needs
// (per the CreateIdentityProvider reference).
func checkProviderDetails(typ string, d map[string]string) error {
	var required []string
	switch typ {
	case "OIDC":
		required = []string{"client_id", "authorize_scopes", "oidc_issuer", "attributes_request_method"}
		if m := d["attributes_request_method"]; m != "" && m != "GET" && m != "POST" {
			return newErr(excInvalidParameter, "attributes_request_method must be GET or POST")
		}
	case "SAML":
		if d["MetadataFile"] == "" && d["MetadataURL"] == "" {
			return newErr(excInvalidParameter, "Either MetadataFile or MetadataURL is required for a SAML provider")
		}
		// Cognito takes rsa-sha256 only; IDPSignout and the other flags
		// are "true" or "false". (The messages are ours.)
		if a := d["RequestSigningAlgorithm"]; a != "" && a != "rsa-sha256" {
			return errf(excInvalidParameter, "RequestSigningAlgorithm %s is not supported: use rsa-sha256", a)
		}
		for _, k := range []string{"IDPSignout", "IDPInit", "EncryptedResponses"} {
			if v := d[k]; v != "" && v != "true" && v != "false" {
				return errf(excInvalidParameter, "%s must be true or false", k)
			}
		}
	case "Google", "Facebook", "LoginWithAmazon":
		required = []string{"client_id", "client_secret", "authorize_scopes"}
	case "SignInWithApple":
		required = []string{"client_id", "team_id", "key_id", "private_key", "authorize_scopes"}
	}
	for _, k := range required {
		if d[k] == "" {
			return errf(excInvalidParameter, "%s is required for a %s provider", k, typ)
		}
	}
	return nil
}

// defaultMapping is what Cognito maps when AttributeMapping leaves the
// user id out: OIDC and the social providers map username from sub (id
// for Facebook and Amazon's user_id); SAML uses the NameID.
func defaultMapping(typ string) map[string]string {
	switch typ {
	case "OIDC", "Google", "SignInWithApple":
		return map[string]string{"username": "sub"}
	case "Facebook":
		return map[string]string{"username": "id"}
	case "LoginWithAmazon":
		return map[string]string{"username": "user_id"}
	}
	return nil
}

type idpInput struct {
	UserPoolId       string            `json:"UserPoolId"`
	ProviderName     string            `json:"ProviderName"`
	ProviderType     string            `json:"ProviderType"`
	ProviderDetails  map[string]string `json:"ProviderDetails"`
	AttributeMapping map[string]string `json:"AttributeMapping"`
	IdpIdentifiers   *[]string         `json:"IdpIdentifiers"`
	IdpIdentifier    string            `json:"IdpIdentifier"`
	MaxResults       int               `json:"MaxResults"`
	NextToken        string            `json:"NextToken"`
}

// checkIdentifiers validates IdpIdentifiers and that no other provider of
// the pool uses one of them.
func checkIdentifiers(p *pool, self string, ids []string) error {
	if len(ids) > 50 {
		return newErr(excInvalidParameter, "IdpIdentifiers may list at most 50 identifiers")
	}
	for _, id := range ids {
		if len(id) < 1 || len(id) > 40 || !idpIdentifierRegexp.MatchString(id) {
			return validationError([]violation{{member: "idpIdentifiers", value: &id,
				rule: "Member must satisfy regular expression pattern: [\\w\\s+=.@-]+ and length 1-40"}})
		}
		for _, other := range p.IdentityProviders {
			if other.Name != self && contains(other.Identifiers, id) {
				return errf(excDuplicateProvider, "Identifier %s is already used by identity provider %s.", id, other.Name)
			}
		}
	}
	return nil
}

func opCreateIdentityProvider(s *Service, c *call) (any, error) {
	var in idpInput
	if err := c.decode(&in, "UserPoolId", "ProviderName", "ProviderType", "ProviderDetails"); err != nil {
		return nil, err
	}
	if err := checkName("ProviderName", in.ProviderName, 32); err != nil {
		return nil, err
	}
	if !providerNamePattern.MatchString(in.ProviderName) {
		return nil, validationError([]violation{{member: "providerName", value: &in.ProviderName,
			rule: "Member must satisfy regular expression pattern: [^_\\p{Z}][\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}][^_\\p{Z}]+"}})
	}
	if !contains(providerTypes, in.ProviderType) {
		return nil, validationError([]violation{{member: "providerType", value: &in.ProviderType,
			rule: "Member must satisfy enum value set: [" + strings.Join(providerTypes, ", ") + "]"}})
	}
	if in.ProviderName == "COGNITO" {
		return nil, newErr(excInvalidParameter, "COGNITO is a reserved provider name")
	}
	if err := checkProviderDetails(in.ProviderType, in.ProviderDetails); err != nil {
		return nil, err
	}
	return s.withPool(in.UserPoolId, func(p *pool) (any, error) {
		if p.IdentityProviders == nil {
			p.IdentityProviders = map[string]*identityProvider{}
		}
		if p.IdentityProviders[in.ProviderName] != nil {
			return nil, errf(excDuplicateProvider, "A provider with the name %s already exists in this user pool.", in.ProviderName)
		}
		var ids []string
		if in.IdpIdentifiers != nil {
			ids = *in.IdpIdentifiers
		}
		if err := checkIdentifiers(p, in.ProviderName, ids); err != nil {
			return nil, err
		}
		if err := checkMapping(p, in.AttributeMapping); err != nil {
			return nil, err
		}
		now := s.now().UTC().Truncate(time.Millisecond)
		ip := &identityProvider{Name: in.ProviderName, Type: in.ProviderType, Details: copyMap(in.ProviderDetails),
			Mapping: copyMap(in.AttributeMapping), Identifiers: clone(ids), Created: now, Modified: now}
		if ip.Mapping == nil {
			ip.Mapping = defaultMapping(ip.Type)
		} else if _, ok := ip.Mapping["username"]; !ok {
			for k, v := range defaultMapping(ip.Type) {
				ip.Mapping[k] = v
			}
		}
		p.IdentityProviders[ip.Name] = ip
		s.markChanged()
		return map[string]any{"IdentityProvider": toIdentityProviderType(p, ip)}, nil
	})
}

// checkMapping refuses mappings to attributes the pool does not have.
func checkMapping(p *pool, m map[string]string) error {
	for name := range m {
		if name == "username" || isStandardAttribute(name) || customAttributeOf(p, name) != nil {
			continue
		}
		return errf(excInvalidParameter, "Invalid attribute mapping: %s is not an attribute of the user pool.", name)
	}
	return nil
}

func customAttributeOf(p *pool, name string) *customAttribute {
	short, ok := strings.CutPrefix(name, "custom:")
	if !ok {
		return nil
	}
	for i := range p.CustomAttributes {
		if p.CustomAttributes[i].Name == short {
			return &p.CustomAttributes[i]
		}
	}
	return nil
}

func copyMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (s *Service) withProvider(in idpInput, fn func(p *pool, ip *identityProvider) (any, error)) (any, error) {
	return s.withPool(in.UserPoolId, func(p *pool) (any, error) {
		ip := p.IdentityProviders[in.ProviderName]
		if ip == nil {
			return nil, errProviderNotFound(in.ProviderName)
		}
		return fn(p, ip)
	})
}

func opDescribeIdentityProvider(s *Service, c *call) (any, error) {
	var in idpInput
	if err := c.decode(&in, "UserPoolId", "ProviderName"); err != nil {
		return nil, err
	}
	return s.withProvider(in, func(p *pool, ip *identityProvider) (any, error) {
		return map[string]any{"IdentityProvider": toIdentityProviderType(p, ip)}, nil
	})
}

func opGetIdentityProviderByIdentifier(s *Service, c *call) (any, error) {
	var in idpInput
	if err := c.decode(&in, "UserPoolId", "IdpIdentifier"); err != nil {
		return nil, err
	}
	return s.withPool(in.UserPoolId, func(p *pool) (any, error) {
		ip := p.providerByIdentifier(in.IdpIdentifier)
		if ip == nil {
			return nil, errf(excResourceNotFound, "No identity provider has the identifier %s.", in.IdpIdentifier)
		}
		return map[string]any{"IdentityProvider": toIdentityProviderType(p, ip)}, nil
	})
}

func (p *pool) providerByIdentifier(id string) *identityProvider {
	for _, name := range p.providerNames() {
		if ip := p.IdentityProviders[name]; contains(ip.Identifiers, id) {
			return ip
		}
	}
	return nil
}

func (p *pool) providerNames() []string {
	names := make([]string, 0, len(p.IdentityProviders))
	for n := range p.IdentityProviders {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func opListIdentityProviders(s *Service, c *call) (any, error) {
	var in idpInput
	if err := c.decode(&in, "UserPoolId"); err != nil {
		return nil, err
	}
	if in.MaxResults < 0 || in.MaxResults > 60 {
		return nil, validationError([]violation{{member: "maxResults", value: ptr(strconv.Itoa(in.MaxResults)),
			rule: "Member must have value less than or equal to 60"}})
	}
	return s.withPool(in.UserPoolId, func(p *pool) (any, error) {
		names := p.providerNames()
		start := 0
		if in.NextToken != "" {
			i, err := strconv.Atoi(in.NextToken)
			if err != nil || i < 0 || i > len(names) {
				return nil, newErr(excInvalidParameter, "Invalid NextToken")
			}
			start = i
		}
		limit := in.MaxResults
		if limit == 0 {
			limit = 60
		}
		type desc struct {
			ProviderName     string `json:"ProviderName"`
			ProviderType     string `json:"ProviderType"`
			LastModifiedDate *epoch `json:"LastModifiedDate"`
			CreationDate     *epoch `json:"CreationDate"`
		}
		out := map[string]any{}
		list := []desc{}
		for i := start; i < len(names) && len(list) < limit; i++ {
			ip := p.IdentityProviders[names[i]]
			list = append(list, desc{ip.Name, ip.Type, epochPtr(ip.Modified), epochPtr(ip.Created)})
			if len(list) == limit && i+1 < len(names) {
				out["NextToken"] = strconv.Itoa(i + 1)
			}
		}
		out["Providers"] = list
		return out, nil
	})
}

func ptr(s string) *string { return &s }

func opUpdateIdentityProvider(s *Service, c *call) (any, error) {
	var in idpInput
	if err := c.decode(&in, "UserPoolId", "ProviderName"); err != nil {
		return nil, err
	}
	return s.withProvider(in, func(p *pool, ip *identityProvider) (any, error) {
		if in.ProviderDetails != nil {
			if err := checkProviderDetails(ip.Type, in.ProviderDetails); err != nil {
				return nil, err
			}
		}
		if in.IdpIdentifiers != nil {
			if err := checkIdentifiers(p, ip.Name, *in.IdpIdentifiers); err != nil {
				return nil, err
			}
		}
		if in.AttributeMapping != nil {
			if err := checkMapping(p, in.AttributeMapping); err != nil {
				return nil, err
			}
		}
		if in.ProviderDetails != nil {
			ip.Details = copyMap(in.ProviderDetails)
		}
		if in.IdpIdentifiers != nil {
			ip.Identifiers = clone(*in.IdpIdentifiers)
		}
		if in.AttributeMapping != nil {
			ip.Mapping = copyMap(in.AttributeMapping)
			if _, ok := ip.Mapping["username"]; !ok {
				for k, v := range defaultMapping(ip.Type) {
					ip.Mapping[k] = v
				}
			}
		}
		ip.Modified = s.now().UTC().Truncate(time.Millisecond)
		s.markChanged()
		return map[string]any{"IdentityProvider": toIdentityProviderType(p, ip)}, nil
	})
}

func opDeleteIdentityProvider(s *Service, c *call) (any, error) {
	var in idpInput
	if err := c.decode(&in, "UserPoolId", "ProviderName"); err != nil {
		return nil, err
	}
	return s.withProvider(in, func(p *pool, ip *identityProvider) (any, error) {
		delete(p.IdentityProviders, ip.Name)
		for _, cl := range p.Clients {
			// Cognito refuses to delete a provider an app client still
			// names (UnsupportedIdentityProviderException is for
			// authorize); the local stack unlinks it instead.
			cl.SupportedIdentityProviders = removeString(cl.SupportedIdentityProviders, ip.Name)
		}
		s.markChanged()
		return map[string]any{}, nil
	})
}

func removeString(list []string, s string) []string {
	out := list[:0:0]
	for _, v := range list {
		if v != s {
			out = append(out, v)
		}
	}
	return out
}

// HostedIdentityProvider is a pool's identity provider as the hosted UI
// needs it.
type HostedIdentityProvider struct {
	Name, Type       string
	Details          map[string]string
	AttributeMapping map[string]string
	Identifiers      []string
}

func toHosted(ip *identityProvider) HostedIdentityProvider {
	return HostedIdentityProvider{Name: ip.Name, Type: ip.Type, Details: copyMap(ip.Details),
		AttributeMapping: copyMap(ip.Mapping), Identifiers: clone(ip.Identifiers)}
}

// IdentityProvider returns a pool's provider by name
// (ResourceNotFoundException when it has none of that name).
func (s *Service) IdentityProvider(poolID, name string) (HostedIdentityProvider, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.pool(poolID)
	if err != nil {
		return HostedIdentityProvider{}, err
	}
	ip := p.IdentityProviders[name]
	if ip == nil {
		return HostedIdentityProvider{}, errProviderNotFound(name)
	}
	return toHosted(ip), nil
}

// IdentityProviderByIdentifier returns the pool's provider that lists id
// among its IdpIdentifiers.
func (s *Service) IdentityProviderByIdentifier(poolID, id string) (HostedIdentityProvider, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.pool(poolID)
	if err != nil {
		return HostedIdentityProvider{}, err
	}
	ip := p.providerByIdentifier(id)
	if ip == nil {
		return HostedIdentityProvider{}, errf(excResourceNotFound, "No identity provider has the identifier %s.", id)
	}
	return toHosted(ip), nil
}

// IdentityProviders lists a pool's providers by name.
func (s *Service) IdentityProviders(poolID string) []HostedIdentityProvider {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.Pools[poolID]
	if p == nil {
		return nil
	}
	out := []HostedIdentityProvider{}
	for _, n := range p.providerNames() {
		out = append(out, toHosted(p.IdentityProviders[n]))
	}
	return out
}

// statusExternal is a federated user's UserStatus.
const statusExternal = "EXTERNAL_PROVIDER"

// FederatedIdentity is a user an upstream provider vouched for.
type FederatedIdentity struct {
	Provider string // the provider's name in the pool
	// Subject is the user's id at the provider when the mapping does not
	// name one (the SAML NameID; OIDC maps username from sub).
	Subject string
	// Issuer is the SAML IdP's entity id ("" for OIDC: Cognito writes
	// null there).
	Issuer string
	// Claims are the provider's claims or SAML attributes, by their
	// upstream names, as strings.
	Claims map[string]string
}

// FederationError is a federated sign-in Cognito refuses: the hosted UI
// redirects to the app with error=Code and error_description=Description.
type FederationError struct{ Code, Description string }

func (e *FederationError) Error() string { return e.Code + ": " + e.Description }

// FederatedSignIn maps a federated identity onto the pool as Cognito does:
// the user is <Provider>_<id> with status EXTERNAL_PROVIDER, its mapped
// attributes are written on every sign-in (required attributes must come
// from the provider, immutable ones may not change), its identities
// attribute names the provider, and it is in the group
// <poolId>_<Provider>, which is created on the first sign-in. Errors are
// *FederationError; the descriptions are Cognito's words where known
// (see the hostedui package doc for which are unconfirmed).
func (s *Service) FederatedSignIn(poolID string, fi FederatedIdentity) (*HostedSignIn, error) {
	defer s.notify()
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.pool(poolID)
	if err != nil {
		return nil, err
	}
	ip := p.IdentityProviders[fi.Provider]
	if ip == nil {
		return nil, &FederationError{"invalid_request", "Identity provider " + fi.Provider + " does not exist."}
	}
	userID := fi.Subject
	attrs := map[string]string{}
	for poolAttr, upstream := range ip.Mapping {
		v, ok := fi.Claims[upstream]
		if !ok {
			continue
		}
		if poolAttr == "username" {
			userID = v
			continue
		}
		attrs[poolAttr] = v
	}
	if userID == "" {
		return nil, &FederationError{"invalid_request", "Invalid user attributes: username: the provider sent no user id"}
	}
	for name, v := range attrs {
		if !isStandardAttribute(name) && customAttributeOf(p, name) == nil {
			return nil, &FederationError{"invalid_request", "Invalid user attributes: Type for attribute {" + name + "} could not be determined"}
		}
		if (name == "email_verified" || name == "phone_number_verified") && v != "true" && v != "false" {
			attrs[name] = strconv.FormatBool(strings.EqualFold(v, "true"))
		}
	}
	username := ip.Name + "_" + userID
	u := p.Users[p.userKey(username)]
	for _, req := range p.RequiredAttributes {
		if attrs[req] == "" && (u == nil || u.Attributes[req] == "") {
			return nil, &FederationError{"invalid_request", "Invalid user attributes: " + req + ": Attribute is required."}
		}
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	if u != nil {
		for name, v := range attrs {
			if ca := customAttributeOf(p, name); ca != nil && !ca.Mutable && u.Attributes[name] != "" && u.Attributes[name] != v {
				return nil, &FederationError{"invalid_request", "Invalid user attributes: " + name + ": Attribute cannot be updated. (changing an immutable attribute)"}
			}
		}
	} else {
		u = &user{Username: username, Sub: uuid.NewString(), Attributes: map[string]string{}, Status: statusExternal,
			Enabled: true, Created: now, Modified: now}
		ident := []map[string]any{{"userId": userID, "providerName": ip.Name, "providerType": ip.Type,
			"issuer": nullable(fi.Issuer), "primary": "true", "dateCreated": strconv.FormatInt(now.UnixMilli(), 10)}}
		b, err := json.Marshal(ident)
		if err != nil {
			return nil, err
		}
		u.Attributes["identities"] = string(b)
		p.Users[p.userKey(username)] = u
		p.bySub[u.Sub] = u
	}
	if !u.Enabled {
		return nil, &FederationError{"invalid_request", msgUserDisabled}
	}
	for name, v := range attrs {
		u.Attributes[name] = v
	}
	u.Modified = now
	groupName := p.ID + "_" + ip.Name
	if p.Groups[groupName] == nil {
		p.Groups[groupName] = &group{Name: groupName, Description: "Autogenerated group for users who sign in using " + ip.Name,
			Created: now, Modified: now}
	}
	if !contains(u.Groups, groupName) {
		u.Groups = append(u.Groups, groupName)
	}
	s.markChanged()
	return &HostedSignIn{Username: u.Username, Sub: u.Sub, AuthTime: s.now()}, nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// seedIdentityProvider creates a seed's provider unless the pool has one
// of that name; s.mu held.
func (s *Service) seedIdentityProvider(p *pool, is IdentityProviderSeed) error {
	if p.IdentityProviders[is.Name] != nil {
		return nil
	}
	if is.Name == "" || !providerNamePattern.MatchString(is.Name) || len(is.Name) > 32 {
		return fmt.Errorf("a provider needs a name of 3 to 32 characters without _ or spaces")
	}
	if !contains(providerTypes, is.Type) {
		return fmt.Errorf("type %q is not one of %s", is.Type, strings.Join(providerTypes, ", "))
	}
	if err := checkProviderDetails(is.Type, is.Details); err != nil {
		return err
	}
	if err := checkIdentifiers(p, is.Name, is.Identifiers); err != nil {
		return err
	}
	if err := checkMapping(p, is.AttributeMapping); err != nil {
		return err
	}
	if p.IdentityProviders == nil {
		p.IdentityProviders = map[string]*identityProvider{}
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	ip := &identityProvider{Name: is.Name, Type: is.Type, Details: copyMap(is.Details), Mapping: copyMap(is.AttributeMapping),
		Identifiers: clone(is.Identifiers), Created: now, Modified: now}
	if ip.Mapping == nil {
		ip.Mapping = map[string]string{}
	}
	if _, ok := ip.Mapping["username"]; !ok {
		for k, v := range defaultMapping(ip.Type) {
			ip.Mapping[k] = v
		}
	}
	p.IdentityProviders[ip.Name] = ip
	s.markChanged()
	return nil
}

// PoolUser is a user of a pool as a built-in identity provider vouches
// for it.
type PoolUser struct {
	Username, Sub string
	Attributes    map[string]string
}

// VerifyPassword checks a pool user's password for the local stack's
// built-in SAML identity provider (not a Cognito feature): the errors are
// the JSON API's (NotAuthorizedException "Incorrect username or
// password.", UserNotConfirmedException, a disabled user).
func (s *Service) VerifyPassword(poolID, username, password string) (PoolUser, error) {
	s.mu.Lock()
	p, err := s.pool(poolID)
	if err != nil {
		s.mu.Unlock()
		return PoolUser{}, err
	}
	u := p.lookupUser(username)
	if u == nil {
		s.mu.Unlock()
		return PoolUser{}, errIncorrectCredentials()
	}
	pu := PoolUser{Username: u.Username, Sub: u.Sub, Attributes: copyMap(u.Attributes)}
	salt, verifier, status, enabled := u.Salt, u.Verifier, u.Status, u.Enabled
	s.mu.Unlock()
	if !checkPassword(poolID, pu.Username, password, salt, verifier) {
		return PoolUser{}, errIncorrectCredentials()
	}
	switch {
	case !enabled:
		return PoolUser{}, newErr(excNotAuthorized, msgUserDisabled)
	case status == statusUnconfirmed:
		return PoolUser{}, newErr(excUserNotConfirmed, msgUserNotConfirmed)
	}
	return pu, nil
}
