package oauth

import (
	"context"
	"net/url"
	"strings"
)

// LogoutRequest says where the browser goes after logging out.
type LogoutRequest struct {
	// LogoutURI is where to land afterwards; Cognito requires it to be one
	// of the client's sign-out URLs (logout_uri), other providers one of
	// its post_logout_redirect_uris.
	LogoutURI string
	// IDTokenHint is the ID token of the session (OpenID RP-initiated
	// logout); Cognito ignores it.
	IDTokenHint string
	State       string
}

// LogoutURL builds the URL that ends the provider's browser session. On a
// Cognito domain that is /logout?client_id=…&logout_uri=…; elsewhere the
// OpenID end_session_endpoint with post_logout_redirect_uri. Logging out
// revokes no token: pair it with Revoke.
func (c *Client) LogoutURL(ctx context.Context, lr LogoutRequest) (string, error) {
	ep, err := c.Endpoints(ctx)
	if err != nil {
		return "", err
	}
	if err := need("end_session_endpoint", ep.EndSession); err != nil {
		return "", err
	}
	u, err := url.Parse(ep.EndSession)
	if err != nil {
		return "", errInvalid("end_session_endpoint %q: %v", ep.EndSession, err)
	}
	if lr.LogoutURI != "" {
		lu, err := url.Parse(lr.LogoutURI)
		if err != nil || !lu.IsAbs() {
			return "", errInvalid("logout URI %q is not an absolute URL", lr.LogoutURI)
		}
	}
	q := u.Query()
	q.Set("client_id", c.o.ClientID)
	if ep.Cognito() {
		if lr.LogoutURI == "" {
			return "", errInvalid("Cognito's /logout needs a logout URI (one of the app client's sign-out URLs)")
		}
		q.Set("logout_uri", lr.LogoutURI)
	} else {
		if lr.LogoutURI != "" {
			q.Set("post_logout_redirect_uri", lr.LogoutURI)
		}
		if lr.IDTokenHint != "" {
			q.Set("id_token_hint", lr.IDTokenHint)
		}
	}
	if lr.State != "" {
		q.Set("state", lr.State)
	}
	u.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20")
	return u.String(), nil
}
