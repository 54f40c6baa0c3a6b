package hostedui

import (
	"net/url"
	"slices"
	"strings"

	"github.com/cogscope/cogscope/internal/local/cognito"
)

const (
	scopeOpenID = "openid"
	scopeAdmin  = "aws.cognito.signin.user.admin"
)

// reservedScopes are Cognito's own scopes; the others are resource-server
// scopes "<identifier>/<name>".
var reservedScopes = []string{scopeOpenID, "email", "phone", "profile", scopeAdmin}

// grantScopes applies Cognito's scope rules to an authorize request: no
// scope means every scope the client allows; otherwise each requested
// scope must exist (reserved, or a resource-server scope of the pool) and
// be allowed on the client, and email, phone and profile need openid.
func grantScopes(q url.Values, client cognito.HostedClient, pool cognito.HostedPool) ([]string, *authFailure) {
	requested := strings.Fields(q.Get("scope"))
	if len(requested) == 0 {
		if len(client.AllowedOAuthScopes) == 0 {
			return nil, &authFailure{code: "invalid_scope", description: "the app client allows no OAuth scopes"}
		}
		return slices.Clone(client.AllowedOAuthScopes), nil
	}
	var granted []string
	for _, sc := range requested {
		if slices.Contains(granted, sc) {
			continue
		}
		if !slices.Contains(reservedScopes, sc) && !slices.Contains(pool.CustomScopes, sc) {
			return nil, &authFailure{code: "invalid_scope", description: "unknown scope " + sc}
		}
		if !slices.Contains(client.AllowedOAuthScopes, sc) {
			return nil, &authFailure{code: "invalid_scope", description: "scope " + sc + " is not allowed for the app client"}
		}
		granted = append(granted, sc)
	}
	for _, sc := range []string{"email", "phone", "profile"} {
		if slices.Contains(granted, sc) && !slices.Contains(granted, scopeOpenID) {
			return nil, &authFailure{code: "invalid_scope", description: "scope " + sc + " requires openid"}
		}
	}
	return granted, nil
}

// clientCredentialsScopes are the scopes of a client_credentials grant:
// resource-server scopes only, each allowed on the client; none requested
// means all the client's resource-server scopes.
func clientCredentialsScopes(requested string, client cognito.HostedClient, pool cognito.HostedPool) ([]string, string) {
	var custom []string
	for _, sc := range client.AllowedOAuthScopes {
		if slices.Contains(pool.CustomScopes, sc) {
			custom = append(custom, sc)
		}
	}
	fields := strings.Fields(requested)
	if len(fields) == 0 {
		if len(custom) == 0 {
			return nil, "the app client allows no resource-server scopes for client_credentials"
		}
		return custom, ""
	}
	var granted []string
	for _, sc := range fields {
		switch {
		case slices.Contains(granted, sc):
		case slices.Contains(custom, sc):
			granted = append(granted, sc)
		case slices.Contains(reservedScopes, sc):
			return nil, "scope " + sc + " is not available to client_credentials: only resource-server scopes are"
		case slices.Contains(pool.CustomScopes, sc):
			return nil, "scope " + sc + " is not allowed for the app client"
		default:
			return nil, "unknown scope " + sc
		}
	}
	return granted, ""
}
