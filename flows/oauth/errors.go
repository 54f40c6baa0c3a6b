package oauth

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cogscope/cogscope/flows"
)

// Error is a refusal in OAuth 2.0's own words: an error redirect (RFC 6749
// §4.1.2.1), Cognito's /error page, an endpoint's JSON error body (§5.2,
// RFC 7009 §2.2.1) or a WWW-Authenticate challenge (RFC 6750 §3).
type Error struct {
	// Op is the step that was refused: OpAuthorize (the redirect),
	// OpAuthorizeCheck, OpToken, OpRevoke, OpUserInfo.
	Op string `json:"op"`
	// Grant is the grant_type of a token request.
	Grant       string `json:"grant,omitempty"`
	Code        string `json:"error"`                      // invalid_grant, redirect_mismatch, …
	Description string `json:"errorDescription,omitempty"` // the provider's words, when it sent some
	URI         string `json:"errorUri,omitempty"`
	HTTPStatus  int    `json:"httpStatus,omitempty"`
	RequestID   string `json:"requestId,omitempty"`
	// ErrorPage is true when the provider showed the error on its own page
	// instead of redirecting to the app: Cognito does this for
	// redirect_mismatch and unknown clients, so the loopback listener never
	// hears of it.
	ErrorPage bool `json:"errorPage,omitempty"`
	// ClientAuth is how the client authenticated (token and revoke
	// requests): "" for a public client, else ClientSecretBasic or
	// ClientSecretPost.
	ClientAuth ClientAuth `json:"clientAuth,omitempty"`
	// RedirectURI is the redirect_uri of the authorization request, for
	// redirect_mismatch and invalid_grant.
	RedirectURI string `json:"redirectUri,omitempty"`
}

func (e *Error) Error() string {
	where := e.Op
	if e.Grant != "" {
		where += " (" + e.Grant + ")"
	}
	s := where + ": " + e.Code
	if e.Code == "" {
		s = where + ": refused"
	}
	if e.Description != "" {
		s += ": " + e.Description
	}
	if e.HTTPStatus != 0 && e.Op != OpAuthorize {
		s += fmt.Sprintf(" (HTTP %d)", e.HTTPStatus)
	}
	return s
}

func asError(err error) (*Error, bool) {
	var oe *Error
	if errors.As(err, &oe) {
		return oe, true
	}
	return nil, false
}

// HTTPError is an answer that is not OAuth at all: a discovery document
// that is missing or not JSON, an endpoint that answers 404 or HTML.
type HTTPError struct {
	Op     string `json:"op"`
	URL    string `json:"url"`
	Status int    `json:"status"`
	// Body is the start of what came back, for the diagnosis.
	Body   string `json:"body,omitempty"`
	Reason string `json:"reason"`
}

func (e *HTTPError) Error() string {
	s := fmt.Sprintf("%s: %s", e.Op, e.Reason)
	if e.Status != 0 {
		s += fmt.Sprintf(" (HTTP %d from %s)", e.Status, e.URL)
	} else if e.URL != "" {
		s += " (" + e.URL + ")"
	}
	return s
}

// StateMismatchError is a redirect whose state is not the one this sign-in
// sent: a stale browser tab of an earlier attempt, or a forged request
// (CSRF). The code it carried is never exchanged.
type StateMismatchError struct {
	Want, Got string
}

func (e *StateMismatchError) Error() string {
	if e.Got == "" {
		return "redirect: the redirect carries no state; this sign-in sent one, so the redirect is refused"
	}
	return fmt.Sprintf("redirect: state %q does not match the %q this sign-in sent; the redirect is refused", e.Got, e.Want)
}

// IssuerMismatchError is an issuer that differs from the expected one: in
// the discovery document (OpenID Discovery §4.3), in the redirect's iss
// parameter (RFC 9207), or in the ID token.
type IssuerMismatchError struct {
	Where     string // "discovery document", "redirect iss", "ID token iss"
	Want, Got string
}

func (e *IssuerMismatchError) Error() string {
	if e.Got == "" {
		return fmt.Sprintf("%s: missing, but the provider declares it sends one (expected %q)", e.Where, e.Want)
	}
	return fmt.Sprintf("%s: %q, expected %q", e.Where, e.Got, e.Want)
}

// IDTokenError is an ID token that does not belong to this sign-in or
// client (OpenID Connect Core §3.1.3.7): the nonce, audience, azp or
// at_hash differs, it has expired, or it is unreadable. The tokens are not
// returned.
type IDTokenError struct {
	// Grant is the grant whose answer carried the token.
	Grant     string
	Claim     string // "nonce", "aud", "azp", "exp", "at_hash" or "" (unreadable)
	Want, Got string
	Err       error
}

func (e *IDTokenError) Error() string {
	switch {
	case e.Err != nil:
		return "ID token: " + e.Err.Error()
	case e.Got == "":
		return fmt.Sprintf("ID token: no %s claim (expected %s)", e.Claim, quoteUnlessPhrase(e.Want))
	case e.Claim == "exp":
		return fmt.Sprintf("ID token: expired at %s (now %s)", e.Got, strings.TrimPrefix(e.Want, "after "))
	}
	return fmt.Sprintf("ID token: %s %q, expected %q", e.Claim, e.Got, e.Want)
}

// quoteUnlessPhrase quotes a value, but not a description of one.
func quoteUnlessPhrase(s string) string {
	if strings.Contains(s, " ") {
		return s
	}
	return strconv.Quote(s)
}

func (e *IDTokenError) Unwrap() error { return e.Err }

// RedirectURIError is a redirect URI this terminal cannot receive: not
// loopback, https, a custom scheme, or malformed.
type RedirectURIError struct {
	URI    string
	Reason string
}

func (e *RedirectURIError) Error() string {
	return fmt.Sprintf("redirect URI %q refused: %s", e.URI, e.Reason)
}

// ListenError is a loopback listener that could not start.
type ListenError struct {
	Addr  string
	InUse bool // another process holds the port
	Err   error
}

func (e *ListenError) Error() string {
	if e.InUse {
		return fmt.Sprintf("listen on %s for the redirect: the port is already in use by another program", e.Addr)
	}
	return fmt.Sprintf("listen on %s for the redirect: %v", e.Addr, e.Err)
}

func (e *ListenError) Unwrap() error { return e.Err }

// TimeoutError is a sign-in whose redirect never arrived.
type TimeoutError struct {
	Waited      time.Duration
	RedirectURI string
	// AuthorizeURL is the URL the browser was sent to.
	AuthorizeURL string
	// Ignored counts the redirects that arrived with another state (or
	// none) and were ignored; Mismatch describes the last of them.
	Ignored  int
	Mismatch *StateMismatchError
}

func (e *TimeoutError) Error() string {
	if e.Ignored > 0 {
		return fmt.Sprintf("redirect: nothing for this sign-in arrived at %s within %s (%d redirect(s) with another state were ignored)", e.RedirectURI, e.Waited, e.Ignored)
	}
	return fmt.Sprintf("redirect: nothing arrived at %s within %s", e.RedirectURI, e.Waited)
}

// Unwrap gives the last ignored redirect's state mismatch, if any.
func (e *TimeoutError) Unwrap() error {
	if e.Mismatch == nil {
		return nil
	}
	return e.Mismatch
}

// errInvalid wraps flows.ErrInvalidOptions, as the flows package does for
// its own bad options.
func errInvalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", flows.ErrInvalidOptions, fmt.Sprintf(format, args...))
}
