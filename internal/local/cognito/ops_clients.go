package cognito

import (
	"sort"
	"strings"
	"time"
)

type tokenValidityUnitsType struct {
	AccessToken  string `json:"AccessToken,omitempty"`
	IdToken      string `json:"IdToken,omitempty"`
	RefreshToken string `json:"RefreshToken,omitempty"`
}

type rotationType struct {
	Feature                 string `json:"Feature"`
	RetryGracePeriodSeconds int    `json:"RetryGracePeriodSeconds"`
}

type userPoolClientType struct {
	UserPoolId                               string                 `json:"UserPoolId"`
	ClientName                               string                 `json:"ClientName"`
	ClientId                                 string                 `json:"ClientId"`
	ClientSecret                             string                 `json:"ClientSecret,omitempty"`
	LastModifiedDate                         *epoch                 `json:"LastModifiedDate"`
	CreationDate                             *epoch                 `json:"CreationDate"`
	RefreshTokenValidity                     int                    `json:"RefreshTokenValidity"`
	AccessTokenValidity                      int                    `json:"AccessTokenValidity"`
	IdTokenValidity                          int                    `json:"IdTokenValidity"`
	TokenValidityUnits                       tokenValidityUnitsType `json:"TokenValidityUnits"`
	ReadAttributes                           []string               `json:"ReadAttributes,omitempty"`
	WriteAttributes                          []string               `json:"WriteAttributes,omitempty"`
	ExplicitAuthFlows                        []string               `json:"ExplicitAuthFlows,omitempty"`
	SupportedIdentityProviders               []string               `json:"SupportedIdentityProviders,omitempty"`
	CallbackURLs                             []string               `json:"CallbackURLs,omitempty"`
	LogoutURLs                               []string               `json:"LogoutURLs,omitempty"`
	DefaultRedirectURI                       string                 `json:"DefaultRedirectURI,omitempty"`
	AllowedOAuthFlows                        []string               `json:"AllowedOAuthFlows,omitempty"`
	AllowedOAuthScopes                       []string               `json:"AllowedOAuthScopes,omitempty"`
	AllowedOAuthFlowsUserPoolClient          bool                   `json:"AllowedOAuthFlowsUserPoolClient"`
	PreventUserExistenceErrors               string                 `json:"PreventUserExistenceErrors,omitempty"`
	EnableTokenRevocation                    bool                   `json:"EnableTokenRevocation"`
	EnablePropagateAdditionalUserContextData bool                   `json:"EnablePropagateAdditionalUserContextData"`
	AuthSessionValidity                      int                    `json:"AuthSessionValidity"`
	RefreshTokenRotation                     *rotationType          `json:"RefreshTokenRotation,omitempty"`
}

func clientType(c *client) userPoolClientType {
	out := userPoolClientType{
		UserPoolId: c.PoolID, ClientName: c.Name, ClientId: c.ClientID, ClientSecret: c.Secret,
		LastModifiedDate: epochPtr(c.Modified), CreationDate: epochPtr(c.Created),
		RefreshTokenValidity: c.RefreshTokenValidity, AccessTokenValidity: c.AccessTokenValidity, IdTokenValidity: c.IDTokenValidity,
		TokenValidityUnits: tokenValidityUnitsType{AccessToken: c.Units.AccessToken, IdToken: c.Units.IDToken, RefreshToken: c.Units.RefreshToken},
		ReadAttributes:     c.ReadAttributes, WriteAttributes: c.WriteAttributes, ExplicitAuthFlows: c.ExplicitAuthFlows,
		SupportedIdentityProviders: c.SupportedIdentityProviders, CallbackURLs: c.CallbackURLs, LogoutURLs: c.LogoutURLs,
		DefaultRedirectURI: c.DefaultRedirectURI, AllowedOAuthFlows: c.AllowedOAuthFlows, AllowedOAuthScopes: c.AllowedOAuthScopes,
		AllowedOAuthFlowsUserPoolClient: c.AllowedOAuthFlowsUserPoolClient, PreventUserExistenceErrors: c.PreventUserExistenceErrors,
		EnableTokenRevocation: c.EnableTokenRevocation, EnablePropagateAdditionalUserContextData: c.EnablePropagateUserContext,
		AuthSessionValidity: c.AuthSessionValidity,
	}
	if c.RefreshTokenRotation != nil {
		out.RefreshTokenRotation = &rotationType{Feature: c.RefreshTokenRotation.Feature, RetryGracePeriodSeconds: c.RefreshTokenRotation.RetryGracePeriodSeconds}
	}
	return out
}

// clientConfigInput is the settings part shared by CreateUserPoolClient and
// UpdateUserPoolClient.
type clientConfigInput struct {
	ClientName                               string                  `json:"ClientName"`
	RefreshTokenValidity                     *int                    `json:"RefreshTokenValidity"`
	AccessTokenValidity                      *int                    `json:"AccessTokenValidity"`
	IdTokenValidity                          *int                    `json:"IdTokenValidity"`
	TokenValidityUnits                       *tokenValidityUnitsType `json:"TokenValidityUnits"`
	ReadAttributes                           []string                `json:"ReadAttributes"`
	WriteAttributes                          []string                `json:"WriteAttributes"`
	ExplicitAuthFlows                        []string                `json:"ExplicitAuthFlows"`
	SupportedIdentityProviders               []string                `json:"SupportedIdentityProviders"`
	CallbackURLs                             []string                `json:"CallbackURLs"`
	LogoutURLs                               []string                `json:"LogoutURLs"`
	DefaultRedirectURI                       string                  `json:"DefaultRedirectURI"`
	AllowedOAuthFlows                        []string                `json:"AllowedOAuthFlows"`
	AllowedOAuthScopes                       []string                `json:"AllowedOAuthScopes"`
	AllowedOAuthFlowsUserPoolClient          bool                    `json:"AllowedOAuthFlowsUserPoolClient"`
	PreventUserExistenceErrors               string                  `json:"PreventUserExistenceErrors"`
	EnableTokenRevocation                    *bool                   `json:"EnableTokenRevocation"`
	EnablePropagateAdditionalUserContextData bool                    `json:"EnablePropagateAdditionalUserContextData"`
	AuthSessionValidity                      *int                    `json:"AuthSessionValidity"`
	RefreshTokenRotation                     *rotationType           `json:"RefreshTokenRotation"`
}

var (
	authFlowValues = []string{"ADMIN_NO_SRP_AUTH", "CUSTOM_AUTH_FLOW_ONLY", "USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH",
		"ALLOW_CUSTOM_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_AUTH"}
	oauthFlowValues = []string{"code", "implicit", "client_credentials"}
	unitValues      = []string{"seconds", "minutes", "hours", "days"}
	standardScopes  = []string{"phone", "email", "openid", "profile", "aws.cognito.signin.user.admin"}
)

// apply validates the settings and copies them onto c; p is c's pool
// (for scopes and identity providers). s.mu must be held.
func (in *clientConfigInput) apply(p *pool, c *client) error {
	var vs []violation
	for _, f := range in.ExplicitAuthFlows {
		if !contains(authFlowValues, f) {
			vs = append(vs, enumViolation("ExplicitAuthFlows", f, authFlowValues))
		}
	}
	for _, f := range in.AllowedOAuthFlows {
		if !contains(oauthFlowValues, f) {
			vs = append(vs, enumViolation("AllowedOAuthFlows", f, oauthFlowValues))
		}
	}
	if in.PreventUserExistenceErrors != "" && in.PreventUserExistenceErrors != "ENABLED" && in.PreventUserExistenceErrors != "LEGACY" {
		vs = append(vs, enumViolation("PreventUserExistenceErrors", in.PreventUserExistenceErrors, []string{"LEGACY", "ENABLED"}))
	}
	units := tokenUnits{AccessToken: "hours", IDToken: "hours", RefreshToken: "days"}
	if u := in.TokenValidityUnits; u != nil {
		for _, x := range []struct {
			member, v string
			dst       *string
		}{{"TokenValidityUnits.AccessToken", u.AccessToken, &units.AccessToken},
			{"TokenValidityUnits.IdToken", u.IdToken, &units.IDToken},
			{"TokenValidityUnits.RefreshToken", u.RefreshToken, &units.RefreshToken}} {
			if x.v == "" {
				continue
			}
			if !contains(unitValues, x.v) {
				vs = append(vs, enumViolation(x.member, x.v, unitValues))
			}
			*x.dst = x.v
		}
	}
	if err := validationError(vs); err != nil {
		return err
	}
	if hasLegacyFlow(in.ExplicitAuthFlows) {
		for _, f := range in.ExplicitAuthFlows {
			if strings.HasPrefix(f, "ALLOW_") {
				return newErr(excInvalidParameter, "ExplicitAuthFlows cannot combine legacy values with ALLOW_ values")
			}
		}
	}
	// Like Cognito's UpdateUserPoolClient, an omitted setting takes its
	// default rather than keeping its old value. A validity without units
	// is in the API's default unit (hours, hours, days).
	nc := *c
	nc.AccessTokenValidity, nc.Units.AccessToken = validity(in.AccessTokenValidity, units.AccessToken, 60, "minutes")
	nc.IDTokenValidity, nc.Units.IDToken = validity(in.IdTokenValidity, units.IDToken, 60, "minutes")
	nc.RefreshTokenValidity, nc.Units.RefreshToken = validity(in.RefreshTokenValidity, units.RefreshToken, 30, "days")
	if nc.accessTTL() < 5*time.Minute || nc.accessTTL() > 24*time.Hour ||
		nc.idTTL() < 5*time.Minute || nc.idTTL() > 24*time.Hour ||
		(nc.refreshTTL() != 0 && (nc.refreshTTL() < time.Hour || nc.refreshTTL() > 3650*24*time.Hour)) {
		return newErr(excInvalidParameter, "Invalid range for token validity.")
	}
	if nc.RefreshTokenValidity == 0 {
		nc.RefreshTokenValidity, nc.Units.RefreshToken = 30, "days"
	}
	nc.AuthSessionValidity = 3
	if in.AuthSessionValidity != nil {
		if err := checkRange("AuthSessionValidity", *in.AuthSessionValidity, 3, 15); err != nil {
			return err
		}
		nc.AuthSessionValidity = *in.AuthSessionValidity
	}
	nc.RefreshTokenRotation = nil
	if r := in.RefreshTokenRotation; r != nil {
		if r.Feature != "ENABLED" && r.Feature != "DISABLED" {
			return validationError([]violation{enumViolation("RefreshTokenRotation.Feature", r.Feature, []string{"ENABLED", "DISABLED"})})
		}
		if err := checkRange("RefreshTokenRotation.RetryGracePeriodSeconds", r.RetryGracePeriodSeconds, 0, 60); err != nil {
			return err
		}
		nc.RefreshTokenRotation = &rotation{Feature: r.Feature, RetryGracePeriodSeconds: r.RetryGracePeriodSeconds}
	}
	for _, idp := range in.SupportedIdentityProviders {
		if idp != "COGNITO" {
			return errf(excInvalidParameter, "The provider %s does not exist for User Pool %s", idp, p.ID)
		}
	}
	for _, sc := range in.AllowedOAuthScopes {
		if !contains(standardScopes, sc) && !p.hasCustomScope(sc) {
			return errf("ScopeDoesNotExistException", "Invalid scope requested: %s", sc)
		}
	}
	if contains(in.AllowedOAuthFlows, "client_credentials") && c.Secret == "" {
		return newErr("InvalidOAuthFlowException", "client_credentials flow can not be selected if client does not have a client secret.")
	}
	if in.DefaultRedirectURI != "" && !contains(in.CallbackURLs, in.DefaultRedirectURI) {
		return newErr(excInvalidParameter, "DefaultRedirectURI must be one of the CallbackURLs")
	}
	if in.ClientName != "" {
		nc.Name = in.ClientName
	}
	nc.ExplicitAuthFlows = defaultAuthFlows
	if in.ExplicitAuthFlows != nil {
		nc.ExplicitAuthFlows = in.ExplicitAuthFlows
	}
	nc.ReadAttributes, nc.WriteAttributes = in.ReadAttributes, in.WriteAttributes
	nc.SupportedIdentityProviders, nc.CallbackURLs, nc.LogoutURLs = in.SupportedIdentityProviders, in.CallbackURLs, in.LogoutURLs
	nc.DefaultRedirectURI, nc.AllowedOAuthFlows, nc.AllowedOAuthScopes = in.DefaultRedirectURI, in.AllowedOAuthFlows, in.AllowedOAuthScopes
	nc.AllowedOAuthFlowsUserPoolClient = in.AllowedOAuthFlowsUserPoolClient
	nc.PreventUserExistenceErrors = orDefault(in.PreventUserExistenceErrors, "LEGACY")
	nc.EnableTokenRevocation = true
	if in.EnableTokenRevocation != nil {
		nc.EnableTokenRevocation = *in.EnableTokenRevocation
	}
	nc.EnablePropagateUserContext = in.EnablePropagateAdditionalUserContextData
	*c = nc
	return nil
}

func validity(v *int, unit string, def int, defUnit string) (int, string) {
	if v == nil {
		return def, defUnit
	}
	return *v, unit
}

func (p *pool) hasCustomScope(full string) bool {
	id, name, ok := cutLast(full, "/")
	if !ok {
		return false
	}
	rs := p.ResourceServers[id]
	if rs == nil {
		return false
	}
	for _, sc := range rs.Scopes {
		if sc.Name == name {
			return true
		}
	}
	return false
}

func cutLast(s, sep string) (string, string, bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

func opCreateUserPoolClient(s *Service, c *call) (any, error) {
	var in struct {
		UserPoolId     string `json:"UserPoolId"`
		GenerateSecret bool   `json:"GenerateSecret"`
		clientConfigInput
	}
	if err := c.decode(&in, "UserPoolId", "ClientName"); err != nil {
		return nil, err
	}
	if err := checkName("ClientName", in.ClientName, 128); err != nil {
		return nil, err
	}
	return s.withPool(in.UserPoolId, func(p *pool) (any, error) {
		cl := s.newClient(p.ID, "", in.ClientName)
		if in.GenerateSecret {
			cl.Secret = newClientSecret()
		}
		if err := in.clientConfigInput.apply(p, cl); err != nil {
			return nil, err
		}
		if err := s.insertClient(p, cl); err != nil {
			return nil, err
		}
		return map[string]any{"UserPoolClient": clientType(cl)}, nil
	})
}

type poolClientInput struct {
	UserPoolId string `json:"UserPoolId"`
	ClientId   string `json:"ClientId"`
}

func opDescribeUserPoolClient(s *Service, c *call) (any, error) {
	var in poolClientInput
	if err := c.decode(&in, "UserPoolId", "ClientId"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, cl, err := s.poolClient(in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	return map[string]any{"UserPoolClient": clientType(cl)}, nil
}

func opUpdateUserPoolClient(s *Service, c *call) (any, error) {
	var in struct {
		UserPoolId string `json:"UserPoolId"`
		ClientId   string `json:"ClientId"`
		clientConfigInput
	}
	if err := c.decode(&in, "UserPoolId", "ClientId"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, cl, err := s.poolClient(in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	if err := in.clientConfigInput.apply(p, cl); err != nil {
		return nil, err
	}
	cl.Modified = s.now().UTC()
	s.markChanged()
	return map[string]any{"UserPoolClient": clientType(cl)}, nil
}

func opDeleteUserPoolClient(s *Service, c *call) (any, error) {
	var in poolClientInput
	if err := c.decode(&in, "UserPoolId", "ClientId"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, cl, err := s.poolClient(in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	delete(p.Clients, cl.ClientID)
	delete(s.st.clients, cl.ClientID)
	s.markChanged()
	return empty{}, nil
}

type userPoolClientDescription struct {
	ClientId   string `json:"ClientId"`
	UserPoolId string `json:"UserPoolId"`
	ClientName string `json:"ClientName"`
}

func opListUserPoolClients(s *Service, c *call) (any, error) {
	var in struct {
		UserPoolId string `json:"UserPoolId"`
		MaxResults *int   `json:"MaxResults"`
		NextToken  string `json:"NextToken"`
	}
	if err := c.decode(&in, "UserPoolId"); err != nil {
		return nil, err
	}
	limit := 60
	if in.MaxResults != nil {
		if err := checkRange("MaxResults", *in.MaxResults, 1, 60); err != nil {
			return nil, err
		}
		limit = *in.MaxResults
	}
	return s.withPool(in.UserPoolId, func(p *pool) (any, error) {
		ids := make([]string, 0, len(p.Clients))
		for id := range p.Clients {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		page, next, err := paginate(ids, in.NextToken, limit)
		if err != nil {
			return nil, err
		}
		out := make([]userPoolClientDescription, 0, len(page))
		for _, id := range page {
			cl := p.Clients[id]
			out = append(out, userPoolClientDescription{ClientId: cl.ClientID, UserPoolId: p.ID, ClientName: cl.Name})
		}
		return struct {
			UserPoolClients []userPoolClientDescription `json:"UserPoolClients"`
			NextToken       string                      `json:"NextToken,omitempty"`
		}{out, next}, nil
	})
}
